"""The task-list index: the migration creates what the model declares (Alembic compares expression
indexes on PostgreSQL, tests/migrations/test_schema.py, but not on SQLite), and the task lists page
on it without sorting."""

from __future__ import annotations

import re
import uuid
from types import SimpleNamespace

from sqlalchemy import event, text
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateIndex

from engine.tasks import listing
from engine.tasks.models import Task

NAME = "ix_tasks_ready_order"


def _normal(sql: str) -> str:
    return re.sub(r"\s+", " ", sql.replace('"', "")).strip().lower()


def test_the_migration_creates_the_models_index_on_sqlite(database):
    if database.backend != "sqlite":
        return
    index = next(index for index in Task.__table__.indexes if index.name == NAME)
    expected = _normal(str(CreateIndex(index).compile(dialect=database.engine.dialect)))
    with database.engine.connect() as conn:
        found = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": NAME}).scalar_one()
    assert _normal(found) == expected


def test_the_lists_are_paged_on_the_index(database, connection):
    if database.backend != "sqlite":
        return  # PostgreSQL's planner decides by the table's statistics (bench/task_list.py shows it)
    user = SimpleNamespace(id=uuid.uuid4(), group_keys=frozenset({"modtagerteam", "teamleder"}))
    seen: list[tuple[str, object]] = []

    def grab(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", grab)
    try:
        for scope in ("all", "candidate", "mine"):
            listing.page_ids(Session(bind=connection), user, scope, listing.Filters(), 50, 100)
    finally:
        event.remove(connection, "before_cursor_execute", grab)
    for statement, parameters in seen:
        plan = " ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
        assert NAME in plan and "TEMP B-TREE" not in plan, plan
