"""The httpx link checker against real local web servers: what resolves, what is broken, HEAD falling back to GET,
redirects followed by hand (at most five), and no request ever reaching a private or loopback address unless a test
allowed that loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jtbd_app.adapters.link_checker_httpx import HttpxLinkChecker
from jtbd_app.services.ports import LinkResult
from tests.support.link_server import LinkServer


@pytest.fixture
def site() -> Iterator[LinkServer]:
    with LinkServer() as server:
        yield server


@pytest.fixture
def internal() -> Iterator[LinkServer]:
    """A second local server standing for something on our own network: no test allows its port."""
    with LinkServer() as server:
        yield server


def checker_for(site: LinkServer) -> HttpxLinkChecker:
    return HttpxLinkChecker(timeout=3.0, allow_loopback_ports={site.port})


async def test_a_page_that_answers_200_resolves(site: LinkServer) -> None:
    result = await checker_for(site).check(site.url("/ok"))

    assert result == LinkResult(True, 200, "")
    assert site.seen == [("HEAD", "/ok")]


async def test_a_missing_page_is_broken_after_trying_get_too(site: LinkServer) -> None:
    result = await checker_for(site).check(site.url("/missing"))

    assert (result.ok, result.status) == (False, 404)
    assert site.seen == [("HEAD", "/missing"), ("GET", "/missing")]


async def test_a_server_that_refuses_head_is_asked_with_get(site: LinkServer) -> None:
    result = await checker_for(site).check(site.url("/no-head"))

    assert (result.ok, result.status) == (True, 200)


async def test_a_redirect_to_a_page_that_resolves_is_followed(site: LinkServer) -> None:
    result = await checker_for(site).check(site.url("/redirect?to=/ok"))

    assert (result.ok, result.status) == (True, 200)
    assert site.seen == [("HEAD", "/redirect"), ("HEAD", "/ok")]


async def test_loopback_is_refused_by_default_and_nothing_is_requested(site: LinkServer) -> None:
    result = await HttpxLinkChecker(timeout=3.0).check(site.url("/ok"))

    assert (result.ok, result.status) == (False, None) and "private or local address" in result.reason
    assert site.seen == []


async def test_localhost_by_name_is_refused_by_default(site: LinkServer) -> None:
    result = await HttpxLinkChecker(timeout=3.0).check(f"http://localhost:{site.port}/ok")

    assert result.status is None and "private or local address" in result.reason
    assert site.seen == []


async def test_a_redirect_to_127_0_0_1_on_a_port_not_allowed_is_refused(site: LinkServer, internal: LinkServer) -> None:
    target = internal.url("/ok")

    result = await checker_for(site).check(site.url(f"/redirect?to={target}"))

    assert (result.ok, result.status) == (False, None) and "private or local address" in result.reason
    assert internal.seen == [], "the internal server must never be reached"


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/admin", "http://[::1]:80/", "http://0.0.0.0/"],
)
async def test_a_redirect_to_a_private_or_link_local_address_is_refused(site: LinkServer, target: str) -> None:
    result = await checker_for(site).check(site.url(f"/redirect?to={target}"))

    assert result.status is None and "private or local address" in result.reason


async def test_more_than_five_redirects_do_not_resolve(site: LinkServer) -> None:
    result = await checker_for(site).check(site.url("/loop/0"))

    assert not result.ok and "more than 5 times" in result.reason
    assert len([p for m, p in site.seen if m == "HEAD"]) == 6


async def test_a_host_that_does_not_exist_is_not_found() -> None:
    result = await HttpxLinkChecker(timeout=3.0).check("http://no-such-host.invalid/")

    assert (result.ok, result.status) == (False, None) and "was not found" in result.reason


async def test_only_web_links_are_checked() -> None:
    result = await HttpxLinkChecker().check("file:///etc/passwd")

    assert result == LinkResult(False, None, "only http and https links are checked")
