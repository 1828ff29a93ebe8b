"""One settings object, read from the environment and `.env`.

Every embedded default has a real counterpart switched on by a setting alone (see `.env.example`).
"""

from __future__ import annotations

import secrets
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jtbd_app.domain.client_address import Network, parse_networks
from jtbd_app.domain.file_types import DEFAULT_KINDS as DEFAULT_FILE_KINDS
from jtbd_app.domain.file_types import parse_kinds
from jtbd_app.domain.rate_limits import Policy, parse_overrides

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "placeholder", "xxx"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(default="development", alias="JTBD_ENV")
    secret_key: str = Field(default="", alias="SECRET_KEY")
    app_url: str = Field(default="http://localhost:3000", alias="APP_URL")
    database_url: str = Field(default="", alias="DATABASE_URL")
    redis_url: str = Field(default="", alias="REDIS_URL")
    cors_allowed_origins: str = Field(default="", alias="CORS_ALLOWED_ORIGINS")
    healthz_token: str = Field(default="", alias="HEALTHZ_TOKEN")  # unlocks the detailed /healthz report

    session_days: int = Field(default=30, alias="SESSION_DAYS", ge=1, le=365)
    login_max_failures: int = Field(default=5, alias="LOGIN_MAX_FAILURES", ge=1)
    login_window_seconds: int = Field(default=900, alias="LOGIN_WINDOW_SECONDS", ge=1)
    login_lock_seconds: int = Field(default=30, alias="LOGIN_LOCK_SECONDS", ge=1)
    # Overrides of the rate limits (domain/rate_limits.DEFAULT_POLICIES): "bid.member=10/3600,message.address=off".
    rate_limits: str = Field(default="", alias="RATE_LIMITS")
    # Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs); empty: the socket peer is the client.
    trusted_proxies: str = Field(default="", alias="TRUSTED_PROXIES")

    oidc_issuer: str = Field(default="", alias="OIDC_ISSUER")
    oidc_client_id: str = Field(default="", alias="OIDC_CLIENT_ID")
    oidc_client_secret: str = Field(default="", alias="OIDC_CLIENT_SECRET")
    oidc_label: str = Field(default="Single sign-on", alias="OIDC_LABEL")
    google_client_id: str = Field(default="", alias="GOOGLE_CLIENT_ID")
    google_client_secret: str = Field(default="", alias="GOOGLE_CLIENT_SECRET")
    github_client_id: str = Field(default="", alias="GITHUB_CLIENT_ID")
    github_client_secret: str = Field(default="", alias="GITHUB_CLIENT_SECRET")

    smtp_host: str = Field(default="", alias="SMTP_HOST")
    smtp_port: int = Field(default=587, alias="SMTP_PORT", ge=1, le=65535)
    smtp_username: str = Field(default="", alias="SMTP_USERNAME")
    smtp_password: str = Field(default="", alias="SMTP_PASSWORD")
    smtp_from: str = Field(default="", alias="SMTP_FROM")
    smtp_security: Literal["starttls", "ssl", "none"] = Field(default="starttls", alias="SMTP_SECURITY")
    smtp_timeout: float = Field(default=10.0, alias="SMTP_TIMEOUT", gt=0, le=300)

    platform_fee_percent: str = Field(default="10", alias="PLATFORM_FEE_PERCENT")
    contract_max_revisions: int = Field(default=2, alias="CONTRACT_MAX_REVISIONS", ge=0, le=10)
    auto_release_days: int = Field(default=7, alias="AUTO_RELEASE_DAYS", ge=2, le=60)
    unfunded_expiry_days: int = Field(default=14, alias="UNFUNDED_EXPIRY_DAYS", ge=1, le=90)
    review_window_days: int = Field(default=14, alias="REVIEW_WINDOW_DAYS", ge=1, le=90)
    dispute_response_days: int = Field(default=5, alias="DISPUTE_RESPONSE_DAYS", ge=1, le=60)
    dispute_evidence_days: int = Field(default=3, alias="DISPUTE_EVIDENCE_DAYS", ge=1, le=60)
    private_files_dir: str = Field(default="", alias="PRIVATE_FILES_DIR")
    # Uploaded files go to an S3-compatible bucket instead of PRIVATE_FILES_DIR when S3_BUCKET is set (several hosts).
    s3_bucket: str = Field(default="", alias="S3_BUCKET")
    s3_prefix: str = Field(default="", alias="S3_PREFIX")  # e.g. "jtbd/": every key is stored under it
    s3_endpoint_url: str = Field(default="", alias="S3_ENDPOINT_URL")  # empty: AWS itself; else MinIO, R2, ...
    s3_region: str = Field(default="", alias="S3_REGION")
    s3_access_key_id: str = Field(default="", alias="S3_ACCESS_KEY_ID")  # empty: boto3's own chain (AWS_*, a role)
    s3_secret_access_key: str = Field(default="", alias="S3_SECRET_ACCESS_KEY")
    s3_timeout: float = Field(default=20.0, alias="S3_TIMEOUT", gt=0, le=300)
    delivery_max_file_mb: int = Field(default=25, alias="DELIVERY_MAX_FILE_MB", ge=1, le=500)
    delivery_file_types: str = Field(default=DEFAULT_FILE_KINDS, alias="DELIVERY_FILE_TYPES")
    job_poll_seconds: float = Field(default=30.0, alias="JOB_POLL_SECONDS", gt=0, le=3600)

    stripe_secret_key: str = Field(default="", alias="STRIPE_SECRET_KEY")
    stripe_publishable_key: str = Field(default="", alias="STRIPE_PUBLISHABLE_KEY")
    stripe_webhook_secret: str = Field(default="", alias="STRIPE_WEBHOOK_SECRET")
    stripe_api_base: str = Field(default="", alias="STRIPE_API_BASE")  # a local Stripe-compatible server in tests
    stripe_js_url: str = Field(default="https://js.stripe.com/v3/", alias="STRIPE_JS_URL")
    stripe_timeout: float = Field(default=20.0, alias="STRIPE_TIMEOUT", gt=0, le=120)

    # Outside partners of the Delegate menu: one setting each, a query string of the partner's options, e.g.
    # PARTNER_AMAZON="tag=jtbd-20&credential_id=...&credential_secret=...". Empty: deep links only.
    partner_amazon: str = Field(default="", alias="PARTNER_AMAZON")
    partner_instacart: str = Field(default="", alias="PARTNER_INSTACART")
    partner_fiverr: str = Field(default="", alias="PARTNER_FIVERR")
    partner_upwork: str = Field(default="", alias="PARTNER_UPWORK")
    partner_taskrabbit: str = Field(default="", alias="PARTNER_TASKRABBIT")
    partner_thumbtack: str = Field(default="", alias="PARTNER_THUMBTACK")
    partner_angi: str = Field(default="", alias="PARTNER_ANGI")
    partner_timeout: float = Field(default=8.0, alias="PARTNER_TIMEOUT", gt=0, le=60)
    # The curation rule: after at least this many rated outcomes, a partner whose average rating or success rate falls
    # below its threshold is suspended and the admins are told.
    partner_min_outcomes: int = Field(default=5, alias="PARTNER_MIN_OUTCOMES", ge=1, le=1000)
    partner_min_rating: float = Field(default=3.0, alias="PARTNER_MIN_RATING", ge=1, le=5)
    partner_min_success_percent: int = Field(default=60, alias="PARTNER_MIN_SUCCESS_PERCENT", ge=0, le=100)
    # ...and only when those rated outcomes come from at least this many different members.
    partner_min_reporters: int = Field(default=3, alias="PARTNER_MIN_REPORTERS", ge=1, le=1000)

    # The AI planner (an OpenAI-compatible chat server); without a key plans come from the offline playbooks.
    openai_api_key: str = Field(default="", alias="OPENAI_API_KEY")
    openai_base_url: str = Field(default="", alias="OPENAI_BASE_URL")  # empty: OpenAI's own API
    openai_model: str = Field(default="gpt-4o-mini", alias="OPENAI_MODEL", min_length=1)
    openai_timeout: float = Field(default=60.0, alias="OPENAI_TIMEOUT", gt=0, le=600)
    openai_max_retries: int = Field(default=2, alias="OPENAI_MAX_RETRIES", ge=0, le=10)
    openai_response_format: Literal["auto", "json_schema", "json_object", "none"] = Field(
        default="auto", alias="OPENAI_RESPONSE_FORMAT"
    )

    @model_validator(mode="after")
    def _money_settings_make_sense(self) -> Settings:
        from jtbd_app.domain.contract_rules import fee_percent_to_bps

        fee_percent_to_bps(self.platform_fee_percent)
        if self.stripe_secret_key and not (self.stripe_webhook_secret and self.stripe_publishable_key):
            raise ValueError(
                "STRIPE_WEBHOOK_SECRET and STRIPE_PUBLISHABLE_KEY must be set with STRIPE_SECRET_KEY: "
                "payments are confirmed only by signed webhooks, and the browser needs the publishable key"
            )
        return self

    @model_validator(mode="after")
    def _file_types_are_known(self) -> Settings:
        parse_kinds(self.delivery_file_types)  # a typo refuses to start rather than refusing every upload
        return self

    @model_validator(mode="after")
    def _limits_and_proxies_parse(self) -> Settings:
        parse_overrides(self.rate_limits)  # a typo refuses to start rather than limiting the wrong thing
        parse_networks(self.trusted_proxies)
        return self

    @property
    def rate_limit_policies(self) -> dict[str, Policy]:
        return parse_overrides(self.rate_limits)

    @cached_property
    def trusted_proxy_networks(self) -> tuple[Network, ...]:
        return parse_networks(self.trusted_proxies)

    @property
    def delivery_file_kinds(self) -> tuple[str, ...]:
        return parse_kinds(self.delivery_file_types)

    @model_validator(mode="after")
    def _mail_needs_a_sender(self) -> Settings:
        if self.smtp_host and "@" not in self.smtp_from:
            raise ValueError(
                "SMTP_FROM must be set to the sender address (e.g. JTBD <no-reply@example.com>) with SMTP_HOST"
            )
        placeholder = self.smtp_password.strip().lower() in PLACEHOLDER_SECRETS
        if self.smtp_username and self.environment != "development" and placeholder:
            raise ValueError(
                f"SMTP_PASSWORD must be set to the real password with SMTP_USERNAME when JTBD_ENV={self.environment}"
            )
        return self

    @model_validator(mode="after")
    def _refuse_placeholders_outside_development(self) -> Settings:
        if self.environment == "development":
            return self
        secrets_in_use = {"SECRET_KEY": self.secret_key}
        if self.oidc_client_id:
            secrets_in_use["OIDC_CLIENT_SECRET"] = self.oidc_client_secret
        if self.google_client_id:
            secrets_in_use["GOOGLE_CLIENT_SECRET"] = self.google_client_secret
        if self.github_client_id:
            secrets_in_use["GITHUB_CLIENT_SECRET"] = self.github_client_secret
        if self.stripe_secret_key:
            secrets_in_use["STRIPE_WEBHOOK_SECRET"] = self.stripe_webhook_secret
        for name, value in secrets_in_use.items():
            if value.strip().lower() in PLACEHOLDER_SECRETS or len(value) < 16:
                msg = f"{name} must be set to a real secret (16+ characters) when JTBD_ENV={self.environment}"
                raise ValueError(msg)
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return _normalise_db_url(self.database_url)
        DATA_DIR.mkdir(exist_ok=True)
        return f"sqlite:///{DATA_DIR / 'jtbd.db'}"

    @cached_property
    def resolved_secret_key(self) -> str:
        """The configured key, or in development one generated once into the git-ignored data/."""
        if self.secret_key:
            return self.secret_key
        key_file = DATA_DIR / "secret_key"
        if not key_file.exists():
            DATA_DIR.mkdir(exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()

    @property
    def allowed_origins(self) -> list[str]:
        if self.cors_allowed_origins:
            return [o.strip() for o in self.cors_allowed_origins.split(",") if o.strip()]
        return [self.app_url.rstrip("/")]

    @property
    def mail_enabled(self) -> bool:
        """Mail goes out only when an SMTP server is configured; otherwise notifications stay in the app."""
        return bool(self.smtp_host)

    @property
    def stripe_enabled(self) -> bool:
        return bool(self.stripe_secret_key)

    @property
    def decomposer_enabled(self) -> bool:
        """Plans come from the configured model when an API key is set, else from the offline playbooks."""
        return bool(self.openai_api_key.strip())

    @property
    def platform_fee_bps(self) -> int:
        from jtbd_app.domain.contract_rules import fee_percent_to_bps

        return fee_percent_to_bps(self.platform_fee_percent)

    @property
    def resolved_private_files_dir(self) -> Path:
        """Delivery files live here, outside anything served statically; only a checked route reads them."""
        return Path(self.private_files_dir) if self.private_files_dir else DATA_DIR / "private"

    @property
    def s3_enabled(self) -> bool:
        """Uploaded files live in the S3-compatible bucket when one is named, else in the private files folder."""
        return bool(self.s3_bucket.strip())

    @property
    def cookies_secure(self) -> bool:
        return self.app_url.startswith("https://")


def _normalise_db_url(url: str) -> str:
    """Use the psycopg 3 driver for plain PostgreSQL URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
