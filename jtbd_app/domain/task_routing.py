"""The Delegate menu's reasoning, without I/O: what kind of task a to-do item is (product, digital, local, problem),
and which routes to offer for it, ranked, each with a one-line reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TaskKind = Literal["product", "digital", "local", "problem"]
Route = Literal["buy", "outside", "internal", "problem", "self"]
KINDS: tuple[TaskKind, ...] = ("product", "digital", "local", "problem")
ROUTES: tuple[Route, ...] = ("buy", "outside", "internal", "problem", "self")


@dataclass(frozen=True)
class Classification:
    """What a to-do item is. `category` is a slug ("light-bulbs" is not one; "household", "groceries",
    "graphic-design", "furniture-assembly"...); `query` the few words a partner search should use; `items` a product
    task's shopping list; `location` a place named in the text; `reason` one line saying why, shown in the menu."""

    kind: TaskKind
    category: str
    query: str
    confidence: float
    reason: str
    items: tuple[str, ...] = ()
    location: str = ""


@dataclass(frozen=True)
class PartnerInfo:
    """What ranking knows of an offered partner: its kind and categories, and its scorecard so far (`rated` outcomes
    with a rating, their average, and the share reported done; None before any)."""

    key: str
    name: str
    kind: Literal["product", "digital", "local"]
    categories: tuple[str, ...] = ()
    rated: int = 0
    average_rating: float | None = None
    success_rate: float | None = None


@dataclass(frozen=True)
class RouteOption:
    """One line of the menu: a route, the partner it goes to ("" for internal, problem and self), why, its score."""

    route: Route
    partner: str
    reason: str
    score: float
