"""A newcomer's first minute: the app has an icon, a page opened on another host moves to APP_URL before it loads, a
page whose websocket is refused says where to go, text typed before the page is live is kept, and the console of the
running app carries no advice or deprecation meant for its developers."""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import urlparse

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.support.app_server import ROOT, AppServer
from tests.support.browser import sign_in
from tests.support.contract_journey import PASSWORD, new_member

ICONS = {
    "/favicon.ico": "image/vnd.microsoft.icon",
    "/icon.svg": "image/svg+xml",
    "/icon-192.png": "image/png",
    "/icon-512.png": "image/png",
    "/apple-touch-icon.png": "image/png",
    "/manifest.webmanifest": "application/manifest+json",
}


def _loopback_url(server: AppServer) -> str:
    """The app's address by IP (127.0.0.1) rather than by its APP_URL name (localhost)."""
    return f"http://127.0.0.1:{server.port}"


@pytest.mark.parametrize(("path", "kind"), ICONS.items())
def test_the_icons_and_the_manifest_are_served(app_server: AppServer, path: str, kind: str) -> None:
    response = httpx.get(f"{app_server.url}{path}", timeout=10)
    assert response.status_code == 200, path
    assert response.headers["content-type"].split(";")[0] == kind
    assert len(response.content) > 100


def test_the_manifest_names_the_app_and_its_icons(app_server: AppServer) -> None:
    manifest = httpx.get(f"{app_server.url}/manifest.webmanifest", timeout=10).json()
    assert manifest["name"] == "JTBD Marketplace"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert httpx.get(f"{app_server.url}{icon['src']}", timeout=10).status_code == 200


@pytest.mark.parametrize("path", ["/", "/login", "/marketplace"])
def test_every_page_links_its_icons_in_the_html_it_serves(app_server: AppServer, path: str) -> None:
    html = httpx.get(f"{app_server.url}{path}", timeout=10, follow_redirects=True).text
    head = html.split("</head>")[0]
    for rel, href in [
        ("icon", "/favicon.ico"),
        ("icon", "/icon.svg"),
        ("apple-touch-icon", "/apple-touch-icon.png"),
        ("manifest", "/manifest.webmanifest"),
    ]:
        assert re.search(rf'<link[^>]*href="{re.escape(href)}"[^>]*rel="{rel}"', head), (path, rel, href)


def test_a_page_on_a_listing_links_its_icons_in_the_browser(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/marketplace")
    expect(page.locator('head link[rel="icon"][href="/icon.svg"]')).to_have_count(1)
    expect(page.locator('head link[rel="manifest"]')).to_have_attribute("href", "/manifest.webmanifest")


def test_another_host_is_redirected_to_the_same_path_on_app_url(app_server: AppServer) -> None:
    response = httpx.get(f"{_loopback_url(app_server)}/marketplace?q=logo&sort=new", timeout=10)
    assert response.status_code == 307
    assert response.headers["location"] == f"{app_server.url}/marketplace?q=logo&sort=new"
    assert httpx.get(f"{app_server.url}/marketplace", timeout=10, follow_redirects=True).status_code == 200
    assert httpx.get(f"{_loopback_url(app_server)}/healthz", timeout=10).status_code == 200  # probes by IP still work


def test_opened_by_ip_the_app_moves_to_app_url_and_sign_in_works(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    member = new_member("byip", "By Ip")
    page.goto(f"{_loopback_url(app_server)}/login")
    expect(page).to_have_url(re.compile(rf"^{re.escape(app_server.url)}/login/?$"))
    sign_in(page, _loopback_url(app_server), member.username, PASSWORD)
    expect(page).to_have_url(re.compile(rf"^{re.escape(app_server.url)}/?$"))


def test_a_page_whose_websocket_is_refused_says_which_address_to_open(app_server: AppServer, page: Page) -> None:
    """A proxy that says the request was for APP_URL's host (so no redirect) while the browser is on another origin:
    the websocket's origin check refuses it, as it refused http://127.0.0.1:3000 before the redirect existed."""
    page.set_extra_http_headers({"X-Forwarded-Host": urlparse(app_server.url).netloc})
    page.goto(f"{_loopback_url(app_server)}/login")
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:"))

    notice = page.get_by_role("alert").filter(has_text="cannot reach the JTBD Marketplace server")
    expect(notice).to_be_visible(timeout=30_000)
    expect(notice.get_by_role("link", name=app_server.url)).to_have_attribute("href", app_server.url)


def test_the_notice_stays_away_while_the_websocket_works(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.wait_for_timeout(3000)
    expect(page.get_by_text("cannot reach the JTBD Marketplace server")).to_have_count(0)


class HeldScripts:
    """Holds the page's scripts (a slow network) until released, then lets every one through."""

    def __init__(self) -> None:
        self.held: list[Route] = []
        self.released = False

    def handle(self, route: Route) -> None:
        if self.released:
            route.continue_()
        else:
            self.held.append(route)

    def release(self) -> None:
        self.released = True
        for route in self.held:
            route.continue_()


def test_text_typed_before_the_page_is_live_is_kept_and_submitted(
    app_server: AppServer, app_database: None, page: Page
) -> None:
    """The scripts arrive late (a slow phone, a loaded server): the person types into the form the server sent and
    presses Enter before the page is live. Nothing is submitted natively (no password in the address, no reload that
    empties the form); once live, the same text signs them in."""
    member = new_member("early", "Early Bird")
    scripts = HeldScripts()
    page.route(re.compile(r"/assets/.*\.js$"), scripts.handle)
    page.goto(f"{app_server.url}/login", wait_until="commit")
    identifier, password = page.get_by_label("Email or username"), page.get_by_label("Password")
    identifier.fill(member.username)
    password.fill(PASSWORD)
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_disabled()
    password.press("Enter")
    page.wait_for_timeout(500)
    assert "password" not in page.url
    expect(identifier).to_have_value(member.username)

    scripts.release()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_enabled(timeout=30_000)
    expect(identifier).to_have_value(member.username)
    expect(password).to_have_value(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible(timeout=30_000)


DEVELOPER_NOISE = [
    "Detected database schema changes",
    "reflex db makemigrations",
    "by its `id`",
    "The httpx module is deprecated",
    "DeprecationWarning",
]


def test_the_running_apps_console_has_no_developer_noise(app_server: AppServer) -> None:
    """`make run` is `jtbd_app.cli prepare` then `reflex run --env prod`: the session's app logs the second to a file."""
    log = app_server.log_path.read_text(errors="replace")
    assert "App running at" in log
    assert [line for line in log.splitlines() if any(noise in line for noise in DEVELOPER_NOISE)] == []


def test_preparing_the_database_prints_the_demo_accounts_and_no_developer_noise(app_server: AppServer) -> None:
    prepared = subprocess.run(
        [sys.executable, "-m", "jtbd_app.cli", "prepare"],
        cwd=ROOT,
        env=app_server.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    output = prepared.stdout + prepared.stderr
    assert "Database ready" in output
    assert [line for line in output.splitlines() if any(noise in line for noise in DEVELOPER_NOISE)] == []
