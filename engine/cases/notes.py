"""Journal notes: who wrote what and when, append-only.

A note is never changed or deleted by anyone (only retention blanks its text with the rest of the
case's personal data). A mistake is corrected by a new note that points at the note it corrects;
the record shows both, the old one marked as corrected. Writing notes is case work (the owner's
circle, team leads, break-glass access; see engine.cases.need_to_know).
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.need_to_know import case_with_access
from engine.cases.record_models import CaseNote
from engine.clock import Clock, system_clock
from engine.errors import Conflict, InvalidInput
from engine.users.models import User

NOTE_ADDED = "note_added"
MAX_NOTE = 10_000


def check_text(text: object) -> str:
    """The note's text, trimmed; InvalidInput (Danish, per field) when empty, too long or not text."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("the note is empty", [{"field": "text", "message": "Skriv notatet."}])
    text = text.strip()
    if len(text) > MAX_NOTE:
        raise InvalidInput("the note is too long", [{"field": "text", "message": "Notatet må højst være 10.000 tegn."}])
    if "\x00" in text:
        raise InvalidInput("the note holds a NUL character", [{"field": "text", "message": "Notatet indeholder "
                                                                                             "ugyldige tegn."}])
    return text


def add_note(session: Session, case_id: UUID, user: User | None, text: object, corrects: UUID | None = None,
             clock: Clock = system_clock) -> CaseNote:
    """Add a journal note (case work) and commit; `corrects`: the id of a note of the same case it corrects.

    Authorization comes first (404 without a relation, 403 without case work), then the text.
    """
    now = clock()
    case, _access = case_with_access(session, case_id, user, now, "case_work")
    if case.erased_at is not None:
        raise Conflict("the case's personal data have been erased; it takes no new notes")
    clean = check_text(text)
    if corrects is not None:
        found = session.scalar(select(CaseNote.id).where(CaseNote.id == corrects, CaseNote.case_id == case_id))
        if found is None:
            raise InvalidInput("no such note in this case",
                               [{"field": "corrects", "message": "Notatet, der skal rettes, findes ikke i sagen."}])
    author = user.username if user is not None else "system"
    note = CaseNote(case_id=case_id, at=now, author_id=user.id if user else None, author=author, text=clean,
                    corrects_id=corrects)
    session.add(note)
    session.flush()
    summary = "Et notat er rettet" if corrects else "Et notat er tilføjet"  # never the text: the timeline is no record
    events.record(session, case_id, NOTE_ADDED, user, summary, details={"note_id": str(note.id)}, at=now)
    session.commit()
    return note
