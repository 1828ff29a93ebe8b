"""A member's wallet: what they may be paid, what escrow holds for or from them, and every movement, all from the ledger.

The history is the postings on the member's own payable accounts plus the funding and refund entries of the
contracts they pay for as the client, each signed from the member's side: money to them is positive.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, Subquery, func, literal, union_all
from sqlalchemy import select as select_rows  # plain rows of labelled columns (a UNION of two queries)
from sqlmodel import Session, col, select

from jtbd_app.domain.money import CURRENCIES, Money
from jtbd_app.models import Contract, JournalEntry, LedgerAccount, Payout, PayoutAccount, Posting, Problem, utcnow
from jtbd_app.services.contracts import money_summary, receipts
from jtbd_app.services.contracts.money_summary import CurrencySummary
from jtbd_app.services.viewer import Viewer, require_viewer

PAGE_SIZE = 20
PAYOUTS_SHOWN = 20
CHART_MONTHS = 6

DESCRIPTIONS = {
    "release": "Escrow released to you",
    "payout": "Paid out to your payout account",
    "payout_reversal": "Payout reversed: owed to you again",
    "fund": "You funded the escrow",
    "refund": "Escrow refunded to you",
    "fund_problem": "You funded a problem's escrow",
    "refund_problem": "A problem's escrow refunded to you",
}
PAYOUT_STATUS = {"pending": "Waiting to be sent", "paid": "Paid out", "failed": "Failed", "reversed": "Reversed"}
PAYOUT_ACCOUNT_STATUS = {
    "none": "No payout account yet",
    "incomplete": "Onboarding incomplete",
    "enabled": "Payouts enabled",
    "sandbox": "Sandbox: payouts are recorded as paid out at once (test money, no account needed)",
}


@dataclass(frozen=True)
class Movement:
    date: str = ""
    description: str = ""
    contract_id: int = 0
    contract_link: str = ""
    amount: str = ""  # signed: "+$90.00" to the member, "-$100.00" from them
    incoming: bool = False
    receipt_link: str = ""  # the receipt of the member's payment that funded an escrow


@dataclass(frozen=True)
class PayoutItem:
    id: int = 0
    status: str = ""
    status_label: str = ""
    amount: str = ""
    date: str = ""
    contract_link: str = ""


@dataclass(frozen=True)
class MonthMoney:
    month: str = ""
    paid_in: int = 0  # whole major units, for the chart only; the history shows exact amounts
    earned: int = 0


@dataclass(frozen=True)
class MoneyChart:
    """One currency's money per month over the last months: what the member paid in, and what was released to them."""

    currency: str = ""
    months: list[MonthMoney] = field(default_factory=list)


@dataclass(frozen=True)
class Wallet:
    summaries: list[CurrencySummary] = field(default_factory=list)  # one per currency the member uses
    history: list[Movement] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    total: int = 0
    payouts: list[PayoutItem] = field(default_factory=list)
    payout_account: str = "none"  # none | incomplete | enabled
    payout_account_label: str = PAYOUT_ACCOUNT_STATUS["none"]
    charts: list[MoneyChart] = field(default_factory=list)  # one per currency money moved in lately
    test_money: bool = False


def _signed(amount_minor: int, currency: str) -> str:
    text = Money(abs(amount_minor), currency).format()
    return f"+{text}" if amount_minor > 0 else f"-{text}"


def _page_number(page: object) -> int:
    try:
        number = int(page) if isinstance(page, (int, str)) and not isinstance(page, bool) else 1
    except ValueError:
        number = 1
    return max(1, min(number, 10_000))


def wallet(session: Session, *, viewer: Viewer | None, page: object = 1, test_money: bool = False) -> Wallet:
    """The viewer's own wallet; there is no way to ask for anyone else's."""
    user_id = require_viewer(viewer).user_id
    payable = session.exec(
        select(LedgerAccount).where(LedgerAccount.kind == "payable", LedgerAccount.user_id == user_id)
    ).all()
    total = _history_count(session, user_id)
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(_page_number(page), pages)
    account_status = "sandbox" if test_money else _payout_account_status(session, user_id)
    return Wallet(
        summaries=money_summary.summaries(session, user_id=user_id, payable=list(payable)),
        history=_history(session, user_id, number),
        page=number,
        pages=pages,
        total=total,
        payouts=_payouts(session, user_id),
        payout_account=account_status,
        payout_account_label=PAYOUT_ACCOUNT_STATUS[account_status],
        charts=_charts(session, user_id, [a.id for a in payable if a.id is not None]),
        test_money=test_money,
    )


def _movements(user_id: int) -> Subquery:
    """One row per movement the member sees: (entry id, created, kind, contract, problem, currency, signed amount)."""
    own: Select[Any, Any, Any, Any, Any, Any, Any] = (
        select_rows(
            col(JournalEntry.id).label("entry_id"),
            col(JournalEntry.created_at).label("created_at"),
            col(JournalEntry.kind).label("kind"),
            col(JournalEntry.contract_id).label("contract_id"),
            col(JournalEntry.problem_id).label("problem_id"),
            col(JournalEntry.currency).label("currency"),
            (literal(0) - col(Posting.amount_minor)).label("amount"),  # payable is credit-normal
        )
        .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
        .join(LedgerAccount, col(LedgerAccount.id) == col(Posting.account_id))
        .where(col(LedgerAccount.kind) == "payable", col(LedgerAccount.user_id) == user_id)
    )
    as_client: Select[Any, Any, Any, Any, Any, Any, Any] = (
        select_rows(
            col(JournalEntry.id).label("entry_id"),
            col(JournalEntry.created_at).label("created_at"),
            col(JournalEntry.kind).label("kind"),
            col(JournalEntry.contract_id).label("contract_id"),
            col(JournalEntry.problem_id).label("problem_id"),
            col(JournalEntry.currency).label("currency"),
            col(Posting.amount_minor).label("amount"),  # escrow credited = the client's money went in
        )
        .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
        .join(LedgerAccount, col(LedgerAccount.id) == col(Posting.account_id))
        .join(Contract, col(Contract.id) == col(LedgerAccount.contract_id))
        .where(
            col(LedgerAccount.kind) == "escrow",
            col(Contract.client_id) == user_id,
            col(JournalEntry.kind).in_(("fund", "refund")),
        )
    )
    as_problem_owner: Select[Any, Any, Any, Any, Any, Any, Any] = (
        select_rows(
            col(JournalEntry.id).label("entry_id"),
            col(JournalEntry.created_at).label("created_at"),
            col(JournalEntry.kind).label("kind"),
            col(JournalEntry.contract_id).label("contract_id"),
            col(JournalEntry.problem_id).label("problem_id"),
            col(JournalEntry.currency).label("currency"),
            col(Posting.amount_minor).label("amount"),  # the problem's escrow credited = the owner's money went in
        )
        .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
        .join(LedgerAccount, col(LedgerAccount.id) == col(Posting.account_id))
        .join(Problem, col(Problem.id) == col(LedgerAccount.problem_id))
        .where(
            col(LedgerAccount.kind) == "problem_escrow",
            col(Problem.owner_id) == user_id,
            col(JournalEntry.kind).in_(("fund_problem", "refund_problem")),
        )
    )
    return union_all(own, as_client, as_problem_owner).subquery()


def _history_count(session: Session, user_id: int) -> int:
    movements = _movements(user_id)
    return int(session.exec(select(func.count()).select_from(movements)).one())


def _history(session: Session, user_id: int, page: int) -> list[Movement]:
    movements = _movements(user_id)
    rows = session.execute(
        select_rows(*movements.c)
        .order_by(movements.c.created_at.desc(), movements.c.entry_id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    funded_contracts, funded_problems = receipts.funding_receipts(
        session,
        payer_id=user_id,
        contract_ids=[row[3] for row in rows if row[2] == "fund" and row[3]],
        problem_ids=[row[4] for row in rows if row[2] == "fund_problem" and row[4]],
    )
    result = []
    for _entry_id, created_at, kind, contract_id, problem_id, currency, amount in rows:
        paid = funded_contracts.get(contract_id) if kind == "fund" else funded_problems.get(problem_id)
        paid = paid if kind in ("fund", "fund_problem") else None
        label = DESCRIPTIONS.get(kind, kind.replace("_", " ").capitalize())
        result.append(
            Movement(
                date=_date(created_at),
                description=f"{label} (contract #{contract_id})" if contract_id else label,
                contract_id=contract_id or 0,
                contract_link=f"/contracts/{contract_id}" if contract_id else "",
                amount=_signed(int(amount), currency),
                incoming=int(amount) > 0,
                receipt_link=receipts.receipt_link(paid) if paid else "",
            )
        )
    return result


def _date(moment: object) -> str:
    if isinstance(moment, str):  # SQLite hands back text from a UNION
        moment = datetime.fromisoformat(moment)
    return moment.strftime("%-d %b %Y") if isinstance(moment, datetime) else ""


def _payouts(session: Session, user_id: int) -> list[PayoutItem]:
    rows = session.exec(
        select(Payout).where(Payout.user_id == user_id).order_by(col(Payout.id).desc()).limit(PAYOUTS_SHOWN)
    ).all()
    return [
        PayoutItem(
            id=p.id or 0,
            status=p.status,
            status_label=PAYOUT_STATUS.get(p.status, p.status),
            amount=Money(p.amount_minor, p.currency).format(),
            date=_date(p.created_at),
            contract_link=f"/contracts/{p.contract_id}" if p.contract_id else "",
        )
        for p in rows
    ]


def _payout_account_status(session: Session, user_id: int) -> str:
    account = session.get(PayoutAccount, user_id)
    if account is None:
        return "none"
    return "enabled" if account.payouts_enabled else "incomplete"


def _month_of(session: Session, column: Any) -> Any:
    """'2026-11' for a timestamp, in SQL (UTC on both databases)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(func.timezone("UTC", column), "YYYY-MM")


def _charts(session: Session, user_id: int, payable_ids: list[int]) -> list[MoneyChart]:
    """Per currency and month over the last months: paid in (the cash legs of the member's fund entries) and released to
    them (the release credits of their payable accounts). Summed by month in SQL: a busy member has thousands of
    entries and a chart needs six numbers per currency."""
    since = utcnow() - timedelta(days=31 * CHART_MONTHS)
    month = _month_of(session, col(JournalEntry.created_at))
    sums: dict[tuple[str, str, str], int] = defaultdict(int)  # (series, currency, month) -> minor units
    for owner, kind in zip(money_summary.paid_by(user_id), ("fund", "fund_problem"), strict=True):
        paid = session.exec(
            select(month, JournalEntry.currency, func.sum(Posting.amount_minor))
            .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
            .join(LedgerAccount, col(LedgerAccount.id) == col(Posting.account_id))
            .where(
                col(LedgerAccount.kind) == "platform_cash",
                JournalEntry.kind == kind,
                owner,
                col(JournalEntry.created_at) >= since,
            )
            .group_by(month, col(JournalEntry.currency))
        ).all()
        for label, currency, amount in paid:
            sums[("paid_in", currency, label)] += int(amount or 0)
    if payable_ids:
        released = session.exec(
            select(month, JournalEntry.currency, func.sum(Posting.amount_minor))
            .join(Posting, col(Posting.entry_id) == col(JournalEntry.id))
            .where(
                col(Posting.account_id).in_(payable_ids),
                JournalEntry.kind == "release",
                col(JournalEntry.created_at) >= since,
            )
            .group_by(month, col(JournalEntry.currency))
        ).all()
        for label, currency, amount in released:
            sums[("earned", currency, label)] -= int(amount or 0)  # payable credited
    months = _last_months()
    charts = []
    for currency in sorted({c for (_series, c, _m), amount in sums.items() if amount and c in CURRENCIES}):
        scale = 10 ** CURRENCIES[currency]

        def whole(series: str, key: str, currency: str = currency, scale: int = scale) -> int:
            return (sums.get((series, currency, key), 0) + scale // 2) // scale

        charts.append(
            MoneyChart(
                currency,
                [MonthMoney(label, whole("paid_in", key), whole("earned", key)) for key, label in months],
            )
        )
    return charts


def _last_months() -> list[tuple[str, str]]:
    """The last CHART_MONTHS months, oldest first: ("2026-11", "Nov 2026")."""
    now = utcnow()
    months: list[tuple[str, str]] = []
    year, month_number = now.year, now.month
    for _ in range(CHART_MONTHS):
        months.append((f"{year:04d}-{month_number:02d}", datetime(year, month_number, 1).strftime("%b %Y")))
        year, month_number = (year, month_number - 1) if month_number > 1 else (year - 1, 12)
    return months[::-1]
