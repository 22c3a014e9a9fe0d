"""Recording and withdrawing consents, safe-contact instructions, and disclosures under a basis."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.service import get_case
from engine.clock import Clock, system_clock
from engine.consent.models import GIVERS, RECIPIENT_KINDS, Consent, Disclosure, LegalException, SafeContact
from engine.db import utcnow
from engine.errors import Conflict, InvalidInput, NotFound
from engine.users.models import User

RECIPIENT_NAMES = {
    "police": "politiet", "security_consultant": "sikkerhedskonsulenten", "shelter": "krisecentret",
    "other_department": "en anden afdeling", "school": "skolen", "day_care": "dagtilbuddet", "doctor": "lægen",
    "red": "RED", "viso": "VISO", "interpreter": "tolken", "other_municipality": "en anden kommune",
    "immigration_service": "Udlændingestyrelsen", "psychologist": "psykologen",
    "other": "en anden modtager",
}
# What a disclosure records is what was sent: never a CPR number, whatever the form's own pattern says
# (anonymous shelter stays: no name or CPR leaves the municipality; engine.cases.summary strips the same).
CPR = re.compile(r"(?<!\d)\d{6}[-\s/]?\d{4}(?!\d)")
DISCLOSURE_TEXTS = ("disclosure_summary", "disclosure_purpose", "disclosure_recipient_name", "disclosure_justification")
SAFE_CONTACT_FLAGS = ("ask_if_alone", "no_letters_home", "no_voicemail", "interpreter_phone_only",
                      "interpreter_not_same_community")


def list_consents(session: Session, case_id: UUID, user: User | None, clock: Clock = system_clock) -> list[Consent]:
    """The case's consents, newest first."""
    get_case(session, case_id, user, clock, "content")
    return list(session.scalars(select(Consent).where(Consent.case_id == case_id).order_by(Consent.given_at.desc())))


def record_consent(
    session: Session, case_id: UUID, user: User, *, given_by: str, recipient_kind: str, scope: str,
    purpose: str, given_at: datetime | None = None, giver_name: str = "", giver_capacity: str = "",
    clock: Clock = system_clock,
) -> Consent:
    """Record a consent on a case (those working on it); commit.

    `given_by` "other" is a person other than the citizen or the guardian (the young person when the
    guardian is the controlling party, the other parent): `giver_name` and `giver_capacity` say who
    and in which capacity, and are required then.
    """
    get_case(session, case_id, user, clock, "case_work")
    problems = []
    if given_by not in GIVERS:
        problems.append({"field": "given_by", "message": "Vælg, hvem der har givet samtykket."})
    problems += _giver_problems(given_by, giver_name, giver_capacity)
    if recipient_kind not in RECIPIENT_KINDS:
        problems.append({"field": "recipient_kind", "message": "Ukendt modtager."})
    for name, value in (("scope", scope), ("purpose", purpose)):
        if not value or not value.strip() or len(value) > 2000:
            problems.append({"field": name, "message": "Feltet skal udfyldes (højst 2000 tegn)."})
    if given_at is not None and given_at.tzinfo is None:
        problems.append({"field": "given_at", "message": "Tidspunktet skal have en tidszone."})
    if problems:
        raise InvalidInput("the consent is not valid", problems)
    consent = Consent(case_id=case_id, given_by=given_by, recipient_kind=recipient_kind, scope=scope.strip(),
                      purpose=purpose.strip(), given_at=given_at or utcnow(), recorded_by=user.username,
                      giver_name=(giver_name or "").strip(), giver_capacity=(giver_capacity or "").strip())
    session.add(consent)
    session.flush()
    events.record(session, case_id, "consent_recorded", user,
                  f"Samtykke til videregivelse til {RECIPIENT_NAMES[recipient_kind]} er registreret",
                  details={"consent_id": str(consent.id), "recipient_kind": recipient_kind})
    session.commit()
    return consent


def _giver_problems(given_by: str, name: str | None, capacity: str | None) -> list[dict[str, str]]:
    """Who gave a consent beyond the citizen or the guardian must be named, with their capacity."""
    problems = []
    for field, value in (("giver_name", name), ("giver_capacity", capacity)):
        text = (value or "").strip()
        if len(text) > 255:
            problems.append({"field": field, "message": "Højst 255 tegn."})
        elif given_by == "other" and not text:
            problems.append({"field": field, "message": "Angiv, hvem der har givet samtykket, og i hvilken egenskab."})
    return problems


def withdraw_consent(session: Session, consent_id: UUID, user: User, at: datetime | None = None,
                     clock: Clock = system_clock) -> Consent:
    """Withdraw a consent: no later disclosure may rely on it; commit."""
    consent = session.get(Consent, consent_id)
    if consent is None:
        raise NotFound("no such consent")
    get_case(session, consent.case_id, user, clock, "case_work")
    if consent.withdrawn_at is not None:
        raise Conflict("the consent is already withdrawn")
    consent.withdrawn_at = at or utcnow()
    events.record(session, consent.case_id, "consent_withdrawn", user,
                  f"Samtykke til videregivelse til {RECIPIENT_NAMES[consent.recipient_kind]} er trukket tilbage",
                  details={"consent_id": str(consent.id)})
    session.commit()
    return consent


def list_disclosures(session: Session, case_id: UUID, user: User | None,
                     clock: Clock = system_clock) -> list[Disclosure]:
    """Every disclosure made in the case, newest first."""
    get_case(session, case_id, user, clock, "content")
    return list(session.scalars(
        select(Disclosure).where(Disclosure.case_id == case_id).order_by(Disclosure.disclosed_at.desc())
    ))


def legal_exceptions(session: Session) -> list[LegalException]:
    """The active legal exceptions, by key."""
    return list(session.scalars(select(LegalException).where(LegalException.active).order_by(LegalException.key)))


def get_safe_contact(session: Session, case_id: UUID) -> SafeContact | None:
    """The case's safe-contact instructions, if any were recorded."""
    return session.get(SafeContact, case_id)


def set_safe_contact(session: Session, case_id: UUID, user: User, clock: Clock = system_clock,
                     **fields: Any) -> SafeContact:
    """Replace the case's safe-contact instructions (those working on the case); commit."""
    get_case(session, case_id, user, clock, "case_work")
    unknown = sorted(set(fields) - {"instructions", *SAFE_CONTACT_FLAGS})
    if unknown:
        raise InvalidInput("unknown fields", [{"field": f, "message": "Ukendt felt."} for f in unknown])
    instructions = str(fields.get("instructions") or "")
    if len(instructions) > 4000:
        raise InvalidInput("too long", [{"field": "instructions", "message": "Højst 4000 tegn."}])
    contact = session.get(SafeContact, case_id) or SafeContact(case_id=case_id)
    contact.instructions = instructions.strip()
    for flag in SAFE_CONTACT_FLAGS:
        setattr(contact, flag, bool(fields.get(flag, False)))
    contact.updated_at, contact.updated_by = utcnow(), user.username
    session.add(contact)
    events.record(session, case_id, "safe_contact_updated", user, "Instruks om sikker kontakt er opdateret")
    session.commit()
    return contact


def record_task_disclosure(
    session: Session, case_id: UUID, task_id: UUID, recipient_kind: str, data: dict[str, Any], user: User,
    now: datetime,
) -> Disclosure:
    """The disclosure a sharing task makes, checked against its basis; InvalidInput when it has none.

    Runs inside the completing transaction, so the task completes only with its disclosure recorded.
    """
    problems = []
    summary = str(data.get("disclosure_summary") or "").strip()
    purpose = str(data.get("disclosure_purpose") or "").strip()
    if not summary:
        problems.append({"field": "disclosure_summary", "message": "Beskriv kort, hvilke oplysninger der videregives."})
    if not purpose:
        problems.append({"field": "disclosure_purpose", "message": "Angiv formålet med videregivelsen."})
    problems += [{"field": field, "message": "Skriv ikke CPR-numre i det, der videregives."}
                 for field in DISCLOSURE_TEXTS if CPR.search(str(data.get(field) or ""))]
    consent_text = str(data.get("disclosure_consent_id") or "").strip()
    exception_key = str(data.get("disclosure_exception") or "").strip()
    consent, exception = None, None
    if consent_text:
        consent = _consent(session, case_id, consent_text)
        if consent is None or consent.case_id != case_id:
            problems.append({"field": "disclosure_consent_id", "message": "Samtykket findes ikke på sagen."})
        elif not consent.covers(recipient_kind, now):
            if consent.withdrawn_at is not None and consent.withdrawn_at <= now:
                why = "er trukket tilbage"
            elif consent.given_at > now:
                why = "var ikke givet på tidspunktet for videregivelsen"
            else:
                why = "dækker ikke denne modtager"
            problems.append({"field": "disclosure_consent_id", "message": f"Samtykket {why}."})
    elif exception_key:
        exception = session.get(LegalException, exception_key)
        if exception is None or not exception.active:
            problems.append({"field": "disclosure_exception", "message": "Ukendt lovhjemmel."})
        if not str(data.get("disclosure_justification") or "").strip():
            problems.append({"field": "disclosure_justification",
                             "message": "Begrund, hvorfor lovhjemlen gælder i denne sag."})
    else:
        problems.append({"field": "disclosure_consent_id",
                         "message": "Videregivelse kræver et samtykke på sagen eller en lovhjemmel."})
    if problems:
        raise InvalidInput("information cannot be shared without a recorded basis", problems)
    disclosure = Disclosure(
        case_id=case_id, task_id=task_id, recipient_kind=recipient_kind,
        recipient_name=str(data.get("disclosure_recipient_name") or "").strip()[:255], summary=summary[:4000],
        purpose=purpose[:4000], consent_id=consent.id if consent else None,
        legal_exception=exception.key if exception else None,
        justification=str(data.get("disclosure_justification") or "").strip() or None,
        disclosed_at=now, recorded_by=user.username,
    )
    session.add(disclosure)
    basis = "samtykke" if consent else "lovhjemmel"
    events.record(session, case_id, "disclosure_recorded", user,
                  f"Oplysninger videregivet til {RECIPIENT_NAMES.get(recipient_kind, recipient_kind)} ({basis})",
                  task_id=task_id, at=now, details={"recipient_kind": recipient_kind, "basis": basis})
    return disclosure


def record_task_disclosures(
    session: Session, case_id: UUID, task_id: UUID, recipient_kinds: list[str], data: dict[str, Any], user: User,
    now: datetime,
) -> list[Disclosure]:
    """The disclosures a sharing task makes, one per recipient; InvalidInput when one has no basis.

    A task that tells several recipients (the police and the security consultant in acute measures)
    has one consent field: a recipient the chosen consent does not cover uses another consent on
    file that covers it, recorded as its own basis. Without one, the chosen basis must cover it.
    """
    chosen = _consent(session, case_id, str(data.get("disclosure_consent_id") or "").strip())
    made = []
    for kind in recipient_kinds:
        basis = data
        if len(recipient_kinds) > 1 and chosen is not None and chosen.case_id == case_id \
                and not chosen.covers(kind, now):
            other = next((c for c in list_consents(session, case_id, None) if c.covers(kind, now)), None)
            if other is not None:
                basis = {**data, "disclosure_consent_id": str(other.id)}
        made.append(record_task_disclosure(session, case_id, task_id, kind, basis, user, now))
    return made


def _consent(session: Session, case_id: UUID, text: str) -> Consent | None:
    try:
        return session.get(Consent, UUID(text)) if text else None
    except ValueError:
        return None
