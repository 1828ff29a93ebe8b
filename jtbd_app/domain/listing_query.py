"""What a marketplace search asks for, read from untrusted URL parameters: bad values become field errors."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from jtbd_app.domain.marketplace import CATEGORIES
from jtbd_app.domain.money import CURRENCIES, parse_amount
from jtbd_app.domain.skills import MAX_SKILLS, normalise_skill
from jtbd_app.domain.text import CONTROL_RE

PAGE_SIZE = 20
MAX_TEXT_LEN = 200
MAX_LOCATION_LEN = 120
# Counting every match of a broad search is the slow part on 100,000 listings: counts stop here ("1,000+").
COUNT_CAP = 1000
MAX_PAGE = COUNT_CAP // PAGE_SIZE
MAX_BUDGET_MINOR = 10**12  # beyond any real task; also keeps bound parameters inside 64-bit integers

SORTS: dict[str, str] = {
    "relevance": "Best match",
    "newest": "Newest first",
    "budget_high": "Budget: high to low",
    "budget_low": "Budget: low to high",
    "deadline": "Deadline: soonest first",
}
REMOTE_CHOICES: dict[str, str] = {"any": "Remote or on site", "remote": "Remote only", "local": "On site only"}
DUE_CHOICES: dict[str, str] = {
    "any": "Any time",
    "7": "Within 7 days",
    "14": "Within 14 days",
    "30": "Within 30 days",
    "90": "Within 90 days",
}


@dataclass(frozen=True)
class ListingQuery:
    """A validated search; `errors` maps a URL parameter to the message shown next to its field."""

    text: str = ""
    category: str = ""
    skills: tuple[str, ...] = ()
    currency: str = "USD"
    min_minor: int | None = None
    max_minor: int | None = None
    remote: str = "any"
    location: str = ""
    due: str = "any"
    sort: str = "relevance"
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def has_budget(self) -> bool:
        return self.min_minor is not None or self.max_minor is not None

    @property
    def has_filters(self) -> bool:
        """Anything that narrows the results (sorting and paging do not)."""
        return bool(
            self.text
            or self.category
            or self.skills
            or self.has_budget
            or self.remote != "any"
            or self.location
            or self.due != "any"
        )

    @property
    def filter_count(self) -> int:
        """How many filters are set beyond the words and the order (the count on the Filters button)."""
        chosen = [self.category, self.skills, self.has_budget, self.remote != "any", self.location, self.due != "any"]
        return sum(1 for value in chosen if value)

    def with_page(self, page: int) -> ListingQuery:
        return dataclasses.replace(self, page=max(1, min(page, MAX_PAGE)), errors={})

    def to_params(self) -> dict[str, str]:
        """URL parameters for this search, leaving out defaults so that shared links stay short."""
        params: dict[str, str] = {}
        if self.text:
            params["q"] = self.text
        if self.category:
            params["category"] = self.category
        if self.skills:
            params["skills"] = ",".join(self.skills)
        if self.min_minor is not None:
            params["min"] = amount_input(self.min_minor, self.currency)
        if self.max_minor is not None:
            params["max"] = amount_input(self.max_minor, self.currency)
        if self.has_budget or self.currency != "USD":
            params["currency"] = self.currency
        for name, value, default in (("remote", self.remote, "any"), ("due", self.due, "any")):
            if value != default:
                params[name] = value
        if self.location:
            params["location"] = self.location
        if self.sort != "relevance":
            params["sort"] = self.sort
        if self.page > 1:
            params["page"] = str(self.page)
        return params

    @classmethod
    def from_params(cls, params: object) -> ListingQuery:
        """Read URL parameters: every value is checked; a bad one is dropped with a message, never a crash."""
        raw = params if isinstance(params, Mapping) else {}

        def get(name: str) -> str:
            value = raw.get(name)
            return CONTROL_RE.sub("", value).strip() if isinstance(value, str) else ""

        errors: dict[str, str] = {}
        text = " ".join(get("q").split())
        if len(text) > MAX_TEXT_LEN:
            errors["q"] = f"Search text must be at most {MAX_TEXT_LEN} characters; the rest was ignored."
            text = text[:MAX_TEXT_LEN].strip()

        category = get("category")
        if category and category not in CATEGORIES:
            errors["category"] = "Choose a category from the list."
            category = ""

        skills = _skills(get("skills"), errors)

        currency = get("currency").upper() or "USD"
        if currency not in CURRENCIES:
            errors["currency"] = "Choose a supported currency."
            currency = "USD"
        min_minor = _amount(get("min"), currency, "min", errors)
        max_minor = _amount(get("max"), currency, "max", errors)
        if min_minor is not None and max_minor is not None and min_minor > max_minor:
            errors["max"] = "The maximum budget must be at least the minimum."
            min_minor = max_minor = None

        remote = _choice(get("remote") or "any", REMOTE_CHOICES, "remote", "Choose remote, on site or either.", errors)
        location = get("location")
        if len(location) > MAX_LOCATION_LEN:
            errors["location"] = f"Location must be at most {MAX_LOCATION_LEN} characters."
            location = ""
        due = _choice(get("due") or "any", DUE_CHOICES, "due", "Choose a deadline window from the list.", errors)
        sort = _choice(get("sort") or "relevance", SORTS, "sort", "Choose a sort order from the list.", errors)
        page_text = get("page")
        page = int(page_text) if page_text.isascii() and page_text.isdigit() and len(page_text) < 6 else 1  # not "²"
        return cls(
            text=text,
            category=category,
            skills=skills,
            currency=currency,
            min_minor=min_minor,
            max_minor=max_minor,
            remote=remote,
            location=location,
            due=due,
            sort=sort,
            page=max(1, min(page, MAX_PAGE)),
            errors=errors,
        )


def amount_input(minor: int, currency: str) -> str:
    """Minor units as a person types them: 4550 USD -> "45.50", 4500 USD -> "45", 6000 JPY -> "6000"."""
    digits = CURRENCIES[currency]
    whole, frac = divmod(minor, 10**digits)
    return f"{whole}.{frac:0{digits}d}" if digits and frac else str(whole)


def _skills(value: str, errors: dict[str, str]) -> tuple[str, ...]:
    chosen: list[str] = []
    for item in value.split(",")[: MAX_SKILLS * 2]:
        if not item.strip():
            continue
        try:
            skill = normalise_skill(item)
        except ValueError as exc:
            errors["skills"] = str(exc)
            continue
        if skill not in chosen:
            chosen.append(skill)
    if len(chosen) > MAX_SKILLS:
        errors["skills"] = f"Filter by at most {MAX_SKILLS} skills."
        chosen = chosen[:MAX_SKILLS]
    return tuple(chosen)


def _amount(value: str, currency: str, name: str, errors: dict[str, str]) -> int | None:
    if not value:
        return None
    try:
        minor = parse_amount(value, currency)
    except ValueError as exc:
        errors[name] = str(exc)
        return None
    if minor > MAX_BUDGET_MINOR:
        errors[name] = "That amount is larger than any budget here."
        return None
    return minor


def _choice(value: str, choices: Mapping[str, str], name: str, message: str, errors: dict[str, str]) -> str:
    if value in choices:
        return value
    errors[name] = message
    return next(iter(choices))
