"""User administration: administrators find members (a substring of username, display name or email; LIKE's
wildcards taken literally; role and status filters; 20 a page, newest first), read a member's whole record in a
fixed number of queries, and give or take the administrator role with a reason, never leaving no active
administrator. Everyone else is refused before anything is read."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlmodel import select

from jtbd_app.db import get_engine, read_scope, session_scope
from jtbd_app.domain.errors import DomainError, NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import (
    Appeal,
    AuditEntry,
    Contract,
    Dispute,
    DisputeCase,
    Notification,
    Payment,
    Profile,
    Report,
    User,
)
from jtbd_app.services.trust import member_record_view, standing, user_admin
from jtbd_app.services.viewer import Viewer
from tests.support.contracts import make_contract
from tests.support.members import make_user, session_token
from tests.support.viewers import signed_in_viewer, viewer_of


def _id(row: User | Contract) -> int:
    assert row.id is not None
    return row.id


def _search(viewer: Viewer | None, **params: str) -> user_admin.MemberSearch:
    with read_scope() as s:
        return user_admin.search_members(s, viewer=viewer, params=params)


def _names(found: user_admin.MemberSearch) -> list[str]:
    return [r.username for r in found.rows]


def test_search_matches_part_of_a_username_display_name_or_email_in_any_case() -> None:
    admin = viewer_of(make_user("boss", role="admin"))
    make_user("annlee")
    make_user("bobby")
    with session_scope() as s:
        profile = s.get(Profile, make_user("carl").id)
        assert profile is not None
        profile.display_name = "Carl Findme"
    assert _names(_search(admin, q="ANNL")) == ["annlee"]
    assert _names(_search(admin, q="findME")) == ["carl"]
    assert _names(_search(admin, q="bobby@EXAMPLE")) == ["bobby"]
    assert _names(_search(admin, q="  ")) == ["carl", "bobby", "annlee", "boss"]  # everyone, newest first


def test_like_wildcards_in_the_search_are_taken_literally() -> None:
    admin = viewer_of(make_user("boss", role="admin"))
    make_user("ann_lee")
    make_user("annxlee")
    assert _names(_search(admin, q="n_l")) == ["ann_lee"]
    assert _names(_search(admin, q="%")) == []
    assert _names(_search(admin, q="ann%lee")) == []
    assert _names(_search(admin, q="\\")) == []


def test_role_and_status_filter_and_a_bad_value_is_dropped_with_a_message() -> None:
    admin = viewer_of(make_user("boss", role="admin"))
    make_user("sus", status="suspended")
    make_user("fine")
    assert _names(_search(admin, role="admin")) == ["boss"]
    assert _names(_search(admin, status="suspended")) == ["sus"]
    assert _names(_search(admin, role="user", status="active")) == ["fine"]
    found = _search(admin, role="root", status="gone")
    assert set(found.errors) == {"role", "status"} and len(found.rows) == 3
    long = _search(admin, q="x" * 101)
    assert "q" in long.errors and long.query.q == "x" * 100


def test_results_come_twenty_a_page_newest_first_with_counts() -> None:
    admin_user = make_user("boss", role="admin")
    admin = viewer_of(admin_user)
    members = [make_user(f"member{i:02d}") for i in range(24)]
    first = _search(admin)
    assert (first.total, first.pages, len(first.rows)) == (25, 2, 20)
    assert first.rows[0].username == "member23" and first.query.to_params(2) == {"page": "2"}
    second = _search(admin, page="2")
    assert _names(second) == ["member03", "member02", "member01", "member00", "boss"]
    assert _search(admin, page="99").query.page == 2 and _search(admin, page="-1").query.page == 1
    # counts: a contract on each side, a strike, an open report about their content
    make_contract(members[0], members[1])
    make_contract(members[2], members[0])
    with session_scope() as s:
        standing.warn_member(s, viewer=admin, user_id=members[0].id, reason="Be kind.")
        s.add(
            Report(
                reporter_id=_id(members[1]),
                subject_kind="profile",
                subject_id=_id(members[0]),
                author_id=_id(members[0]),
                reason_code="spam",
            )
        )
    row = next(r for r in _search(admin, q="member00").rows)
    assert (row.contracts, row.strikes, row.open_reports, row.email) == (2, 1, 1, "member00@example.com")


def test_only_an_active_administrator_searches_or_reads_a_record() -> None:
    bob = make_user("bob")
    gone = make_user("gone", role="admin", status="suspended")
    for who in (None, viewer_of(bob), viewer_of(gone)):
        with pytest.raises((PermissionDenied, NotSignedIn)):
            _search(who)
        with pytest.raises((PermissionDenied, NotSignedIn)), read_scope() as s:
            member_record_view.member_record(s, viewer=who, user_id=bob.id)


@contextmanager
def _counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _record(admin: Viewer, user_id: object) -> member_record_view.MemberRecord:
    with read_scope() as s:
        return member_record_view.member_record(s, viewer=admin, user_id=user_id)


def _history(admin: Viewer, bob: User, other: User) -> None:
    """One more of everything on bob's record: a contract, a member dispute, a card dispute, reports each way, a
    suspension with an appeal, and their audit entries."""
    contract = make_contract(bob, other)
    with session_scope() as s:
        s.add(
            DisputeCase(
                contract_id=contract.id,  # type: ignore[arg-type]
                opened_by=bob.id,  # type: ignore[arg-type]
                respondent_id=other.id,  # type: ignore[arg-type]
                reason_code="not_delivered",
                outcome_wanted="full_refund",
                amount_minor=40_000,
                currency="USD",
            )
        )
        payment = Payment(
            contract_id=contract.id, payer_id=_id(bob), gateway="sandbox", amount_minor=40_000, currency="USD"
        )
        s.add(payment)
        s.flush()
        s.add(Dispute(id=f"dp_{contract.id}", payment_id=payment.id, amount_minor=40_000, currency="USD"))  # type: ignore[arg-type]
        s.add(
            Report(
                reporter_id=_id(bob),
                subject_kind="listing",
                subject_id=contract.listing_id,
                author_id=_id(other),
                reason_code="scam",
            )
        )
        s.add(
            Report(
                reporter_id=_id(other),
                subject_kind="message",
                subject_id=_id(contract),
                author_id=_id(bob),
                reason_code="abuse",
                details="Rude.",
            )
        )
    with session_scope() as s:
        strike = standing.suspend_member(s, viewer=admin, user_id=bob.id, reason="Abuse.")
        s.add(Appeal(user_id=bob.id, strike_id=strike.id, body="Sorry."))  # type: ignore[arg-type]
    with session_scope() as s:
        standing.reinstate_member(s, viewer=admin, user_id=bob.id, reason="Appeal granted.")


def test_a_record_shows_the_members_history_in_a_fixed_number_of_queries() -> None:
    admin_user = make_user("boss", role="admin")
    admin, bob, other = viewer_of(admin_user), make_user("bob"), make_user("kim")
    session_token(bob)
    _history(admin, bob, other)
    with _counted() as once:
        record = _record(admin, str(bob.id))
    m = record.member
    assert (m.username, m.email, m.role, m.status, m.active_sessions, m.is_viewer) == (
        "bob",
        "bob@example.com",
        "user",
        "active",
        1,
        False,
    )
    assert record.contract_total == 1 and record.contracts[0].side == "client" and record.contracts[0].other == "kim"
    assert record.contracts[0].amount == "$400.00"
    assert sorted(d.kind for d in record.disputes) == ["Card dispute", "Member dispute"]
    assert [r.other for r in record.reports_by] == ["kim"] and [r.other for r in record.reports_about] == ["kim"]
    assert record.reports_about[0].reason == "abuse: Rude."
    assert [(s.kind, s.lifted, s.given_by) for s in record.strikes] == [("suspension", True, "boss")]
    assert [a.body for a in record.appeals] == ["Sorry."]
    assert [a.action for a in record.audit] == ["member.reinstate", "member.suspend"] and record.audit_total == 2
    assert record.audit[0].actor == "boss"
    for _ in range(3):
        _history(admin, bob, other)
    with _counted() as again:
        bigger = _record(admin, bob.id)
    assert bigger.contract_total == 4 and len(bigger.disputes) == 8 and len(bigger.strikes) == 4
    assert len(again) == len(once)
    assert _record(admin, admin_user.id).member.is_viewer


def test_a_record_of_no_one_is_not_found() -> None:
    admin = viewer_of(make_user("boss", role="admin"))
    for missing in ("nope", "0", 10_000, "1; drop table user"):
        with pytest.raises(NotFound):
            _record(admin, missing)


def test_promotion_and_demotion_are_audited_and_told_to_the_member() -> None:
    boss, bob = make_user("boss", role="admin"), make_user("bob")
    admin = viewer_of(boss)
    with session_scope() as s:
        user_admin.promote_member(s, viewer=admin, user_id=bob.id, reason="Helps moderate.")
    with session_scope() as s:
        assert s.get(User, bob.id).role == "admin"  # type: ignore[union-attr]
    with pytest.raises(ValidationFailed, match="already an administrator"), session_scope() as s:
        user_admin.promote_member(s, viewer=admin, user_id=bob.id, reason="Again.")
    with session_scope() as s:
        user_admin.demote_admin(s, viewer=admin, user_id=bob.id, reason="Stepped down.")
    with session_scope() as s:
        assert s.get(User, bob.id).role == "user"  # type: ignore[union-attr]
        entries = s.exec(select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.subject, AuditEntry.reason)).all()
        assert entries == [
            ("member.promote", boss.id, f"user:{bob.id}", "Helps moderate."),
            ("member.demote", boss.id, f"user:{bob.id}", "Stepped down."),
        ]
        titles = s.exec(select(Notification.title).where(Notification.user_id == bob.id)).all()
        assert titles == ["You are now an administrator", "You are no longer an administrator"]
    with pytest.raises(ValidationFailed, match="not an administrator"), session_scope() as s:
        user_admin.demote_admin(s, viewer=admin, user_id=bob.id, reason="Again.")


@pytest.mark.parametrize("reason", ["", "<b>x</b>", "x" * 501, None])
def test_a_role_change_needs_a_plain_reason_and_changes_nothing_without_one(reason: object) -> None:
    admin, bob = viewer_of(make_user("boss", role="admin")), make_user("bob")
    with pytest.raises(ValidationFailed) as err, session_scope() as s:
        user_admin.promote_member(s, viewer=admin, user_id=bob.id, reason=reason)
    assert "reason" in err.value.fields
    with session_scope() as s:
        assert s.get(User, bob.id).role == "user" and not s.exec(select(AuditEntry)).all()  # type: ignore[union-attr]


def test_a_suspended_member_is_reinstated_before_promotion_and_only_admins_change_roles() -> None:
    admin, sus, bob = viewer_of(make_user("boss", role="admin")), make_user("sus", status="suspended"), make_user("bob")
    with pytest.raises(ValidationFailed, match="Reinstate"), session_scope() as s:
        user_admin.promote_member(s, viewer=admin, user_id=sus.id, reason="Why not.")
    gone = make_user("gone", role="admin", status="suspended")
    for who in (None, viewer_of(bob), viewer_of(gone)):
        for change in (user_admin.promote_member, user_admin.demote_admin):
            with pytest.raises((PermissionDenied, NotSignedIn)), session_scope() as s:
                change(s, viewer=who, user_id=bob.id, reason="Because.")
    with session_scope() as s:
        assert s.get(User, bob.id).role == "user" and not s.exec(select(AuditEntry)).all()  # type: ignore[union-attr]


def test_the_last_active_administrator_is_never_demoted_but_one_of_two_may_step_down() -> None:
    boss = make_user("boss", role="admin")
    admin = viewer_of(boss)
    with pytest.raises(ValidationFailed) as err, session_scope() as s:
        user_admin.demote_admin(s, viewer=admin, user_id=boss.id, reason="Stepping down.")
    assert err.value.fields == {"form": user_admin.LAST_ADMIN}
    gone = make_user("gone", role="admin", status="suspended")  # a suspended admin does not count
    with pytest.raises(ValidationFailed, match="last active"), session_scope() as s:
        user_admin.demote_admin(s, viewer=admin, user_id=boss.id, reason="Stepping down.")
    with session_scope() as s:  # a suspended administrator's role may be taken back: the active one remains
        user_admin.demote_admin(s, viewer=admin, user_id=gone.id, reason="Left the team.")
    second = make_user("second", role="admin")
    with session_scope() as s:
        user_admin.demote_admin(s, viewer=admin, user_id=boss.id, reason="Stepping down.")
    with session_scope() as s:
        assert standing.active_admins(s) == 1 and s.get(User, second.id).role == "admin"  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied), session_scope() as s:  # boss signs in again as a member
        user_admin.promote_member(s, viewer=signed_in_viewer(boss), user_id=boss.id, reason="Back.")


def test_two_administrators_demoting_each_other_at_once_leave_one() -> None:
    a, b = make_user("ada", role="admin"), make_user("bea", role="admin")
    va, vb = viewer_of(a), viewer_of(b)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(viewer: Viewer, target: int) -> None:
        barrier.wait()
        try:
            with session_scope() as s:
                user_admin.demote_admin(s, viewer=viewer, user_id=target, reason="Race.")
            outcomes.append("demoted")
        except DomainError as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=demote, args=(va, b.id)), threading.Thread(target=demote, args=(vb, a.id))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # the second to run sees the first's result: it is no longer an administrator
    assert sorted(outcomes) == ["This page is for administrators only.", "demoted"]
    with session_scope() as s:
        assert standing.active_admins(s) == 1
        assert len(s.exec(select(AuditEntry).where(AuditEntry.action == "member.demote")).all()) == 1


def test_the_operator_command_promotes_with_an_audit_entry_of_no_actor() -> None:
    ann = make_user("ann")
    with session_scope() as s:
        user_admin.promote_by_email(s, email=" ANN@example.com ")
    with session_scope() as s:
        user_admin.promote_by_email(s, email="ann@example.com")  # already one: nothing more
    with session_scope() as s:
        assert s.get(User, ann.id).role == "admin"  # type: ignore[union-attr]
        entries = s.exec(select(AuditEntry.actor_id, AuditEntry.action, AuditEntry.subject, AuditEntry.reason)).all()
        assert entries == [(None, "member.promote", f"user:{ann.id}", "command line")]
    with pytest.raises(NotFound), session_scope() as s:
        user_admin.promote_by_email(s, email="nobody@example.com")


def test_an_administrator_demoted_meanwhile_can_no_longer_suspend_or_demote() -> None:
    """The acting administrator is checked again under the administrators' locks, not only from their session."""
    boss, ada, bob = make_user("boss", role="admin"), make_user("ada", role="admin"), make_user("bob")
    stale = viewer_of(ada)  # ada's session was read before she was demoted
    with session_scope() as s:
        user_admin.demote_admin(s, viewer=viewer_of(boss), user_id=ada.id, reason="Left the team.")
    with pytest.raises(PermissionDenied), session_scope() as s:
        standing.suspend_member(s, viewer=stale, user_id=bob.id, reason="Spam.")
    with pytest.raises(PermissionDenied), session_scope() as s:
        user_admin.demote_admin(s, viewer=stale, user_id=boss.id, reason="Revenge.")
    with session_scope() as s:
        assert s.get(User, bob.id).status == "active" and s.get(User, boss.id).role == "admin"  # type: ignore[union-attr]
