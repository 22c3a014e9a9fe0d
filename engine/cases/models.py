"""Cases, their saved workflow state, their events and the per-year reference counter."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, JsonType, UtcDateTime, utcnow
from engine.process_models.models import ProcessVersion


class Case(Base):
    """A case: one process instance on the process version it was opened on."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_status_opened_at", "status", "opened_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    process_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("process_versions.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    opened_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # Optimistic lock: every save bumps it; a concurrent save of an older read fails.
    lock_version: Mapped[int] = mapped_column(default=1)

    process_version: Mapped[ProcessVersion] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": lock_version}


class CaseState(Base):
    """The serialized workflow instance of a case, without its spec (cached per version)."""

    __tablename__ = "case_states"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    serializer_version: Mapped[str] = mapped_column(String(16))
    # Plain JSON, not JSONB: SpiffWorkflow restores tasks in the saved order (parents before children,
    # whose data are deltas on their parent's) and JSONB does not keep the order of object keys.
    state: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseEvent(Base):
    """One entry of a case's append-only timeline. `summary` never holds personal data."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_id_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(64), default="system")
    task_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JsonType, default=dict)


class CaseSequence(Base):
    """Last case number used per year, for references like 2026-000123."""

    __tablename__ = "case_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)
