"""Deployed form-js forms, versioned like process models."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, JsonType, UtcDateTime, utcnow


class FormVersion(Base):
    """One immutable version of a form; process versions pin the form versions they use."""

    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_form_versions_key_version"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    key: Mapped[str] = mapped_column(String(255))
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    schema: Mapped[dict] = mapped_column(JsonType)
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    deployed_by: Mapped[str] = mapped_column(String(64), default="system")
