"""The job post drafted for an outside pro: the task's words, what done means, the budget, the timing and (for
local work) the place; nothing for a product partner, where there is no one to brief."""

from __future__ import annotations

from datetime import date

import pytest

from jtbd_app.adapters.partners.base import PartnerBase
from jtbd_app.adapters.partners.registry import ADAPTERS
from jtbd_app.services.ports import TaskBrief

BY_KIND = {kind: [a for a in ADAPTERS if a.kind == kind] for kind in ("product", "digital", "local")}


def logo_brief(**changes: object) -> TaskBrief:
    fields: dict[str, object] = {
        "title": "Design a logo for my bakery",
        "kind": "digital",
        "query": "logo design bakery",
        "category": "graphic-design",
        "notes": "Warm colours.\nMust work on a sign and on Instagram.",
        "budget_minor": 15000,
        "currency": "USD",
        "due_on": date(2026, 12, 11),
        "location": "Austin, TX 78701",
    }
    fields.update(changes)
    return TaskBrief(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("adapter", BY_KIND["product"], ids=lambda a: a.key)
def test_a_product_partner_drafts_no_post(adapter: type[PartnerBase]) -> None:
    assert adapter().draft(logo_brief(kind="product")) is None


@pytest.mark.parametrize("adapter", BY_KIND["digital"] + BY_KIND["local"], ids=lambda a: a.key)
def test_a_pro_gets_the_task_its_notes_and_what_done_means(adapter: type[PartnerBase]) -> None:
    draft = adapter().draft(logo_brief())

    assert draft is not None
    assert draft.title == "Design a logo for my bakery"
    assert "Warm colours.\nMust work on a sign and on Instagram." in draft.description
    assert "Done means:\n- " in draft.description
    assert draft.budget == "Up to $150.00"
    assert draft.timing == "Done by Friday, December 11, 2026"
    assert draft.as_text().startswith("Design a logo for my bakery\n\n")


def test_only_local_work_says_where() -> None:
    digital = BY_KIND["digital"][0]().draft(logo_brief())
    local = BY_KIND["local"][0]().draft(logo_brief(kind="local", title="Assemble IKEA wardrobe"))

    assert digital is not None and digital.location == ""
    assert local is not None and local.location == "Austin, TX 78701"
    assert "Location: Austin, TX 78701" in local.as_text()


def test_without_a_budget_or_a_date_the_post_says_so_plainly() -> None:
    draft = BY_KIND["digital"][0]().draft(logo_brief(budget_minor=None, due_on=None, notes=""))

    assert draft is not None
    assert draft.budget == "" and "Budget" not in draft.as_text()
    assert draft.timing.startswith("Flexible")
    assert "\n\n\n" not in draft.description


def test_a_budget_in_another_currency_is_formatted_in_it() -> None:
    draft = BY_KIND["local"][0]().draft(logo_brief(budget_minor=6000, currency="JPY"))

    assert draft is not None and draft.budget == "Up to ¥6,000"


def test_hostile_notes_are_plain_text_and_bounded() -> None:
    notes = "ok\x00\x1b[31m red\u202e\n" + "word " * 2000
    draft = BY_KIND["digital"][0]().draft(logo_brief(title="T\nitle\x07" + "x" * 500, notes=notes))

    assert draft is not None
    assert "\x00" not in draft.description and "\x1b" not in draft.description and "\u202e" not in draft.description
    assert len(draft.title) <= 100 and "\n" not in draft.title
    assert len(draft.description) < 2600
