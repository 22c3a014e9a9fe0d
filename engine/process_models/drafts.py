"""Drafts: a team lead's saved, not yet deployed work on a process and the forms edited with it.

One draft per process key, overwritten on every save. A draft holds the diagram and only the
forms edited in the form editor; forms not in the draft resolve to their latest deployed version
when the draft is validated or deployed (as for any upload). Deploying a draft deletes it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from lxml import etree
from sqlalchemy.orm import Session

from engine.bpmn import BpmnValidationError, parse_xml
from engine.db import utcnow
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.forms.models import FormVersion
from engine.forms.service import MAX_FORM_BYTES, latest_form
from engine.process_models.models import ProcessDraft, ProcessVersion
from engine.process_models.service import (
    BPMN_NS,
    DEPLOYER_GROUPS,
    Deployed,
    UploadCheck,
    deploy,
    latest_version,
    validate_upload,
)
from engine.users.models import User

PROCESS_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,254}$")
FORM_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
MAX_DRAFT_FORMS = 200


@dataclass(frozen=True)
class Workspace:
    """What the modeler opens: the draft when there is one, else the latest deployed version."""

    key: str
    xml: bytes
    forms: dict[str, dict[str, Any]]
    source: str  # "draft" or "version"
    version: int | None
    saved_by: str | None
    saved_at: datetime | None


def _require(actor: User | None) -> None:
    if actor is not None and not actor.in_any(*DEPLOYER_GROUPS):
        raise PermissionDenied("only team leads and administrators may edit process models")


def _check_key(key: str) -> None:
    if not PROCESS_KEY.match(key or ""):
        raise InvalidInput("invalid process key", [{"field": "key", "message": "not a BPMN process id"}])


def process_ids(data: bytes) -> list[str]:
    """The ids of the processes in a BPMN document, executable ones first; InvalidInput if it is not BPMN."""
    try:
        root = parse_xml(data)
    except BpmnValidationError as exc:
        raise InvalidInput("the file is not BPMN XML", [p.to_dict() for p in exc.problems]) from exc
    if etree.QName(root).localname != "definitions":
        raise InvalidInput("the file is not BPMN XML", [{"field": "file", "message": "no bpmn:definitions"}])
    processes = [p for p in root.iter(f"{{{BPMN_NS}}}process") if p.get("id")]
    processes.sort(key=lambda p: p.get("isExecutable") != "true")
    return [p.get("id") for p in processes]


def get_draft(session: Session, key: str) -> ProcessDraft | None:
    """The draft of process `key`, if any."""
    return session.get(ProcessDraft, key)


def version_form(session: Session, version: ProcessVersion | None, form_key: str) -> dict[str, Any] | None:
    """The schema of `form_key` as `version` pinned it, else the latest deployed form."""
    if version is not None and form_key in version.forms:
        form = session.get(FormVersion, UUID(version.forms[form_key]))
        if form is not None:
            return form.schema
    latest = latest_form(session, form_key)
    return latest.schema if latest is not None else None


def open_workspace(session: Session, key: str, actor: User | None) -> Workspace:
    """The draft of `key`, else its latest version; NotFound when neither exists."""
    _require(actor)
    draft = get_draft(session, key)
    latest = latest_version(session, key)
    if draft is not None:
        return Workspace(key, draft.bpmn_xml, dict(draft.forms), "draft", latest.version if latest else None,
                         draft.saved_by, draft.saved_at)
    if latest is None:
        raise NotFound(f"process {key!r} has neither a draft nor a deployed version")
    return Workspace(key, latest.bpmn_xml, {}, "version", latest.version, latest.deployed_by, latest.deployed_at)


def draft_form(session: Session, key: str, form_key: str, actor: User | None) -> tuple[dict[str, Any], str]:
    """The form `form_key` for editing with process `key`: (schema, source: draft / version / new)."""
    _require(actor)
    if not FORM_KEY.match(form_key or ""):
        raise NotFound(f"no form {form_key!r}")
    draft = get_draft(session, key)
    if draft is not None and form_key in draft.forms:
        return draft.forms[form_key], "draft"
    schema = version_form(session, latest_version(session, key), form_key)
    if schema is not None:
        return schema, "version"
    return {"type": "default", "id": form_key, "components": []}, "new"


def save_draft(session: Session, key: str, xml: bytes, actor: User | None, *,
               max_bytes: int = 2 * 1024 * 1024) -> ProcessDraft:
    """Save the diagram of process `key` as its draft (keeping the draft's forms); commit."""
    _require(actor)
    _check_key(key)
    if len(xml) > max_bytes:
        raise InvalidInput("the diagram is too large", [{"field": "xml", "message": f"more than {max_bytes} bytes"}])
    process_ids(xml)  # it must at least be safe BPMN XML
    draft = get_draft(session, key)
    if draft is None:
        draft = ProcessDraft(key=key, forms={})
        session.add(draft)
    draft.bpmn_xml = xml
    _touch(draft, actor)
    session.commit()
    return draft


def save_form(session: Session, key: str, form_key: str, schema: Any, actor: User | None) -> ProcessDraft:
    """Put form `form_key` into the draft of `key` (created from the latest version if needed); commit."""
    _require(actor)
    if not FORM_KEY.match(form_key or ""):
        raise InvalidInput("invalid form key", [{"field": "form_key", "message": "letters, digits and _"}])
    if not isinstance(schema, dict):
        raise InvalidInput("the form must be a JSON object", [{"field": "schema", "message": "not an object"}])
    schema = {**schema, "id": form_key}
    if len(json.dumps(schema)) > MAX_FORM_BYTES:
        raise InvalidInput("the form is too large", [{"field": "schema", "message": "larger than 512 KB"}])
    draft = get_draft(session, key)
    if draft is None:
        workspace = open_workspace(session, key, actor)
        draft = ProcessDraft(key=key, bpmn_xml=workspace.xml, forms={})
        session.add(draft)
    if form_key not in draft.forms and len(draft.forms) >= MAX_DRAFT_FORMS:
        raise InvalidInput("too many forms in the draft", [{"field": "form_key", "message": "at most 200"}])
    draft.forms = {**draft.forms, form_key: schema}
    _touch(draft, actor)
    session.commit()
    return draft


def import_file(session: Session, data: bytes, actor: User | None, *, max_bytes: int = 2 * 1024 * 1024,
                replace: bool = False) -> str:
    """Open a BPMN file from any modeler as the draft of its (first executable) process; returns the key.

    Someone's unsaved work is not overwritten unless `replace` says so: Conflict names whose draft it is.
    """
    _require(actor)
    ids = process_ids(data)
    if not ids:
        raise InvalidInput("the file has no process", [{"field": "file", "message": "no bpmn:process"}])
    existing = get_draft(session, ids[0])
    if existing is not None and not replace:
        raise Conflict(f"process {ids[0]!r} has a draft already (saved by {existing.saved_by})")
    save_draft(session, ids[0], data, actor, max_bytes=max_bytes)
    return ids[0]


def _touch(draft: ProcessDraft, actor: User | None) -> None:
    draft.saved_by = actor.username if actor else "system"
    draft.saved_at = utcnow()


def _uploads(session: Session, draft: ProcessDraft) -> dict[str, bytes]:
    """The draft's forms, plus those the latest version pinned, as the form editor showed them.

    Without the latter, a form the team lead did not touch would be pinned as the newest version of
    its key, which another process may have changed since: not the form they saw.
    """
    latest = latest_version(session, draft.key)
    schemas = {form_key: version_form(session, latest, form_key) for form_key in (latest.forms if latest else {})}
    schemas.update(draft.forms)
    return {form_key: json.dumps(schema, ensure_ascii=False).encode()
            for form_key, schema in schemas.items() if schema is not None}


def check_xml(session: Session, key: str, xml: bytes, actor: User | None, *,
              max_bytes: int = 2 * 1024 * 1024) -> UploadCheck:
    """Validate a diagram with the forms of the draft of `key`, as deploying would; stores nothing."""
    _require(actor)
    draft = get_draft(session, key)
    forms = _uploads(session, draft) if draft is not None else {}
    return validate_upload(session, xml, actor=actor, filename=f"{key}.bpmn", max_bytes=max_bytes, forms=forms)


def deploy_draft(session: Session, key: str, actor: User | None, *, comment: str = "",
                 max_bytes: int = 2 * 1024 * 1024) -> list[Deployed]:
    """Deploy the draft of `key` with its forms, then delete the draft; BpmnValidationError keeps it."""
    _require(actor)
    draft = get_draft(session, key)
    if draft is None:
        raise NotFound(f"process {key!r} has no draft")
    xml, forms = draft.bpmn_xml, _uploads(session, draft)
    deployed = deploy(session, xml, actor=actor, filename=f"{key}.bpmn", comment=comment, max_bytes=max_bytes,
                      forms=forms)
    draft = get_draft(session, key)
    if draft is not None and draft.bpmn_xml == xml:
        session.delete(draft)
        session.commit()
    return deployed


def discard_draft(session: Session, key: str, actor: User | None) -> None:
    """Delete the draft of `key` (the latest version opens again); commit."""
    _require(actor)
    draft = get_draft(session, key)
    if draft is not None:
        session.delete(draft)
        session.commit()
