"""Closing a case at any point (tasks, timers, mail and workflow cancelled), reopening it, the reasons."""

from __future__ import annotations

from datetime import datetime

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.cases import closing
from engine.cases.events import list_events
from engine.cases.models import Case, ClosingReason
from engine.cases.runtime import load_case_run
from engine.cases.service import open_case
from engine.consent.models import Consent, SafeContact
from engine.deadlines.models import CANCELLED as TIMER_CANCELLED
from engine.deadlines.models import WAITING, Timer
from engine.deadlines.worker import sweep
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.notifications.models import QUEUED, SENT, SKIPPED
from engine.process_models.service import deploy
from engine.tasks import service as tasks
from engine.tasks.models import CANCELLED, READY, Task
from engine.users.service import create_user
from tests.conftest import bound_session
from tests.engine.deadlines.diagrams import boundary
from tests.engine.notifications.world import World, mail_settings

OPENED = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
DUE = "2026-12-02T00:00:00+01:00"  # end of Tuesday 1 December: the reminder comes from Monday 30 November 00:00
REMINDED = datetime.fromisoformat("2026-11-30T00:00:00+01:00")
CLOSED = datetime.fromisoformat("2026-11-30T08:00:00+01:00")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)



@pytest.fixture
def world(db_session, connection, settings, smtp_server) -> World:
    world = World(db_session, connection, mail_settings(settings, smtp_server), smtp_server)
    # "work" is due at the case's `due`, with a non-interrupting boundary timer after 10 days.
    world.deploy(boundary("lukbar", "timeDuration", "P10D", False, due_date="due"))
    world.lead = create_user(db_session, "lene", "lene@kommune.example", ["teamleder"])
    world.user("anna", "modtagerteam")
    world.user("bo", "modtagerteam")
    return world


def _close(world, case, by, reason="no_concern", when=CLOSED, **kwargs):
    return closing.close_case(world.session, case.id, by, reason, clock=lambda: when, **kwargs)


def test_closing_cancels_tasks_timers_queued_reminders_and_the_workflow(world, connection):
    case = world.open("lukbar", OPENED, due=DUE, cpr="010203-1234")
    other = world.open("lukbar", OPENED, due=DUE)  # left open: its reminders are the control
    world.sweep(REMINDED)  # reminders queued for both cases, not yet sent
    assert {row.state for row in world.outbox()} == {QUEUED} and len(world.outbox()) == 4
    work = world.task(case, "work")

    closed = _close(world, case, world.lead, note="Familien er flyttet sammen igen.")

    assert (closed.status, closed.closed_at, closed.closed_by_id) == ("closed", CLOSED, world.lead.id)
    assert (closed.closing_reason, closed.closing_note, closed.receiving_municipality) == (
        "no_concern", "Familien er flyttet sammen igen.", None)
    world.session.expire_all()
    work = world.session.get(Task, work.id)
    assert (work.state, work.ended_at) == (CANCELLED, CLOSED)
    timers = world.session.scalars(select(Timer).where(Timer.case_id == case.id)).all()
    assert [(t.state, t.ended_at) for t in timers] == [(TIMER_CANCELLED, CLOSED)]
    assert world.session.scalars(select(Timer).where(Timer.case_id == other.id)).one().state == WAITING
    mails = {row.task_id: row.state for row in world.outbox()}
    assert {state for task_id, state in mails.items() if task_id == work.id} == {SKIPPED}
    workflow = load_case_run(world.session, closed).workflow
    assert workflow.is_completed() and not workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
    # (The opening event is stamped with the real time; these with the service clock.)
    at_close = [(e.kind, e.summary, e.actor) for e in list_events(world.session, case.id) if e.at == CLOSED]
    assert at_close == [("task_cancelled", "Opgaven 'Arbejde' blev annulleret", "lene"),
                        ("case_closed", "Sagen er lukket: Ingen bekymring fundet", "lene")]
    assert [e.kind for e in list_events(world.session, case.id)].count("case_closed") == 1
    assert "Familien" not in str([(e.summary, e.details) for e in list_events(world.session, case.id)])

    # Real SMTP: the open case's reminders go out, nothing about the closed one, then or later.
    world.send(at("2026-11-30T08:01:00+01:00"))
    assert len(world.server.raw) == 2
    assert all(case.reference not in m.get_body(("plain",)).get_content() for m in world.server.messages)
    world.server.clear()
    sweep(lambda: bound_session(connection), clock=lambda: at("2026-12-04T09:00:00+01:00"))  # past the timer
    world.run(at("2026-12-01T00:00:00+01:00"))
    world.run(at("2026-12-04T09:00:00+01:00"))
    sent = [m.get_body(("plain",)).get_content() for m in world.server.messages]
    assert sent and all(case.reference not in text for text in sent)  # only the open case's due/overdue mails
    world.session.expire_all()
    assert world.session.scalars(select(Task).where(Task.case_id == case.id, Task.state == READY)).all() == []
    assert {row.state for row in world.outbox() if row.task_id == work.id} == {SKIPPED}
    assert {row.state for row in world.outbox() if row.task_id != work.id} == {SENT}


def test_double_close_is_a_conflict_and_bad_input_changes_nothing(world):
    case = world.open("lukbar", OPENED, due=DUE)
    for reason, municipality, field in (("nope", None, "reason"), ("", None, "reason"),
                                        ("moved", None, "receiving_municipality"),
                                        ("moved", "  ", "receiving_municipality")):
        with pytest.raises(InvalidInput) as refused:
            _close(world, case, world.lead, reason, receiving_municipality=municipality)
        assert [d["field"] for d in refused.value.details] == [field]
        world.session.rollback()
    world.session.get(ClosingReason, "duplicate").active = False
    world.session.commit()
    with pytest.raises(InvalidInput):
        _close(world, case, world.lead, "duplicate")
    world.session.rollback()
    world.session.expire_all()
    assert world.session.get(Case, case.id).status == "open"
    assert world.task(case, "work").state == READY

    moved = _close(world, case, world.lead, "moved", receiving_municipality=" Aarhus Kommune ")
    assert (moved.closing_reason, moved.receiving_municipality, moved.closing_note) == ("moved", "Aarhus Kommune", None)
    with pytest.raises(Conflict):
        _close(world, case, world.lead)
    world.session.rollback()


def test_owner_closes_a_caseworker_who_is_not_owner_may_not_and_strangers_get_not_found(world):
    case = world.open("lukbar", OPENED, due=DUE)
    holder = create_user(world.session, "carl", "carl@kommune.example", ["modtagerteam"])
    owner = create_user(world.session, "olga", "olga@kommune.example", ["raadgiver-boern"])
    stranger = create_user(world.session, "sven", "sven@kommune.example", ["raadgiver-voksen"])
    tasks.claim(world.session, world.task(case, "work").id, holder)  # content access, not the owner
    world.session.get(Case, case.id).owner_id = owner.id
    world.session.commit()
    with pytest.raises(PermissionDenied):
        _close(world, case, holder)
    world.session.rollback()
    with pytest.raises(NotFound):
        _close(world, case, stranger)
    world.session.rollback()
    assert _close(world, case, owner, "measures_ended").closed_by_id == owner.id


def test_a_citizen_who_withdraws_closes_the_case_and_the_record_stays(world):
    case = world.open("lukbar", OPENED, due=DUE, name="Aisha", cpr="010203-1234")
    world.session.add(Consent(case_id=case.id, given_by="citizen", recipient_kind="police", scope="Alt",
                              purpose="Beskyttelse", given_at=OPENED, recorded_by="lene"))
    world.session.add(SafeContact(case_id=case.id, instructions="Spørg om hun er alene."))
    world.session.commit()
    closed = _close(world, case, world.lead, "citizen_withdrew", note="Borgeren ønsker ikke hjælp nu.")
    assert closed.closing_reason == "citizen_withdrew" and closed.erased_at is None
    world.session.expire_all()
    assert closing.start_data(world.session, closed) == {"due": DUE, "name": "Aisha", "cpr": "010203-1234"}
    assert world.session.get(SafeContact, case.id).instructions == "Spørg om hun er alene."
    assert world.session.scalars(select(Consent.scope).where(Consent.case_id == case.id)).one() == "Alt"
    closed_events = [e.summary for e in list_events(world.session, case.id) if e.kind == "case_closed"]
    assert closed_events == ["Sagen er lukket: Borgeren har trukket sig"]


def test_reopen_links_both_cases_and_runs_the_latest_version(world):
    case = world.open("lukbar", OPENED, due=DUE, name="Aisha")
    with pytest.raises(Conflict):  # still open
        closing.reopen_case(world.session, case.id, world.lead, clock=lambda: CLOSED)
    world.session.rollback()
    _close(world, case, world.lead, "no_concern")
    world.deploy(boundary("lukbar", "timeDuration", "P20D", False, due_date="due"))  # version 2
    owner = create_user(world.session, "olga", "olga@kommune.example", ["raadgiver-boern"])
    world.session.get(Case, case.id).owner_id = owner.id
    world.session.commit()
    caseworker = create_user(world.session, "carl", "carl@kommune.example", ["modtagerteam"])
    with pytest.raises(PermissionDenied):  # the owner manages the case, but only team leads reopen
        closing.reopen_case(world.session, case.id, owner, clock=lambda: CLOSED)
    world.session.rollback()
    with pytest.raises(NotFound):
        closing.reopen_case(world.session, case.id, caseworker, clock=lambda: CLOSED)
    world.session.rollback()

    later = at("2026-12-10T10:00:00+01:00")
    opened = closing.reopen_case(world.session, case.id, world.lead, clock=lambda: later)
    new = opened.case
    assert new.reopened_from_id == case.id and new.process_version.version == 2 and new.status == "open"
    assert new.owner_id == owner.id and new.opened_at == later and new.reference != case.reference
    assert [t.bpmn_id for t in opened.tasks] == ["work"]
    assert closing.start_data(world.session, new) == {"due": DUE, "name": "Aisha"}
    reopened = [(e.summary, e.at) for e in list_events(world.session, case.id) if e.kind == "case_reopened"]
    assert reopened == [(f"Sagen er genåbnet som {new.reference}", later)]
    continues = [e.summary for e in list_events(world.session, new.id) if e.kind == "case_reopened_from"]
    assert continues == [f"Genåbning af {case.reference}"]
    with pytest.raises(Conflict):  # reopened already, and the new case is open
        closing.reopen_case(world.session, case.id, world.lead, clock=lambda: later)
    world.session.rollback()


def test_reopen_with_new_data_and_an_inactive_owner(world):
    case = world.open("lukbar", OPENED, due=DUE)
    owner = create_user(world.session, "olga", "olga@kommune.example", ["raadgiver-boern"])
    world.session.get(Case, case.id).owner_id = owner.id
    owner.active = False
    world.session.commit()
    _close(world, case, world.lead)
    with pytest.raises(InvalidInput):
        closing.reopen_case(world.session, case.id, world.lead, data={"bad key": 1}, clock=lambda: CLOSED)
    world.session.rollback()
    new = closing.reopen_case(world.session, case.id, world.lead, data={"due": "2027-01-05T00:00:00+01:00"},
                              clock=lambda: CLOSED).case
    assert new.owner_id is None
    assert world.task(new, "work").due_at == at("2027-01-05T00:00:00+01:00")


def test_reopening_an_erased_case_needs_data(world):
    case = world.open("lukbar", OPENED, due=DUE)
    _close(world, case, world.lead)
    world.session.get(Case, case.id).erased_at = CLOSED
    world.session.commit()
    with pytest.raises(InvalidInput) as refused:
        closing.reopen_case(world.session, case.id, world.lead, clock=lambda: CLOSED)
    assert refused.value.details[0]["field"] == "data"
    world.session.rollback()
    assert closing.reopen_case(world.session, case.id, None, data={"due": DUE}, clock=lambda: CLOSED).case


def test_closing_reasons_are_the_active_ones_in_order(db_session):
    keys = [reason.key for reason in closing.closing_reasons(db_session)]
    assert {"no_concern", "citizen_withdrew", "moved", "measures_ended", "duplicate", "other_authority"} == set(keys)
    assert [r.key for r in closing.closing_reasons(db_session) if r.needs_municipality] == ["moved"]
    db_session.get(ClosingReason, "duplicate").active = False
    db_session.commit()
    assert "duplicate" not in [reason.key for reason in closing.closing_reasons(db_session)]
    assert "duplicate" in [reason.key for reason in closing.closing_reasons(db_session, active_only=False)]


def test_a_case_the_workflow_finished_counts_as_closed(db_session):
    lead = create_user(db_session, "lene", "lene@kommune.example", ["teamleder", "modtagerteam"])
    deploy(db_session, boundary("kort", "timeDuration", "P10D", False), actor=lead)
    case = open_case(db_session, "kort", {}, lead, clock=lambda: OPENED).case
    work = db_session.scalars(select(Task).where(Task.case_id == case.id)).one()
    tasks.complete(db_session, work.id, {}, lead, clock=lambda: OPENED)
    assert db_session.get(Case, case.id).status == "closed"
    with pytest.raises(Conflict):
        closing.close_case(db_session, case.id, lead, "no_concern", clock=lambda: CLOSED)
