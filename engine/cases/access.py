"""The access log: every use of a case by a person, with its kind (GDPR art. 32, insight requests).

Kept apart from the case timeline: the timeline says what happened to the case, the access log
says who looked at it, so a person can be told who read their case and when.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, Uuid, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base, UtcDateTime, utcnow
from engine.users.models import User
from engine.users.permissions import require_admin

READ_CASE = "read_case"
READ_TASK = "read_task"
READ_TIMELINE = "read_timeline"
READ_CONSENTS = "read_consents"
READ_DIAGRAM = "read_diagram"
READ_SAFE_CONTACT = "read_safe_contact"


class CaseAccess(Base):
    """One use of a case by a user."""

    __tablename__ = "case_access_log"
    __table_args__ = (Index("ix_case_access_log_case_id_at", "case_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16), default="api")


def log_access(session: Session, case_id: UUID, user: User, kind: str, channel: str = "api") -> None:
    """Record that `user` used the case, and commit (reads have nothing else to commit)."""
    session.add(CaseAccess(case_id=case_id, user_id=user.id, username=user.username, kind=kind, channel=channel))
    session.commit()


def access_log(session: Session, case_id: UUID, actor: User) -> list[CaseAccess]:
    """Who used the case and when, oldest first (administrators, for insight requests)."""
    require_admin(actor, "read the access log")
    return list(session.scalars(
        select(CaseAccess).where(CaseAccess.case_id == case_id).order_by(CaseAccess.at, CaseAccess.id)
    ))
