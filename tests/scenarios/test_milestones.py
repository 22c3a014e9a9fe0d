"""The flow report's milestones are stored on the case row as the case is walked (engine.cases.milestones),
equal to what the report derived from events and tasks before (engine/reports/milestones.py until
migration 0022), and migration 0022's backfill gives the same."""

from __future__ import annotations

import importlib
import re

from sqlalchemy import func, select, text, union_all, update

from engine.cases.consultant import EVENT as CONSULTANT_EVENT
from engine.cases.milestones import COLUMNS, CONVERSATION_TASKS, MEASURE_TASKS
from engine.cases.models import Case, CaseEvent
from engine.cases.owner import OWNER_SET
from engine.process_models.models import ProcessVersion
from engine.tasks.models import COMPLETED, Task
from tests.scenarios.conftest import cph
from tests.scenarios.test_children import CASEWORKER, consent, notification, to_risk_assessment

EVENTS, TASKS = CaseEvent.__table__, Task.__table__
CONSULTANT_ID = re.compile(rb'<(?:\w+:)?userTask[^>]*\sid="([^"]*sikkerhedskonsulent[^"]*)"', re.IGNORECASE)
BACKFILL = importlib.import_module("migrations.versions.0022_hardening").BACKFILL


def _first_task(element_ids, case_id):
    return select(func.min(TASKS.c.ended_at)).where(TASKS.c.case_id == case_id, TASKS.c.bpmn_id.in_(element_ids),
                                                    TASKS.c.state == COMPLETED)


def derived(session, case_id) -> dict[str, object]:
    """The milestones as the report derived them before they were stored (first event, first completion)."""
    consultant_ids = {m.decode() for xml in session.scalars(select(ProcessVersion.bpmn_xml))
                      for m in CONSULTANT_ID.findall(xml or b"")}
    either = union_all(select(EVENTS.c.at).where(EVENTS.c.case_id == case_id, EVENTS.c.kind == CONSULTANT_EVENT),
                       select(TASKS.c.ended_at).where(TASKS.c.case_id == case_id, TASKS.c.state == COMPLETED,
                                                      TASKS.c.bpmn_id.in_(consultant_ids))).subquery()
    first_owner = select(func.min(EVENTS.c.at)).where(EVENTS.c.case_id == case_id, EVENTS.c.kind == OWNER_SET)
    return {"assigned_at": session.scalar(first_owner),
            "first_conversation_at": session.scalar(_first_task(CONVERSATION_TASKS, case_id)),
            "consultant_at": session.scalar(select(func.min(either.c[0]))),
            "first_measure_at": session.scalar(_first_task(MEASURE_TASKS, case_id))}


def stored(session, case_id) -> dict[str, object]:
    row = session.execute(select(*(Case.__table__.c[c] for c in COLUMNS.values())).where(Case.id == case_id)).one()
    return dict(zip(COLUMNS.values(), row, strict=True))


def test_a_walked_case_stores_its_milestones_as_the_report_derived_them_and_the_backfill_agrees(sc):
    case = notification(sc)
    to_risk_assessment(sc, case)
    basis, shelter = (consent(sc, case, kind, cph(2026, 11, 30, 15)) for kind in ("security_consultant", "shelter"))
    sc.do(case, "Task_risiko_forbered_boern", CASEWORKER, cph(2026, 12, 1, 9), risk_assessor="security_consultant")
    sc.do(case, "Task_risiko_del_sikkerhedskonsulent_boern", CASEWORKER, cph(2026, 12, 1, 10),
          disclosure_summary="Bekymring for trusler", disclosure_purpose="Risikovurdering",
          disclosure_consent_id=str(basis.id))
    sc.do(case, "Task_risiko_resultat_boern", CASEWORKER, cph(2026, 12, 3, 10), risk_level="high",
          threats_or_violence=True, unsafe_home=True)
    sc.do(case, "Task_anbringelse", CASEWORKER, cph(2026, 12, 3, 16), placement_type="red_safehouse",
          anonymous_stay=True, disclosure_consent_id=str(shelter.id))
    expected = {"assigned_at": cph(2026, 11, 24, 11), "first_conversation_at": cph(2026, 11, 26, 13),
                "consultant_at": cph(2026, 12, 1, 10), "first_measure_at": cph(2026, 12, 3, 16)}
    assert stored(sc.session, case.id) == derived(sc.session, case.id) == expected
    sc.session.execute(update(Case).where(Case.id == case.id).values(dict.fromkeys(COLUMNS.values())))
    for column, query in BACKFILL.items():
        sc.session.execute(text(f"UPDATE cases SET {column} = ({query})"))  # noqa: S608 - the migration's own
    assert stored(sc.session, case.id) == expected
