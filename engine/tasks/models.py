"""User tasks mirrored from the engine so task lists are plain indexed queries."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.cases.models import Case
from engine.db import Base, UtcDateTime, utcnow
from engine.users.models import User

READY = "READY"
COMPLETED = "COMPLETED"
CANCELLED = "CANCELLED"


class Task(Base):
    """One user task of a case; `id` is SpiffWorkflow's task id."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_state_candidate_group_due_at", "state", "candidate_group", "due_at"),
        # Who holds it, its group, then list order (migration 0025): the "mine" and "candidate"
        # counts read the index alone, and a group's candidate page is cut on it in list order.
        Index("ix_tasks_ready_holder_group", "state", "assignee_id", "candidate_group", text("(due_at IS NULL)"),
              "due_at", "created_at", "id"),
        Index("ix_tasks_case_id_state", "case_id", "state"),
        # The worker's reminder sweep: READY tasks by deadline, whatever their group or holder.
        Index("ix_tasks_state_due_at", "state", "due_at"),
        # Task lists: READY tasks in list order (no due date last), so a page is cut on the index
        # (engine/tasks/listing.py); holder and group last, so the lists' filters are read from the
        # index too. The same expression on SQLite and PostgreSQL (migration 0012).
        Index("ix_tasks_ready_order", "state", text("(due_at IS NULL)"), "due_at", "created_at", "id",
              "assignee_id", "candidate_group"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    process_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("process_versions.id"))
    bpmn_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    lane: Mapped[str | None] = mapped_column(String(255))
    candidate_group: Mapped[str | None] = mapped_column(String(64))
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    due_rule: Mapped[str | None] = mapped_column(String(64))
    form_key: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default=READY)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(lazy="joined", innerjoin=True)
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
