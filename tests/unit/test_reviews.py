"""Double-blind reviews, as worked examples: Ann hired Bob, the contract is completed, each may rate the other."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.display import day_label
from jtbd_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import Contract, ContractEvent, Notification, Profile, Review, ScheduledJob, User, utcnow
from jtbd_app.services.contracts import review_view, reviews
from jtbd_app.services.contracts.review_view import ReviewPanel
from jtbd_app.services.viewer import Viewer
from tests.support.contracts import make_completed_contract, make_contract
from tests.support.members import make_user
from tests.support.viewers import viewer_of

WINDOW = timedelta(days=14)


@pytest.fixture
def ann() -> User:
    return make_user("ann")


@pytest.fixture
def bob() -> User:
    return make_user("bob")


@pytest.fixture
def job(ann: User, bob: User) -> Contract:
    """Ann (client) and Bob (contractor) completed a contract an hour ago."""
    return make_completed_contract(ann, bob, completed_at=utcnow() - timedelta(hours=1), title="Bakery site")


def window_end(contract: Contract) -> datetime:
    assert contract.completed_at is not None
    return contract.completed_at + WINDOW


def review(user: User | Viewer | None, contract: Contract, rating: Any = 5, body: Any = "", **kw: Any) -> None:
    viewer = viewer_of(user) if isinstance(user, User) else user
    with session_scope() as s:
        reviews.leave_review(s, viewer=viewer, contract_id=contract.id, rating=rating, body=body, **kw)


def panel(user: User, contract: Contract, **kw: Any) -> ReviewPanel:
    with session_scope() as s:
        return review_view.review_panel(s, viewer=viewer_of(user), contract_id=contract.id, **kw)


def record(db: Session, user: User) -> tuple[int, int]:
    db.expire_all()
    profile = db.get(Profile, user.id)
    assert profile is not None
    return profile.rating_total, profile.rating_count


def notes(db: Session, user: User) -> list[Notification]:
    return list(db.exec(select(Notification).where(Notification.user_id == user.id)).all())


def test_a_lone_review_stays_hidden_from_the_other_party_and_the_profile(
    db: Session, ann: User, bob: User, job: Contract
) -> None:
    # When Ann rates Bob and Bob has not rated Ann
    review(ann, job, 2, "Late and sloppy.")
    # Then Bob is told there is a review, but not what it says
    ends = day_label(window_end(job))
    (told,) = notes(db, bob)
    assert (told.kind, told.title, told.body) == (
        "review_received",
        "Ann reviewed you on “Bakery site”",
        f"Leave your review by {ends}: both appear together when both are in, or on that day.",
    )
    # and Bob's page says a review is waiting, without it
    seen = panel(bob, job)
    assert seen.other_reviews == [] and seen.can_review
    assert seen.status_line.startswith("Ann has reviewed you. Leave your review by")
    # and his profile neither lists nor counts it
    assert record(db, bob) == (0, 0)
    assert review_view.profile_reviews(db, username="bob", page=1) == ([], 0)
    # while Ann sees her own review, marked as not yet shown
    mine = panel(ann, job)
    assert mine.has_own_review and mine.own_review.rating == 2 and not mine.own_review.published
    assert mine.already_reviewed and not mine.can_review
    assert mine.status_line == f"Your review is in; it appears when Bob's is in or on {ends}."


def test_when_both_are_in_both_are_published_at_once_and_counted(
    db: Session, ann: User, bob: User, job: Contract
) -> None:
    review(ann, job, 5, "Lovely work.")
    # When Bob rates Ann too
    review(bob, job, 4, "Clear brief.")
    # Then both are published together
    rows = db.exec(select(Review)).all()
    assert len(rows) == 2 and rows[0].published_at is not None and rows[0].published_at == rows[1].published_at
    # and each subject's profile counts the stars about them
    assert record(db, bob) == (5, 1) and record(db, ann) == (4, 1)
    # and each side now reads the other's review
    assert [(r.author_name, r.rating, r.body) for r in panel(bob, job).other_reviews] == [("Ann", 5, "Lovely work.")]
    assert [(r.author_name, r.rating) for r in panel(ann, job).other_reviews] == [("Bob", 4)]
    assert panel(ann, job).status_line == "Both reviews are published."
    # and both are told (Bob had heard of Ann's review before)
    assert [n.kind for n in notes(db, ann)] == ["reviews_published"]
    assert [n.kind for n in notes(db, bob)] == ["review_received", "reviews_published"]
    assert {e.kind for e in db.exec(select(ContractEvent))} == {"review_left", "reviews_published"}


def test_when_the_window_closes_the_lone_review_is_published_once(db: Session, ann: User, bob: User) -> None:
    completed = utcnow() - timedelta(days=10)
    job = make_completed_contract(ann, bob, completed_at=completed)
    review(ann, job, 3, "Okay.")
    with session_scope() as s:
        # Not yet: the window is still open
        assert (
            reviews.publish_due_reviews(s, contract_id=job.id or 0, now=completed + WINDOW - timedelta(seconds=1)) == 0
        )
    assert record(db, bob) == (0, 0)
    # When the window closes
    with session_scope() as s:
        assert reviews.publish_due_reviews(s, contract_id=job.id or 0, now=completed + WINDOW) == 1
    # Then Ann's review is published and counted, and Bob is told
    assert record(db, bob) == (3, 1)
    assert notes(db, bob)[-1].title == "Ann's review of you on “Build a landing page” is published"
    items, total = review_view.profile_reviews(db, username="bob", page=1)
    assert total == 1 and items[0].body == "Okay."
    # And a second run changes nothing
    with session_scope() as s:
        assert reviews.publish_due_reviews(s, contract_id=job.id or 0, now=completed + WINDOW * 2) == 0
    assert record(db, bob) == (3, 1)
    assert panel(ann, job).status_line.startswith("Your review is published. The review window closed on")


def test_reviews_published_together_are_not_counted_again_when_the_window_closes(
    db: Session, ann: User, bob: User, job: Contract
) -> None:
    review(ann, job, 5)
    review(bob, job, 5)
    with session_scope() as s:
        assert reviews.publish_due_reviews(s, contract_id=job.id or 0, now=utcnow() + WINDOW) == 0
    assert record(db, bob) == (5, 1) and record(db, ann) == (5, 1)


def test_the_window_job_waits_for_a_completed_contract(db: Session, ann: User, bob: User) -> None:
    funded = make_contract(ann, bob)
    with session_scope() as s:
        assert reviews.publish_due_reviews(s, contract_id=funded.id or 0, now=utcnow() + WINDOW * 5) == 0
        assert reviews.publish_due_reviews(s, contract_id=999, now=utcnow()) == 0


def test_a_review_after_the_window_is_refused(db: Session, ann: User, bob: User, job: Contract) -> None:
    ends = window_end(job)
    # Given the last second of the window is still open
    review(ann, job, 4, now=ends - timedelta(seconds=1))
    # When Bob reviews at the moment it closes
    with pytest.raises(ValidationFailed) as caught:
        review(bob, job, 4, now=ends)
    # Then he is told when it closed, and nothing is stored
    assert caught.value.fields == {"form": f"The review window closed on {day_label(ends)}."}
    assert len(db.exec(select(Review)).all()) == 1
    assert not panel(bob, job, now=ends).can_review


def test_a_second_review_by_the_same_side_is_refused_with_a_clear_message(
    db: Session, ann: User, job: Contract
) -> None:
    review(ann, job, 5, "First.")
    with pytest.raises(ValidationFailed) as caught:
        review(ann, job, 1, "Changed my mind.")
    assert caught.value.fields == {"form": "You have already reviewed this contract; a review cannot be changed."}
    assert [(r.rating, r.body) for r in db.exec(select(Review))] == [(5, "First.")]


def test_a_contract_not_yet_completed_cannot_be_reviewed(db: Session, ann: User, bob: User) -> None:
    delivered = make_contract(ann, bob, status="delivered", delivered_at=utcnow())
    with pytest.raises(ValidationFailed) as caught:
        review(ann, delivered, 5)
    assert caught.value.fields == {"form": "You can leave a review once the contract is completed."}
    shown = panel(ann, delivered)
    assert not shown.completed and not shown.can_review
    assert shown.status_line == "Reviews open once the contract is completed."


@pytest.mark.parametrize(
    ("who", "error"),
    [("stranger", PermissionDenied), ("anonymous", NotSignedIn), ("suspended party", PermissionDenied)],
)
def test_only_an_active_party_may_review_and_a_refusal_changes_nothing(
    db: Session, ann: User, bob: User, job: Contract, who: str, error: type[Exception]
) -> None:
    callers: dict[str, Viewer | None] = {
        "stranger": viewer_of(make_user("carl")),
        "anonymous": None,
        "suspended party": Viewer(bob.id or 0, "bob", "Bob", "user", "suspended"),
    }
    with pytest.raises(error):
        review(callers[who], job, 1, "Forged.")
    assert db.exec(select(Review)).all() == [] and db.exec(select(Notification)).all() == []
    assert record(db, ann) == (0, 0)


def test_an_unknown_contract_is_not_found(ann: User) -> None:
    for forged in (12345, "abc", -1, True, None, "1" * 20):
        with pytest.raises(NotFound), session_scope() as s:
            reviews.leave_review(s, viewer=viewer_of(ann), contract_id=forged, rating=5, body="")


@pytest.mark.parametrize("rating", [0, 6, -1, "5", True, None, 4.5, 5.0, [5], {"stars": 5}])
def test_a_rating_must_be_whole_stars_from_one_to_five(db: Session, ann: User, job: Contract, rating: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        review(ann, job, rating, "Fine.")
    assert caught.value.fields == {"rating": "Choose from 1 to 5 stars."}
    assert db.exec(select(Review)).all() == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<script>alert(1)</script>", "cannot contain HTML"),
        ("Nice <img src=x onerror=alert(1)> work", "cannot contain HTML"),
        ("<!-- hidden -->", "cannot contain HTML"),
        ("x" * 2_001, "at most 2,000"),
        ("x" * 1_000_000, "at most 2,000"),
        (42, "as text"),
    ],
)
def test_a_hostile_review_text_is_refused_and_nothing_is_stored(
    db: Session, ann: User, job: Contract, body: Any, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        review(ann, job, 5, body)
    assert message in caught.value.fields["review"] and set(caught.value.fields) == {"review"}
    assert db.exec(select(Review)).all() == []


def test_bad_rating_and_text_are_reported_together(ann: User, job: Contract) -> None:
    with pytest.raises(ValidationFailed) as caught:
        review(ann, job, 9, "<b>bold</b>")
    assert set(caught.value.fields) == {"rating", "review"}


@pytest.mark.parametrize(("body", "kept"), [("", ""), (None, ""), ("  a < b and c > d \x00 ", "a < b and c > d")])
def test_review_text_is_optional_plain_text(db: Session, ann: User, job: Contract, body: Any, kept: str) -> None:
    review(ann, job, 4, body)
    assert db.exec(select(Review)).one().body == kept


def test_completion_schedules_one_window_close_job(
    db: Session, ann: User, bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVIEW_WINDOW_DAYS", "7")
    get_settings.cache_clear()
    done = make_completed_contract(ann, bob, completed_at=datetime(2025, 3, 1, 12, 0, tzinfo=utcnow().tzinfo))
    with session_scope() as s:
        reviews.schedule_window_close(s, s.get(Contract, done.id))  # type: ignore[arg-type]
        reviews.schedule_window_close(s, s.get(Contract, done.id))  # type: ignore[arg-type]
    (job,) = db.exec(select(ScheduledJob)).all()
    assert (job.key, job.kind, job.contract_id, job.status) == (
        f"close_review_window:contract:{done.id}",
        "close_review_window",
        done.id,
        "pending",
    )
    assert job.run_at == datetime(2025, 3, 8, 12, 0, tzinfo=utcnow().tzinfo)


def test_only_a_completed_contract_has_a_window_to_close(ann: User, bob: User) -> None:
    funded = make_contract(ann, bob)
    with session_scope() as s, pytest.raises(ValueError):
        reviews.schedule_window_close(s, funded)


def test_strangers_cannot_read_the_panel_but_administrators_read_both_reviews(
    db: Session, ann: User, bob: User, job: Contract
) -> None:
    review(ann, job, 2, "Unpublished words.")
    with pytest.raises(PermissionDenied), session_scope() as s:
        review_view.review_panel(s, viewer=viewer_of(make_user("carl")), contract_id=job.id)
    with pytest.raises(NotSignedIn), session_scope() as s:
        review_view.review_panel(s, viewer=None, contract_id=job.id)
    with pytest.raises(NotFound), session_scope() as s:
        review_view.review_panel(s, viewer=viewer_of(ann), contract_id=job.id + 1)  # type: ignore[operator]
    shown = panel(make_user("boss", role="admin"), job)
    assert not shown.can_review and not shown.has_own_review
    assert [(r.author_name, r.subject_name, r.published) for r in shown.other_reviews] == [("Ann", "Bob", False)]


def test_a_suspended_party_reads_the_panel_but_cannot_review(db: Session, ann: User, job: Contract) -> None:
    with session_scope() as s:
        user = s.get(User, job.contractor_id)
        assert user is not None
        user.status = "suspended"
    review(ann, job, 5, "Great.")
    shown = panel(db.get(User, job.contractor_id), job)  # type: ignore[arg-type]
    assert not shown.can_review and shown.other_reviews == []
    assert shown.status_line == "Your account is suspended, so you cannot leave a review."


def test_the_panel_invites_a_review_before_either_is_in(ann: User, job: Contract) -> None:
    shown = panel(ann, job)
    ends = day_label(window_end(job))
    assert shown.can_review and shown.other_name == "Bob" and shown.window_ends == ends
    assert shown.status_line == (f"Review Bob by {ends}. Neither review shows until both are in or the window closes.")
    late = panel(ann, job, now=job.completed_at + WINDOW)  # type: ignore[operator]
    assert not late.can_review and late.status_line == f"The review window closed on {ends}."
