"""Operator commands: `python -m jtbd_app.cli migrate|seed|prepare|publish-terms TITLE FILE|promote-admin EMAIL|
send-mail|reconcile|frozen|resolve-frozen|decompose|route|backup DIR|restore DIR`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError

from alembic import command
from jtbd_app import bootstrap
from jtbd_app.config import PROJECT_ROOT, Settings, get_settings
from jtbd_app.db import get_engine, read_scope, session_scope
from jtbd_app.domain import feasibility, plans, task_routing
from jtbd_app.domain.errors import DomainError, NotFound
from jtbd_app.domain.listing_fields import TITLE_MAX
from jtbd_app.domain.money import CURRENCIES, Money, parse_amount
from jtbd_app.domain.partner_links import LinkRefused
from jtbd_app.domain.text import has_html
from jtbd_app.models import utcnow
from jtbd_app.services import mail
from jtbd_app.services.backups import database_copy, runs
from jtbd_app.services.contracts import resolution
from jtbd_app.services.delegate import partners as delegate_partners
from jtbd_app.services.demo import seed
from jtbd_app.services.file_storage import file_store
from jtbd_app.services.ledger import reconciliation
from jtbd_app.services.ports import ClassifierFailed, Decomposer, PartnerAdapter, PaymentGateway, TaskBrief
from jtbd_app.services.problems import planning
from jtbd_app.services.trust import decisions, terms_admin, user_admin
from jtbd_app.services.viewer import viewer_for_email


def alembic_config(database_url: str | None = None) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    cfg.set_main_option("sqlalchemy.url", database_url or get_settings().resolved_database_url)
    cfg.attributes["skip_logging"] = True
    return cfg


def migrate(database_url: str | None = None) -> None:
    command.upgrade(alembic_config(database_url), "head")


def known_revision(revision: str) -> bool:
    """Whether this version of the app has the migration `revision` (a backup from a newer one does not)."""
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def app_version() -> str:
    return str(tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"])


def backup(folder: str) -> int:
    """The database and every stored file into `folder` (new or empty), with a manifest; 1 and why when refused."""
    settings = get_settings()
    try:
        made = runs.backup(
            Path(folder),
            database_url=settings.resolved_database_url,
            store=file_store(),
            app_version=app_version(),
        )
    except (runs.BackupRefused, database_copy.DatabaseCopyFailed) as exc:
        print(f"Backup not made: {exc}", file=sys.stderr)
        return 1
    rows = sum(made.tables.values())
    print(f"Backed up to {folder} at {made.created_at} (app {made.app_version}, migration {made.migration_head}):")
    print(f"  {made.database_kind} database: {len(made.tables)} tables, {rows} rows ({made.database.key})")
    print(f"  {len(made.files)} files, {made.file_bytes} bytes, from the {made.storage}")
    return 0


def restore(folder: str, *, replace: bool) -> int:
    """The backup in `folder` back into the configured database and file store, then migrations; 1 and why when
    refused (a backup that does not match its manifest is never restored)."""
    settings = get_settings()
    get_engine().dispose()
    try:
        restored = runs.restore(
            Path(folder),
            database_url=settings.resolved_database_url,
            store=file_store(),
            known_revision=known_revision,
            migrate=migrate,
            replace=replace,
        )
    except (runs.BackupRefused, runs.RestoreIncomplete) as exc:
        print(f"Not restored: {exc}", file=sys.stderr)
        return 1
    made = restored.manifest
    print(f"Restored the backup of {made.created_at} (app {made.app_version}, migration {made.migration_head}):")
    print(f"  {len(made.tables)} tables with every row, {restored.files} files into the {file_store().where}")
    print("  migrations applied: the database is at this version's head.")
    return 0


def publish_first_terms(title: str, path: str) -> int:
    try:
        body = Path(path).read_text(encoding="utf-8")
        with session_scope() as session:
            version = terms_admin.publish_first(session, title=title, body=body)
    except OSError as exc:
        print(f"Could not read {path}: {exc.strerror}", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(f"Terms of service version {version} published: members can sign up.")
    return 0


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
    finished = asyncio.run(  # the case closed, the audit entry, both parties told: as a decision on the page
        decisions.retry_decision(
            session_factory=session_scope, gateway=bootstrap.gateway(), viewer=admin, contract_id=contract_id
        )
    )
    print(f"Contract {contract_id}: {done}. {finished}")
    return 0


MAX_PROBLEM_CHARS = 4000


class BadArgument(ValueError):
    """A decompose argument that cannot be used; the message says which and why."""


def brief_from(
    text: str, *, budget: str, currency: str, days: int, location: str = "", constraints: str = "", success: str = ""
) -> plans.Brief:
    """The problem as typed on the command line, checked as the form checks it; BadArgument says what is wrong."""
    currency = currency.strip().upper()
    if currency not in CURRENCIES:
        raise BadArgument(f"Unknown currency {currency!r}; use one of {', '.join(CURRENCIES)}.")
    try:
        budget_minor = parse_amount(budget, currency)
    except ValueError as exc:
        raise BadArgument(f"Budget: {exc}") from None
    if budget_minor < plans.min_budget_minor(currency):
        least = Money(plans.min_budget_minor(currency), currency).format()
        raise BadArgument(f"Budget: too small to split into micro-tasks; at least {least}.")
    if budget_minor > plans.max_budget_minor(currency):
        raise BadArgument(f"Budget: too large; at most {Money(plans.max_budget_minor(currency), currency).format()}.")
    if not 1 <= days <= plans.MAX_DEADLINE_DAYS:
        raise BadArgument(f"Days: the deadline must be 1 to {plans.MAX_DEADLINE_DAYS} days from today.")
    fields = {"problem": text, "location": location, "constraints": constraints, "success": success}
    for label, value in fields.items():
        if has_html(value):
            raise BadArgument(f"The {label} text cannot contain HTML.")
        if len(value) > MAX_PROBLEM_CHARS:
            raise BadArgument(f"The {label} text is too long; at most {MAX_PROBLEM_CHARS} characters.")
    text = " ".join(text.split())
    if len(text) < 3:
        raise BadArgument("Describe the problem: the outcome you want, in a sentence.")
    return plans.Brief(
        text=text,
        budget_minor=budget_minor,
        currency=currency,
        deadline_days=days,
        location=location.strip(),
        constraints=constraints.strip(),
        success_measure=success.strip(),
    )


def configured_decomposer() -> Decomposer | None:
    """The OpenAI-compatible decomposer when OPENAI_API_KEY is set; None: the offline playbooks."""
    return bootstrap.decomposer(get_settings())


def plan_for(brief: plans.Brief, decomposer: Decomposer | None = None) -> plans.Plan:
    """The plan for `brief`: from `decomposer` (a model) when given, repaired; offline otherwise, and offline with a
    note saying why when the model fails or its plan cannot be mended."""
    return asyncio.run(planning.draft_plan(brief, decomposer=decomposer))


def plan_json(plan: plans.Plan, brief: plans.Brief, today: date) -> dict[str, object]:
    fields = ["key", "title", "description", "skills", "budget_minor", "due_in_days", "criteria", "evidence",
              "depends_on", "route", "estimate_minor", "duration_days", "optional"]  # fmt: skip
    tasks = []
    for task in plan.tasks:
        row = task.model_dump(include=set(fields))
        tasks.append({**{f: row[f] for f in fields}, "due_on": (today + timedelta(days=task.due_in_days)).isoformat()})
    return {
        "decomposer": plan.decomposer,
        "currency": brief.currency,
        "budget_minor": brief.budget_minor,
        "deadline_days": brief.deadline_days,
        "tasks": tasks,
        "notes": plan.notes,
        "feasibility": feasibility.assess(plan.tasks, brief).model_dump(),
    }


def plan_table(plan: plans.Plan, brief: plans.Brief) -> str:
    lines = [f"{'key':<20} {'title':<52} {'route':<17} {'share':>14} {'due':>5}  needs"]
    for t in plan.tasks:
        title = t.title if len(t.title) <= 52 else t.title[:51] + "…"
        share = Money(t.budget_minor, brief.currency).format()
        route = plans.ROUTE_LABELS[t.route]
        lines.append(f"{t.key:<20} {title:<52} {route:<17} {share:>14} {t.due_in_days:>5}  {', '.join(t.depends_on)}")
    total = Money(sum(t.budget_minor for t in plan.tasks), brief.currency).format()
    lines.append(f"{'':<20} {'total':<52} {'':<17} {total:>14} {brief.deadline_days:>5}")
    fit = feasibility.assess(plan.tasks, brief)
    lines += ["", fit.summary, *[f"  - {cut.label}" for cut in fit.cuts]]
    lines += [f"Note: {note}" for note in plan.notes]
    return "\n".join(lines)


def decompose(args: argparse.Namespace) -> int:
    """Print the plan for a problem (JSON with --json): exit 2 on bad arguments, 1 when no plan can be made."""
    try:
        brief = brief_from(
            " ".join(args.text),
            budget=args.budget,
            currency=args.currency,
            days=args.days,
            location=args.location,
            constraints=args.constraints,
            success=args.success,
        )
    except BadArgument as exc:
        print(f"decompose: {exc}", file=sys.stderr)
        return 2
    try:
        plan = plan_for(brief, configured_decomposer())
    except plans.PlanRefused as exc:
        print(f"decompose: no plan could be made: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(plan_json(plan, brief, date.today()), indent=2, ensure_ascii=False))
    else:
        print(plan_table(plan, brief))
    return 0


MAX_TASK_CHARS = 2000
ROUTE_LABELS = {"buy": "Buy it", "outside": "Hire an outside pro", "internal": "Post it here",
                "problem": "Plan it as a problem", "self": "Do it myself"}  # fmt: skip


def classified(text: str) -> tuple[task_routing.Classification, str]:
    """The task classified by the configured model when OPENAI_API_KEY is set, else (or when it fails, with a note
    saying why) by the offline rules."""
    model = bootstrap.task_classifier(get_settings())
    if model is None:
        return task_routing.classify(text), ""
    try:
        return asyncio.run(model.classify(text)), ""
    except ClassifierFailed as exc:
        return task_routing.classify(text), f"{exc.message} The offline rules classified the task."


def offered_partners(
    adapters: Mapping[str, PartnerAdapter],
) -> tuple[list[task_routing.PartnerInfo], dict[str, delegate_partners.PartnerLinks], str]:
    """The partners the menu may offer (suspended ones left out) with their link settings, from the database; when it
    cannot be read, every registered partner with its adapter's defaults and a note saying so."""
    try:
        with session_scope() as session:
            return (
                delegate_partners.offered(session, adapters),
                delegate_partners.links_by_key(session, adapters),
                "",
            )
    except SQLAlchemyError:
        infos = [task_routing.PartnerInfo(a.key, a.name, a.kind, tuple(a.categories)) for a in adapters.values()]
        links = {key: delegate_partners.links(None, a) for key, a in adapters.items()}
        return infos, links, "The database could not be read: suspended partners could not be left out."


def option_url(
    option: task_routing.RouteOption,
    brief: TaskBrief,
    c: task_routing.Classification,
    adapters: Mapping[str, PartnerAdapter],
    links: Mapping[str, delegate_partners.PartnerLinks],
) -> str:
    """A partner's deep link (direct, not through the click counter: no one clicks a script's output); the app's own
    pages under APP_URL for Post it here (the wizard pre-filled) and Plan it as a problem; "" for Do it myself."""
    app = get_settings().app_url.rstrip("/")
    if option.route == "internal":
        title = brief.title if len(brief.title) <= TITLE_MAX else brief.title[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"
        fields = {"title": title, "description": brief.title, "category": task_routing.marketplace_category(c)}
        return f"{app}/post?{urlencode({**fields, 'source': 'delegate'})}"
    if option.route == "problem":
        return f"{app}/problems/new"
    adapter = adapters.get(option.partner)
    if option.route == "self" or adapter is None:
        return ""
    settings = links[option.partner]
    try:
        return adapter.deep_link(brief, template=settings.template, affiliate_params=settings.affiliate_params)
    except LinkRefused:
        return ""


def menu_rows(text: str) -> tuple[str, list[dict[str, str]], list[str]]:
    """The task's kind and its menu in order, each option a route, a partner key, a reason and a URL; and notes."""
    c, note = classified(text)
    adapters = bootstrap.partners(get_settings())
    infos, links, db_note = offered_partners(adapters)
    brief = TaskBrief(title=text, kind=c.kind, query=c.query, category=c.category, location=c.location, items=c.items)
    rows = [
        {"route": o.route, "partner": o.partner, "reason": o.reason, "url": option_url(o, brief, c, adapters, links)}
        for o in task_routing.rank(c, infos)
    ]
    return c.kind, rows, [n for n in (note, db_note) if n]


def route_text(kind: str, rows: Sequence[Mapping[str, str]]) -> str:
    lines = [f"Kind: {kind}"]
    for i, row in enumerate(rows, start=1):
        partner = f" ({row['partner']})" if row["partner"] else ""
        lines.append(f"{i}. {ROUTE_LABELS[row['route']]}{partner}: {row['reason']}")
        if row["url"]:
            lines.append(f"   {row['url']}")
    return "\n".join(lines)


def route(args: argparse.Namespace) -> int:
    """Print the Delegate menu for a task (JSON with --json): exit 2 on bad arguments."""
    text = " ".join(" ".join(args.text).split())
    problem = ""
    if not text:
        problem = 'describe the task, e.g. "Buy lightbulbs".'
    elif len(text) > MAX_TASK_CHARS:
        problem = f"the task is too long; at most {MAX_TASK_CHARS} characters."
    elif has_html(text):
        problem = "the task text cannot contain HTML."
    if problem:
        print(f"route: {problem}", file=sys.stderr)
        return 2
    kind, rows, notes = menu_rows(text)
    for note in notes:
        print(f"route: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps({"kind": kind, "options": rows}, indent=2, ensure_ascii=False))
    else:
        print(route_text(kind, rows))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jtbd")
    sub = parser.add_subparsers(dest="cmd", required=True)
    plan = sub.add_parser("decompose", help="turn a problem into a plan of micro-tasks (offline unless a model is set)")
    plan.add_argument("text", nargs="*", help="the problem, as a client would type it")
    plan.add_argument("--budget", required=True, help="the whole budget in the currency, e.g. 3000 or 3000.50")
    plan.add_argument("--currency", default="USD", help=f"one of {', '.join(CURRENCIES)}")
    plan.add_argument("--days", type=int, required=True, help="the deadline, in days from today (1 to 730)")
    plan.add_argument("--location", default="", help="where on-site work happens (empty: remote is fine)")
    plan.add_argument("--constraints", default="", help="what the plan must respect")
    plan.add_argument("--success", default="", help="how success will be measured")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    menu = sub.add_parser(
        "route",
        help="the Delegate menu for a task: its kind and the routes in order, each with a reason and a URL "
        "(partners' deep links; this app's pages under APP_URL)",
    )
    menu.add_argument("text", nargs="*", help='the task, as a member would type it ("Buy lightbulbs")')
    menu.add_argument("--json", action="store_true", help="print the menu as JSON")
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("seed", help="load demo data into an empty database")
    sub.add_parser("prepare", help="migrate, then seed an empty database")
    promote = sub.add_parser("promote-admin", help="give a user the admin role")
    promote.add_argument("email")
    first_terms = sub.add_parser(
        "publish-terms", help="publish a fresh site's first terms of service from a file (later ones: /admin/terms)"
    )
    first_terms.add_argument("title")
    first_terms.add_argument("file", help="the terms in markdown")
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
    keep = sub.add_parser("backup", help="copy the database and every uploaded file into a new folder, with a manifest")
    keep.add_argument("folder", help="a new or empty folder")
    back = sub.add_parser("restore", help="put a verified backup back (database and files), then apply migrations")
    back.add_argument("folder", help="a folder `backup` made")
    back.add_argument("--replace", action="store_true", help="overwrite a database that already has tables")
    args = parser.parse_args(argv)
    bootstrap.install_file_store()
    if args.cmd == "decompose":
        return decompose(args)
    if args.cmd == "route":
        return route(args)

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
                user = user_admin.promote_by_email(session, email=args.email)
        except NotFound as exc:
            print(exc.message, file=sys.stderr)
            return 1
        print(f"{user.email} is now an admin.")
    if args.cmd == "publish-terms":
        return publish_first_terms(args.title, args.file)
    if args.cmd == "send-mail":
        return send_mail(settings)
    if args.cmd == "backup":
        return backup(args.folder)
    if args.cmd == "restore":
        return restore(args.folder, replace=args.replace)
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
