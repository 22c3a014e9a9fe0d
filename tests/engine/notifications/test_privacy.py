"""Nothing that leaves the system carries personal data: only task name, case reference, deadline, link."""

from __future__ import annotations

import quopri
from email.message import EmailMessage

from engine.notifications.models import ASSIGNMENT, DIGEST, DUE, ESCALATION, REMINDER

DUE_AT = "2026-12-02T00:00:00+01:00"
CASE_DATA = {
    "citizen_name": "Aisha Khan-Jensen",
    "cpr": "010203-1234",
    "cpr_digits": "0102031234",
    "address": "Nørrebrogade 117, 2. th",
    "phone": "+45 28 91 44 02",
    "private_email": "aisha.privat@example.org",
    "description": "Truet med tvangsægteskab af sin far",
}
TASK_DATA = {
    "note": "Farbror Yusuf Khan ringede fra Odense",
    "school": "Blågårdsskolen 7.B",
    "contact_person": "Mette Sørensen",
}
SECRETS = [*CASE_DATA.values(), *TASK_DATA.values(), *CASE_DATA.keys(), *TASK_DATA.keys(),
           "Aisha", "Khan", "Yusuf", "010203", "Nørrebrogade", "tvangsægteskab", "Blågårdsskolen"]


def _all_text(message: EmailMessage, raw: bytes) -> str:
    """Headers, raw bytes and every decoded part: whatever a reader or a mail server could see."""
    parts = [raw.decode("utf-8", "replace"), quopri.decodestring(raw).decode("utf-8", "replace")]
    parts += [f"{key}: {value}" for key, value in message.items()]
    for part in message.walk():
        if not part.is_multipart():
            parts.append(part.get_content())
    return "\n".join(parts)


def test_no_sent_mail_contains_personal_data(world, at):
    anna = world.user("anna", "modtagerteam")
    world.user("bo", "modtagerteam", locale="en")
    world.user("dina", "modtagerteam", digest=True, hour=7)
    lene = world.user("lene", "teamleder")
    world.user("leif", "teamleder", locale="en", digest=True, hour=9)
    opened = at("2026-11-23T09:00:00+01:00")
    case = world.open("kvittering", opened, due=DUE_AT, **CASE_DATA)
    # The first task is done with more personal data; the next task carries all of it in its data.
    world.complete(case, "register", anna, at("2026-11-23T10:00:00+01:00"), due=DUE_AT, **TASK_DATA)
    world.assign(case, "receipt", "anna", lene, at("2026-11-23T11:00:00+01:00"))
    other = world.open("kvittering", opened, due=DUE_AT, **CASE_DATA)
    for moment in ("2026-11-23T11:05:00+01:00", "2026-11-30T00:00:00+01:00", "2026-11-30T07:00:00+01:00",
                   "2026-12-01T00:00:00+01:00", "2026-12-01T07:00:00+01:00", "2026-12-02T00:00:00+01:00",
                   "2026-12-02T09:00:00+01:00"):
        world.run(at(moment))
    sent = {row.kind for row in world.outbox()}
    assert {ASSIGNMENT, REMINDER, DUE, ESCALATION, DIGEST} <= sent  # every kind of mail was exercised
    assert len(world.server.raw) >= 10
    for message, raw in zip(world.server.messages, world.server.raw, strict=True):
        text = _all_text(message, raw)
        leaked = [secret for secret in SECRETS if secret.lower() in text.lower()]
        assert leaked == [], f"{message['Subject']}: {leaked}"
        assert case.reference in text or other.reference in text  # what it may say, it does say
    for row in world.outbox():  # nor does anything stored for sending
        stored = " ".join(filter(None, (row.subject, row.body_text, row.body_html)))
        assert not [secret for secret in SECRETS if secret.lower() in stored.lower()]
