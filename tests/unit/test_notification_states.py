"""The notification pages' states as the owner uses them: bell count, inbox, marking read, preferences."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.domain.notifications import ADMIN_KINDS, KINDS
from jtbd_app.models import Notification, NotificationPreference, User
from jtbd_app.services.messaging import notifications
from jtbd_app.state.boundary import REFUSAL
from jtbd_app.state.notifications import NotificationSettingsState, NotificationsState
from jtbd_app.state.session import SessionState
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token

# No mail server: notifications stay in the app unless a test turns mail on.
pytestmark = pytest.mark.usefixtures("mail_off")


def tell(user: User, *titles: str, kind: str = "bid_received") -> None:
    assert user.id is not None
    with session_scope() as s:
        for title in titles:
            notifications.notify(s, user_id=user.id, kind=kind, title=title, link="/listings/1")


def test_the_bell_counts_the_viewers_unread_notifications_on_every_page_load(db: Session) -> None:
    ann = make_user("ann")
    token = session_token(ann)
    tell(ann, "one", "two")
    tell(make_user("bob"), "bob's")
    state = state_for(SessionState, token=token)
    call(state, "load_session")
    assert state.unread_notifications == 2
    call(state_for(SessionState), "load_session")  # a visitor
    assert state_for(SessionState).unread_notifications == 0


def test_the_owner_reads_marks_one_and_then_all_read(db: Session) -> None:
    ann = make_user("ann")
    tell(ann, "first", "second", "third")
    state: Any = state_for(NotificationsState, token=session_token(ann), path="/notifications")
    call(state, "load_notifications")
    assert state.loaded and state.refusal == "" and state.total == 3 and state.unread_notifications == 3
    assert [i.title for i in state.items] == ["third", "second", "first"]

    call(state, "mark_read", state.items[0].id)
    assert state.message == "Marked as read." and state.unread_notifications == 2
    assert [i.unread for i in state.items] == [False, True, True]

    call(state, "mark_all_read")
    assert state.message == "2 notification(s) marked as read." and state.unread_notifications == 0
    call(state, "mark_all_read")
    assert state.message == "Nothing was unread."


def test_the_inbox_pages_through_older_notifications(db: Session) -> None:
    ann = make_user("ann")
    tell(ann, *[f"n{i}" for i in range(25)])
    state: Any = state_for(NotificationsState, token=session_token(ann), path="/notifications")
    call(state, "load_notifications")
    assert (state.page, state.pages, len(state.items)) == (1, 2, 20)
    call(state, "show_page", 2)
    assert (state.page, [i.title for i in state.items]) == (2, ["n4", "n3", "n2", "n1", "n0"])
    call(state, "show_page", 3)
    assert state.page == 2


def test_inbox_handlers_survive_hostile_arguments(db: Session) -> None:
    ann = make_user("ann")
    tell(ann, "mine")
    state: Any = state_for(NotificationsState, token=session_token(ann), path="/notifications")
    call(state, "load_notifications")
    for bad in (None, "1", -5, 0, 10**40, [1], {"id": 1}, "<script>alert(1)</script>", True, 1.5):
        assert call(state, "mark_read", bad) is REFUSAL
        assert call(state, "show_page", bad) is REFUSAL
        assert state.page == 1 and state.message == ""
    call(state, "mark_read", 2**31 - 1)  # a well-formed id that is not the viewer's
    assert state.message == "That notification does not exist."
    assert db.exec(select(Notification)).one().read_at is None


def test_the_owner_mutes_a_kind_and_it_stops_arriving(db: Session) -> None:
    ann = make_user("ann")
    state: Any = state_for(NotificationSettingsState, token=session_token(ann), path="/notifications/settings")
    call(state, "load_notification_settings")
    assert state.loaded and not state.mail_enabled and len(state.choices) == len(KINDS) - len(ADMIN_KINDS)
    call(state, "set_choice", "question", "in_app", False)
    call(state, "save_preferences")
    assert state.message == "Your notification preferences are saved." and state.errors == {}
    stored = {p.kind: (p.in_app, p.email) for p in db.exec(select(NotificationPreference))}
    assert stored["question"] == (False, True)
    assert all(choice == (True, True) for kind, choice in stored.items() if kind != "question")
    tell(ann, "muted", kind="question")
    assert db.exec(select(Notification)).all() == []


def test_setting_a_choice_ignores_hostile_arguments(db: Session) -> None:
    state: Any = state_for(NotificationSettingsState, token=session_token(make_user("ann")))
    call(state, "load_notification_settings")
    before = list(state.choices)
    for args in (
        ("question", "admin", False),
        ("question", "in_app", "no"),
        (None, None, None),
        ("nope", "email", False),
    ):
        call(state, "set_choice", *args)
    assert state.choices == before


def test_saving_forged_choices_is_refused_and_changes_nothing(db: Session) -> None:
    state: Any = state_for(NotificationSettingsState, token=session_token(make_user("ann")))
    call(state, "load_notification_settings")
    for forged in (
        [notifications.PreferenceChoice("<script>", "x", False, False)],
        [{"kind": "message", "in_app": "off", "email": False}],
        ["message"],
        [],
    ):
        state.choices = forged
        call(state, "save_preferences")
        assert state.errors and state.message == ""
    assert db.exec(select(NotificationPreference)).all() == []
