"""Task lists: READY tasks by due date (none last), then creation, paged on an index in that order.

The page's ids come from an index in list order, ix_tasks_ready_order (state, (due_at IS NULL),
due_at, created_at, id) or, for the candidates of a user with one group, that group's range of
ix_tasks_ready_holder_group (state, assignee_id, candidate_group, then the same order), so only the
page's rows are joined to their case, process, holder and safe contact, never every READY row
before the page is cut. The counts of "mine" and "candidate" read ix_tasks_ready_holder_group
alone. The statements are built once per shape of the filters (scope, which optional filters are
given, one group or several).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from engine.cases.access import READ_SAFE_CONTACT, CaseAccess
from engine.cases.service import SUPERVISOR_GROUPS
from engine.errors import InvalidInput, PermissionDenied
from engine.tasks.models import READY
from engine.tasks.rows import (
    CASES,
    TASKS,
    VERSIONS,
    TaskView,
    contact_columns,
    listed,
    view_columns,
    viewed,
)
from engine.users.models import User

SCOPES = ("mine", "candidate", "all")
# NULL due dates sort last on both databases; the same expressions as the index.
ORDER = (TASKS.c.due_at.is_(None), TASKS.c.due_at, TASKS.c.created_at, TASKS.c.id)
# Which optional filters are given (case, due before, process, reference), and whether the user
# has exactly one group (then the candidate list is one range of ix_tasks_ready_holder_group).
Shape = tuple[bool, bool, bool, bool, bool]


@dataclass(frozen=True)
class Filters:
    """What a task list asks for besides its scope."""

    case_id: UUID | None = None
    due_before: datetime | None = None
    process_key: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class ViewPage:
    """One page of a task list and the total number of matches."""

    items: list[TaskView]  # each with its case's safe contact
    total: int


def check_scope(user: User, scope: str) -> None:
    """InvalidInput for an unknown scope; PermissionDenied for `all` without being a team lead or admin."""
    if scope not in SCOPES:
        raise InvalidInput(f"scope must be one of {', '.join(SCOPES)}")
    if scope == "all" and not user.in_any(*SUPERVISOR_GROUPS):
        raise PermissionDenied("only team leads and administrators may list all tasks")


def _conditions(scope: str, shape: Shape) -> list[Any]:
    has_case, has_due, has_process, has_reference, one_group = shape
    where = [TASKS.c.state == READY]
    if scope == "mine":
        where.append(TASKS.c.assignee_id == bindparam("user_id"))
    elif scope == "candidate":
        group = (TASKS.c.candidate_group == bindparam("group") if one_group
                 else TASKS.c.candidate_group.in_(bindparam("groups", expanding=True)))
        where += [TASKS.c.assignee_id.is_(None), group]
    if has_case:
        where.append(TASKS.c.case_id == bindparam("case_id"))
    if has_process:
        where.append(TASKS.c.process_version_id.in_(
            select(VERSIONS.c.id).where(VERSIONS.c.key == bindparam("process_key")).scalar_subquery()))
    if has_reference:
        where.append(TASKS.c.case_id.in_(
            select(CASES.c.id).where(CASES.c.reference == bindparam("reference")).scalar_subquery()))
    if has_due:
        where.append(TASKS.c.due_at < bindparam("due_before"))
    return where


def _page_order(scope: str, shape: Shape) -> tuple[Any, ...]:
    # One group's candidates are cut on ix_tasks_ready_holder_group (state, assignee_id,
    # candidate_group, then list order). PostgreSQL takes `assignee_id IS NULL` for no constant, so
    # the page orders by the holder first (NULL on every row: the same order) to match the index.
    return (TASKS.c.assignee_id, *ORDER) if scope == "candidate" and shape[-1] else ORDER


@lru_cache(maxsize=64)
def statements(scope: str, shape: Shape) -> tuple[Any, Any, Any]:
    """(count, page ids, page rows) for a scope and a shape of the filters, built once; each page
    row ends with the count (a subquery run once), so a page that has rows takes one statement."""
    where = _conditions(scope, shape)
    count = select(func.count()).select_from(TASKS).where(*where)
    ids = (select(TASKS.c.id).where(*where).order_by(*_page_order(scope, shape))
           .limit(bindparam("limit")).offset(bindparam("offset")).subquery("page"))
    total = count.correlate(None).scalar_subquery().label("total")  # never the outer row's task
    rows = (select(*view_columns(), *contact_columns(), total)
            .select_from(viewed(ids.join(TASKS, TASKS.c.id == ids.c.id))).order_by(*ORDER))
    return count, select(ids.c.id), rows


def _params(user: User, filters: Filters, limit: int, offset: int) -> dict[str, Any]:
    groups = sorted(user.group_keys)
    return {"user_id": user.id, "groups": groups, "group": groups[0] if groups else None, "case_id": filters.case_id,
            "due_before": filters.due_before, "process_key": filters.process_key, "reference": filters.reference,
            "limit": limit, "offset": offset}


def _shape(user: User, filters: Filters) -> Shape:
    return (filters.case_id is not None, filters.due_before is not None, bool(filters.process_key),
            bool(filters.reference), len(user.group_keys) == 1)


def count_tasks(session: Session, user: User, scope: str, filters: Filters) -> int:
    """How many READY tasks the list has."""
    count, _ids, _rows = statements(scope, _shape(user, filters))
    return session.connection().execute(count, _params(user, filters, 0, 0)).scalar_one()


def page_ids(session: Session, user: User, scope: str, filters: Filters, limit: int, offset: int) -> list[UUID]:
    """The ids of one page of the list, in its order."""
    _count, ids, _rows = statements(scope, _shape(user, filters))
    return list(session.connection().execute(ids, _params(user, filters, limit, offset)).scalars())


def list_views(session: Session, user: User, scope: str = "candidate", filters: Filters = Filters(),
               limit: int = 50, offset: int = 0) -> ViewPage:
    """One page of READY tasks: the user's own (mine), their groups' unclaimed ones (candidate), or
    all (team leads and administrators); each with its case's safe contact. One statement, and
    the count on its own only when the page is empty."""
    check_scope(user, scope)
    count, _ids, rows = statements(scope, _shape(user, filters))
    conn, params = session.connection(), _params(user, filters, limit, offset)
    found = conn.execute(rows, params).all()
    total = found[0][-1] if found else conn.execute(count, params).scalar_one()
    return ViewPage([listed(row) for row in found], total)


_LOG = insert(CaseAccess.__table__)


def log_listed(session: Session, user: User, purposes: dict[UUID, str], channel: str = "api") -> None:
    """Log that a list showed these cases' safe-contact instructions, one row per case with its
    purpose (engine.cases.access.log_access, in one statement); commit."""
    if not purposes:
        return
    session.connection().execute(_LOG, [
        {"case_id": case_id, "user_id": user.id, "username": user.username, "kind": READ_SAFE_CONTACT,
         "channel": channel, "purpose": purpose, "reason": None}
        for case_id, purpose in purposes.items()])
    session.commit()
