"""One JSON call to a partner's API, every failure a `PartnerFailed` whose message is safe to show (it names the
partner and what went wrong, never a URL, a key or what the partner said) and whose log line holds no secret."""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
from typing import Any

import httpx

from jtbd_app.services.ports import PartnerFailed

log = logging.getLogger(__name__)
MAX_ANSWER_BYTES = 1_000_000
USER_AGENT = "JTBD-Marketplace-Delegate/1.0"


class PartnerRefused(PartnerFailed):
    """The partner answered with an error status (`status`): 401/403 say our keys or token were refused."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def refused(name: str, status: int) -> PartnerRefused:
    """What to say when a partner answered with an error status."""
    if status in (401, 403):
        message = f"{name} refused our API keys; an admin should check them. The link still works."
    elif status == 429:
        message = f"{name} is busy right now (too many requests); try again in a minute or use the link."
    elif status >= 500:
        message = f"{name} had a problem on its side; try again later or use the link."
    else:
        message = f"{name} did not accept the request; use the link instead."
    return PartnerRefused(message, status=status)


async def call_json(
    name: str,
    method: str,
    url: str,
    *,
    timeout: float,
    headers: dict[str, str] | None = None,
    json: dict[str, Any] | None = None,
    data: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The JSON object `name`'s API answered, or PartnerFailed: no whole answer within `timeout` (however slowly it
    trickles in), unreachable, an error status, a body that is not a JSON object (or larger than MAX_ANSWER_BYTES).
    Redirects are not followed."""
    sent = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
    try:
        async with (
            asyncio.timeout(timeout),
            httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client,
            client.stream(method, url, headers=sent, json=json, data=data) as response,
        ):
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_ANSWER_BYTES:
                    log.warning("%s API answer too large", name)
                    raise unreadable(name)
    except (httpx.TimeoutException, TimeoutError):
        log.warning("%s API did not answer within %ss", name, timeout)
        raise PartnerFailed(f"{name} did not answer in time; try again or use the link.", unanswered=True) from None
    except httpx.HTTPError as exc:
        log.warning("%s API could not be reached: %s", name, type(exc).__name__)
        raise PartnerFailed(f"{name} could not be reached; try again or use the link.") from None
    if not 200 <= response.status_code < 300:
        log.warning("%s API answered HTTP %s", name, response.status_code)
        raise refused(name, response.status_code)
    try:
        answer = jsonlib.loads(bytes(body))
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        log.warning("%s API answer is not a JSON object", name)
        raise unreadable(name)
    return answer


def unreadable(name: str) -> PartnerFailed:
    return PartnerFailed(f"{name} gave an answer we could not read; use the link instead.")


def text_at(answer: Any, *path: str | int) -> Any:
    """The value at `path` in nested dicts and lists, or None where the path does not exist."""
    for step in path:
        if isinstance(step, int) and isinstance(answer, list) and -len(answer) <= step < len(answer):
            answer = answer[step]
        elif isinstance(step, str) and isinstance(answer, dict):
            answer = answer.get(step)
        else:
            return None
    return answer
