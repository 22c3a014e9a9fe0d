"""What every `casepath` command needs: the settings and a database session."""

from __future__ import annotations

import click
from sqlalchemy.orm import Session

from engine.config import ConfigError, Settings
from engine.db import make_engine, make_session_factory
from engine.errors import DomainError
from engine.setup import configure


def load_settings() -> Settings:
    """Settings from the environment; a configuration error ends the command with its message."""
    try:
        loaded = Settings.from_env()
        configure(loaded)
        return loaded
    except (ConfigError, DomainError) as exc:
        raise click.ClickException(getattr(exc, "message", str(exc))) from exc


def open_session() -> Session:
    """A session on the configured database (the caller closes it)."""
    return make_session_factory(make_engine(load_settings().database_url))()
