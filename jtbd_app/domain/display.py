"""How times and ratings read to people: "due in 5 days", "3 days ago", "4.8 (12)"."""

from __future__ import annotations

from datetime import date, datetime


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def due_label(deadline: date | None, today: date) -> str:
    if deadline is None:
        return "No deadline"
    days = (deadline - today).days
    if days == 0:
        return "Due today"
    if days == 1:
        return "Due tomorrow"
    if days > 1:
        return f"Due in {days} days"
    return f"Was due {_plural(-days, 'day')} ago"


def ago_label(when: datetime | None, now: datetime) -> str:
    if when is None:
        return ""
    seconds = int((now - when).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return _plural(seconds // 60, "minute") + " ago"
    if seconds < 86400:
        return _plural(seconds // 3600, "hour") + " ago"
    if seconds < 30 * 86400:
        return _plural(seconds // 86400, "day") + " ago"
    return when.strftime("on %-d %b %Y")


def rating_label(total: int, count: int) -> str:
    """ "4.8 (12)": the average stars to one decimal (rounded half up, in integers) and the number of reviews."""
    if count <= 0:
        return "No reviews yet"
    tenths = (total * 20 + count) // (2 * count)
    return f"{tenths // 10}.{tenths % 10} ({count})"


def day_label(when: date | datetime) -> str:
    """ "7 Dec 2025": a calendar day, for deadlines and windows."""
    return f"{when.day} {when:%b %Y}"


def percent_label(part: int, whole: int) -> str:
    """ "92%": a whole percent rounded half up, in integers; "—" when there is nothing to count."""
    if whole <= 0:
        return "—"
    return f"{(part * 200 + whole) // (2 * whole)}%"
