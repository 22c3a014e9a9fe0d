"""The reminder sweep: decide which deadline stage each open task has reached, exactly once.

For a task whose deadline is D (an exclusive instant; days-based deadlines end at local midnight):

* final day F = the local day D ends; last working day L = F, or the working day before it when F
  is a weekend, holiday or closed day;
* `reminder` from 00:00 (Danish time) of the N-th working day before L
  (N = CASEPATH_REMIND_WORKING_DAYS_BEFORE; 0 turns it off), to the assignee, or to every member
  of the candidate group while the task is unclaimed;
* `due` from 00:00 of L, to the same people;
* `escalation` from D (the task is overdue), to every member of CASEPATH_ESCALATION_GROUP.

Only the latest stage reached is acted on (a worker that was down does not send a reminder and an
escalation at once), and `reminder`/`due` only if they began after the task was created (a task
that appears already close to its deadline is marked at risk in the task list instead).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from sqlalchemy import and_, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import Clock, system_clock
from engine.config import Settings
from engine.deadlines.calendar import DanishCalendar
from engine.deadlines.rules import calendar
from engine.notifications.digests import build_digests
from engine.notifications.models import DUE, ESCALATION, HELD, REMINDER, DeadlineNotice
from engine.notifications.outbox import can_receive, queue_task_mail
from engine.tasks.models import READY, Task
from engine.users.models import Group, User, user_groups

log = logging.getLogger(__name__)


@dataclass
class ReminderResult:
    """What one reminder sweep did."""

    stages: int = 0  # deadline stages acted on (one per task and stage)
    queued: int = 0  # single mails queued
    held: int = 0  # notices held for digests
    digests: int = 0  # digest mails queued


def _start_of(day: date, cal: DanishCalendar) -> datetime:
    return datetime.combine(day, time(0), tzinfo=cal.zone).astimezone(UTC)


def stage_instants(cal: DanishCalendar, due_at: datetime, working_days_before: int) -> dict[str, datetime]:
    """When each stage of a deadline begins (no `reminder` when `working_days_before` is 0)."""
    final = (due_at - timedelta(microseconds=1)).astimezone(cal.zone).date()
    last = final
    while not cal.is_working_day(last):
        last -= timedelta(days=1)
    instants = {DUE: _start_of(last, cal), ESCALATION: due_at}
    if working_days_before > 0:
        day, remaining = last, working_days_before
        while remaining:
            day -= timedelta(days=1)
            remaining -= cal.is_working_day(day)
        instants[REMINDER] = _start_of(day, cal)
    return instants


def current_stage(instants: dict[str, datetime], created_at: datetime, now: datetime) -> str | None:
    """The latest stage reached at `now`, or None (see the module docstring)."""
    if now >= instants[ESCALATION]:
        return ESCALATION
    for kind in (DUE, REMINDER):
        if kind in instants and instants[kind] <= now:
            return kind if instants[kind] >= created_at else None
    return None


def recipients(session: Session, task: Task, kind: str, settings: Settings) -> list[User]:
    """Who is told: the escalation group when overdue; else the assignee, or the candidate group."""
    if kind != ESCALATION and task.assignee_id is not None:
        return [task.assignee] if can_receive(task.assignee) else []
    group = settings.escalation_group if kind == ESCALATION else task.candidate_group
    if not group:
        return []
    members = session.scalars(
        select(User).join(user_groups, user_groups.c.user_id == User.id)
        .join(Group, Group.id == user_groups.c.group_id)
        .where(Group.key == group, User.active.is_(True)).order_by(User.username)
    )
    return [user for user in members if can_receive(user)]


def _candidates(session: Session, now: datetime, horizon: datetime, batch: int,
                after: tuple[datetime, UUID] | None) -> list[tuple[UUID, datetime, datetime]]:
    """Open tasks with a deadline close enough to have reached a stage, not yet escalated."""
    escalated = exists().where(DeadlineNotice.task_id == Task.id, DeadlineNotice.kind == ESCALATION,
                               DeadlineNotice.due_at == Task.due_at)
    query = select(Task.id, Task.due_at, Task.created_at).where(
        Task.state == READY, Task.due_at.is_not(None), Task.due_at <= horizon, ~escalated)
    if after is not None:
        query = query.where((Task.due_at > after[0]) | and_(Task.due_at == after[0], Task.id > after[1]))
    return [tuple(row) for row in session.execute(query.order_by(Task.due_at, Task.id).limit(batch))]


def _act(factory: sessionmaker[Session], task_id: UUID, kind: str, now: datetime,
         settings: Settings, result: ReminderResult) -> None:
    """Record the stage and queue its mails in one transaction; nothing if it was done before."""
    with factory() as session:
        task = session.get(Task, task_id)
        if task is None or task.state != READY or task.due_at is None:
            session.rollback()
            return
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        notice_id = session.execute(
            insert(DeadlineNotice).values(task_id=task.id, kind=kind, due_at=task.due_at, decided_at=now)
            .on_conflict_do_nothing(index_elements=["task_id", "kind", "due_at"]).returning(DeadlineNotice.id)
        ).scalar()
        if notice_id is None:  # another worker (or an earlier sweep) acted on this stage
            session.rollback()
            return
        people = recipients(session, task, kind, settings)
        for user in people:
            state = queue_task_mail(session, task, kind, user, task.due_at, now, settings)
            if state == HELD:
                result.held += 1
            elif state is not None:
                result.queued += 1
        session.get(DeadlineNotice, notice_id).recipients = len(people)
        session.commit()
        result.stages += 1


def sweep(factory: sessionmaker[Session], settings: Settings, clock: Clock = system_clock,
          batch: int = 200) -> ReminderResult:
    """Act on every deadline stage reached at the clock's instant, then build due digests."""
    result = ReminderResult()
    now = clock()
    if settings.reminders:
        cal = calendar()
        horizon = cal.add_working_days(now, settings.remind_working_days_before + 1)
        after: tuple[datetime, UUID] | None = None
        while True:
            with factory() as session:
                rows = _candidates(session, now, horizon, batch, after)
                done = {(task_id, kind) for task_id, kind in session.execute(
                    select(DeadlineNotice.task_id, DeadlineNotice.kind)
                    .where(DeadlineNotice.task_id.in_([row[0] for row in rows])))} if rows else set()
                session.rollback()
            for task_id, due_at, created_at in rows:
                kind = current_stage(stage_instants(cal, due_at, settings.remind_working_days_before),
                                     created_at, now)
                if kind is not None and (task_id, kind) not in done:
                    _act(factory, task_id, kind, now, settings, result)
            if len(rows) < batch:
                break
            after = (rows[-1][1], rows[-1][0])
    result.digests = build_digests(factory, settings, now)
    if result.stages or result.digests:
        log.info("reminders at %s: %d stages, %d mails queued, %d held, %d digests",
                 now.isoformat(), result.stages, result.queued, result.held, result.digests)
    return result
