"""What a member is told when an event fails because the database or Redis is away, instead of Reflex's "An error
occurred. Contact the website administrator."."""

from __future__ import annotations

import psycopg
import pytest
import redis
from sqlalchemy.exc import IntegrityError, OperationalError

from jtbd_app.services.outages import DATABASE_AWAY, SESSIONS_AWAY, outage_message
from jtbd_app.state.outages import backend_exception_handler


def refused_connection() -> OperationalError:
    """The error SQLAlchemy raises when PostgreSQL does not take the connection (a free port: nothing listens)."""
    try:
        psycopg.connect("postgresql://postgres@127.0.0.1:9/x", connect_timeout=1)
    except psycopg.OperationalError as exc:
        return OperationalError("SELECT 1", {}, exc)
    raise AssertionError("something answered on port 9")


def test_a_database_that_does_not_answer_is_a_message_to_look_again_and_retry() -> None:
    assert outage_message(refused_connection()) == DATABASE_AWAY
    assert "try again" in DATABASE_AWAY and "never charged twice" in DATABASE_AWAY


def test_an_outage_behind_another_exception_is_found_by_its_cause() -> None:
    try:
        try:
            raise refused_connection()
        except OperationalError as exc:
            raise RuntimeError("the handler failed") from exc
    except RuntimeError as wrapped:
        assert outage_message(wrapped) == DATABASE_AWAY


def test_redis_that_does_not_answer_is_a_message_to_reload() -> None:
    with pytest.raises(redis.ConnectionError) as lost:
        redis.Redis(port=9, socket_connect_timeout=1).ping()
    assert outage_message(lost.value) == SESSIONS_AWAY


def test_a_bug_or_a_constraint_is_no_outage() -> None:
    assert outage_message(ValueError("bug")) == ""
    assert outage_message(IntegrityError("INSERT", {}, Exception("duplicate key"))) == ""


def test_the_apps_handler_shows_the_outage_message_and_leaves_other_errors_to_reflex() -> None:
    outage = backend_exception_handler(refused_connection())
    other = backend_exception_handler(ValueError("bug"))

    assert DATABASE_AWAY in str(outage)
    assert DATABASE_AWAY not in str(other) and "An error occurred." in str(other)
