"""The database extension: one engine per app, one session per request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.db import READS_FIRST, make_engine, make_session_factory

# Requests that only read (and log what they read) begin without the SQLite write lock.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_GUARDED = "casepath_guarded_writes"


def init_app(app: Flask) -> None:
    """Create the engine and session factory for `app` and close sessions after each request."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["casepath.engine"] = engine
    app.extensions["casepath.sessions"] = make_session_factory(engine)
    app.teardown_appcontext(close_session)


def get_engine() -> Engine:
    """The app's database engine."""
    return current_app.extensions["casepath.engine"]


def session_factory() -> sessionmaker[Session]:
    """The app's session factory (for the CLI and the worker)."""
    return current_app.extensions["casepath.sessions"]


def guarded_writes(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view whose writes check what it read (a version or state condition in the same
    statement): its reads may run without the SQLite write lock, like a GET (engine.db.READS_FIRST)."""
    setattr(view, _GUARDED, True)
    return view


def _reads_first() -> bool:
    if not has_request_context():
        return False
    if request.method in SAFE_METHODS:
        return True
    return getattr(current_app.view_functions.get(request.endpoint or ""), _GUARDED, False)


def get_session() -> Session:
    """The request's session, created on first use. A reading request's first transaction begins
    reads-first (on SQLite without the write lock, which its first write then takes); every other
    transaction takes the SQLite write lock when it begins, as the CLI and the worker do."""
    if "db_session" not in g:
        session = session_factory()()
        if _reads_first():
            session.connection(execution_options={READS_FIRST: True})
        g.db_session = session
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    """Close (and so roll back anything uncommitted in) the request's session."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
