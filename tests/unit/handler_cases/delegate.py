"""The Delegate page's handlers: only the task's owner sees its menu, chooses a route or reports an outcome; anyone
else (or a signed-out visitor) reads nothing and records nothing."""

from __future__ import annotations

import asyncio

from sqlmodel import Session, col, func, select

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.models import Listing, RouteOffer, RoutingDecision
from jtbd_app.services.delegate import decisions, menu
from jtbd_app.state.delegate import DelegateState
from tests.support.delegate_menu import add_task
from tests.support.handlers import call, state_for
from tests.support.members import make_user
from tests.support.viewers import viewer_of
from tests.unit.handler_cases import UI_ONLY

PUBLIC = {
    "DelegateState.setvar": "Reflex built-in; display vars only; every choice re-checks the task's owner on the server",
    "DelegateState.start_confirm": UI_ONLY,
    "DelegateState.cancel_confirm": UI_ONLY,
}


def victims_task(*, sent_outside: bool = False) -> tuple[int, str]:
    """The victim's task with its menu made: its id and the token of its first outside pro's link."""
    victim = make_user("victim")
    task_id = add_task(victim, "Assemble IKEA wardrobe")
    built = asyncio.run(
        menu.build_menu(
            session_factory=session_scope,
            viewer=viewer_of(victim),
            task_id=task_id,
            adapters=bootstrap.partners(get_settings()),
            classifier=None,
            timeout=1.0,
        )
    )
    token = next(o.token for o in built.options if o.route == "outside")
    if sent_outside:
        with session_scope() as s:
            decisions.choose_link(s, viewer=viewer_of(victim), task_id=task_id, token=token)
    return task_id, token


def _decisions(db: Session, task_id: int) -> list[tuple[str, str, str]]:
    db.expire_all()
    rows = db.exec(select(RoutingDecision).where(RoutingDecision.task_id == task_id)).all()
    return [(d.route, d.outcome, d.external_ref) for d in rows]


def _offers(db: Session, task_id: int) -> set[str]:
    db.expire_all()
    return set(db.exec(select(RouteOffer.token).where(RouteOffer.task_id == task_id)).all())


def _unchanged_after(handler: str, *args: object, sent_outside: bool = False):  # type: ignore[no-untyped-def]
    def case(caller: str | None, db: Session) -> None:
        task_id, token = victims_task(sent_outside=sent_outside)
        before, offers = _decisions(db, task_id), _offers(db, task_id)
        state: DelegateState = state_for(DelegateState, token=caller, path=f"/tasks/{task_id}/delegate")
        call(state, handler, *[token if a == "<token>" else a for a in args])
        assert _decisions(db, task_id) == before and _offers(db, task_id) == offers
        assert state.routes.title == "" and state.menu.options == [] and state.menu.title == ""
        assert db.exec(select(func.count()).select_from(Listing).where(col(Listing.source) == "delegate")).one() == 0

    return case


GUARDED = {
    "DelegateState.load_delegate": _unchanged_after("load_delegate"),
    "DelegateState.build_menu": _unchanged_after("build_menu"),
    "DelegateState.choose_link": _unchanged_after("choose_link", "<token>"),
    "DelegateState.post_here": _unchanged_after("post_here"),
    "DelegateState.plan_as_problem": _unchanged_after("plan_as_problem"),
    "DelegateState.do_it_myself": _unchanged_after("do_it_myself"),
    "DelegateState.confirm_post": _unchanged_after("confirm_post", "upwork"),
    "DelegateState.report_outcome": _unchanged_after(
        "report_outcome", {"done": "no", "rating": "1", "comment": "Hijacked"}, sent_outside=True
    ),
}
