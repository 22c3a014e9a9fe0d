"""The access log: every use of a case by a person, with its kind (GDPR art. 32, insight requests).

Kept apart from the case timeline: the timeline says what happened to the case, the access log
says who looked at it, so a person can be told who read their case and when.
"""

from __future__ import annotations

import uuid
from datetime import datetime
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
