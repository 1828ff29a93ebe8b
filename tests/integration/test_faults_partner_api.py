"""Faults: a partner's API (the local server that answers like Upwork's and Amazon's, tests/support/partner_apis.py)
stalls past the timeout or fails while the Delegate menu uses it, with the app's real adapters and services.

A job post Upwork got but never answered may have been made: the member is told to look there before posting again
(not that nothing was posted), nothing is recorded, and posting again records the post once. A post Upwork refused
posted nothing and says so. A product search that stalls leaves the menu its search link, with a note saying why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import cast

import pytest
from sqlmodel import Session, col, select

from jtbd_app.adapters.partners.amazon import AmazonPartner
from jtbd_app.adapters.partners.upwork import UpworkPartner
from jtbd_app.db import get_engine, session_scope
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.models import RoutingDecision, User
from jtbd_app.services.accounts import terms
from jtbd_app.services.delegate import decisions, menu
from jtbd_app.services.ports import PartnerAdapter
from tests.support.delegate_menu import add_task
from tests.support.members import make_user
from tests.support.partner_apis import Fault, PartnerAPIs
from tests.support.viewers import viewer_of

TIMEOUT = 1.0


@pytest.fixture(scope="module")
def server() -> Iterator[PartnerAPIs]:
    with PartnerAPIs() as running:
        yield running


@pytest.fixture
def apis(server: PartnerAPIs, database: str) -> PartnerAPIs:
    server.reset()
    with session_scope() as session:
        terms.publish_terms(session, title="Terms", body="Be nice.")
    return server


def upwork(apis: PartnerAPIs) -> dict[str, PartnerAdapter]:
    return {"upwork": cast(PartnerAdapter, UpworkPartner(apis.options("upwork"), timeout=TIMEOUT))}


def post_on_upwork(member: User, task_id: int, adapters: dict[str, PartnerAdapter]) -> str:
    """The member confirms the drafted post, as the menu's "Yes, post it" does; returns the post's reference."""
    created = asyncio.run(
        decisions.confirm_post(
            session_factory=session_scope,
            viewer=viewer_of(member),
            task_id=task_id,
            partner_key="upwork",
            adapters=adapters,
            timeout=TIMEOUT * 3,
        )
    )
    return created.external_ref


def decisions_of(task_id: int) -> list[tuple[str, str, str | None]]:
    with Session(get_engine()) as session:
        rows = session.exec(select(RoutingDecision).where(col(RoutingDecision.task_id) == task_id)).all()
        return [(row.route, row.partner_key or "", row.external_ref) for row in rows]


def test_a_post_upwork_got_but_never_answered_says_to_look_there_first_and_posting_again_records_it_once(
    apis: PartnerAPIs,
) -> None:
    bea = make_user("bea")
    task_id = add_task(bea, "Design a logo for my bakery", "Warm colours")
    apis.fault("upwork.graphql", Fault(delay=TIMEOUT * 3))

    with pytest.raises(ValidationFailed) as failed:
        post_on_upwork(bea, task_id, upwork(apis))

    assert failed.value.fields == {
        "form": "Upwork did not answer in time, so the post may have been made there. Look in your Upwork account "
        "first; if it is not there, try again."
    }
    assert len(apis.calls("upwork.graphql")) == 1  # Upwork got the post
    assert decisions_of(task_id) == []
    reference = post_on_upwork(bea, task_id, upwork(apis))  # not there: the member posts again
    assert decisions_of(task_id) == [("outside", "upwork", reference)]


def test_a_post_upwork_refused_says_nothing_was_posted_and_posting_again_records_it(apis: PartnerAPIs) -> None:
    bea = make_user("bea")
    task_id = add_task(bea, "Design a logo for my bakery")
    apis.fault("upwork.graphql", Fault(status=503))

    with pytest.raises(ValidationFailed) as failed:
        post_on_upwork(bea, task_id, upwork(apis))

    assert failed.value.fields["form"].startswith("Upwork did not take the post (")
    assert failed.value.fields["form"].endswith("Nothing was posted; try again.")
    assert decisions_of(task_id) == []
    reference = post_on_upwork(bea, task_id, upwork(apis))
    assert decisions_of(task_id) == [("outside", "upwork", reference)]


def test_a_product_search_that_stalls_leaves_the_search_link_and_says_why(apis: PartnerAPIs) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Buy lightbulbs", "LED, E27")
    adapters = {"amazon": cast(PartnerAdapter, AmazonPartner(apis.options("amazon"), timeout=TIMEOUT))}
    apis.fault("amazon.search", Fault(delay=TIMEOUT * 3))

    built = build_menu(ann, task_id, adapters)
    again = build_menu(ann, task_id, adapters)  # the member opens the menu again: Amazon answers now

    assert "Amazon's product search did not answer; here is a search link instead." in built.notes
    assert built.products == [] and [o.partner_key for o in built.options if o.partner_key] == ["amazon"]
    assert again.products and not [n for n in again.notes if "did not answer" in n]


def build_menu(member: User, task_id: int, adapters: dict[str, PartnerAdapter]) -> menu.Menu:
    return asyncio.run(
        menu.build_menu(
            session_factory=session_scope,
            viewer=viewer_of(member),
            task_id=task_id,
            adapters=adapters,
            classifier=None,
            timeout=TIMEOUT * 3,
        )
    )
