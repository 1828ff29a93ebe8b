"""Where a member returns after signing in: only a page of this app; everything else lands on the dashboard."""

from __future__ import annotations

import pytest

from jtbd_app.domain.return_path import DASHBOARD, return_query, safe_return_path


@pytest.mark.parametrize(
    "target",
    ["/listings/12", "/marketplace?q=logo&sort=newest", "/u/ann", "/problems/new", "/contracts/3#messages", "/"],
)
def test_a_page_of_this_app_is_where_the_member_returns(target: str) -> None:
    assert safe_return_path(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        42,
        "https://evil.example/listings/1",
        "http:/evil.example",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/listings/1\r\nSet-Cookie: x=1",
        "/\x00",
        "/listings/\x7f",
        "/%2F%2Fevil.example/../",
        "/%2f%2fevil.example",
        "/%5cevil.example",
        "/ evil",
        "listings/12",
        "evil.example",
        "/api/auth/complete?grant=x",
        "/api/contracts/files/1",
        "/API/auth/sign-out",
        "/%61pi/auth/complete",
        "/_upload",
        "/_event",
        "/go/partner-token",
        "/login",
        "/login?next=/listings/1",
        "/signup",
        "/SIGNUP/",
        "/reset-password?token=secret",
        "/verify-email?token=secret",
        "/connect-sign-in?token=secret",
        "/listings/../api/auth/complete",
        "/./api",
        "/" + "a" * 600,
    ],
)
def test_anything_else_falls_back_to_the_dashboard(target: object) -> None:
    assert safe_return_path(target) == DASHBOARD


def test_the_return_query_is_encoded_and_empty_for_the_dashboard() -> None:
    assert return_query("/marketplace?q=logo&sort=newest") == "?next=/marketplace%3Fq%3Dlogo%26sort%3Dnewest"
    assert return_query("/listings/12") == "?next=/listings/12"
    assert return_query("https://evil.example") == ""
    assert return_query("/") == ""
