"""The database extension: one engine per app, one session per request."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.db import make_engine, make_session_factory


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


def get_session() -> Session:
    """The request's session, created on first use."""
    if "db_session" not in g:
        g.db_session = session_factory()()
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    """Close (and so roll back anything uncommitted in) the request's session."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
