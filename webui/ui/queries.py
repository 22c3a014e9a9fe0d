"""Thin read helpers for the UI pages (no writes, no commits).

The inbox reads its lists as plain rows with the process and case-reference filters, the markers
of the cases shown and the members of the groups shown, each in one statement; the case page
needs its timers, its tasks, the users involved and the latest risk assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.cases.runtime import load_case_run
from engine.clock import Clock
from engine.deadlines.models import CANCELLED as CANCELLED_TIMER
from engine.deadlines.models import WAITING, Timer
from engine.process_models.models import ProcessVersion
from engine.tasks.listing import Filters, ViewPage, list_views
from engine.tasks.models import CANCELLED, COMPLETED, Task
from engine.users.models import Group, User, user_groups


def inbox_tasks(
    session: Session, user: User, scope: str, *, process_key: str | None = None, reference: str | None = None,
    due_before: datetime | None = None, limit: int = 20, offset: int = 0,
) -> ViewPage:
    """READY tasks for one inbox list as plain rows (engine.tasks.listing): the API's task list plus
    the process and reference filters. Two statements: the count and the page."""
    return list_views(session, user, scope, Filters(None, due_before, process_key, reference), limit, offset)


# The risk level and acute flag of cases, by id (a list shows them beside each task).
_MARKERS = select(Case.id, Case.risk_level, Case.acute).where(Case.id.in_(bindparam("ids", expanding=True)))


def case_markers(session: Session, case_ids: set[UUID]) -> dict[UUID, tuple[str | None, bool | None]]:
    """(risk level, acute flag) of these cases, in one statement; callers show them only where the
    access rule does (need_to_know.listed_with_safe_contact)."""
    if not case_ids:
        return {}
    rows = session.connection().execute(_MARKERS, {"ids": sorted(case_ids)})
    return {case_id: (risk_level, acute) for case_id, risk_level, acute in rows}


# Active users of some groups, by user name (whom a team lead may assign a task to).
_MEMBERS = (select(Group.key, User.id, User.username)
            .join(user_groups, user_groups.c.group_id == Group.id).join(User, User.id == user_groups.c.user_id)
            .where(Group.key.in_(bindparam("groups", expanding=True)), User.active).order_by(User.username))


def members_of(session: Session, groups: set[str]) -> dict[str, list]:
    """The active users (rows with `id` and `username`) of each of `groups` that has any, by user
    name: engine.users.service.group_members for many groups in one statement."""
    members: dict[str, list] = {}
    if groups:
        for row in session.connection().execute(_MEMBERS, {"groups": sorted(groups)}):
            members.setdefault(row.key, []).append(row)
    return members


def process_versions(session: Session) -> list[tuple[str, str, int]]:
    """(key, name, version) of every deployed process version, newest version of a key first."""
    rows = session.execute(select(ProcessVersion.key, ProcessVersion.name, ProcessVersion.version)
                           .order_by(ProcessVersion.key, ProcessVersion.version.desc()))
    return [tuple(row) for row in rows]


def choices_of(versions: list[tuple[str, str, int]]) -> list[tuple[str, str]]:
    """(key, name of the newest version) of each process in `versions` (process_versions), by name."""
    newest: dict[str, str] = {}
    for key, name, _version in versions:
        newest.setdefault(key, name or key)
    return sorted(newest.items(), key=lambda item: item[1].lower())


def process_choices(session: Session) -> list[tuple[str, str]]:
    """(key, name of the newest version) of every deployed process, by name."""
    return choices_of(process_versions(session))


def case_id_by_reference(session: Session, reference: str) -> UUID | None:
    """The id of the case with `reference` (callers still check need-to-know with get_case)."""
    return session.scalar(select(Case.id).where(Case.reference == reference))


@dataclass(frozen=True)
class CaseDeadline:
    """One deadline of a case as the case page shows it: `state` is met, open, missed or passed."""

    name: str
    due_at: datetime
    state: str
    rule_key: str | None


def _task_state(task: Task, now: datetime) -> str:
    if task.state == COMPLETED:
        return "met" if task.ended_at is not None and task.ended_at <= task.due_at else "missed"
    return "open" if task.due_at > now else "missed"


def case_deadlines(session: Session, tasks: list[Task], case_id: UUID, now: datetime) -> list[CaseDeadline]:
    """Every deadline of a case, by due time: the due dates of its tasks (met when the task was done in
    time), and timers that are no task's due date (a wait, e.g. until the next follow-up: open, or passed)."""
    found = [CaseDeadline(t.name, t.due_at, _task_state(t, now), t.due_rule)
             for t in tasks if t.due_at is not None and t.state != CANCELLED]
    due_times = {t.due_at for t in tasks if t.due_at is not None}
    timers = session.scalars(select(Timer).where(Timer.case_id == case_id))
    for timer in timers:
        # A boundary timer gives its task the due date: the task's row already says met or missed.
        if timer.due_at in due_times or timer.state == CANCELLED_TIMER:
            continue
        state = "open" if timer.state == WAITING else "passed"
        found.append(CaseDeadline(timer.name or timer.bpmn_id, timer.due_at, state, timer.rule_key))
    return sorted(found, key=lambda d: d.due_at)


def case_tasks(session: Session, case_id: UUID) -> list[Task]:
    """Every task of a case, oldest first."""
    return list(session.scalars(select(Task).where(Task.case_id == case_id).order_by(Task.created_at, Task.id)))


def completed_elements(tasks: list[Task]) -> list[str]:
    """BPMN ids of the completed tasks (for the diagram markers)."""
    return sorted({t.bpmn_id for t in tasks if t.state == COMPLETED})


def users_by_name(session: Session, usernames: set[str]) -> list[User]:
    """The users with these user names, by name."""
    if not usernames:
        return []
    return list(session.scalars(select(User).where(User.username.in_(usernames)).order_by(User.username)))


RISK_LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class CaseRisk:
    """The latest risk assessment recorded in a case's data (the shared `risikovurdering` returns it)."""

    level: str | None  # low, medium, high; None when not assessed yet
    threats_or_violence: bool = False
    unsafe_home: bool = False


def case_risk(session: Session, case: Case, clock: Clock) -> CaseRisk:
    """The newest `risk_level` (with its `threats_or_violence` and `unsafe_home`) any completed task of
    the case's workflow, or of its call activities, holds; not assessed when none does or the data were
    erased. Case content: only for those who may read it."""
    if case.erased_at is not None:
        return CaseRisk(None)
    try:
        workflow = load_case_run(session, case, clock).workflow
    except RuntimeError:  # a case without a saved state
        return CaseRisk(None)
    newest, data = -1.0, None
    for run in (workflow, *workflow.subprocesses.values()):
        for task in run.get_tasks(state=TaskState.COMPLETED):
            if task.data.get("risk_level") in RISK_LEVELS and task.last_state_change > newest:
                newest, data = task.last_state_change, task.data
    if data is None:
        return CaseRisk(None)
    return CaseRisk(data["risk_level"], bool(data.get("threats_or_violence")), bool(data.get("unsafe_home")))
