"""The case file as a PDF for the municipality's records system (journalisering).

The web layer renders the case's header, record, notes, consents, disclosures and deadlines as
HTML (a Jinja template) and this module prints it with WeasyPrint: page numbers, the export's date
and user in the page margins. Everything the document needs is inline, and the fetcher refuses
every URL, so nothing a caseworker typed can make the server load a file or call a host.

Each export is a read of the whole case: the caller checks the access rule with `check_export`
and logs it with kind EXPORT and the access's purpose. The download name holds the case
reference only, never a name or a CPR number.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.cases.need_to_know import Access, case_with_access
from engine.users.models import User

EXPORT = "export"  # the access-log kind of an export
PDF_TYPE = "application/pdf"


def check_export(session: Session, case_id: UUID, user: User | None, now: datetime) -> tuple[Case, Access]:
    """The case if the user may export it: the export is the case's content (NotFound / PermissionDenied)."""
    return case_with_access(session, case_id, user, now, "content")


def export_filename(reference: str) -> str:
    """`sag-2026-000123.pdf`: the reference and nothing else about the case."""
    return f"sag-{reference}.pdf"


def pdf_from_html(html: str) -> bytes:
    """Print `html` (a whole document with its CSS inline) as a PDF."""
    from weasyprint import HTML  # loads Pango: only when a case is exported
    from weasyprint.urls import URLFetcher

    no_fetching = URLFetcher(allowed_protocols=())  # no scheme at all: file:, http:, data: are all refused
    return HTML(string=html, url_fetcher=no_fetching).write_pdf()
