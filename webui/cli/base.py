"""What every `casepath` command needs: the settings and a database session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def operator_session() -> Iterator[Session]:
    """A session for one command; a refusal from the engine ends the command with its message."""
    with open_session() as session:
        try:
            yield session
        except DomainError as exc:
            raise click.ClickException(exc.message) from exc
