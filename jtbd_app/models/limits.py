"""Rate-limit counters, when the database holds them (without REDIS_URL)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class RateLimitCounter(SQLModel, table=True):
    """One fixed window of one policy for one member or address (`domain/rate_limits.windows` names the key)."""

    key: str = Field(max_length=200, primary_key=True)
    hits: int = Field(default=0)
    expires_at: int = Field(index=True)  # epoch seconds: the window's end, after which the row is swept
