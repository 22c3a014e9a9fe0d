"""The opening and the completion write a case's list values (risk, acute, next deadline, search
text) in their case statement, from memory; they must be what engine.cases.summary.refresh_summary
reads back from the rows afterwards, at every step of the shipped procedure."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.cases.models import Case, CaseState
from engine.cases.runtime import script_engine, specs_for
from engine.cases.summary import SUMMARY_FIELDS, refresh_summary
from engine.cases.workflow_state import load_state
from tests.scenarios.conftest import cph

RECEIVED = cph(2026, 11, 23, 9)


def _values(sc, case) -> tuple:
    sc.session.expire_all()
    return sc.session.execute(select(*(getattr(Case, f) for f in SUMMARY_FIELDS)).where(Case.id == case.id)).one()


def _as_refreshed(sc, case) -> tuple:
    row = sc.session.get(Case, case.id)
    state = sc.session.get(CaseState, case.id)
    workflow = load_state(state.state, specs_for(sc.session, row.process_version), script_engine())
    refresh_summary(sc.session, case.id, row.process_version_id, workflow)
    values = _values(sc, case)
    sc.session.rollback()
    return values


def test_the_values_written_are_those_read_back(sc):
    case = sc.open("underretning_boern", RECEIVED, received_at=RECEIVED.isoformat(), source="school",
                   professional_notifier=True)
    assert _values(sc, case) == _as_refreshed(sc, case)
    assert _values(sc, case)[2] is not None  # the 24-hour assessment's deadline
    steps = [("Task_vurdering_24t", "modtagerteam", {"assessment_decision": "forward"}),
             ("Task_kvittering", "modtagerteam", {"receipt_channel": "secure_digital_post"}),
             ("Task_fordel_sag", "teamleder", {"assigned_caseworker": "sc-raadgiver-boern"}),
             ("Task_boernesamtale", "raadgiver-boern", {"conversation_place": "school", "child_alone": True,
                                                         "interpreter": "none"})]
    for hours, (task, who, data) in enumerate(steps, start=2):
        sc.do(case, task, who, RECEIVED + timedelta(hours=hours), **data)
        assert _values(sc, case) == _as_refreshed(sc, case), task
