"""Process-wide configuration from Settings, done once by every entry point (app, worker, CLI)."""

from __future__ import annotations

from engine.config import Settings


def configure(settings: Settings) -> Settings:
    """Apply the settings that code without a Settings at hand reads: the calendar and mail."""
    from engine.deadlines.rules import configure_calendar
    from engine.notifications.context import configure as configure_mail
    from engine.persons import configure as configure_persons

    configure_calendar(settings.extra_closed_days, settings.timezone)
    configure_mail(settings)
    configure_persons(settings)  # the data key for CPR numbers
    return settings
