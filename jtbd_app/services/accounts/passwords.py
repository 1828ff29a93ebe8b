"""Password hashing with argon2id through argon2-cffi.

The parameters are OWASP's (Password Storage Cheat Sheet): 19 MiB of memory, 2 passes, 1 lane. argon2-cffi's own
default (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes) cost about 160 ms of CPU a check on these 2-core
machines, against about 25 ms: every sign-in held a core that long, which put signing in above the load target's
p95 and made each guessed password a cheap way to load the server (docs/PERFORMANCE.md, "Load, third round").
A hash made with other parameters still verifies, and is made again with these at its next successful sign-in
(membership).
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TIME_COST = 2
MEMORY_COST_KIB = 19 * 1024
PARALLELISM = 1


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return production_hasher()


def production_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("not-a-real-password-used-for-timing")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists or has a password."""
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
