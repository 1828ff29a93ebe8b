"""db.read_or_write: a page's read that writes only now and then (a row made on first sight for older data, a case
caught up) runs as a read, without SQLite's write lock, and only when it is about to write runs again as a unit of
work; the read itself writes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, event, update
from sqlmodel import Session, col, select

from jtbd_app.db import get_engine, read_or_write
from jtbd_app.models import ContractDocument, MessageThread, Skill
from jtbd_app.state.contracts import ContractState
from tests.support import contracts
from tests.support.handlers import call, state_for
from tests.support.members import make_user, session_token


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every statement the app's engine runs, its first word upper-cased (SELECT, INSERT...); a BEGIN whole."""
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        word = statement.split(None, 1)[0].upper()
        seen.append(statement.upper() if word == "BEGIN" else word)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


def test_a_read_runs_once_and_without_the_write_lock(db: Session, statements: list[str]) -> None:
    db.add(Skill(name="figma"))
    db.commit()
    runs: list[int] = []

    def work(session: Session) -> list[str]:
        runs.append(1)
        return [s.name for s in session.exec(select(Skill)).all()]

    assert read_or_write(work) == ["figma"]
    assert runs == [1] and statements[0] == "BEGIN" and "BEGIN IMMEDIATE" not in " ".join(statements)


@pytest.mark.parametrize("how", ["orm", "core update", "core delete"])
def test_a_read_about_to_write_writes_nothing_and_runs_again_as_a_unit_of_work(
    db: Session, statements: list[str], how: str
) -> None:
    db.add(Skill(name="figma"))
    db.commit()
    attempts: list[list[str]] = []

    def work(session: Session) -> str:
        attempts.append(list(statements))
        if how == "orm":
            session.add(Skill(name="sketch"))
            session.flush()
        elif how == "core update":
            session.execute(update(Skill).where(col(Skill.name) == "figma").values(name="Figma"))
        else:
            session.execute(delete(Skill).where(col(Skill.name) == "figma"))
        return "done"

    assert read_or_write(work) == "done"
    assert len(attempts) == 2
    first = statements[len(attempts[0]) : len(attempts[1])]  # what the read ran: nothing that writes
    assert not {"INSERT", "UPDATE", "DELETE"} & set(first)
    names = {s.name for s in db.exec(select(Skill)).all()}
    assert names == {"orm": {"figma", "sketch"}, "core update": {"Figma"}, "core delete": set()}[how]


def test_a_contract_made_before_its_document_and_thread_gets_them_once_on_its_page(db: Session) -> None:
    cleo = make_user("cleo")
    deal = contracts.agreed_contract(cleo, make_user("carl"))
    db.execute(delete(ContractDocument).where(col(ContractDocument.contract_id) == deal.contract_id))
    db.execute(update(MessageThread).where(col(MessageThread.contract_id) == deal.contract_id).values(contract_id=None))
    db.commit()

    page = state_for(ContractState, token=session_token(cleo), path=f"/contracts/{deal.contract_id}")
    call(page, "load_contract")

    assert page.found and "**Price:**" not in page.detail.document_html and "Price" in page.detail.document_html
    assert page.detail.thread_link.startswith("/messages/")
    kept = db.exec(select(ContractDocument).where(ContractDocument.contract_id == deal.contract_id)).all()
    assert len(kept) == 1
    assert db.exec(select(MessageThread.id).where(MessageThread.contract_id == deal.contract_id)).first() is not None


def test_a_contract_page_opens_in_one_read_without_the_write_lock(db: Session, statements: list[str]) -> None:
    """The contract and its reviews and dispute panels in one read; with the viewer (which the session guard looks
    up before the event; not here), the session summary and the live versions, four transactions, none of which takes
    SQLite's write lock (each view used to take it three times, in six transactions)."""
    cleo = make_user("cleo")
    deal = contracts.agreed_contract(cleo, make_user("carl"))
    contracts.fund(deal)
    page = state_for(ContractState, token=session_token(cleo), path=f"/contracts/{deal.contract_id}")
    statements.clear()

    call(page, "load_contract")

    assert page.found and page.detail.status == "funded"
    assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN"] * 4
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements)
