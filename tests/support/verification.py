"""Micro-task contracts to check deliveries on, arranged through the real services, and scripted stand-ins for the
verification ports (a link checker and an AI reviewer) that answer what a test says."""

from __future__ import annotations

from dataclasses import dataclass, field

from jtbd_app.db import session_scope
from jtbd_app.domain.plans import Evidence, PlanTask
from jtbd_app.models import User
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import deliveries, jobs
from jtbd_app.services.ports import LinkResult, ReviewFailed, ReviewVerdict
from tests.support.contracts import run_now
from tests.support.gateways import ScriptedGateway
from tests.support.members import make_user
from tests.support.problem_money import ProblemDeal, fund, hire
from tests.support.problems import planned_problem
from tests.support.viewers import viewer_of

VISITS_CRITERIA = ["At least 10,000 sessions in Google Analytics", "Traffic is organic, no bought visits"]
TASKS = [
    PlanTask(
        key="visits",
        title="Bring 10,000 visitors",
        criteria=VISITS_CRITERIA,
        evidence=Evidence(kind="number", description="Sessions in the GA report", threshold=10_000),
        estimate_minor=200_000,
        duration_days=30,
    ),
    PlanTask(
        key="audit",
        title="Audit the site",
        criteria=["Covers page speed"],
        evidence=Evidence(kind="link", description="A link to the audit"),
        estimate_minor=100_000,
        duration_days=5,
    ),
]


@dataclass
class ScriptedLinks:
    """The LinkChecker port, answering what the test says per URL."""

    answers: dict[str, LinkResult] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    async def check(self, url: str) -> LinkResult:
        self.asked.append(url)
        return self.answers.get(url, LinkResult(False, None, "it could not be reached"))


@dataclass
class ScriptedReviewer:
    """The DeliveryReviewer port: the verdicts a test scripts, or a failure."""

    verdicts: list[ReviewVerdict] = field(default_factory=list)
    failure: str = ""
    name: str = "scripted"
    seen: list[list[str]] = field(default_factory=list)

    async def review(
        self, *, criteria: list[str], delivery_text: str, links: list[str], file_names: list[str]
    ) -> list[ReviewVerdict]:
        self.seen.append(criteria)
        if self.failure:
            raise ReviewFailed(self.failure)
        return self.verdicts


@dataclass
class Hire:
    deal: ProblemDeal
    client: User
    contractor: User
    contract_id: int


def hired_on(key: str, gateway: ScriptedGateway, contractor: str = "ken") -> Hire:
    carol = make_user("carol")
    deal = ProblemDeal(planned_problem(carol, TASKS), viewer_of(carol))
    fund(deal, gateway)
    worker = make_user(contractor)
    return Hire(deal, carol, worker, hire(deal, key, worker, price="500"))


def deliver_work(h: Hire, *, number: str = "", links: str = "", message: str = "Done: 12,400 sessions.") -> int:
    with session_scope() as s:
        return deliveries.submit_delivery(
            s,
            viewer=viewer_of(h.contractor),
            contract_id=h.contract_id,
            message=message,
            links=links,
            reported_number=number,
        )


def run_checks(gateway: ScriptedGateway, links: ScriptedLinks | None = None, reviewer: object = None) -> int:
    ports = {"gateway": gateway, "link_checker": links or ScriptedLinks(), "reviewer": reviewer}
    return run_now(scheduler.run_due_jobs(session_scope, handlers=jobs.HANDLERS, ports=ports))


BOTH_MET = ScriptedReviewer([ReviewVerdict(0, "passed", "12,400 stated"), ReviewVerdict(1, "passed", "organic")])
