"""Faults: the model server (the local OpenAI-compatible chat server) stalls past the timeout or fails, with the
app's real adapters.

The AI reviewer stalls while a delivery is checked: the checklist says why its criteria are not known, no money
moves, and the client's approval releases the escrow once. The AI summary of a dispute fails for an administrator:
the message says to try again, the case and its escrow are as they were, and the retry gets the summary. The
delivery check has no retry of its own: the client decides, which is what the criteria are advice for.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlmodel import Session, col, select

from jtbd_app.adapters.dispute_summary_openai import OpenAIDisputeSummarizer
from jtbd_app.adapters.reviewer_openai import OpenAIReviewer
from jtbd_app.db import get_engine, session_scope
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.models import Contract, CriterionCheck
from jtbd_app.services.accounts import terms
from jtbd_app.services.trust import case_summary
from tests.support.contracts import Deal, agreed_contract, approve, deliver, fund
from tests.support.disputes import freeze_with_case
from tests.support.faults import books
from tests.support.gateways import ScriptedGateway
from tests.support.members import make_user
from tests.support.openai_server import LocalOpenAI, Reply
from tests.support.verification import deliver_work, hired_on, run_checks
from tests.support.viewers import viewer_of

TIMEOUT = 1.0
SUMMARY = {
    "client_position": "The client says the pricing section was agreed and is missing.",
    "contractor_position": "The contractor says the pricing section was never in the brief.",
    "agreed_facts": ["The landing page was delivered."],
}


@pytest.fixture(autouse=True)
def published_terms(database: str) -> None:
    with session_scope() as session:
        terms.publish_terms(session, title="Terms", body="Be nice.")


def checklist(contract_id: int) -> list[tuple[str, str, str]]:
    with Session(get_engine()) as session:
        rows = session.exec(
            select(CriterionCheck)
            .where(col(CriterionCheck.contract_id) == contract_id)
            .order_by(CriterionCheck.position)  # type: ignore[arg-type]
        ).all()
        return [(row.method, row.outcome, row.reason) for row in rows]


def test_a_delivery_checked_while_the_model_stalls_leaves_its_criteria_unknown_and_the_approval_releases_once(
    openai_server: LocalOpenAI,
) -> None:
    gateway = ScriptedGateway()
    hire = hired_on("visits", gateway)
    deliver_work(hire, number="12400")
    openai_server.reply(Reply(text=json.dumps({"verdicts": []}), delay=TIMEOUT * 3))
    reviewer = OpenAIReviewer(
        api_key=openai_server.api_key, base_url=openai_server.url, model="test-model", timeout=TIMEOUT, max_retries=0
    )

    run_checks(gateway, reviewer=reviewer)

    not_known = ("model", "unknown", "The AI reviewer did not answer in time.")
    assert checklist(hire.contract_id) == [
        ("automatic", "passed", checklist(hire.contract_id)[0][2]),
        not_known,
        not_known,
    ]
    with Session(get_engine()) as session:
        contract = session.get(Contract, hire.contract_id)
        assert contract is not None and contract.status == "delivered"
    assert books().held(hire.contract_id) == 50_000  # nothing moved

    client = Deal(hire.contract_id, viewer_of(hire.client), viewer_of(hire.contractor))
    approve(client)

    assert client.load().status == "completed"
    assert books().releases[hire.contract_id] == 1


def test_a_dispute_summary_that_fails_says_to_try_again_and_the_retry_gets_it(openai_server: LocalOpenAI) -> None:
    deal = agreed_contract(make_user("dora"), make_user("eli"), price="100")
    fund(deal)
    deliver(deal)
    freeze_with_case(deal)
    admin = viewer_of(make_user("ada", role="admin"))
    summarizer = OpenAIDisputeSummarizer(
        api_key=openai_server.api_key, base_url=openai_server.url, model="test-model", timeout=TIMEOUT, max_retries=0
    )
    openai_server.reply(
        Reply(status=500, error="the model crashed"), Reply(text=json.dumps(SUMMARY), delay=3 * TIMEOUT)
    )

    for _failure in range(2):
        with pytest.raises(ValidationFailed) as failed:
            summarise(summarizer, admin, deal)
        assert failed.value.fields["summary"].endswith("Try again in a moment.")

    assert deal.load().status == "disputed" and deal.load().release_frozen
    assert books().held(deal.contract_id) == 10_000  # the case and its money are as they were
    openai_server.reply(Reply(text=json.dumps(SUMMARY)))
    summary = summarise(summarizer, admin, deal)
    assert summary.client_position == SUMMARY["client_position"]


def summarise(summarizer: OpenAIDisputeSummarizer, admin: object, deal: Deal) -> case_summary.DisputeSummary:
    return asyncio.run(
        case_summary.summarise_case(
            session_factory=session_scope,
            summarizer=summarizer,
            viewer=admin,  # type: ignore[arg-type]
            contract_id=deal.contract_id,
        )
    )
