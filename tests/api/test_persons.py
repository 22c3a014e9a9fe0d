"""The person register over the API: persons, their part in cases, look-ups by CPR number, insight."""

from __future__ import annotations

import csv
import io
import logging

import pytest

from tests.api.helpers import deploy, error_of

CPR = "010203-4234"


@pytest.fixture
def world(client, make_account, service_clock):
    service_clock.set("2026-12-01T10:00:00+01:00")
    people = {"lead": make_account("teamleder", name="lene"), "reception": make_account("modtagerteam", name="rita"),
              "admin": make_account("admin", name="adam"), "stranger": make_account("raadgiver-voksen", name="sune"),
              "owner": make_account("raadgiver-boern", name="olga")}
    assert deploy(client, people["lead"].headers).status_code == 201
    case = client.post("/api/v1/cases", json={"process_key": "review", "data": {}},
                       headers=people["lead"].headers).get_json()
    assert client.post(f"/api/v1/cases/{case['id']}/owner", json={"username": "olga"},
                       headers=people["lead"].headers).status_code == 200
    return people, case


def _person(client, headers, **body):
    response = client.post("/api/v1/persons", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_register_link_and_read_a_person_as_the_rule_allows(client, world):
    people, case = world
    aisha = _person(client, people["owner"].headers, name="Aisha", cpr=CPR, contact="Mobil 12 34 56 78",
                    preferred_language="arabisk", interpreter_needed=True, protected_address=True)
    assert (aisha["cpr"], aisha["date_of_birth"], aisha["access"]) == (CPR, "2003-02-01", "full")
    linked = client.post(f"/api/v1/cases/{case['id']}/persons", json={"person_id": aisha["id"], "role": "subject"},
                         headers=people["owner"].headers)
    assert linked.status_code == 201 and linked.get_json()["role"] == "subject"
    seen = {who: client.get(f"/api/v1/persons/{aisha['id']}", headers=people[who].headers) for who in people}
    assert {who: r.status_code for who, r in seen.items()} == {
        "lead": 200, "reception": 200, "admin": 403, "stranger": 404, "owner": 200}
    assert seen["owner"].get_json()["cpr"] == CPR and seen["owner"].get_json()["contact"] == "Mobil 12 34 56 78"
    limited = seen["reception"].get_json()  # a candidate of the waiting task: whom it is about, not the number
    assert (limited["access"], limited["cpr"], limited["contact"], limited["name"]) == (
        "limited", "010203-xxxx", None, "Aisha")
    changed = client.patch(f"/api/v1/persons/{aisha['id']}", json={"contact": None, "name": "Aisha K."},
                           headers=people["owner"].headers)
    assert changed.status_code == 200 and (changed.get_json()["name"], changed.get_json()["contact"]) == (
        "Aisha K.", None)
    refused = client.patch(f"/api/v1/persons/{aisha['id']}", json={"name": 5}, headers=people["reception"].headers)
    assert refused.status_code == 403  # authorization before the body's rules


def test_an_anonymous_person_on_a_case_with_the_family_and_the_threat(client, world):
    people, case = world
    h, path = people["owner"].headers, f"/api/v1/cases/{case['id']}/persons"
    anonymous = _person(client, h)
    assert anonymous["anonymous"] and anonymous["label"].startswith("Anonym ") and anonymous["cpr"] is None
    father = _person(client, h, name="Far")
    assert client.post(path, json={"person_id": anonymous["id"], "role": "subject"}, headers=h).status_code == 201
    second = client.post(path, json={"person_id": father["id"], "role": "subject"}, headers=h)
    assert second.status_code == 409 and "subject" in error_of(second)["message"]
    bad = client.post(path, json={"person_id": father["id"], "role": "involved", "relation": "uncle"}, headers=h)
    assert bad.status_code == 422 and error_of(bad)["details"][0]["field"] == "relation"
    assert client.post(path, json={"person_id": father["id"], "role": "involved", "relation": "parent",
                                   "threat": True}, headers=h).status_code == 201
    items = client.get(path, headers=h).get_json()["items"]
    assert [(i["person"]["label"], i["role"], i["relation"], i["threat"]) for i in items] == [
        (anonymous["label"], "subject", "none", False), ("Far", "involved", "parent", True)]
    assert client.get(path, headers=people["reception"].headers).status_code == 403
    assert client.get(path, headers=people["stranger"].headers).status_code == 404
    patched = client.patch(f"{path}/{father['id']}", json={"threat": False}, headers=h)
    assert patched.status_code == 200 and patched.get_json()["threat"] is False
    assert client.delete(f"{path}/{father['id']}", headers=h).status_code == 204
    assert [i["person"]["label"] for i in client.get(path, headers=h).get_json()["items"]] == [anonymous["label"]]
    identified = client.patch(f"/api/v1/persons/{anonymous['id']}", json={"name": "Sara", "cpr": "1505902468"},
                              headers=h).get_json()
    assert (identified["id"], identified["label"], identified["cpr"]) == (anonymous["id"], "Sara", "150590-2468")


def test_look_ups_are_exact_logged_with_their_purpose_and_show_only_what_the_rule_allows(client, world, caplog):
    people, case = world
    caplog.set_level(logging.DEBUG)
    aisha = _person(client, people["owner"].headers, name="Aisha", cpr=CPR)
    client.post(f"/api/v1/cases/{case['id']}/persons", json={"person_id": aisha["id"], "role": "subject"},
                headers=people["owner"].headers)
    hit = client.post("/api/v1/persons/lookup", json={"cpr": "0102034234", "purpose": "Ny underretning"},
                      headers=people["stranger"].headers).get_json()
    assert hit == {"found": True, "id": aisha["id"], "person": None}  # the id to link, nothing about her
    own = client.post("/api/v1/persons/lookup", json={"cpr": CPR, "purpose": "Sagsarbejde"},
                      headers=people["owner"].headers).get_json()
    assert own["person"]["cpr"] == CPR
    miss = client.post("/api/v1/persons/lookup", json={"cpr": "010203-4235", "purpose": "Ny underretning"},
                       headers=people["stranger"].headers).get_json()
    assert miss == {"found": False, "id": None, "person": None}
    no_purpose = client.post("/api/v1/persons/lookup", json={"cpr": CPR}, headers=people["stranger"].headers)
    assert no_purpose.status_code == 422 and error_of(no_purpose)["details"][0]["field"] == "purpose"
    not_a_date = client.post("/api/v1/persons/lookup", json={"cpr": "320203-4234", "purpose": "Tjek"},
                             headers=people["stranger"].headers)
    assert not_a_date.status_code == 422 and "320203" not in not_a_date.get_data(as_text=True)
    taken = client.post("/api/v1/persons", json={"cpr": CPR}, headers=people["stranger"].headers)
    assert taken.status_code == 409
    log = client.get(f"/api/v1/persons/{aisha['id']}/access-log", headers=people["admin"].headers).get_json()
    lookups = [(i["username"], i["purpose"]) for i in log["items"] if i["kind"] == "lookup"]
    assert sorted(lookups) == [("olga", "Sagsarbejde"), ("sune", "Ny underretning")]  # one instant: by name
    assert "0102034234" not in caplog.text and CPR not in caplog.text


def test_the_insight_export_after_reads_by_three_users(client, world, service_clock, make_account):
    people, case = world
    aisha = _person(client, people["owner"].headers, name="Aisha", cpr=CPR)
    client.post(f"/api/v1/cases/{case['id']}/persons", json={"person_id": aisha["id"], "role": "subject"},
                headers=people["owner"].headers)
    other = client.post("/api/v1/cases", json={"process_key": "review", "data": {}},
                        headers=people["lead"].headers).get_json()  # not hers: its reads are not in her log
    service_clock.set("2026-12-02T08:30:00+00:00")
    for who in ("owner", "lead", "reception"):
        assert client.get(f"/api/v1/cases/{case['id']}", headers=people[who].headers).status_code == 200
    client.get(f"/api/v1/cases/{other['id']}", headers=people["lead"].headers)
    service_clock.set("2026-12-02T09:00:00+00:00")
    client.post("/api/v1/persons/lookup", json={"cpr": CPR, "purpose": "Henvendelse fra skolen"},
                headers=people["stranger"].headers)

    answer = client.get(f"/api/v1/persons/{aisha['id']}/access-log", headers=people["admin"].headers)
    assert answer.status_code == 200
    items = answer.get_json()["items"]
    uses = sorted((i["username"], i["case_reference"], i["kind"], i["purpose"]) for i in items
                  if i["kind"] in ("read_case", "lookup"))
    assert uses == [
        ("lene", case["reference"], "read_case", "supervision"),
        ("olga", case["reference"], "read_case", "owner_work"),
        ("rita", case["reference"], "read_case", "task"),
        ("sune", None, "lookup", "Henvendelse fra skolen"),
    ]
    assert "2026-12-02T10:00:00+01:00" in {i["at"] for i in items if i["kind"] == "lookup"}  # Copenhagen time
    assert all(i["at"].endswith(("+01:00", "+02:00")) for i in items)
    exported = client.get(f"/api/v1/persons/{aisha['id']}/access-log?format=csv", headers=people["admin"].headers)
    assert exported.mimetype == "text/csv" and "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert {(r["username"], r["case_reference"]) for r in rows if r["kind"] == "read_case"} == {
        ("lene", case["reference"]), ("olga", case["reference"]), ("rita", case["reference"])}
    assert [r["username"] for r in rows if r["kind"] == "insight"] == ["adam"]  # the first answer, logged
    assert CPR not in exported.get_data(as_text=True) and "Aisha" not in exported.get_data(as_text=True)
    for who in ("lead", "owner"):
        refused = client.get(f"/api/v1/persons/{aisha['id']}/access-log", headers=people[who].headers)
        assert refused.status_code == 403
    bad = client.get(f"/api/v1/persons/{aisha['id']}/access-log?format=xml", headers=people["admin"].headers)
    assert bad.status_code == 422


def test_the_openapi_document_gives_the_real_answers(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/persons"]["post"]["responses"]) >= {"201", "409", "422"}
    assert "204" in paths["/cases/{case_id}/persons/{person_id}"]["delete"]["responses"]
    assert paths["/persons/lookup"]["post"]["requestBody"]  # the number travels in the body
    assert all("cpr" not in parameter["name"] for operations in paths.values() for operation in operations.values()
               for parameter in operation["parameters"])
