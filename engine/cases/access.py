"""The access log: every use of a case by a person, with its kind (GDPR art. 32, insight requests).

Kept apart from the case timeline: the timeline says what happened to the case, the access log
says who looked at it, so a person can be told who read their case and when.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from os import urandom
from time import time_ns
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, Text, Uuid, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base, UtcDateTime, utcnow
from engine.users.models import User

READ_CASE = "read_case"
READ_TASK = "read_task"
READ_TIMELINE = "read_timeline"
READ_CONSENTS = "read_consents"
READ_DIAGRAM = "read_diagram"
READ_SAFE_CONTACT = "read_safe_contact"
READ_DIGEST = "read_digest"


def log_id() -> UUID:
    """A time-ordered UUID (version 7, RFC 9562: Unix milliseconds, then random bits) for an
    access-log row. Lists log up to a page of rows at once: with random ids each landed on its own
    page of the log's primary-key index, and SQLite's periodic WAL checkpoint of all those pages was
    the slowest list requests; time-ordered ids share the index's last page."""
    value = (time_ns() // 1_000_000) << 80 | int.from_bytes(urandom(10), "big")
    return UUID(int=value & ~(0xF << 76) & ~(0x3 << 62) | 0x7 << 76 | 0x2 << 62)  # version 7, RFC variant


class CaseAccess(Base):
    """One use of a case by a user."""

    __tablename__ = "case_access_log"
    __table_args__ = (Index("ix_case_access_log_case_id_at", "case_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=log_id)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16), default="api")
    # Why it was read: owner_work, task, supervision, break_glass, digest, administration, export.
    purpose: Mapped[str] = mapped_column(String(32), default="", server_default="")
    reason: Mapped[str | None] = mapped_column(Text)  # the stated reason of a break-glass access


def log_access(session: Session, case_id: UUID, user: User, kind: str, channel: str = "api",
               purpose: str = "", reason: str | None = None) -> None:
    """Record that `user` used the case, why (`purpose`, and the stated reason of a break-glass
    access), and commit (reads have nothing else to commit)."""
    session.add(CaseAccess(case_id=case_id, user_id=user.id, username=user.username, kind=kind, channel=channel,
                           purpose=purpose, reason=reason))
    session.commit()


def access_log(session: Session, case_id: UUID, actor: User | None, now: datetime | None = None) -> list[CaseAccess]:
    """Who used the case, when, why (purpose) and, for break-glass access, the stated reason; oldest
    first. For team leads (who follow up on break-glass use) and administrators (insight requests);
    `actor` None is the operator. A case unknown to the rule (as of `now`) is NotFound as for a
    missing case; others who know the case get PermissionDenied."""
    from engine.cases.need_to_know import ADMIN_GROUP, TEAM_LEAD_GROUP, case_with_access
    from engine.errors import PermissionDenied

    case_with_access(session, case_id, actor, now or utcnow())
    if actor is not None and not actor.in_any(TEAM_LEAD_GROUP, ADMIN_GROUP):
        raise PermissionDenied("only team leads and administrators may read the access log")
    return list(session.scalars(
        select(CaseAccess).where(CaseAccess.case_id == case_id).order_by(CaseAccess.at, CaseAccess.id)
    ))
