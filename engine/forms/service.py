"""Resolving the forms a diagram references at deploy, and a task's form at run time."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.bpmn import Problem, UserTaskInfo, parse_xml, start_form_key
from engine.forms.formjs import check_form
from engine.forms.models import FormVersion

MAX_FORM_BYTES = 512 * 1024


def latest_form(session: Session, key: str) -> FormVersion | None:
    """The newest deployed version of form `key`."""
    return session.scalar(
        select(FormVersion).where(FormVersion.key == key).order_by(FormVersion.version.desc()).limit(1)
    )


def _parse(raw: bytes) -> Any:
    if len(raw) > MAX_FORM_BYTES:
        raise ValueError(f"the form is larger than {MAX_FORM_BYTES // 1024} KB")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"the form is not valid JSON: {exc}") from exc


def resolve_forms(
    session: Session, tasks: list[UserTaskInfo], uploads: Mapping[str, bytes], actor_name: str
) -> tuple[dict[str, str], list[Problem]]:
    """Pin a form version for every form key the user tasks use; store uploaded forms as new versions.

    Returns ({form key: form version id}, problems). Nothing is committed here; on problems the
    caller stores nothing.
    """
    pinned: dict[str, str] = {}
    problems: list[Problem] = []
    for task in tasks:
        key = task.form_key
        if not key or key in pinned:
            continue
        if key in uploads:
            try:
                schema = _parse(uploads[key])
            except ValueError as exc:
                problems.append(Problem(task.bpmn_id, task.name, f"form {key!r}: {exc}"))
                continue
            errors = check_form(schema, key)
            problems += [Problem(task.bpmn_id, task.name, f"form {key!r}: {error}") for error in errors]
            if not errors:
                pinned[key] = str(_store(session, key, schema, actor_name).id)
            continue
        existing = latest_form(session, key)
        if existing is None:
            problems.append(Problem(task.bpmn_id, task.name, f"form {key!r} is missing: upload {key}.form with it"))
        else:
            pinned[key] = str(existing.id)
    return pinned, problems


def _store(session: Session, key: str, schema: dict[str, Any], actor_name: str) -> FormVersion:
    digest = hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()
    latest = latest_form(session, key)
    if latest is not None and latest.sha256 == digest:
        return latest
    number = (session.scalar(select(func.max(FormVersion.version)).where(FormVersion.key == key)) or 0) + 1
    form = FormVersion(key=key, version=number, sha256=digest, schema=schema, deployed_by=actor_name)
    session.add(form)
    session.flush()
    return form


def form_schema(session: Session, pinned: Mapping[str, str], key: str | None) -> dict[str, Any] | None:
    """The form-js schema a process version pinned for `key`, or None."""
    if not key or key not in pinned:
        return None
    form = session.get(FormVersion, UUID(pinned[key]))
    return form.schema if form is not None else None


@lru_cache(maxsize=256)
def _start_form_key(version_id: UUID, key: str, xml: bytes) -> str | None:
    root = parse_xml(xml)
    for process in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process"):
        if process.get("id") == key:
            return start_form_key(process)
    return None


def start_form(session: Session, version: Any) -> dict[str, Any] | None:
    """The form a case of `version` opens with (its start event's `camunda:formKey`), or None."""
    key = _start_form_key(version.id, version.key, version.bpmn_xml)
    return form_schema(session, version.forms, key)


def pinned_forms(session: Session, forms: Mapping[str, str], dependencies: list[str]) -> dict[str, str]:
    """The forms a process version runs with: its own, then those of the processes it calls."""
    from engine.process_models.models import ProcessVersion

    merged: dict[str, str] = {}
    for dep_id in dependencies:
        dependency = session.get(ProcessVersion, UUID(dep_id))
        if dependency is not None:
            merged.update(dependency.forms)
    merged.update(forms)
    return merged
