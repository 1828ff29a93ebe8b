"""Notification handlers: each reads or changes only the caller's own inbox and preferences."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.db import session_scope
from jtbd_app.models import Notification, NotificationPreference, User
from jtbd_app.services.messaging import notifications
from jtbd_app.state.notifications import NotificationSettingsState, NotificationsState
from tests.support.handlers import call, state_for
from tests.support.members import make_user
from tests.unit.handler_cases import UI_ONLY, Case

SIGN_IN = "Please sign in to continue."

PUBLIC: dict[str, str] = {
    "NotificationsState.setvar": "Reflex built-in; display vars only; every handler re-reads the cookie",
    "NotificationSettingsState.setvar": "Reflex built-in; display vars only; saving re-reads the cookie",
    "NotificationSettingsState.set_choice": UI_ONLY,
}


def _victim_inbox() -> tuple[User, int]:
    victim = make_user("victim")
    assert victim.id is not None
    with session_scope() as s:
        for title in ("Victim's private bid", "Victim's other bid"):
            notifications.notify(s, user_id=victim.id, kind="bid_received", title=title)
    with session_scope() as s:
        first = s.exec(select(Notification).where(Notification.user_id == victim.id)).first()
        assert first is not None and first.id is not None
        return victim, first.id


def _unread_of(db: Session, user: User) -> int:
    db.expire_all()
    return len(db.exec(select(Notification).where(Notification.user_id == user.id, Notification.read_at == None)).all())  # noqa: E711


def _load_notifications(caller: str | None, db: Session) -> None:
    _victim_inbox()
    state = state_for(NotificationsState, token=caller, path="/notifications")
    call(state, "load_notifications")
    assert all("Victim" not in item.title for item in state.items)
    if caller is None:
        assert state.refusal == SIGN_IN and state.items == [] and state.unread_notifications == 0


def _show_page(caller: str | None, db: Session) -> None:
    _victim_inbox()
    state = state_for(NotificationsState, token=caller, path="/notifications")
    for page in (1, 2, -1, "1", None):
        call(state, "show_page", page)
        assert all("Victim" not in item.title for item in state.items)
    if caller is None:
        assert state.refusal == SIGN_IN


def _mark_read(caller: str | None, db: Session) -> None:
    victim, victims_id = _victim_inbox()
    state = state_for(NotificationsState, token=caller, path="/notifications")
    call(state, "mark_read", victims_id)
    assert state.message == (SIGN_IN if caller is None else "That notification does not exist.")
    assert _unread_of(db, victim) == 2


def _mark_all_read(caller: str | None, db: Session) -> None:
    victim, _ = _victim_inbox()
    state = state_for(NotificationsState, token=caller, path="/notifications")
    call(state, "mark_all_read")
    if caller is None:
        assert state.message == SIGN_IN
    assert _unread_of(db, victim) == 2


def _victim_muted() -> User:
    victim = make_user("victim")
    assert victim.id is not None
    with session_scope() as s:
        s.add(NotificationPreference(user_id=victim.id, kind="message", in_app=False, email=False))
    return victim


def _load_notification_settings(caller: str | None, db: Session) -> None:
    _victim_muted()
    state = state_for(NotificationSettingsState, token=caller, path="/notifications/settings")
    call(state, "load_notification_settings")
    if caller is None:
        assert state.refusal == SIGN_IN and state.choices == []
    else:  # the intruder sees their own (default) choices, not the victim's
        assert all(c.in_app and c.email for c in state.choices)


def _save_preferences(caller: str | None, db: Session) -> None:
    victim = _victim_muted()
    state = state_for(NotificationSettingsState, token=caller, path="/notifications/settings")
    state.choices = [notifications.PreferenceChoice("message", "New message", True, True)]
    call(state, "save_preferences")
    if caller is None:
        assert state.errors == {"form": SIGN_IN}
    db.expire_all()
    victims = db.exec(select(NotificationPreference).where(NotificationPreference.user_id == victim.id)).one()
    assert (victims.in_app, victims.email) == (False, False)


GUARDED: dict[str, Case] = {
    "NotificationsState.load_notifications": _load_notifications,
    "NotificationsState.show_page": _show_page,
    "NotificationsState.mark_read": _mark_read,
    "NotificationsState.mark_all_read": _mark_all_read,
    "NotificationSettingsState.load_notification_settings": _load_notification_settings,
    "NotificationSettingsState.save_preferences": _save_preferences,
}
