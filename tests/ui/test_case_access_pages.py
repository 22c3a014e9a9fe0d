"""The need-to-know rule over every UI page that takes a case or a task: one signed-in user per relation
(docs/access.md), on both databases; then the case page's owner and member forms.

The rows of MATRIX are the pages, the columns the relations; each cell is the status the user gets
(302: the form was accepted and the page redirects). tests/api/test_access_matrix.py does the same
for the API, on the same diagram. The app's clock is fixed (service_clock).
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cases.access import CaseAccess
from engine.cases.attachments import add_attachment
from engine.cases.members import add_member
from engine.cases.models import Case
from engine.cases.owner import set_owner
from engine.cases.service import open_case
from engine.consent.service import record_consent, set_safe_contact
from engine.process_models.service import deploy
from engine.tasks import service as tasks
from tests.api.record_helpers import PDF
from tests.ui.helpers import csrf_token, login, make_user, post, text

T0 = "2026-11-23T10:00:00+01:00"
MATRIX_BPMN = Path(__file__).resolve().parents[1] / "data" / "matrix.bpmn"
RELATIONS = ("owner", "member", "assignee", "candidate", "knowledge", "lead", "done", "admin", "stranger")
GROUPS = {"owner": ["raadgiver-boern"], "member": ["raadgiver-voksen"], "assignee": ["modtagerteam"],
          "candidate": ["raadgiver-boern"], "knowledge": ["vidensperson"], "lead": ["teamleder"],
          "done": ["modtagerteam"], "admin": ["admin"], "stranger": ["raadgiver-voksen"]}
CONTACT = "Spørg, om hun er alene, før samtalen begynder."
CONSENT = {"given_by": "citizen", "recipient_kind": "police", "scope": "Trusler", "purpose": "Sikkerhedsplan"}
# page -> expected status per relation, in the order of RELATIONS.
MATRIX = {
    ("GET", "/sager/{case}"): (200, 200, 200, 200, 200, 200, 404, 200, 404),
    ("GET", "/sager?visning=alle&status=alle"): (200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/sager/{case}/diagram.bpmn"): (200, 200, 200, 403, 403, 200, 404, 403, 404),
    ("GET", "/opgaver/{held}"): (200, 200, 200, 403, 403, 200, 404, 403, 404),
    ("GET", "/opgaver/{waiting}"): (200, 200, 200, 200, 403, 200, 404, 403, 404),
    ("GET", "/opgaver/{completed}"): (200, 200, 200, 403, 403, 200, 404, 403, 404),
    ("POST", "/sager/{case}/samtykker"): (302, 302, 403, 403, 403, 302, 404, 403, 404),
    ("POST", "/sager/{case}/samtykker/{consent}/tilbagekald"): (302, 302, 403, 403, 403, 302, 404, 403, 404),
    ("POST", "/sager/{case}/sikker-kontakt"): (302, 302, 403, 403, 403, 302, 404, 403, 404),
    ("POST", "/sager/{case}/sagsbehandler"): (403, 403, 403, 403, 403, 302, 404, 403, 404),
    ("POST", "/sager/{case}/tilknyttede"): (302, 403, 403, 403, 403, 302, 404, 403, 404),
    ("POST", "/sager/{case}/tilknyttede/m-extra/fjern"): (302, 403, 403, 403, 403, 302, 404, 403, 404),
    # A draft is its author's: only the one who may complete the task keeps one (JSON, 409 once ended).
    ("PUT", "/opgaver/{held}/kladde"): (403, 403, 200, 403, 403, 403, 404, 403, 404),
    ("PUT", "/opgaver/{waiting}/kladde"): (200, 403, 403, 200, 403, 403, 404, 403, 404),
    ("PUT", "/opgaver/{completed}/kladde"): (409, 409, 409, 403, 403, 409, 404, 403, 404),
    # A consent from the task's dialog: its worker, if they may work the case (the matrix tasks share
    # nothing, so the owner, who may, gets 422 for a recipient the task does not share with).
    ("POST", "/opgaver/{waiting}/samtykke"): (422, 403, 403, 403, 403, 403, 404, 403, 404),
    ("POST", "/opgaver/{held}/samtykke"): (403, 403, 403, 403, 403, 403, 404, 403, 404),
    ("POST", "/sager/{case}/notater"): (302, 302, 403, 403, 403, 302, 404, 403, 404),
    ("POST", "/sager/{case}/bilag"): (302, 302, 403, 403, 403, 302, 404, 403, 404),
    ("GET", "/sager/{case}/bilag/{attachment}"): (200, 200, 200, 403, 403, 200, 404, 403, 404),
    ("GET", "/sager/{case}/eksport.pdf"): (200, 200, 200, 403, 403, 200, 404, 403, 404),
    # Persons and family links on the case page (issue 13): case work (no case has reference "x": 422).
    ("POST", "/sager/{case}/personer"): (302, 302, 403, 403, 403, 302, 404, 403, 404),
    ("POST", "/sager/{case}/familie"): (422, 422, 403, 403, 403, 422, 404, 403, 404),
    # No such signal or family link of the case (fixed id): 404 once the rule lets one in.
    ("POST", "/sager/{case}/signaler/00000000-0000-4000-8000-000000000000/aabn"):
        (404, 404, 403, 403, 403, 404, 404, 403, 404),
    ("POST", "/sager/{case}/familie/00000000-0000-4000-8000-000000000000/fjern"):
        (404, 404, 403, 403, 403, 404, 404, 403, 404),
    # Acute danger, a new risk assessment, moving (issue 14): the matrix diagram offers none of them,
    # so those the rule lets in are sent back to the case page with a message (302).
    ("POST", "/sager/{case}/akut-fare"): (302, 302, 302, 403, 403, 302, 404, 403, 404),
    ("POST", "/sager/{case}/ny-risikovurdering"): (302, 302, 302, 403, 403, 302, 404, 403, 404),
    ("POST", "/sager/{case}/flytning"): (302, 302, 302, 403, 403, 302, 404, 403, 404),
}
BODIES = {
    "/sager/{case}/samtykker": CONSENT,
    "/sager/{case}/sikker-kontakt": {"instructions": CONTACT, "no_voicemail": "true"},
    "/sager/{case}/sagsbehandler": {"owner_username": "m-owner"},
    "/sager/{case}/tilknyttede": {"member_username": "m-extra", "member_role": "knowledge_person"},
    "/opgaver/{waiting}/samtykke": {f"samtykke_{key}": value for key, value in CONSENT.items()},
    "/opgaver/{held}/samtykke": {f"samtykke_{key}": value for key, value in CONSENT.items()},
    "/sager/{case}/notater": {"note_text": "Et notat"},
    "/sager/{case}/bilag": lambda: {"file": (io.BytesIO(PDF), "a.pdf")},  # a fresh file for each post
    "/sager/{case}/personer": {"person_name": "Sara", "person_role": "involved", "person_relation": "sibling"},
    "/sager/{case}/familie": {"reference": "x"},
    "/sager/{case}/signaler/00000000-0000-4000-8000-000000000000/aabn": {"justification": "Koordinering af hjælpen"},
    "/sager/{case}/akut-fare": {"reason": "Trusler mod den unge i dag"},
    "/sager/{case}/ny-risikovurdering": {"reason": "Trusler mod den unge i dag"},
    "/sager/{case}/flytning": {"reason": "Familien flytter til Aarhus"},
}


@pytest.fixture
def world(db_session, service_clock):
    """One case of tests/data/matrix.bpmn with every relation: (users by relation, ids by placeholder).

    m-done completed the intake; m-assignee holds task "a" (reception); task "b" waits for the
    children's caseworkers (m-candidate); m-owner owns the case; m-member is a caseworker member and
    m-knowledge a knowledge person; m-extra is a member someone may take off again."""
    service_clock.set(T0)
    at = datetime.fromisoformat(T0) - timedelta(hours=1)
    users = {relation: make_user(db_session, f"m-{relation}", *GROUPS[relation]) for relation in RELATIONS}
    extra = make_user(db_session, "m-extra", "raadgiver-boern")
    deploy(db_session, MATRIX_BPMN.read_bytes(), actor=users["lead"], filename="matrix.bpmn")

    def clock() -> datetime:
        return at

    opened = open_case(db_session, "matrix", {"risk_level": "high", "threats_or_violence": True}, users["done"], clock)
    intake = opened.tasks[0]
    ready = tasks.complete(db_session, intake.id, {}, users["done"], clock)
    held = next(t for t in ready if t.bpmn_id == "a")
    waiting = next(t for t in ready if t.bpmn_id == "b")
    tasks.claim(db_session, held.id, users["assignee"], clock)
    case_id = opened.case.id
    set_owner(db_session, case_id, "m-owner", users["lead"], clock)
    add_member(db_session, case_id, "m-member", "caseworker", None, users["lead"], clock)
    add_member(db_session, case_id, "m-knowledge", "knowledge_person", None, users["lead"], clock)
    add_member(db_session, case_id, extra.username, "knowledge_person", None, users["lead"], clock)
    set_safe_contact(db_session, case_id, users["owner"], clock, instructions=CONTACT, ask_if_alone=True)
    consent = record_consent(db_session, case_id, users["owner"], clock=clock, **CONSENT)
    attachment = add_attachment(db_session, case_id, users["owner"], "a.pdf", PDF, max_bytes=1024, clock=clock)
    ids = {"case": case_id, "held": held.id, "waiting": waiting.id, "completed": intake.id, "consent": consent.id,
           "attachment": attachment.id}
    return users, ids


def _client(app, username: str):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def test_each_relation_gets_what_the_rule_says(app, world):
    """Every page in MATRIX for every relation; the forms do not change anyone's relation, so one
    signed-in client per relation walks them all in order (the reads first)."""
    _users, ids = world
    clients = {relation: _client(app, f"m-{relation}") for relation in RELATIONS}
    got = {}
    for method, page in MATRIX:
        url = page.format(**ids)
        statuses = []
        for relation in RELATIONS:
            client = clients[relation]
            if method == "PUT":  # the pages' JSON endpoints, with the CSRF token in a header as the scripts send it
                response = client.put(url, json={"data": {}}, headers={"X-CSRFToken": csrf_token(client, "/profil")})
            else:
                body = BODIES.get(page, {})
                response = client.get(url) if method == "GET" else post(client, url, body() if callable(body) else body)
            statuses.append(response.status_code)
        got[(method, page)] = tuple(statuses)
    assert got == MATRIX


def test_the_case_page_shows_the_content_only_to_those_who_may_read_it(app, db_session, world):
    users, ids = world
    seen = {}
    for relation in ("owner", "member", "assignee", "candidate", "knowledge", "lead", "admin"):
        html = text(_client(app, f"m-{relation}").get(f"/sager/{ids['case']}"))
        seen[relation] = {
            "safe contact": CONTACT in html, "timeline": 'id="timeline-title"' in html,
            "consents": "Sikkerhedsplan" in html, "diagram": 'id="diagram"' in html,
            "risk": "Høj" in html and "trusler, vold eller overgreb" in html,
            "owner": "m-owner" in html, "deadlines": 'id="deadlines-title"' in html,
            "members": "m-knowledge" in html, "digest": "Anonymiseret resumé" in html,
            "consent form": "Registrér et samtykke" in html, "owner form": 'name="owner_username"' in html,
            "member form": 'name="member_username"' in html, "close": f'action="/sager/{ids["case"]}/luk"' in html,
            "break glass": f'href="/sager/{ids["case"]}/noedadgang"' in html,
        }
    full = {"safe contact": True, "timeline": True, "consents": True, "diagram": True, "risk": True, "owner": True,
            "deadlines": True, "members": True, "digest": False, "break glass": False}
    header = {**full, "safe contact": False, "timeline": False, "consents": False, "diagram": False, "risk": False,
              "break glass": True, "consent form": False, "owner form": False, "member form": False, "close": False}
    assert seen["owner"] == {**full, "consent form": True, "owner form": False, "member form": True, "close": True}
    assert seen["member"] == {**full, "consent form": True, "owner form": False, "member form": False, "close": False}
    assert seen["assignee"] == {**full, "consent form": False, "owner form": False, "member form": False,
                                "close": False}
    assert seen["lead"] == {**full, "consent form": True, "owner form": True, "member form": True, "close": True}
    assert seen["candidate"] == {**header, "safe contact": True}
    assert seen["knowledge"] == {**header, "digest": True}
    assert seen["admin"] == header
    candidate = text(_client(app, "m-candidate").get(f"/sager/{ids['case']}"))
    assert f'href="/opgaver/{ids["waiting"]}">Samtale</a>' in candidate  # their task, with a claim button
    assert f'action="/opgaver/{ids["waiting"]}/tag"' in candidate
    assert "Som administrator ser du kun sagens overblik" in text(_client(app, "m-admin").get(f"/sager/{ids['case']}"))
    knowledge = text(_client(app, "m-knowledge").get(f"/sager/{ids['case']}"))
    assert "Du er tilknyttet sagen som vidensperson." in knowledge
    assert "Der er endnu ingen svar i sagen." in knowledge  # the test diagram has no forms: nothing to show
    # Each page is a read, logged with the purpose of the strongest relation.
    purposes = {(a.username, a.kind, a.purpose) for a in db_session.scalars(
        select(CaseAccess).where(CaseAccess.case_id == ids["case"], CaseAccess.channel == "ui"))}
    assert {("m-owner", "read_case", "owner_work"), ("m-member", "read_case", "case_work"),
            ("m-assignee", "read_case", "task"), ("m-candidate", "read_case", "task"),
            ("m-knowledge", "read_digest", "digest"), ("m-lead", "read_case", "supervision"),
            ("m-admin", "read_case", "administration")} <= purposes


def test_a_case_without_a_relation_is_the_404_of_a_missing_case_with_the_way_to_break_the_glass(app, db_session,
                                                                                               world):
    _users, ids = world
    client = _client(app, "m-stranger")
    hidden, missing_id = client.get(f"/sager/{ids['case']}"), uuid.uuid4()
    missing = client.get(f"/sager/{missing_id}")
    assert hidden.status_code == missing.status_code == 404
    assert text(hidden).replace(str(ids["case"]), "ID") == text(missing).replace(str(missing_id), "ID")
    assert "Siden findes ikke" in text(hidden) and "Skal du handle nu?" in text(hidden)
    assert f'<a href="/sager/{ids["case"]}/noedadgang">Brug nødadgang</a>' in text(hidden)
    # The reference search tells nothing: the same list and message as for an unknown reference, no link.
    known = db_session.get(Case, ids["case"]).reference
    reference = client.get(f"/sager?sag={known}", follow_redirects=True)
    unknown = client.get("/sager?sag=2026-999999", follow_redirects=True)
    assert "Sagen findes ikke, eller du har ikke adgang til den." in text(reference)
    assert text(reference).replace(known, "REF") == text(unknown).replace("2026-999999", "REF")
    assert "noedadgang" not in text(reference) and str(ids["case"]) not in text(reference)
    assert client.get("/sager/ikke-et-id").status_code == 404


def test_breaking_the_glass_shows_the_whole_case_with_a_notice(app, world):
    _users, ids = world
    client = _client(app, "m-stranger")
    assert post(client, f"/sager/{ids['case']}/noedadgang", {"reason": "Politiet ringer, sagsbehandleren er syg"}
                ).status_code == 302
    html = text(client.get(f"/sager/{ids['case']}"))
    assert "Du ser sagen med nødadgang." in html and CONTACT in html and 'id="timeline-title"' in html


def test_the_team_lead_sets_the_owner_from_the_list_with_danish_errors(app, db_session, world):
    users, ids = world
    make_user(db_session, "m-raadgiver2", "raadgiver-boern")
    lead = _client(app, "m-lead")
    page = text(lead.get(f"/sager/{ids['case']}"))
    select_html = page.split('name="owner_username"', 1)[1].split("</select>", 1)[0]
    assert '<option value="m-owner" selected>' in select_html and '<option value="m-raadgiver2">' in select_html
    assert 'value="m-assignee"' not in select_html  # reception is not an owner group
    empty = post(lead, f"/sager/{ids['case']}/sagsbehandler", {"owner_username": ""})
    assert empty.status_code == 422 and 'id="f-owner_username-error"' in text(empty)
    assert "Feltet skal udfyldes." in text(empty) and "Sagsbehandleren blev ikke gemt." in text(empty)
    unsuitable = post(lead, f"/sager/{ids['case']}/sagsbehandler", {"owner_username": "m-assignee"})
    assert unsuitable.status_code == 422
    assert "Brugeren er ikke rådgiver i en gruppe, der kan eje sager." in text(unsuitable)
    unknown = post(lead, f"/sager/{ids['case']}/sagsbehandler", {"owner_username": "findes-ikke"})
    assert unknown.status_code == 422 and "Ukendt eller inaktiv bruger." in text(unknown)
    done = post(lead, f"/sager/{ids['case']}/sagsbehandler", {"owner_username": "m-raadgiver2"},
                follow_redirects=True)
    assert "m-raadgiver2 er nu sagsbehandler på sagen." in text(done)
    overview = text(done).split('id="overblik"', 1)[1].split("</section>", 1)[0]
    assert "<dt>Sagsbehandler</dt>" in overview and "<strong>m-raadgiver2</strong>" in overview
    db_session.expire_all()
    assert db_session.get(Case, ids["case"]).owner.username == "m-raadgiver2"
    # The old owner keeps only what their group's waiting task gives: the header and the safe contact.
    old = text(_client(app, "m-owner").get(f"/sager/{ids['case']}"))
    assert CONTACT in old and 'id="timeline-title"' not in old and "Opgave til din gruppe" in old


def test_the_owner_adds_and_removes_members_with_danish_dates_and_errors(app, db_session, world, service_clock):
    _users, ids = world
    owner = _client(app, "m-owner")
    url = f"/sager/{ids['case']}/tilknyttede"
    past = post(owner, url, {"member_username": "m-stranger", "member_role": "caseworker",
                             "member_until": "2026-11-22"})
    assert past.status_code == 422 and "Datoen må ikke ligge i fortiden." in text(past)
    assert "Medarbejderen blev ikke tilknyttet." in text(past) and '<option value="m-stranger" selected>' in text(past)
    bad = post(owner, url, {"member_username": "m-stranger", "member_role": "chef", "member_until": "31-12-2026"})
    assert bad.status_code == 422 and "Skal være en gyldig dato (ÅÅÅÅ-MM-DD)." in text(bad)
    added = post(owner, url, {"member_username": "m-stranger", "member_role": "caseworker",
                              "member_until": "2026-12-31"}, follow_redirects=True)
    assert "m-stranger er tilknyttet sagen som rådgiver." in text(added)
    row = text(added).split('id="people-title"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"m-stranger</td>\s*<td>Rådgiver</td>\s*<td><time datetime=\"2026-12-31\">31\. dec\. 2026</time>",
                     row)
    stranger = _client(app, "m-stranger")
    assert stranger.get(f"/sager/{ids['case']}").status_code == 200  # a member now: the content
    service_clock.set("2027-01-01T08:00:00+01:00")  # the membership ran out with the 31st
    assert stranger.get(f"/sager/{ids['case']}").status_code == 404
    expired = text(owner.get(f"/sager/{ids['case']}")).split('id="people-title"', 1)[1].split("</table>", 1)[0]
    assert "(udløbet)" in expired
    removed = post(owner, f"{url}/m-stranger/fjern", follow_redirects=True)
    assert "m-stranger er taget af sagen." in text(removed)
    again = post(owner, f"{url}/m-stranger/fjern", follow_redirects=True)
    assert "Personen er ikke tilknyttet sagen." in text(again)


def test_the_case_page_in_english(app, db_session, world):
    users, ids = world
    users["lead"].locale = "en"
    db_session.commit()
    html = text(_client(app, "m-lead").get(f"/sager/{ids['case']}"))
    assert "Case owner and others on the case" in html and "Next deadline" in html and "Knowledge person" in html
    assert "<dt>Risk</dt>" in html and '<strong class="badge badge--overdue">High</strong>' in html


def test_a_risk_assessment_not_made_yet_says_so(app, db_session, world, service_clock):
    users, _ids = world
    at = datetime.fromisoformat(T0)
    case = open_case(db_session, "matrix", {}, users["lead"], lambda: at).case
    html = text(_client(app, "m-lead").get(f"/sager/{case.id}"))
    overview = html.split('id="overblik"', 1)[1].split("</section>", 1)[0]
    assert "Ikke vurderet endnu" in overview and "Ingen endnu – sagen er ikke fordelt" in overview
    assert "23. nov. 2026 kl. 10:00" in overview


def test_the_case_list_holds_the_case_exactly_for_those_who_may_open_it(app, db_session, world):
    """/sager (every scope, open and closed): a list never holds a case the user would get a 404
    for, and holds it for everyone the rule relates to it; risk shows only where the rule shows it."""
    _users, ids = world
    reference = db_session.get(Case, ids["case"]).reference
    for relation in RELATIONS:
        client = _client(app, f"m-{relation}")
        listed = any(reference in text(client.get(f"/sager?visning={scope}&status=alle"))
                     for scope in ("mine", "teamet", "alle"))
        opens = client.get(f"/sager/{ids['case']}").status_code == 200
        assert listed == opens, relation
        html = text(client.get("/sager?visning=alle&status=alle"))
        assert ("Risiko: Høj" in html) == (relation in ("owner", "member", "assignee", "candidate", "lead")), relation
