"""The knowledge person's digest of a shipped children's case: choices yes, free text never."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.cases.digest import case_digest
from engine.cases.members import add_member
from engine.errors import NotFound, PermissionDenied
from engine.users.service import create_user
from tests.scenarios.test_children import CASEWORKER, RECEIVED, cph, notification

FREE_TEXT = "Aisha Hansen, Nørregade 4, 010203-1234"


def test_the_digest_keeps_the_choices_and_leaves_out_what_was_typed_about_people(sc):
    case = notification(sc)
    sc.do(case, "Task_vurdering_24t", "modtagerteam", RECEIVED + timedelta(hours=2), assessment_decision="forward",
          danger_signs=["threats"], danger_assessment=FREE_TEXT)
    sc.do(case, "Task_kvittering", "modtagerteam", cph(2026, 11, 24, 10), receipt_channel="secure_digital_post")
    sc.do(case, "Task_fordel_sag", "teamleder", cph(2026, 11, 24, 11), assigned_caseworker="sc-raadgiver-boern")
    sc.do(case, "Task_boernesamtale", CASEWORKER, cph(2026, 11, 26, 13), conversation_place="school",
          child_alone=True, interpreter="none", child_statement=FREE_TEXT, child_wishes=FREE_TEXT)
    expert = create_user(sc.session, "vp-digest", "vp@example.invalid", ["vidensperson"])
    now = cph(2026, 11, 27, 9)
    with pytest.raises(NotFound):  # not yet consulted: no relation
        case_digest(sc.session, case.id, expert, clock=lambda: now)
    add_member(sc.session, case.id, "vp-digest", "knowledge_person", None, sc.users["teamleder"], clock=lambda: now)
    digest = case_digest(sc.session, case.id, expert, clock=lambda: now)
    answers = {a["field"]: a["answer"] for a in digest["answers"]}
    assert answers["source"] == "Skole" and answers["child_alone"] is True and answers["professional_notifier"]
    assert answers["danger_signs"] and answers["assessment_decision"]
    text = repr(digest)
    assert "Aisha" not in text and "Nørregade" not in text and "010203" not in text
    assert "sc-raadgiver-boern" not in text  # nor who works on it
    states = {step["name"]: step["state"] for step in digest["steps"]}
    assert states[sc.task(case, "Task_screening").name] == "READY" and "COMPLETED" in states.values()
    # The knowledge person still cannot read the record itself.
    from engine.cases.service import case_events

    with pytest.raises(PermissionDenied):
        case_events(sc.session, case.id, expert)
