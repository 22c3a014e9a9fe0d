"""Process versions and the lane → group mapping."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, JsonType, UtcDateTime, utcnow


class ProcessVersion(Base):
    """One deployed, immutable version of a process (key = the BPMN process id)."""

    __tablename__ = "process_versions"
    __table_args__ = (
        UniqueConstraint("key", "version", name="uq_process_versions_key_version"),
        Index("ix_process_versions_key_sha256", "key", "sha256"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    key: Mapped[str] = mapped_column(String(255))
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    bpmn_xml: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    # Versions of processes this one calls (call activities defined in other files), pinned
    # at deploy time so a case never changes its sub-processes under it.
    dependencies: Mapped[list[str]] = mapped_column(JsonType, default=list)
    # form key -> form version id, pinned with the process version so its forms never change under it
    forms: Mapped[dict[str, str]] = mapped_column(JsonType, default=dict)
    deployed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    deployed_by: Mapped[str] = mapped_column(String(64), default="system")
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    comment: Mapped[str] = mapped_column(Text, default="")


class LaneGroup(Base):
    """Which group works the tasks of a lane, by lane name (data, so team leads can rename lanes)."""

    __tablename__ = "lane_groups"

    lane_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(64))
    # Tasks of the lane go straight to the case owner (still with the group, for the team lead's view).
    to_owner: Mapped[bool] = mapped_column(default=False, server_default=false())


class ProcessDraft(Base):
    """The team lead's unsaved work on a process: one draft per key, overwritten on every save."""

    __tablename__ = "process_drafts"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    bpmn_xml: Mapped[bytes] = mapped_column(LargeBinary)
    # form key -> form-js schema, edited with the diagram and deployed with it
    forms: Mapped[dict[str, dict]] = mapped_column(JsonType, default=dict)
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
