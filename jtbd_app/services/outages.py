"""What a member is told when a backing service (the database, Redis) is away for a moment.

Handlers turn domain errors into messages; an outage is no domain error and reaches Reflex's exception handler,
whose default says only "An error occurred. Contact the website administrator." This names what happened and what
to do: the work was not saved or cannot be told to have been, so look again and try again. Money is safe either
way: a payment the gateway took is matched to its contract by the gateway's report, and a second one is refunded.
"""

from __future__ import annotations

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeout

DATABASE_AWAY = (
    "The marketplace lost touch with its database for a moment, so what you just did may not have been saved. "
    "Reload the page in a minute to see where things stand, then try again if needed. "
    "You are never charged twice: a payment that went through is matched to your contract, and a second one is "
    "refunded."
)
SESSIONS_AWAY = (
    "The marketplace could not reach its session store for a moment, so this page could not be updated. "
    "Reload the page in a minute and try again; nothing you saved before is lost."
)


def outage_message(exc: BaseException) -> str:
    """The message for an exception caused by the database or Redis being unreachable; "" for anything else."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:  # the outage may be the cause of what was raised
        seen.add(id(current))
        if isinstance(current, DBAPIError) and (current.connection_invalidated or _lost_connection(current)):
            return DATABASE_AWAY
        if isinstance(current, DisconnectionError | PoolTimeout):
            return DATABASE_AWAY
        if isinstance(current, RedisConnectionError | RedisTimeoutError):
            return SESSIONS_AWAY
        current = current.__cause__ or current.__context__
    return ""


def _lost_connection(exc: DBAPIError) -> bool:
    """The driver's "could not connect" or "connection closed": an OperationalError or InterfaceError in DB-API
    terms (a constraint or a syntax error is not an outage)."""
    return type(exc).__name__ in ("OperationalError", "InterfaceError")
