"""Attachments: documents added to a case, checked by their content and kept in the database.

Only PDF, PNG, JPEG, DOCX and ODT are taken, recognised by their bytes (a file's name and the
browser's content type are whatever the sender says): a renamed file of another kind is refused.
The type found is the one the file is served with, and the download name gets its extension, so a
browser never runs an upload as a page. Adding is case work; reading is the case's content.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from engine.cases import events
from engine.cases.need_to_know import Access, case_with_access
from engine.cases.record_models import CaseAttachment
from engine.clock import Clock, system_clock
from engine.errors import Conflict, InvalidInput, NotFound
from engine.users.models import User

ATTACHMENT_ADDED = "attachment_added"
PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx", ODT: ".odt"}
MAX_DESCRIPTION = 500
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|]+")


def sniff(content: bytes) -> str | None:
    """The type of `content` if it is one we take, by its magic bytes (and, for zip files, what they hold)."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _office(content)
    return None


def _office(content: bytes) -> str | None:
    """DOCX (an OOXML package with a word/ part) or ODT (its `mimetype` entry says so); else None.

    Only the list of entries and the tiny `mimetype` entry are read: nothing is unpacked.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = package.namelist()
            if "[Content_Types].xml" in names and any(name.startswith("word/") for name in names):
                return DOCX
            if names and names[0] == "mimetype" and package.getinfo("mimetype").file_size < 100:
                return ODT if package.read("mimetype").strip() == ODT.encode() else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, OSError, EOFError, NotImplementedError):
        return None
    return None


def clean_filename(name: str | None, content_type: str) -> str:
    """The uploaded name without folders or control characters, at most 255 characters, ending in
    the extension of the type found (a PDF called `brev.html` is saved as `brev.html.pdf`)."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    base = _UNSAFE_NAME.sub("_", base).strip(" .") or "bilag"
    extension = EXTENSIONS[content_type]
    if not base.lower().endswith(extension) and not (content_type == JPEG and base.lower().endswith(".jpeg")):
        base += extension
    return base[-255:] if len(base) > 255 else base


def size_text(size: int) -> str:
    """A file size as Danes write it: `20 MB`, `1,5 MB`, `350 kB`."""
    if size < 1_048_576:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / 1_048_576:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " MB"


def _problem(message: str, field: str = "file") -> InvalidInput:
    return InvalidInput("the attachment cannot be taken", [{"field": field, "message": message}])


def add_attachment(session: Session, case_id: UUID, user: User | None, filename: str | None, content: bytes,
                   description: str = "", *, max_bytes: int, clock: Clock = system_clock) -> CaseAttachment:
    """Add a document to the case (case work) and commit. Refused with InvalidInput (Danish, per
    field) when it is empty, larger than `max_bytes`, or not of a type we take; nothing is stored then."""
    now = clock()
    case, _access = case_with_access(session, case_id, user, now, "case_work")
    if case.erased_at is not None:
        raise Conflict("the case's personal data have been erased; it takes no new attachments")
    if not content:
        raise _problem("Vælg en fil.")
    if len(content) > max_bytes:
        raise _problem(f"Filen er for stor. Den må højst fylde {size_text(max_bytes)}.")
    content_type = sniff(content)
    if content_type is None:
        raise _problem("Filtypen kan ikke bruges. Vælg en PDF, PNG, JPEG, DOCX eller ODT.")
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise _problem(f"Beskrivelsen må højst være {MAX_DESCRIPTION} tegn.", "description")
    attachment = CaseAttachment(
        case_id=case_id, at=now, uploaded_by_id=user.id if user else None,
        uploaded_by=user.username if user else "system", filename=clean_filename(filename, content_type),
        description=description, content_type=content_type, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), content=content)
    session.add(attachment)
    session.flush()
    events.record(session, case_id, ATTACHMENT_ADDED, user, "Et bilag er tilføjet",  # never the file's name
                  details={"attachment_id": str(attachment.id)}, at=now)
    session.commit()
    return attachment


def get_attachment(session: Session, case_id: UUID, attachment_id: UUID, user: User | None,
                   clock: Clock = system_clock) -> tuple[CaseAttachment, Access]:
    """An attachment of the case with its file, for those who may read the case's content; NotFound
    for an id that is not an attachment of this case, or whose file retention has erased."""
    _case, access = case_with_access(session, case_id, user, clock(), "content")
    attachment = session.scalar(select(CaseAttachment).options(undefer(CaseAttachment.content)).where(
        CaseAttachment.id == attachment_id, CaseAttachment.case_id == case_id))
    if attachment is None or attachment.content is None:
        raise NotFound("no such attachment")
    return attachment, access
