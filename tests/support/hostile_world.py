"""The data a hostile client attacks: two members with private things (a contract delivered and waiting for approval,
a completed one that left a wallet balance, a private conversation, a listing with a bid and a question, live
sessions and a sign-in grant), a stranger who owns nothing, and every private string the database holds, to look for
in whatever reaches the client. Seeded through the real services on the database the settings point at."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.db import read_scope, session_scope
from jtbd_app.models import (
    AccountLink,
    AuthSession,
    Contract,
    DisputeFile,
    Listing,
    LoginGrant,
    Message,
    MessageThread,
    Notification,
    Payment,
    Question,
    RouteOffer,
    RoutingDecision,
    TodoTask,
    User,
    utcnow,
)
from jtbd_app.services import audit
from jtbd_app.services.accounts import sign_in
from jtbd_app.services.contracts import wallet_view
from jtbd_app.services.contracts.delivery_files import IncomingFile
from jtbd_app.services.marketplace import questions
from jtbd_app.services.messaging import messages
from jtbd_app.services.trust import appeals, disputes, reports, standing
from tests.support import contracts
from tests.support.factories import bid, make_listing
from tests.support.members import make_user, session_token
from tests.support.problems import planned_problem
from tests.support.viewers import viewer_named, viewer_of

MIN_SECRET_LENGTH = 12  # shorter strings (a demo message "Thanks!") could also be public text


@dataclass
class World:
    stranger_id: int
    stranger_email: str
    stranger_cookie: str  # "jtbd_session=<token>" of the stranger's websocket
    stranger_http_cookie: str  # another session of the stranger's, for the HTTP routes (sign-out may revoke it)
    route_params: dict[str, str]  # dynamic route segment -> a victim's object ("/contracts/[id]" -> "7")
    other_ids: dict[str, Any]  # label -> another member's id (ints and usernames), for the battery
    poison_id: int  # the victim contract waiting for its client's approval: the default object in URLs and ids
    private: dict[str, str] = field(default_factory=dict)  # label -> a string no client may receive


def _unique(label: str) -> str:
    return f"{label}-{secrets.token_hex(6)}"


def _private_member(username: str) -> User:
    user = make_user(username)
    with session_scope() as session:
        row = session.get(User, user.id)
        assert row is not None
        row.email = f"{_unique(username)}@private.example"
        session.add(row)
    return user


def seed_world() -> World:
    vicky, victor = _private_member("vicky"), _private_member("victor")
    stranger = make_user("stranger")
    assert vicky.id is not None and victor.id is not None and stranger.id is not None
    done = contracts.agreed_contract(vicky, victor, price="7919.37")
    contracts.fund(done)
    contracts.deliver(done)
    contracts.approve(done)
    waiting = contracts.agreed_contract(vicky, victor, price="1234.56")
    contracts.fund(waiting)
    contracts.deliver(waiting, message=_unique("private-delivery-note"))
    disputed_case, dispute_file, dispute_secret = _private_dispute(vicky, victor)
    receipt_id, payment_reference = _payment_of(waiting.contract_id)
    listing = make_listing(vicky, title="Hostile suite target listing")
    make_listing(vicky, title=_unique("private-hidden-listing"), status="hidden", hidden_from="open")
    assert listing.id is not None
    bid_id = bid(viewer_of(victor), listing.id)
    secret_body = _unique("private-message-body")
    with session_scope() as session:
        thread_id = messages.open_listing_thread(
            session, viewer=viewer_of(vicky), listing_id=listing.id, with_username="victor"
        )
    with session_scope() as session:
        messages.send_message(session, viewer=viewer_of(vicky), thread_id=thread_id, body=secret_body)
    with session_scope() as session:
        questions.ask_question(session, viewer=viewer_of(victor), listing_id=listing.id, body="When do you need it?")
    moderation_secrets = _private_report_and_appeal(victor)
    secret_outcome = _unique("private-problem-outcome")
    problem_id = planned_problem(vicky, outcome=f"Get 10K legit visitors to the bakery site {secret_outcome}")
    task_id, known_token, task_secrets = _private_task(vicky.id)
    secret_reason = _unique("private-audit-reason")  # the audit log is for administrators only (/admin/audit)
    with session_scope() as session:
        audit.record(session, actor_id=None, action="partner.suspend", subject="partner:fiverr", reason=secret_reason)
    contracts.run_jobs(SandboxGateway())  # the payout the approval scheduled, so no job runs during the battery
    vicky_token = session_token(vicky)
    session_token(victor)
    with session_scope() as session:
        issued = sign_in.issue_login_grant(session, user=session.get(User, vicky.id))  # type: ignore[arg-type]
    stranger_cookie, stranger_http_cookie = session_token(stranger), session_token(stranger)
    _move_out_of_reach(stranger.id)
    world = World(
        stranger_id=stranger.id,
        stranger_email=f"{stranger.username}@example.com",
        stranger_cookie=f"jtbd_session={stranger_cookie}",
        stranger_http_cookie=f"jtbd_session={stranger_http_cookie}",
        route_params={
            "/contracts/[id]": str(waiting.contract_id),
            "/listings/[id]": str(listing.id),
            "/messages/[id]": str(thread_id),
            "/u/[username]": "vicky",
            "/problems/[id]": str(problem_id),
            "/tasks/[id]/delegate": str(task_id),
            "/admin/users/[id]": str(vicky.id),  # a member's record: for administrators only
            "/wallet/receipts/[id]": str(receipt_id),  # vicky's payment: its receipt is hers (and admins')
        },
        other_ids={},
        poison_id=waiting.contract_id,
        private={
            "vicky's session token": vicky_token,
            "vicky's sign-in grant": issued.grant,
            "vicky's grant nonce": issued.browser_nonce,
            "a message": secret_body,
            "a problem's outcome": secret_outcome,
            "an audit entry's reason": secret_reason,
            "a dispute statement": dispute_secret,
            "a payment's reference (on its receipt)": payment_reference,
            **task_secrets,
            **moderation_secrets,
        },
    )
    _read_ids(world, vicky_id=vicky.id, victor_id=victor.id, bid_id=bid_id, listing_id=listing.id)
    world.other_ids["problem"] = problem_id
    world.other_ids["task"] = task_id
    world.other_ids["offer"] = known_token
    world.other_ids["dispute"] = disputed_case
    world.other_ids["dispute file"] = dispute_file
    world.other_ids["payment"] = receipt_id
    _read_private(world, victor)
    return world


def _private_task(owner_id: int) -> tuple[int, str, dict[str, str]]:
    """A to-do item of the victim's, delegated to an outside pro, with the link the menu offered and an outcome: its
    words, the offer's token and the outcome's comment are the victim's alone."""
    title, notes, comment = _unique("private-task-title"), _unique("private-task-notes"), _unique("private-outcome")
    token, known = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with session_scope() as session:
        task = TodoTask(owner_id=owner_id, title=f"Design a logo {title}", notes=notes, kind="digital")
        session.add(task)
        session.flush()
        assert task.id is not None
        session.add(
            RouteOffer(
                token=token,
                task_id=task.id,
                partner_key="fiverr",
                url=f"https://www.fiverr.com/search/gigs?query={title}",
            )
        )
        # a second link of the same task: its token is what the battery throws at handlers (so not a secret it checks)
        session.add(RouteOffer(token=known, task_id=task.id, partner_key="fiverr", url="https://www.fiverr.com/"))
        session.add(
            RoutingDecision(
                task_id=task.id,
                owner_id=owner_id,
                route="outside",
                partner_key="fiverr",
                outcome="not_done",
                rating=2,
                comment=comment,
                reported_at=utcnow(),
            )
        )
        task_id = task.id
    secrets_of_task = {
        "a task's title": title,
        "a task's notes": notes,
        "a task's offer token": token,
        "an outcome's comment": comment,
    }
    return task_id, known, secrets_of_task


def _private_report_and_appeal(victor: User) -> dict[str, str]:
    """Victor's report of Vicky's message, and a suspended member's appeal: their words are theirs and the admins'."""
    details, plea = _unique("private-report-details"), _unique("private-appeal")
    warden, vera = make_user("warden", role="admin"), make_user("vera")
    with session_scope() as session:
        message_id = session.exec(select(Message.id).order_by(col(Message.id).desc())).first()
        reports.file_report(
            session, viewer=viewer_of(victor), kind="message", subject=message_id, reason="abuse", details=details
        )
        standing.suspend_member(session, viewer=viewer_of(warden), user_id=vera.id, reason="Spam in messages.")
    with session_scope() as session:
        appeals.send_appeal(session, viewer=viewer_named("vera"), body=plea)
    return {"a report's details": details, "an appeal": plea}


def _private_dispute(client: User, contractor: User) -> tuple[int, int, str]:
    """A third contract of the two, delivered and disputed: the client's statement is a secret, and the
    contractor's answer carries an evidence file. Returns the case id, the file id and the secret."""
    deal = contracts.agreed_contract(client, contractor, price="345.67")
    contracts.fund(deal)
    contracts.deliver(deal)
    secret = _unique("private-dispute-statement")
    with session_scope() as session:
        case_id = disputes.open_dispute(
            session,
            viewer=viewer_of(client),
            contract_id=deal.contract_id,
            reason_code="not_as_described",
            reason_text=secret,
            outcome_wanted="full_refund",
        )
    with session_scope() as session:
        disputes.submit_entry(
            session,
            viewer=viewer_of(contractor),
            contract_id=deal.contract_id,
            kind="response",
            body="It matches the brief.",
            links="",
            files=[IncomingFile("evidence.txt", b"private evidence")],
        )
    with read_scope() as session:
        file_id = session.exec(select(DisputeFile.id).where(DisputeFile.case_id == case_id)).one()
    assert file_id is not None
    return case_id, file_id, secret


def _payment_of(contract_id: int) -> tuple[int, str]:
    """The id and the gateway's reference of the payment that funded the contract: its receipt is the payer's."""
    with read_scope() as session:
        payment = session.exec(select(Payment).where(Payment.contract_id == contract_id)).one()
        assert payment.id is not None and payment.external_id is not None
        return payment.id, payment.external_id


def _move_out_of_reach(user_id: int) -> None:
    """The stranger's own sessions get ids no battery value names: revoking one's own session is allowed, and a
    battery id that happened to be the stranger's session would sign them out half-way through."""
    with session_scope() as session:
        session.execute(
            update(AuthSession).where(AuthSession.user_id == user_id).values(id=AuthSession.id + 900_000)  # type: ignore[arg-type,operator]
        )


def _read_ids(world: World, *, vicky_id: int, victor_id: int, bid_id: int, listing_id: int) -> None:
    """Other members' ids of every kind a handler takes: objects, sessions, notifications, people."""
    victims = (vicky_id, victor_id)

    def last(model: Any, *where: Any) -> int:
        return int(max(row.id for row in s.exec(select(model).where(*where))))

    with read_scope() as s:
        ids: dict[str, Any] = {
            "contract": world.poison_id,
            "completed contract": last(Contract, Contract.client_id == vicky_id, Contract.status == "completed"),
            "listing": listing_id,
            "hidden listing": last(Listing, Listing.status == "hidden"),
            "bid": bid_id,
            "thread": last(MessageThread),
            "message": last(Message),
            "question": last(Question, Question.listing_id == listing_id),
            "session": last(AuthSession, AuthSession.user_id.in_(victims)),  # type: ignore[attr-defined]
            "notification": last(Notification, Notification.user_id.in_(victims)),  # type: ignore[attr-defined]
            "user": vicky_id,
            "username": "vicky",
        }
    world.other_ids = {label: value for label, value in ids.items() if value is not None}


def _read_private(world: World, contractor: User) -> None:
    """Every secret the database holds, but the stranger's own: emails, password hashes, token hashes, message
    bodies, and the contractor's wallet balance as the wallet page formats it."""
    with read_scope() as s:
        for user in s.exec(select(User)):
            if user.id != world.stranger_id:
                world.private[f"email of {user.username}"] = user.email
                if user.password_hash:
                    world.private[f"password hash of {user.username}"] = user.password_hash
        hashes = [
            *s.exec(select(AuthSession.token_hash)),
            *s.exec(select(LoginGrant.token_hash)),
            *s.exec(select(AccountLink.token_hash)),
        ]
        for token_hash in hashes:
            world.private[f"token hash {token_hash[:6]}"] = token_hash
        for message in s.exec(select(Message)):
            world.private[f"message {message.id}"] = message.body
        for hidden in s.exec(select(Listing).where(Listing.status == "hidden")):  # the moderators took it down
            world.private[f"title of hidden listing {hidden.id}"] = hidden.title
        wallet = wallet_view.wallet(s, viewer=viewer_of(contractor, s))
    for summary in wallet.summaries:
        for kind, amount in (("available", summary.available), ("paid out", summary.paid_out)):
            if amount.lstrip("$€£") not in ("0.00", "0"):
                world.private[f"victor's {kind} balance {amount}"] = amount.lstrip("$€£")
    world.private = {k: v for k, v in world.private.items() if (v and len(v) >= MIN_SECRET_LENGTH) or "balance" in k}
