"""Deterministic demo data, loaded by the first `make run` (or `make seed`)."""

from __future__ import annotations

from sqlmodel import Session, select

from jtbd_app.models import Profile, User, utcnow
from jtbd_app.services.accounts import membership, passwords, profiles, terms
from jtbd_app.services.demo.seed_marketplace import seed_marketplace

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin-demo-password"
DEMO_PASSWORD = "demo-password"

TERMS_TITLE = "JTBD Marketplace terms of service"
TERMS_BODY = """\
1. What we are. JTBD Marketplace connects people who need a job done with people and partners who do it.
We are not a party to the agreements between clients and contractors.

2. Your account. Keep your password secret; you are responsible for what happens under your account.
One person, one account. Give true information on your profile.

3. Conduct. No fraud, harassment, spam, illegal work, or attempts to take payments off the platform.
We may suspend accounts that break these rules, with a stated reason.

4. Money. Payments are held in escrow and released according to each contract. Test deployments use a
sandbox clearly marked as test money.

5. Liability. The service is provided as is. To the extent the law allows, our liability is limited to the
fees we received for the contract in question.

6. Changes. When these terms change, a new version is published here and you are asked to accept it.
"""

# username, display name, location ("" = remote only), remote, hourly rate in cents, currency, skills, bio
DEMO_USERS: list[tuple[str, str, str, bool, int, str, list[str], str]] = [
    (
        "alice",
        "Alice Martin",
        "Austin, TX",
        True,
        8500,
        "USD",
        ["python", "data analysis", "sql"],
        "Data engineer who turns messy spreadsheets into dashboards.",
    ),
    (
        "bob",
        "Bob Chen",
        "",
        True,
        6000,
        "USD",
        ["seo", "content writing", "google analytics"],
        "SEO consultant; I grow organic traffic the legit way.",
    ),
    (
        "carla",
        "Carla Rossi",
        "Milan, Italy",
        True,
        7000,
        "EUR",
        ["graphic design", "branding", "figma"],
        "Brand identities and pitch decks.",
    ),
    (
        "dev",
        "Dev Patel",
        "London, UK",
        False,
        4500,
        "GBP",
        ["handyman", "furniture assembly", "painting"],
        "Local handyman in north London, evenings and weekends.",
    ),
    (
        "emma",
        "Emma Schulz",
        "Berlin, Germany",
        True,
        9000,
        "EUR",
        ["react", "typescript", "ui design"],
        "Front-end developer with ten years of React.",
    ),
    (
        "farid",
        "Farid Haddad",
        "Toronto, Canada",
        True,
        5500,
        "CAD",
        ["video editing", "motion graphics"],
        "YouTube edits with fast turnaround.",
    ),
    (
        "grace",
        "Grace Okafor",
        "",
        True,
        12000,
        "USD",
        ["machine learning", "python", "llm"],
        "ML engineer: prototypes, evaluations, fine-tuning.",
    ),
    (
        "hiro",
        "Hiro Tanaka",
        "Osaka, Japan",
        True,
        6000,
        "JPY",
        ["translation", "japanese", "localization"],
        "English-Japanese translation and app localization.",
    ),
    (
        "ines",
        "Ines Duarte",
        "Lisbon, Portugal",
        True,
        4000,
        "EUR",
        ["virtual assistant", "scheduling", "email management"],
        "Inbox zero and calendars that make sense.",
    ),
    (
        "jack",
        "Jack Wilson",
        "Sydney, Australia",
        False,
        7500,
        "AUD",
        ["plumbing", "home repair"],
        "Licensed plumber, Sydney metro.",
    ),
    (
        "kate",
        "Kate Novak",
        "",
        True,
        6500,
        "USD",
        ["copywriting", "email marketing", "seo"],
        "Conversion copy for landing pages and launches.",
    ),
    (
        "liam",
        "Liam O'Brien",
        "Dublin, Ireland",
        True,
        8000,
        "EUR",
        ["bookkeeping", "excel", "quickbooks"],
        "Bookkeeping for small teams; monthly closes on time.",
    ),
]


def has_demo_accounts(session: Session) -> bool:
    return session.exec(select(User).where(User.email == ADMIN_EMAIL)).first() is not None


def seed(session: Session, *, gateway_name: str = "sandbox") -> bool:
    """Load the demo data once; returns False when the database already has users. The demo contracts are paid with
    the sandbox's test money, so with another gateway configured there are none (no money in flight at a gateway the
    app does not use, which would stop it from starting)."""
    if session.exec(select(User)).first() is not None:
        return False
    if terms.current_terms(session) is None:
        terms.publish_terms(session, title=TERMS_TITLE, body=TERMS_BODY)
    current = terms.current_terms(session)
    assert current is not None
    admin = membership.create_user(
        session,
        email=ADMIN_EMAIL,
        username="admin-demo",
        display_name="Demo Admin",
        password_hash=passwords.hash_password(ADMIN_PASSWORD),
    )
    admin.role = "admin"
    admin.email_verified_at = utcnow()  # demo addresses count as confirmed, so the demo shows mail too
    session.add(admin)
    demo_hash = passwords.hash_password(DEMO_PASSWORD)
    for username, name, location, remote, rate, currency, skills, bio in DEMO_USERS:
        user = membership.create_user(
            session,
            email=f"{username}@example.com",
            username=username,
            display_name=name,
            password_hash=demo_hash,
        )
        assert user.id is not None
        user.email_verified_at = utcnow()
        profile = session.get(Profile, user.id)
        assert profile is not None
        profile.location, profile.remote, profile.bio = location, remote, bio
        profile.hourly_rate_minor, profile.currency = rate, currency
        profile.portfolio_links = f"https://example.com/{username}"
        session.add(profile)
        profiles.set_skills(session, user_id=user.id, names=skills)
        terms.record_acceptance(session, user_id=user.id, terms_version=current)
    suspended = membership.create_user(
        session,
        email="mallory@example.com",
        username="mallory",
        display_name="Mallory Spam",
        password_hash=demo_hash,
    )
    suspended.status, suspended.suspended_reason = "suspended", "Repeated spam in messages."
    session.add(suspended)
    assert admin.id is not None
    terms.record_acceptance(session, user_id=admin.id, terms_version=current)
    session.flush()
    seed_marketplace(session, contracts=gateway_name == "sandbox")
    return True
