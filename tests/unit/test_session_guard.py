"""A tab's states forget a member's data before the next event of a tab that no longer acts for that member; the
upload handler acts for the upload request's own cookie, never for the tab's."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import reflex as rx
from reflex.istate.data import RouterData
from reflex_base.event.context import EventContext
from reflex_base.utils.format import format_event_handler
from sqlalchemy import event as sa_event
from sqlmodel import Session, select

import jtbd_app.routes  # noqa: F401  (every state's handlers registered, as the app has them)
from jtbd_app.api.http import SESSION_KEY_HEADER
from jtbd_app.db import get_engine
from jtbd_app.models import AuthSession, Contract, Delivery, utcnow
from jtbd_app.services.tokens import session_key
from jtbd_app.state.contracts import ContractState
from jtbd_app.state.marketplace import MarketplaceState
from jtbd_app.state.messages import MessagesState
from jtbd_app.state.session import SessionState
from jtbd_app.state.session_guard import ON_LOAD_INTERNAL, SessionGuard, member_states
from tests.support.contracts import agreed_contract, fund
from tests.support.handlers import app_state_classes, call, call_upload, state_for
from tests.support.members import make_user, session_token
from tests.support.messaging import make_deal, send


def next_event(state: Any, *, token: str | None) -> None:
    """The tab's next event arrives over a websocket whose handshake carried `token` (None: no cookie)."""
    root = state._get_root_state()
    key = session_key(token)
    root.router = RouterData.from_router_data(
        {"headers": {SESSION_KEY_HEADER: key} if key else {}, "pathname": "/", "token": "client-token"}
    )
    asyncio.run(SessionGuard().preprocess(None, root, None))


def inbox_of(token: str) -> Any:
    state = state_for(MessagesState, token=token, path="/messages")
    next_event(state, token=token)
    call(state, "load_threads")
    return state


def test_the_guard_covers_every_state_of_the_app() -> None:
    assert set(member_states()) == {SessionState, *app_state_classes()}


def test_a_tab_whose_member_signed_out_forgets_their_conversations_before_the_next_event(db: Session) -> None:
    deal = make_deal()
    send(deal.bidder_viewer, deal.thread_id, "my secret offer")
    token = session_token(deal.owner)
    inbox = inbox_of(token)
    assert inbox.threads[0].excerpt == "my secret offer" and inbox.signed_in

    next_event(inbox, token=None)

    assert inbox.threads == [] and not inbox.loaded and not inbox.signed_in and inbox.viewer_username == ""


def test_a_session_revoked_elsewhere_clears_the_tab_though_its_cookie_is_the_same(db: Session) -> None:
    deal = make_deal()
    send(deal.bidder_viewer, deal.thread_id, "between us")
    token = session_token(deal.owner)
    inbox = inbox_of(token)
    row = db.exec(select(AuthSession).where(AuthSession.token_hash == session_key(token))).one()
    row.revoked_at = utcnow()
    db.add(row)
    db.commit()

    next_event(inbox, token=token)

    assert inbox.threads == []


def test_another_members_cookie_on_the_same_tab_starts_from_nothing(db: Session) -> None:
    deal = make_deal()
    send(deal.bidder_viewer, deal.thread_id, "hello there")
    inbox = inbox_of(session_token(deal.owner))

    next_event(inbox, token=session_token(make_user("mallory")))

    assert inbox.threads == [] and inbox.total == 0


def test_the_same_member_on_the_next_event_keeps_what_the_page_shows(db: Session) -> None:
    deal = make_deal()
    send(deal.bidder_viewer, deal.thread_id, "still here")
    token = session_token(deal.owner)
    inbox = inbox_of(token)

    next_event(inbox, token=token)

    assert inbox.threads[0].excerpt == "still here"


def _delivery_page(contractor_token: str, contract_id: int) -> Any:
    state = state_for(ContractState, token=contractor_token, path=f"/contracts/{contract_id}")
    call(state, "load_contract")
    return state


def _report() -> list[rx.UploadFile]:
    return [rx.UploadFile(file=io.BytesIO(b"report"), path=Path("report.txt"))]


def test_an_upload_without_a_cookie_on_a_signed_in_tab_is_anonymous(db: Session) -> None:
    client, contractor = make_user("carol"), make_user("ken")
    deal = agreed_contract(client, contractor, price="100")
    fund(deal)
    page = _delivery_page(session_token(contractor), deal.contract_id)

    call_upload(page, "submit_delivery", _report(), "Done.", "", uploader_token=None)

    assert db.exec(select(Delivery)).all() == []
    db.expire_all()
    assert db.get(Contract, deal.contract_id).status == "funded"  # type: ignore[union-attr]


def test_an_upload_with_a_strangers_cookie_on_the_contractors_tab_acts_for_the_stranger(db: Session) -> None:
    client, contractor = make_user("carol"), make_user("ken")
    deal = agreed_contract(client, contractor, price="100")
    fund(deal)
    page = _delivery_page(session_token(contractor), deal.contract_id)

    call_upload(page, "submit_delivery", _report(), "Done.", "", uploader_token=session_token(make_user("mallory")))

    assert db.exec(select(Delivery)).all() == []


def test_the_contractors_own_upload_delivers(db: Session) -> None:
    client, contractor = make_user("carol"), make_user("ken")
    deal = agreed_contract(client, contractor, price="100")
    fund(deal)
    page = _delivery_page(session_token(contractor), deal.contract_id)

    call_upload(page, "submit_delivery", _report(), "Done.", "")

    assert len(db.exec(select(Delivery)).all()) == 1


def _event(state_class: type[rx.State], handler: str) -> Any:
    """The event a browser sends for `handler`, as the processor names it."""
    return SimpleNamespace(name=format_event_handler(state_class.event_handlers[handler]))


def _queries_while(work: Any) -> tuple[Any, int]:
    """Run `work` and count the queries sent to the database meanwhile."""
    sent: list[str] = []

    def count(*args: Any) -> None:
        if args[2].strip().upper() != "BEGIN":  # SQLite's read scope opens a transaction for a consistent read
            sent.append(args[2])

    engine = get_engine()
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        return work(), len(sent)
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


def test_a_foreground_event_takes_its_member_from_the_guard_instead_of_asking_again(db: Session) -> None:
    """One lookup of the session per event: the guard's, which the handler's `_viewer` and the page frame's summary
    reuse (a page load used to resolve the session in each of them)."""
    ann = make_user("ann")
    token = session_token(ann)
    page = state_for(MarketplaceState, token=token, path="/marketplace")

    async def event() -> tuple[Any, int, int]:
        await SessionGuard().preprocess(None, page._get_root_state(), _event(MarketplaceState, "ping"))
        viewer, asked = _queries_while(page._viewer)
        _summary, summary_queries = _queries_while(page._refresh_viewer)
        return viewer, asked, summary_queries

    viewer, asked, summary_queries = asyncio.run(event())

    assert viewer is not None and viewer.user_id == ann.id and asked == 0
    assert summary_queries == 1 and page.signed_in and page.viewer_username == "ann"


def test_a_background_event_asks_the_database_each_time_so_a_sign_out_meanwhile_is_seen(db: Session) -> None:
    ann = make_user("ann")
    token = session_token(ann)
    page = state_for(ContractState, token=token, path="/contracts/1")

    async def event() -> tuple[Any, Any]:
        await SessionGuard().preprocess(None, page._get_root_state(), _event(ContractState, "watch_funding"))
        before = page._viewer()
        row = db.exec(select(AuthSession).where(AuthSession.token_hash == session_key(token))).one()
        row.revoked_at = utcnow()
        db.add(row)
        db.commit()
        return before, page._viewer()

    before, after = asyncio.run(event())

    assert before is not None and before.user_id == ann.id and after is None


def test_a_handler_on_another_cookie_than_the_guard_saw_asks_for_its_own(db: Session) -> None:
    """The guard's member is only ever lent for the very key it resolved."""
    ann, bob = make_user("ann"), make_user("bob")
    page = state_for(MarketplaceState, token=session_token(ann), path="/marketplace")
    other = state_for(MarketplaceState, token=session_token(bob), path="/marketplace")

    async def event() -> Any:
        await SessionGuard().preprocess(None, page._get_root_state(), _event(MarketplaceState, "ping"))
        return other._viewer()

    seen = asyncio.run(event())

    assert seen is not None and seen.username == "bob"


def _as_event(txid: str, parent: str | None, work: Any) -> Any:
    """Run `work` as the event `txid` would run, with `parent` the event that enqueued it (None: from the browser)."""
    context = EventContext(token="client-token", state_manager=None, enqueue_impl=None, txid=txid, parent_txid=parent)  # type: ignore[arg-type]
    attached = EventContext.set(context)
    try:
        return work()
    finally:
        EventContext.reset(attached)


def test_a_page_load_looks_the_session_up_once_and_nothing_else_is_taken_on_trust(db: Session) -> None:
    """on_load_internal's own children (the page's load handlers, set_is_hydrated) use the viewer it resolved; an
    event from the browser, a child of any other handler, or a child under another cookie asks again."""
    ann, bob = make_user("ann"), make_user("bob")
    page = state_for(MarketplaceState, token=session_token(ann), path="/marketplace")
    root = page._get_root_state()
    on_load = SimpleNamespace(name=ON_LOAD_INTERNAL)
    load = _event(MarketplaceState, "load_marketplace")

    def guard(event: Any) -> Any:
        return lambda: asyncio.run(SessionGuard().preprocess(None, root, event))

    assert _queries_while(lambda: _as_event("nav-1", None, guard(on_load)))[1] == 1
    assert _queries_while(lambda: _as_event("nav-1-a", "nav-1", guard(load)))[1] == 0
    assert page._viewer() is not None and page._viewer().username == "ann"  # type: ignore[union-attr]
    assert _queries_while(lambda: _as_event("nav-1-b", "nav-1", guard(load)))[1] == 0

    assert _queries_while(lambda: _as_event("click", None, guard(load)))[1] == 1  # from the browser
    assert _queries_while(lambda: _as_event("click-a", "click", guard(load)))[1] == 1  # a child of another handler

    # the same tab under another cookie (a new handshake): its children do not inherit ann
    root.router = RouterData.from_router_data(
        {"headers": {SESSION_KEY_HEADER: session_key(session_token(bob))}, "pathname": "/marketplace"}
    )
    assert _queries_while(lambda: _as_event("nav-1-c", "nav-1", guard(load)))[1] == 1
    assert page._viewer().username == "bob"  # type: ignore[union-attr]


def test_a_revoked_session_is_seen_at_the_next_page_load(db: Session) -> None:
    token = session_token(make_user("ann"))
    page = state_for(MarketplaceState, token=token, path="/marketplace")
    root = page._get_root_state()
    on_load = SimpleNamespace(name=ON_LOAD_INTERNAL)
    _as_event("nav-1", None, lambda: asyncio.run(SessionGuard().preprocess(None, root, on_load)))
    assert page.parent_state._identity.startswith(f"{page._viewer().user_id}:")  # type: ignore[union-attr]
    row = db.exec(select(AuthSession).where(AuthSession.token_hash == session_key(token))).one()
    row.revoked_at = utcnow()
    db.add(row)
    db.commit()

    _as_event("nav-2", None, lambda: asyncio.run(SessionGuard().preprocess(None, root, on_load)))

    assert page.parent_state._identity == "" and page._viewer() is None
