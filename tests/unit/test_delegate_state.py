"""The Delegate page's handlers for the task's owner: the page loads the task and makes its menu, each choice goes
where it should, and a bad outcome report is answered next to its fields."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from jtbd_app.models import RoutingDecision
from jtbd_app.state.delegate import DelegateState
from jtbd_app.state.problems import NewProblemState
from tests.support.delegate_menu import add_task
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token


def redirect_path(spec: Any) -> str:
    return str(next(value._var_value for name, value in spec.args if str(name) == "path"))


def page_of(token: str, task_id: int) -> DelegateState:
    state: DelegateState = state_for(DelegateState, token=token, path=f"/tasks/{task_id}/delegate")
    return state


def test_the_owner_loads_the_task_and_its_menu_is_made(db: Session) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Assemble IKEA wardrobe")
    state = page_of(session_token(ann), task_id)
    events = call(state, "load_delegate")
    assert state.found and state.routes.title == "Assemble IKEA wardrobe" and state.routes.lines == []
    assert events[0] == DelegateState.build_menu
    call(state, "build_menu")
    assert not state.building and state.menu.kind == "local" and state.errors == {}
    assert {"TaskRabbit", "Thumbtack", "Angi"} <= {o.partner_name for o in state.menu.options}


def test_choices_lead_to_the_wizard_the_problem_form_and_back_to_the_list(db: Session) -> None:
    ann = make_user("ann")
    token = session_token(ann)
    task_id = add_task(ann, "Paint the garden fence", "About 20 metres of old wooden fence")
    assert redirect_path(call(page_of(token, task_id), "post_here")).startswith("/post?draft=")
    assert redirect_path(call(page_of(token, task_id), "plan_as_problem")) == f"/problems/new?task={task_id}"
    assert redirect_path(call(page_of(token, task_id), "do_it_myself")) == "/tasks"
    routes = [d.route for d in db.exec(select(RoutingDecision).where(RoutingDecision.task_id == task_id)).all()]
    assert routes == ["internal", "problem", "self"]


def test_the_problem_form_opens_pre_filled_from_the_owners_task(db: Session) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Open a second bakery shop", "Find a place")
    state: NewProblemState = state_for(NewProblemState, token=session_token(ann), path=f"/problems/new?task={task_id}")
    call(state, "load_new_problem")
    assert state.prefill_outcome == "Open a second bakery shop\n\nFind a place" and state.prefill_deadline == ""
    assert (state.prefill_budget, state.prefill_currency) == ("", "USD")


def test_an_amount_in_the_task_pre_fills_the_problems_budget_and_currency(db: Session) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Launch my online store", "I can spend 2,500 EUR in all")
    state: NewProblemState = state_for(NewProblemState, token=session_token(ann), path=f"/problems/new?task={task_id}")
    call(state, "load_new_problem")
    assert (state.prefill_budget, state.prefill_currency) == ("2500.00", "EUR")
    stranger: NewProblemState = state_for(
        NewProblemState, token=session_token(make_user("bob")), path=f"/problems/new?task={task_id}"
    )
    call(stranger, "load_new_problem")
    assert (stranger.prefill_outcome, stranger.prefill_budget, stranger.prefill_currency) == ("", "", "USD")


def test_a_report_without_a_partner_route_or_with_missing_answers_is_answered_by_its_fields(db: Session) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Assemble IKEA wardrobe")
    state = page_of(session_token(ann), task_id)
    call(state, "report_outcome", {"comment": ""})
    assert set(state.errors) == {"done", "rating"} and state.notice == ""
    call(state, "report_outcome", {"done": "yes", "rating": "5", "comment": ""})
    assert "form" in state.errors and state.notice == ""
