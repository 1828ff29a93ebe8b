"""Notification mail through a real SMTP server (aiosmtpd on a free port), queued in PostgreSQL."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from jtbd_app import bootstrap, cli
from jtbd_app.adapters.mail_smtp import SmtpMailer
from jtbd_app.config import get_settings
from jtbd_app.db import session_scope
from jtbd_app.models import OutgoingMail, User, utcnow
from jtbd_app.services.mail import deliver_pending_mail, retry_delay
from jtbd_app.services.messaging import notifications
from jtbd_app.services.ports import Mailer
from tests.support.app_server import free_port, start_app, stop_app
from tests.support.database import database_env, use_database
from tests.support.smtp_server import LocalSmtpServer, SelfSignedCertificate, make_certificate


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def app_settings(postgres_url: str, smtp_port: int, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app's settings on a fresh PostgreSQL database, with SMTP pointing at the local test server."""
    env = database_env(
        postgres_url,
        APP_URL="https://jtbd.example",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        SMTP_SECURITY="none",
        SMTP_FROM="JTBD Marketplace <no-reply@jtbd.example>",
        SMTP_USERNAME="",
        SMTP_PASSWORD="",
        SMTP_TIMEOUT="5",
    )
    with use_database(monkeypatch, env):
        cli.migrate()
        yield


@pytest.fixture
def certificate(tmp_path: Path) -> SelfSignedCertificate:
    return make_certificate(tmp_path)


def member(username: str) -> int:
    """A bare account row: notify needs only its id and a confirmed email address."""
    with session_scope() as s:
        user = User(email=f"{username}@example.com", username=username, email_verified_at=utcnow())
        s.add(user)
        s.flush()
        assert user.id is not None
        return user.id


def notify_bid(user_id: int, title: str = "New bid on Bakery site") -> None:
    with session_scope() as s:
        notifications.notify(
            s, user_id=user_id, kind="bid_received", title=title, body="Bob bid 500 USD.", link="/listings/7"
        )


def configured_mailer() -> Mailer:
    mailer = bootstrap.mailer(get_settings())
    assert mailer is not None
    return mailer


def statuses() -> list[tuple[str, int, str]]:
    with session_scope() as s:
        return [(m.status, m.attempts, m.last_error) for m in s.exec(select(OutgoingMail).order_by(OutgoingMail.id))]  # type: ignore[arg-type]


def test_a_notification_reaches_the_smtp_server_with_its_link(app_settings: None, smtp_port: int) -> None:
    ann = member("ann")
    notify_bid(ann)
    assert [s[0] for s in statuses()] == ["pending"]
    server = LocalSmtpServer(smtp_port).start()
    try:
        report = deliver_pending_mail(session_scope, mailer=configured_mailer())
    finally:
        server.stop()
    assert report.sent == 1 and statuses() == [("sent", 1, "")]
    [got] = server.received
    assert got.recipients == ["ann@example.com"] and got.sender == "no-reply@jtbd.example"
    assert got.message["To"] == "ann@example.com"
    assert got.message["Subject"] == "New bid on Bakery site"
    assert got.message["From"] == "JTBD Marketplace <no-reply@jtbd.example>"
    body = got.message.get_content()
    assert "Bob bid 500 USD." in body and "https://jtbd.example/listings/7" in body


def test_mail_waits_while_the_server_is_down_and_goes_out_when_it_is_back(app_settings: None, smtp_port: int) -> None:
    notify_bid(member("ann"))
    mailer = configured_mailer()
    start = utcnow()

    assert deliver_pending_mail(session_scope, mailer=mailer, now=start).retrying == 1
    [(status, attempts, error)] = statuses()
    assert (status, attempts) == ("pending", 1) and "refused" in error.lower()

    server = LocalSmtpServer(smtp_port).start()
    try:
        assert deliver_pending_mail(session_scope, mailer=mailer, now=start + retry_delay(1)).sent == 1
    finally:
        server.stop()
    assert [s[:2] for s in statuses()] == [("sent", 2)]
    assert [r.recipients for r in server.received] == [["ann@example.com"]]


def test_starttls_with_login(app_settings: None, smtp_port: int, certificate: SelfSignedCertificate) -> None:
    notify_bid(member("ann"))
    server = LocalSmtpServer(
        smtp_port, security="starttls", certificate=certificate, login=("mailer", "s3cret")
    ).start()
    try:
        good = SmtpMailer(
            "127.0.0.1",
            smtp_port,
            "no-reply@jtbd.example",
            "starttls",
            "mailer",
            "s3cret",
            5,
            ssl_context=certificate.client_context(),
        )
        wrong_password = SmtpMailer(
            "127.0.0.1",
            smtp_port,
            "no-reply@jtbd.example",
            "starttls",
            "mailer",
            "wrong",
            5,
            certificate.client_context(),
        )
        assert deliver_pending_mail(session_scope, mailer=wrong_password).retrying == 1
        assert "Authentication" in statuses()[0][2]
        assert deliver_pending_mail(session_scope, mailer=good, now=utcnow() + retry_delay(1)).sent == 1
    finally:
        server.stop()
    assert [r.recipients for r in server.received] == [["ann@example.com"]]


def test_starttls_refuses_a_server_certificate_it_does_not_trust(
    app_settings: None, smtp_port: int, certificate: SelfSignedCertificate
) -> None:
    notify_bid(member("ann"))
    server = LocalSmtpServer(smtp_port, security="starttls", certificate=certificate).start()
    try:
        untrusting = SmtpMailer("127.0.0.1", smtp_port, "no-reply@jtbd.example", "starttls", timeout=5)
        assert deliver_pending_mail(session_scope, mailer=untrusting).retrying == 1
    finally:
        server.stop()
    assert server.received == [] and "CERTIFICATE_VERIFY_FAILED" in statuses()[0][2]


def test_implicit_tls(app_settings: None, smtp_port: int, certificate: SelfSignedCertificate) -> None:
    notify_bid(member("ann"))
    server = LocalSmtpServer(smtp_port, security="ssl", certificate=certificate).start()
    try:
        mailer = SmtpMailer(
            "127.0.0.1", smtp_port, "no-reply@jtbd.example", "ssl", timeout=5, ssl_context=certificate.client_context()
        )
        assert deliver_pending_mail(session_scope, mailer=mailer).sent == 1
    finally:
        server.stop()
    assert len(server.received) == 1


def test_workers_delivering_at_once_send_each_mail_once(app_settings: None, smtp_port: int) -> None:
    users = [member(f"user{i}") for i in range(8)]
    for user_id in users:
        notify_bid(user_id)
    server = LocalSmtpServer(smtp_port).start()
    try:
        workers = [
            threading.Thread(target=deliver_pending_mail, args=(session_scope,), kwargs={"mailer": configured_mailer()})
            for _ in range(4)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    finally:
        server.stop()
    assert sorted(r.recipients[0] for r in server.received) == sorted(f"user{i}@example.com" for i in range(8))
    assert {s[0] for s in statuses()} == {"sent"}


def test_the_send_mail_command_flushes_the_queue(
    app_settings: None, smtp_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    notify_bid(member("ann"), title="First")
    notify_bid(member("bob"), title="Second")
    server = LocalSmtpServer(smtp_port).start()
    try:
        assert cli.main(["send-mail"]) == 0
    finally:
        server.stop()
    assert sorted(r.message["Subject"] for r in server.received) == ["First", "Second"]
    out = capsys.readouterr().out
    assert "Sent 2, to retry later 0, failed 0." in out and "pending 0" in out


def test_the_send_mail_command_reports_mail_it_could_not_send(
    app_settings: None, capsys: pytest.CaptureFixture[str]
) -> None:
    notify_bid(member("ann"))
    assert cli.main(["send-mail"]) == 1
    assert "to retry later 1" in capsys.readouterr().out
    assert [s[:2] for s in statuses()] == [("pending", 1)]


def test_the_running_app_delivers_queued_mail_once_with_several_workers(
    app_settings: None, postgres_url: str, redis_url: str, smtp_port: int, tmp_path: Path
) -> None:
    """The lifespan task of every backend worker delivers the queue; claims keep them from sending twice."""
    server = LocalSmtpServer(smtp_port).start()
    smtp_env = {k: os.environ[k] for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_FROM", "SMTP_TIMEOUT")}
    app = start_app(workdir=tmp_path, database_url=postgres_url, extra_env={"REDIS_URL": redis_url, **smtp_env})
    try:
        users = [member(f"worker{i}") for i in range(6)]
        for user_id in users:
            notify_bid(user_id)
        deadline = time.monotonic() + 60
        while len(server.received) < len(_queued_recipients()) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2)  # time for a duplicate to show up, were there one
    finally:
        stop_app(app)
        server.stop()
    # The demo data's own notifications (bids on the seeded listings) are mailed too; each exactly once.
    assert sorted(_to_workers(server)) == sorted(f"worker{i}@example.com" for i in range(6))
    assert sorted(r.recipients[0] for r in server.received) == sorted(_queued_recipients())
    assert {s[0] for s in statuses()} == {"sent"}


def _to_workers(server: LocalSmtpServer) -> list[str]:
    return [r.recipients[0] for r in server.received if r.recipients[0].startswith("worker")]


def _queued_recipients() -> list[str]:
    with session_scope() as session:
        return [m.to_address for m in session.exec(select(OutgoingMail)).all()]
