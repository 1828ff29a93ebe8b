"""The wallet's totals: one summary per currency the member uses, from the ledger; a client's paid in, spent (with its
fee), in escrow and refunded; a contractor's earned, pending, available and paid out; nothing at all for a newcomer."""

from __future__ import annotations

import asyncio

from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.db import session_scope
from jtbd_app.services.contracts import cancellation, wallet_view
from jtbd_app.services.contracts.money_summary import CurrencySummary
from jtbd_app.services.viewer import Viewer
from tests.support import problem_money
from tests.support.contracts import agreed_contract, approve, deliver, fund
from tests.support.members import make_user
from tests.support.viewers import viewer_of


def totals(viewer: Viewer) -> dict[str, CurrencySummary]:
    with session_scope() as s:
        return {t.currency: t for t in wallet_view.wallet(s, viewer=viewer).summaries}


def test_a_newcomer_has_no_totals_in_any_currency() -> None:
    assert totals(viewer_of(make_user("newbie"))) == {}


def test_a_member_whose_money_is_all_in_euros_sees_only_euros() -> None:
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="250", currency="EUR")
    fund(deal)
    client, contractor = totals(deal.client), totals(deal.contractor)
    assert list(client) == ["EUR"] and list(contractor) == ["EUR"]
    eur = client["EUR"]
    assert eur.as_client and not eur.as_contractor
    assert (eur.paid_in, eur.in_escrow, eur.spent, eur.refunded) == ("€250.00", "€250.00", "€0.00", "€0.00")
    assert contractor["EUR"].as_contractor and not contractor["EUR"].as_client
    assert contractor["EUR"].pending == "€250.00" and contractor["EUR"].earned == "€0.00"


def test_an_unfunded_contract_already_shows_its_currency_at_zero() -> None:
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="80", currency="GBP")
    gbp = totals(deal.client)["GBP"]
    assert (gbp.paid_in, gbp.in_escrow) == ("£0.00", "£0.00")


def test_spent_is_what_was_released_to_the_contractor_plus_the_fee_and_earned_is_after_the_fee() -> None:
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="5000", currency="JPY")
    fund(deal)
    deliver(deal)
    approve(deal)
    jpy = totals(deal.client)["JPY"]
    assert (jpy.paid_in, jpy.spent, jpy.fees, jpy.in_escrow) == ("¥5,000", "¥5,000", "¥500", "¥0")
    theirs = totals(deal.contractor)["JPY"]
    assert (theirs.earned, theirs.pending, theirs.available) == ("¥4,500", "¥0", "¥4,500")


def test_a_member_who_hires_in_euros_and_works_in_dollars_sees_each_side_in_its_currency() -> None:
    carol, ken, ann = make_user("carol"), make_user("ken"), make_user("ann")
    fund(agreed_contract(carol, ken, price="40", currency="EUR"))
    fund(agreed_contract(ann, carol, price="70", currency="USD"))
    mine = totals(viewer_of(carol))
    assert sorted(mine) == ["EUR", "USD"]
    assert mine["EUR"].as_client and not mine["EUR"].as_contractor and mine["EUR"].in_escrow == "€40.00"
    assert mine["USD"].as_contractor and not mine["USD"].as_client and mine["USD"].pending == "$70.00"


def test_a_refund_counts_as_refunded_not_spent() -> None:
    deal = agreed_contract(make_user("carol"), make_user("ken"), price="120", currency="CAD")
    fund(deal)
    with session_scope() as s:
        cancellation.request_cancellation(s, viewer=deal.client, contract_id=deal.contract_id)
    asyncio.run(
        cancellation.agree_cancellation(
            session_factory=session_scope,
            gateway=SandboxGateway(),
            viewer=deal.contractor,
            contract_id=deal.contract_id,
        )
    )
    cad = totals(deal.client)["CAD"]
    assert (cad.paid_in, cad.refunded, cad.spent, cad.in_escrow) == ("CA$120.00", "CA$120.00", "CA$0.00", "CA$0.00")


def test_a_funded_problem_counts_once_in_escrow_while_its_tasks_are_hired() -> None:
    owner, helper = make_user("owner"), make_user("helper")
    deal = problem_money.planned(owner)
    problem_money.fund(deal, SandboxGateway())
    assert (totals(deal.owner)["USD"].paid_in, totals(deal.owner)["USD"].in_escrow) == ("$3,000.00", "$3,000.00")
    problem_money.hire(deal, "audit", helper, price="450")
    usd = totals(deal.owner)["USD"]
    assert (usd.paid_in, usd.in_escrow, usd.spent) == ("$3,000.00", "$3,000.00", "$0.00")
    assert totals(viewer_of(helper))["USD"].pending == "$450.00"


def test_the_chart_draws_each_currency_apart_in_whole_units() -> None:
    carol, ken = make_user("carol"), make_user("ken")
    fund(agreed_contract(carol, ken, price="40.60", currency="EUR"))
    paid = agreed_contract(carol, ken, price="3000", currency="JPY")
    fund(paid)
    deliver(paid)
    approve(paid)
    with session_scope() as s:
        client = wallet_view.wallet(s, viewer=viewer_of(carol)).charts
        contractor = wallet_view.wallet(s, viewer=viewer_of(ken)).charts
    assert [(c.currency, c.months[-1].paid_in, c.months[-1].earned) for c in client] == [
        ("EUR", 41, 0),
        ("JPY", 3000, 0),
    ]
    assert [(c.currency, c.months[-1].earned) for c in contractor] == [("JPY", 2700)]
    assert all(len(c.months) == 6 and sum(m.paid_in for m in c.months[:-1]) == 0 for c in client)
