"""Cases, their saved workflow state, their events and the per-year reference counter."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, Uuid, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, JsonType, UtcDateTime, utcnow
from engine.process_models.models import ProcessVersion
from engine.users.models import User


class Case(Base):
    """A case: one process instance on the process version it was opened on."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_opened_at", "status", "opened_at"),
        # Case lists by next deadline (none last), as engine/cases/search.py orders them (migration 0015).
        Index("ix_cases_status_next_due", "status", text("(next_due_at IS NULL)"), "next_due_at", "reference"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    process_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("process_versions.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    opened_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # The caseworker who keeps the case (sagsbehandler); None until the case is assigned.
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Closing: a key of the maintained list, an optional note, who closed it.
    closing_reason: Mapped[str | None] = mapped_column(ForeignKey("closing_reasons.key"))
    closing_note: Mapped[str | None] = mapped_column(Text)
    receiving_municipality: Mapped[str | None] = mapped_column(String(100))
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # A reopened case is a new case linked to the one it continues.
    reopened_from_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # Retention: when the personal data of the closed case were erased.
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Denormalised for case lists, kept up to date on every save by engine/cases/summary.py: the
    # newest risk level (low/medium/high) and acute flag the case's data hold (None: not assessed),
    # the earliest running deadline, and the searchable fields' text (never a CPR number).
    risk_level: Mapped[str | None] = mapped_column(String(16))
    acute: Mapped[bool | None]
    next_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    search_text: Mapped[str | None] = mapped_column(Text)
    # For management reports (engine/cases/referral.py): the start form's referral source (a list key)
    # and when the referral came in; anonymous statistics, kept after erasure (migration 0019).
    referral_source: Mapped[str | None] = mapped_column(String(32))
    referred_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The flow report's milestones, written when they happen (engine/cases/milestones.py, migration 0022).
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_conversation_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    consultant_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_measure_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Optimistic lock: every save bumps it; a concurrent save of an older read fails.
    lock_version: Mapped[int] = mapped_column(default=1)

    process_version: Mapped[ProcessVersion] = relationship(lazy="joined")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

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


MEMBER_ROLES = ("caseworker", "knowledge_person")


class CaseMember(Base):
    """A person involved in a case besides its owner: a second caseworker or a knowledge person."""

    __tablename__ = "case_members"
    __table_args__ = (UniqueConstraint("case_id", "user_id", name="uq_case_members_case_id_user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    until: Mapped[date | None] = mapped_column(Date)  # last day of the membership, Danish time
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    added_by: Mapped[str] = mapped_column(String(64), default="system")


class ClosingReason(Base):
    """Why a case was closed: a maintained list with Danish and English labels."""

    __tablename__ = "closing_reasons"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")
    # "Moved to another municipality" records which one.
    needs_municipality: Mapped[bool] = mapped_column(default=False, server_default=false())
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)


class BreakGlass(Base):
    """Emergency access to a case by someone outside the rule, for a stated reason and a limited time."""

    __tablename__ = "break_glass"
    __table_args__ = (Index("ix_break_glass_case_id_user_id_expires_at", "case_id", "user_id", "expires_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
