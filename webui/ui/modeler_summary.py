"""What the modeler shows before a deploy and offers in its deadline picker: the changes against the
running version, the open cases on older versions, and the case fields of date type to count from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.process_models import drafts
from engine.process_models.models import ProcessVersion
from engine.process_models.service import latest_version
from engine.process_models.versions import diff_versions
from engine.users.models import User

# Recorded on every case when it opens (docs/diagrams.md counts statutory deadlines from it).
RECEIVED_AT = "received_at"


def _components(components: Any) -> Iterator[dict[str, Any]]:
    for component in components if isinstance(components, list) else []:
        if isinstance(component, dict):
            yield component
            yield from _components(component.get("components"))


def date_fields(session: Session, key: str, actor: User) -> list[dict[str, str]]:
    """The date/time fields of the process's forms (draft and running version): {key, label}."""
    workspace = drafts.open_workspace(session, key, actor)
    latest = latest_version(session, key)
    schemas = [drafts.version_form(session, latest, form_key) for form_key in (latest.forms if latest else {})]
    schemas += list(workspace.forms.values())
    found = {RECEIVED_AT: ""}
    for schema in schemas:
        for field in _components((schema or {}).get("components")):
            if field.get("type") == "datetime" and isinstance(field.get("key"), str) and field["key"]:
                found.setdefault(field["key"], str(field.get("label") or "")[:80])
    return [{"key": k, "label": label} for k, label in found.items()]


def open_cases_on(session: Session, key: str) -> int:
    """Open cases on the deployed versions of `key` (after a deploy, all of them run an older version)."""
    query = (select(func.count()).select_from(Case).join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
             .where(ProcessVersion.key == key, Case.status == "open"))
    return int(session.scalar(query) or 0)


def deploy_summary(session: Session, key: str, xml: bytes) -> dict[str, Any]:
    """The changes of `xml` against the running version, forms changed in the draft, open cases."""
    latest = latest_version(session, key)
    draft = drafts.get_draft(session, key)
    changes = diff_versions(latest.bpmn_xml, xml) if latest is not None else None
    return {
        "running": latest.version if latest else None,
        "added": [asdict(c) for c in changes.added] if changes else [],
        "removed": [asdict(c) for c in changes.removed] if changes else [],
        "changed": [asdict(c) for c in changes.changed] if changes else [],
        "forms": sorted(draft.forms) if draft is not None else [],
        "open_cases": open_cases_on(session, key),
    }
