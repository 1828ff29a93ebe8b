"""/problems/[id] once the plan is ready: fund the whole budget once (a test card in the sandbox, Stripe Elements
with Stripe), match and invite contractors to each posted task, cancel a task, and give back what no task needs.
Every handler goes through a service that checks the caller owns the problem."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import partial
from typing import Annotated, Any, Literal

import reflex as rx
from annotated_types import MaxLen
from reflex.event import EventSpec
from typing_extensions import TypedDict

from jtbd_app import bootstrap
from jtbd_app.config import get_settings
from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import DomainError, field_errors
from jtbd_app.services.problems import problem_funding, problem_returns, task_matching
from jtbd_app.services.viewer import Viewer
from jtbd_app.state import card_payment, forms
from jtbd_app.state.problem_plan import ProblemPlanState, TaskKey

Username = Annotated[str, MaxLen(40)]
Steps = AsyncIterator[EventSpec | None]
FUNDED = "The budget is in escrow and the tasks to hire for are posted in the marketplace."
RETURNED = "This problem was already funded; your payment is being returned."
CONFIRM = "Confirm the payment with your card to fund the escrow."


class FundForm(TypedDict):
    card: str


class ProblemMoneyState(ProblemPlanState):
    progress: str = ""
    is_stripe: bool = False
    stripe_publishable_key: str = ""  # public by design; the secret key stays in settings
    stripe_js_url: str = ""
    suggestions: list[task_matching.Suggestion] = []
    matching_key: str = ""
    cancelling_key: str = ""
    _watching_funding: bool = False

    @rx.event
    def load_money(self) -> None:
        """Public: which gateway takes the payment (the publishable key is public by design)."""
        settings, gateway = get_settings(), bootstrap.gateway()
        self.is_stripe = gateway.name == "stripe"
        self.stripe_publishable_key = settings.stripe_publishable_key if self.is_stripe else ""
        self.stripe_js_url = settings.stripe_js_url if self.is_stripe else ""
        self.progress, self.suggestions, self.matching_key, self.cancelling_key = "", [], "", ""

    async def _fund(
        self, viewer: Viewer | None, *, test_card: str = ""
    ) -> problem_funding.ProblemFundingOutcome | None:
        try:
            return await problem_funding.fund_problem(
                session_factory=session_scope,
                gateway=bootstrap.gateway(),
                viewer=viewer,
                problem_id=self.route_problem_id,
                test_card=test_card,
            )
        except DomainError as exc:
            self.errors, self.progress = field_errors(exc), ""
            self._reload(viewer)
            return None

    def _funded(self, viewer: Viewer | None, status: str) -> None:
        self.progress, self.notice = "", {"funded": FUNDED, "returned": RETURNED}.get(status, CONFIRM)
        self._reload(viewer)

    @rx.event
    async def fund(self, form: FundForm) -> Steps:
        """The owner pays the whole budget into the problem's escrow once (the sandbox takes a test card)."""
        self.errors, self.notice, self.progress = {}, "", "Processing payment…"
        yield None
        viewer = self._viewer()
        outcome = await self._fund(viewer, test_card=forms.text(form, "card"))
        if outcome is not None:
            self._funded(viewer, outcome.status)

    @rx.event
    async def pay_with_card(self) -> Steps:
        """Stripe: the PaymentIntent is made for the owner only; its secret goes straight to Stripe.js."""
        self.errors, self.notice, self.progress = {}, "", card_payment.PROCESSING
        yield None
        viewer = self._viewer()
        outcome = await self._fund(viewer)
        if outcome is not None and outcome.status == "requires_action":
            yield card_payment.confirm_in_browser(outcome.client_secret, ProblemMoneyState.card_payment_result)
        elif outcome is not None:
            self._funded(viewer, outcome.status)

    @rx.event
    def card_payment_result(self, result: object) -> Any:
        """What Stripe.js answered, for display only: only Stripe's signed webhook funds the escrow."""
        message = card_payment.browser_error(result)
        self.errors, self.notice = {}, ""
        if message:
            self.progress, self.errors = "", {"card": message}
            return None
        self.progress = card_payment.WAITING
        return ProblemMoneyState.watch_funding

    @rx.event(background=True)
    async def watch_funding(self) -> None:
        """Re-read the owner's problem every two seconds, for about a minute, until the webhook funded it."""
        async with self:
            if self._watching_funding:
                return
            self._watching_funding = True
        try:
            await self._watch()
        finally:
            async with self:
                self._watching_funding = False

    async def _watch(self) -> None:
        for _ in range(card_payment.FUNDING_CHECKS):
            async with self:
                viewer = self._viewer()
                self._reload(viewer)
                if self.found and self.problem.status == "funded":
                    self._publish(viewer)  # now, not at the scheduler's next round: the notice says they are posted
                if self.problem.funded or not self.found:
                    self.progress, self.notice = "", FUNDED if self.problem.funded else ""
                    return
            await asyncio.sleep(card_payment.FUNDING_CHECK_SECONDS)
        async with self:
            self.progress, self.notice = "", card_payment.NOT_YET

    def _publish(self, viewer: Viewer | None) -> None:
        """The webhook funded the escrow: post the listings as the `publish_problem` job would (idempotent)."""
        try:
            with session_scope() as session:
                problem_funding.publish_problem(session, viewer=viewer, problem_id=self.route_problem_id)
        except DomainError as exc:
            self.errors = field_errors(exc)
        self._reload(viewer)

    @rx.event
    def show_matches(self, task_key: TaskKey) -> None:
        """The contractors who best match one of the owner's posted tasks, with why."""
        self._load_matches(task_key)

    def _load_matches(self, task_key: str) -> None:
        try:
            with read_scope() as session:
                found = task_matching.suggestions(
                    session, viewer=self._viewer(), problem_id=self.route_problem_id, task_key=task_key
                )
        except DomainError as exc:
            self.errors, self.suggestions, self.matching_key = field_errors(exc), [], ""
            return
        self.suggestions, self.matching_key, self.errors = found, task_key, {}

    @rx.event
    def invite_best(self) -> None:
        """Invites the best matches not yet invited (three at most) to bid on the owner's task."""
        key, pid, count = self.matching_key, self.route_problem_id, [0]
        if self._act(
            lambda s, v: count.__setitem__(0, task_matching.invite_best(s, viewer=v, problem_id=pid, task_key=key)), ""
        ):
            self.notice = f"Invited {count[0]} contractor{'s' if count[0] != 1 else ''} to bid."
            self._load_matches(key)

    @rx.event
    def invite(self, username: Username) -> None:
        """Invites one suggested contractor to bid on the owner's task."""
        key, pid = self.matching_key, self.route_problem_id
        if self._act(
            lambda s, v: task_matching.invite_one(s, viewer=v, problem_id=pid, task_key=key, username=username),
            f"Invited {username} to bid.",
        ):
            self._load_matches(key)

    @rx.event
    def start_cancel(self, task_key: TaskKey) -> None:
        """Public: asks, in this browser only, where a cancelled task's money should go."""
        self.cancelling_key, self.errors = task_key, {}

    @rx.event
    def close_money_forms(self) -> None:
        """Public: closes the cancel question and the matches in this browser; nothing is stored."""
        self.cancelling_key, self.matching_key, self.suggestions = "", "", []

    @rx.event
    async def cancel_task(self, to: Literal["client", "tasks"]) -> Steps:
        """The owner cancels a task not yet hired; its share goes back to them or to the other tasks."""
        key, pid = self.cancelling_key, self.route_problem_id
        self.errors, self.notice, self.progress = {}, "", "Cancelling the task…"
        yield None
        cancel = partial(problem_returns.cancel_task, session_factory=session_scope, gateway=bootstrap.gateway())
        await self._money(
            lambda viewer: cancel(viewer=viewer, problem_id=pid, task_key=key, to=to),
            "Task cancelled; its money went where you chose.",
        )

    @rx.event
    async def return_remainder(self, to: Literal["client"]) -> Steps:
        """The owner takes back what the escrow holds that no task needs."""
        self.errors, self.notice, self.progress = {}, "", "Returning the money…"
        yield None
        await self._money(
            lambda viewer: problem_returns.return_remainder(
                session_factory=session_scope,
                gateway=bootstrap.gateway(),
                viewer=viewer,
                problem_id=self.route_problem_id,
                to=to,
            ),
            "The money no task needs is on its way back to you.",
        )

    async def _money(self, call: Any, notice: str) -> None:
        viewer = self._viewer()
        try:
            await call(viewer)
        except DomainError as exc:
            self.errors, self.progress = field_errors(exc), ""
            self._reload(viewer)
            return
        self.cancelling_key = ""
        self._funded(viewer, "")
        self.notice = notice
