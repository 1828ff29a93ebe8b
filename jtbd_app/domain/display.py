"""How times and ratings read to people: "3 days ago", "due in 5 days", "4.8 (12 reviews)"."""

from __future__ import annotations

from datetime import date, datetime


def ago(moment: datetime, *, now: datetime) -> str:
    seconds = max(int((now - moment).total_seconds()), 0)
    for size, unit in (
        (86_400 * 365, "year"),
        (86_400 * 30, "month"),
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
    ):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def due(deadline: date | None, *, today: date) -> str:
    if deadline is None:
        return "No deadline"
    days = (deadline - today).days
    if days < 0:
        return f"Deadline passed {deadline.isoformat()}"
    if days == 0:
        return "Due today"
    return f"Due in {days} day{'s' if days != 1 else ''} ({deadline.isoformat()})"


def rating(total: int, count: int) -> str:
    if count <= 0:
        return "No reviews yet"
    return f"{total / count:.1f} ★ ({count} review{'s' if count != 1 else ''})"
