"""The contract document both parties accept, generated from the listing and the accepted bid."""

from __future__ import annotations

from dataclasses import dataclass

from jtbd_app.domain.contract_rules import bps_label, split_release
from jtbd_app.domain.money import Money

TEMPLATE_VERSION = "2026-11"


@dataclass(frozen=True)
class Terms:
    listing_title: str
    listing_description: str
    skills: str
    bid_message: str
    client_name: str
    contractor_name: str
    amount_minor: int
    currency: str
    delivery_days: int
    fee_bps: int
    max_revisions: int
    auto_release_days: int
    funding_days: int
    review_days: int


def _quote(text: str) -> str:
    lines = text.strip().splitlines() or ["(none given)"]
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


def render(terms: Terms) -> str:
    """Markdown without raw HTML (the page shows it through `markdown_html`, which escapes any tag); every number is the stored one."""
    price = Money(terms.amount_minor, terms.currency)
    split = split_release(terms.amount_minor, terms.fee_bps)
    payee = Money(split.payee_minor, terms.currency).format()
    fee = Money(split.fee_minor, terms.currency).format()
    revisions = "no revisions" if terms.max_revisions == 0 else f"up to {terms.max_revisions} revision(s)"
    return f"""## Parties
- **Client:** {terms.client_name}
- **Contractor:** {terms.contractor_name}

## Scope
{_quote(terms.listing_description)}

**Skills:** {terms.skills or "none listed"}

## Deliverables and acceptance criteria
The contractor delivers the work described under Scope, as offered in the accepted bid:

{_quote(terms.bid_message)}

The client accepts a delivery that does what Scope describes. A delivery may include a message, links and
files. The client may ask for {revisions}, each with a reason.

## Price and fee
- **Price:** {price.format()}, paid by the client into escrow before work starts.
- **Platform fee:** {bps_label(terms.fee_bps)} of the price ({fee}), kept by the platform on release.
- **Contractor receives:** {payee}.

## Deadline
Delivery is due {terms.delivery_days} day(s) after the escrow is funded. The contract page shows the date.

## Release of escrow
The escrow is released to the contractor when the client approves a delivery. If the client neither approves
nor asks for a revision within {terms.auto_release_days} day(s) of a delivery, the platform releases the
escrow automatically; the client is reminded a day before.

## Funding and cancellation
- If the escrow is not funded within {terms.funding_days} day(s), the contract expires and nobody owes anything.
- Before a delivery, the parties may cancel by agreement: one asks, the other agrees, and the client's payment
  is refunded in full.
- If nothing is delivered by the due date, the client may cancel alone and is refunded in full.
- After a delivery, the contract ends by approval, automatic release or a dispute.

## Disputes
A chargeback or dispute with the payment provider freezes the escrow until an administrator decides. Either
party may raise a dispute with the platform, which decides it on the evidence of both sides.

## Reviews
After completion each party may review the other within {terms.review_days} days. Reviews are double-blind:
neither is shown until both are in or the window closes.

_Template {TEMPLATE_VERSION}._
"""
