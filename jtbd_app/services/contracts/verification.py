"""A delivery on a micro-task checked against the task's acceptance criteria before the client decides.

After each delivery on a problem's contract a `verify_delivery` job runs the automatic check its evidence allows (a
link resolves, a file of the expected kind is there, a number meets its threshold) and, when a model is configured,
an AI reviewer's verdict on each criterion. The results are advice: the client decides, and their decision is stored
beside them and wins (`domain.verification.final`). Reads models only (contracts never import problems).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from jtbd_app.domain import verification as rules
from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.verification import EVIDENCE_POSITION, Judgement, LinkAnswer, Verdict
from jtbd_app.models import Contract, CriterionCheck, Delivery, DeliveryFile, MicroTask, utcnow
from jtbd_app.services import scheduler
from jtbd_app.services.contracts import lifecycle
from jtbd_app.services.ports import DeliveryReviewer, LinkChecker, LinkResult, ReviewFailed, ReviewVerdict
from jtbd_app.services.scheduler import SessionFactory
from jtbd_app.services.viewer import Viewer

log = logging.getLogger(__name__)
JOB_KIND = "verify_delivery"
REVIEW_SECONDS = 120.0  # a reviewer slower than this leaves its verdicts unknown
LINK_SECONDS = 30.0
NO_REVIEWER = "No AI reviewer is configured: the criteria were not reviewed by a model."
ICONS = {"passed": "✓", "failed": "✗", "unknown": "?", "unchecked": "·", "checking": "…"}
LABELS = {
    "passed": "Met",
    "failed": "Not met",
    "unknown": "Not known",
    "unchecked": "Not checked yet",
    "checking": "Being checked",
}
METHOD_LABELS = {"automatic": "automatic check", "model": "AI reviewer", "client": "the client"}
PASS_RATE_IN_LIMIT = 500  # beyond this many members, read every record and filter here (no huge IN list)


@dataclass(frozen=True)
class CheckLine:
    """One method's verdict on an item, as the page lists it under the item."""

    method: str = ""
    outcome: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ChecklistItem:
    position: int = 0
    number: str = ""  # "Evidence", "1", "2", ...
    text: str = ""
    outcome: str = ""  # passed | failed | unknown | unchecked | checking: the verdict that counts
    icon: str = ""
    outcome_label: str = ""
    decided_by: str = ""  # "automatic check", "AI reviewer", "the client"
    reason: str = ""
    checks: list[CheckLine] = field(default_factory=list)


@dataclass(frozen=True)
class CriterionChoice:
    value: str = ""  # the position, as the revision form sends it
    label: str = ""


@dataclass(frozen=True)
class Checklist:
    """A micro-task contract's latest delivery against its criteria; `applies` is False for other contracts."""

    applies: bool = False
    state: str = ""  # waiting (nothing delivered) | checking | checked
    delivery_number: int = 0
    criteria: list[ChecklistItem] = field(default_factory=list)  # the evidence first, then each criterion
    summary: str = ""
    reviewer_note: str = ""
    choices: list[CriterionChoice] = field(default_factory=list)  # what a revision request may cite
    evidence_kind: str = ""  # link | file | photo | number: the delivery form asks for a number only for "number"


def micro_task_of(session: Session, contract: Contract) -> MicroTask | None:
    if contract.micro_task_id is None:
        return None
    return session.get(MicroTask, contract.micro_task_id)


def items_of(task: MicroTask) -> list[str]:
    return rules.checklist_items(task.criteria, task.evidence_kind, task.evidence_description, task.evidence_threshold)


def schedule_check(session: Session, contract: Contract, delivery_id: int) -> None:
    """Called with each delivery: a micro-task's delivery is checked by a job, outside the contractor's request."""
    if contract.micro_task_id is not None:
        scheduler.schedule(
            session, key=f"{JOB_KIND}:{delivery_id}", kind=JOB_KIND, run_at=utcnow(), contract_id=contract.id
        )


def reported_number_for(session: Session, contract: Contract, value: object) -> int | None:
    """The number a delivery states, only on a micro-task whose evidence is a number; ValidationFailed names it."""
    task = micro_task_of(session, contract)
    if task is None or task.evidence_kind != "number":
        return None
    try:
        return rules.parse_reported_number(value)
    except ValueError as exc:
        raise ValidationFailed({"reported_number": str(exc)}) from exc


@dataclass(frozen=True)
class _Work:
    """What a check needs, read in one short unit of work so no transaction stays open while the network is asked."""

    kind: str
    description: str
    threshold: int | None
    items: list[str]
    message: str
    links: list[str]
    files: list[tuple[str, str]]
    reported: int | None


def _read_work(session: Session, contract_id: int, delivery_id: int) -> _Work | str:
    contract = session.get(Contract, contract_id)
    delivery = session.get(Delivery, delivery_id)
    if contract is None or delivery is None or delivery.contract_id != contract_id:
        return "no such delivery"
    task = micro_task_of(session, contract)
    if task is None:
        return "not a micro-task's contract"
    if _checked(session, delivery_id):
        return "already checked"
    files = session.exec(
        select(DeliveryFile.filename, DeliveryFile.content_type)
        .where(DeliveryFile.delivery_id == delivery_id)
        .order_by(col(DeliveryFile.id))
    ).all()
    return _Work(
        kind=task.evidence_kind,
        description=task.evidence_description,
        threshold=task.evidence_threshold,
        items=items_of(task),
        message=delivery.message,
        links=[link for link in delivery.links.splitlines() if link],
        files=[(name, mime) for name, mime in files],
        reported=delivery.reported_number,
    )


def _checked(session: Session, delivery_id: int) -> bool:
    query = select(CriterionCheck.id).where(
        CriterionCheck.delivery_id == delivery_id, CriterionCheck.method == "automatic"
    )
    return session.exec(query).first() is not None


async def _answer(checker: LinkChecker | None, url: str) -> LinkAnswer:
    if checker is None:
        return LinkAnswer(url, False, None, "no link checker is configured")
    try:
        async with asyncio.timeout(LINK_SECONDS):
            result: LinkResult = await checker.check(url)
    except TimeoutError:
        return LinkAnswer(url, False, None, "it did not answer in time")
    except Exception:  # a checker must not raise; if it does, the link is unknown and the client still decides
        log.exception("link checker failed")
        return LinkAnswer(url, False, None, "the link checker failed")
    return LinkAnswer(url, result.ok, result.status, result.reason)


async def _review(reviewer: DeliveryReviewer | None, work: _Work) -> tuple[dict[int, Verdict], str]:
    """Verdicts by position (1..) and, when there are none, why."""
    criteria = work.items[1:]
    if reviewer is None:
        return {}, NO_REVIEWER
    if not criteria:
        return {}, ""
    try:
        async with asyncio.timeout(REVIEW_SECONDS):
            verdicts: list[ReviewVerdict] = await reviewer.review(
                criteria=criteria,
                delivery_text=work.message,
                links=work.links,
                file_names=[name for name, _ in work.files],
            )
    except TimeoutError:
        return {}, "The AI reviewer did not answer in time."
    except ReviewFailed as exc:
        return {}, exc.message
    except Exception:  # advice only: any failure leaves the criteria unknown
        log.exception("delivery reviewer failed")
        return {}, "The AI reviewer failed."
    found: dict[int, Verdict] = {}
    for v in verdicts:
        if 0 <= v.criterion_index < len(criteria) and v.outcome in rules.OUTCOMES:
            found.setdefault(v.criterion_index + 1, Verdict(v.outcome, v.reason[:500]))
    return found, ""


async def verify_delivery(
    *,
    session_factory: SessionFactory,
    link_checker: LinkChecker | None,
    reviewer: DeliveryReviewer | None,
    contract_id: int,
    delivery_id: int,
) -> str:
    """Check one delivery and store its checklist once (a second run finds it done). The network is asked outside
    any unit of work; no failure of a checker or reviewer stops the job, it leaves an item unknown."""
    with session_factory() as session:
        work = _read_work(session, contract_id, delivery_id)
    if isinstance(work, str):
        return work
    urls = rules.links_to_check(work.links) if work.kind == "link" else []
    answers = list(await asyncio.gather(*(_answer(link_checker, url) for url in urls)))
    evidence = rules.evidence_check(
        work.kind,
        work.description,
        work.threshold,
        links=work.links,
        link_answers=answers,
        files=work.files,
        reported=work.reported,
    )
    verdicts, review_note = await _review(reviewer, work)
    with session_factory() as session:
        contract = lifecycle.locked_contract(session, contract_id)  # one checker stores at a time
        if contract is None or _checked(session, delivery_id):
            return "already checked"
        rows = [_row(contract_id, delivery_id, EVIDENCE_POSITION, work.items[0], "automatic", evidence)]
        if reviewer is not None:
            for position, text in enumerate(work.items[1:], start=1):
                verdict = verdicts.get(position) or Verdict(
                    "unknown", review_note or "The AI reviewer gave no verdict on this criterion."
                )
                rows.append(_row(contract_id, delivery_id, position, text, "model", verdict))
        session.add_all(rows)
        counts = {o: sum(1 for r in rows if r.outcome == o) for o in rules.OUTCOMES}
        number = session.get(Delivery, delivery_id)
        lifecycle.record_event(
            session,
            contract,
            kind="checked",
            detail=f"Delivery {number.number if number else ''} checked against the criteria: "
            f"{counts['passed']} met, {counts['failed']} not met, {counts['unknown']} not known.",
        )
        # the timeline event marks the contract changed, so an open page learns of the checklist
    return f"checked: {counts['passed']} passed, {counts['failed']} failed, {counts['unknown']} unknown"


def _row(contract_id: int, delivery_id: int, position: int, text: str, method: str, v: Verdict) -> CriterionCheck:
    return CriterionCheck(
        contract_id=contract_id,
        delivery_id=delivery_id,
        position=position,
        criterion=text,
        method=method,
        outcome=v.outcome,
        reason=v.reason,
    )


def _latest_delivery(session: Session, contract_id: int) -> Delivery | None:
    query = select(Delivery).where(Delivery.contract_id == contract_id).order_by(col(Delivery.number).desc())
    return session.exec(query).first()


def cited_criterion(session: Session, contract: Contract, value: object) -> tuple[int, str] | None:
    """The item a revision request cites, on a micro-task's contract (None on any other contract); ValidationFailed
    when it cites none or one that does not exist."""
    task = micro_task_of(session, contract)
    if task is None:
        return None
    items = items_of(task)
    raw = value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else ""
    if not (raw.isascii() and raw.isdigit()) or not 0 <= int(raw) < len(items):
        raise ValidationFailed({"criterion": "Choose the acceptance criterion the delivery does not meet."})
    return int(raw), items[int(raw)]


def record_client_decision(
    session: Session, contract: Contract, *, passed: bool, position: int | None = None, reason: str = ""
) -> None:
    """The client's decision on the latest delivery: a revision request fails the cited item; an approval passes
    every item the client has not judged (they accepted the work against the list they were shown)."""
    task = micro_task_of(session, contract)
    delivery = _latest_delivery(session, contract.id) if contract.id is not None else None
    if task is None or delivery is None or delivery.id is None:
        return
    items = items_of(task)
    judged = set(
        session.exec(
            select(CriterionCheck.position).where(
                CriterionCheck.delivery_id == delivery.id, CriterionCheck.method == "client"
            )
        ).all()
    )
    positions = [p for p in range(len(items)) if p not in judged] if passed else [position or 0]
    verdict = Verdict("passed", reason or "The client approved the delivery.") if passed else Verdict("failed", reason)
    for p in positions:
        if p in judged or not 0 <= p < len(items):
            continue
        assert contract.id is not None
        session.add(_row(contract.id, delivery.id, p, items[p], "client", verdict))


# ---- what the contract page and the profile read -----------------------------------------------------------------


def checklist(session: Session, *, viewer: Viewer | None, contract_id: object) -> Checklist:
    """The contract's checklist for its parties and admins (anyone else: NotFound)."""
    contract = lifecycle.visible_contract(session, viewer=viewer, contract_id=contract_id)
    return checklist_for(session, contract)


def checklist_for(session: Session, contract: Contract) -> Checklist:
    task = micro_task_of(session, contract)
    if task is None or contract.id is None:
        return Checklist()
    items = items_of(task)
    choices = [CriterionChoice(str(p), _number(p) + ". " + text) for p, text in enumerate(items)]
    delivery = _latest_delivery(session, contract.id)
    if delivery is None or delivery.id is None:
        return Checklist(
            applies=True,
            state="waiting",
            criteria=[_item(p, text, "unchecked", []) for p, text in enumerate(items)],
            choices=choices,
            evidence_kind=task.evidence_kind,
        )
    rows = session.exec(
        select(CriterionCheck)
        .where(CriterionCheck.delivery_id == delivery.id)
        .order_by(col(CriterionCheck.position), col(CriterionCheck.id))
    ).all()
    by_position: dict[int, list[CriterionCheck]] = defaultdict(list)
    for row in rows:
        by_position[row.position].append(row)
    checked = any(r.method == "automatic" for r in rows)
    listed = [
        _item(p, by_position[p][0].criterion if by_position[p] else text, "" if checked else "checking", by_position[p])
        for p, text in enumerate(items)
    ]
    counts = {o: sum(1 for i in listed if i.outcome == o) for o in rules.OUTCOMES}
    return Checklist(
        applies=True,
        state="checked" if checked else "checking",
        delivery_number=delivery.number,
        criteria=listed,
        summary=f"{counts['passed']} of {len(listed)} met, {counts['failed']} not met, {counts['unknown']} not known"
        if checked
        else "",
        reviewer_note=NO_REVIEWER if checked and not any(r.method == "model" for r in rows) else "",
        choices=choices,
        evidence_kind=task.evidence_kind,
    )


def _number(position: int) -> str:
    return "Evidence" if position == EVIDENCE_POSITION else str(position)


def _item(position: int, text: str, pending: str, rows: list[CriterionCheck]) -> ChecklistItem:
    judgements = [Judgement(r.position, r.method, r.outcome, r.reason) for r in rows]  # type: ignore[arg-type]
    decided = rules.final(judgements)
    outcome = decided.outcome if decided else pending or "unknown"
    return ChecklistItem(
        position=position,
        number=_number(position),
        text=text,
        outcome=outcome,
        icon=ICONS[outcome],
        outcome_label=LABELS[outcome],
        decided_by=METHOD_LABELS[decided.method] if decided else "",
        reason=decided.reason if decided else "" if pending else "Nothing could check this: judge it yourself.",
        checks=[
            CheckLine(METHOD_LABELS.get(r.method, r.method), LABELS.get(r.outcome, r.outcome), r.reason) for r in rows
        ],
    )


def criteria_records(session: Session, user_ids: Collection[int] | None = None) -> dict[int, tuple[int, int]]:
    """Per contractor: (criteria met, criteria checked) over their completed micro-task contracts, each criterion
    counted once, on the delivery that completed the contract, by the verdict that counts (the client's wins);
    criteria nobody could judge are not counted. Members with none are left out."""
    latest = (
        select(col(Delivery.contract_id).label("contract_id"), func.max(Delivery.id).label("delivery_id"))
        .group_by(col(Delivery.contract_id))
        .subquery()
    )
    query = (
        select(col(Contract.contractor_id), col(CriterionCheck.contract_id), col(CriterionCheck.position))
        .add_columns(col(CriterionCheck.method), col(CriterionCheck.outcome))
        .select_from(CriterionCheck)
        .join(Contract, col(Contract.id) == col(CriterionCheck.contract_id))
        .join(
            latest,
            (latest.c.contract_id == col(CriterionCheck.contract_id))
            & (latest.c.delivery_id == col(CriterionCheck.delivery_id)),
        )
        .where(col(Contract.status) == "completed", col(Contract.micro_task_id).is_not(None))
    )
    wanted = None if user_ids is None else set(user_ids)
    if wanted is not None and len(wanted) <= PASS_RATE_IN_LIMIT:
        query = query.where(col(Contract.contractor_id).in_(wanted))
    items: dict[tuple[int, int, int], list[Judgement]] = defaultdict(list)
    for contractor_id, contract_id, position, method, outcome in session.exec(query).all():  # type: ignore[call-overload]
        if wanted is None or contractor_id in wanted:
            items[(contractor_id, contract_id, position)].append(Judgement(position, method, outcome))
    records: dict[int, tuple[int, int]] = {}
    for (contractor_id, _, _), judgements in items.items():
        decided = rules.final(judgements)
        if decided is None or decided.outcome == "unknown":
            continue
        met, checked = records.get(contractor_id, (0, 0))
        records[contractor_id] = (met + (decided.outcome == "passed"), checked + 1)
    return records


def pass_rates(session: Session, user_ids: Collection[int]) -> dict[int, float]:
    """Each contractor's share of checked criteria met, 0..1 (for matching); members with none checked left out."""
    return {uid: met / checked for uid, (met, checked) in criteria_records(session, user_ids).items() if checked}


def pass_rate_label(session: Session, user_id: int) -> str:
    met, checked = criteria_records(session, [user_id]).get(user_id, (0, 0))
    return rules.pass_rate_label(met, checked)
