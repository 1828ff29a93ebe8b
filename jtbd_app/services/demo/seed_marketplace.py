"""Demo listings, bids and questions, posted through the real services so the demo obeys every rule."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from jtbd_app.models import Profile, User, utcnow
from jtbd_app.services.delegate import todos
from jtbd_app.services.demo.seed_contracts import seed_contracts
from jtbd_app.services.marketplace import bids, listings, questions
from jtbd_app.services.viewer import Viewer

# owner, title, category, skills, budget, currency, days to deadline, location ("" = remote), description
DEMO_LISTINGS: list[tuple[str, str, str, list[str], str, str, int, str, str]] = [
    (
        "carla",
        "Get 10K legit website visitors",
        "marketing",
        ["seo", "content writing"],
        "1500",
        "USD",
        45,
        "",
        "Our bakery's site gets 300 visits a month. We want **10,000 real visitors** from search and social.\n\n"
        "- No bots, no paid traffic farms\n- Weekly report from Google Analytics",
    ),
    (
        "alice",
        "Clean up a 40k-row customer spreadsheet",
        "data",
        ["data analysis", "python"],
        "400",
        "USD",
        10,
        "",
        "Deduplicate customers, normalise addresses and flag missing emails. Deliver a CSV and a short note.",
    ),
    (
        "dev",
        "Logo and business cards for a bike repair shop",
        "design",
        ["logo design", "branding"],
        "350",
        "EUR",
        21,
        "",
        "A friendly, bold logo in two colours, plus a print-ready business card.",
    ),
    (
        "emma",
        "Assemble IKEA wardrobe and two shelves",
        "home-repairs",
        ["furniture assembly"],
        "120",
        "USD",
        7,
        "Austin, TX",
        "PAX wardrobe (two doors) and two KALLAX shelves, third floor with a lift.",
    ),
    (
        "farid",
        "Translate product pages from English to French",
        "writing",
        ["translation", "french"],
        "600",
        "EUR",
        20,
        "",
        "Twelve product pages, about 6,000 words, for a skincare shop. Keep the tone warm and simple.",
    ),
    (
        "grace",
        "Fix checkout bug in our Django shop",
        "software",
        ["python", "django"],
        "800",
        "USD",
        14,
        "",
        "Orders with a discount code fail at payment with a 500 error. Find it, fix it, add a test.",
    ),
    (
        "hiro",
        "Edit a 10-minute YouTube video",
        "video-audio",
        ["video editing"],
        "250",
        "USD",
        9,
        "",
        "Cut the pauses, add captions and a simple intro. Raw footage is ready.",
    ),
    (
        "ines",
        "Help moving a one-bedroom flat",
        "moving-delivery",
        ["moving"],
        "300",
        "GBP",
        12,
        "London, UK",
        "Two people and a van for about four hours, across town. Mostly boxes, one sofa.",
    ),
    (
        "jack",
        "Set up Google Analytics 4 and a dashboard",
        "marketing",
        ["google analytics"],
        "300",
        "USD",
        15,
        "",
        "Install GA4 with consent mode, define three conversions and build a Looker Studio dashboard.",
    ),
    (
        "kate",
        "Deep clean a two-bedroom apartment",
        "cleaning",
        ["cleaning"],
        "180",
        "CAD",
        6,
        "Toronto, Canada",
        "End-of-lease clean including the oven and windows.",
    ),
]
DEMO_BIDS = [("bob", 0, "1400", 40), ("jack", 0, "1500", 30), ("liam", 5, "750", 7), ("alice", 5, "800", 10)]


# jack's to-do list, one task of each kind, for the Delegate menu
DEMO_TASKS = [
    ("Buy lightbulbs", "E27, warm white, a pack of six"),
    ("Design a logo for my bakery", "Warm colours; it goes on the sign and the boxes"),
    ("Assemble IKEA wardrobe", "PAX, two doors; in the spare bedroom"),
    ("Launch my online store", "Handmade candles; I have the products but no website or customers"),
]


def seed_marketplace(session: Session, *, contracts: bool = True) -> None:
    people = {
        u.username: Viewer(u.id or 0, u.username, name, u.role, u.status)
        for u, name in session.exec(select(User, Profile.display_name).join(Profile)).all()  # type: ignore[arg-type]
    }
    ids: list[int] = []
    today = utcnow().date()
    for owner, title, category, skills, budget, currency, days, location, description in DEMO_LISTINGS:
        viewer = people[owner]
        draft = listings.start_draft(session, viewer=viewer)
        steps: dict[int, dict[str, object]] = {
            1: {"title": title, "description": description, "category": category},
            2: {"skills": skills},
            3: {
                "budget": budget,
                "currency": currency,
                "deadline": (today + timedelta(days=days)).isoformat(),
                "remote": not location,
                "location": location,
            },
        }
        for step, values in steps.items():
            listings.save_step(session, viewer=viewer, listing_id=draft, step=step, values=values)
        ids.append(listings.publish_listing(session, viewer=viewer, listing_id=draft))
    for bidder, index, amount, days in DEMO_BIDS:
        message = "I have done this many times and can start this week. Happy to share examples."
        values = {"amount": amount, "message": message, "delivery_days": str(days)}
        bids.place_bid(session, viewer=people[bidder], listing_id=ids[index], values=values)
    questions.ask_question(
        session, viewer=people["bob"], listing_id=ids[0], body="Which countries should the visitors come from?"
    )
    for title, notes in DEMO_TASKS:
        todos.add_task(session, viewer=people["jack"], values={"title": title, "notes": notes})
    if contracts:
        seed_contracts(session, people)
