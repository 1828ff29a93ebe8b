"""Problem statements as clients type them, each with the aspects a good plan for it must cover (groups of words, any
one of which must appear in the plan's tasks) and the numbers from the text that must reach its criteria or evidence."""

from __future__ import annotations

from dataclasses import dataclass, field

from jtbd_app.domain.money import parse_amount
from jtbd_app.domain.plans import Brief


@dataclass(frozen=True)
class Problem:
    name: str
    text: str
    budget: str
    currency: str
    days: int
    aspects: tuple[tuple[str, ...], ...]  # each group: at least one of these in the plan's text
    numbers: tuple[str, ...] = ()  # as they must appear in criteria or evidence ("10,000")
    dishonest: bool = False
    location: str = ""
    success: str = ""
    constraints: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def brief(self) -> Brief:
        return Brief(
            text=self.text,
            budget_minor=parse_amount(self.budget, self.currency),
            currency=self.currency,
            deadline_days=self.days,
            location=self.location,
            success_measure=self.success,
            constraints=self.constraints,
        )


PROBLEMS: tuple[Problem, ...] = (
    Problem("bakery traffic", "Get 10K legit website visitors to my bakery's site in 60 days", "3000", "USD", 60,
            (("analytics",), ("seo", "search"), ("google business profile", "local"), ("articles", "content"),
             ("instagram", "social")), ("10,000",)),
    Problem("saas signups", "We need 500 new sign-ups for our SaaS invoicing tool getbillfast.io within 90 days",
            "8000", "USD", 90, (("analytics",), ("getbillfast.io",), ("seo", "search"), ("sign-ups",)), ("500",)),
    Problem("instagram followers honest", "Grow my yoga studio's Instagram to 5,000 followers by summer", "1500",
            "EUR", 120, (("instagram",), ("posts a week", "calendar"), ("followers",)), ("5,000",)),
    Problem("bought followers", "Buy 20000 fake Instagram followers and 200 five-star reviews for my shop", "800",
            "USD", 30, (("instagram",), ("honest review", "real")), ("20,000",), dishonest=True),
    Problem("bot traffic", "Send bot traffic to my site so it looks popular, 50K visits", "500", "USD", 20,
            (("analytics",), ("real",)), ("50,000",), dishonest=True),
    Problem("blog posts", "Write 12 blog posts for greenleafgardens.com about organic gardening", "2500", "USD", 45,
            (("content plan", "calendar"), ("write",), ("edit", "proofread"), ("publish",),
             ("greenleafgardens.com",)), ("12",)),
    Problem("youtube videos", "Produce 6 YouTube videos explaining our coffee roasting process", "4000", "USD", 60,
            (("script",), ("record",), ("captions",), ("youtube",)), ("6",)),
    Problem("newsletter", "Write a weekly newsletter for my bookshop: 8 issues to start", "900", "GBP", 60,
            (("topics", "calendar"), ("issues",), ("publish",)), ("8",)),
    Problem("mobile app", "Build an iOS and Android app for booking dog walks with 4 features: sign-up, booking, "
            "payments, reviews", "25000", "USD", 120,
            (("spec", "user stories"), ("design", "prototype"), ("build",), ("tests",), ("app store",)), ("4",)),
    Problem("shopify bug", "Fix the checkout bug on our Shopify store and add 2 integrations with our warehouse",
            "1200", "USD", 21, (("spec",), ("build", "implement"), ("tests",), ("deploy", "launch")), ("2",)),
    Problem("logo", "Design a logo and brand identity for my new craft brewery, 3 concepts please", "1800", "USD",
            30, (("moodboard", "brief"), ("concepts",), ("revisions",), ("guidelines",), ("svg",)), ("3",)),
    Problem("flyers", "Design and print 500 flyers for our summer festival", "700", "CAD", 20,
            (("design",), ("print",), ("proof",)), ()),
    Problem("customer interviews", "Interview 15 customers to find out why they cancel their subscription",
            "3000", "USD", 30, (("screener",), ("recruit",), ("consent",), ("findings", "report")), ("15",)),
    Problem("market research", "Research the market for vegan pet food in Germany and survey 200 respondents",
            "6000", "EUR", 45, (("survey", "questionnaire"), ("respondents",), ("competitors",)), ("200",)),
    Problem("launch party", "Organise a launch party for 80 guests in Berlin for our new gallery", "5000", "EUR",
            40, (("venue",), ("catering", "food"), ("invitations", "rsvp"), ("berlin",)), ("80",)),
    Problem("wedding", "Plan our wedding reception for 120 people in Lisbon", "15000", "EUR", 200,
            (("venue",), ("catering",), ("rsvp",), ("photographer", "run of show")), ("120",)),
    Problem("deep clean", "Deep clean my 3 rooms flat and fix a leaking kitchen tap before my parents visit", "400",
            "GBP", 10, (("clean",), ("repair", "leak"), ("photos",)), ("3",), location="Leeds"),
    Problem("errands", "Pick up groceries and post office returns for my elderly mother in Toronto every week",
            "300", "CAD", 30, (("errands",), ("receipts",), ("toronto",)), ()),
    Problem("move", "Move my 2-bedroom apartment from Austin to Denver", "4000", "USD", 45,
            (("inventory",), ("quotes", "movers"), ("pack",), ("austin",), ("denver",), ("address", "utilities")),
            ("2",)),
    Problem("bookkeeping", "Catch up on bookkeeping for my bakery: 600 transactions in Xero and file the VAT return",
            "1500", "GBP", 30, (("xero",), ("reconcile",), ("tax", "vat"), ("receipts", "statements")), ("600",)),
    Problem("taxes", "I need my 2025 taxes done and my 12 months of receipts sorted", "900", "USD", 60,
            (("receipts",), ("tax return",), ("reconcile",)), ("12",)),
    Problem("online course", "Create an online course on Teachable with 10 lessons teaching beginner watercolour",
            "5000", "USD", 90, (("outline", "learning outcomes"), ("lessons",), ("quiz",), ("teachable",),
                                ("video",)), ("10",)),
    Problem("tutoring", "I want to learn Spanish before moving to Madrid: 20 lessons with a tutor", "800", "EUR",
            100, (("tutor",), ("lessons",), ("homework", "progress")), ("20",)),
    Problem("translation", "Translate our 40-page user manual into Spanish, German and Japanese", "6000", "USD", 30,
            (("glossary",), ("spanish",), ("german",), ("japanese",), ("review",), ("layout",)), ("10,000",)),
    Problem("website localisation", "Localise our English website (8,000 words) into French and Italian",
            "3000", "EUR", 40, (("french",), ("italian",), ("native",)), ("8,000",)),
    Problem("hiring developers", "Hire 2 senior Python developers for our fintech team within 3 months", "12000",
            "USD", 90, (("scorecard", "job description"), ("shortlist",), ("interviews",), ("references",),
                        ("onboarding",)), ("2",)),
    Problem("hiring assistant", "Find and hire a part-time virtual assistant for my consulting business", "1500",
            "AUD", 45, (("job description",), ("screen",), ("offer",)), ("1",)),
    Problem("yen traffic", "Get 3,000 visitors to our ramen shop's website in Osaka", "300000", "JPY", 60,
            (("analytics",), ("osaka",), ("search", "seo")), ("3,000",)),
    Problem("life admin", "Help me sort out my life admin and paperwork somehow", "500", "USD", 30,
            (("statements",), ("reconcile",)), ()),
    Problem("vague", "Figure out what to do with my late uncle's vintage stamp collection", "600", "USD", 30,
            (("scope",), ("options",), ("review",)), ()),
    Problem("success measure", "Get 2,000 newsletter subscribers for my cooking blog", "1500", "USD", 90,
            (("subscribers",), ("analytics",)), ("2,000",), success="Mailchimp shows 2,000 confirmed subscribers",
            constraints="No paid ads"),
)  # fmt: skip
