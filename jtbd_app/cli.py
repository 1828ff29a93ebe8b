"""Operator commands: `python -m jtbd_app.cli migrate|seed|prepare|promote-admin EMAIL|send-mail|reconcile|frozen|
resolve-frozen`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta

from alembic.config import Config

from alembic import command
from jtbd_app import bootstrap
from jtbd_app.config import PROJECT_ROOT, Settings, get_settings
from jtbd_app.db import read_scope, session_scope
from jtbd_app.domain.errors import DomainError, NotFound
from jtbd_app.domain.money import Money
from jtbd_app.models import utcnow
from jtbd_app.services import mail
from jtbd_app.services.accounts import membership
from jtbd_app.services.contracts import resolution
from jtbd_app.services.demo import seed
from jtbd_app.services.ledger import reconciliation
from jtbd_app.services.ports import PaymentGateway
from jtbd_app.services.viewer import viewer_for_email


def alembic_config(database_url: str | None = None) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    cfg.set_main_option("sqlalchemy.url", database_url or get_settings().resolved_database_url)
    cfg.attributes["skip_logging"] = True
    return cfg


def migrate(database_url: str | None = None) -> None:
    command.upgrade(alembic_config(database_url), "head")


def send_mail(settings: Settings) -> int:
    """One flush of the mail queue (the app does this in the background); 1 when some mail did not go out."""
    mailer = bootstrap.mailer(settings)
    if mailer is None:
        print("Mail is not configured (SMTP_HOST is empty): notifications stay in the app.", file=sys.stderr)
        return 1
    sent = retrying = failed = 0
    while True:
        report = mail.deliver_pending_mail(session_scope, mailer=mailer, limit=50)
        sent, retrying, failed = sent + report.sent, retrying + report.retrying, failed + report.failed
        if report.sent + report.retrying + report.failed + report.skipped < 50:
            break
    with session_scope() as session:
        queue = mail.count_by_status(session)
    print(f"Sent {sent}, to retry later {retrying}, failed {failed}.")
    print("Queue: " + ", ".join(f"{status} {n}" for status, n in queue.items()))
    return 0 if retrying + failed == 0 else 1


def reconcile(*, days: int = reconciliation.RECENT_DAYS, gateway: PaymentGateway | None = None) -> int:
    """Compare the ledger with itself and with the payment gateway (its lists `days` back, for what we have no record
    of); 1 and the list of differences, each with what to do, when anything differs. It reads the database once, then
    the gateway with no database transaction open."""
    since = utcnow() - timedelta(days=days)
    report = asyncio.run(reconciliation.reconcile(read_scope, gateway=gateway or bootstrap.gateway(), since=since))
    print("\n".join(report.lines()))
    return 0 if report.agrees else 1


def list_frozen(admin_email: str) -> int:
    """The contracts waiting for an administrator's decision."""
    with read_scope() as session:
        rows = resolution.frozen_contracts(session, viewer=viewer_for_email(session, admin_email))
    for row in rows:
        held = Money(row.decides_over, row.currency).format()
        what = "in escrow" if row.held_minor else "in held payouts"
        print(f"contract {row.contract_id} ({row.status}): {held} {what}: {row.title}: {row.reason}")
    print(f"{len(rows)} contract(s) frozen.")
    return 0


def resolve_frozen(admin_email: str, contract_id: str, contractor_minor: str, note: str) -> int:
    """An administrator's decision on a frozen contract (see services/contracts/resolution)."""
    with read_scope() as session:
        admin = viewer_for_email(session, admin_email)
    done = asyncio.run(
        resolution.resolve_frozen(
            session_factory=session_scope,
            gateway=bootstrap.gateway(),
            viewer=admin,
            contract_id=contract_id,
            contractor_minor=contractor_minor,
            note=note,
        )
    )
    print(f"Contract {contract_id}: {done}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jtbd")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("seed", help="load demo data into an empty database")
    sub.add_parser("prepare", help="migrate, then seed an empty database")
    promote = sub.add_parser("promote-admin", help="give a user the admin role")
    promote.add_argument("email")
    sub.add_parser("send-mail", help="send the queued mail now (the app also sends it in the background)")
    check = sub.add_parser(
        "reconcile", help="compare the ledger with the payment gateway; exit 1 and what to do when they differ"
    )
    check.add_argument(
        "--days",
        type=int,
        default=reconciliation.RECENT_DAYS,
        help="how far back to look at the gateway for payments and transfers we have no record of",
    )
    frozen = sub.add_parser("frozen", help="list the contracts frozen for an administrator's decision")
    frozen.add_argument("--admin", required=True, help="the email of the administrator asking")
    decide = sub.add_parser("resolve-frozen", help="decide a frozen contract: what the contractor gets, once")
    decide.add_argument("contract_id")
    decide.add_argument("--contractor", required=True, help="minor units to the contractor; the rest to the client")
    decide.add_argument("--admin", required=True, help="the email of the administrator deciding")
    decide.add_argument("--note", default="", help="why, for the contract's timeline")
    args = parser.parse_args(argv)

    settings = get_settings()
    settings.resolved_secret_key  # noqa: B018  (generates the development key into data/ on first run)
    if args.cmd in ("migrate", "prepare"):
        migrate()
        print(f"Database ready: {settings.resolved_database_url.split('@')[-1]}")
    if args.cmd in ("seed", "prepare"):
        with session_scope() as session:
            loaded = seed.seed(session, gateway_name=bootstrap.payment_gateway(settings).name)
            has_demo = seed.has_demo_accounts(session)
        print("Demo data loaded." if loaded else "Database already has users; data left as it is.")
        if has_demo:
            names = ", ".join(u[0] for u in seed.DEMO_USERS)
            print("Demo accounts:")
            print(f"  admin: {seed.ADMIN_EMAIL} / {seed.ADMIN_PASSWORD}")
            print(f"  members: <name>@example.com / {seed.DEMO_PASSWORD} for {names}")
    if args.cmd == "promote-admin":
        try:
            with session_scope() as session:
                user = membership.promote_to_admin(session, email=args.email)
        except NotFound as exc:
            print(exc.message, file=sys.stderr)
            return 1
        print(f"{user.email} is now an admin.")
    if args.cmd == "send-mail":
        return send_mail(settings)
    if args.cmd == "reconcile":
        try:
            bootstrap.refuse_a_gateway_change(settings)  # else the other gateway's money would go unchecked
        except bootstrap.GatewayChangeRefused as refused:
            print(refused.code, file=sys.stderr)
            return 2
        return reconcile(days=args.days)
    try:
        if args.cmd == "frozen":
            return list_frozen(args.admin)
        if args.cmd == "resolve-frozen":
            return resolve_frozen(args.admin, args.contract_id, args.contractor, args.note)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
