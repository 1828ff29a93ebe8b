"""Deterministic, varied marketplace listings for the search benchmark: titles, descriptions, skills, places."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

BUSINESSES = [
    "a bakery", "a yoga studio", "a law firm", "a dental clinic", "a coffee roaster", "an online bookstore",
    "a bike shop", "a family restaurant", "a craft brewery", "a real estate agency", "a pet grooming salon",
    "a language school", "a wedding photographer", "a startup", "a nonprofit", "a flower shop", "a gym",
    "a hair salon", "an architecture studio", "a vegan cafe", "a toy store", "a music festival", "a podcast",
    "a hardware store", "a dentist", "a travel agency", "an accounting firm", "a tea shop", "a charity run",
    "a ceramics studio", "a skate shop", "a food truck", "a barber", "a boutique hotel", "a farm shop",
]  # fmt: skip
ADJECTIVES = [
    "modern", "minimal", "playful", "bold", "vintage", "elegant", "friendly", "clean", "colourful", "premium",
    "simple", "responsive", "fast", "accessible", "rustic", "professional",
]  # fmt: skip
CITIES = [
    "Austin, TX", "Boston, MA", "Denver, CO", "Seattle, WA", "Portland, OR", "Chicago, IL", "Miami, FL",
    "New York, NY", "San Diego, CA", "Atlanta, GA", "Toronto, ON", "Vancouver, BC", "London", "Manchester",
    "Dublin", "Berlin", "Munich", "Paris", "Lyon", "Madrid", "Lisbon", "Porto", "Rome", "Milan", "Amsterdam",
    "Brussels", "Vienna", "Zurich", "Stockholm", "Oslo", "Copenhagen", "Helsinki", "Warsaw", "Prague",
    "Sydney", "Melbourne", "Brisbane", "Auckland", "Tokyo", "Osaka",
]  # fmt: skip
GENERIC = [
    "Please share examples of similar work.", "We are flexible on the exact schedule.",
    "Communication in English is required.", "Tell us how you would approach this.",
    "Budget is fixed but we may add a bonus for fast delivery.", "This could turn into ongoing work.",
    "All materials and access will be provided.", "We prefer someone with good reviews.",
    "Milestones can be agreed after the first call.", "Please include a rough timeline in your bid.",
    "We value clear updates over speed.", "Small team, quick decisions, friendly people.",
]  # fmt: skip

# category -> (title templates, things, skills, description sentences, share of on-site work)
TOPICS: dict[str, tuple[list[str], list[str], list[str], list[str], float]] = {
    "design": (
        [
            "Design a {adj} logo for {biz}",
            "Brand identity for {biz}",
            "Redesign the {thing} of {biz}",
            "Illustrate {n} icons for {biz}",
            "Packaging design for {biz}",
            "{adj} poster for {biz}",
        ],
        ["menu", "business cards", "storefront sign", "flyer", "brochure", "app screens", "landing page mockup"],
        ["figma", "illustrator", "photoshop", "branding", "logo design", "typography", "ui design"],
        [
            "We need a {adj} look that stands out.",
            "Deliver vector files and a short style guide.",
            "Two rounds of revisions are included.",
            "Our colours are green and cream.",
        ],
        0.05,
    ),
    "writing": (
        [
            "Write {n} blog posts for {biz}",
            "Translate our {thing} into Spanish",
            "Proofread the {thing} of {biz}",
            "Copywriting for the {thing} of {biz}",
            "Ghostwrite a newsletter for {biz}",
        ],
        ["website", "product descriptions", "user manual", "grant application", "press release", "ebook"],
        ["copywriting", "translation", "proofreading", "seo writing", "spanish", "german", "editing"],
        [
            "The tone should be {adj} and warm.",
            "Each piece is about 800 words.",
            "We provide outlines and keywords.",
            "Native speakers preferred.",
        ],
        0.02,
    ),
    "software": (
        [
            "Build a {adj} website for {biz}",
            "Fix bugs in our {thing}",
            "Python script to automate {thing}",
            "Django backend for {biz}",
            "React dashboard for {biz}",
            "Set up a {thing} integration",
            "Mobile app prototype for {biz}",
            "Migrate our {thing} to PostgreSQL",
        ],
        [
            "booking system",
            "online shop",
            "inventory spreadsheet",
            "payment flow",
            "API",
            "database",
            "invoicing",
            "WordPress site",
        ],
        [
            "python",
            "django",
            "react",
            "javascript",
            "typescript",
            "sql",
            "postgresql",
            "wordpress",
            "html",
            "css",
            "flutter",
            "api integration",
        ],
        [
            "The current code is on GitHub.",
            "Tests and a short handover document are expected.",
            "It must work well on phones.",
            "Hosting is already set up.",
            "We use Stripe for payments.",
        ],
        0.03,
    ),
    "marketing": (
        [
            "Run a social media campaign for {biz}",
            "SEO audit of the {thing} of {biz}",
            "Google Ads setup for {biz}",
            "Email marketing for {biz}",
            "Grow Instagram followers for {biz}",
        ],
        ["website", "online shop", "newsletter", "product launch", "local listing"],
        ["seo", "google ads", "social media", "email marketing", "instagram", "content strategy", "analytics"],
        ["We want more local customers.", "Report results every week.", "Our audience is 25 to 45 years old."],
        0.05,
    ),
    "video-audio": (
        [
            "Edit a {adj} promo video for {biz}",
            "Record a voice over for {biz}",
            "Podcast editing for {biz}",
            "Film a short video at {biz}",
            "Animate our {thing}",
        ],
        ["logo", "explainer", "product demo", "interview series", "trailer"],
        ["video editing", "premiere pro", "after effects", "voice over", "audio editing", "animation"],
        ["Raw footage is about two hours.", "Music must be licensed.", "Subtitles in English please."],
        0.2,
    ),
    "data": (
        [
            "Clean up a spreadsheet for {biz}",
            "Excel dashboard for {biz}",
            "Market research for {biz}",
            "Scrape prices for {biz}",
            "Analyse survey results for {biz}",
            "Power BI report of our {thing}",
        ],
        ["sales data", "customer list", "inventory", "survey", "web traffic"],
        ["excel", "data analysis", "python", "sql", "power bi", "web scraping", "statistics"],
        ["The data has about 20,000 rows.", "A short summary of findings is needed.", "Charts should be easy to read."],
        0.02,
    ),
    "admin-support": (
        [
            "Virtual assistant for {biz}",
            "Data entry of our {thing}",
            "Manage the inbox of {biz}",
            "Customer support for {biz}",
            "Bookkeeping for {biz}",
        ],
        ["invoices", "customer list", "orders", "calendar", "receipts"],
        ["data entry", "customer service", "bookkeeping", "quickbooks", "scheduling", "excel"],
        ["About ten hours a week.", "Time zone overlap with Europe helps.", "Accuracy matters more than speed."],
        0.1,
    ),
    "home-repairs": (
        [
            "Fix a leaking {thing}",
            "Paint the {thing} of a flat",
            "Assemble {n} pieces of furniture",
            "Install a {thing}",
            "Repair a {adj} garden fence",
            "Tile the {thing}",
        ],
        ["kitchen sink", "bathroom", "shower", "ceiling light", "wardrobe", "living room", "front door"],
        ["plumbing", "painting", "carpentry", "electrical", "tiling", "furniture assembly", "handyman"],
        ["Tools are not provided.", "Parking is available on the street.", "The flat is on the third floor."],
        0.95,
    ),
    "moving-delivery": (
        [
            "Help moving a {thing}",
            "Deliver a {thing} across town",
            "Move a flat with {n} rooms",
            "Pick up a {thing} from the shop",
            "Van and driver for a {adj} move",
        ],
        ["sofa", "piano", "fridge", "washing machine", "bookcase", "bed"],
        ["moving", "delivery", "driving", "heavy lifting", "packing"],
        ["There is no lift.", "A van is needed.", "The move is about 10 km."],
        0.95,
    ),
    "cleaning": (
        [
            "Deep clean a {thing}",
            "Weekly cleaning for {biz}",
            "End of tenancy cleaning of a {thing}",
            "Window cleaning for {biz}",
            "Carpet cleaning in a {thing}",
        ],
        ["flat", "house", "office", "studio", "kitchen"],
        ["cleaning", "deep cleaning", "window cleaning", "carpet cleaning", "laundry"],
        ["Products are provided.", "Pets live in the house.", "Mornings work best."],
        0.95,
    ),
    "events": (
        [
            "Photographer for {biz}",
            "Catering for {n} guests",
            "DJ for a {adj} party",
            "Plan an event for {biz}",
            "Decorate a venue for {biz}",
        ],
        ["birthday", "wedding", "launch party", "conference", "garden party"],
        ["photography", "catering", "event planning", "dj", "decoration", "bartending"],
        ["The event is on a Saturday evening.", "About 80 guests are expected.", "The venue has a small stage."],
        0.9,
    ),
    "other": (
        [
            "Tutor for {n} lessons",
            "Dog walking for {biz}",
            "Personal trainer sessions",
            "Help with a {thing}",
            "Advice on a {adj} garden",
        ],
        ["school project", "tax return", "garden", "recipe book", "family tree"],
        ["tutoring", "dog walking", "fitness", "gardening", "research", "math"],
        ["Flexible hours.", "Beginners welcome.", "Happy to meet first."],
        0.6,
    ),
}
CATEGORY_WEIGHTS = {slug: 3 if slug in ("software", "design", "writing", "home-repairs") else 1 for slug in TOPICS}
CURRENCY_WEIGHTS = {"USD": 70, "EUR": 15, "GBP": 10, "CAD": 5}


def _fill(rng: random.Random, template: str, things: list[str]) -> str:
    return template.format(
        adj=rng.choice(ADJECTIVES), biz=rng.choice(BUSINESSES), thing=rng.choice(things), n=rng.randint(2, 12)
    )


def listing_rows(count: int, users: int, *, seed: int = 7, now: datetime) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """(listing columns, skill names) for `count` open listings owned by users 1..users."""
    rng = random.Random(seed)
    slugs = list(TOPICS)
    weights = [CATEGORY_WEIGHTS[s] for s in slugs]
    currencies, currency_weights = list(CURRENCY_WEIGHTS), list(CURRENCY_WEIGHTS.values())
    today: date = now.date()
    for _ in range(count):
        slug = rng.choices(slugs, weights)[0]
        templates, things, skills, sentences, local_share = TOPICS[slug]
        title = _fill(rng, rng.choice(templates), things)[:120]
        body = [_fill(rng, s, things) for s in rng.sample(sentences, min(len(sentences), rng.randint(2, 3)))]
        body += rng.sample(GENERIC, rng.randint(1, 3))
        chosen = rng.sample(skills, rng.randint(1, 4))
        remote = rng.random() >= local_share
        published = now - timedelta(minutes=rng.randint(0, 60 * 24 * 120))
        yield (
            {
                "owner_id": rng.randint(1, users),
                "status": "open",
                "title": title,
                "description": f"{title}. " + " ".join(body),
                "category": slug,
                "skills_text": ", ".join(chosen),
                "budget_minor": rng.choice([25, 50, 80, 100, 150, 200, 300, 500, 800, 1200, 2500, 5000]) * 100,
                "currency": rng.choices(currencies, currency_weights)[0],
                "deadline": today + timedelta(days=rng.randint(1, 120)),
                "remote": remote,
                "location": "" if remote and rng.random() < 0.6 else rng.choice(CITIES),
                "wizard_step": 4,
                "source": "wizard",
                "bid_count": rng.randint(0, 15),
                "created_at": published,
                "updated_at": published,
                "published_at": published,
            },
            chosen,
        )


def all_skills() -> list[str]:
    return sorted({skill for topic in TOPICS.values() for skill in topic[2]})


def search_params(runs: int, *, seed: int = 11) -> list[dict[str, str]]:
    """Varied searches as visitors make them: words from the listings plus at least one filter, mixed sorts."""
    rng = random.Random(seed)
    words = [
        "logo", "website", "python", "django", "react", "blog posts", "translate", "seo", "video", "podcast",
        "spreadsheet", "excel dashboard", "cleaning", "moving", "sofa", "piano", "paint", "plumbing leaking",
        "furniture", "photographer", "wedding", "catering", "bakery", "yoga", "brand identity", "icons",
        "newsletter", "voice over", "market research", "data entry", "bookkeeping", "tutor", "dog walking",
        "pyth", "webs", "logo des", "garden fence", "kitchen sink", "instagram", "google ads", "bugs",
        "mobile app", "coffee", "restaurant", "flat", "office", "invoices", "survey", "animation", "deep clean",
    ]  # fmt: skip
    sorts = ["relevance"] * 5 + ["newest", "budget_high", "budget_low", "deadline"] * 1
    searches = []
    for _ in range(runs):
        params = {"q": rng.choice(words), "sort": rng.choice(sorts)}
        filters = rng.sample(["category", "budget", "remote", "location", "due", "skills"], rng.randint(1, 3))
        if "category" in filters:
            params["category"] = rng.choice(list(TOPICS))
        if "budget" in filters:
            low = rng.choice([0, 50, 100, 300])
            params.update(min=str(low), max=str(low + rng.choice([200, 500, 2000])), currency="USD")
        if "remote" in filters:
            params["remote"] = rng.choice(["remote", "local"])
        if "location" in filters:
            params["location"] = rng.choice(CITIES).split(",")[0].lower()[:5]
        if "due" in filters:
            params["due"] = rng.choice(["7", "14", "30", "90"])
        if "skills" in filters:
            params["skills"] = rng.choice(all_skills())
        if rng.random() < 0.15:
            params["page"] = str(rng.randint(2, 4))
        searches.append(params)
    return searches


def misspell(word: str, rng: random.Random) -> str:
    """One typo as people make them: two neighbouring letters swapped, one left out, doubled or mistyped."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "double", "replace"] if word[i] != word[i + 1] else ["drop", "replace"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice([c for c in "aeiourstn" if c != word[i]]) + word[i + 1 :]


def typo_search_params(runs: int, *, seed: int = 13) -> list[dict[str, str]]:
    """The same kind of searches, each with one word of five letters or more misspelled."""
    rng = random.Random(seed)
    searches = []
    for params in search_params(runs, seed=seed):
        words = params["q"].split()
        long_words = [i for i, word in enumerate(words) if len(word) >= 5]
        if not long_words:
            words = [rng.choice(["python", "website", "translate", "podcast", "wedding", "furniture", "bakery"])]
            long_words = [0]
        i = rng.choice(long_words)
        words[i] = misspell(words[i], rng)
        searches.append({**params, "q": " ".join(words)})
    return searches
