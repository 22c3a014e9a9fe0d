"""The access rule in SQL (engine.cases.visibility) agrees with need_to_know.access_to for every
relation, and a case list never holds a case the rule would 404 (both databases).

One user per relation of docs/access.md, plus the edges: a membership past its `until`, a
break-glass access before and after it runs out, an administrator who is also a candidate, a task
someone else holds. Every instant comes from a fixed clock; no test depends on today's date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import case, select

from engine.cases.closing import close_case
from engine.cases.members import add_member
from engine.cases.models import BreakGlass, Case
from engine.cases.need_to_know import access_to
from engine.cases.owner import set_owner
from engine.cases.search import CaseQuery, search_cases
from engine.cases.service import open_case
from engine.cases.visibility import CASES, access_of, rule_sql
from engine.process_models.service import deploy
from engine.tasks import service as tasks
from engine.users.service import create_user
from tests.api.helpers import DATA

T0 = datetime.fromisoformat("2026-11-23T10:00:00+01:00")
LATER = datetime.fromisoformat("2026-12-02T10:00:00+01:00")  # memberships until 1 Dec and the glass ended
GROUPS = {"owner": ["raadgiver-boern"], "member": ["raadgiver-voksen"], "ended": ["raadgiver-voksen"],
          "assignee": ["modtagerteam"], "candidate": ["raadgiver-boern"], "knowledge": ["vidensperson"],
          "lead": ["teamleder"], "done": ["modtagerteam"], "admin": ["admin"],
          "admin_candidate": ["admin", "raadgiver-boern"], "glass": ["raadgiver-voksen"],
          "stranger": ["raadgiver-voksen"], "nobody": []}


@pytest.fixture
def world(db_session):
    """Three cases of tests/data/matrix.bpmn: a worked one with every relation, a fresh one whose
    intake waits for the reception team, and a closed one."""
    session = db_session
    users = {name: create_user(session, f"v-{name}", f"v-{name}@example.invalid", groups)
             for name, groups in GROUPS.items()}
    session.commit()
    deploy(session, (DATA / "matrix.bpmn").read_bytes(), actor=users["lead"], filename="matrix.bpmn")
    clock = lambda: T0 - timedelta(hours=1)  # noqa: E731
    worked = open_case(session, "matrix", {}, users["done"], clock)
    ready = tasks.complete(session, worked.tasks[0].id, {}, users["done"], clock)
    tasks.claim(session, next(t.id for t in ready if t.bpmn_id == "a"), users["assignee"], clock)
    set_owner(session, worked.case.id, "v-owner", users["lead"], clock)
    add_member(session, worked.case.id, "v-member", "caseworker", None, users["lead"], clock)
    add_member(session, worked.case.id, "v-ended", "caseworker", date(2026, 12, 1), users["lead"], clock)
    add_member(session, worked.case.id, "v-knowledge", "knowledge_person", None, users["lead"], clock)
    session.add(BreakGlass(case_id=worked.case.id, user_id=users["glass"].id, reason="Politiet ringer om natten",
                           at=T0 - timedelta(hours=1), expires_at=T0 + timedelta(hours=11)))
    session.commit()
    fresh = open_case(session, "matrix", {}, users["lead"], clock)
    closed = open_case(session, "matrix", {}, users["lead"], clock)
    set_owner(session, closed.case.id, "v-owner", users["lead"], clock)
    close_case(session, closed.case.id, users["lead"], "duplicate", clock=clock)
    return users, [worked.case.id, fresh.case.id, closed.case.id]


def _sql_view(session, user, now):
    """{case id: (relations, content, triage)} as the SQL rule sees every case it lists: the header
    clause's id lists, the per-row flags (visibility.access_of), and the content and triage clauses."""
    rule = rule_sql(user, now)
    rows = session.execute(select(CASES.c.id, CASES.c.owner_id, *rule.flags(),
                                  case((rule.content(), True), else_=False).label("content"),
                                  case((rule.triage(), True), else_=False).label("triage"))
                           .where(rule.header()))
    view = {}
    for row in rows:
        access = access_of(rule, row.owner_id, row)
        assert (access.content, access.safe_contact) == (bool(row.content), bool(row.triage))
        view[row.id] = (access.relations, access.content, access.safe_contact)
    return view


@pytest.mark.parametrize("now", [T0, LATER], ids=["during", "after"])
def test_the_sql_rule_agrees_with_access_to_for_every_relation_and_case(db_session, world, now):
    users, case_ids = world
    for name, user in users.items():
        sql = _sql_view(db_session, user, now)
        for case_id in case_ids:
            access = access_to(db_session, db_session.get(Case, case_id), user, now)
            expected = (access.relations, access.content, access.safe_contact) if access.header else None
            assert sql.get(case_id) == expected, (name, now, case_id)


def test_the_relations_behind_the_agreement_are_the_ones_intended(db_session, world):
    """Guards the fixture: each user has the relation the name says, to the worked case."""
    users, (worked, fresh, _closed) = world
    sql = _sql_view(db_session, users["owner"], T0)
    strongest = {name: _sql_view(db_session, user, T0).get(worked, ((None,),))[0][0] for name, user in users.items()}
    assert strongest == {"owner": "owner", "member": "caseworker", "ended": "caseworker", "assignee": "assignee",
                         "candidate": "candidate", "knowledge": "knowledge_person", "lead": "team_lead",
                         "done": None, "admin": "admin", "admin_candidate": "candidate", "glass": "break_glass",
                         "stranger": None, "nobody": None}
    assert sql[worked][1] and worked in sql and fresh not in sql
    later = {name: _sql_view(db_session, user, LATER).get(worked, ((None,),))[0][0] for name, user in users.items()}
    assert later["ended"] is None and later["glass"] is None
    assert _sql_view(db_session, users["done"], T0)[fresh][0] == ("candidate",)  # the fresh intake waits for them
    assert _sql_view(db_session, users["admin_candidate"], T0)[worked][0] == ("candidate", "admin")


@pytest.mark.parametrize("scope", ["mine", "team", "all"])
def test_no_list_ever_holds_a_case_the_rule_would_404(db_session, world, scope):
    users, _case_ids = world
    for name, user in users.items():
        if scope == "all" and not user.in_any("teamleder", "admin"):
            continue
        for status in ("open", "closed", "any"):
            page = search_cases(db_session, user, CaseQuery(scope=scope, status=status, per_page=100), T0)
            for row in page.items:
                access = access_to(db_session, db_session.get(Case, row.id), user, T0)
                assert access.header, (name, scope, row.reference)
                assert (row.relation, row.content) == (access.relations[0], access.content)
                assert (row.risk_level is None and row.acute is None) or access.safe_contact
            assert page.total == len(page.items)


def test_mine_and_team_hold_what_the_docs_say(db_session, world):
    users, (worked, fresh, closed) = world

    def listed(name, scope, status="any"):
        page = search_cases(db_session, users[name], CaseQuery(scope=scope, status=status), T0)
        return {row.id for row in page.items}

    assert listed("owner", "mine") == {worked, closed}
    assert listed("owner", "mine", "open") == {worked}
    assert listed("member", "mine") == listed("knowledge", "mine") == {worked}
    assert listed("assignee", "mine") == set()  # holding a task is the inbox's business
    assert listed("candidate", "team") == {worked}  # the waiting task "b" is the children's team's work
    assert listed("done", "team") == {fresh}  # reception: the fresh intake; not the worked case (404)
    assert listed("stranger", "team") == listed("stranger", "mine") == set()
    assert listed("lead", "all") == {worked, fresh, closed}
