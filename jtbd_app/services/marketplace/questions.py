"""Public questions on a listing: any other member asks while it is open; only the owner answers."""

from __future__ import annotations

from sqlmodel import Session

from jtbd_app.domain import listing_fields as lf
from jtbd_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from jtbd_app.domain.ids import parse_id
from jtbd_app.models import Listing, Question, utcnow
from jtbd_app.services.messaging.notifications import notify
from jtbd_app.services.viewer import Viewer, require_active

QUESTION_MAX = 1_000
ANSWER_MAX = 2_000


def ask_question(session: Session, *, viewer: Viewer | None, listing_id: object, body: object) -> None:
    actor = require_active(viewer)
    listing = session.get(Listing, parse_id(listing_id, not_found="There is no such listing."))
    if listing is None or listing.status in ("draft", "hidden"):
        raise NotFound("There is no such listing.")
    if listing.owner_id == actor.user_id:
        raise PermissionDenied("This is your listing; edit its description instead.")
    if listing.status != "open":
        raise ValidationFailed({"question": "Questions close when the listing does."})
    try:
        text = lf.clean_rich_text(body, label="Question", max_len=QUESTION_MAX, min_len=5)
    except ValueError as exc:
        raise ValidationFailed({"question": str(exc)}) from None
    assert listing.id is not None
    session.add(Question(listing_id=listing.id, asker_id=actor.user_id, body=text))
    notify(
        session,
        user_id=listing.owner_id,
        kind="question",
        title=f"{actor.display_name} asked about “{listing.title}”",
        body=text[:200],
        link=f"/listings/{listing.id}",
    )


def answer_question(session: Session, *, viewer: Viewer | None, question_id: object, answer: object) -> None:
    actor = require_active(viewer)
    question = session.get(Question, parse_id(question_id, not_found="There is no such question."))
    listing = session.get(Listing, question.listing_id) if question else None
    if question is None or listing is None:
        raise NotFound("There is no such question.")
    if listing.owner_id != actor.user_id:
        raise PermissionDenied("Only the client who posted this listing can answer its questions.")
    try:
        text = lf.clean_rich_text(answer, label="Answer", max_len=ANSWER_MAX, min_len=2)
    except ValueError as exc:
        raise ValidationFailed({"answer": str(exc)}) from None
    first_answer = not question.answer
    question.answer, question.answered_at = text, utcnow()
    session.add(question)
    if first_answer:
        notify(
            session,
            user_id=question.asker_id,
            kind="question_answered",
            title=f"Your question on “{listing.title}” was answered",
            body=text[:200],
            link=f"/listings/{listing.id}",
        )
