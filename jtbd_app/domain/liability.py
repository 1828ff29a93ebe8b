"""What the platform says about outside providers: one plain section shown with the terms of service (anchor
`#outside-providers`) whatever version is current, and the one line the Delegate menu and the partner list show."""

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
