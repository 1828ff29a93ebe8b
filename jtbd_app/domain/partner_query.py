"""What a visitor asks of the outside partners tab of /providers, read from untrusted URL parameters: a bad value is
dropped with a message for its field, and the rest of the filter still applies."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

KIND_LABELS: dict[str, str] = {"product": "Products", "digital": "Digital work", "local": "Local pros"}
PARAM_NAMES = ("kind", "category", "rating", "partner_page")
MAX_PAGE = 1000
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class PartnerQuery:
    kind: str = ""  # "" (any) | product | digital | local
    category: str = ""  # "" (any) or a category slug
    min_rating: Decimal | None = None  # 1..5, one decimal place
    page: int = 1

    def to_params(self) -> dict[str, str]:
        """The URL parameters of this query (with `tab=partners`), defaults left out."""
        params = {"tab": "partners"}
        if self.kind:
            params["kind"] = self.kind
        if self.category:
            params["category"] = self.category
        if self.min_rating is not None:
            params["rating"] = str(self.min_rating)
        if self.page > 1:
            params["partner_page"] = str(self.page)
        return params

    def on_page(self, page: int) -> PartnerQuery:
        return replace(self, page=max(1, min(page, MAX_PAGE)))

    @property
    def filtered(self) -> bool:
        return bool(self.kind or self.category or self.min_rating is not None)


def _text(value: object) -> str:
    return value.strip()[:100] if isinstance(value, str) else ""


def parse(params: Mapping[str, object]) -> tuple[PartnerQuery, dict[str, str]]:
    """The valid part of the parameters and a message per bad field (keyed by its form field)."""
    errors: dict[str, str] = {}
    kind = _text(params.get("kind"))
    if kind and kind not in KIND_LABELS:
        errors["kind"] = "Choose products, digital work or local pros."
        kind = ""
    category = _text(params.get("category")).lower()
    if category and not _SLUG_RE.match(category):
        errors["category"] = "Choose a category from the list."
        category = ""
    min_rating: Decimal | None = None
    rating = _text(params.get("rating"))
    if rating:
        try:
            value = Decimal(rating)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or not Decimal(1) <= value <= Decimal(5):
            errors["rating"] = "Enter a rating from 1 to 5, such as 4 or 4.5."
        else:
            min_rating = value.quantize(Decimal("0.1"))
    page = 1
    raw_page = _text(params.get("partner_page"))
    if raw_page:
        if raw_page.isdigit() and 1 <= int(raw_page) <= MAX_PAGE:
            page = int(raw_page)
        else:
            errors["partner_page"] = "That page does not exist."
    return PartnerQuery(kind=kind, category=category, min_rating=min_rating, page=page), errors
