"""The mail outbox and the record of which deadline stages were acted on.

Both are written in the same transaction as the change that causes them, so a mail can neither
be lost (it is committed with its cause) nor queued twice (unique keys, inserted with
ON CONFLICT DO NOTHING).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UtcDateTime, utcnow

# Kinds of mail. The first three are deadline stages of a task.
REMINDER = "reminder"  # the deadline is N working days away
DUE = "due"  # the last working day of the deadline has begun
ESCALATION = "escalation"  # the deadline has passed: told to the escalation group
ASSIGNMENT = "assignment"  # someone else gave the task to the recipient
DIGEST = "digest"  # one daily mail collecting a user's held notices
BREAK_GLASS = "break_glass"  # about a case, not a task: someone opened it by breaking the glass
CASE_ATTENTION = "case_attention"  # about a case: it needs action now (acute danger), told to the team leads
STAGES = (REMINDER, DUE, ESCALATION)
KINDS = (*STAGES, ASSIGNMENT, DIGEST, BREAK_GLASS, CASE_ATTENTION)

# States of an outbox row.
QUEUED = "queued"  # waiting to be sent (next_attempt_at doubles as the sending lease)
HELD = "held"  # a notice for a digest user, waiting for the next digest
SENT = "sent"
FAILED = "failed"  # gave up after the retry window; listed for administrators
SKIPPED = "skipped"  # not sent: the task was completed or cancelled first
DIGESTED = "digested"  # a held notice that went out in a digest (digest_id)
STATES = (QUEUED, HELD, SENT, FAILED, SKIPPED, DIGESTED)


class OutboxMail(Base):
    """One mail to one user, or (state held) one notice waiting for the user's digest.

    `due_at` is the instant the mail is about: the task's deadline for the deadline stages, the
    moment of assignment for assignment mails, the digest hour for digests, the moment of the
    break-glass for break-glass mails. Mails about a case rather than a task (break-glass) have
    `case_id` and no `task_id`, and are sent at once, never held for a digest.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (
        UniqueConstraint("task_id", "kind", "due_at", "user_id", name="uq_mail_outbox_task_kind_due_user"),
        Index("ix_mail_outbox_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_mail_outbox_user_id_state", "user_id", "state"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    task_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    to_addr: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8), default="da")
    subject: Mapped[str | None] = mapped_column(String(255))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    first_failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    digest_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the digest mail a held notice went out in


class DeadlineNotice(Base):
    """A deadline stage of a task that the reminder sweep has acted on, exactly once."""

    __tablename__ = "deadline_notices"
    __table_args__ = (UniqueConstraint("task_id", "kind", "due_at", name="uq_deadline_notices_task_kind_due"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
