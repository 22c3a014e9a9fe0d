"""The case record's own tables: what each completed task submitted, journal notes, attachments.

All three hold personal data and are erased by retention (engine.cases.retention): the submitted
data and note texts are blanked, attachments lose their file, name and description; their rows,
dates and sizes stay so the record's shape and the statistics survive.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, deferred, mapped_column

from engine.db import Base, JsonType, UtcDateTime, utcnow


class TaskSubmission(Base):
    """The data a task's completion submitted, as the form checked them (one row per completed task).

    Kept apart from the workflow state, where later tasks may overwrite the same keys: this is what
    the caseworker answered on that form, to be read again as they saw it.
    """

    __tablename__ = "task_submissions"

    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict] = mapped_column(JsonType, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseNote(Base):
    """A journal note: append-only. A correction is a new note that points at the one it corrects."""

    __tablename__ = "case_notes"
    __table_args__ = (Index("ix_case_notes_case_id_at", "case_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case_notes.id"))


class CaseAttachment(Base):
    """A document added to the case (a risk assessment from the security consultant, a letter).

    The file is kept in the database, not in a folder: several web processes on several hosts
    (docker-compose.yml, gunicorn) then see the same files without a shared disk, a backup of the
    database holds the whole case, retention erases it in the same transaction as the rest, and
    nothing is ever under the web root. `content` is deferred: lists never load the files.
    """

    __tablename__ = "case_attachments"
    __table_args__ = (Index("ix_case_attachments_case_id_at", "case_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    uploaded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))  # as uploaded (cleaned); personal data: erased
    description: Mapped[str] = mapped_column(Text, default="")
    content_type: Mapped[str] = mapped_column(String(100))  # from the content, never from the name
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))  # None once erased
