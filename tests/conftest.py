"""Shared fixtures: both databases migrated to head once, each test in a rolled-back transaction."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from engine.clock import system_clock
from engine.config import Settings
from engine.db import make_engine
from engine.migrate import upgrade
from engine.users.models import User
from engine.users.service import create_token, create_user
from tests import pgserver
from tests.engine.notifications.mailserver import MailServer
from webui import create_app

os.environ.setdefault("CASEPATH_ENV", "testing")
BACKENDS = ["sqlite", "postgresql"]
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def require_postgres() -> str:
    """The test PostgreSQL server's URL; skip locally, fail in CI, when none can be started."""
    url = pgserver.postgres_url()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is required in CI but none could be started")
        pytest.skip("no PostgreSQL server available")
    return url


@dataclass
class Database:
    """A migrated database of one backend."""

    backend: str
    url: str
    engine: Engine


def create_database(backend: str, tmp_dir: Path, name: str) -> Database:
    """A fresh database of `backend`, migrated to head."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_dir / (name + '.db')}"
    else:
        url = pgserver.create_database(require_postgres(), name)
    engine = make_engine(url)
    upgrade(engine)
    return Database(backend, url, engine)


@pytest.fixture
def throwaway_postgres(tmp_path: Path) -> Iterator[Database]:
    """A fresh migrated PostgreSQL database of its own, for tests that commit from several
    connections at once (held locks, racing transactions); dropped afterwards."""
    server = require_postgres()
    name = f"cp_{uuid.uuid4().hex[:10]}"
    db = create_database("postgresql", tmp_path, name)
    try:
        yield db
    finally:
        db.engine.dispose()
        pgserver.drop_database(server, name)


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One migrated database per backend for the whole run."""
    db = create_database(request.param, tmp_path_factory.mktemp("db"), "casepath_test")
    yield db
    db.engine.dispose()


@pytest.fixture
def connection(database: Database) -> Iterator[Connection]:
    """A connection inside an outer transaction that is rolled back after the test."""
    conn = database.engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


def bound_session(conn: Connection) -> Session:
    """A session whose commits become savepoints of the test's outer transaction."""
    return Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def db_session(connection: Connection) -> Iterator[Session]:
    """A session for service-level tests."""
    session = bound_session(connection)
    yield session
    session.close()


@pytest.fixture
def settings(database: Database, tmp_path: Path) -> Settings:
    """Test settings pointing at the test database."""
    return Settings.from_env(
        {"CASEPATH_ENV": "testing", "CASEPATH_TESTING": "1", "DATABASE_URL": database.url,
         "CASEPATH_INSTANCE_PATH": str(tmp_path / "instance")}
    )


class ServiceClock:
    """The app's clock in tests: the real time until a test sets an instant, so that no test that
    needs a particular date depends on today's date."""

    def __init__(self) -> None:
        self.at: datetime | None = None

    def __call__(self) -> datetime:
        return self.at or system_clock()

    def set(self, at: datetime | str) -> None:
        """Stand still at `at` (aware, or ISO 8601 with an offset)."""
        self.at = datetime.fromisoformat(at) if isinstance(at, str) else at

    def advance(self, delta: timedelta) -> None:
        """Move on by `delta` from the current instant."""
        self.at = self() + delta


@pytest.fixture
def service_clock() -> ServiceClock:
    """The clock the app under test reads."""
    return ServiceClock()


@pytest.fixture
def app(settings: Settings, connection: Connection, service_clock: ServiceClock) -> Iterator[Flask]:
    """The Flask app, its request sessions bound to the test's connection."""
    app = create_app(settings, clock=service_clock)
    app.extensions["casepath.sessions"] = lambda: bound_session(connection)
    app.extensions["casepath.test_connection"] = connection
    yield app
    app.extensions["casepath.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@dataclass
class Account:
    """A user with a token and its ready-made auth header."""

    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def make_account(db_session: Session) -> Callable[..., Account]:
    """Create users with tokens: make_account("teamleder") or make_account("a", "b", name="x")."""

    def make(*groups: str, name: str | None = None) -> Account:
        username = name or f"u-{uuid.uuid4().hex[:8]}"
        user = create_user(db_session, username, f"{username}@example.invalid", list(groups))
        return Account(user, create_token(db_session, username))

    return make


@pytest.fixture
def smtp_server() -> Iterator[MailServer]:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def bpmn_dir() -> Path:
    """Test diagrams."""
    return Path(__file__).resolve().parent / "data"
