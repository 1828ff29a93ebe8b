"""`GET /go/{token}`: a menu link counts its click and sends the browser on to its partner's page; anything else is
the same plain 404, so it redirects nowhere else and tells nothing about tokens, tasks or partners."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from jtbd_app import bootstrap
from jtbd_app.api.app import create_api
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.models import Partner, PartnerDaily, RouteOffer
from jtbd_app.services.delegate import clicks, menu
from tests.support.delegate_menu import add_task
from tests.support.members import make_user
from tests.support.viewers import viewer_of


def client() -> TestClient:
    return TestClient(create_api(), base_url="http://localhost:3000", follow_redirects=False)


def offered_link(title: str = "Buy lightbulbs") -> menu.MenuOption:
    ann = make_user("ann")
    built = asyncio.run(
        menu.build_menu(
            session_factory=session_scope,
            viewer=viewer_of(ann),
            task_id=add_task(ann, title),
            adapters=bootstrap.partners(get_settings()),
            classifier=None,
            timeout=1.0,
        )
    )
    return next(o for o in built.options if o.partner_key == "amazon")


def clicks_of(db: Session, key: str) -> int:
    db.expire_all()
    row = db.exec(select(PartnerDaily).where(PartnerDaily.partner_key == key)).first()
    return row.clicks if row else 0


def assert_plain_404(response: httpx.Response) -> None:
    assert response.status_code == 404 and response.text == "Not found." and "location" not in response.headers


def test_an_offered_link_is_counted_once_per_click_and_redirects_to_the_partner(db: Session) -> None:
    option = offered_link()
    first = client().get(option.click_path)
    assert first.status_code == 303 and first.headers["cache-control"] == "no-store"
    assert first.headers["location"].startswith("https://www.amazon.com/s?k=lightbulbs")
    offer = db.get(RouteOffer, option.token)
    assert offer is not None and offer.clicked_at is not None
    clicked_at = offer.clicked_at
    assert clicks_of(db, "amazon") == 1
    assert client().get(option.click_path).status_code == 303
    assert clicks_of(db, "amazon") == 2
    db.expire_all()
    offer = db.get(RouteOffer, option.token)
    assert offer is not None and offer.clicked_at == clicked_at


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/phish",
        "https://amazon.com.evil.example/s?k=x",
        "https://evil.example@amazon.com.evil.example/",
        "javascript:alert(1)",
        "//evil.example/",
        "http://www.amazon.com/s?k=x",
    ],
)
def test_a_tampered_link_to_a_foreign_host_is_refused(db: Session, url: str) -> None:
    option = offered_link()
    with session_scope() as s:
        offer = s.get(RouteOffer, option.token)
        assert offer is not None
        offer.url = url
    assert_plain_404(client().get(option.click_path))
    assert clicks_of(db, "amazon") == 0


def test_unknown_malformed_and_suspended_links_are_the_same_404(db: Session) -> None:
    option = offered_link()
    unknown = client().get("/go/" + "A" * 43)
    malformed = client().get("/go/%3Cscript%3Ealert(1)")
    too_long = client().get("/go/" + "A" * 500)
    with session_scope() as s:
        amazon = s.get(Partner, "amazon")
        assert amazon is not None
        amazon.status = "suspended"
    suspended = client().get(option.click_path)
    for response in (unknown, malformed, too_long, suspended):
        assert_plain_404(response)
    assert {r.text for r in (unknown, malformed, too_long, suspended)} == {"Not found."}
    assert {tuple(sorted(r.headers.keys())) for r in (unknown, suspended)} == {tuple(sorted(unknown.headers.keys()))}
    assert clicks_of(db, "amazon") == 0


def test_a_link_to_a_partner_no_longer_in_the_registry_is_not_followed(db: Session) -> None:
    option = offered_link()
    with session_scope() as s:
        assert clicks.follow(s, option.token, lambda key: None) is None
        assert clicks.follow(s, option.token, lambda key: ("amazon.com",)) == s.get(RouteOffer, option.token).url  # type: ignore[union-attr]
