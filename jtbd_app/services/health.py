"""Readiness of the parts a load balancer cares about."""

from __future__ import annotations

import hmac
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine


def check(*, engine: Engine, redis_url: str) -> tuple[bool, dict[str, Any]]:
    report: dict[str, Any] = {"database": {"backend": engine.dialect.name}}
    healthy = True
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        report["database"]["status"] = "ok"
    except Exception as exc:  # any driver error means "down" to a load balancer
        healthy = False
        report["database"].update(status="down", error=type(exc).__name__)
    if redis_url:
        import redis

        try:
            client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
            client.ping()
            client.close()
            report["redis"] = {"status": "ok"}
        except Exception as exc:
            healthy = False
            report["redis"] = {"status": "down", "error": type(exc).__name__}
    else:
        report["redis"] = {"status": "not configured"}
    report["status"] = "ok" if healthy else "degraded"
    return healthy, report


def may_see_details(authorization: str, *, token: str) -> bool:
    """True for `Bearer <token>` when a token is configured (compared in constant time); no token, no details."""
    scheme, _, given = authorization.partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())
