"""Deploying BPMN files as immutable process versions, and finding them again."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.bpmn import BpmnValidationError, Problem, ValidatedBpmn, parse_xml, validate_bpmn
from engine.consent.sharing import check_properties
from engine.deadlines.models import DeadlineRule
from engine.deadlines.timers import rule_key_of
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.forms.conditions import check_rules
from engine.forms.models import FormVersion
from engine.forms.service import resolve_forms
from engine.process_models.models import ProcessVersion
from engine.users.models import User

DEPLOYER_GROUPS = ("teamleder", "admin")
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
TIMER_TAGS = ("timeDate", "timeDuration", "timeCycle")
NEW_FORM = "new"  # in UploadCheck.pinned: an uploaded form that deploying would store as a new version


@dataclass(frozen=True)
class Deployed:
    """One process version and whether this upload created it."""

    version: ProcessVersion
    created: bool


def latest_version(session: Session, key: str) -> ProcessVersion | None:
    """The newest version of process `key`, or None when it was never deployed."""
    return session.scalar(
        select(ProcessVersion).where(ProcessVersion.key == key).order_by(ProcessVersion.version.desc()).limit(1)
    )


def get_version(session: Session, key: str, version: int) -> ProcessVersion:
    """Version `version` of process `key`; NotFound otherwise (also beyond the database's integer)."""
    if not 1 <= version <= 2**31 - 1:
        raise NotFound(f"process {key!r} has no version {version}")
    row = session.scalar(
        select(ProcessVersion).where(ProcessVersion.key == key, ProcessVersion.version == version)
    )
    if row is None:
        raise NotFound(f"process {key!r} has no version {version}")
    return row


def list_versions(session: Session, key: str | None = None) -> list[ProcessVersion]:
    """Every version (of `key`, if given), newest first within each key."""
    query = select(ProcessVersion).order_by(ProcessVersion.key, ProcessVersion.version.desc())
    if key is not None:
        query = query.where(ProcessVersion.key == key)
    return list(session.scalars(query))


def documents_for(session: Session, version: ProcessVersion) -> list[bytes]:
    """The BPMN documents needed to run `version`: its own, then its pinned dependencies."""
    documents = [version.bpmn_xml]
    for dep_id in version.dependencies:
        dep = session.get(ProcessVersion, UUID(dep_id))
        if dep is not None:
            documents.append(dep.bpmn_xml)
    return documents


def _resolve_dependencies(session: Session, data: bytes) -> tuple[list[bytes], list[str]]:
    """Latest deployed versions of processes this document calls but does not define."""
    root = parse_xml(data)
    defined = {node.get("id") for node in root.iter(f"{{{BPMN_NS}}}process")}
    pending = [n.get("calledElement") for n in root.iter(f"{{{BPMN_NS}}}callActivity")]
    documents: list[bytes] = []
    ids: list[str] = []
    seen: set[str] = set()
    while pending:
        called = pending.pop()
        if not called or called in defined or called in seen:
            continue
        seen.add(called)
        dep = latest_version(session, called)
        if dep is None:
            continue  # validation reports the missing process with the element that calls it
        documents.append(dep.bpmn_xml)
        ids.append(str(dep.id))
        for dep_id in dep.dependencies:
            other = session.get(ProcessVersion, UUID(dep_id))
            if other is not None and other.key not in seen:
                pending.append(other.key)
    return documents, ids


def _check_rule_keys(session: Session, data: bytes) -> None:
    """Every `deadline("key", ...)` in a timer or due date must name an existing rule."""
    known = set(session.scalars(select(DeadlineRule.key)))
    timer_tags = {f"{{{BPMN_NS}}}{tag}" for tag in TIMER_TAGS}
    problems = []
    for element in parse_xml(data).iter():
        if element.tag in timer_tags:
            text, owner = element.text or "", element.getparent().getparent()  # the timer's event
        elif element.get(f"{{{CAMUNDA_NS}}}dueDate"):
            text, owner = element.get(f"{{{CAMUNDA_NS}}}dueDate"), element
        else:
            continue
        key = rule_key_of(text)
        if key is not None and key not in known and owner is not None:
            problems.append(Problem(owner.get("id"), owner.get("name"), f"unknown deadline rule {key!r}"))
    if problems:
        raise BpmnValidationError(problems)


def _check_task_properties(data: bytes) -> None:
    """A sharing task must name recipient kinds the consent rules know, and `required_when` rules must
    be valid expressions (docs/diagrams.md)."""
    problems = []
    for task in parse_xml(data).iter(f"{{{BPMN_NS}}}userTask"):
        properties = {p.get("name"): p.get("value") or "" for p in task.iter(f"{{{CAMUNDA_NS}}}property")}
        messages = check_properties(properties) + check_rules(properties.get("required_when") or "")
        problems += [Problem(task.get("id"), task.get("name"), message) for message in messages]
    if problems:
        raise BpmnValidationError(problems)


@dataclass
class UploadCheck:
    """What validating an upload found: problems (none = deployable) and what storing it needs."""

    problems: list[Problem] = field(default_factory=list)
    validated: ValidatedBpmn | None = None
    dependency_ids: list[str] = field(default_factory=list)
    pinned: dict[str, str] = field(default_factory=dict)  # form key -> form version id, or NEW_FORM


def require_deployer(actor: User | None) -> None:
    """Refuse unless `actor` is a team lead, an administrator or the system (None)."""
    if actor is not None and not actor.in_any(*DEPLOYER_GROUPS):
        raise PermissionDenied("only team leads and administrators may deploy process models")


def validate_upload(
    session: Session,
    data: bytes,
    *,
    actor: User | None,
    filename: str = "upload.bpmn",
    max_bytes: int = 2 * 1024 * 1024,
    forms: Mapping[str, bytes] | None = None,
) -> UploadCheck:
    """Check a BPMN file (and its forms) exactly as `deploy` does, storing nothing.

    Returns every problem found (element-level where possible) and, when there are none, the
    validated document, the pinned dependencies and the form versions it would pin (NEW_FORM for
    an uploaded form that would become a new version). Raises PermissionDenied only.
    """
    require_deployer(actor)
    if len(data) > max_bytes:
        return UploadCheck([Problem(None, None, f"the file is larger than {max_bytes} bytes")])
    try:
        extra, dependency_ids = _resolve_dependencies(session, data)
        validated = validate_bpmn(data, filename=filename, extra_documents=extra)
        _check_rule_keys(session, data)
        _check_task_properties(data)
    except BpmnValidationError as exc:
        return UploadCheck(list(exc.problems))
    tasks = validated.form_users()
    savepoint = session.begin_nested()  # resolving stores uploaded forms; undo that here
    try:
        pinned, problems = resolve_forms(session, tasks, forms or {}, actor.username if actor else "system")
    finally:
        savepoint.rollback()
    ids = [UUID(value) for value in pinned.values()]
    stored = session.scalars(select(FormVersion.id).where(FormVersion.id.in_(ids))) if ids else []
    existing = {str(form_id) for form_id in stored}
    pinned = {key: value if value in existing else NEW_FORM for key, value in pinned.items()}
    return UploadCheck(problems, validated, dependency_ids, pinned)


def deploy(
    session: Session,
    data: bytes,
    *,
    actor: User | None,
    filename: str = "upload.bpmn",
    comment: str = "",
    max_bytes: int = 2 * 1024 * 1024,
    forms: Mapping[str, bytes] | None = None,
) -> list[Deployed]:
    """Validate a BPMN file and store each executable process in it as a new version; commit.

    `actor` None means the operator (CLI). `forms` are form-js files uploaded with the diagram
    (key → JSON bytes); form keys not uploaded resolve to the latest deployed form. Re-uploading
    the bytes of a process's latest version with the same forms creates nothing. Raises
    BpmnValidationError (nothing stored) when the file or a form is not deployable.
    """
    require_deployer(actor)
    if len(comment) > 2000:
        raise InvalidInput("comment is longer than 2000 characters")
    check = validate_upload(session, data, actor=actor, filename=filename, max_bytes=max_bytes, forms=forms)
    if check.problems or check.validated is None:
        session.rollback()
        raise BpmnValidationError(check.problems)
    return _store(session, data, check, actor=actor, filename=filename, comment=comment, forms=forms or {})


def _store(session: Session, data: bytes, check: UploadCheck, *, actor: User | None, filename: str, comment: str,
           forms: Mapping[str, bytes]) -> list[Deployed]:
    """Store a validated upload: its forms, then one new version per executable process; commit."""
    assert check.validated is not None
    validated = check.validated
    actor_name = actor.username if actor else "system"
    tasks = validated.form_users()
    pinned, problems = resolve_forms(session, tasks, forms, actor_name)
    if problems:
        session.rollback()
        raise BpmnValidationError(problems)
    sha = hashlib.sha256(data).hexdigest()
    results: list[Deployed] = []
    for process_id in validated.process_ids:
        latest = latest_version(session, process_id)
        if latest is not None and latest.sha256 == sha and latest.forms == pinned:
            results.append(Deployed(latest, created=False))
            continue
        number = (session.scalar(
            select(func.max(ProcessVersion.version)).where(ProcessVersion.key == process_id)
        ) or 0) + 1
        version = ProcessVersion(
            key=process_id,
            version=number,
            name=validated.process_names.get(process_id) or process_id,
            sha256=sha,
            bpmn_xml=data,
            filename=filename[:255],
            dependencies=check.dependency_ids,
            forms=pinned,
            deployed_by_id=actor.id if actor else None,
            deployed_by=actor_name,
            comment=comment,
        )
        session.add(version)
        results.append(Deployed(version, created=True))
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("another deployment of the same process happened at the same time; retry") from exc
    return results
