"""Sign-in with the municipality's identity provider: which provider group values give which casepath
group (data, edited by administrators like the lane mapping), and the values seen that map to none."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UtcDateTime, utcnow


class GroupMapping(Base):
    """A value of the provider's groups claim (a directory group's name or id) and the casepath group it gives."""

    __tablename__ = "oidc_group_mappings"

    external_value: Mapped[str] = mapped_column(String(255), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(64))


class UnmappedGroupValue(Base):
    """A value the provider sent that no mapping names: shown to administrators so they can map it."""

    __tablename__ = "oidc_unmapped_values"

    external_value: Mapped[str] = mapped_column(String(255), primary_key=True)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
