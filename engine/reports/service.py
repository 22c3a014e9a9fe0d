"""The reports as services: who may read them, what a request covers, and the three reports."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.need_to_know import ADMIN_GROUP, TEAM_LEAD_GROUP
from engine.deadlines.calendar import DanishCalendar
from engine.errors import InvalidInput, PermissionDenied
from engine.process_models.models import ProcessVersion
from engine.reports.compliance import deadline_compliance
from engine.reports.flow import case_flow
from engine.reports.periods import MAX_DAYS, Period
from engine.reports.scope import Scope
from engine.reports.workload import workload
from engine.users.models import Group, User


def require_reader(user: User | None) -> None:
    """Reports are for team leads and administrators (checked before any parameter)."""
    if user is not None and not user.in_any(TEAM_LEAD_GROUP, ADMIN_GROUP):
        raise PermissionDenied("only team leads and administrators may read reports")


def default_period(now: datetime, zone: str) -> tuple[date, date]:
    """The last twelve months: the first of the month eleven months back, to today (Danish dates)."""
    today = now.astimezone(ZoneInfo(zone)).date()
    year, month0 = divmod(today.year * 12 + today.month - 1 - 11, 12)
    return date(year, month0 + 1, 1), today


def make_scope(session: Session, now: datetime, zone: str, min_cell: int, first: date | None = None,
               last: date | None = None, process_key: str | None = None, group: str | None = None) -> Scope:
    """A checked report scope (422 with each problem); missing dates: the last twelve months."""
    default_first, default_last = default_period(now, zone)
    first, last = first or default_first, last or default_last
    problems = []
    if first > last:
        problems.append({"field": "from", "message": "Startdatoen skal ligge før slutdatoen."})
    elif last - first > timedelta(days=MAX_DAYS):
        problems.append({"field": "to", "message": "En rapport kan højst dække tre år."})
    if process_key and session.scalar(select(ProcessVersion.id).where(ProcessVersion.key == process_key)
                                      .limit(1)) is None:
        problems.append({"field": "process_key", "message": "Ukendt proces."})
    if group and session.scalar(select(Group.id).where(Group.key == group)) is None:
        problems.append({"field": "group", "message": "Ukendt gruppe."})
    if problems:
        raise InvalidInput("the report's parameters are invalid", problems)
    return Scope(Period(first, last, zone), now, process_key or None, group or None, min_cell)


def report(session: Session, kind: str, scope: Scope, calendar: DanishCalendar, user: User) -> dict[str, Any]:
    """One report (`deadlines`, `flow` or `workload`) with its scope."""
    require_reader(user)
    figures = {"deadlines": lambda: deadline_compliance(session, scope, calendar),
               "flow": lambda: case_flow(session, scope),
               "workload": lambda: workload(session, scope, user)}[kind]()
    return {"from": scope.period.first.isoformat(), "to": scope.period.last.isoformat(),
            "process_key": scope.process_key, "group": scope.group, "min_cell": scope.min_cell, **figures}
