"""Safe-contact rules answered in a form are written to the case's safe-contact instructions.

Any form (a start form, the adults' triage, a safety plan) may ask for `safe_contact_rules` (a
checklist whose values are the flags of `SafeContact`: `ask_if_alone`, `no_letters_home`, ...) and
`safe_contact_instructions` (free text). When a case is opened or a task completed with them, the
ticked rules are added to the case's instructions and the text is appended, in the same
transaction. Rules are only ever added here: a form that leaves a rule unticked never loosens what
someone recorded before (that is done on the case page, by a person, on purpose).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from engine.cases import events
from engine.consent.models import SafeContact
from engine.users.models import User

RULES_FIELD, TEXT_FIELD = "safe_contact_rules", "safe_contact_instructions"
FLAGS = ("ask_if_alone", "no_letters_home", "no_voicemail", "interpreter_phone_only",
         "interpreter_not_same_community")
MAX_TEXT = 4000


def rules_in(data: Mapping[str, Any]) -> tuple[list[str], str]:
    """The safe-contact flags and text a submission holds (unknown values ignored)."""
    chosen = data.get(RULES_FIELD)
    flags = [flag for flag in FLAGS if isinstance(chosen, list) and flag in chosen]
    return flags, str(data.get(TEXT_FIELD) or "").strip()


def apply_from_data(session: Session, case_id: UUID, data: Mapping[str, Any], user: User | None,
                    now: datetime, task_id: UUID | None = None) -> SafeContact | None:
    """Add the submission's rules and text to the case's safe-contact instructions (no commit);
    None when the submission holds none or changes nothing."""
    flags, text = rules_in(data)
    if not flags and not text:
        return None
    contact = session.get(SafeContact, case_id) or SafeContact(case_id=case_id, instructions="")
    added = [flag for flag in flags if not getattr(contact, flag)]
    appended = bool(text) and text not in (contact.instructions or "")
    if not added and not appended:
        return None
    for flag in added:
        setattr(contact, flag, True)
    if appended:
        contact.instructions = "\n\n".join(part for part in (contact.instructions or "", text) if part)[:MAX_TEXT]
    contact.updated_at, contact.updated_by = now, user.username if user else "system"
    session.add(contact)
    events.record(session, case_id, "safe_contact_updated", user,
                  "Instruks om sikker kontakt er opdateret fra en formular", task_id=task_id, at=now,
                  details={"added": added, "text": appended})
    return contact
