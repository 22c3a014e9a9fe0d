"""Process-wide mail settings for code paths that have no Settings at hand (a web request's
task assignment). The worker passes its Settings explicitly."""

from __future__ import annotations

from email.utils import parseaddr

from engine.config import Settings

_settings: Settings | None = None


def configure(settings: Settings) -> Settings:
    """Set the settings used when a mail is queued without explicit settings."""
    global _settings
    _settings = settings
    return settings


def current_settings() -> Settings:
    """The configured settings (plain defaults until configured, like the deadline calendar)."""
    global _settings
    if _settings is None:
        _settings = Settings()
    return _settings


def mail_domain(settings: Settings) -> str:
    """The domain of MAIL_FROM, for Message-IDs (`casepath@kommune.dk` → `kommune.dk`)."""
    address = parseaddr(settings.mail_from)[1] or settings.mail_from
    return address.rpartition("@")[2].strip().strip(">") or "casepath"
