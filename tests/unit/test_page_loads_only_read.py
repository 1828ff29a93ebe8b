"""Opening a page again reads: every page's on_load, run on the demo data for a member, the administrator and a
visitor, writes nothing once it has been opened before, except where the page's purpose is a write (listed below with
the reason). A first opening may do once-only work (the partner rows an administrator's first overview registers).

A page load is what every visitor, crawler and reconnecting tab pays for, again and again; a write there costs a
transaction, a lock and, on PostgreSQL, dead rows for the vacuum. A new write in a page load fails here until it is
listed with its reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlmodel import Session, col, select

from jtbd_app.db import get_engine, session_scope
from jtbd_app.models import Contract, MessageThread, Payment, User
from jtbd_app.routes import ROUTES
from jtbd_app.services.delegate import todos
from jtbd_app.services.demo import seed
from tests.support.handlers import app_state_classes, call, state_for
from tests.support.members import session_token
from tests.support.problems import submitted_problem
from tests.support.viewers import viewer_of

# Pages whose every load writes, and why.
WRITING_PAGES = {
    "/admin/disputes/[id]": "an administrator opening a case file reads the parties' private messages: audited",
    "/messages/[id]": "the same for a conversation an administrator opens (a party's opening marks it read only when "
    "something new arrived)",
}
_TRANSACTION = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def writes() -> Iterator[list[str]]:
    found: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "WITH", "PRAGMA", *_TRANSACTION)):
            found.append(" ".join(statement.split())[:100])

    event.listen(get_engine(), "before_cursor_execute", record)
    try:
        yield found
    finally:
        event.remove(get_engine(), "before_cursor_execute", record)


def _paths(db: Session, member: User) -> dict[str, str]:
    """Each dynamic route filled with the member's own data from the demo seed."""
    contract = db.exec(select(Contract).where(Contract.client_id == member.id)).first()
    thread = db.exec(select(MessageThread).where(MessageThread.client_id == member.id)).first()
    payment = db.exec(select(Payment).where(Payment.payer_id == member.id)).first()
    assert contract is not None and thread is not None and payment is not None
    with session_scope() as session:
        task = todos.add_task(session, viewer=viewer_of(member), values={"title": "Fix the kitchen tap"})
    problem = submitted_problem(member)
    return {
        "/u/[username]": f"/u/{member.username}",
        "/admin/disputes/[id]": f"/admin/disputes/{contract.id}",
        "/admin/users/[id]": f"/admin/users/{member.id}",
        "/listings/[id]": f"/listings/{contract.listing_id}",
        "/messages/open": f"/messages/open?listing={contract.listing_id}",
        "/messages/[id]": f"/messages/{thread.id}",
        "/contracts/[id]": f"/contracts/{contract.id}",
        "/wallet/receipts/[id]": f"/wallet/receipts/{payment.id}",
        "/problems/[id]": f"/problems/{problem}",
        "/tasks/[id]/delegate": f"/tasks/{task}/delegate",
    }


def _open_every_page(paths: dict[str, str], token: str | None) -> dict[str, list[str]]:
    """The statements other than reads that each page's load ran, by route."""
    states = {cls.__name__: cls for cls in app_state_classes()}
    found: dict[str, list[str]] = {}
    for route in ROUTES:
        handlers = route.on_load if isinstance(route.on_load, list) else [route.on_load]
        for handler in handlers:
            state_name, name = handler.fn.__qualname__.split(".")
            page = state_for(states[state_name], token=token, path=paths.get(route.path, route.path))
            with writes() as written:
                call(page, name)
            if written:
                found.setdefault(route.path, []).extend(written)
    return found


def test_every_page_load_reads_once_opened_before_but_the_listed_ones(db: Session) -> None:
    assert seed.seed(db) is True
    db.commit()
    member = db.exec(select(User).join(Contract, col(Contract.client_id) == col(User.id))).first()
    admin = db.exec(select(User).where(User.email == seed.ADMIN_EMAIL)).one()
    assert member is not None
    paths = _paths(db, member)
    tokens = {"member": session_token(member), "admin": session_token(admin), "visitor": None}
    for token in tokens.values():
        _open_every_page(paths, token)  # the first openings

    again = {who: _open_every_page(paths, token) for who, token in tokens.items()}

    unlisted = {who: {p: w for p, w in pages.items() if p not in WRITING_PAGES} for who, pages in again.items()}
    assert unlisted == {"member": {}, "admin": {}, "visitor": {}}
    # The list stays true: each listed page does write at every opening, for the one it is for.
    assert set(again["admin"]) == set(WRITING_PAGES)
