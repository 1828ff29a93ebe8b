"""A real SMTP server (aiosmtpd) on a free local port that keeps what it receives; with TLS and login on demand."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class _Recorder:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@dataclass(frozen=True)
class SelfSignedCertificate:
    """A self-signed certificate for 127.0.0.1: the server's context, and a client context that trusts only it."""

    cert_path: Path
    key_path: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_path, self.key_path)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert_path))


def make_certificate(folder: Path) -> SelfSignedCertificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return SelfSignedCertificate(cert_path, key_path)


class LocalSmtpServer:
    """Start and stop a real SMTP server on `port`; what it accepted is in `received`."""

    def __init__(
        self,
        port: int,
        *,
        security: str = "none",
        certificate: SelfSignedCertificate | None = None,
        login: tuple[str, str] | None = None,
    ) -> None:
        self.port = port
        self.security = security
        self.certificate = certificate
        self.login = login
        self._recorder = _Recorder()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self._recorder.received

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and self.login is not None
            and (data.login.decode(), data.password.decode()) == self.login
        )
        return AuthResult(success=ok, handled=False)

    def start(self) -> LocalSmtpServer:
        kwargs: dict[str, Any] = {}
        if self.login is not None:
            kwargs.update(authenticator=self._authenticate, auth_require_tls=self.security != "none")
        if self.security == "starttls":
            assert self.certificate is not None
            kwargs.update(tls_context=self.certificate.server_context(), require_starttls=True)
        if self.security == "ssl":
            assert self.certificate is not None
            kwargs.update(ssl_context=self.certificate.server_context())
        self._controller = Controller(self._recorder, hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
