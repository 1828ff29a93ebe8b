"""One place that turns what can go wrong with an outside identity provider into `ExternalSignInFailed`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from authlib.common.errors import AuthlibBaseError
from joserfc.errors import JoseError

from jtbd_app.domain.errors import ExternalSignInFailed

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@contextmanager
def provider_errors(provider: str, step: str) -> Iterator[None]:
    """Re-raise network, protocol, token and payload errors of `step` as a refusal the user can read."""
    try:
        yield
    except ExternalSignInFailed:
        raise
    except httpx.TimeoutException as exc:
        raise ExternalSignInFailed(f"{provider}: {step} timed out ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise ExternalSignInFailed(f"{provider}: {step} failed: {type(exc).__name__}: {exc}") from exc
    except AuthlibBaseError as exc:
        raise ExternalSignInFailed(f"{provider}: {step} refused: {exc.error}: {exc.description}") from exc
    except JoseError as exc:
        raise ExternalSignInFailed(f"{provider}: {step}: invalid token: {exc.error}: {exc.description}") from exc
    except (ValueError, TypeError, KeyError) as exc:
        raise ExternalSignInFailed(f"{provider}: {step}: unexpected answer: {type(exc).__name__}: {exc}") from exc


def json_object(response: httpx.Response) -> dict[str, object]:
    """The JSON object of a successful response, or a ValueError that says what came instead."""
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object from {response.request.url}")
    return data
