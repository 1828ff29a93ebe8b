"""Moderation at /admin/reports: reports grouped by item, oldest first; hiding and restoring each kind of content
with its effects (a hidden listing leaves search and its page, a hidden review leaves the profile with its stars, a
hidden message shows a placeholder, a hidden profile shows only the name); dismissing; warning or suspending the
author through `standing`. Every action needs a reason, closes the item's open reports, tells the reporters and
is audited."""

from __future__ import annotations

import pytest
from sqlmodel import select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from jtbd_app.domain.moderation import HIDDEN_LISTING, HIDDEN_MESSAGE
from jtbd_app.models import AuditEntry, Listing, Message, Notification, Profile, Report, Review, User
from jtbd_app.services.accounts.profiles import public_profile
from jtbd_app.services.contracts import review_view
from jtbd_app.services.marketplace import listing_search, listing_view
from jtbd_app.services.messaging import message_view
from jtbd_app.services.trust import moderation, reports
from tests.support.contracts import make_completed_contract
from tests.support.factories import make_listing
from tests.support.members import make_user
from tests.support.messaging import make_deal, send
from tests.support.viewers import viewer_of


def _report(user: User, kind: str, subject: object, reason: str = "spam") -> None:
    with session_scope() as s:
        reports.file_report(s, viewer=viewer_of(user), kind=kind, subject=subject, reason=reason, details="")


def _act(admin: User, kind: str, subject_id: object, action: str, reason: object = "Against the rules.") -> str:
    with session_scope() as s:
        return moderation.moderate(
            s, viewer=viewer_of(admin), kind=kind, subject_id=subject_id, action=action, reason=reason
        )


def _search_titles() -> list[str]:
    with session_scope() as s:
        return [card.title for card in listing_search.search_from_params(s, params={"q": "bakery"}).items]


def test_the_queue_groups_reports_by_item_oldest_first_with_author_and_strikes() -> None:
    ann, bob, cat, admin = make_user("ann"), make_user("bob"), make_user("cat"), make_user("mod", role="admin")
    first, second = make_listing(ann, title="First task"), make_listing(ann, title="Second task")
    _report(bob, "listing", first.id)
    _report(cat, "listing", first.id, "scam")
    _report(bob, "profile", "ann")
    _report(cat, "listing", second.id)
    with session_scope() as s:
        queue = moderation.report_queue(s, viewer=viewer_of(admin))
        only_profiles = moderation.report_queue(s, viewer=viewer_of(admin), kind="profile")
    assert [(i.kind, i.title, i.report_count) for i in queue.rows] == [
        ("listing", "First task", 2),
        ("profile", "The profile of Ann (@ann)", 1),
        ("listing", "Second task", 1),
    ]
    assert [r.reason for r in queue.rows[0].reporters] == ["Spam", "Scam or fraud"]
    assert (queue.rows[0].author_username, queue.rows[0].author_strikes, queue.total) == ("ann", 0, 3)
    assert [i.kind for i in only_profiles.rows] == ["profile"]


def test_only_administrators_read_the_queue_or_act() -> None:
    ann, bob = make_user("ann"), make_user("bob")
    listing = make_listing(ann)
    _report(bob, "listing", listing.id)
    with pytest.raises(PermissionDenied), session_scope() as s:
        moderation.report_queue(s, viewer=viewer_of(bob))
    with pytest.raises(PermissionDenied):
        _act(bob, "listing", listing.id, "hide")
    with session_scope() as s:
        assert s.get(Listing, listing.id).status == "open"  # type: ignore[union-attr]


def test_hiding_a_listing_takes_it_out_of_search_and_its_page_closes_the_reports_and_tells_everyone() -> None:
    ann, bob, cat, admin = make_user("ann"), make_user("bob"), make_user("cat"), make_user("mod", role="admin")
    listing = make_listing(ann, title="Bakery website")
    _report(bob, "listing", listing.id)
    _report(cat, "listing", listing.id)
    assert _search_titles() == ["Bakery website"]
    _act(admin, "listing", listing.id, "hide", "Scam listing.")
    assert _search_titles() == []
    with session_scope() as s:
        with pytest.raises(NotFound, match=HIDDEN_LISTING):
            listing_view.listing_detail(s, viewer=viewer_of(bob), listing_id=listing.id)
        assert listing_view.listing_detail(s, viewer=viewer_of(ann), listing_id=listing.id).status == "hidden"
        assert listing_view.listing_detail(s, viewer=viewer_of(admin), listing_id=listing.id).status == "hidden"
        closed = s.exec(select(Report)).all()
        assert {(r.status, r.resolution, r.resolution_note, r.resolved_by) for r in closed} == {
            ("actioned", "hidden", "Scam listing.", admin.id)
        }
        outcomes = s.exec(select(Notification.user_id).where(Notification.kind == "report_outcome")).all()
        assert set(outcomes) == {bob.id, cat.id}
        told = s.exec(select(Notification).where(Notification.user_id == ann.id)).one()
        assert told.kind == "moderation" and "hidden" in told.title
        assert s.exec(select(AuditEntry.action, AuditEntry.subject)).all() == [("report.hide", f"listing:{listing.id}")]
    with session_scope() as s:
        assert moderation.report_queue(s, viewer=viewer_of(admin)).rows == []
        closed_queue = moderation.report_queue(s, viewer=viewer_of(admin), status="closed")
        assert [(i.report_count, i.resolution, i.hidden) for i in closed_queue.rows] == [(2, "hidden", True)]


def test_restoring_a_listing_returns_it_to_its_state_and_to_search() -> None:
    ann, bob, admin = make_user("ann"), make_user("bob"), make_user("mod", role="admin")
    listing = make_listing(ann, title="Bakery website")
    _report(bob, "listing", listing.id)
    _act(admin, "listing", listing.id, "hide")
    _act(admin, "listing", listing.id, "restore", "Checked with the client: legitimate.")
    assert _search_titles() == ["Bakery website"]
    with session_scope() as s:
        assert (s.get(Listing, listing.id).status, s.get(Listing, listing.id).hidden_from) == ("open", "")  # type: ignore[union-attr]
        actions = s.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
        assert actions == ["report.hide", "report.restore"]
    with pytest.raises(ValidationFailed, match="not hidden"):
        _act(admin, "listing", listing.id, "restore")


def test_a_hidden_review_leaves_the_profile_its_rating_and_the_contract_of_the_other_party() -> None:
    ann, bob, cat, admin = make_user("ann"), make_user("bob"), make_user("cat"), make_user("mod", role="admin")
    contract = make_completed_contract(ann, bob)
    with session_scope() as s:
        review = Review(
            contract_id=contract.id or 0, author_id=ann.id or 0, subject_id=bob.id or 0, rating=1, body="Slurs here."
        )
        review.published_at = contract.completed_at
        s.add(review)
        profile = s.get(Profile, bob.id)
        assert profile is not None
        profile.rating_total, profile.rating_count = 6, 2  # this review (1) and an earlier 5
        s.add(profile)
        s.flush()
        review_id = review.id
    _report(cat, "review", review_id, "abuse")
    _act(admin, "review", review_id, "hide")
    with session_scope() as s:
        assert review_view.profile_reviews(s, username="bob", page=1) == ([], 0)
        assert public_profile(s, username="bob").rating == "5.0 (1)"
        panel = review_view.review_panel(s, viewer=viewer_of(bob), contract_id=contract.id)
        assert panel.other_reviews == []
        own = review_view.review_panel(s, viewer=viewer_of(ann), contract_id=contract.id).own_review
        assert (own.body, own.hidden) == ("Slurs here.", True)
    _act(admin, "review", review_id, "restore")
    with session_scope() as s:
        assert review_view.profile_reviews(s, username="bob", page=1)[1] == 1
        assert public_profile(s, username="bob").rating == "3.0 (2)"


def test_a_hidden_message_shows_a_placeholder_to_the_parties() -> None:
    deal, admin = make_deal(), make_user("mod", role="admin")
    send(deal.owner_viewer, deal.thread_id, "Send the money to my bank instead.")
    with session_scope() as s:
        message_id = s.exec(select(Message.id)).one()
    _report(deal.bidder, "message", message_id, "off_platform")
    _act(admin, "message", message_id, "hide")
    bidder = deal.bidder_viewer
    with session_scope() as s:
        thread = message_view.thread_view(s, viewer=bidder, thread_id=deal.thread_id)
        assert [(m.body, m.hidden) for m in thread.messages] == [(HIDDEN_MESSAGE, True)]
        inbox = message_view.list_threads(s, viewer=bidder)
        assert "bank" not in str(inbox)


def test_a_hidden_profile_shows_only_the_name_to_others() -> None:
    ann, bob, admin = make_user("ann"), make_user("bob"), make_user("mod", role="admin")
    with session_scope() as s:
        profile = s.get(Profile, ann.id)
        assert profile is not None
        profile.bio = "Buy followers at spam.example"
        s.add(profile)
    _report(bob, "profile", "ann")
    _act(admin, "profile", ann.id, "hide")
    with session_scope() as s:
        seen = public_profile(s, username="ann", viewer=viewer_of(bob))
        assert (seen.display_name, seen.bio, seen.hidden) == ("Ann", "", True)
        assert public_profile(s, username="ann", viewer=viewer_of(ann)).bio == "Buy followers at spam.example"


def test_dismissing_closes_the_reports_and_leaves_the_content() -> None:
    ann, bob, admin = make_user("ann"), make_user("bob"), make_user("mod", role="admin")
    listing = make_listing(ann)
    _report(bob, "listing", listing.id)
    _act(admin, "listing", listing.id, "dismiss", "Within the rules.")
    with session_scope() as s:
        assert s.get(Listing, listing.id).status == "open"  # type: ignore[union-attr]
        assert s.exec(select(Report.status, Report.resolution)).all() == [("dismissed", "dismissed")]
        assert s.exec(select(AuditEntry.action)).all() == ["report.dismiss"]
    with pytest.raises(ValidationFailed, match="no open report"):
        _act(admin, "listing", listing.id, "dismiss")


def test_warning_and_suspending_the_author_go_through_standing() -> None:
    ann, bob, cat, admin = make_user("ann"), make_user("bob"), make_user("cat"), make_user("mod", role="admin")
    first, second = make_listing(ann), make_listing(ann, title="Again")
    _report(bob, "listing", first.id)
    _report(cat, "listing", second.id)
    _act(admin, "listing", first.id, "warn", "Keep it on the platform.")
    _act(admin, "listing", second.id, "suspend", "Repeated scams.")
    with session_scope() as s:
        user = s.get(User, ann.id)
        assert user is not None and (user.status, user.suspended_reason) == ("suspended", "Repeated scams.")
        actions = s.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
        assert actions == ["member.warn", "member.suspend"]
        assert {r.resolution for r in s.exec(select(Report)).all()} == {"warned", "suspended"}
        queue = moderation.report_queue(s, viewer=viewer_of(admin), status="closed")
        assert {i.author_strikes for i in queue.rows} == {2}


@pytest.mark.parametrize("reason", ["", "  ", "<b>x</b>", "x" * 501, None])
def test_an_action_needs_a_plain_reason_and_changes_nothing_without_one(reason: object) -> None:
    ann, bob, admin = make_user("ann"), make_user("bob"), make_user("mod", role="admin")
    listing = make_listing(ann)
    _report(bob, "listing", listing.id)
    with pytest.raises(ValidationFailed) as err:
        _act(admin, "listing", listing.id, "hide", reason)
    assert "reason" in err.value.fields
    with session_scope() as s:
        assert s.get(Listing, listing.id).status == "open"  # type: ignore[union-attr]
        assert s.exec(select(Report.status)).all() == ["open"]


@pytest.mark.parametrize(("kind", "action"), [("listing", "delete"), ("poem", "hide"), ("listing", None)])
def test_unknown_actions_and_kinds_are_refused(kind: str, action: object) -> None:
    ann, admin = make_user("ann"), make_user("mod", role="admin")
    listing = make_listing(ann)
    with pytest.raises(ValidationFailed), session_scope() as s:
        moderation.moderate(s, viewer=viewer_of(admin), kind=kind, subject_id=listing.id, action=action, reason="x")
