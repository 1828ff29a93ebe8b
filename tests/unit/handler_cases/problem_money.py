"""The problem page's money handlers: only the owner funds a problem, sees its matches, invites for it, cancels its
tasks or takes its money back; anyone else moves no money, invites nobody and sees nothing."""

from __future__ import annotations

from sqlmodel import Session, func, select

from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.models import Invitation, JournalEntry, MicroTask, Payment
from jtbd_app.state.problem_money import ProblemMoneyState
from tests.support import problem_money
from tests.support.handlers import call, state_for
from tests.support.members import make_user
from tests.unit.handler_cases import UI_ONLY

PUBLIC = {
    "ProblemMoneyState.setvar": "Reflex built-in; display vars only; every action re-checks the owner on the server",
    "ProblemMoneyState.load_money": "says which gateway takes payments and its publishable key, both public",
    "ProblemMoneyState.start_cancel": UI_ONLY,
    "ProblemMoneyState.close_money_forms": UI_ONLY,
    "ProblemMoneyState.card_payment_result": "shows what the caller's own browser reported; watch_funding re-checks",
}


def _counts(db: Session) -> tuple[int, int, int, list[str]]:
    db.expire_all()
    return (
        db.exec(select(func.count()).select_from(JournalEntry)).one(),
        db.exec(select(func.count()).select_from(Payment)).one(),
        db.exec(select(func.count()).select_from(Invitation)).one(),
        [t.status for t in db.exec(select(MicroTask).order_by(MicroTask.id))],  # type: ignore[arg-type]
    )


def _victims(funded: bool) -> int:
    deal = problem_money.planned(make_user("victim"))
    make_user("helper")
    if funded:
        problem_money.fund(deal, SandboxGateway())
    return deal.problem_id


def _refused(handler: str, *args: object, funded: bool = True, matching: str = "", cancelling: str = ""):  # type: ignore[no-untyped-def]
    def case(caller: str | None, db: Session) -> None:
        problem_id = _victims(funded)
        before = _counts(db)
        state: ProblemMoneyState = state_for(ProblemMoneyState, token=caller, path=f"/problems/{problem_id}")
        state.matching_key, state.cancelling_key = matching, cancelling
        call(state, handler, *args)
        assert _counts(db) == before
        assert state.suggestions == [] and not state.found and state.problem.title == ""

    return case


GUARDED = {
    "ProblemMoneyState.fund": _refused("fund", {"card": "4242 4242 4242 4242"}, funded=False),
    "ProblemMoneyState.pay_with_card": _refused("pay_with_card", funded=False),
    "ProblemMoneyState.watch_funding": _refused("watch_funding"),
    "ProblemMoneyState.show_matches": _refused("show_matches", "content"),
    "ProblemMoneyState.invite_best": _refused("invite_best", matching="content"),
    "ProblemMoneyState.invite": _refused("invite", "helper", matching="content"),
    "ProblemMoneyState.cancel_task": _refused("cancel_task", "client", cancelling="content"),
    "ProblemMoneyState.return_remainder": _refused("return_remainder", "client"),
}
