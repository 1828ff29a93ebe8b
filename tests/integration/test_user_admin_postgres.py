"""User administration on PostgreSQL: two administrators demoting or suspending each other at the same moment (two
workers, each in its own transaction) leave exactly one active administrator, whichever runs first."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import col, select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.models import AuditEntry, User
from jtbd_app.services.accounts import terms
from jtbd_app.services.trust import standing, user_admin
from tests.support.members import make_user
from tests.support.viewers import viewer_of

Change = Callable[..., Any]


def _race(a: User, b: User, first: Change, second: Change) -> list[str]:
    """`a` does `first` to `b` while `b` does `second` to `a`; what each was told."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(actor: User, target: User, change: Change) -> None:
        viewer = viewer_of(actor)
        barrier.wait()
        try:
            with session_scope() as s:
                change(s, viewer=viewer, user_id=target.id, reason="Race.")
            outcomes.append("done")
        except DomainError as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=act, args=(a, b, first)), threading.Thread(target=act, args=(b, a, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.parametrize(
    "first, second",
    [
        (user_admin.demote_admin, user_admin.demote_admin),
        (user_admin.demote_admin, standing.suspend_member),
        (standing.suspend_member, standing.suspend_member),
    ],
    ids=["demote-demote", "demote-suspend", "suspend-suspend"],
)
def test_two_administrators_acting_on_each_other_at_once_leave_one(
    database: str, first: Change, second: Change
) -> None:
    with session_scope() as s:
        terms.publish_terms(s, title="Terms", body="Be nice.")
    for round_ in range(3):  # a few rounds: the threads start together, either may lock first
        with session_scope() as s:  # only this round's two are active administrators
            for user in s.exec(select(User).where(User.role == "admin")).all():
                user.role = "user"
                s.add(user)
        a, b = make_user(f"ada{round_}", role="admin"), make_user(f"bea{round_}", role="admin")
        assert sorted(_race(a, b, first, second)) == ["This page is for administrators only.", "done"]
        with session_scope() as s:
            assert standing.active_admins(s) == 1
            changes = s.exec(select(AuditEntry).where(col(AuditEntry.action).in_(("member.demote", "member.suspend"))))
            assert len(changes.all()) == round_ + 1
