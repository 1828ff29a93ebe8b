"""What the platform says about its liability: two plain sections shown with the terms of service whatever version
is current (outside providers at `#outside-providers`, the dispute process at `#disputes`), and the one line the
Delegate menu and the partner list show."""

from __future__ import annotations

SECTION_ID = "outside-providers"
TERMS_LINK = f"/terms#{SECTION_ID}"
TITLE = "Outside providers"
NOTE = "Outside providers are independent businesses. JTBD Marketplace is not responsible for their work."
PARAGRAPHS: tuple[str, ...] = (
    "Outside providers are independent businesses. The Delegate menu may suggest shops and services that are not part "
    "of JTBD Marketplace, such as Amazon, Instacart, Fiverr, Upwork, TaskRabbit, Thumbtack and Angi. When you follow "
    "one of those links you leave JTBD Marketplace and deal with that business directly, under its own terms and "
    "prices.",
    "The platform is not responsible for their work: we do not hire, vet, supervise, pay or guarantee outside "
    "providers, and we are not a party to anything you agree with them. Questions, refunds and complaints about their "
    "work go to them.",
    "Some links carry affiliate parameters, so we may be paid a commission when you buy; it does not change your "
    "price. We show each partner's scorecard from what members report, and we stop suggesting partners whose "
    "ratings or success rate fall too low, but a scorecard is not a promise.",
    "For internal contracts the dispute process is the remedy: work you hire on JTBD Marketplace is paid into escrow "
    "and, if something goes wrong, you can ask for a revision, cancel by agreement, or ask an administrator to "
    "decide.",
)

DISPUTES_ID = "disputes"
DISPUTES_LINK = f"/terms#{DISPUTES_ID}"
DISPUTES_TITLE = "When something goes wrong with a contract here"
DISPUTES_PARAGRAPHS: tuple[str, ...] = (
    "For work hired on JTBD Marketplace the dispute process is the remedy. The client's money waits in escrow until "
    "the work is approved, released automatically after delivery, or decided otherwise.",
    "Either party can open a dispute from the contract's page (on a funded, delivered or revision-requested "
    "contract), giving a reason, the outcome wanted and evidence. Opening one stops the automatic release.",
    "The other party is told and answers with their own statement and evidence within the response window. The "
    "parties can still settle by agreeing a split.",
    "Otherwise an administrator reads both sides and the contract's history and decides what happens to the money "
    "in escrow: release it to the contractor, refund the client, or split it by amount, with a written reason both "
    "parties see. The decision is carried out once, on the ledger.",
    "Beyond that, the platform is not a party to the work agreed between members and is not responsible for it.",
)
