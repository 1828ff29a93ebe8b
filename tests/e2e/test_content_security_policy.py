"""The production build runs under a Content-Security-Policy whose script-src allows this origin and the hashes of
the build's own inline scripts, never 'unsafe-inline': the main pages load without a single violation."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.support.app_server import AppServer
from tests.support.browser import PolicyViolations
from tests.support.contract_journey import contract_in, contract_url, new_member, open_contract, sign_in_as
from tests.support.factories import make_listing


def directive(policy: str, name: str) -> list[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    raise AssertionError(f"no {name} in {policy!r}")


def test_the_policy_allows_scripts_by_origin_and_hash_only(app_server: AppServer) -> None:
    policy = httpx.get(f"{app_server.url}/login", timeout=10).headers["content-security-policy"]
    scripts = directive(policy, "script-src")
    assert "'self'" in scripts and "'unsafe-inline'" not in scripts and "*" not in scripts
    assert any(re.fullmatch(r"'sha256-[A-Za-z0-9+/]+={0,2}'", s) for s in scripts)
    assert directive(policy, "object-src") == ["'none'"] and directive(policy, "frame-ancestors") == ["'none'"]
    assert directive(policy, "base-uri") == ["'self'"] and directive(policy, "form-action") == ["'self'"]
    assert directive(policy, "default-src") == ["'self'"]


def test_the_main_pages_load_without_a_policy_violation(app_server: AppServer, app_database: None, page: Page) -> None:
    base = app_server.url
    violations = PolicyViolations(page)
    seen: dict[str, list[str]] = {}

    def visit(path: str, heading: str | re.Pattern[str]) -> None:
        page.goto(f"{base}{path}")
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
        seen[path] = violations.found()

    client, contractor = new_member("cspc", "Csp Client"), new_member("cspk", "Csp Contractor")
    listing = make_listing(client.user, title="A listing under the policy")
    visit("/", "Get jobs done, not people hired.")
    visit("/marketplace", "Marketplace")
    visit("/login", "Sign in")
    visit("/signup", "Create your account")
    visit(f"/listings/{listing.id}", "A listing under the policy")

    deal = contract_in("funded", client, contractor)
    sign_in_as(page, base, client)  # the sign-in form redirects through rx.call_script (eval)
    seen["sign-in"] = violations.found()
    open_contract(page, contract_url(base, deal))
    seen["contract"] = violations.found()
    visit("/wallet", "Wallet")

    assert {path: found for path, found in seen.items() if found} == {}


def test_an_injected_inline_script_is_refused_and_reported(app_server: AppServer, page: Page) -> None:
    violations = PolicyViolations(page)
    page.goto(f"{app_server.url}/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in found for found in violations.found())
