"""Workload now: open cases and open tasks per owner and per group, overdue tasks per owner, and for
team leads the overdue tasks themselves (the only report rows naming a case, listed through the
access rule's SQL, engine.cases.visibility)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Session

from engine.cases.need_to_know import TEAM_LEAD_GROUP
from engine.cases.visibility import rule_sql
from engine.reports.scope import CASES, TASKS, Scope, case_filter, task_filter
from engine.reports.suppression import shown
from engine.tasks.models import READY
from engine.users.models import Group, User, user_groups

USERS, GROUPS = User.__table__, Group.__table__
OVERDUE_LIST_MAX = 200


def _members(group: str) -> Any:
    return (select(user_groups.c.user_id).join(GROUPS, GROUPS.c.id == user_groups.c.group_id)
            .where(GROUPS.c.key == group))


def per_owner(session: Session, scope: Scope) -> list[dict[str, Any]]:
    """Per person: cases they own that are open, READY tasks they hold, and of those the overdue ones."""
    found: dict[Any, dict[str, int]] = defaultdict(lambda: {"open_cases": 0, "open_tasks": 0, "overdue_tasks": 0})
    cases = (select(CASES.c.owner_id, func.count()).where(CASES.c.status == "open", CASES.c.owner_id.is_not(None),
                                                          case_filter(scope)).group_by(CASES.c.owner_id))
    for owner, n in session.execute(cases):
        found[owner]["open_cases"] = n
    overdue = func.sum(func.coalesce((TASKS.c.due_at <= scope.now).cast(Integer), 0))
    tasks = (select(TASKS.c.assignee_id, func.count(), overdue)
             .where(TASKS.c.state == READY, TASKS.c.assignee_id.is_not(None), task_filter(scope))
             .group_by(TASKS.c.assignee_id))
    for holder, n, late in session.execute(tasks):
        found[holder].update(open_tasks=n, overdue_tasks=int(late or 0))
    if scope.group:
        members = set(session.scalars(_members(scope.group)))
        found = {k: v for k, v in found.items() if k in members}
    names = {u.id: u for u in session.scalars(select(User).where(User.id.in_(list(found))))} if found else {}
    rows = [{"username": names[k].username, "name": names[k].display_name,
             **{key: shown(n, scope.min_cell) for key, n in v.items()}} for k, v in found.items() if k in names]
    return sorted(rows, key=lambda row: row["username"])


def per_group(session: Session, scope: Scope) -> list[dict[str, Any]]:
    """Per candidate group: open cases waiting for it, its READY tasks, and of those the overdue ones."""
    overdue = func.sum(func.coalesce((TASKS.c.due_at <= scope.now).cast(Integer), 0))
    query = (select(TASKS.c.candidate_group, func.count(TASKS.c.case_id.distinct()), func.count(), overdue)
             .where(TASKS.c.state == READY, TASKS.c.candidate_group.is_not(None), task_filter(scope))
             .group_by(TASKS.c.candidate_group).order_by(TASKS.c.candidate_group))
    names = dict(session.execute(select(GROUPS.c.key, GROUPS.c.name)).all())
    return [{"group": key, "name": names.get(key, key), "open_cases": shown(cases, scope.min_cell),
             "open_tasks": shown(n, scope.min_cell), "overdue_tasks": shown(int(late or 0), scope.min_cell)}
            for key, cases, n, late in session.execute(query)]


def overdue_now(session: Session, scope: Scope, user: User) -> list[dict[str, Any]] | None:
    """Team leads: the overdue READY tasks with their case reference, oldest deadline first, as the
    access rule lists cases to the user; None for everyone else (reports name no case)."""
    if not user.in_any(TEAM_LEAD_GROUP):
        return None
    holders = USERS.alias("holder")
    query = (select(CASES.c.id, CASES.c.reference, TASKS.c.name, TASKS.c.due_at, TASKS.c.due_rule,
                    holders.c.username)
             .join(CASES, CASES.c.id == TASKS.c.case_id).outerjoin(holders, holders.c.id == TASKS.c.assignee_id)
             .where(TASKS.c.state == READY, TASKS.c.due_at <= scope.now, task_filter(scope),
                    rule_sql(user, scope.now).header())
             .order_by(TASKS.c.due_at, CASES.c.reference).limit(OVERDUE_LIST_MAX))
    return [{"case_id": str(case_id), "reference": ref, "task": name, "due_at": due, "rule": rule, "holder": holder}
            for case_id, ref, name, due, rule, holder in session.execute(query)]


def workload(session: Session, scope: Scope, user: User) -> dict[str, Any]:
    """Every figure of the workload report (a snapshot at `scope.now`; the period is not used)."""
    return {"owners": per_owner(session, scope), "groups": per_group(session, scope),
            "overdue_now": overdue_now(session, scope, user)}
