"""The readiness endpoint a load balancer polls: ok or not ok for anyone, details only with the token."""

from __future__ import annotations

import httpx

from tests.support.app_server import HEALTHZ_TOKEN, AppServer


def test_healthz_tells_anyone_only_that_it_is_ok(app_server: AppServer) -> None:
    response = httpx.get(f"{app_server.url}/healthz", timeout=10)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"status": "ok"}


def test_healthz_reports_the_database_to_the_bearer_of_the_token(app_server: AppServer) -> None:
    headers = {"Authorization": f"Bearer {HEALTHZ_TOKEN}"}
    report = httpx.get(f"{app_server.url}/healthz", headers=headers, timeout=10).json()

    assert report["database"]["status"] == "ok" and report["database"]["backend"] in ("sqlite", "postgresql")
    assert report["status"] == "ok"
    wrong = httpx.get(f"{app_server.url}/healthz", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert wrong.json() == {"status": "ok"}
