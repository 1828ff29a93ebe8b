"""The readiness endpoint a load balancer polls."""

from __future__ import annotations

import httpx

from tests.support.app_server import AppServer


def test_healthz_answers_200_and_reports_the_database_ok(app_server: AppServer) -> None:
    response = httpx.get(f"{app_server.url}/healthz", timeout=10)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    report = response.json()
    assert report["database"]["status"] == "ok"
    assert report["status"] == "ok"
