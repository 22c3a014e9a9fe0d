"""The person access log: every look-up by CPR number, read and change of a person, with its purpose.

Reads of the cases a person is linked to are in the case access log (engine.cases.access); this log
holds what is about the person directly. A look-up is logged also when it finds nobody, with the
number's keyed hash, so a person registered later still learns who searched for them (insight
requests, engine.persons.insight). Rows are kept for CASEPATH_ACCESS_LOG_RETENTION_DAYS, like the
case access log, also after the person is erased.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, Uuid, delete, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base, UtcDateTime, utcnow
from engine.users.models import User

LOOKUP, READ_PERSON, CHANGE_PERSON, CREATE_PERSON, INSIGHT = (
    "lookup", "read_person", "change_person", "create_person", "insight")
PURPOSE_MAX = 200


class PersonAccessEntry(Base):
    """One use of a person's data by a user (None: the operator, at the command line)."""

    __tablename__ = "person_access_log"
    __table_args__ = (Index("ix_person_access_log_person_id_at", "person_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    cpr_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # the number looked up, keyed hash
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16), default="api")
    # A look-up's stated purpose, or the relation a read came through (owner_work, case_work, ...).
    purpose: Mapped[str] = mapped_column(String(PURPOSE_MAX), default="")


def log_person_access(session: Session, user: User | None, kind: str, at: datetime, *, person_id: UUID | None = None,
                      cpr_hash: str | None = None, case_id: UUID | None = None, purpose: str = "",
                      channel: str = "api") -> None:
    """Add a log row to the session (the caller commits it, with its change or alone for a read)."""
    session.add(PersonAccessEntry(
        at=at, person_id=person_id, cpr_hash=cpr_hash, case_id=case_id, user_id=user.id if user else None,
        username=user.username if user else "operator", kind=kind, channel=channel, purpose=purpose[:PURPOSE_MAX]))


def entries_about(session: Session, person_id: UUID | None, cpr_hash: str | None) -> list[PersonAccessEntry]:
    """Every row about the person (by id) or their CPR number (by hash, also look-ups before they were
    registered), oldest first."""
    about = []
    if person_id is not None:
        about.append(PersonAccessEntry.person_id == person_id)
    if cpr_hash is not None:
        about.append(PersonAccessEntry.cpr_hash == cpr_hash)
    if not about:
        return []
    query = select(PersonAccessEntry).where(or_(*about)).order_by(PersonAccessEntry.at, PersonAccessEntry.id)
    return list(session.scalars(query))


def purge(session: Session, cutoff: datetime, dry_run: bool = False) -> int:
    """Delete (or, dry run, count) rows older than `cutoff`; the caller commits."""
    old = PersonAccessEntry.at < cutoff
    if dry_run:
        return session.scalar(select(func.count()).select_from(PersonAccessEntry).where(old)) or 0
    return session.execute(delete(PersonAccessEntry).where(old)).rowcount or 0
