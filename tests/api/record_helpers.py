"""A children's case of the shipped procedure (workflows/ with its form-js forms) whose 24-hour
assessment is done and which has an owner: the case record's tests read its answers back.

Everything runs through the services on a fixed clock (T0, a Monday), so no test depends on today.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from engine.cases.service import open_case
from engine.process_models.service import deploy
from engine.tasks import service as tasks
from engine.users.models import User

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
T0 = datetime.fromisoformat("2026-11-23T10:00:00+01:00")
ASSESS = "Task_vurdering_24t"
ASSESSMENT = {"danger_signs": ["threats", "runaway"], "assessment_decision": "forward",
              "danger_assessment": "Barnet fortæller om trusler fra storebror og tør ikke gå hjem."}
# A minimal one-page PDF, a PNG signature and a DOCX/ODT package: what the content check looks at.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


DISTRIBUTED = T0 + timedelta(minutes=30)


def clock():
    return T0


def later():
    return DISTRIBUTED


def deploy_shipped(session: Session) -> None:
    """Deploy workflows/ with its forms, called processes first."""
    forms = {path.stem: path.read_bytes() for path in (WORKFLOWS / "forms").glob("*.form")}
    for name in ("risikovurdering", "opfoelgning", "underretning_boern", "henvendelse_voksen"):
        path = WORKFLOWS / f"{name}.bpmn"
        deploy(session, path.read_bytes(), actor=None, filename=path.name, comment="workflows/", forms=forms)


def assessed_case(session: Session, reception: User, lead: User, owner: User):
    """Open a children's case, complete its 24-hour assessment (reception, at T0) and distribute it to
    `owner` (team lead, half an hour later); returns the case."""
    received = (T0 - timedelta(hours=2)).isoformat()
    opened = open_case(session, "underretning_boern", {"received_at": received, "source": "school",
                                                       "professional_notifier": True}, reception, clock)
    assess = next(t for t in opened.tasks if t.bpmn_id == ASSESS)
    tasks.claim(session, assess.id, reception, clock)
    ready = tasks.complete(session, assess.id, dict(ASSESSMENT), reception, clock)
    distribute = next(t for t in ready if t.bpmn_id == "Task_fordel_sag")
    tasks.claim(session, distribute.id, lead, later)
    tasks.complete(session, distribute.id, {"assigned_caseworker": owner.username, "conflict_of_interest": "none",
                                            "expertise_needed": ["negative_social_control"]}, lead, later)
    return opened.case


def docx() -> bytes:
    """The smallest zip a Word document is recognised by: [Content_Types].xml and a word/ part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    """An OpenDocument package whose first entry, `mimetype`, says what it is."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("mimetype", mimetype)
        package.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()
