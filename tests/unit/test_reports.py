"""Reports: a signed-in, active member flags a listing, a profile, a review or a message they can see, once, never
their own, with a reason from the list and plain details; past the daily cap they are asked to wait. The author is
fixed at report time and the administrators are told."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from jtbd_app.db import session_scope
from jtbd_app.domain import moderation as words
from jtbd_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import Message, Notification, Report, Review, User
from jtbd_app.services.trust import reports
from tests.support.contracts import make_completed_contract
from tests.support.factories import make_listing
from tests.support.members import make_user
from tests.support.messaging import make_deal, send
from tests.support.viewers import viewer_of


def _report(user: User, kind: str, subject: object, reason: str = "spam", details: Any = "") -> Report:
    with session_scope() as s:
        return reports.file_report(
            s, viewer=viewer_of(user), kind=kind, subject=subject, reason=reason, details=details
        )


def _count() -> int:
    with session_scope() as s:
        return len(s.exec(select(Report)).all())


def test_a_member_reports_a_listing_with_its_author_and_the_admins_are_told() -> None:
    ann, bob, admin = make_user("ann"), make_user("bob"), make_user("mod", role="admin")
    listing = make_listing(ann)
    report = _report(bob, "listing", listing.id, "scam", "Asks for a deposit by wire.")
    assert (report.author_id, report.subject_id, report.reason_code, report.status) == (
        ann.id,
        listing.id,
        "scam",
        "open",
    )
    with session_scope() as s:
        notes = s.exec(select(Notification).where(Notification.user_id == admin.id)).all()
        assert [(n.kind, n.link) for n in notes] == [("report_filed", "/admin/reports")]
        assert not s.exec(select(Notification).where(Notification.user_id == ann.id)).all()


def test_a_profile_is_reported_by_username_and_stored_by_user_id() -> None:
    ann, bob = make_user("ann"), make_user("bob")
    assert _report(bob, "profile", "ann").subject_id == ann.id


def test_a_published_review_can_be_reported_and_an_unpublished_one_cannot() -> None:
    ann, bob, cat = make_user("ann"), make_user("bob"), make_user("cat")
    contract = make_completed_contract(ann, bob)
    with session_scope() as s:
        shown = Review(
            contract_id=contract.id or 0, author_id=ann.id or 0, subject_id=bob.id or 0, rating=1, body="Bad."
        )
        blind = Review(
            contract_id=contract.id or 0, author_id=bob.id or 0, subject_id=ann.id or 0, rating=5, body="Good."
        )
        shown.published_at = contract.completed_at
        s.add(shown)
        s.add(blind)
        s.flush()
        shown_id, blind_id = shown.id, blind.id
    assert _report(cat, "review", shown_id).author_id == ann.id
    with pytest.raises(PermissionDenied):
        _report(cat, "review", blind_id)


def test_a_message_can_be_reported_only_by_a_party_of_its_thread() -> None:
    deal, eve = make_deal(), make_user("eve")
    send(deal.owner_viewer, deal.thread_id, "Pay me outside the site.")
    with session_scope() as s:
        message_id = s.exec(select(Message.id)).one()
    with pytest.raises(PermissionDenied):
        _report(eve, "message", message_id)
    assert _report(deal.bidder, "message", message_id, "off_platform").author_id == deal.owner.id


def test_own_content_cannot_be_reported() -> None:
    ann = make_user("ann")
    listing = make_listing(ann)
    with pytest.raises(ValidationFailed, match="your own listing"):
        _report(ann, "listing", listing.id)
    with pytest.raises(ValidationFailed, match="your own profile"):
        _report(ann, "profile", "ann")
    assert _count() == 0


def test_a_second_report_of_the_same_item_is_refused() -> None:
    ann, bob = make_user("ann"), make_user("bob")
    listing = make_listing(ann)
    _report(bob, "listing", listing.id)
    with pytest.raises(ValidationFailed, match="You already reported this"):
        _report(bob, "listing", listing.id, "other")
    assert _count() == 1


@pytest.mark.parametrize(
    ("reason", "details", "field"),
    [
        ("", "", "reason"),
        ("bogus", "", "reason"),
        (None, "", "reason"),
        ("spam", "<script>x</script>", "details"),
        ("spam", "x" * (words.DETAILS_MAX + 1), "details"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_stored(reason: Any, details: Any, field: str) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    listing = make_listing(ann)
    with pytest.raises(ValidationFailed) as err:
        _report(bob, "listing", listing.id, reason, details)
    assert field in err.value.fields
    assert _count() == 0


@pytest.mark.parametrize(
    ("kind", "subject"), [("listing", 999_999), ("poem", 1), ("listing", "x"), ("profile", "nobody")]
)
def test_unknown_items_and_kinds_are_refused(kind: str, subject: object) -> None:
    bob = make_user("bob")
    with pytest.raises((NotFound, ValidationFailed)):
        _report(bob, kind, subject)


def test_a_draft_listing_cannot_be_reported_as_nobody_else_sees_it() -> None:
    ann, bob = make_user("ann"), make_user("bob")
    draft = make_listing(ann, status="draft")
    with pytest.raises(NotFound):
        _report(bob, "listing", draft.id)


def test_visitors_and_suspended_members_cannot_report() -> None:
    ann, gone = make_user("ann"), make_user("gone", status="suspended")
    listing = make_listing(ann)
    with pytest.raises(NotSignedIn), session_scope() as s:
        reports.file_report(s, viewer=None, kind="listing", subject=listing.id, reason="spam", details="")
    with pytest.raises(PermissionDenied):
        _report(gone, "listing", listing.id)


def test_a_member_may_send_at_most_the_daily_cap_of_reports() -> None:
    ann, bob = make_user("ann"), make_user("bob")
    listings = [make_listing(ann, title=f"Task {n}") for n in range(words.REPORTS_PER_DAY + 1)]
    for listing in listings[:-1]:
        _report(bob, "listing", listing.id)
    with pytest.raises(ValidationFailed, match="many reports today"):
        _report(bob, "listing", listings[-1].id)
    assert _count() == words.REPORTS_PER_DAY


def test_a_profile_named_with_digits_is_found_by_its_username_not_as_an_id() -> None:
    make_user("ann")
    digits, bob = make_user("4242"), make_user("bob")
    assert _report(bob, "profile", "4242").subject_id == digits.id
