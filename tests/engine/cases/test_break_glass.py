"""Break the glass in the engine: a limited, logged emergency access with mails to the team leads.

Every instant comes from a fixed clock; no test depends on today's date.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.cases.access import CaseAccess, access_log
from engine.cases.break_glass import break_glass, check_reason
from engine.cases.models import BreakGlass, CaseEvent
from engine.cases.need_to_know import access_to
from engine.cases.service import open_case
from engine.config import ConfigError, Settings
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.notifications.models import BREAK_GLASS, QUEUED, OutboxMail
from engine.process_models.service import deploy
from engine.users.service import create_user
from tests.api.helpers import DATA

T0 = datetime.fromisoformat("2026-11-23T10:00:00+01:00")
REASON = "Politiet ringer kl. 22 om Aisha Khan-Jensen; sagsbehandleren er syg"
CITIZEN = {"citizen_name": "Aisha Khan-Jensen", "cpr": "010203-1234", "address": "Nørrebrogade 117, 2. th"}


@pytest.fixture
def world(db_session, settings):
    session = db_session
    lead = create_user(session, "lene", "lene@kommune.example", ["teamleder"])
    create_user(session, "leif", "leif@kommune.example", ["teamleder", "admin"]).locale = "en"
    create_user(session, "vagt", "vagt@kommune.example", ["vagtleder"])  # the escalation group below
    create_user(session, "gone", "gone@kommune.example", ["teamleder"]).active = False
    outsider = create_user(session, "rita", "rita@kommune.example", ["raadgiver-voksen"])
    reception = create_user(session, "mona", "mona@kommune.example", ["modtagerteam"])
    admin = create_user(session, "ada", "ada@kommune.example", ["admin"])
    session.commit()
    deploy(session, (DATA / "review.bpmn").read_bytes(), actor=lead)
    case = open_case(session, "review", CITIZEN, lead, clock=lambda: T0 - timedelta(hours=1)).case
    config = replace(settings, base_url="https://casepath.kommune.example", escalation_group="vagtleder")
    return {"session": session, "case": case, "lead": lead, "outsider": outsider, "reception": reception,
            "admin": admin, "settings": config}


def _counts(session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(model))
                 for model in (BreakGlass, CaseAccess, CaseEvent, OutboxMail))


def test_breaking_the_glass_opens_the_case_for_the_configured_hours(world):
    session, case, rita = world["session"], world["case"], world["outsider"]
    assert not access_to(session, case, rita, T0).header
    given = break_glass(session, case.id, rita, f"  {REASON}  ", settings=world["settings"], clock=lambda: T0)
    assert (given.case_id, given.reference, given.at) == (case.id, case.reference, T0)
    assert given.expires_at == T0 + timedelta(hours=12)
    during = access_to(session, case, rita, T0 + timedelta(hours=12) - timedelta(seconds=1))
    assert during.content and during.case_work and during.purpose == "break_glass" and during.reason == REASON
    after = access_to(session, case, rita, T0 + timedelta(hours=12, seconds=1))
    assert not after.header and after.reason is None
    row = session.scalars(select(BreakGlass).where(BreakGlass.case_id == case.id)).one()
    assert (row.user_id, row.reason, row.at, row.expires_at) == (rita.id, REASON, T0, T0 + timedelta(hours=12))


def test_the_break_is_logged_with_its_reason_and_the_timeline_has_no_reason(world):
    session, case, rita = world["session"], world["case"], world["outsider"]
    break_glass(session, case.id, rita, REASON, channel="ui", settings=world["settings"], clock=lambda: T0)
    log = [r for r in access_log(session, case.id, world["lead"], T0) if r.kind == "break_glass"]
    assert [(r.username, r.channel, r.purpose, r.reason, r.at) for r in log] == [
        ("rita", "ui", "break_glass", REASON, T0)]
    event = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                    CaseEvent.kind == "break_glass")).one()
    assert event.actor == "rita" and event.at == T0
    assert event.summary == "Nødadgang (break the glass) for rita indtil mandag 23. november 2026 kl. 22.00"
    assert event.details["expires_at"] == (T0 + timedelta(hours=12)).isoformat()
    for word in ("Aisha", "Politiet", "syg"):
        assert word not in event.summary and word not in str(event.details)


def test_the_team_leads_are_mailed_without_personal_data(world):
    session, case, rita = world["session"], world["case"], world["outsider"]
    given = break_glass(session, case.id, rita, REASON, settings=world["settings"], clock=lambda: T0)
    assert given.told == 3
    rows = sorted(session.scalars(select(OutboxMail).where(OutboxMail.case_id == case.id)), key=lambda r: r.to_addr)
    # Both team leads and the escalation group; never the deactivated lead nor the user who broke the glass.
    assert [r.to_addr for r in rows] == ["leif@kommune.example", "lene@kommune.example", "vagt@kommune.example"]
    assert {(r.kind, r.state, r.task_id, r.due_at, r.next_attempt_at) for r in rows} == {
        (BREAK_GLASS, QUEUED, None, T0, T0)}
    leif, lene = rows[0], rows[1]
    assert lene.subject == f"Nødadgang til sag {case.reference}"
    assert leif.subject == f"Emergency access to case {case.reference}" and leif.locale == "en"
    link = f"https://casepath.kommune.example/sager/{case.id}"
    assert "rita har brugt nødadgang" in lene.body_text and "mandag 23. november 2026 kl. 10.00" in lene.body_text
    assert "til mandag 23. november 2026 kl. 22.00" in lene.body_text and link in lene.body_text
    assert "Monday 23 November 2026 at 10:00" in leif.body_text and link in leif.body_html
    for row in rows:
        for text in (row.subject, row.body_text, row.body_html):
            for secret in ("Aisha", "Khan", "010203", "Nørrebrogade", "Politiet", REASON):
                assert secret not in text


@pytest.mark.parametrize("reason", ["", "   ", "for kort", "  ni tegn!  ", None, 42, "x" * 2001])
def test_a_missing_short_or_long_reason_records_nothing(world, reason):
    session = world["session"]
    before = _counts(session)
    with pytest.raises(InvalidInput) as raised:
        break_glass(session, world["case"].id, world["outsider"], reason, settings=world["settings"],
                    clock=lambda: T0)
    assert raised.value.details[0]["field"] == "reason"
    session.rollback()
    assert _counts(session) == before
    assert not access_to(session, world["case"], world["outsider"], T0).header


def test_reason_limits_count_characters_after_stripping():
    assert check_reason("  " + "x" * 10 + "\n") == "x" * 10
    assert check_reason("æ" * 2000) == "æ" * 2000
    with pytest.raises(InvalidInput, match="at least 10"):
        check_reason(" " + "x" * 9 + " ")


def test_someone_with_access_gets_a_conflict(world):
    session, case = world["session"], world["case"]
    with pytest.raises(Conflict):
        break_glass(session, case.id, world["lead"], REASON, settings=world["settings"], clock=lambda: T0)
    rita = world["outsider"]
    break_glass(session, case.id, rita, REASON, settings=world["settings"], clock=lambda: T0)
    with pytest.raises(Conflict, match="already have access"):  # a second click during the access
        break_glass(session, case.id, rita, REASON, settings=world["settings"], clock=lambda: T0 + timedelta(hours=1))
    session.rollback()
    later = T0 + timedelta(hours=13)  # after it ran out, the glass can be broken again
    assert break_glass(session, case.id, rita, REASON, settings=world["settings"], clock=lambda: later).at == later


def test_candidates_and_administrators_may_break_the_glass(world):
    session, case = world["session"], world["case"]
    for user in (world["reception"], world["admin"]):  # header only, no content
        assert access_to(session, case, user, T0).header and not access_to(session, case, user, T0).content
        break_glass(session, case.id, user, REASON, settings=world["settings"], clock=lambda: T0)
        assert access_to(session, case, user, T0).content


def test_a_missing_case_and_an_inactive_user_are_refused(world):
    session = world["session"]
    with pytest.raises(NotFound):
        break_glass(session, uuid.uuid4(), world["outsider"], REASON, settings=world["settings"], clock=lambda: T0)
    world["outsider"].active = False
    with pytest.raises(PermissionDenied):
        break_glass(session, world["case"].id, world["outsider"], REASON, settings=world["settings"],
                    clock=lambda: T0)


def test_the_period_is_a_setting(world):
    one_hour = replace(world["settings"], break_glass_hours=1)
    given = break_glass(world["session"], world["case"].id, world["outsider"], REASON, settings=one_hour,
                        clock=lambda: T0)
    assert given.expires_at == T0 + timedelta(hours=1)
    base = {"CASEPATH_ENV": "testing"}
    assert Settings.from_env(base).break_glass_hours == 12
    assert Settings.from_env({**base, "CASEPATH_BREAK_GLASS_HOURS": "72"}).break_glass_hours == 72
    for wrong in ("0", "73", "-1"):
        with pytest.raises(ConfigError, match="CASEPATH_BREAK_GLASS_HOURS"):
            Settings.from_env({**base, "CASEPATH_BREAK_GLASS_HOURS": wrong})


def test_access_log_is_for_team_leads_and_administrators(world):
    session, case = world["session"], world["case"]
    break_glass(session, case.id, world["outsider"], REASON, settings=world["settings"], clock=lambda: T0)
    for reader in (world["lead"], world["admin"], None):
        rows = access_log(session, case.id, reader, T0)
        assert [(r.purpose, r.reason) for r in rows if r.kind == "break_glass"] == [("break_glass", REASON)]
    with pytest.raises(PermissionDenied):  # knows the case (a waiting task), may not read its log
        access_log(session, case.id, world["reception"], T0)
    with pytest.raises(PermissionDenied):  # during the break-glass access: the case, not its log
        access_log(session, case.id, world["outsider"], T0)
    stranger = create_user(session, "sif", "sif@kommune.example", ["raadgiver-boern"])
    with pytest.raises(NotFound):
        access_log(session, case.id, stranger, T0)
    with pytest.raises(NotFound):
        access_log(session, uuid.uuid4(), world["lead"], T0)
