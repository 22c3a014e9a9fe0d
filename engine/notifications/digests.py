"""Daily digests: notices held for users who chose one mail a day, sent at their hour (Danish time)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings
from engine.notifications.models import (
    ASSIGNMENT,
    DIGEST,
    DIGESTED,
    DUE,
    ESCALATION,
    HELD,
    QUEUED,
    REMINDER,
    SKIPPED,
    OutboxMail,
)
from engine.notifications.outbox import can_receive, new_message_id
from engine.notifications.rendering import locale_of, render_digest, render_task_mail, task_facts
from engine.tasks.models import READY, Task
from engine.users.models import User

# When one task has several held deadline notices, the digest shows the most urgent one.
_URGENCY = {ESCALATION: 0, DUE: 1, REMINDER: 2, ASSIGNMENT: 3}
_NEVER = datetime.max.replace(tzinfo=UTC)


def last_digest_instant(now: datetime, hour: int, timezone: str) -> datetime:
    """The latest `hour`:00 Danish time at or before `now`."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    instant = datetime.combine(today, time(hour), tzinfo=zone).astimezone(UTC)
    if instant > now:
        instant = datetime.combine(today - timedelta(days=1), time(hour), tzinfo=zone).astimezone(UTC)
    return instant


def _relevant_task(session: Session, row: OutboxMail) -> Task | None:
    task = session.get(Task, row.task_id) if row.task_id else None
    if task is None or task.state != READY:
        return None
    if row.kind == ASSIGNMENT and task.assignee_id != row.user_id:
        return None
    return task


def _held_rows(session: Session, user_id: UUID, cutoff: datetime | None) -> list[OutboxMail]:
    query = select(OutboxMail).where(OutboxMail.user_id == user_id, OutboxMail.state == HELD)
    if cutoff is not None:
        query = query.where(OutboxMail.created_at <= cutoff)
    if session.get_bind().dialect.name == "postgresql":
        # Wait (no SKIP LOCKED): a second worker then sees the rows already digested and stops.
        query = query.with_for_update()
    return list(session.scalars(query.order_by(OutboxMail.created_at, OutboxMail.id)))


def _release(session: Session, rows: list[OutboxMail], now: datetime, settings: Settings) -> None:
    """The user turned the digest off: held notices become single mails."""
    for row in rows:
        task = _relevant_task(session, row)
        if task is None:
            row.state = SKIPPED
            continue
        mail = render_task_mail(task_facts(task, row.kind, settings, row.locale), row.locale)
        row.subject, row.body_text, row.body_html = mail.subject, mail.text, mail.html
        row.state, row.next_attempt_at = QUEUED, now


def _most_urgent(session: Session, rows: list[OutboxMail]) -> list[tuple[OutboxMail, Task]]:
    """Per task still open: its assignment, and its most urgent deadline stage; by deadline.
    Notices of tasks that are done are marked skipped."""
    chosen: dict[tuple[UUID, bool], tuple[OutboxMail, Task]] = {}
    for row in rows:
        task = _relevant_task(session, row)
        if task is None:
            row.state = SKIPPED
            continue
        key = (task.id, row.kind == ASSIGNMENT)
        current = chosen.get(key)
        if current is None or _URGENCY[row.kind] < _URGENCY[current[0].kind]:
            chosen[key] = (row, task)
    return sorted(chosen.values(), key=lambda pair: (pair[1].due_at or _NEVER, pair[1].name, str(pair[1].id),
                                                     _URGENCY[pair[0].kind]))


def _digest_for(factory: sessionmaker[Session], user_id: UUID, now: datetime, settings: Settings) -> int:
    """Queue one user's digest if their hour has come; 1 when a digest was queued."""
    with factory() as session:
        user = session.get(User, user_id)
        if user is None:
            session.rollback()
            return 0
        if not user.reminder_digest:
            _release(session, _held_rows(session, user_id, None), now, settings)
            session.commit()
            return 0
        cutoff = last_digest_instant(now, user.digest_hour, settings.timezone)
        rows = _held_rows(session, user_id, cutoff)
        chosen = _most_urgent(session, rows) if can_receive(user) else []
        digest_id = uuid.uuid4()
        if chosen:
            locale = locale_of(user.locale)
            items = [task_facts(task, row.kind, settings, locale) for row, task in chosen]
            mail = render_digest(items, cutoff.astimezone(ZoneInfo(settings.timezone)).date(), locale)
            session.add(OutboxMail(
                id=digest_id, message_id=new_message_id(digest_id, settings), kind=DIGEST, task_id=None,
                due_at=cutoff, user_id=user.id, to_addr=user.email.strip(), locale=locale, subject=mail.subject,
                body_text=mail.text, body_html=mail.html, state=QUEUED, attempts=0, next_attempt_at=now,
                created_at=now,
            ))
        for row in rows:
            if row.state == HELD:  # included (or shadowed by a more urgent notice of the same task)
                row.state, row.digest_id = (DIGESTED, digest_id) if chosen else (SKIPPED, None)
        session.commit()
        return 1 if chosen else 0


def build_digests(factory: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Queue the digest of every user whose digest hour has come and who has held notices."""
    with factory() as session:
        users = list(session.scalars(select(OutboxMail.user_id).where(OutboxMail.state == HELD).distinct()))
        session.rollback()
    return sum(_digest_for(factory, user_id, now, settings) for user_id in users)
