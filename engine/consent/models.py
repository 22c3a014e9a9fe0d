"""Consent to share information, every disclosure made, legal exceptions, safe-contact instructions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UtcDateTime, utcnow

RECIPIENT_KINDS = (
    "police", "security_consultant", "shelter", "other_department", "school", "day_care", "doctor",
    "red", "viso", "interpreter", "other_municipality", "immigration_service", "psychologist", "other",
)
# "other": someone else with the standing to consent when the guardian is the controlling party (the
# young person themselves, the other parent, an appointed guardian): who and in which capacity is recorded.
GIVERS = ("citizen", "guardian", "other")


class Consent(Base):
    """A consent on a case: who gave it, to whom information may go, what and why; withdrawable."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_case_id_recipient_kind", "case_id", "recipient_kind"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    given_by: Mapped[str] = mapped_column(String(16))
    giver_name: Mapped[str] = mapped_column(String(255), default="", server_default="")
    giver_capacity: Mapped[str] = mapped_column(String(255), default="", server_default="")
    recipient_kind: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    given_at: Mapped[datetime] = mapped_column(UtcDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def covers(self, recipient_kind: str, at: datetime) -> bool:
        """True when this consent allows sharing with `recipient_kind` at `at`."""
        return (self.recipient_kind == recipient_kind and self.given_at <= at
                and (self.withdrawn_at is None or self.withdrawn_at > at))


class LegalException(Base):
    """A legal basis for sharing without consent, from a maintained list."""

    __tablename__ = "legal_exceptions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    law_reference: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)


class Disclosure(Base):
    """One recorded disclosure: recipient, summary, purpose and its basis (consent or exception)."""

    __tablename__ = "disclosures"
    __table_args__ = (Index("ix_disclosures_case_id_disclosed_at", "case_id", "disclosed_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    task_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recipient_kind: Mapped[str] = mapped_column(String(32))
    # Who exactly (an authority, a unit, a named consultant): what a person asking for insight wants to know.
    recipient_name: Mapped[str] = mapped_column(String(255), default="", server_default="")
    summary: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    consent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("consents.id"))
    legal_exception: Mapped[str | None] = mapped_column(ForeignKey("legal_exceptions.key"))
    justification: Mapped[str | None] = mapped_column(Text)
    disclosed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(64))


class SafeContact(Base):
    """How the person may be contacted safely; shown wherever someone might contact them."""

    __tablename__ = "safe_contacts"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    instructions: Mapped[str] = mapped_column(Text, default="")
    ask_if_alone: Mapped[bool] = mapped_column(default=False)
    no_letters_home: Mapped[bool] = mapped_column(default=False)
    no_voicemail: Mapped[bool] = mapped_column(default=False)
    interpreter_phone_only: Mapped[bool] = mapped_column(default=False)
    interpreter_not_same_community: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="system")
