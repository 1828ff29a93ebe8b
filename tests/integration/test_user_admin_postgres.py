"""User administration on PostgreSQL: two administrators demoting each other at the same moment (two workers, each
in its own transaction) leave exactly one active administrator, whichever runs first."""

from __future__ import annotations

import threading

from sqlmodel import select

from jtbd_app.db import session_scope
from jtbd_app.domain.errors import DomainError
from jtbd_app.models import AuditEntry, User
from jtbd_app.services.accounts import terms
from jtbd_app.services.trust import standing, user_admin
from tests.support.members import make_user
from tests.support.viewers import viewer_of


def _race(a: User, b: User) -> list[str]:
    """`a` demotes `b` while `b` demotes `a`; what each was told."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(actor: User, target: User) -> None:
        viewer = viewer_of(actor)
        barrier.wait()
        try:
            with session_scope() as s:
                user_admin.demote_admin(s, viewer=viewer, user_id=target.id, reason="Race.")
            outcomes.append("demoted")
        except DomainError as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=demote, args=(a, b)), threading.Thread(target=demote, args=(b, a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_two_administrators_demoting_each_other_at_once_leave_one(database: str) -> None:
    with session_scope() as s:
        terms.publish_terms(s, title="Terms", body="Be nice.")
    for round_ in range(3):  # a few rounds: the threads start together, either may lock first
        with session_scope() as s:  # only this round's two are active administrators
            for user in s.exec(select(User).where(User.role == "admin")).all():
                user.role = "user"
                s.add(user)
        a, b = make_user(f"ada{round_}", role="admin"), make_user(f"bea{round_}", role="admin")
        assert sorted(_race(a, b)) == ["This page is for administrators only.", "demoted"]
        with session_scope() as s:
            assert standing.active_admins(s) == 1
            demotions = s.exec(select(AuditEntry).where(AuditEntry.action == "member.demote")).all()
            assert len(demotions) == round_ + 1
