"""Checking a completion's data against the task's form, as the deployed version pinned it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

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
from engine.persons.recipients import picked_threat_problems, with_recipient_choices


def validated(session: Session, version: PinnedVersion, form_key: str | None, spiff_task: SpiffTask,
              properties: Mapping[str, Any], data: dict[str, Any], case_id: UUID | None = None) -> dict[str, Any]:
    """The cleaned `data` of a completion; InvalidInput with one entry per problem.

    A form-js form (with the maintained legal exceptions and the owner choices where the task asks
    for them), else the diagram's Camunda formData; then the task's `required_when` rules. A sharing
    task of `case_id` also takes a recipient picked from the case's persons, never a threat
    (engine.persons.recipients).
    """
    schema = form_schema(session, version, form_key)
    if schema is not None and sharing.possible_recipients(properties):
        schema = sharing.with_exception_choices(schema, legal_exceptions(session))
        schema = sharing.required_only_when_shared(schema, properties, data)
    if schema is not None:
        schema = with_owner_choices(session, schema, properties)
        if case_id is not None:
            schema = with_recipient_choices(session, schema, properties, case_id)
        data, problems = validate_submission(schema, data)
        if case_id is not None:
            problems += picked_threat_problems(session, case_id, data)
    else:
        problems = validate_form_data(getattr(spiff_task.task_spec, "form", None), data)
    # A condition may read the case's data too (the safety plan's rules: only above low risk); the
    # form's own answers win, and every field a rule requires is in the form, so it is in `data`.
    answers = {**(spiff_task.data or {}), **data}
    problems += [p for p in missing_fields(properties, answers) if p["field"] not in {q["field"] for q in problems}]
    if problems:
        raise InvalidInput("the submitted data does not fit the task's form", problems)
    return data
