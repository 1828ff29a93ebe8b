"""Deciding disputes at /admin/disputes (issue 14): the queue, the case file, the decision executed once, and the
administrators told of gateway events no rule could book."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event
from sqlmodel import Session, col, select

from jtbd_app import bootstrap
from jtbd_app.db import get_engine, session_scope
from jtbd_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from jtbd_app.models import (
    AuditEntry,
    ContractEvent,
    Dispute,
    DisputeCase,
    DisputeEntry,
    DisputeFile,
    FreezeDecision,
    Notification,
    Payment,
    Payout,
)
from jtbd_app.services.contracts import webhooks
from jtbd_app.services.messaging import messages
from jtbd_app.services.ports import DisputeSummary, GatewayEvent, SummaryFailed
from jtbd_app.services.trust import case_summary, case_timeline, decisions, dispute_queue, disputes
from jtbd_app.services.viewer import Viewer
from jtbd_app.state.admin_disputes import AdminDisputeCaseState, AdminDisputesState
from tests.support.contracts import Deal, agreed_contract, deliver, fund, run_now
from tests.support.disputes import CLIENT_SAYS, CONTRACTOR_SAYS, disputed_contract, gateway_frozen
from tests.support.gateways import ScriptedGateway
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token
from tests.support.viewers import viewer_of


@pytest.fixture
def admin() -> Viewer:
    return viewer_of(make_user("ada", role="admin"))


@pytest.fixture
def gateway() -> ScriptedGateway:
    return ScriptedGateway()


@pytest.fixture
def disputed(deal: Deal, gateway: ScriptedGateway) -> Deal:
    return disputed_contract(deal, gateway=gateway)


def decide(
    gateway: ScriptedGateway, viewer: Viewer | None, deal: Deal, outcome: str, amount: str = "", reason: str = "Fair."
) -> str:
    return run_now(
        decisions.decide_dispute(
            session_factory=session_scope,
            gateway=gateway,
            viewer=viewer,
            contract_id=deal.contract_id,
            outcome=outcome,
            contractor_amount=amount,
            reason=reason,
        )
    )


def payable(db: Session, user_id: int) -> int:
    db.expire_all()
    return sum(p.amount_minor for p in db.exec(select(Payout).where(Payout.user_id == user_id)).all())


# --- the queue ---------------------------------------------------------------------------------------------------


def test_the_queue_lists_member_disputes_and_gateway_freezes_oldest_first(disputed: Deal, admin: Viewer) -> None:
    older = disputed_contract(agreed_contract(make_user("olga"), make_user("otto"), price="300"), opened_days_ago=3)
    card = gateway_frozen(agreed_contract(make_user("cara"), make_user("cody"), price="50"))
    with session_scope() as s:
        queue = dispute_queue.dispute_queue(s, viewer=admin)
    assert [r.contract_id for r in queue.rows] == [older.contract_id, disputed.contract_id, card.contract_id]
    first, _, gw = queue.rows
    assert first.amount == "$300.00" and first.age == "3 days ago" and first.status_label == "Under review"
    assert first.client.startswith("olga") or first.client  # display names come from the profiles
    assert first.link == f"/admin/disputes/{older.contract_id}"
    assert gw.kind == "gateway" and gw.status_label == dispute_queue.CARD_LABEL
    assert "card issuer" in gw.frozen_reason and gw.amount == "$50.00"


def test_the_queue_sorts_by_amount_and_filters_by_status(disputed: Deal, admin: Viewer) -> None:
    big = disputed_contract(
        agreed_contract(make_user("bea"), make_user("bob"), price="900"), status="awaiting_response"
    )
    with session_scope() as s:
        by_amount = dispute_queue.dispute_queue(s, viewer=admin, sort="amount_high")
        waiting = dispute_queue.dispute_queue(s, viewer=admin, status="awaiting_response")
        nonsense = dispute_queue.dispute_queue(s, viewer=admin, sort="<script>", status="x", page=99)
    assert [r.contract_id for r in by_amount.rows] == [big.contract_id, disputed.contract_id]
    assert [r.contract_id for r in waiting.rows] == [big.contract_id]
    assert waiting.rows[0].deadline.startswith("Response due")
    assert (nonsense.sort, nonsense.status, nonsense.page, nonsense.total) == ("oldest", "", 1, 2)


def test_only_administrators_see_the_queue_or_a_case(disputed: Deal) -> None:
    for who in (None, disputed.client, disputed.contractor):
        with session_scope() as s, pytest.raises((PermissionDenied, NotSignedIn)):
            dispute_queue.dispute_queue(s, viewer=who)
        with session_scope() as s, pytest.raises((PermissionDenied, NotSignedIn)):
            case_timeline.case_file(s, viewer=who, contract_id=disputed.contract_id)


# --- the case file -----------------------------------------------------------------------------------------------


def test_the_case_file_merges_the_contracts_story_by_time_and_audits_the_thread_read(
    disputed: Deal, admin: Viewer, db: Session
) -> None:
    with session_scope() as s:
        thread = messages.thread_for_contract(s, contract_id=disputed.contract_id)
        messages.send_message(s, viewer=disputed.client, thread_id=thread, body="Where is the pricing section?")
    with session_scope() as s:
        case_id = s.exec(select(DisputeCase.id)).one() or 0
        entry = DisputeEntry(case_id=case_id, author_id=disputed.client.user_id, kind="evidence", body="The brief.")
        s.add(entry)
        s.flush()
        assert entry.id is not None
        s.add(
            DisputeFile(
                entry_id=entry.id,
                case_id=case_id,
                filename="brief.pdf",
                content_type="application/pdf",
                size_bytes=2048,
                sha256="0" * 64,
                storage_key="k1",
            )
        )
    with session_scope() as s:
        case = case_timeline.case_file(s, viewer=admin, contract_id=str(disputed.contract_id))
    kinds = [item.kind for item in case.timeline]
    assert kinds[:2] == ["listing", "bid"] and {"event", "message", "delivery", "dispute"} <= set(kinds)
    assert [item.at for item in case.timeline] == sorted(item.at for item in case.timeline)
    said = {item.what for item in case.timeline}
    assert "Where is the pricing section?" in said and CONTRACTOR_SAYS in said
    evidence = next(item for item in case.timeline if item.label == "Evidence")
    assert evidence.files[0].url.startswith("/api/disputes/files/") and "(client)" in evidence.who
    assert case.held == "$100.00" and case.has_case and case.case_status == "under_review"
    assert [p.statements for p in case.positions] == [[CLIENT_SAYS], [CONTRACTOR_SAYS]]
    read = db.exec(select(AuditEntry).where(AuditEntry.action == "admin.read_thread")).one()
    assert read.actor_id == admin.user_id and read.subject == f"thread:{thread}"
    assert json.loads(read.detail)["contract_id"] == disputed.contract_id


def test_the_case_file_reads_in_a_fixed_number_of_queries(disputed: Deal, admin: Viewer) -> None:
    def count(extra_deliveries: int) -> int:
        statements: list[str] = []
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        event.listen(get_engine(), "before_cursor_execute", listener)
        try:
            with session_scope() as s:
                case_timeline.case_file(s, viewer=admin, contract_id=disputed.contract_id)
        finally:
            event.remove(get_engine(), "before_cursor_execute", listener)
        return len([q for q in statements if q.lstrip().upper().startswith("SELECT")])

    before = count(0)
    with session_scope() as s:
        case_id = s.exec(select(DisputeCase.id)).one() or 0
        for n in range(5):
            s.add(DisputeEntry(case_id=case_id, author_id=disputed.client.user_id, kind="statement", body=f"More {n}"))
    assert count(5) == before


def test_a_missing_or_malformed_contract_is_not_found(admin: Viewer) -> None:
    for bad in ("999", "abc", "-1", ""):
        with session_scope() as s, pytest.raises(NotFound):
            case_timeline.case_file(s, viewer=admin, contract_id=bad)


# --- the decision ------------------------------------------------------------------------------------------------


def test_a_split_pays_each_party_its_share_once_and_tells_both(
    disputed: Deal, admin: Viewer, gateway: ScriptedGateway, db: Session
) -> None:
    said = decide(gateway, admin, disputed, "split", "60.00", "The pricing section was half of the work.")
    assert said == "Decided: $60.00 to the contractor, $40.00 to the client."
    assert sum(gateway.refunds.values()) == 4_000
    assert payable(db, disputed.contractor.user_id) == 5_400  # 60.00 less the 10% fee
    contract = disputed.load()
    assert contract.status == "completed" and not contract.release_frozen
    case = db.exec(select(DisputeCase)).one()
    assert (case.status, case.outcome, case.contractor_minor, case.client_minor) == ("resolved", "split", 6000, 4000)
    assert case.decided_by == admin.user_id and case.decision_reason == "The pricing section was half of the work."
    assert case.closed_at is not None
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "dispute.decide")).one()
    assert (entry.actor_id, entry.subject, entry.reason) == (
        admin.user_id,
        f"contract:{disputed.contract_id}",
        "The pricing section was half of the work.",
    )
    assert json.loads(entry.detail) == {
        "outcome": "split",
        "contractor_minor": 6000,
        "client_minor": 4000,
        "currency": "USD",
    }
    told = db.exec(select(Notification).where(Notification.kind == "dispute_decided")).all()
    assert sorted(n.user_id for n in told) == sorted([disputed.client.user_id, disputed.contractor.user_id])
    assert all("half of the work" in n.body and n.link == f"/contracts/{disputed.contract_id}" for n in told)
    decided = db.exec(select(ContractEvent).where(ContractEvent.kind == "decided")).one()
    assert "The pricing section was half of the work." in decided.detail

    with pytest.raises(ValidationFailed, match="decided already"):
        decide(gateway, admin, disputed, "refund", reason="Second thoughts.")
    assert sum(gateway.refunds.values()) == 4_000
    assert len(db.exec(select(AuditEntry).where(AuditEntry.action == "dispute.decide")).all()) == 1


@pytest.mark.parametrize(
    ("outcome", "contractor", "client", "status"),
    [("release", 9_000, 0, "completed"), ("refund", 0, 10_000, "cancelled")],
)
def test_release_and_refund_give_everything_to_one_side(
    disputed: Deal,
    admin: Viewer,
    gateway: ScriptedGateway,
    db: Session,
    outcome: str,
    contractor: int,
    client: int,
    status: str,
) -> None:
    decide(gateway, admin, disputed, outcome, "ignored for these", "Clear from the timeline.")
    assert payable(db, disputed.contractor.user_id) == contractor and sum(gateway.refunds.values()) == client
    assert disputed.load().status == status
    assert db.exec(select(DisputeCase)).one().outcome == outcome


def test_only_an_administrator_decides(disputed: Deal, gateway: ScriptedGateway, db: Session) -> None:
    for who in (None, disputed.client, disputed.contractor):
        with pytest.raises((PermissionDenied, NotSignedIn)):
            decide(gateway, who, disputed, "release")
    assert disputed.load().release_frozen and db.exec(select(FreezeDecision)).first() is None
    assert (
        db.exec(select(AuditEntry).where(col(AuditEntry.action).not_like("money.%"))).all() == []
        and gateway.refunds == {}
    )


@pytest.mark.parametrize(
    ("outcome", "amount", "reason", "field"),
    [
        ("split", "0", "Fair.", "contractor_amount"),
        ("split", "100.00", "Fair.", "contractor_amount"),
        ("split", "-5", "Fair.", "contractor_amount"),
        ("split", "abc", "Fair.", "contractor_amount"),
        ("split", "60.001", "Fair.", "contractor_amount"),
        ("split", "1e999999", "Fair.", "contractor_amount"),
        ("keep", "", "Fair.", "outcome"),
        ("split", "60", "", "reason"),
        ("split", "60", "   ", "reason"),
        ("split", "60", "<b>bold</b>", "reason"),
        ("split", "60", "x" * 2001, "reason"),
    ],
)
def test_bad_decisions_are_refused_next_to_their_field_and_change_nothing(
    disputed: Deal,
    admin: Viewer,
    gateway: ScriptedGateway,
    db: Session,
    outcome: str,
    amount: str,
    reason: str,
    field: str,
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        decide(gateway, admin, disputed, outcome, amount, reason)
    assert field in refused.value.fields
    assert disputed.load().release_frozen and db.exec(select(FreezeDecision)).first() is None
    assert (
        gateway.refunds == {} and db.exec(select(AuditEntry).where(AuditEntry.action == "dispute.decide")).all() == []
    )


def test_the_preview_shows_both_shares_and_stores_nothing(disputed: Deal, admin: Viewer, db: Session) -> None:
    with session_scope() as s:
        preview = decisions.preview_decision(
            s, viewer=admin, contract_id=disputed.contract_id, outcome="split", contractor_amount="60", reason="Fair."
        )
    assert (preview.contractor, preview.client, preview.outcome) == ("$60.00", "$40.00", "split")
    assert db.exec(select(FreezeDecision)).first() is None


def test_a_failed_refund_keeps_the_decision_and_a_retry_finishes_it_once(
    disputed: Deal, admin: Viewer, gateway: ScriptedGateway, db: Session
) -> None:
    gateway.refunds_fail = True
    with pytest.raises(ValidationFailed, match="run it again"):
        decide(gateway, admin, disputed, "split", "60", "Half done.")
    contract = disputed.load()
    assert contract.release_frozen and db.exec(select(FreezeDecision)).one().status == "deciding"
    assert db.exec(select(DisputeCase)).one().status == "under_review"
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "dispute.decide")).all() == []
    with session_scope() as s:
        row = next(r for r in dispute_queue.dispute_queue(s, viewer=admin).rows)
    assert row.case_status == "retry"
    with pytest.raises(ValidationFailed, match="retry the refund"):
        decide(gateway, admin, disputed, "refund", reason="Changed my mind.")

    gateway.refunds_fail = False
    for who in (None, disputed.client):
        with pytest.raises((PermissionDenied, NotSignedIn)):
            run_now(
                decisions.retry_decision(
                    session_factory=session_scope, gateway=gateway, viewer=who, contract_id=disputed.contract_id
                )
            )
    said = run_now(
        decisions.retry_decision(
            session_factory=session_scope, gateway=gateway, viewer=admin, contract_id=disputed.contract_id
        )
    )
    assert said == "Decided: $60.00 to the contractor, $40.00 to the client."
    assert gateway.refunds and sum(gateway.refunds.values()) == 4_000
    assert payable(db, disputed.contractor.user_id) == 5_400
    db.expire_all()
    assert db.exec(select(DisputeCase)).one().status == "resolved"
    run_now(
        decisions.retry_decision(
            session_factory=session_scope, gateway=gateway, viewer=admin, contract_id=disputed.contract_id
        )
    )
    assert len(db.exec(select(AuditEntry).where(AuditEntry.action == "dispute.decide")).all()) == 1
    assert len(db.exec(select(Notification).where(Notification.kind == "dispute_decided")).all()) == 2


def test_a_gateway_frozen_contract_is_decided_without_a_case(
    admin: Viewer, gateway: ScriptedGateway, db: Session
) -> None:
    card = gateway_frozen(agreed_contract(make_user("cara"), make_user("cody"), price="50"))
    with session_scope() as s:
        case = case_timeline.case_file(s, viewer=admin, contract_id=card.contract_id)
    assert not case.has_case and case.case_label == dispute_queue.CARD_LABEL and "card issuer" in case.reason
    decide(ScriptedGateway(), admin, card, "release", reason="The work was delivered in full.")
    assert not card.load().release_frozen
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "dispute.decide")).one().reason.startswith("The work")


def test_a_chargeback_the_card_issuer_has_not_decided_is_refused_at_the_review_step(
    admin: Viewer, gateway: ScriptedGateway, db: Session
) -> None:
    card = gateway_frozen(agreed_contract(make_user("cara"), make_user("cody"), price="50"))
    payment = db.exec(select(Payment).where(Payment.contract_id == card.contract_id)).one()
    with session_scope() as s:
        s.add(Dispute(id="dp_open", payment_id=payment.id or 0, amount_minor=5_000, currency="USD"))

    def preview() -> decisions.DecisionPreview:
        with session_scope() as s:
            return decisions.preview_decision(
                s, viewer=admin, contract_id=card.contract_id, outcome="release", reason="The work was delivered."
            )

    with pytest.raises(ValidationFailed, match="has not decided yet"):
        preview()
    with pytest.raises(ValidationFailed, match="has not decided yet"):
        decide(ScriptedGateway(), admin, card, "release", reason="The work was delivered in full.")
    assert card.load().release_frozen and db.exec(select(FreezeDecision)).first() is None

    with session_scope() as s:  # the issuer decided for the platform: the release can be decided now
        found = s.get(Dispute, "dp_open")
        assert found is not None
        found.status = "won"
        s.add(found)
    assert preview().outcome == "release"


# --- gateway outcomes left for an administrator -----------------------------------------------------------------


def test_an_event_left_for_an_administrator_tells_every_active_admin_once(
    deal: Deal, admin: Viewer, db: Session
) -> None:
    make_user("retired", role="admin", status="suspended")
    fund(deal)
    external_id = db.exec(select(Payment.external_id)).one()
    assert external_id is not None
    odd = GatewayEvent(id="evt_left_1", kind="payment_intent.succeeded", object_id=external_id, amount_minor=0)
    with session_scope() as s:
        outcome = webhooks.process_event(s, gateway_name="stripe", event=odd)
    with session_scope() as s:
        again = webhooks.process_event(s, gateway_name="stripe", event=odd)  # the gateway delivers it twice
    assert "left for an administrator" in outcome and again == webhooks.DUPLICATE
    told = db.exec(select(Notification).where(Notification.kind == "admin_attention")).all()
    assert [n.user_id for n in told] == [admin.user_id]  # not the suspended admin, not the members
    assert told[0].link == "/admin/disputes" and "evt_left_1" in told[0].body


def test_an_ordinary_event_tells_no_administrator(admin: Viewer, db: Session) -> None:
    with session_scope() as s:
        webhooks.process_event(
            s, gateway_name="stripe", event=GatewayEvent(id="evt_2", kind="something.else", object_id="x")
        )
    assert db.exec(select(Notification).where(Notification.kind == "admin_attention")).all() == []


# --- the pages' states, as an administrator's browser calls them -------------------------------------------------


def test_an_administrator_reviews_then_confirms_a_split_from_the_case_page(
    disputed: Deal, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = session_token(make_user("boss", role="admin"))
    gateway = ScriptedGateway()
    monkeypatch.setattr(bootstrap, "gateway", lambda: gateway)
    queue: AdminDisputesState = state_for(AdminDisputesState, token=token, path="/admin/disputes")
    call(queue, "load_admin_disputes")
    assert queue.refusal == "" and [r.contract_id for r in queue.rows] == [disputed.contract_id]

    page: AdminDisputeCaseState = state_for(
        AdminDisputeCaseState, token=token, path=f"/admin/disputes/{disputed.contract_id}"
    )
    call(page, "load_case")
    assert page.refusal == "" and page.case.held == "$100.00" and not page.has_model
    call(page, "review_decision", {"outcome": "split", "contractor_amount": "150", "reason": "Half."})
    assert "contractor_amount" in page.errors and not page.confirm_open
    call(page, "review_decision", {"outcome": "split", "contractor_amount": "60", "reason": "Half the work."})
    assert page.confirm_open and (page.preview.contractor, page.preview.client) == ("$60.00", "$40.00")
    assert db.exec(select(FreezeDecision)).first() is None  # reviewing stores nothing

    call(page, "confirm_decision")
    assert page.message == "Decided: $60.00 to the contractor, $40.00 to the client." and page.errors == {}
    assert page.case.decision_status == "done" and not page.case.frozen
    assert sum(gateway.refunds.values()) == 4_000

    call(page, "summarise")  # no model configured: the page says so
    assert "No AI model is configured" in page.summary_error


# --- the AI summary ----------------------------------------------------------------------------------------------


class RecordingSummarizer:
    """A `DisputeSummarizer` that records the case text it was given, and fails when told to."""

    name = "fake"

    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail
        self.asked: list[str] = []

    async def summarise(self, case_text: str) -> DisputeSummary:
        self.asked.append(case_text)
        if self.fail:
            raise SummaryFailed("The AI summary did not answer in time.")
        return DisputeSummary("The client wants half back.", "The contractor says it was all done.", ("Delivered.",))


def summarise(summarizer: RecordingSummarizer | None, viewer: Viewer | None, deal: Deal) -> DisputeSummary:
    return run_now(
        case_summary.summarise_case(
            session_factory=session_scope, summarizer=summarizer, viewer=viewer, contract_id=deal.contract_id
        )
    )


def test_the_summary_reads_the_whole_case_for_an_administrator_only(disputed: Deal, admin: Viewer, db: Session) -> None:
    model = RecordingSummarizer()
    for who in (None, disputed.client, disputed.contractor):
        with pytest.raises((PermissionDenied, NotSignedIn)):
            summarise(model, who, disputed)
    assert model.asked == []

    summary = summarise(model, admin, disputed)

    assert summary.client_position == "The client wants half back."
    [text] = model.asked
    assert CLIENT_SAYS in text and CONTRACTOR_SAYS in text and "Delivery 1" in text and "$100.00" in text


def test_a_failed_summary_or_no_model_is_a_message_to_show(disputed: Deal, admin: Viewer) -> None:
    with pytest.raises(ValidationFailed) as failed:
        summarise(RecordingSummarizer(fail=True), admin, disputed)
    assert failed.value.fields["summary"] == "The AI summary did not answer in time. Try again in a moment."
    with pytest.raises(ValidationFailed) as none:
        summarise(None, admin, disputed)
    assert none.value.fields["summary"] == case_summary.NO_MODEL


def test_the_case_page_keeps_a_decision_whose_refund_failed_and_retries_it(
    disputed: Deal, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = session_token(make_user("boss", role="admin"))
    gateway = ScriptedGateway()
    gateway.refunds_fail = True
    monkeypatch.setattr(bootstrap, "gateway", lambda: gateway)
    page: AdminDisputeCaseState = state_for(
        AdminDisputeCaseState, token=token, path=f"/admin/disputes/{disputed.contract_id}"
    )
    call(page, "load_case")
    call(page, "review_decision", {"outcome": "refund", "contractor_amount": "", "reason": "Nothing was usable."})
    call(page, "confirm_decision")
    assert "The refund could not be made" in page.errors["form"] and page.message == ""
    assert page.case.decision_status == "deciding" and page.case.frozen and page.working == ""

    gateway.refunds_fail = False
    call(page, "retry_refund")
    assert page.errors == {} and page.message == "Decided: $0.00 to the contractor, $100.00 to the client."
    assert page.case.decision_status == "done" and sum(gateway.refunds.values()) == 10_000
    assert db.exec(select(DisputeCase)).one().outcome == "refund"


def test_a_dispute_opened_on_the_contract_page_reads_once_in_the_case_file(admin: Viewer) -> None:
    deal = agreed_contract(make_user("cleo"), make_user("kit"), price="100")
    fund(deal)
    deliver(deal)
    with session_scope() as s:
        disputes.open_dispute(
            s,
            viewer=deal.client,
            contract_id=deal.contract_id,
            reason_code="not_as_described",
            reason_text="Half the pages are missing.",
            outcome_wanted="partial_refund",
            refund_minor=4000,
        )
    with session_scope() as s:
        case = case_timeline.case_file(s, viewer=admin, contract_id=deal.contract_id)
    client = next(p for p in case.positions if p.party == "client")
    assert client.statements == ["Half the pages are missing."]
    assert case.outcome_wanted == "a partial refund of $40.00"
    assert [item.label for item in case.timeline].count("Dispute opened") == 1
