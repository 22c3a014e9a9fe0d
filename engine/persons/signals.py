"""Departments that see each other, with consent: "En anden enhed arbejder med denne person".

A signal joins two open cases of one person who is the subject of at least one of them (subject or
involved in the other). The owners of both cases see it. It is locked until the subject has a consent
covering recipient kind `other_department` on either case, or someone doing case work chooses a legal
basis from the maintained list (engine.consent LegalException) with a justification. Locked, it says
only that it exists and what opens it; open, it gives the other unit's name (the other owner's groups)
and the owner's name and e-mail, never anything of the other case's content (not even its reference).
Opening is recorded as a disclosure to `other_department` on both cases, with its basis.

Signals are found when read (`case_signals`) and when a subject is registered (`find_signals`), so a
person linked by any path is matched; a consent on file opens a signal the next time it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.models import Case
from engine.cases.need_to_know import case_with_access
from engine.consent.models import Consent, Disclosure, LegalException
from engine.errors import InvalidInput, NotFound
from engine.persons.models import SUBJECT, CasePerson, Person
from engine.persons.signal_models import PersonSignal, ordered
from engine.users.models import User

OTHER_DEPARTMENT = "other_department"
SIGNAL_OPENED = "person_signal_opened"
SUMMARY = "At en anden enhed arbejder med sagens person, enhedens navn og sagsbehandlerens kontaktoplysninger"
PURPOSE = "Koordinering mellem enheder, der arbejder med samme person"
NEEDED = ("Signalet kan åbnes, når personen har givet samtykke til videregivelse til en anden afdeling, "
          "eller når der vælges en lovhjemmel.")
NO_CONSENT = "Der er intet samtykke til videregivelse til en anden afdeling. Vælg en lovhjemmel."


@dataclass(frozen=True)
class SignalView:
    """One signal as a case's reader sees it: locked (only that it exists) or open (the other unit)."""

    id: UUID
    person_label: str
    found_at: datetime
    opened: bool
    opened_at: datetime | None = None
    unit: str | None = None
    owner_name: str | None = None
    owner_email: str | None = None

    def as_dict(self) -> dict:
        """The API's view; a locked signal says what opens it."""
        other = ({"unit": self.unit, "owner_name": self.owner_name, "owner_email": self.owner_email}
                 if self.opened else None)
        return {"id": str(self.id), "person": self.person_label, "found_at": self.found_at.isoformat(),
                "opened": self.opened, "opened_at": self.opened_at.isoformat() if self.opened_at else None,
                "other_unit": other, "needed": None if self.opened else NEEDED}


def _open_links(session: Session, person_id: UUID) -> list[CasePerson]:
    query = (select(CasePerson).join(Case, Case.id == CasePerson.case_id)
             .where(CasePerson.person_id == person_id, Case.status == "open", Case.erased_at.is_(None)))
    return list(session.scalars(query))


def find_signals(session: Session, case_id: UUID, now: datetime) -> None:
    """Store a signal for each other open case of the case's persons where one side is the subject
    (flushed, not committed: the caller's transaction keeps it)."""
    for mine in session.scalars(select(CasePerson).where(CasePerson.case_id == case_id)):
        for theirs in _open_links(session, mine.person_id):
            if theirs.case_id != case_id and SUBJECT in (mine.role, theirs.role):
                _ensure(session, mine.person_id, case_id, theirs.case_id, now)
    session.flush()


def _ensure(session: Session, person_id: UUID, case_id: UUID, other_id: UUID, now: datetime) -> None:
    first, second = ordered(case_id, other_id)
    known = select(PersonSignal.id).where(PersonSignal.person_id == person_id, PersonSignal.case_a_id == first,
                                          PersonSignal.case_b_id == second)
    if session.scalar(known) is None:
        session.add(PersonSignal(person_id=person_id, case_a_id=first, case_b_id=second, found_at=now))


def _live(session: Session, signal: PersonSignal) -> bool:
    """Both cases still open and the person still on both."""
    cases = {link.case_id for link in _open_links(session, signal.person_id)}
    return {signal.case_a_id, signal.case_b_id} <= cases


def _signals_of(session: Session, case_id: UUID) -> list[PersonSignal]:
    query = (select(PersonSignal).where(or_(PersonSignal.case_a_id == case_id, PersonSignal.case_b_id == case_id))
             .order_by(PersonSignal.found_at, PersonSignal.id))
    return [signal for signal in session.scalars(query) if _live(session, signal)]


def covering_consent(session: Session, signal: PersonSignal, now: datetime) -> Consent | None:
    """A consent on either case that covers sharing with another department now."""
    query = select(Consent).where(Consent.case_id.in_((signal.case_a_id, signal.case_b_id)),
                                  Consent.recipient_kind == OTHER_DEPARTMENT).order_by(Consent.given_at)
    return next((c for c in session.scalars(query) if c.covers(OTHER_DEPARTMENT, now)), None)


def unit_of(case: Case) -> str:
    """The unit that works with a case: its owner's groups, else that it is not assigned yet."""
    owner = case.owner
    if owner is None or not owner.groups:
        return "Ikke fordelt endnu" if owner is None else "Ukendt enhed"
    return ", ".join(sorted(group.name for group in owner.groups))


def _view(session: Session, signal: PersonSignal, case_id: UUID) -> SignalView:
    person = session.get(Person, signal.person_id)
    base = dict(id=signal.id, person_label=person.label if person else "", found_at=signal.found_at)
    if signal.opened_at is None:
        return SignalView(opened=False, **base)
    other = session.get(Case, signal.other(case_id))
    owner = other.owner if other else None
    return SignalView(opened=True, opened_at=signal.opened_at, unit=unit_of(other) if other else None,
                      owner_name=owner.display_name if owner else None, owner_email=owner.email if owner else None,
                      **base)


def case_signals(session: Session, case_id: UUID, user: User | None, now: datetime) -> list[SignalView]:
    """The signals of a case for those who may read its content. Finds new ones and opens those a
    consent now covers (each a recorded disclosure); commits."""
    case_with_access(session, case_id, user, now, "content")
    try:
        return _read_and_open(session, case_id, user, now)
    except IntegrityError:  # a concurrent read stored the same signal first: read again, it is there now
        session.rollback()
        return _read_and_open(session, case_id, user, now)


def _read_and_open(session: Session, case_id: UUID, user: User | None, now: datetime) -> list[SignalView]:
    """Find, open what a consent covers, commit; only then the views (nothing shown that was not recorded)."""
    find_signals(session, case_id, now)
    signals = _signals_of(session, case_id)
    for signal in signals:
        consent = None if signal.opened_at else covering_consent(session, signal, now)
        if consent is not None:
            _open(session, signal, user, now, consent=consent)
    session.commit()
    return [_view(session, signal, case_id) for signal in signals]


def open_signal(session: Session, case_id: UUID, signal_id: UUID, user: User | None, now: datetime, *,
                legal_basis: str | None = None, justification: str | None = None) -> SignalView:
    """Open a signal of the case (case work) on a consent on file or on a legal basis; commit.
    InvalidInput (Danish) when neither is there; an open signal stays open."""
    case_with_access(session, case_id, user, now, "case_work")
    signal = next((s for s in _signals_of(session, case_id) if s.id == signal_id), None)
    if signal is None:
        raise NotFound("no such signal on this case")
    if signal.opened_at is None:
        if legal_basis:
            _open(session, signal, user, now, exception=_legal(session, legal_basis, justification),
                  justification=(justification or "").strip())
        else:
            consent = covering_consent(session, signal, now)
            if consent is None:
                raise InvalidInput("a consent or a legal basis is needed",
                                   [{"field": "legal_basis", "message": NO_CONSENT}])
            _open(session, signal, user, now, consent=consent)
        session.commit()
    return _view(session, signal, case_id)


def _legal(session: Session, key: str, justification: str | None) -> LegalException:
    exception = session.get(LegalException, key)
    problems = []
    if exception is None or not exception.active:
        problems.append({"field": "legal_basis", "message": "Ukendt lovhjemmel."})
    if not (justification or "").strip():
        problems.append({"field": "justification", "message": "Begrund, hvorfor lovhjemlen gælder i denne sag."})
    if problems:
        raise InvalidInput("the legal basis is not valid", problems)
    return exception  # type: ignore[return-value]


def _open(session: Session, signal: PersonSignal, user: User | None, now: datetime, *,
          consent: Consent | None = None, exception: LegalException | None = None, justification: str = "") -> None:
    """Open the signal and record the disclosure on both cases: each tells the other unit of itself."""
    actor = user.username if user else "system"
    signal.opened_at, signal.opened_by = now, actor
    signal.basis = "consent" if consent else "legal"
    signal.legal_exception = exception.key if exception else None
    for case_id in (signal.case_a_id, signal.case_b_id):
        other = session.get(Case, signal.other(case_id))
        session.add(Disclosure(case_id=case_id, task_id=None, recipient_kind=OTHER_DEPARTMENT,
                               recipient_name=unit_of(other)[:255] if other else "", summary=SUMMARY,
                               purpose=PURPOSE, consent_id=consent.id if consent else None,
                               legal_exception=exception.key if exception else None,
                               justification=justification or None, disclosed_at=now, recorded_by=actor))
        events.record(session, case_id, SIGNAL_OPENED, user,
                      "Signal om en anden enhed er åbnet (" + ("samtykke" if consent else "lovhjemmel") + ")",
                      details={"signal_id": str(signal.id), "basis": signal.basis}, at=now)
