"""The transactional outbox: queue mails with their cause, send them with retries.

Queueing inserts with ON CONFLICT DO NOTHING on (task, kind, due_at, user), so a mail can never
be queued twice. Sending claims one row at a time in a short transaction (FOR UPDATE SKIP LOCKED
on PostgreSQL) and moves its `next_attempt_at` forward by a lease before talking to the server:
a worker killed mid-send leaves the row to be retried when the lease ends, so at most that one
mail in flight can be delivered twice. Failures back off exponentially for 24 hours, then the
row is marked failed and listed for administrators.
"""

from __future__ import annotations

import logging
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import Clock, system_clock
from engine.config import Settings
from engine.errors import InvalidInput
from engine.notifications.context import current_settings, mail_domain
from engine.notifications.folder import FolderSender
from engine.notifications.models import (
    ASSIGNMENT,
    FAILED,
    HELD,
    QUEUED,
    SENT,
    SKIPPED,
    STATES,
    OutboxMail,
)
from engine.notifications.rendering import CaseFacts, locale_of, render_case_mail, render_task_mail, task_facts
from engine.notifications.smtp import MailRejected, OutgoingMail, ServerUnavailable, SmtpSender, build_message
from engine.tasks.models import READY, Task
from engine.users.models import User
from engine.users.permissions import require_admin

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)  # longer than a send can take (connect + data, 30 s timeouts)
RETRY_WINDOW = timedelta(hours=24)
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(minutes=15)


def new_message_id(row_id: uuid.UUID, settings: Settings) -> str:
    """A stable Message-ID for an outbox row, fixed when it is queued."""
    return f"<outbox-{row_id}@{mail_domain(settings)}>"


def can_receive(user: User | None) -> bool:
    """Active users with something that looks like an address."""
    return user is not None and user.active and "@" in (user.email or "")


def queue_task_mail(
    session: Session, task: Task, kind: str, user: User, due_at: datetime | None, now: datetime,
    settings: Settings,
) -> str | None:
    """Queue one mail about `task` to `user` (held for the digest if the user chose one), in the
    caller's transaction. Returns the new row's state, or None when it was queued before."""
    row_id = uuid.uuid4()
    values: dict[str, Any] = {
        "id": row_id, "message_id": new_message_id(row_id, settings), "kind": kind, "task_id": task.id,
        "due_at": due_at, "user_id": user.id, "to_addr": user.email.strip(), "locale": locale_of(user.locale),
        "state": HELD if user.reminder_digest else QUEUED, "attempts": 0, "next_attempt_at": now,
        "created_at": now,
    }
    if not user.reminder_digest:
        mail = render_task_mail(task_facts(task, kind, settings, values["locale"]), values["locale"])
        values.update(subject=mail.subject, body_text=mail.text, body_html=mail.html)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(OutboxMail).values(**values)
        .on_conflict_do_nothing(index_elements=["task_id", "kind", "due_at", "user_id"])
        .returning(OutboxMail.id)
    )
    return values["state"] if session.execute(stmt).first() is not None else None


def queue_case_mail(
    session: Session, case_id: uuid.UUID, facts: Callable[[str], CaseFacts], user: User, due_at: datetime,
    now: datetime, settings: Settings,
) -> None:
    """Queue one mail about a case (not a task) to `user`, in the caller's transaction. `facts` gives
    what the mail may say in a locale. Sent at once, never held for a digest: it asks for attention
    now. Queued exactly once because the caller's change that causes it happens once."""
    locale = locale_of(user.locale)
    said = facts(locale)
    mail = render_case_mail(said, locale)
    row_id = uuid.uuid4()
    session.add(OutboxMail(
        id=row_id, message_id=new_message_id(row_id, settings), kind=said.kind, task_id=None, case_id=case_id,
        due_at=due_at, user_id=user.id, to_addr=user.email.strip(), locale=locale, state=QUEUED, attempts=0,
        next_attempt_at=now, created_at=now, subject=mail.subject, body_text=mail.text, body_html=mail.html,
    ))


def queue_assignment(session: Session, task: Task, assignee: User, actor: User | None, now: datetime) -> None:
    """Tell `assignee` that someone else gave them `task`; the caller's transaction commits it."""
    if actor is not None and actor.id == assignee.id:
        return  # taking a task yourself needs no mail
    if not can_receive(assignee):
        return
    queue_task_mail(session, task, ASSIGNMENT, assignee, now, now, current_settings())


@dataclass
class SendResult:
    """What one send pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0


def _still_wanted(session: Session, row: OutboxMail) -> bool:
    """A mail is dropped once its recipient is deactivated (a leaver gets nothing more), or, about a
    task, once the task is done, cancelled or given to someone else."""
    if not can_receive(session.get(User, row.user_id)):
        return False
    if row.task_id is None:
        return True
    task = session.get(Task, row.task_id)
    if task is None or task.state != READY:
        return False
    return row.kind != ASSIGNMENT or task.assignee_id == row.user_id


@dataclass(frozen=True)
class _Claim:
    """A row taken under a lease (`mail`), or one dropped as no longer wanted (`mail` is None)."""

    mail: OutgoingMail | None


def _claim(factory: sessionmaker[Session], now: datetime) -> _Claim | None:
    """Take the next due row under a lease, in its own short transaction; None when none is due."""
    with factory() as session:
        query = (
            select(OutboxMail).where(OutboxMail.state == QUEUED, OutboxMail.next_attempt_at <= now)
            .order_by(OutboxMail.next_attempt_at, OutboxMail.created_at, OutboxMail.id).limit(1)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        row = session.scalar(query)
        if row is None:
            session.rollback()
            return None
        if not _still_wanted(session, row):
            row.state = SKIPPED
            session.commit()
            return _Claim(None)
        row.attempts += 1
        row.next_attempt_at = now + LEASE
        mail = OutgoingMail(message_id=row.message_id, to_addr=row.to_addr, locale=row.locale,
                            subject=row.subject or "", text=row.body_text or "", html=row.body_html or "")
        session.commit()
        return _Claim(mail)


def _finish(factory: sessionmaker[Session], message_id: str, now: datetime, error: str | None) -> str:
    """Mark a claimed row sent, or record a failure: back off, or give up after the retry window."""
    with factory() as session:
        row = session.scalars(select(OutboxMail).where(OutboxMail.message_id == message_id)).one()
        if error is None:
            row.state, row.sent_at = SENT, now
        else:
            row.first_failed_at = row.first_failed_at or now
            row.last_error = error[:500]
            if now - row.first_failed_at >= RETRY_WINDOW:
                row.state = FAILED
            else:
                row.next_attempt_at = now + backoff(row.attempts)
        state = row.state
        session.commit()
        return state


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 minutes ... capped at 15 minutes."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY)


def send_pending(
    factory: sessionmaker[Session], settings: Settings, clock: Clock = system_clock, limit: int = 1000,
    ssl_context: ssl.SSLContext | None = None,
) -> SendResult:
    """Send what is due at the clock's instant, one row per transaction; stop early when the server
    is unreachable (the next pass tries again)."""
    result = SendResult()
    # CASEPATH_MAIL_FOLDER (development only): files instead of SMTP.
    sender = FolderSender(settings.mail_folder) if settings.mail_folder else SmtpSender(settings, ssl_context)
    try:
        for _ in range(limit):
            # The clock is read for every row: a lease counted from the start of a long pass could
            # already have run out, and another worker would send the same mail.
            now = clock()
            claim = _claim(factory, now)
            if claim is None:
                break
            mail = claim.mail
            if mail is None:
                result.skipped += 1
                continue
            try:
                sender.send(build_message(mail, settings, now))
            except (MailRejected, ServerUnavailable) as exc:
                state = _finish(factory, mail.message_id, now, str(exc))
                result.failed += state == FAILED
                result.retried += state != FAILED
                log.warning("mail %s not sent: %s", mail.message_id, type(exc).__name__)
                if isinstance(exc, ServerUnavailable):
                    break
                continue
            _finish(factory, mail.message_id, now, None)
            result.sent += 1
    finally:
        sender.close()
    if result.sent or result.retried or result.failed or result.skipped:
        log.info("outbox: %d sent, %d to retry, %d failed, %d skipped",
                 result.sent, result.retried, result.failed, result.skipped)
    return result


@dataclass(frozen=True)
class OutboxPage:
    """Outbox rows with their recipients' usernames, and the total number of matches."""

    items: list[tuple[OutboxMail, str]]
    total: int


def list_outbox(session: Session, actor: User, state: str = FAILED, limit: int = 50, offset: int = 0) -> OutboxPage:
    """Outbox rows in `state`, newest first (administrators only)."""
    require_admin(actor, "read the outbox")
    if state not in STATES:
        raise InvalidInput("unknown state", [{"field": "state", "message": f"one of {', '.join(STATES)}"}])
    query = select(OutboxMail, User.username).join(User, User.id == OutboxMail.user_id).where(
        OutboxMail.state == state)
    total = session.scalar(select(func.count()).select_from(OutboxMail).where(OutboxMail.state == state)) or 0
    rows = session.execute(query.order_by(OutboxMail.created_at.desc(), OutboxMail.id).limit(limit).offset(offset))
    return OutboxPage(items=[(row, username) for row, username in rows], total=total)
