"""A suspended member reads their standing and sends one appeal against the current suspension; an administrator
grants it (the member is reinstated through `standing`) or refuses it, with an answer the member reads. While
suspended, posting, bidding and messaging are refused with a message that says so."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import Appeal, AuditEntry, Notification, User
from jtbd_app.services.marketplace import bids, listings
from jtbd_app.services.messaging import messages
from jtbd_app.services.trust import appeals, standing
from jtbd_app.services.viewer import SUSPENDED
from tests.support.factories import OFFER, make_listing
from tests.support.members import make_user
from tests.support.messaging import make_deal
from tests.support.viewers import viewer_named, viewer_of


def _suspended(name: str = "bob") -> tuple[User, User]:
    admin, member = make_user("mod", role="admin"), make_user(name)
    with session_scope() as s:
        standing.warn_member(s, viewer=viewer_of(admin), user_id=member.id, reason="Keep it polite.")
        standing.suspend_member(s, viewer=viewer_of(admin), user_id=member.id, reason="Scam listings.")
    return admin, member


def _appeal(name: str, body: object = "It was a misunderstanding; the listing was real.") -> Appeal:
    with session_scope() as s:
        return appeals.send_appeal(s, viewer=viewer_named(name), body=body)


def _answer(admin: User, appeal_id: object, *, grant: bool, answer: object = "We checked again.") -> None:
    with session_scope() as s:
        appeals.answer_appeal(s, viewer=viewer_of(admin), appeal_id=appeal_id, grant=grant, answer=answer)


def test_the_member_reads_their_strikes_and_may_appeal_while_suspended() -> None:
    _admin, _bob = _suspended()
    with session_scope() as s:
        mine = appeals.my_standing(s, viewer=viewer_named("bob"))
    assert (mine.suspended, mine.suspended_reason, mine.can_appeal) == (True, "Scam listings.", True)
    assert [(line.kind, line.reason) for line in mine.strikes] == [
        ("Suspension", "Scam listings."),
        ("Warning", "Keep it polite."),
    ]


def test_one_appeal_only_and_the_admins_are_told() -> None:
    admin, _bob = _suspended()
    _appeal("bob")
    with pytest.raises(ValidationFailed, match="already appealed"):
        _appeal("bob", "Please, again.")
    with session_scope() as s:
        assert len(s.exec(select(Appeal)).all()) == 1
        kinds = s.exec(select(Notification.kind).where(Notification.user_id == admin.id)).all()
        assert kinds == ["report_filed"]
        assert appeals.my_standing(s, viewer=viewer_named("bob")).can_appeal is False


def test_granting_reinstates_the_member_and_they_can_bid_again() -> None:
    admin, bob = _suspended()
    ann = make_user("ann")
    listing = make_listing(ann)
    appeal = _appeal("bob")
    _answer(admin, appeal.id, grant=True, answer="Granted: the listing was real.")
    with session_scope() as s:
        assert s.get(User, bob.id).status == "active"  # type: ignore[union-attr]
        assert s.get(Appeal, appeal.id).status == "granted"  # type: ignore[union-attr]
        actions = s.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
        assert actions[-2:] == ["member.reinstate", "appeal.grant"]
        mine = appeals.my_standing(s, viewer=viewer_named("bob"))
        assert (mine.suspended, mine.appeal_status, mine.appeal_answer) == (
            False,
            "granted",
            "Granted: the listing was real.",
        )
        assert mine.strikes[0].lifted != ""
    with session_scope() as s:
        assert bids.place_bid(s, viewer=viewer_named("bob"), listing_id=listing.id, values=OFFER) > 0


def test_refusing_keeps_the_suspension_and_the_member_reads_the_answer() -> None:
    admin, bob = _suspended()
    appeal = _appeal("bob")
    _answer(admin, appeal.id, grant=False, answer="The evidence stands.")
    with session_scope() as s:
        assert s.get(User, bob.id).status == "suspended"  # type: ignore[union-attr]
        note = s.exec(
            select(Notification).where(Notification.user_id == bob.id).order_by(col(Notification.id).desc())
        ).first()
        assert note is not None and (note.title, note.body) == ("Your appeal was refused", "The evidence stands.")
        assert s.exec(select(AuditEntry.action).order_by(col(AuditEntry.id).desc())).first() == "appeal.refuse"
        mine = appeals.my_standing(s, viewer=viewer_named("bob"))
        assert (mine.appeal_status, mine.appeal_answer, mine.can_appeal) == ("refused", "The evidence stands.", False)
    with pytest.raises(ValidationFailed, match="already answered"):
        _answer(admin, appeal.id, grant=True)


def test_an_active_member_has_nothing_to_appeal_and_visitors_cannot() -> None:
    make_user("bob")
    with pytest.raises(ValidationFailed, match="not suspended"):
        _appeal("bob")
    with pytest.raises(NotSignedIn), session_scope() as s:
        appeals.send_appeal(s, viewer=None, body="x")


@pytest.mark.parametrize("body", ["", "   ", "<img src=x>", "x" * 2001, None, 5])
def test_an_appeal_is_plain_text_of_at_most_2000_characters(body: object) -> None:
    _suspended()
    with pytest.raises(ValidationFailed) as err:
        _appeal("bob", body)
    assert "body" in err.value.fields


def test_only_administrators_read_and_answer_appeals() -> None:
    _admin, _bob = _suspended()
    appeal = _appeal("bob")
    eve = make_user("eve")
    with pytest.raises(PermissionDenied), session_scope() as s:
        appeals.open_appeals(s, viewer=viewer_of(eve))
    with pytest.raises(PermissionDenied):
        _answer(eve, appeal.id, grant=True)
    with session_scope() as s:
        queue = appeals.open_appeals(s, viewer=viewer_of(_admin))
    assert [(i.member_username, i.suspension_reason) for i in queue.rows] == [("bob", "Scam listings.")]


def test_a_suspended_member_cannot_post_bid_or_message() -> None:
    deal = make_deal(bidder_name="bob")
    admin = make_user("mod", role="admin")
    other = make_listing(deal.owner, title="Another task")
    with session_scope() as s:
        standing.suspend_member(s, viewer=viewer_of(admin), user_id=deal.bidder.id, reason="Spam.")
    bob = viewer_named("bob")
    with pytest.raises(PermissionDenied, match="cannot post, bid, message") as refused, session_scope() as s:
        bids.place_bid(s, viewer=bob, listing_id=other.id, values=OFFER)
    assert refused.value.message == SUSPENDED
    with pytest.raises(PermissionDenied, match="suspended"), session_scope() as s:
        messages.send_message(s, viewer=bob, thread_id=deal.thread_id, body="Hello?")
    with pytest.raises(PermissionDenied, match="suspended"), session_scope() as s:
        listings.start_draft(s, viewer=bob)
