"""Drafts: what a caseworker has typed into a task's form and not yet submitted, one per user and task.

A draft is personal data about the case, kept only while its task is open: completing the task
deletes the drafts of that task and of the tasks the completion cancelled in the same transaction
(`discard`, called from engine.tasks.completion); a task that ends otherwise (the case closed, a
boundary event, a migration) keeps its drafts unreadable (engine.tasks.draft_service answers 409
for a task that is not READY) until the daily retention run deletes them (`purge_ended`). Who may
keep one, and what it may hold, is engine.tasks.draft_service.

This module is kept free of the task service so the completion can import it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base, JsonType, UtcDateTime, utcnow
from engine.tasks.models import READY, Task


class TaskDraft(Base):
    """One user's unsaved answers to one task's form, as the form last held them."""

    __tablename__ = "task_drafts"

    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


def own_draft(session: Session, task_id: uuid.UUID, user_id: uuid.UUID) -> TaskDraft | None:
    """The user's draft of the task, if any (the caller has checked that they may keep one)."""
    return session.get(TaskDraft, (task_id, user_id))


def discard(session: Session, task_ids: Iterable[uuid.UUID]) -> None:
    """Delete every user's drafts of these tasks, in the caller's transaction (no commit): a
    completion removes them in the same commit that ends the task."""
    ids = list(task_ids)
    if ids:
        session.execute(delete(TaskDraft).where(TaskDraft.task_id.in_(ids)))


def _ended() -> Any:
    # Correlated on the primary key: one lookup per draft, however many tasks have ended before.
    return select(Task.id).where(Task.id == TaskDraft.task_id, Task.state != READY).exists()


def purge_ended(session: Session, dry_run: bool = False) -> int:
    """Delete (or, dry run, count) the drafts of tasks that are no longer open; commit. The daily
    retention run calls it, so drafts of cancelled tasks and of closed cases go within a day."""
    if dry_run:
        count = session.scalar(select(func.count()).select_from(TaskDraft).where(_ended())) or 0
        session.rollback()
        return count
    count = session.execute(delete(TaskDraft).where(_ended())).rowcount or 0
    session.commit()
    return count
