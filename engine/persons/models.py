"""Persons (citizens and their family) and their links to cases.

A person may be anonymous (an anonymous shelter stay): no name and no CPR number. Every person has a
pseudonym ("Anonym 7F3K") so they can be named in the UI and linked to cases before, or without ever,
giving their identity. The CPR number is stored only encrypted, with a keyed hash to match on
(engine.persons.crypto); `cpr` decrypts it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, Uuid, false, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UtcDateTime, utcnow
from engine.persons import cpr as cpr_numbers
from engine.persons.crypto import keys

SUBJECT, INVOLVED = "subject", "involved"
ROLES = (SUBJECT, INVOLVED)
# How an involved person relates to the case's subject; the subject's own relation is "none".
RELATIONS = ("parent", "sibling", "partner", "other_family", "other")
NO_RELATION = "none"


class Person(Base):
    """A citizen or a family member, known by name and CPR number or only by a pseudonym."""

    __tablename__ = "persons"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    pseudonym: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    cpr_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    cpr_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # HMAC-SHA256, see crypto.py
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    # Navne- og adressebeskyttelse: name and address must not be given to anyone outside the case work.
    protected_address: Mapped[bool] = mapped_column(default=False, server_default=false())
    preferred_language: Mapped[str | None] = mapped_column(String(64))
    interpreter_needed: Mapped[bool] = mapped_column(default=False, server_default=false())
    contact: Mapped[str | None] = mapped_column(Text)  # free contact details (phone, address, notes)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def cpr(self) -> str | None:
        """The CPR number as DDMMYY-SSSS, decrypted; None when not known."""
        if self.cpr_encrypted is None:
            return None
        return cpr_numbers.formatted(keys().decrypt(self.cpr_encrypted))

    @property
    def cpr_masked(self) -> str | None:
        """DDMMYY-xxxx: the date part only."""
        number = self.cpr
        return cpr_numbers.masked(number.replace("-", "")) if number else None

    def set_cpr(self, digits: str | None) -> None:
        """Store a valid CPR number (10 digits) encrypted with its match hash; None forgets it."""
        self.cpr_encrypted = keys().encrypt(digits) if digits else None
        self.cpr_hash = keys().match_hash(digits) if digits else None

    @property
    def anonymous(self) -> bool:
        """Neither a name nor a CPR number: known by the pseudonym only."""
        return not self.name and self.cpr_encrypted is None

    @property
    def label(self) -> str:
        """What to call the person: the name, else the pseudonym."""
        return self.name or self.pseudonym


class CasePerson(Base):
    """A person's part in a case: its subject (one per case) or an involved person, maybe the threat."""

    __tablename__ = "case_persons"
    __table_args__ = (
        UniqueConstraint("case_id", "person_id", name="uq_case_persons_case_id_person_id"),
        # One subject per case, also under concurrent requests.
        Index("uq_case_persons_one_subject", "case_id", unique=True,
              sqlite_where=text("role = 'subject'"), postgresql_where=text("role = 'subject'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # subject | involved
    relation: Mapped[str] = mapped_column(String(16), default=NO_RELATION)  # RELATIONS, or none for the subject
    threat: Mapped[bool] = mapped_column(default=False, server_default=false())  # the subject is at risk from them
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    added_by: Mapped[str] = mapped_column(String(64), default="system")
