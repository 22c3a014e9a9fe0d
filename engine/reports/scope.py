"""What a report covers: a period, and optionally one process and one group (team)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import ReturnTypeFromArgs

from engine.cases.models import Case
from engine.process_models.models import ProcessVersion
from engine.reports.periods import Period
from engine.tasks.models import Task

TASKS, CASES, VERSIONS = Task.__table__, Case.__table__, ProcessVersion.__table__


@dataclass(frozen=True)
class Scope:
    """A report's period (Danish dates), process key and candidate group (None: all), at `now`."""

    period: Period
    now: datetime
    process_key: str | None = None
    group: str | None = None
    min_cell: int = 5


class unindexed(ReturnTypeFromArgs):  # noqa: N801 - reads as the SQL it stands for
    """A column as a filter, not as the way in: on SQLite `+column`, so its planner keeps reading the
    period's range and tests membership, instead of seeking a case for each of a team's tasks."""

    inherit_cache = True


@compiles(unindexed)
def _column(element: unindexed, compiler, **kw) -> str:  # noqa: ANN001 - SQLAlchemy's compiler hook
    return compiler.process(element.clauses, **kw)


@compiles(unindexed, "sqlite")
def _plus_column(element: unindexed, compiler, **kw) -> str:  # noqa: ANN001 - SQLAlchemy's compiler hook
    return "+" + compiler.process(element.clauses, **kw)


def _versions(key: str):  # noqa: ANN202 - a scalar subquery
    return select(VERSIONS.c.id).where(VERSIONS.c.key == key)


def task_filter(scope: Scope) -> ColumnElement[bool]:
    """Tasks of the scope's process (the case's version) and group."""
    parts = []
    if scope.process_key:
        parts.append(TASKS.c.process_version_id.in_(_versions(scope.process_key)))
    if scope.group:
        parts.append(TASKS.c.candidate_group == scope.group)
    return and_(true(), *parts)


def case_filter(scope: Scope) -> ColumnElement[bool]:
    """Cases of the scope's process, and (with a group) those with a task of that group."""
    parts = []
    if scope.process_key:
        parts.append(CASES.c.process_version_id.in_(_versions(scope.process_key)))
    if scope.group:
        parts.append(unindexed(CASES.c.id).in_(select(TASKS.c.case_id).where(TASKS.c.candidate_group == scope.group)))
    return and_(true(), *parts)
