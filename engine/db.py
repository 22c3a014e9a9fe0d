"""Database engine, session factory and the declarative base shared by every domain package."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL (indexable, compact), plain JSON elsewhere.
JsonType = JSON().with_variant(JSONB(), "postgresql")


# Execution option: a transaction that reads before it writes. On SQLite it begins DEFERRED, so its reads
# take no write lock (a task list does not hold up completions in other processes); its first write
# ends the read snapshot and takes the write lock (see _configure_sqlite). Writes still serialise.
READS_FIRST = "casepath_reads_first"
READ_ONLY = READS_FIRST  # the worker's sweep: a transaction that only reads
_READING = "casepath_reading"  # connection info: an SQLite transaction that holds no write lock yet
# SQLite copies its write-ahead log back into the database file (a checkpoint) in whichever commit
# finds the log past this many pages. The worker checkpoints every few seconds outside any request
# (checkpoint below), so a request meets one only when the log outgrows that: about 40 MB of
# changes between two worker runs, instead of every 4 MB (SQLite's default of 1,000 pages).
WAL_BACKSTOP_PAGES = 10_000


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC; SQLite gets it back aware too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so Alembic names constraints predictably."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout.

    Bound values are left out of error messages and logs: they can hold personal data.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs and SELECT locking; we issue BEGIN
    # ourselves (the documented SQLAlchemy recipe) and take the write lock up front with IMMEDIATE
    # so two writers queue instead of failing half-way.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_BACKSTOP_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.info[_READING] = False
        reads_first = conn.get_execution_options().get(READS_FIRST, False)
        conn.exec_driver_sql("BEGIN DEFERRED" if reads_first else "BEGIN IMMEDIATE")
        conn.info[_READING] = reads_first

    @event.listens_for(engine, "before_cursor_execute")
    def _before_execute(conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if conn.info.get(_READING) and not _is_read(statement):
            conn.info[_READING] = False
            _start_writing(cursor.connection)

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn: Any) -> None:
        conn.info[_READING] = False


def _is_read(statement: str) -> bool:
    return statement.lstrip()[:6].upper() == "SELECT"


def _start_writing(dbapi_connection: Any) -> None:
    """Turn an SQLite read transaction into a write transaction, right before its first write.

    A DEFERRED transaction that has read cannot safely start writing: once another connection has
    committed since its snapshot, SQLite refuses the write at once (SQLITE_BUSY_SNAPSHOT) instead of
    queueing it. So the read snapshot ends here and the write lock is taken as for any writer
    (BEGIN IMMEDIATE, waiting up to the busy timeout). The reads before and the writes after are
    then two transactions: fit for writes that do not depend on the reads being current (access-log
    rows of a page that was read) and for writes that check what they read themselves (the task
    actions' version and state conditions in engine/tasks); nothing else should start reads-first.
    """
    dbapi_connection.execute("COMMIT")
    dbapi_connection.execute("BEGIN IMMEDIATE")


def checkpoint(engine: Engine) -> int | None:
    """SQLite: copy the write-ahead log into the database file as far as readers allow, without
    waiting for any of them or blocking writers (PASSIVE); returns the pages left in the log.
    PostgreSQL checkpoints itself: None."""
    if engine.dialect.name != "sqlite":
        return None
    raw = engine.raw_connection()  # outside any transaction: a checkpoint cannot run inside one
    try:
        _busy, in_log, copied = raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return max(in_log - copied, 0)
    finally:
        raw.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory; sessions don't expire on commit so services can return loaded objects."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that is closed afterwards; services commit themselves."""
    session = factory()
    try:
        yield session
    finally:
        session.close()


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)
