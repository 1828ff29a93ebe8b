"""The Delegate menu for one of the viewer's tasks: what kind of task it is, and the routes to offer for it, ranked,
each with its reason, its partner link (through `/go/<token>`) and, for an outside pro, a drafted post.

Shaped for a background event: a short unit of work reads the task and the offered partners (`begin`), the slow
part (a model classifier, partners' product searches) runs with no transaction open (`route`), and a second unit of
work stores the task's kind, the menu's links and the partners' impressions (`save`). `build_menu` runs the three.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col

from jtbd_app.domain import liability, task_routing
from jtbd_app.domain.money import Money
from jtbd_app.domain.money_mentions import budget_mentioned
from jtbd_app.domain.partner_links import LinkRefused
from jtbd_app.domain.task_routing import Classification, PartnerInfo, RouteOption
from jtbd_app.models import RouteOffer, TodoTask, utcnow
from jtbd_app.services import live
from jtbd_app.services.delegate import partners as partner_rows
from jtbd_app.services.delegate.partners import PartnerLinks
from jtbd_app.services.delegate.todos import owned_task
from jtbd_app.services.ports import (
    ClassifierFailed,
    DraftPost,
    PartnerAdapter,
    PartnerFailed,
    Product,
    TaskBrief,
    TaskClassifier,
)
from jtbd_app.services.viewer import Viewer

SessionFactory = Callable[[], AbstractContextManager[Session]]
OnStep = Callable[[str], Awaitable[None]]

MAX_PRODUCTS = 4  # per product partner
DISCLOSURE = "We may earn a commission from {names} links."
LIABILITY = liability.NOTE  # the same line the partner list shows, linking the terms' section
LIABILITY_LINK = liability.TERMS_LINK
KIND_LABELS = {
    "product": "Something to buy",
    "digital": "Digital work",
    "local": "Local, in-person work",
    "problem": "A bigger problem to plan",
}
ROUTE_LABELS = {
    "buy": "Buy it",
    "outside": "Hire an outside pro",
    "internal": "Post it here",
    "problem": "Plan it as a problem",
    "self": "Do it myself",
}


@dataclass(frozen=True)
class TaskText:
    """What the menu reads of the task: its words and due date, nothing of its owner."""

    id: int
    title: str
    notes: str
    due_on: date | None


@dataclass(frozen=True)
class MenuInputs:
    task: TaskText
    partners: list[PartnerInfo]
    links: dict[str, PartnerLinks]


@dataclass(frozen=True)
class RoutedOption:
    """A ranked option with what the browser needs: its partner link (a URL, before it becomes an offer), its draft."""

    option: RouteOption
    url: str = ""
    draft: DraftPost | None = None


@dataclass(frozen=True)
class Routed:
    """What the slow part found: the classification, the options, products found by partner APIs, notes."""

    classification: Classification
    options: list[RoutedOption]
    products: list[tuple[str, Product]]  # (partner key, product)
    notes: list[str]


@dataclass(frozen=True)
class MenuOption:
    route: str
    route_label: str
    partner_key: str = ""
    partner_name: str = ""
    reason: str = ""
    click_path: str = ""  # /go/<token> for a partner link
    token: str = ""
    draft_title: str = ""
    draft_description: str = ""
    draft_budget: str = ""
    draft_timing: str = ""
    draft_location: str = ""
    draft_text: str = ""
    can_create_post: bool = False


@dataclass(frozen=True)
class MenuProduct:
    title: str
    price: str
    image_url: str
    click_path: str
    token: str
    partner_name: str


@dataclass(frozen=True)
class Menu:
    task_id: int = 0
    title: str = ""
    kind: str = ""
    kind_label: str = ""
    reason: str = ""
    options: list[MenuOption] = field(default_factory=list)
    products: list[MenuProduct] = field(default_factory=list)
    shopping_list: str = ""
    disclosure: str = ""
    liability: str = LIABILITY
    liability_link: str = LIABILITY_LINK
    notes: list[str] = field(default_factory=list)


def task_text(task: TodoTask) -> TaskText:
    assert task.id is not None
    return TaskText(task.id, task.title, task.notes, task.due_on)


def begin(
    session: Session, *, viewer: Viewer | None, task_id: object, adapters: Mapping[str, PartnerAdapter]
) -> MenuInputs:
    """(a) The viewer's own task, and the partners that may be offered (suspended ones never are)."""
    task = owned_task(session, viewer, task_id)
    offered = [p for p in partner_rows.offered(session, adapters) if p.key in adapters]
    return MenuInputs(task_text(task), offered, partner_rows.links_by_key(session, adapters))


def brief_of(task: TaskText, c: Classification) -> TaskBrief:
    """What partners are told: the task's own words and the classifier's reading (and an amount the member wrote,
    with its currency, as the budget), never who asks."""
    budget = budget_mentioned(f"{task.title}\n{task.notes}")
    return TaskBrief(
        title=task.title,
        kind=c.kind,
        query=c.query or task.title,
        category=c.category,
        notes=task.notes,
        due_on=task.due_on,
        location=c.location,
        items=c.items,
        budget_minor=budget[0] if budget else None,
        currency=budget[1] if budget else "USD",
    )


async def classify(task: TaskText, classifier: TaskClassifier | None) -> tuple[Classification, list[str]]:
    """(b) The model's reading when one is configured; the offline rules when not, or when it fails (with a note)."""
    if classifier is None:
        return task_routing.classify(task.title, task.notes), []
    try:
        return await classifier.classify(task.title, task.notes), []
    except ClassifierFailed as exc:
        note = f"The AI router could not be used: {exc.message}; these routes come from the offline rules."
        return task_routing.classify(task.title, task.notes), [note]


async def route(
    inputs: MenuInputs,
    *,
    adapters: Mapping[str, PartnerAdapter],
    classifier: TaskClassifier | None,
    timeout: float,
    on_step: OnStep | None = None,
) -> Routed:
    """(b)-(d) Classify, rank against the offered partners, build each partner's link and draft, and ask product
    partners with an API for products. No database here: this is the slow part."""
    await _step(on_step, "Reading the task…")
    classification, notes = await classify(inputs.task, classifier)
    brief = brief_of(inputs.task, classification)
    await _step(on_step, "Ranking the routes…")
    options: list[RoutedOption] = []
    products: list[tuple[str, Product]] = []
    for option in task_routing.rank(classification, inputs.partners):
        adapter = adapters.get(option.partner) if option.partner else None
        if option.partner and adapter is None:
            continue
        if adapter is None:
            options.append(RoutedOption(option))
            continue
        link = inputs.links[adapter.key]
        try:
            url = adapter.deep_link(brief, template=link.template, affiliate_params=link.affiliate_params)
        except LinkRefused:
            continue  # no safe link to this partner for these words: it is left out rather than linked wrongly
        draft = adapter.draft(brief) if option.route == "outside" else None
        options.append(RoutedOption(option, url=url, draft=draft))
        if option.route == "buy" and adapter.api_enabled:
            await _step(on_step, f"Asking {adapter.name} for products…")
            found, note = await _search(adapter, brief, timeout)
            products += [(adapter.key, p) for p in found[:MAX_PRODUCTS]]
            notes += [note] if note else []
    return Routed(classification, options, products, notes)


async def _search(adapter: PartnerAdapter, brief: TaskBrief, timeout: float) -> tuple[list[Product], str]:
    """(d) A product partner's search, bounded in time; any failure is a note and the search link stays."""
    try:
        return list(await asyncio.wait_for(adapter.search_products(brief), timeout=timeout)), ""
    except (PartnerFailed, TimeoutError):
        return [], f"{adapter.name}'s product search did not answer; here is a search link instead."


async def _step(on_step: OnStep | None, text: str) -> None:
    if on_step is not None:
        await on_step(text)


def _new_offer(session: Session, task_id: int, partner_key: str, url: str) -> str:
    token = secrets.token_urlsafe(32)
    session.add(RouteOffer(token=token, task_id=task_id, partner_key=partner_key, url=url))
    return f"/go/{token}"


def save(
    session: Session,
    *,
    viewer: Viewer | None,
    task_id: int,
    routed: Routed,
    adapters: Mapping[str, PartnerAdapter],
    links: Mapping[str, PartnerLinks],
) -> Menu:
    """(e) One unit of work: the task's kind, this menu's links as offers (the task's earlier unclicked ones go, so
    reloading never grows the table), and one impression for each partner shown."""
    task = owned_task(session, viewer, task_id, lock=True)
    assert task.id is not None
    offered_now = {p.key for p in partner_rows.offered(session, adapters)}
    c = routed.classification
    task.kind, task.updated_at = c.kind, utcnow()
    session.add(task)
    live.touch(session, live.tasks_topic(task.owner_id))
    session.execute(delete(RouteOffer).where(col(RouteOffer.task_id) == task.id, col(RouteOffer.clicked_at).is_(None)))
    options: list[MenuOption] = []
    shown: list[str] = []
    for routed_option in routed.options:
        option = routed_option.option
        if option.partner and option.partner not in offered_now:
            continue  # suspended while the menu was being made
        options.append(_menu_option(session, task.id, routed_option, adapters))
        shown += [option.partner] if option.partner else []
    products = [_menu_product(session, task.id, key, p, adapters) for key, p in routed.products if key in offered_now]
    partner_rows.record_offered(session, shown)
    return Menu(
        task_id=task.id,
        title=task.title,
        kind=c.kind,
        kind_label=KIND_LABELS.get(c.kind, c.kind),
        reason=c.reason,
        options=options,
        products=products,
        shopping_list=_shopping_list(routed, adapters),
        disclosure=_disclosure(options, adapters, links),
        notes=list(routed.notes),
    )


def _menu_option(
    session: Session, task_id: int, routed: RoutedOption, adapters: Mapping[str, PartnerAdapter]
) -> MenuOption:
    option = routed.option
    adapter = adapters.get(option.partner) if option.partner else None
    draft = routed.draft
    path = _new_offer(session, task_id, option.partner, routed.url) if adapter and routed.url else ""
    return MenuOption(
        route=option.route,
        route_label=ROUTE_LABELS.get(option.route, option.route),
        partner_key=option.partner,
        partner_name=adapter.name if adapter else "",
        reason=option.reason,
        click_path=path,
        token=path.removeprefix("/go/"),
        draft_title=draft.title if draft else "",
        draft_description=draft.description if draft else "",
        draft_budget=draft.budget if draft else "",
        draft_timing=draft.timing if draft else "",
        draft_location=draft.location if draft else "",
        draft_text=draft.as_text() if draft else "",
        can_create_post=bool(adapter and option.route == "outside" and adapter.api_enabled),
    )


def _menu_product(
    session: Session, task_id: int, key: str, product: Product, adapters: Mapping[str, PartnerAdapter]
) -> MenuProduct:
    path = _new_offer(session, task_id, key, product.url)
    return MenuProduct(
        title=product.title,
        price=Money(product.price_minor, product.currency).format() if product.price_minor is not None else "",
        image_url=product.image_url if product.image_url.startswith("https://") else "",
        click_path=path,
        token=path.removeprefix("/go/"),
        partner_name=adapters[key].name,
    )


def _shopping_list(routed: Routed, adapters: Mapping[str, PartnerAdapter]) -> str:
    """A product task's list to copy, when no product partner's API answered with products."""
    c = routed.classification
    if c.kind != "product" or routed.products:
        return ""
    return "\n".join(c.items or (c.query,))


def _disclosure(
    options: Sequence[MenuOption], adapters: Mapping[str, PartnerAdapter], links: Mapping[str, PartnerLinks]
) -> str:
    """Said whenever a product link carries affiliate parameters, naming the partners whose links do."""
    names = [
        adapters[o.partner_key].name
        for o in options
        if o.route == "buy" and o.partner_key in links and links[o.partner_key].affiliate_params
    ]
    if not names:
        return ""
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return DISCLOSURE.format(names=joined)


async def build_menu(
    *,
    session_factory: SessionFactory,
    viewer: Viewer | None,
    task_id: object,
    adapters: Mapping[str, PartnerAdapter],
    classifier: TaskClassifier | None,
    timeout: float,
    on_step: OnStep | None = None,
) -> Menu:
    """The menu for the viewer's own task: a read, the slow part with no transaction open, one unit of work."""
    with session_factory() as session:
        inputs = begin(session, viewer=viewer, task_id=task_id, adapters=adapters)
    routed = await route(inputs, adapters=adapters, classifier=classifier, timeout=timeout, on_step=on_step)
    with session_factory() as session:
        return save(
            session, viewer=viewer, task_id=inputs.task.id, routed=routed, adapters=adapters, links=inputs.links
        )
