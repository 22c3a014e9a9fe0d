"""Signals between units that work with the same person, and family links between cases.

Both keep a pair of cases in a fixed order (`case_a_id` < `case_b_id` as text), so a pair is stored once
whichever case it was found from.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UtcDateTime, utcnow


def ordered(first: uuid.UUID, second: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    """The pair in its stored order."""
    return (first, second) if str(first) < str(second) else (second, first)


class PersonSignal(Base):
    """"Another unit works with this person": one person who is the subject of one case and the subject
    or involved in another open case. Locked until a consent to share with another department or a
    legal basis opens it; opening it is recorded as a disclosure on both cases."""

    __tablename__ = "person_signals"
    __table_args__ = (UniqueConstraint("person_id", "case_a_id", "case_b_id", name="uq_person_signals_pair"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    case_a_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    case_b_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    found_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    opened_by: Mapped[str | None] = mapped_column(String(64))
    basis: Mapped[str | None] = mapped_column(String(16))  # consent | legal
    legal_exception: Mapped[str | None] = mapped_column(String(64))

    def other(self, case_id: uuid.UUID) -> uuid.UUID:
        """The case of the pair that is not `case_id`."""
        return self.case_b_id if self.case_a_id == case_id else self.case_a_id


class FamilyLink(Base):
    """A child's case and a parent's adult case (or any two cases of one family), linked."""

    __tablename__ = "case_family_links"
    __table_args__ = (UniqueConstraint("case_a_id", "case_b_id", name="uq_case_family_links_pair"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_a_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    case_b_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    linked_by: Mapped[str] = mapped_column(String(64))

    def other(self, case_id: uuid.UUID) -> uuid.UUID:
        """The case of the pair that is not `case_id`."""
        return self.case_b_id if self.case_a_id == case_id else self.case_a_id
