"""All wiring in one place: which adapter serves which port, chosen from settings."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

import redis
from sqlalchemy.exc import OperationalError, ProgrammingError

from jtbd_app.adapters.identity_github import GitHubIdentityProvider
from jtbd_app.adapters.identity_oidc import OIDCIdentityProvider
from jtbd_app.adapters.mail_smtp import SmtpMailer
from jtbd_app.adapters.payments_sandbox import SandboxGateway
from jtbd_app.config import Settings, get_settings
from jtbd_app.db import engine_for, get_engine, session_scope
from jtbd_app.domain.rate_limits import parse_overrides
from jtbd_app.services import file_storage
from jtbd_app.services.accounts.identity import ProviderConfig
from jtbd_app.services.contracts import gateway_of_record
from jtbd_app.services.mail import run_mail_delivery
from jtbd_app.services.ports import (
    Decomposer,
    DeliveryReviewer,
    DisputeSummarizer,
    FileStore,
    IdentityProvider,
    LinkChecker,
    Mailer,
    PartnerAdapter,
    PaymentGateway,
    TaskClassifier,
)
from jtbd_app.services.rate_limits import DatabaseCounters, Limiter, RedisCounters

log = logging.getLogger(__name__)


@lru_cache(maxsize=16)
def identity_provider(config: ProviderConfig) -> IdentityProvider:
    """One adapter per configured provider, kept so its discovery document and keys stay cached."""
    if config.kind == "github":
        return GitHubIdentityProvider(slug=config.slug, client_id=config.client_id, client_secret=config.client_secret)
    if config.kind == "oidc":
        return OIDCIdentityProvider(
            slug=config.slug, issuer=config.issuer, client_id=config.client_id, client_secret=config.client_secret
        )
    raise ValueError(f"Unknown identity provider kind {config.kind!r}")


def mailer(settings: Settings) -> Mailer | None:
    """The SMTP adapter when SMTP_HOST is set; None means in-app only (notify then queues no mail at all)."""
    if not settings.mail_enabled:
        return None
    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        security=settings.smtp_security,
        username=settings.smtp_username,
        password=settings.smtp_password,
        timeout=settings.smtp_timeout,
    )


def register_mail_delivery(app: Any, settings: Settings) -> bool:
    """With SMTP configured, every backend worker delivers the queue in the background (claims keep them apart)."""
    configured = mailer(settings)
    if configured is None:
        return False
    app.register_lifespan_task(run_mail_delivery, session_factory=session_scope, mailer=configured)
    return True


StoreConfig = tuple[str, str, str, str, str, str, float]


def file_store(settings: Settings) -> FileStore:
    """The S3-compatible bucket when S3_BUCKET is set (several hosts share it); else the private files folder."""
    if not settings.s3_enabled:
        return _local_store(str(settings.resolved_private_files_dir))
    return _s3_store(
        (
            settings.s3_bucket.strip(),
            settings.s3_prefix,
            settings.s3_endpoint_url.strip(),
            settings.s3_region.strip(),
            settings.s3_access_key_id.strip(),
            settings.s3_secret_access_key,
            settings.s3_timeout,
        )
    )


@lru_cache(maxsize=8)
def _local_store(root: str) -> FileStore:
    from jtbd_app.adapters.storage_local import LocalFolderStore

    return LocalFolderStore(Path(root))


@lru_cache(maxsize=8)
def _s3_store(config: StoreConfig) -> FileStore:
    """One client per configuration (it keeps its connection pool); boto3 is imported only when a bucket is set."""
    from jtbd_app.adapters.storage_s3 import S3Store

    bucket, prefix, endpoint_url, region, access_key_id, secret_access_key, timeout = config
    return S3Store(
        bucket=bucket,
        prefix=prefix,
        endpoint_url=endpoint_url,
        region=region,
        access_key_id=access_key_id,
        secret_access_key=secret_access_key,
        timeout=timeout,
    )


def install_file_store() -> None:
    """The services keep uploaded files in the store the current settings name (tests switch it by changing them)."""
    file_storage.install(lambda: file_store(get_settings()))


_sandbox = SandboxGateway()


def payment_gateway(settings: Settings) -> PaymentGateway:
    """Stripe Connect when STRIPE_SECRET_KEY is set; otherwise the sandbox, whose money is test money."""
    if settings.stripe_enabled:
        from jtbd_app.adapters.payments_stripe import stripe_gateway

        return stripe_gateway(settings)
    return _sandbox


def gateway() -> PaymentGateway:
    """The process's payment gateway, from the current settings (tests switch it by changing them)."""
    return payment_gateway(get_settings())


OpenAIConfig = tuple[str, str, str, float, int, Literal["auto", "json_schema", "json_object", "none"]]


def _openai_config(settings: Settings) -> OpenAIConfig:
    """The OpenAI-compatible server every AI adapter uses, as the cache key of the adapters."""
    return (
        settings.openai_api_key.strip(),
        settings.openai_base_url.strip(),
        settings.openai_model,
        settings.openai_timeout,
        settings.openai_max_retries,
        settings.openai_response_format,
    )


CLASSIFIER_TIMEOUT = 10.0  # the menu waits for the model at most this long, then the offline rules answer

# Each adapter on the OpenAI-compatible server: its module and class, and the longest timeout and most retries it
# may take (None: the settings' own).
OPENAI_ADAPTERS: dict[str, tuple[str, str, float | None, int | None]] = {
    "decomposer": ("decomposer_openai", "OpenAIDecomposer", None, None),
    "reviewer": ("reviewer_openai", "OpenAIReviewer", None, None),
    "classifier": ("classifier_openai", "OpenAIClassifier", CLASSIFIER_TIMEOUT, 1),
    "summarizer": ("dispute_summary_openai", "OpenAIDisputeSummarizer", None, 1),
}


@lru_cache(maxsize=16)
def _openai(kind: str, config: OpenAIConfig) -> Any:
    """One adapter per kind and configuration: it keeps its connection pool and what it learnt of the server (which
    structured output and streaming it takes). Imported on first use, so the app starts without the SDK's cost."""
    module, name, most_time, most_tries = OPENAI_ADAPTERS[kind]
    api_key, base_url, model, timeout, max_retries, response_format = config
    adapter = getattr(importlib.import_module(f"jtbd_app.adapters.{module}"), name)
    return adapter(
        api_key=api_key,
        base_url=base_url,
        model=model,
        timeout=timeout if most_time is None else min(timeout, most_time),
        max_retries=max_retries if most_tries is None else min(max_retries, most_tries),
        response_format=response_format,
    )


def decomposer(settings: Settings) -> Decomposer | None:
    """The OpenAI-compatible planner when OPENAI_API_KEY is set; None means the offline playbooks plan alone."""
    return cast(Decomposer, _openai("decomposer", _openai_config(settings))) if settings.decomposer_enabled else None


def delivery_reviewer(settings: Settings) -> DeliveryReviewer | None:
    """The AI reviewer on the same OpenAI-compatible server as the planner; None without OPENAI_API_KEY (deliveries
    then get only the automatic checks, and the checklist says no AI reviewer is configured)."""
    if not settings.decomposer_enabled:
        return None
    return cast(DeliveryReviewer, _openai("reviewer", _openai_config(settings)))


def task_classifier(settings: Settings) -> TaskClassifier | None:
    """The OpenAI-compatible task classifier on the planner's server; None without OPENAI_API_KEY (the offline rules
    classify alone). Every failure of it is a ClassifierFailed: the caller then uses the offline rules."""
    if not settings.decomposer_enabled:
        return None
    return cast(TaskClassifier, _openai("classifier", _openai_config(settings)))


def dispute_summarizer(settings: Settings) -> DisputeSummarizer | None:
    """The neutral dispute summary on the planner's server; None without OPENAI_API_KEY (the case page then offers no
    summary and says why)."""
    if not settings.decomposer_enabled:
        return None
    return cast(DisputeSummarizer, _openai("summarizer", _openai_config(settings)))


def limiter(settings: Settings) -> Limiter:
    """The rate limiter every worker and host shares: in Redis with REDIS_URL, else in the database."""
    return _limiter(settings.redis_url, settings.resolved_database_url, settings.rate_limits)


@lru_cache(maxsize=4)
def _limiter(redis_url: str, database_url: str, overrides: str) -> Limiter:
    if redis_url:
        client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        return Limiter(RedisCounters(client), parse_overrides(overrides))
    return Limiter(DatabaseCounters(engine_for(database_url)), parse_overrides(overrides))


def link_checker() -> LinkChecker:
    """Checks delivered links from the server, never reaching private, loopback or link-local addresses."""
    from jtbd_app.adapters.link_checker_httpx import HttpxLinkChecker

    return HttpxLinkChecker()


def partners(settings: Settings) -> Mapping[str, PartnerAdapter]:
    """Every outside partner's adapter by key, in the registry's order, each with its options from its one setting
    (`partner_<key>`). One set per configuration: an adapter keeps what it learnt (an API token until it expires)."""
    from jtbd_app.adapters.partners.registry import ADAPTERS

    options = tuple(str(getattr(settings, adapter.settings_key())) for adapter in ADAPTERS)
    return _partners(options, settings.partner_timeout)


@lru_cache(maxsize=4)
def _partners(options: tuple[str, ...], timeout: float) -> Mapping[str, PartnerAdapter]:
    from jtbd_app.adapters.partners.registry import ADAPTERS

    built = {adapter.key: adapter(raw, timeout=timeout) for adapter, raw in zip(ADAPTERS, options, strict=True)}
    return MappingProxyType(built)


class GatewayChangeRefused(SystemExit):
    """Start-up stops, with a message saying why and what to do: money is in flight at another gateway."""


def refuse_a_gateway_change(settings: Settings) -> None:
    """Stops the app or an operator command from starting with a gateway other than the one that holds money still
    in flight (only that one can refund or pay it out). A database without the tables yet holds no money."""
    configured = payment_gateway(settings).name
    try:
        with session_scope() as session:
            in_flight = gateway_of_record.money_in_flight_elsewhere(session, gateway_name=configured)
    except (OperationalError, ProgrammingError) as exc:  # not migrated yet, or not reachable: nothing to compare
        log.warning("could not check money in flight at other payment gateways: %s", type(exc).__name__)
        return
    finally:
        get_engine().dispose()  # no pooled connection outlives start-up into forked workers
    if in_flight:
        raise GatewayChangeRefused(gateway_of_record.refusal(in_flight, configured=configured))


def register_scheduler(app: Any, settings: Settings) -> None:
    """Every backend worker runs due contract jobs (auto-release, reminders, expiry, payouts); claims keep them apart."""
    from jtbd_app.services.scheduler import run_scheduler
    from jtbd_app.services.trust.jobs import HANDLERS

    app.register_lifespan_task(
        run_scheduler,
        session_factory=session_scope,
        handlers=HANDLERS,
        ports={
            "gateway": payment_gateway(settings),
            "link_checker": link_checker(),
            "reviewer": delivery_reviewer(settings),
        },
        poll_seconds=settings.job_poll_seconds,
    )


def partner_image_origins(settings: Settings) -> tuple[str, ...]:
    """Where the Delegate menu's product pictures come from (for the Content-Security-Policy's img-src): Amazon's
    image hosts, only while its product API is on (without it no picture is shown)."""
    from jtbd_app.adapters.partners.amazon_api import IMAGE_HOSTS

    amazon = partners(settings).get("amazon")
    if amazon is None or not amazon.api_enabled:
        return ()
    return tuple(f"https://*.{host}" for host in IMAGE_HOSTS)
