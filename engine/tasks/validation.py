"""Checking a completion's data against the task's form, as the deployed version pinned it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.task import Task as SpiffTask
from sqlalchemy.orm import Session

from engine.cases.owner import with_owner_choices
from engine.cases.versions import PinnedVersion, form_schema
from engine.consent import sharing
from engine.consent.service import legal_exceptions
from engine.errors import InvalidInput
from engine.forms.camunda import validate_form_data
from engine.forms.conditions import missing_fields
from engine.forms.formjs import validate_submission


def validated(session: Session, version: PinnedVersion, form_key: str | None, spiff_task: SpiffTask,
              properties: Mapping[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The cleaned `data` of a completion; InvalidInput with one entry per problem.

    A form-js form (with the maintained legal exceptions and the owner choices where the task asks
    for them), else the diagram's Camunda formData; then the task's `required_when` rules.
    """
    schema = form_schema(session, version, form_key)
    if schema is not None and sharing.possible_recipients(properties):
        schema = sharing.with_exception_choices(schema, legal_exceptions(session))
    if schema is not None:
        schema = with_owner_choices(session, schema, properties)
        data, problems = validate_submission(schema, data)
    else:
        problems = validate_form_data(getattr(spiff_task.task_spec, "form", None), data)
    problems += [p for p in missing_fields(properties, data) if p["field"] not in {q["field"] for q in problems}]
    if problems:
        raise InvalidInput("the submitted data does not fit the task's form", problems)
    return data
