"""The Delegate menu: a task classified and its routes ranked against the partners offered, links stored as offers,
product searches and a model classifier used when configured and replaced (with a note) when they fail."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import pytest
from sqlmodel import Session, col, func, select

from jtbd_app import bootstrap
from jtbd_app.config import Settings
from jtbd_app.db import session_scope
from jtbd_app.domain.errors import NotFound
from jtbd_app.domain.partner_links import LinkRefused
from jtbd_app.domain.task_routing import classify
from jtbd_app.models import Partner, PartnerDaily, RouteOffer, TodoTask, utcnow
from jtbd_app.services.delegate import menu
from jtbd_app.services.ports import PartnerAdapter, Product, TaskBrief, TaskClassifier
from jtbd_app.services.viewer import Viewer
from tests.support.delegate_menu import ApiPartner, FailingClassifier, FixedClassifier, add_task, api_partners
from tests.support.members import make_user
from tests.support.partner_scorecards import DescribedPartner, described_partners
from tests.support.viewers import viewer_of


def build(
    viewer: Viewer | None,
    task_id: object,
    adapters: Mapping[str, PartnerAdapter] | None = None,
    classifier: TaskClassifier | None = None,
    timeout: float = 2.0,
) -> menu.Menu:
    return asyncio.run(
        menu.build_menu(
            session_factory=session_scope,
            viewer=viewer,
            task_id=task_id,
            adapters=adapters if adapters is not None else described_partners(),
            classifier=classifier,
            timeout=timeout,
        )
    )


def offers(db: Session, task_id: int) -> list[RouteOffer]:
    db.expire_all()
    return list(db.exec(select(RouteOffer).where(RouteOffer.task_id == task_id)).all())


def test_a_product_task_offers_the_shop_first_with_a_tagged_link_and_a_disclosure(db: Session) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Buy lightbulbs")
    built = build(viewer_of(ann), task_id)
    assert built.kind == "product" and built.title == "Buy lightbulbs" and "lightbulbs" in built.reason
    first = built.options[0]
    assert (first.route, first.partner_key, first.partner_name) == ("buy", "shop", "Shop")
    assert first.click_path == f"/go/{first.token}" and len(first.token) == 43
    assert [o.route for o in built.options][-3:] == ["internal", "problem", "self"]
    [offer] = offers(db, task_id)
    assert offer.token == first.token and offer.partner_key == "shop"
    assert offer.url == "https://www.shop.example/s?k=lightbulbs"
    assert built.disclosure == "We may earn a commission from Shop links."
    assert built.shopping_list == "lightbulbs" and built.products == []
    assert built.liability.startswith("Outside providers are independent businesses")
    assert built.liability_link == "/terms#outside-providers"
    row = db.get(TodoTask, task_id)
    assert row is not None and row.kind == "product"


def test_a_digital_task_offers_the_gig_site_with_a_drafted_post(db: Session) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Design a logo for my bakery", "Warm colours, a croissant")
    built = build(viewer_of(ann), task_id)
    assert built.kind == "digital"
    [gigs] = [o for o in built.options if o.route == "outside"]
    assert gigs.partner_key == "gigs" and gigs.draft_title == "Design a logo for my bakery"
    assert gigs.draft_description == "Warm colours, a croissant" and "Warm colours" in gigs.draft_text
    assert not gigs.can_create_post and built.disclosure == "" and built.shopping_list == ""


def test_the_menu_is_only_for_the_owner_of_the_task(db: Session) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    task_id = add_task(ann, "Buy lightbulbs")
    for viewer, task in ((viewer_of(bob), task_id), (None, task_id), (viewer_of(ann), "x"), (viewer_of(ann), 999)):
        with pytest.raises(Exception) as refused:
            build(viewer, task)
        assert isinstance(refused.value, NotFound) or "sign in" in str(refused.value).lower()
    assert offers(db, task_id) == []
    assert db.exec(select(func.count()).select_from(PartnerDaily)).one() == 0


def test_a_suspended_partner_is_never_in_the_menu(db: Session) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Buy lightbulbs")
    build(viewer_of(ann), task_id)
    with session_scope() as s:
        shop = s.get(Partner, "shop")
        assert shop is not None
        shop.status = "suspended"
    built = build(viewer_of(ann), task_id)
    assert "shop" not in {o.partner_key for o in built.options} and built.disclosure == ""
    assert offers(db, task_id) == []


def test_reloading_replaces_the_unclicked_offers_and_keeps_the_clicked_ones(db: Session) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Buy lightbulbs")
    first = build(viewer_of(ann), task_id).options[0].token
    with session_scope() as s:
        offer = s.get(RouteOffer, first)
        assert offer is not None
        offer.clicked_at = utcnow()
    for _ in range(5):
        last = build(viewer_of(ann), task_id).options[0].token
    assert sorted(o.token for o in offers(db, task_id)) == sorted({first, last})
    counted = db.exec(select(PartnerDaily).where(PartnerDaily.partner_key == "shop")).one()
    assert counted.offered == 6 and counted.clicks == 0


def test_impressions_are_counted_for_each_partner_shown(db: Session) -> None:
    ann = make_user("ann")
    build(viewer_of(ann), add_task(ann, "Assemble IKEA wardrobe"))
    rows = db.exec(select(PartnerDaily).order_by(col(PartnerDaily.partner_key))).all()
    assert [(r.partner_key, r.offered) for r in rows] == [("handy", 1)]


def test_a_product_partner_with_an_api_shows_its_products_through_offers(db: Session) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Buy lightbulbs")
    found = [
        Product(
            "LED bulb 4-pack", "https://www.shop.example/dp/1?tag=jtbd-20", 1299, "USD", "https://img.example/1.jpg"
        ),
        Product("Smart bulb", "https://www.shop.example/dp/2", None, "USD", "http://img.example/2.jpg"),
    ]
    adapters = api_partners(shop={"products": found})
    built = build(viewer_of(ann), task_id, adapters)
    assert [(p.title, p.price, p.image_url) for p in built.products] == [
        ("LED bulb 4-pack", "$12.99", "https://img.example/1.jpg"),
        ("Smart bulb", "", ""),
    ]
    stored = {o.token: o.url for o in offers(db, task_id)}
    assert stored[built.products[0].token] == found[0].url and len(stored) == 3
    assert built.shopping_list == "" and built.notes == []
    shop = adapters["shop"]
    assert isinstance(shop, ApiPartner) and [b.query for b in shop.asked] == ["lightbulbs"]
    assert "ann" not in repr(shop.asked).lower()  # nothing of the member goes to the partner


@pytest.mark.parametrize("options", [{"fail": "HTTP 503"}, {"hang": True}])
def test_a_product_search_that_fails_falls_back_to_the_search_link_with_a_note(
    db: Session, options: dict[str, object]
) -> None:
    ann = make_user("ann")
    task_id = add_task(ann, "Buy lightbulbs")
    built = build(viewer_of(ann), task_id, api_partners(shop=options), timeout=0.2)
    assert built.notes == ["Shop's product search did not answer; here is a search link instead."]
    assert built.options[0].route == "buy" and built.options[0].click_path
    assert built.products == [] and built.shopping_list == "lightbulbs"


def test_a_model_classifier_is_used_when_configured(db: Session) -> None:
    ann = make_user("ann")
    built = build(viewer_of(ann), add_task(ann, "Buy lightbulbs"), classifier=FixedClassifier())
    assert built.kind == "local" and built.reason == "The model says: hands-on work" and built.notes == []


def test_a_failing_model_classifier_falls_back_to_the_offline_rules_with_a_note(db: Session) -> None:
    ann = make_user("ann")
    built = build(viewer_of(ann), add_task(ann, "Buy lightbulbs"), classifier=FailingClassifier())
    assert built.kind == "product" and built.options[0].partner_key == "shop"
    assert built.notes == [
        "The AI router could not be used: the model server did not answer; these routes come from the offline rules."
    ]


def test_a_partner_with_a_posting_api_can_create_the_post(db: Session) -> None:
    ann = make_user("ann")
    built = build(viewer_of(ann), add_task(ann, "Design a logo for my bakery"), api_partners(gigs={}))
    [gigs] = [o for o in built.options if o.route == "outside"]
    assert gigs.can_create_post


def test_a_partner_without_a_safe_link_for_the_words_is_left_out(db: Session) -> None:
    class Refusing(DescribedPartner):
        def deep_link(self, brief: TaskBrief, *, template: str, affiliate_params: str) -> str:
            raise LinkRefused("not a safe link")

    adapters: dict[str, PartnerAdapter] = dict(described_partners())
    shop = adapters["shop"]
    assert isinstance(shop, DescribedPartner)
    adapters["shop"] = Refusing(**{f: getattr(shop, f) for f in shop.__dataclass_fields__})
    ann = make_user("ann")
    built = build(viewer_of(ann), add_task(ann, "Buy lightbulbs"), adapters)
    assert [o.route for o in built.options] == ["internal", "problem", "self"]


def test_an_amount_the_member_wrote_becomes_the_drafted_posts_budget() -> None:
    task = menu.TaskText(1, "Design a logo for my bakery, up to €300", "Warm colours", None)
    brief = menu.brief_of(task, classify(task.title, task.notes))
    assert (brief.budget_minor, brief.currency) == (30000, "EUR")
    fiverr = bootstrap.partners(Settings())["fiverr"]  # type: ignore[call-arg]
    draft = fiverr.draft(brief)
    assert draft is not None and draft.budget == "Up to €300.00"
    plain = menu.brief_of(menu.TaskText(2, "Buy 6 lightbulbs", "", None), classify("Buy 6 lightbulbs"))
    assert plain.budget_minor is None
