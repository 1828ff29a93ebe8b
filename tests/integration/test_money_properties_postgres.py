"""The money property test on PostgreSQL: the machine of tests/support/money_machine.py (random sequences of
contract money actions and of Stripe's doings, two workers at once on their own connections, the books checked
after every step), on a database built by the migrations (with the ledger's triggers).

Each sequence starts from its own copy of the prepared database (CREATE DATABASE ... TEMPLATE). The "money-pg"
profile tries 40 sequences of up to 15 steps (well under three minutes here); MONEY_PROFILE=money-pg-deep tries
400 of up to 25. MONEY_WITHOUT leaves rule families out (see the machine's docstring).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from jtbd_app import cli
from jtbd_app.config import _normalise_db_url
from jtbd_app.db import get_engine, session_scope
from jtbd_app.services.accounts import terms
from jtbd_app.services.viewer import Viewer
from tests.integration.conftest import PG_ADMIN_URL
from tests.support.contracts import Deal, agreed_contract
from tests.support.database import database_env, use_database
from tests.support.members import make_user
from tests.support.money_machine import GatewayMoney, open_accounts
from tests.support.problem_money import ProblemDeal, planned
from tests.support.problem_money_machine import ProblemMoney
from tests.support.viewers import viewer_of

settings.register_profile(
    "money-pg",
    max_examples=40,
    stateful_step_count=15,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile("money-pg-deep", settings.get_profile("money-pg"), max_examples=400, stateful_step_count=25)
PROFILE = os.environ.get("MONEY_PROFILE", "")
MONEY_PG = settings.get_profile(PROFILE if PROFILE.startswith("money-pg") else "money-pg")
settings.register_profile("problem-money-pg", settings.get_profile("money-pg"), max_examples=30, stateful_step_count=15)
PROBLEM_MONEY_PG = settings.get_profile("problem-money-pg")


@dataclass
class PostgresWorld:
    """The prepared database as a template database, and each starting point built from it as one too."""

    admin_url: str
    name: str  # the database the app uses; recreated from a template for every sequence
    template: str
    deals: tuple[Deal, ...]
    stranger: Viewer
    starts: dict[tuple[str, ...], str] = field(default_factory=dict)
    problem: ProblemDeal = field(default_factory=lambda: ProblemDeal(0, Viewer(0, "", "", "member", "active")))

    def admin(self, *statements: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)  # type: ignore[arg-type]

    def restore(self, start: tuple[str, ...] | None) -> bool:
        get_engine().dispose()
        saved = self.starts.get(start) if start else None
        self.admin(
            f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)',
            f'CREATE DATABASE "{self.name}" TEMPLATE "{saved or self.template}"',
        )
        return saved is not None

    def save(self, start: tuple[str, ...]) -> None:
        get_engine().dispose()
        copy = f"{self.name}_s{len(self.starts)}"
        self.admin(f'CREATE DATABASE "{copy}" TEMPLATE "{self.name}"')
        self.starts[start] = copy

    def drop_copies(self) -> None:
        get_engine().dispose()
        self.admin(
            *(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in (self.template, *self.starts.values()))
        )


@pytest.fixture
def prepared(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[PostgresWorld]:
    yield from prepare(postgres_url, monkeypatch, with_problem=False)


@pytest.fixture
def prepared_with_a_problem(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[PostgresWorld]:
    yield from prepare(postgres_url, monkeypatch, with_problem=True)


def prepare(postgres_url: str, monkeypatch: pytest.MonkeyPatch, *, with_problem: bool) -> Iterator[PostgresWorld]:
    """Carol hired Ken twice (once through Kim's listing) and Kim once, in yen; Eve is a stranger to all three; with
    a problem, Carol's $3,000 problem is planned beside them."""
    cli.migrate(_normalise_db_url(postgres_url))
    with use_database(monkeypatch, database_env(postgres_url)):
        with session_scope() as session:
            terms.publish_terms(session, title="Terms", body="Be nice.")
        carol, ken, kim, eve = (make_user(name) for name in ("carol", "ken", "kim", "eve"))
        deals = (
            agreed_contract(carol, ken, price="100"),
            agreed_contract(kim, ken, price="10.05"),
            agreed_contract(carol, kim, price="55", currency="JPY"),
        )
        open_accounts(deals)
        name = postgres_url.rsplit("/", 1)[1]
        world = PostgresWorld(PG_ADMIN_URL, name, f"{name}_t", deals, viewer_of(eve))
        if with_problem:
            world.problem = planned(carol)
        get_engine().dispose()
        world.admin(f'CREATE DATABASE "{world.template}" TEMPLATE "{name}"')
        try:
            yield world
        finally:
            world.drop_copies()


def test_money_stays_right_on_postgresql_with_two_workers_at_once(prepared: PostgresWorld) -> None:
    class OnPostgres(GatewayMoney):
        world = prepared

    run_state_machine_as_test(OnPostgres, settings=MONEY_PG)


def test_a_problems_money_stays_right_on_postgresql(prepared_with_a_problem: PostgresWorld) -> None:
    """The problem machine (tests/support/problem_money_machine.py) on the migrated schema, whose balance guard
    refuses a problem's escrow below zero: 30 sequences of up to 15 steps."""

    class OnPostgres(ProblemMoney):
        world = prepared_with_a_problem

    run_state_machine_as_test(OnPostgres, settings=PROBLEM_MONEY_PG)
