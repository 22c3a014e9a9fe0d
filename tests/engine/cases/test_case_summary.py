"""The case row's list values (engine.cases.summary): risk level, acute, next deadline and search
text follow every save: opening, completing, closing, retention; no CPR number is ever stored; a
searchable field that looks like a CPR number is refused at deploy (both databases).

Every instant comes from a fixed clock; no test depends on today's date.
"""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text, update

from engine.bpmn import BpmnValidationError
from engine.bpmn.searchable import searchable_fields
from engine.cases.closing import close_case
from engine.cases.models import Case
from engine.cases.retention import erase_case
from engine.cases.runtime import load_case_run
from engine.cases.service import open_case
from engine.cases.summary import search_text
from engine.clock import system_clock
from engine.process_models.service import deploy
from engine.tasks import service as tasks
from engine.users.service import create_user
from tests.api.helpers import DATA
from webui.ui.queries import case_risk

RECEIVED = datetime.fromisoformat("2026-11-23T10:00:00+01:00")  # a Monday
BPMN = (DATA / "findable.bpmn").read_bytes()
MIGRATION = importlib.import_module("migrations.versions.0015_case_search_saved_filters")


@pytest.fixture
def people(db_session):
    lead = create_user(db_session, "s-lead", "s-lead@example.invalid", ["teamleder"])
    reception = create_user(db_session, "s-mona", "s-mona@example.invalid", ["modtagerteam"])
    db_session.commit()
    deploy(db_session, BPMN, actor=lead, filename="findable.bpmn")
    return lead, reception


def _open(session, actor, **data):
    start = {"received_at": RECEIVED.isoformat(), **data}
    return open_case(session, "findable", start, actor, lambda: RECEIVED + timedelta(minutes=5))


def _row(session, case_id) -> Case:
    session.expire_all()
    return session.get(Case, case_id)


def test_opening_writes_the_list_values(db_session, people):
    lead, _reception = people
    opened = _open(db_session, lead, school_name="Nørrebro Skole", notifier_org="Skolens AKT-team 010203-1234",
                   acute=True, risk_level="high")
    case = _row(db_session, opened.case.id)
    assert (case.risk_level, case.acute) == ("high", True)
    assert case.next_due_at == RECEIVED + timedelta(hours=24)  # the intake's 24 clock hours
    assert case.search_text == "nørrebro skole | skolens akt-team"  # lower-case, the CPR number gone


def test_completing_moves_the_next_deadline_and_the_newest_risk_wins(db_session, people):
    lead, reception = people
    opened = _open(db_session, lead, risk_level="low")
    clock = lambda: RECEIVED + timedelta(hours=3)  # noqa: E731
    tasks.complete(db_session, opened.tasks[0].id, {"risk_level": "medium", "acute_discovered": True}, reception,
                   clock)
    case = _row(db_session, opened.case.id)
    assert (case.risk_level, case.acute) == ("medium", True)
    assert case.next_due_at == datetime.fromisoformat("2026-12-02T00:00:00+01:00")  # 6 working days, to midnight
    assert case.search_text is None  # no searchable field filled in
    run_risk = case_risk(db_session, case, system_clock)
    assert run_risk.level == case.risk_level  # the case page and the list agree


def test_closing_ends_the_deadline_and_retention_erases_the_content_values(db_session, people):
    lead, _reception = people
    opened = _open(db_session, lead, school_name="Nørrebro Skole", risk_level="high", acute=False)
    closed_at = RECEIVED + timedelta(hours=1)
    close_case(db_session, opened.case.id, lead, "duplicate", clock=lambda: closed_at)
    case = _row(db_session, opened.case.id)
    assert (case.status, case.next_due_at, case.risk_level, case.acute) == ("closed", None, "high", False)
    later = closed_at + timedelta(days=2000)
    assert erase_case(db_session, case.id, later, later, 1825)
    case = _row(db_session, opened.case.id)
    assert (case.risk_level, case.acute, case.search_text) == (None, None, None)


def test_the_migration_backfills_the_next_deadline_as_the_save_does(db_session, people):
    lead, _reception = people
    ids = [_open(db_session, lead).case.id for _ in range(2)]
    saved = {case_id: _row(db_session, case_id).next_due_at for case_id in ids}
    db_session.execute(update(Case).values(next_due_at=None))
    db_session.execute(text(MIGRATION.BACKFILL))
    assert {case_id: _row(db_session, case_id).next_due_at for case_id in ids} == saved
    assert all(saved.values())


def test_a_save_through_the_general_path_refreshes_too(db_session, people):
    lead, _reception = people
    opened = _open(db_session, lead)
    db_session.execute(update(Case).values(next_due_at=None, risk_level="low"))
    run = load_case_run(db_session, db_session.get(Case, opened.case.id))
    run.save(db_session, None)
    case = _row(db_session, opened.case.id)
    assert (case.next_due_at, case.risk_level) == (RECEIVED + timedelta(hours=24), None)


@pytest.mark.parametrize("field", ["cpr", "barnets_cpr_nr", "personnummer", "CPR_number"])
def test_a_searchable_field_that_looks_like_a_cpr_number_is_refused_at_deploy(db_session, people, field):
    lead, _reception = people
    bad = BPMN.replace(b"school_name, notifier_org", f"school_name, {field}".encode())
    with pytest.raises(BpmnValidationError) as refused:
        deploy(db_session, bad, actor=lead, filename="findable.bpmn")
    assert any("CPR" in p.message for p in refused.value.problems)


def test_searchable_fields_and_text_rules():
    assert searchable_fields(BPMN, "findable") == ("school_name", "notifier_org")
    assert searchable_fields(BPMN, "other") == ()
    assert search_text(["A  B", ["x", 3, True, None], "0102031234 og 010203-1234", ""]) == "a b | x | 3 | og"
    assert search_text([]) is None


def test_a_shipped_notification_is_found_by_the_notifiers_organisation(db_session, people):
    """The shipped children's procedure declares notifier_org searchable; the start form asks for it."""
    from engine.cases.search import CaseQuery, search_cases
    from tests.ui.test_modeler_browser import deploy_workflows

    lead, _reception = people
    deploy_workflows(db_session)
    start = {"received_at": RECEIVED.isoformat(), "source": "school", "notifier_org": "Tingbjerg Skole",
             "professional_notifier": True}
    opened = open_case(db_session, "underretning_boern", start, lead, lambda: RECEIVED)
    assert _row(db_session, opened.case.id).search_text == "tingbjerg skole"
    page = search_cases(db_session, lead, CaseQuery(scope="all", text="tingbjerg"), RECEIVED)
    assert [row.reference for row in page.items] == [opened.case.reference]
