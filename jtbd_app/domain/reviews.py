"""What a review may hold: 1 to 5 whole stars and optional plain text, and how stars read."""

from __future__ import annotations

from jtbd_app.domain import text

RATINGS = (1, 2, 3, 4, 5)
REVIEW_MAX = 2_000


def clean_rating(value: object) -> int:
    """Whole stars only: a bool, a string or a fraction is refused, not coerced."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in RATINGS:
        raise ValueError("Choose from 1 to 5 stars.")
    return value


def clean_review_body(value: object) -> str:
    """Optional plain text (shown escaped); anything that reads as an HTML tag is refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("Write your review as text.")
    too_long = f"Review must be at most {REVIEW_MAX:,} characters."
    if len(value) > REVIEW_MAX * 2:  # refuse a huge body before scanning it
        raise ValueError(too_long)
    try:
        body = text.clean_paragraphs(value, label="Review", max_len=REVIEW_MAX)
    except ValueError:
        raise ValueError(too_long) from None
    if text.has_html(body):
        raise ValueError("Review cannot contain HTML; use plain text.")
    return body


def stars_label(rating: int) -> str:
    """ "4 out of 5 stars": what a screen reader says for the star row."""
    return f"{rating} out of 5 stars"


def stars_text(rating: int) -> str:
    """ "★★★★☆" for the eye."""
    shown = max(0, min(5, rating))
    return "★" * shown + "☆" * (5 - shown)


def rating_choice_label(rating: int) -> str:
    """The label of one option of the rating control: "1 star", "2 stars"."""
    return "1 star" if rating == 1 else f"{rating} stars"
