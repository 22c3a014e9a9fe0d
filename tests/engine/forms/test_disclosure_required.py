"""A task that shares only on some answers asks for the disclosure's details only when it shares."""

from __future__ import annotations

from engine.consent.sharing import required_only_when_shared
from engine.forms.formjs import validate_submission
from tests.workflows.shipped import load_form

WHEN = {"disclosure_when": "interpreter: phone_external=interpreter, in_person_external=interpreter"}
TALK = {"conversation_outcome": "held", "conversation_date": "2026-11-24", "conversation_place": "school",
        "child_alone": True, "child_statement": "Barnet fortæller om kontrol"}


def _problems(properties, data):
    schema = required_only_when_shared(load_form("boernesamtale"), properties, data)
    return {p["field"] for p in validate_submission(schema, data)[1]}


def test_no_interpreter_needs_no_disclosure_summary():
    assert _problems(WHEN, {**TALK, "interpreter": "none"}) == set()


def test_an_external_interpreter_needs_the_summary_and_the_purpose():
    assert {"disclosure_summary", "disclosure_purpose"} <= _problems(WHEN, {**TALK, "interpreter": "phone_external"})


def test_a_task_that_always_shares_always_needs_them():
    always = {**WHEN, "disclosure_recipient": "interpreter"}
    assert {"disclosure_summary", "disclosure_purpose"} <= _problems(always, {**TALK, "interpreter": "none"})
