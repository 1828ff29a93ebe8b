"""Notifications: who gets what through which channel, and each member's own inbox and preferences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound, NotSignedIn, ValidationFailed
from jtbd_app.domain.notifications import ADMIN_KINDS, KINDS
from jtbd_app.models import Notification, NotificationPreference, OutgoingMail, User
from jtbd_app.services.messaging import notifications
from tests.support.members import make_user
from tests.support.viewers import viewer_of

# No mail server: notifications stay in the app unless a test turns mail on.
pytestmark = pytest.mark.usefixtures("mail_off")


@pytest.fixture
def mail_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "smtp.example.test")
    monkeypatch.setenv("SMTP_FROM", "JTBD <no-reply@example.test>")
    monkeypatch.setenv("APP_URL", "https://jtbd.example/")
    get_settings.cache_clear()


def tell(user: User, kind: str = "bid_received", title: str = "New bid", **extra: str) -> None:
    assert user.id is not None
    with session_scope() as s:
        notifications.notify(s, user_id=user.id, kind=kind, title=title, **extra)


def mute(user: User, kind: str, *, in_app: bool = True, email: bool = True) -> None:
    with session_scope() as s:
        notifications.set_preferences(s, viewer=viewer_of(user), choices={kind: {"in_app": in_app, "email": email}})


# --- notify: channels and preferences -------------------------------------------------------------------


def test_a_notification_is_stored_in_the_app_and_no_mail_is_queued_without_smtp(db: Session) -> None:
    ann = make_user("ann")
    tell(ann, title="New bid on Logo", body="Bob bid 50 USD.", link="/listings/3")
    [n] = db.exec(select(Notification)).all()
    assert (n.user_id, n.kind, n.title, n.body, n.link, n.read_at) == (
        ann.id,
        "bid_received",
        "New bid on Logo",
        "Bob bid 50 USD.",
        "/listings/3",
        None,
    )
    assert db.exec(select(OutgoingMail)).all() == []


def test_with_smtp_a_mail_is_queued_to_the_members_address_with_an_absolute_link(db: Session, mail_on: None) -> None:
    ann = make_user("ann")
    tell(ann, title="New bid on Logo", body="Bob bid 50 USD.", link="/listings/3")
    [m] = db.exec(select(OutgoingMail)).all()
    assert (m.to_address, m.subject, m.status, m.attempts) == ("ann@example.com", "New bid on Logo", "pending", 0)
    assert m.body.startswith("Bob bid 50 USD.\n\nOpen it: https://jtbd.example/listings/3\n")
    assert "https://jtbd.example/notifications/settings" in m.body


def test_muting_in_app_stores_no_notification_but_still_mails(db: Session, mail_on: None) -> None:
    ann = make_user("ann")
    mute(ann, "message", in_app=False)
    tell(ann, kind="message", title="New message")
    assert db.exec(select(Notification)).all() == []
    assert [m.subject for m in db.exec(select(OutgoingMail))] == ["New message"]


def test_muting_email_keeps_the_notification_in_the_app_only(db: Session, mail_on: None) -> None:
    ann = make_user("ann")
    mute(ann, "message", email=False)
    tell(ann, kind="message", title="New message")
    tell(ann, kind="bid_received", title="New bid")
    assert {n.title for n in db.exec(select(Notification))} == {"New message", "New bid"}
    assert [m.subject for m in db.exec(select(OutgoingMail))] == ["New bid"]


def test_one_members_preferences_do_not_affect_another(db: Session, mail_on: None) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    mute(ann, "message", in_app=False, email=False)
    tell(ann, kind="message")
    tell(bob, kind="message")
    assert [n.user_id for n in db.exec(select(Notification))] == [bob.id]
    assert [m.to_address for m in db.exec(select(OutgoingMail))] == ["bob@example.com"]


def test_notification_and_mail_roll_back_with_the_action_that_caused_them(db: Session, mail_on: None) -> None:
    ann = make_user("ann")
    with pytest.raises(RuntimeError), session_scope() as s:
        assert ann.id is not None
        notifications.notify(s, user_id=ann.id, kind="bid_received", title="New bid")
        raise RuntimeError("the bid failed after notify")
    assert db.exec(select(Notification)).all() == [] and db.exec(select(OutgoingMail)).all() == []


def test_an_unknown_kind_is_a_programming_error(db: Session) -> None:
    ann = make_user("ann")
    with pytest.raises(ValueError, match="unknown notification kind"):
        tell(ann, kind="nope")


def test_links_to_other_sites_are_dropped_and_titles_cannot_break_mail_headers(db: Session, mail_on: None) -> None:
    ann = make_user("ann")
    for link in ("https://evil.example/", "//evil.example", "javascript:alert(1)", "/ok path", "/a\\b", "/x" * 200):
        tell(ann, title="Hi\r\nBcc: victim@example.com", link=link)
    assert {n.link for n in db.exec(select(Notification))} == {""}
    subjects = {m.subject for m in db.exec(select(OutgoingMail))}
    assert subjects == {"Hi Bcc: victim@example.com"}
    assert all("evil" not in m.body and "javascript" not in m.body for m in db.exec(select(OutgoingMail)))


# --- the inbox ------------------------------------------------------------------------------------------


def test_a_member_lists_only_their_own_notifications_newest_first(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    for i in range(3):
        tell(ann, title=f"Ann {i}")
    tell(bob, title="Bob's secret")
    listed = notifications.list_notifications(db, viewer=viewer_of(ann), page=1)
    assert [i.title for i in listed.items] == ["Ann 2", "Ann 1", "Ann 0"]
    assert (listed.total, listed.pages, listed.unread) == (3, 1, 3)
    assert listed.items[0].kind_label == KINDS["bid_received"] and listed.items[0].unread


def test_the_inbox_paginates_and_clamps_hostile_page_numbers(db: Session) -> None:
    ann = make_user("ann")
    with session_scope() as s:
        for i in range(45):
            assert ann.id is not None
            notifications.notify(s, user_id=ann.id, kind="message", title=f"N{i}")
    viewer = viewer_of(ann)
    second = notifications.list_notifications(db, viewer=viewer, page=2)
    assert (second.page, second.pages, second.total, len(second.items)) == (2, 3, 45, 20)
    assert notifications.list_notifications(db, viewer=viewer, page="3").items[-1].title == "N0"
    for bad in (0, -1, None, "2; drop table", "<script>", [2], True, 1.5, "x" * 1_000_000, "²"):
        assert notifications.list_notifications(db, viewer=viewer, page=bad).page == 1
    assert notifications.list_notifications(db, viewer=viewer, page=99).page == 3


def test_newest_first_follows_creation_time(db: Session) -> None:
    ann = make_user("ann")
    tell(ann, title="older")
    tell(ann, title="newer")
    older = db.exec(select(Notification).where(Notification.title == "older")).one()
    older.created_at = older.created_at + timedelta(hours=1)
    db.add(older)
    db.commit()
    assert [i.title for i in notifications.list_notifications(db, viewer=viewer_of(ann), page=1).items] == [
        "older",
        "newer",
    ]


def test_visitors_have_no_inbox(db: Session) -> None:
    with pytest.raises(NotSignedIn):
        notifications.list_notifications(db, viewer=None, page=1)
    assert notifications.unread_count(db, viewer=None) == 0


def test_marking_one_read_changes_only_that_one(db: Session) -> None:
    ann = make_user("ann")
    tell(ann, title="first")
    tell(ann, title="second")
    first = db.exec(select(Notification).where(Notification.title == "first")).one()
    notifications.mark_read(db, viewer=viewer_of(ann), notification_id=first.id)
    db.commit()
    assert notifications.unread_count(db, viewer=viewer_of(ann)) == 1
    listed = notifications.list_notifications(db, viewer=viewer_of(ann), page=1)
    assert {i.title: i.unread for i in listed.items} == {"first": False, "second": True}


def test_nobody_marks_another_members_notification_read(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    tell(bob, title="Bob's")
    bobs = db.exec(select(Notification)).one()
    for bad in (bobs.id, str(bobs.id), None, True, -1, 0, 10**30, 1.5, [bobs.id], {"id": bobs.id}, "<script>"):
        with pytest.raises(NotFound):
            notifications.mark_read(db, viewer=viewer_of(ann), notification_id=bad)
    with pytest.raises(NotSignedIn):
        notifications.mark_read(db, viewer=None, notification_id=bobs.id)
    db.commit()
    db.refresh(bobs)
    assert bobs.read_at is None


def test_mark_all_read_clears_only_the_members_own_unread(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    tell(ann)
    tell(ann)
    tell(bob)
    assert notifications.mark_all_read(db, viewer=viewer_of(ann)) == 2
    db.commit()
    assert notifications.unread_count(db, viewer=viewer_of(ann)) == 0
    assert notifications.unread_count(db, viewer=viewer_of(bob)) == 1
    with pytest.raises(NotSignedIn):
        notifications.mark_all_read(db, viewer=None)


def test_a_suspended_member_can_still_read_and_clear_their_inbox(db: Session) -> None:
    sue = make_user("sue", status="suspended")
    tell(sue)
    assert notifications.mark_all_read(db, viewer=viewer_of(sue)) == 1


# --- preferences ----------------------------------------------------------------------------------------


def test_every_kind_starts_with_both_channels_on(db: Session) -> None:
    ann = make_user("ann")
    prefs = notifications.preferences(db, viewer=viewer_of(ann))
    members_kinds = [(k, v, True, True) for k, v in KINDS.items() if k not in ADMIN_KINDS]
    assert [(p.kind, p.label, p.in_app, p.email) for p in prefs] == members_kinds


def test_administrators_kinds_are_on_an_administrators_page_only(db: Session) -> None:
    ann, root = make_user("ann"), make_user("rosa", role="admin")
    assert {p.kind for p in notifications.preferences(db, viewer=viewer_of(ann))}.isdisjoint(ADMIN_KINDS)
    assert {p.kind for p in notifications.preferences(db, viewer=viewer_of(root))} >= ADMIN_KINDS
    with pytest.raises(ValidationFailed):
        notifications.set_preferences(
            db, viewer=viewer_of(ann), choices={"report_filed": {"in_app": False, "email": False}}
        )
    db.rollback()
    saved = notifications.set_preferences(
        db, viewer=viewer_of(root), choices={"report_filed": {"in_app": True, "email": False}}
    )
    assert {p.kind: p.email for p in saved}["report_filed"] is False


def test_saved_choices_are_kept_and_kinds_left_out_keep_theirs(db: Session) -> None:
    ann = make_user("ann")
    mute(ann, "message", in_app=False)
    mute(ann, "invitation", email=False)
    mute(ann, "invitation", in_app=False, email=False)
    prefs = {p.kind: (p.in_app, p.email) for p in notifications.preferences(db, viewer=viewer_of(ann))}
    assert prefs["message"] == (False, True) and prefs["invitation"] == (False, False)
    assert prefs["bid_received"] == (True, True)


@pytest.mark.parametrize(
    "choices",
    [
        None,
        "message",
        [],
        {},
        {"nope": {"in_app": True, "email": True}},
        {"<script>alert(1)</script>": {"in_app": False, "email": False}},
        {"message": {"in_app": "yes", "email": True}},
        {"message": {"in_app": 1, "email": 0}},
        {"message": {"in_app": False}},
        {"message": {"in_app": False, "email": False, "admin": True}},
        {"message": [False, False]},
        {"message": {"in_app": False, "email": False}, "x" * 1_000_000: {"in_app": True, "email": True}},
        {f"k{i}": {"in_app": True, "email": True} for i in range(10_000)},
    ],
)
def test_hostile_preference_input_is_refused_and_changes_nothing(db: Session, choices: object) -> None:
    ann = make_user("ann")
    with pytest.raises(ValidationFailed) as caught:
        notifications.set_preferences(db, viewer=viewer_of(ann), choices=choices)
    assert caught.value.fields
    db.rollback()
    assert db.exec(select(NotificationPreference)).all() == []


def test_visitors_have_no_preferences(db: Session) -> None:
    with pytest.raises(NotSignedIn):
        notifications.preferences(db, viewer=None)
    with pytest.raises(NotSignedIn):
        notifications.set_preferences(db, viewer=None, choices={"message": {"in_app": False, "email": False}})


def test_a_muted_kind_no_longer_reaches_the_inbox_or_the_bell(db: Session) -> None:
    ann = make_user("ann")
    mute(ann, "question", in_app=False)
    tell(ann, kind="question", title="A question")
    tell(ann, kind="bid_received", title="A bid")
    listed = notifications.list_notifications(db, viewer=viewer_of(ann), page=1)
    assert [i.title for i in listed.items] == ["A bid"] and listed.unread == 1
