"""A person's request for insight: who used their data, when and why (Datatilsynet, 2024).

Every read of every case the person is linked to (the case access log), and every look-up of their
CPR number, read and change of their record (the person access log, look-ups also from before they
were registered). For administrators and the operator (`casepath persons access-log --cpr-stdin`);
giving the answer is itself logged (kind `insight`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.access import CaseAccess
from engine.cases.models import Case
from engine.cases.need_to_know import ADMIN_GROUP
from engine.errors import NotFound, PermissionDenied
from engine.persons import cpr as cpr_numbers
from engine.persons.access_log import INSIGHT, entries_about, log_person_access
from engine.persons.crypto import keys
from engine.persons.models import CasePerson, Person
from engine.users.models import User

COLUMNS = ("at", "username", "case_reference", "kind", "purpose", "reason", "channel")


@dataclass(frozen=True)
class InsightRow:
    """One use: when (UTC), by whom, in which case (None: the person's own record), what, why."""

    at: datetime
    username: str
    case_reference: str | None
    kind: str
    purpose: str
    reason: str | None
    channel: str

    def as_dict(self, zone: ZoneInfo) -> dict[str, str | None]:
        """The row with its time in `zone` (ISO 8601 with offset)."""
        return {"at": self.at.astimezone(zone).isoformat(timespec="seconds"), "username": self.username,
                "case_reference": self.case_reference, "kind": self.kind, "purpose": self.purpose,
                "reason": self.reason, "channel": self.channel}


def _case_reads(session: Session, person_id: UUID) -> list[InsightRow]:
    query = (select(CaseAccess, Case.reference).join(Case, Case.id == CaseAccess.case_id)
             .join(CasePerson, CasePerson.case_id == Case.id).where(CasePerson.person_id == person_id))
    return [InsightRow(row.at, row.username, reference, row.kind, row.purpose, row.reason, row.channel)
            for row, reference in session.execute(query)]


def _person_uses(session: Session, person_id: UUID | None, cpr_hash: str | None) -> list[InsightRow]:
    entries = entries_about(session, person_id, cpr_hash)
    case_ids = {entry.case_id for entry in entries if entry.case_id}
    references = dict(session.execute(select(Case.id, Case.reference).where(Case.id.in_(case_ids)))) if case_ids else {}
    return [InsightRow(e.at, e.username, references.get(e.case_id), e.kind, e.purpose, None, e.channel)
            for e in entries]


def _rows(session: Session, person: Person | None, cpr_hash: str | None) -> list[InsightRow]:
    rows = _person_uses(session, person.id if person else None, cpr_hash)
    if person is not None:
        rows += _case_reads(session, person.id)
    return sorted(rows, key=lambda row: (row.at, row.kind, row.username))


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.in_any(ADMIN_GROUP):
        raise PermissionDenied("only administrators answer requests for insight")


def person_insight(session: Session, person_id: UUID, actor: User | None, now: datetime,
                   channel: str = "api") -> tuple[Person, list[InsightRow]]:
    """The person and every use of their data, oldest first (administrators; None: the operator)."""
    _require_admin(actor)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("no such person")
    rows = _rows(session, person, person.cpr_hash)
    log_person_access(session, actor, INSIGHT, now, person_id=person.id, purpose="insight_request", channel=channel)
    session.commit()
    return person, rows


def insight_for_cpr(session: Session, number: str, actor: User | None, now: datetime,
                    channel: str = "cli") -> tuple[Person | None, list[InsightRow]]:
    """As `person_insight`, found by CPR number; for a number nobody is registered with, its look-ups."""
    _require_admin(actor)
    match = keys().match_hash(cpr_numbers.normalise(number))
    person = session.scalar(select(Person).where(Person.cpr_hash == match))
    rows = _rows(session, person, match)
    log_person_access(session, actor, INSIGHT, now, person_id=person.id if person else None, cpr_hash=match,
                      purpose="insight_request", channel=channel)
    session.commit()
    return person, rows


def _cell(value: str | None) -> str:
    """A CSV cell a spreadsheet will not run as a formula (a purpose is free text)."""
    text = value or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(rows: list[InsightRow], zone: ZoneInfo) -> str:
    """The rows as CSV with a header line (COLUMNS), times in `zone`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.as_dict(zone).items()})
    return out.getvalue()
