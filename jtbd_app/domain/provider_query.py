"""What a visitor asks of the provider directory, read from untrusted URL parameters and written back to them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from jtbd_app.domain.errors import ValidationFailed
from jtbd_app.domain.money import CURRENCIES, parse_amount
from jtbd_app.domain.skills import normalise_skill
from jtbd_app.domain.text import CONTROL_RE

SORTS: dict[str, str] = {
    "match": "Best match",
    "rating": "Highest rated",
    "price_low": "Lowest hourly rate",
    "price_high": "Highest hourly rate",
}
REMOTE_CHOICES: dict[str, str] = {"any": "Any", "remote": "Works remotely", "local": "On site only"}
MAX_Q = 100
MAX_TERMS = 8
MAX_FILTER_SKILLS = 10
MAX_LOCATION = 120
MAX_RATE_MINOR = 100_000_00
MAX_COMPLETED = 1_000_000
MAX_PAGE = 10_000
PARAM_NAMES = (
    "q",
    "skills",
    "min_rating",
    "min_rate",
    "max_rate",
    "currency",
    "remote",
    "location",
    "min_completed",
    "sort",
    "page",
)


@dataclass(frozen=True)
class ProviderQuery:
    """Filters, sort and page of a provider search; every value is already validated."""

    q: str = ""
    skills: tuple[str, ...] = ()
    min_rating: Decimal | None = None  # 0..5, one decimal place
    min_rate_minor: int | None = None
    max_rate_minor: int | None = None
    currency: str = "USD"
    remote: str = "any"  # any | remote | local
    location: str = ""
    min_completed: int = 0
    sort: str = "match"
    page: int = 1

    @property
    def terms(self) -> list[str]:
        """The words of the text search, lowercased, at most MAX_TERMS."""
        return [t.lower() for t in self.q.split()][:MAX_TERMS]

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> ProviderQuery:
        """The query the parameters describe; raises ValidationFailed with a message per bad field."""
        query, errors = cls.parse(params)
        if errors:
            raise ValidationFailed(errors)
        return query

    @classmethod
    def parse(cls, params: Mapping[str, object]) -> tuple[ProviderQuery, dict[str, str]]:
        """The valid part of the parameters (bad fields fall back to defaults) and a message per bad field."""
        raw = {name: _text(params.get(name)) for name in PARAM_NAMES} if isinstance(params, Mapping) else {}
        errors: dict[str, str] = {}
        values: dict[str, object] = {}
        for name, parser in _PARSERS.items():
            value = raw.get(name, "")
            if value is None:
                errors[name] = "That value is not valid."
                continue
            if not value:
                continue
            try:
                values[name] = parser(value)
            except ValueError as exc:
                errors[name] = str(exc)
        currency = values.get("currency", "USD")
        assert isinstance(currency, str)
        for name in ("min_rate", "max_rate"):
            value = raw.get(name, "")
            if value is None:
                errors[name] = "That value is not valid."
            elif value:
                try:
                    values[f"{name}_minor"] = _rate(value, currency)
                except ValueError as exc:
                    errors[name] = str(exc)
        low, high = values.get("min_rate_minor"), values.get("max_rate_minor")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            errors["max_rate"] = "The highest rate must be at least the lowest."
            del values["max_rate_minor"]
        return cls(**values), errors  # type: ignore[arg-type]

    def to_params(self) -> dict[str, str]:
        """URL parameters for this query; defaults are left out so that links stay short."""
        out: dict[str, str] = {}
        if self.q:
            out["q"] = self.q
        if self.skills:
            out["skills"] = ",".join(self.skills)
        if self.min_rating is not None:
            out["min_rating"] = str(self.min_rating)
        if self.min_rate_minor is not None:
            out["min_rate"] = amount_text(self.min_rate_minor, self.currency)
        if self.max_rate_minor is not None:
            out["max_rate"] = amount_text(self.max_rate_minor, self.currency)
        if self.currency != "USD":
            out["currency"] = self.currency
        if self.remote != "any":
            out["remote"] = self.remote
        if self.location:
            out["location"] = self.location
        if self.min_completed:
            out["min_completed"] = str(self.min_completed)
        if self.sort != "match":
            out["sort"] = self.sort
        if self.page != 1:
            out["page"] = str(self.page)
        return out

    def on_page(self, page: int) -> ProviderQuery:
        return replace(self, page=page)


def amount_text(minor: int, currency: str) -> str:
    """Minor units as a person types them ("45.50"), without a symbol or separators."""
    digits = CURRENCIES[currency]
    if not digits:
        return str(minor)
    whole, frac = divmod(minor, 10**digits)
    return f"{whole}.{frac:0{digits}d}"


def _text(value: object) -> str | None:
    """A parameter as trimmed text without control characters; None when it is not text at all."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    return CONTROL_RE.sub("", value).strip()


def _q(value: str) -> str:
    if len(value) > MAX_Q:
        raise ValueError(f"Search text must be at most {MAX_Q} characters.")
    return " ".join(value.split())


def _skills(value: str) -> tuple[str, ...]:
    if len(value) > MAX_FILTER_SKILLS * 45:
        raise ValueError(f"Filter by at most {MAX_FILTER_SKILLS} skills.")
    names: list[str] = []
    for part in value.split(","):
        if part.strip():
            name = normalise_skill(part)
            if name not in names:
                names.append(name)
    if len(names) > MAX_FILTER_SKILLS:
        raise ValueError(f"Filter by at most {MAX_FILTER_SKILLS} skills.")
    return tuple(names)


def _min_rating(value: str) -> Decimal | None:
    message = "Minimum rating must be a number from 0 to 5, such as 4 or 4.5."
    if len(value) > 10:
        raise ValueError(message)
    try:
        rating = Decimal(value)
    except InvalidOperation:
        raise ValueError(message) from None
    if not rating.is_finite() or not 0 <= rating <= 5 or rating != rating.quantize(Decimal("0.1")):
        raise ValueError(message)
    return rating.quantize(Decimal("0.1")) if rating else None


def _currency(value: str) -> str:
    if value not in CURRENCIES:
        raise ValueError("Choose a supported currency.")
    return value


def _rate(value: str, currency: str) -> int:
    minor = parse_amount(value, currency)
    if minor > MAX_RATE_MINOR:
        raise ValueError("That hourly rate is beyond what we accept.")
    return minor


def _choice(choices: Mapping[str, str], message: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(message)
        return value

    return check


def _location(value: str) -> str:
    if len(value) > MAX_LOCATION:
        raise ValueError(f"Location must be at most {MAX_LOCATION} characters.")
    return value


def _whole(label: str, maximum: int, minimum: int = 0) -> Callable[[str], int]:
    def check(value: str) -> int:
        if not value.isascii() or not value.isdigit() or len(value) > 9 or not minimum <= int(value) <= maximum:
            raise ValueError(f"{label} must be a whole number from {minimum} to {maximum:,}.")
        return int(value)

    return check


_PARSERS: dict[str, Callable[[str], object]] = {
    "q": _q,
    "skills": _skills,
    "min_rating": _min_rating,
    "currency": _currency,
    "remote": _choice(REMOTE_CHOICES, "Choose any, remote or on site."),
    "location": _location,
    "min_completed": _whole("Completed contracts", MAX_COMPLETED),
    "sort": _choice(SORTS, "Choose a sort order from the list."),
    "page": _whole("Page", MAX_PAGE, minimum=1),
}
