"""Reference data about external actors; maintained by administrators."""

from __future__ import annotations

import uuid

from sqlalchemy import Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base

KINDS = ("security_consultant", "police", "shelter", "red", "viso", "siri_travelling_team", "other")
# Denmark's five regions (the national team has one or two security consultants in each); an entry
# with an empty region is national. CASEPATH_REGION names the municipality's.
REGIONS = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")


class DirectoryEntry(Base):
    """An external actor a case may involve; `region` empty means national."""

    __tablename__ = "directory_entries"
    __table_args__ = (Index("ix_directory_entries_kind_region", "kind", "region"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(32))
    region: Mapped[str] = mapped_column(String(64), default="")
    name: Mapped[str] = mapped_column(String(255))
    organisation: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
