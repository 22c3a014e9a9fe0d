"""The task-list indexes: the migrations create what the model declares (Alembic compares
expression indexes on PostgreSQL, tests/migrations/test_schema.py, but not on SQLite), the task
lists page on them without sorting, and the lists' counts read an index alone."""

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
HOLDER_GROUP = "ix_tasks_ready_holder_group"  # migration 0025


def _normal(sql: str) -> str:
    return re.sub(r"\s+", " ", sql.replace('"', "")).strip().lower()


def test_the_migrations_create_the_models_indexes_on_sqlite(database):
    if database.backend != "sqlite":
        return
    for name in (NAME, HOLDER_GROUP):
        index = next(index for index in Task.__table__.indexes if index.name == name)
        expected = _normal(str(CreateIndex(index).compile(dialect=database.engine.dialect)))
        with database.engine.connect() as conn:
            found = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": name}).scalar_one()
        assert _normal(found) == expected


def _plans(connection, call) -> list[str]:
    """The SQLite plans of the statements `call` runs."""
    seen: list[tuple[str, object]] = []

    def grab(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", grab)
    try:
        call(Session(bind=connection))
    finally:
        event.remove(connection, "before_cursor_execute", grab)
    return [" ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            for statement, parameters in seen]


def test_the_lists_are_paged_on_the_index(database, connection):
    if database.backend != "sqlite":
        return  # PostgreSQL's planner decides by the table's statistics (bench/task_list.py shows it)
    user = SimpleNamespace(id=uuid.uuid4(), group_keys=frozenset({"modtagerteam", "teamleder"}))
    for scope in ("all", "candidate", "mine"):
        [plan] = _plans(connection, lambda s, scope=scope: listing.page_ids(s, user, scope, listing.Filters(), 50, 100))
        assert NAME in plan and "TEMP B-TREE" not in plan, plan


def test_one_groups_candidates_are_paged_and_counted_on_its_range(database, connection):
    if database.backend != "sqlite":
        return
    user = SimpleNamespace(id=uuid.uuid4(), group_keys=frozenset({"modtagerteam"}))
    [page] = _plans(connection, lambda s: listing.page_ids(s, user, "candidate", listing.Filters(), 50, 100))
    assert HOLDER_GROUP in page and "candidate_group=?" in page and "TEMP B-TREE" not in page, page
    for scope in ("candidate", "mine"):  # the counts never read a task row
        [count] = _plans(connection, lambda s, scope=scope: listing.count_tasks(s, user, scope, listing.Filters()))
        assert f"COVERING INDEX {HOLDER_GROUP}" in count, count
