"""Process pages, modeler and form editor endpoints, migration and deadline-rule pages with Flask's
test client (both databases): permissions, CSRF, CSP, drafts, validation and deploying."""

from __future__ import annotations

import io
import json
import re

import pytest

from engine.process_models.service import latest_version
from tests.engine.process_models.test_migration import V2
from tests.ui.helpers import DIAGRAM, csrf_token, deploy_test_diagram, login, make_user, open_notification, post, text

DATA = DIAGRAM.parents[2] / "data"
REVIEW = (DATA / "review.bpmn").read_bytes()
FORM = json.loads((DATA / "forms" / "politi.form").read_text())


@pytest.fixture
def people(db_session):
    deploy_test_diagram(db_session)
    return {
        "lead": make_user(db_session, "leder1", "teamleder", "modtagerteam"),
        "worker": make_user(db_session, "raadgiver1", "raadgiver-boern"),
        "admin": make_user(db_session, "admin1", "admin"),
    }


def _json(client, method: str, path: str, body: dict, token: str | None = None):
    headers = {"X-CSRFToken": token} if token else {}
    return client.open(path, method=method, json=body, headers=headers)


def test_process_pages_are_for_team_leads_and_admins_only(client, people):
    login(client, "raadgiver1")
    for path in ("/processer", "/processer/underretning_boern", "/processer/underretning_boern/modeller",
                 "/processer/underretning_boern/formularer/vurdering", "/processer/underretning_boern/versioner/1",
                 "/processer/underretning_boern/versioner/1/flyt", "/admin/frister"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Ingen adgang" in text(response)
    assert "/processer" not in text(client.get("/profil"))
    assert client.get("/processer/underretning_boern/kladde").status_code == 403


def test_processes_page_lists_versions_with_open_cases(client, db_session, people):
    open_notification(db_session, people["lead"])
    login(client, "leder1")
    page = text(client.get("/processer"))
    assert 'href="/processer"' in text(client.get("/profil"))  # the nav link
    assert "underretning_boern" in page and "Version 1" in page and "ui test" in page
    assert re.search(r"<td>1</td>\s*</tr>", page)  # one open case on version 1
    detail = text(client.get("/processer/underretning_boern"))
    assert "Hent .bpmn" in detail and "Flyt sager" not in detail  # only one version: nothing to move to
    download = client.get("/processer/underretning_boern/versioner/1.bpmn")
    assert download.status_code == 200 and b"underretning_boern" in download.data
    assert download.headers["Content-Disposition"] == 'attachment; filename="underretning_boern-v1.bpmn"'
    assert client.get("/processer/underretning_boern/versioner/9").status_code == 404
    assert client.get("/processer/findes_ikke").status_code == 404


def test_editor_pages_relax_only_style_src(client, people):
    login(client, "leder1")
    strict = client.get("/processer").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in strict
    for path in ("/processer/underretning_boern/modeller", "/processer/underretning_boern/formularer/vurdering"):
        csp = client.get(path).headers["Content-Security-Policy"]
        assert "style-src 'self' 'unsafe-inline'" in csp
        assert "script-src 'self';" in csp and "unsafe-eval" not in csp
        assert csp.replace(" 'unsafe-inline'", "") == strict
    assert "unsafe-inline" not in client.get("/processer/underretning_boern/kladde").headers["Content-Security-Policy"]


def test_json_endpoints_need_the_csrf_token(client, people):
    login(client, "leder1")
    body = {"xml": REVIEW.decode()}
    assert _json(client, "PUT", "/processer/underretning_boern/kladde", body).status_code == 400
    assert _json(client, "POST", "/processer/underretning_boern/kontrol", body).status_code == 400
    assert _json(client, "POST", "/processer/underretning_boern/udrul", body).status_code == 400
    token = csrf_token(client, "/processer")
    assert _json(client, "POST", "/processer/underretning_boern/kontrol", body, token).status_code == 200


def test_lane_group_endpoint_refuses_bad_input_and_changes_nothing(client, db_session, people):
    from engine.process_models.lanes import lane_groups

    login(client, "leder1")
    token = csrf_token(client, "/processer")
    bad = _json(client, "POST", "/processer/lanegrupper", {"lane": "Teamleder", "group": "bagere"}, token)
    assert bad.status_code == 422 and "bagere" in bad.get_json()["error"]
    assert _json(client, "POST", "/processer/lanegrupper", [], token).status_code == 422
    assert lane_groups(db_session)["Teamleder"] == "teamleder"
    good = _json(client, "POST", "/processer/lanegrupper", {"lane": "Teamleder", "group": "admin"}, token)
    assert good.status_code == 200 and good.get_json()["lanes"]["Teamleder"] == "admin"
    post(client, "/log-ud")
    login(client, "raadgiver1")
    refused = _json(client, "POST", "/processer/lanegrupper", {"lane": "Teamleder", "group": "teamleder"},
                    csrf_token(client, "/profil"))
    assert refused.status_code == 403


def test_team_leads_route_a_lane_to_the_case_owner_from_the_element_box(client, db_session, people):
    from engine.process_models.lanes import owner_lanes

    login(client, "leder1")
    token = csrf_token(client, "/processer")
    assert "Rådgiver (børn)" in owner_lanes(db_session)  # shipped: the caseworker lanes go to the owner
    not_bool = _json(client, "POST", "/processer/lanegrupper", {"lane": "Rådgiver (børn)", "group": "raadgiver-boern",
                                                               "to_owner": "ja"}, token)
    assert not_bool.status_code == 422 and "Rådgiver (børn)" in owner_lanes(db_session)
    off = _json(client, "POST", "/processer/lanegrupper", {"lane": "Rådgiver (børn)", "group": "raadgiver-boern",
                                                          "to_owner": False}, token)
    assert off.status_code == 200 and "Rådgiver (børn)" not in off.get_json()["owner_lanes"]
    kept = _json(client, "POST", "/processer/lanegrupper", {"lane": "Rådgiver (børn)", "group": "raadgiver-boern"},
                 token)
    assert "Rådgiver (børn)" not in kept.get_json()["owner_lanes"]  # left out: unchanged
    on = _json(client, "POST", "/processer/lanegrupper", {"lane": "Visitation", "group": "modtagerteam",
                                                         "to_owner": True}, token)
    assert "Visitation" in on.get_json()["owner_lanes"] and "Visitation" in owner_lanes(db_session)
    assert 'id="helper-lane-owner"' in client.get("/processer/underretning_boern/modeller").get_data(as_text=True)


def test_save_check_and_deploy_a_draft(client, db_session, people):
    login(client, "leder1")
    token = csrf_token(client, "/processer")
    workspace = client.get("/processer/underretning_boern/kladde").get_json()
    assert workspace["source"] == "version" and workspace["version"] == 1
    xml = workspace["xml"].replace('name="Vurdér underretningen inden for 24 timer"',
                                   'name="Vurdér underretningen straks"')
    saved = _json(client, "PUT", "/processer/underretning_boern/kladde", {"xml": xml}, token)
    assert saved.status_code == 200 and saved.get_json()["message"] == "Kladden er gemt."
    assert client.get("/processer/underretning_boern/kladde").get_json()["source"] == "draft"
    assert "Kladde gemt af leder1" in text(client.get("/processer"))

    broken = xml.replace('isExecutable="true"', 'isExecutable="false"')
    checked = _json(client, "POST", "/processer/underretning_boern/kontrol", {"xml": broken}, token).get_json()
    assert [p["message"] for p in checked["problems"]] == [
        "processen »underretning_boern« er ikke markeret som kørbar (isExecutable)"]
    refused = _json(client, "POST", "/processer/underretning_boern/udrul", {"xml": broken, "comment": "x"}, token)
    assert refused.status_code == 422 and refused.get_json()["problems"]
    assert latest_version(db_session, "underretning_boern").version == 1
    kept = client.get("/processer/underretning_boern/kladde").get_json()["xml"]  # as it was before the attempt
    assert 'isExecutable="false"' not in kept and "Vurdér underretningen straks" in kept
    nameless = _json(client, "POST", "/processer/underretning_boern/udrul", {"xml": xml, "comment": "  "}, token)
    assert nameless.status_code == 422
    assert nameless.get_json()["error"] == "Skriv en kommentar: hvad er ændret, og hvorfor?"

    deployed = _json(client, "POST", "/processer/underretning_boern/udrul", {"xml": xml, "comment": "straks"}, token)
    assert deployed.status_code == 200, deployed.get_json()
    assert deployed.get_json()["message"] == "Version 2 af underretning_boern er udrullet."
    assert latest_version(db_session, "underretning_boern").comment == "straks"
    assert client.get("/processer/underretning_boern/kladde").get_json()["source"] == "version"  # draft deleted
    not_xml = _json(client, "PUT", "/processer/underretning_boern/kladde", {"xml": "<<nope"}, token)
    assert not_xml.status_code == 422 and "ikke gyldig BPMN-XML" in not_xml.get_json()["error"]


def test_form_editor_saves_forms_into_the_draft_and_deploys_them(client, db_session, people):
    login(client, "leder1")
    token = csrf_token(client, "/processer")
    new = client.get("/processer/underretning_boern/formularer/politi.json").get_json()
    assert new["source"] == "new" and new["schema"]["components"] == []
    broken = dict(FORM, components=[{"type": "signature", "key": "x", "label": "Underskrift"}])
    answer = _json(client, "PUT", "/processer/underretning_boern/formularer/politi.json", {"schema": broken}, token)
    assert answer.status_code == 200 and "not supported" in answer.get_json()["problems"][0]
    answer = _json(client, "PUT", "/processer/underretning_boern/formularer/politi.json", {"schema": FORM}, token)
    assert answer.get_json() == {"problems": [], "message": "Formularen er gemt i kladden."}
    stored = client.get("/processer/underretning_boern/formularer/politi.json").get_json()
    assert stored["source"] == "draft" and stored["schema"]["id"] == "politi"
    assert _json(client, "PUT", "/processer/underretning_boern/formularer/bad-key.json", {"schema": FORM},
                 token).status_code == 422
    assert _json(client, "PUT", "/processer/underretning_boern/formularer/politi.json", {"schema": []},
                 token).status_code == 422
    # A task using the form: deploying the draft pins the draft's form.
    xml = client.get("/processer/underretning_boern/kladde").get_json()["xml"]
    xml = xml.replace('<bpmn:userTask id="Task_vurdering_24t"',
                      '<bpmn:userTask camunda:formKey="politi" id="Task_vurdering_24t"', 1)
    assert 'camunda:formKey="politi"' in xml
    deployed = _json(client, "POST", "/processer/underretning_boern/udrul", {"xml": xml, "comment": "politi"}, token)
    assert deployed.status_code == 200, deployed.get_json()
    assert "politi" in latest_version(db_session, "underretning_boern").forms


def test_import_opens_a_foreign_file_as_a_draft(client, people):
    login(client, "leder1")
    token = csrf_token(client, "/processer")
    response = client.post("/processer/importer", data={"csrf_token": token, "fil": (io.BytesIO(REVIEW), "r.bpmn")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"] == "/processer/review/modeller"
    assert client.get("/processer/review/modeller").status_code == 200
    assert client.get("/processer/review/kladde").get_json()["source"] == "draft"
    garbage = client.post("/processer/importer", data={"csrf_token": token, "fil": (io.BytesIO(b"nope"), "x.bpmn")},
                          content_type="multipart/form-data", follow_redirects=True)
    assert "Filen kunne ikke åbnes" in text(garbage)
    empty = client.post("/processer/importer", data={"csrf_token": token}, follow_redirects=True)
    assert "Vælg en BPMN-fil." in text(empty)
    # A second import does not overwrite the draft unless asked to.
    renamed = REVIEW.replace(b'name="Review"', b'name="Review 2"')
    kept = client.post("/processer/importer", data={"csrf_token": token, "fil": (io.BytesIO(renamed), "r.bpmn")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "Processen har allerede en kladde" in text(kept)
    assert 'name="Review 2"' not in client.get("/processer/review/kladde").get_json()["xml"]
    replaced = client.post("/processer/importer", data={"csrf_token": token, "erstat": "ja",
                                                         "fil": (io.BytesIO(renamed), "r.bpmn")},
                           content_type="multipart/form-data")
    assert replaced.status_code == 302
    assert 'name="Review 2"' in client.get("/processer/review/kladde").get_json()["xml"]
    discarded = post(client, "/processer/review/kasser-kladde", follow_redirects=True)
    assert "Kladden er kasseret." in text(discarded)
    assert client.get("/processer/review/modeller").status_code == 404


def test_compare_and_migrate_pages(client, db_session, people):
    from engine.process_models.service import deploy

    lead = people["lead"]
    deploy(db_session, REVIEW, actor=lead)
    from engine.cases.service import open_case
    from engine.tasks import service as tasks
    from engine.tasks.models import Task

    at_register = open_case(db_session, "review", {}, lead).case
    at_approve = open_case(db_session, "review", {}, lead).case
    first = db_session.query(Task).filter(Task.case_id == at_approve.id).one()
    tasks.complete(db_session, first.id, {"amount": 50}, lead)
    deploy(db_session, V2, actor=lead, comment="slutkontrol")
    login(client, "leder1")
    compare = text(client.get("/processer/review/sammenlign?fra=1&til=2"))
    assert "Ændringer fra version 1 til 2" in compare and "final_check" in compare and "Slutkontrol" in compare
    page = text(client.get("/processer/review/versioner/1/flyt"))
    assert at_register.reference in page and at_approve.reference in page
    dry = text(post(client, "/processer/review/versioner/1/flyt", {"til": "2", "omfang": "alle", "handling": "proev"}))
    assert "Prøvekørsel mod version 2" in dry and "Kan flyttes" in dry
    assert "Sagens aktuelle trin er ændret: &#39;Registrér&#39;" in dry
    assert "Flyt 1 sag til version 2" in dry
    none = text(post(client, "/processer/review/versioner/1/flyt", {"til": "2", "omfang": "valgte",
                                                                     "handling": "proev"}))
    assert "Vælg mindst én sag." in none
    moved = text(post(client, "/processer/review/versioner/1/flyt", {"til": "2", "sag": str(at_approve.id),
                                                                      "handling": "flyt"}))
    assert "Resultat af flytningen til version 2" in moved and "Flyttet" in moved
    db_session.expire_all()
    assert at_approve.process_version.version == 2 and at_register.process_version.version == 1


def test_admin_edits_deadline_rules_with_danish_messages(client, people):
    login(client, "admin1")
    assert "assessment_24h" in text(client.get("/admin/frister"))
    bad = post(client, "/admin/frister/assessment_24h", {"name": "", "amount": "0", "unit": "weeks",
                                                         "law_reference": "x" * 300, "description": ""})
    assert bad.status_code == 422
    for message in ("Skriv et navn.", "Skriv et helt tal fra 1 til 1000.", "Vælg en enhed.", "Højst 255 tegn."):
        assert message in text(bad)
    good = post(client, "/admin/frister/assessment_24h", {"name": "Vurdering", "amount": "12", "unit": "hours",
                                                          "law_reference": "BL § 136", "description": "d",
                                                          "reason": "Beredskabsplanen"},
                follow_redirects=True)
    assert "Fristreglen assessment_24h er gemt." in text(good)
    assert "<del>24</del> → <ins>12</ins>" in text(good) and "admin1" in text(good)
    assert client.get("/admin/frister/findes_ikke").status_code == 404
    post(client, "/log-ud")
    login(client, "leder1")
    assert client.get("/admin/frister").status_code == 403
