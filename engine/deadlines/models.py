"""Deadline rules (statutory deadlines as data), their change log, and waiting timers."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, JsonType, UtcDateTime, utcnow

WAITING = "waiting"
FIRED = "fired"
CANCELLED = "cancelled"


class DeadlineRule(Base):
    """A statutory or municipal deadline: counted from a moment, in an amount of a unit."""

    __tablename__ = "deadline_rules"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    law_reference: Mapped[str] = mapped_column(String(255), default="")
    amount: Mapped[int]
    unit: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="system")
    # The law's bounds (engine.deadlines.rule_guards), data from migration 0021, never editable
    # through the API: a statutory rule stays within [min_amount, max_amount] of `locked_unit`.
    statutory: Mapped[bool] = mapped_column(default=False, server_default=false())
    min_amount: Mapped[int | None]
    max_amount: Mapped[int | None]
    locked_unit: Mapped[str | None] = mapped_column(String(16))


class DeadlineRuleChange(Base):
    """One recorded change of a deadline rule: who, when, before and after."""

    __tablename__ = "deadline_rule_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    rule_key: Mapped[str] = mapped_column(ForeignKey("deadline_rules.key"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict] = mapped_column(JsonType)
    after: Mapped[dict] = mapped_column(JsonType)
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")


class Timer(Base):
    """A timer event waiting in a case; the worker's sweep is one indexed query on (state, due_at)."""

    __tablename__ = "timers"
    __table_args__ = (
        Index("ix_timers_state_due_at", "state", "due_at"),
        Index("ix_timers_case_id_state", "case_id", "state"),
        UniqueConstraint("task_id", "due_at", name="uq_timers_task_id_due_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    task_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    bpmn_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    rule_key: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=WAITING)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    late_seconds: Mapped[float | None]
    details: Mapped[dict] = mapped_column(JsonType, default=dict)
