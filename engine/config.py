"""Settings, read once from environment variables with explicit defaults.

The only configuration module of casepath: the web app, the worker and the CLI all build a
`Settings` with `Settings.from_env()` (or pass overrides in tests).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEVELOPMENT_ENVS = frozenset({"development", "testing"})
MIN_SECRET_BYTES = 32  # the session cookie's signing key: at least 256 bits


class ConfigError(RuntimeError):
    """The environment does not describe a usable configuration."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    """Every setting casepath reads. Field comments name the environment variable."""

    env: str = "production"  # CASEPATH_ENV: production | development | testing
    instance_path: Path = Path("instance")  # CASEPATH_INSTANCE_PATH
    database_url: str = ""  # DATABASE_URL (default: SQLite file in the instance folder)
    secret_key: str = ""  # SECRET_KEY (required outside development and testing)
    # CASEPATH_DATA_KEY: encrypts CPR numbers at rest and keys their match hash (engine/persons/crypto.py);
    # required outside development and testing, at least 32 bytes, not the SECRET_KEY.
    data_key: str = field(default="", repr=False)
    timezone: str = "Europe/Copenhagen"  # CASEPATH_TIMEZONE
    testing: bool = False  # CASEPATH_TESTING=1 enables test-only switches (e.g. a fixed clock)
    base_url: str = "http://127.0.0.1:5000"  # CASEPATH_BASE_URL, used in links in e-mails
    max_bpmn_bytes: int = 2 * 1024 * 1024  # CASEPATH_MAX_BPMN_BYTES
    worker_interval_seconds: int = 5  # CASEPATH_WORKER_INTERVAL
    worker_batch_size: int = 50  # CASEPATH_WORKER_BATCH: due timers looked at per query
    extra_closed_days: str = "06-05,12-24,12-31"  # CASEPATH_EXTRA_CLOSED_DAYS: MM-DD non-working days
    region: str = "Hovedstaden"  # CASEPATH_REGION: the municipality's region, for the actor directory
    smtp_host: str = "localhost"  # SMTP_HOST
    smtp_port: int = 25  # SMTP_PORT
    smtp_security: str = "none"  # SMTP_SECURITY: none | starttls | ssl
    smtp_username: str = ""  # SMTP_USERNAME
    smtp_password: str = field(default="", repr=False)  # SMTP_PASSWORD
    mail_from: str = "casepath@localhost"  # MAIL_FROM
    extra: dict[str, Any] = field(default_factory=dict)
    reminders: bool = True  # CASEPATH_REMINDERS: on | off (deadline reminders and escalations by e-mail)
    remind_working_days_before: int = 1  # CASEPATH_REMIND_WORKING_DAYS_BEFORE: 0 = no advance reminder
    escalation_group: str = "teamleder"  # CASEPATH_ESCALATION_GROUP: told when a task is overdue
    trusted_proxies: int = 0  # CASEPATH_TRUSTED_PROXIES: reverse proxies in front whose X-Forwarded-* to trust
    retention_days: int = 1825  # CASEPATH_RETENTION_DAYS: closed cases keep personal data this long (docs/retention.md)
    access_log_retention_days: int = 730  # CASEPATH_ACCESS_LOG_RETENTION_DAYS: access-log entries kept this long
    break_glass_hours: int = 12  # CASEPATH_BREAK_GLASS_HOURS: how long a break-glass access lasts (1-72)
    session_idle_minutes: int = 120  # CASEPATH_SESSION_IDLE_MINUTES: sign-in ends after this long without a request
    session_max_hours: int = 12  # CASEPATH_SESSION_MAX_HOURS: and this long after signing in, however active
    mail_folder: str = ""  # CASEPATH_MAIL_FOLDER: development only: write mails as .eml files here, not SMTP
    max_attachment_bytes: int = 20 * 1024 * 1024  # CASEPATH_MAX_ATTACHMENT_BYTES: largest file a case may hold
    report_min_cell: int = 5  # CASEPATH_REPORT_MIN_CELL: report cells counting fewer cases show "<N" (1-100)
    # Sign-in with the identity provider (OpenID Connect; webui/ui/oidc.py): off while the issuer is empty.
    oidc_issuer: str = ""  # CASEPATH_OIDC_ISSUER: the provider's issuer URL (discovery document below it)
    oidc_client_id: str = ""  # CASEPATH_OIDC_CLIENT_ID
    oidc_client_secret: str = field(default="", repr=False)  # CASEPATH_OIDC_CLIENT_SECRET
    oidc_groups_claim: str = "groups"  # CASEPATH_OIDC_GROUPS_CLAIM: the ID token claim with groups or roles
    local_login: bool = True  # CASEPATH_LOCAL_LOGIN: false hides and refuses sign-in with local passwords

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from `environ` (default: `os.environ`), then apply `overrides`."""
        env = dict(os.environ if environ is None else environ)
        instance = Path(env.get("CASEPATH_INSTANCE_PATH") or "instance").resolve()
        settings = cls(
            env=env.get("CASEPATH_ENV", "production"),
            instance_path=instance,
            database_url=env.get("DATABASE_URL") or f"sqlite:///{instance / 'casepath.db'}",
            secret_key=env.get("SECRET_KEY", ""),
            data_key=env.get("CASEPATH_DATA_KEY", ""),
            timezone=env.get("CASEPATH_TIMEZONE", "Europe/Copenhagen"),
            testing=_bool(env.get("CASEPATH_TESTING"), False),
            base_url=env.get("CASEPATH_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
            max_bpmn_bytes=_int(env, "CASEPATH_MAX_BPMN_BYTES", 2 * 1024 * 1024),
            worker_interval_seconds=_int(env, "CASEPATH_WORKER_INTERVAL", 5),
            worker_batch_size=_int(env, "CASEPATH_WORKER_BATCH", 50),
            extra_closed_days=env.get("CASEPATH_EXTRA_CLOSED_DAYS", "06-05,12-24,12-31"),
            region=env.get("CASEPATH_REGION", "Hovedstaden"),
            smtp_host=env.get("SMTP_HOST", "localhost"),
            smtp_port=_int(env, "SMTP_PORT", 25),
            smtp_security=env.get("SMTP_SECURITY", "none"),
            smtp_username=env.get("SMTP_USERNAME", ""),
            smtp_password=env.get("SMTP_PASSWORD", ""),
            mail_from=env.get("MAIL_FROM", "casepath@localhost"),
            reminders=_bool(env.get("CASEPATH_REMINDERS"), True),
            remind_working_days_before=_int(env, "CASEPATH_REMIND_WORKING_DAYS_BEFORE", 1),
            escalation_group=env.get("CASEPATH_ESCALATION_GROUP") or "teamleder",
            trusted_proxies=_int(env, "CASEPATH_TRUSTED_PROXIES", 0),
            retention_days=_int(env, "CASEPATH_RETENTION_DAYS", 1825),
            access_log_retention_days=_int(env, "CASEPATH_ACCESS_LOG_RETENTION_DAYS", 730),
            break_glass_hours=_int(env, "CASEPATH_BREAK_GLASS_HOURS", 12),
            session_idle_minutes=_int(env, "CASEPATH_SESSION_IDLE_MINUTES", 120),
            session_max_hours=_int(env, "CASEPATH_SESSION_MAX_HOURS", 12),
            mail_folder=env.get("CASEPATH_MAIL_FOLDER", ""),
            max_attachment_bytes=_int(env, "CASEPATH_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024),
            report_min_cell=_int(env, "CASEPATH_REPORT_MIN_CELL", 5),
            oidc_issuer=(env.get("CASEPATH_OIDC_ISSUER") or "").strip(),
            oidc_client_id=(env.get("CASEPATH_OIDC_CLIENT_ID") or "").strip(),
            oidc_client_secret=env.get("CASEPATH_OIDC_CLIENT_SECRET", ""),
            oidc_groups_claim=(env.get("CASEPATH_OIDC_GROUPS_CLAIM") or "groups").strip(),
            local_login=_bool(env.get("CASEPATH_LOCAL_LOGIN"), True),
        )
        settings = replace(settings, **overrides)
        settings.check()
        return settings

    @property
    def is_development(self) -> bool:
        """True in development and testing, where defaults may be insecure.

        Only CASEPATH_ENV decides: CASEPATH_TESTING switches on test helpers, never insecure defaults.
        """
        return self.env in DEVELOPMENT_ENVS

    def check(self) -> None:
        """Refuse settings that would be unsafe or unusable."""
        if self.env not in {"production", "development", "testing"}:
            raise ConfigError(f"CASEPATH_ENV must be production, development or testing, not {self.env!r}")
        self._check_production()
        if self.smtp_security not in {"none", "starttls", "ssl"}:
            raise ConfigError("SMTP_SECURITY must be none, starttls or ssl")
        if not 0 <= self.remind_working_days_before <= 20:
            raise ConfigError("CASEPATH_REMIND_WORKING_DAYS_BEFORE must be from 0 to 20")
        if "@" not in self.mail_from:
            raise ConfigError("MAIL_FROM must be an e-mail address")
        if self.retention_days < 1:
            raise ConfigError("CASEPATH_RETENTION_DAYS must be at least 1")
        if self.access_log_retention_days < 183:
            raise ConfigError("CASEPATH_ACCESS_LOG_RETENTION_DAYS must be at least 183 (6 months)")
        if not 1 <= self.break_glass_hours <= 72:
            raise ConfigError("CASEPATH_BREAK_GLASS_HOURS must be from 1 to 72")
        self._check_sessions()
        if not 1024 <= self.max_attachment_bytes <= 1024 * 1024 * 1024:
            raise ConfigError("CASEPATH_MAX_ATTACHMENT_BYTES must be from 1024 (1 KB) to 1073741824 (1 GB)")
        if not 1 <= self.report_min_cell <= 100:
            raise ConfigError("CASEPATH_REPORT_MIN_CELL must be from 1 to 100")
        self._check_oidc()

    def _check_production(self) -> None:
        """Production never runs with a guessable key or with test switches."""
        if self.is_development:
            return
        if not self.secret_key:
            raise ConfigError("SECRET_KEY is required outside development and testing")
        if len(self.secret_key.encode()) < MIN_SECRET_BYTES:
            raise ConfigError(f"SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes in production "
                              "(e.g. python3 -c 'import secrets; print(secrets.token_hex(32))')")
        if self.testing:
            raise ConfigError("CASEPATH_TESTING=1 is for tests only, not with CASEPATH_ENV=production")
        if self.mail_folder:
            raise ConfigError("CASEPATH_MAIL_FOLDER is for development only; production sends mail over SMTP")
        self._check_data_key()

    def _check_data_key(self) -> None:
        """CPR numbers are encrypted with a key of the operator's, never a default one."""
        if not self.data_key:
            raise ConfigError("CASEPATH_DATA_KEY is required outside development and testing: it encrypts CPR "
                              "numbers (e.g. python3 -c 'import secrets; print(secrets.token_hex(32))')")
        if len(self.data_key.encode()) < MIN_SECRET_BYTES:
            raise ConfigError(f"CASEPATH_DATA_KEY must be at least {MIN_SECRET_BYTES} bytes in production")
        if self.data_key == self.secret_key:
            raise ConfigError("CASEPATH_DATA_KEY must differ from SECRET_KEY")

    @property
    def effective_data_key(self) -> str:
        """The data key, with a fixed, publicly known fallback only in development and tests (so a
        development database stays readable across restarts). Checked again like the secret key."""
        if not self.is_development:
            self._check_production()
            return self.data_key
        return self.data_key or "casepath-development-only-data-key-not-secret"

    @property
    def oidc_enabled(self) -> bool:
        """True when staff can sign in with the identity provider."""
        return bool(self.oidc_issuer)

    def _check_oidc(self) -> None:
        """A provider needs a client id; production talks to it over HTTPS only; someone must be able to sign in."""
        if self.oidc_issuer and not self.oidc_client_id:
            raise ConfigError("CASEPATH_OIDC_CLIENT_ID is required with CASEPATH_OIDC_ISSUER")
        if self.oidc_issuer and not self.oidc_issuer.startswith(("https://", "http://")):
            raise ConfigError("CASEPATH_OIDC_ISSUER must be an https:// URL")
        if self.oidc_issuer.startswith("http://") and not self.is_development:
            raise ConfigError("CASEPATH_OIDC_ISSUER must be an https:// URL in production")
        if not self.oidc_groups_claim:
            raise ConfigError("CASEPATH_OIDC_GROUPS_CLAIM must name a claim")
        if not self.local_login and not self.oidc_issuer:
            raise ConfigError("CASEPATH_LOCAL_LOGIN=false needs CASEPATH_OIDC_ISSUER: otherwise nobody can sign in")

    def _check_sessions(self) -> None:
        if not 5 <= self.session_idle_minutes <= 1440:
            raise ConfigError("CASEPATH_SESSION_IDLE_MINUTES must be from 5 to 1440")
        if not 1 <= self.session_max_hours <= 72:
            raise ConfigError("CASEPATH_SESSION_MAX_HOURS must be from 1 to 72")
        if self.session_idle_minutes > self.session_max_hours * 60:
            raise ConfigError("CASEPATH_SESSION_IDLE_MINUTES must not exceed CASEPATH_SESSION_MAX_HOURS")

    @property
    def effective_secret_key(self) -> str:
        """The secret key, with a fixed insecure fallback only in development and tests.

        Checked again here because settings made with `dataclasses.replace` skip `check()`.
        """
        if not self.is_development:
            self._check_production()
            return self.secret_key
        return self.secret_key or "casepath-development-only-not-secret"
