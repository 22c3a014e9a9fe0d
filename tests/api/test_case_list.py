"""GET /api/v1/cases and POST /api/v1/cases/search: scopes, filters, sorting, partial references,
free text only where the content may be read, pages, and clear 422s (both databases).

The app's clock is fixed (service_clock): no test depends on today's date.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.api.helpers import deploy, error_of

T0 = "2026-11-23T10:00:00+01:00"  # a Monday


@pytest.fixture
def world(client, make_account, service_clock):
    """Four open cases of findable.bpmn (a school's name searchable) and one closed: (accounts, cases)."""
    service_clock.set(T0)
    lead = make_account("teamleder", name="l-lead")
    accounts = {"lead": lead, "owner": make_account("raadgiver-boern", name="l-owner"),
                "reception": make_account("modtagerteam", name="l-reception"),
                "admin": make_account("admin", name="l-admin"), "stranger": make_account("raadgiver-voksen")}
    assert deploy(client, lead.headers, "findable.bpmn").status_code == 201
    at = datetime.fromisoformat(T0)
    specs = [  # (received hours before T0, data)
        (30, {"school_name": "Nørrebro Skole", "risk_level": "high", "acute": True}),
        (2, {"school_name": "Valby Skole", "risk_level": "low"}),
        (5, {"notifier_org": "Krisecentret Nord"}),
        (1, {}),
    ]
    cases = []
    for hours, data in specs:
        service_clock.set(at - timedelta(hours=hours))
        received = (at - timedelta(hours=hours)).isoformat()
        body = client.post("/api/v1/cases", json={"process_key": "findable", "data": {"received_at": received, **data}},
                           headers=lead.headers).get_json()
        cases.append(body)
    service_clock.set(T0)
    for case in cases[:2]:  # the owner keeps the first two
        assert client.post(f"/api/v1/cases/{case['id']}/owner", json={"username": "l-owner"},
                           headers=lead.headers).status_code == 200
    client.post(f"/api/v1/cases/{cases[3]['id']}/close", json={"reason": "duplicate"}, headers=lead.headers)
    return accounts, cases


def _refs(client, account, **params) -> list[str]:
    response = client.get("/api/v1/cases", query_string=params, headers=account.headers)
    assert response.status_code == 200, response.get_json()
    return [item["reference"] for item in response.get_json()["items"]]


def test_scopes_hold_only_what_the_rule_shows(client, world):
    accounts, cases = world
    refs = [c["reference"] for c in cases]
    assert _refs(client, accounts["owner"]) == refs[:2]  # mine, by next deadline: the older case first
    assert _refs(client, accounts["lead"], scope="all") == [refs[0], refs[2], refs[1]]
    assert _refs(client, accounts["reception"], scope="team") == [refs[0], refs[2], refs[1]]  # intakes wait for them
    assert _refs(client, accounts["reception"]) == []  # nor owner nor member
    assert _refs(client, accounts["stranger"], scope="team") == _refs(client, accounts["stranger"]) == []
    assert _refs(client, accounts["lead"], scope="all", status="closed") == [refs[3]]
    # "all" is every case the rule shows the user: for a caseworker, those they are involved in.
    assert _refs(client, accounts["owner"], scope="all") == refs[:2]


def test_any_part_of_the_reference_finds_the_case(client, world):
    accounts, cases = world
    first = cases[0]["reference"]  # e.g. 2026-000001
    year, number = first.split("-")
    lead = accounts["lead"]
    assert first in _refs(client, lead, scope="all", q=first[:9])
    assert _refs(client, lead, scope="all", status="any", q=number[-3:]) == [first]
    assert _refs(client, lead, scope="all", q=f"{year}-{int(number)}") == [first]  # 2026-1 is 2026-000001
    assert _refs(client, lead, scope="all", q="9999-") == []


def test_free_text_needs_the_content_and_never_takes_a_cpr_number(client, world, db_session):
    accounts, cases = world
    owner, admin = accounts["owner"], accounts["admin"]
    assert _refs(client, owner, q="nørrebro") == [cases[0]["reference"]]
    assert _refs(client, owner, q="SKOLE") == [cases[0]["reference"], cases[1]["reference"]]
    assert _refs(client, admin, scope="all", q="Nørrebro") == []  # header only: the reference alone
    assert _refs(client, accounts["reception"], scope="team", q="Krisecentret") == []  # a candidate: no content
    assert _refs(client, accounts["lead"], scope="all", q="krisecentret nord") == [cases[2]["reference"]]
    refused = client.get("/api/v1/cases", query_string={"q": "010203-1234"}, headers=owner.headers)
    assert refused.status_code == 422 and error_of(refused)["details"][0]["field"] == "text"
    # The search in a body: the same answer, and the content match is logged with its purpose.
    posted = client.post("/api/v1/cases/search", json={"q": "nørrebro"}, headers=owner.headers)
    assert [i["reference"] for i in posted.get_json()["items"]] == [cases[0]["reference"]]
    log = client.get(f"/api/v1/cases/{cases[0]['id']}/access-log", headers=accounts["lead"].headers).get_json()
    assert ("l-owner", "search_case", "owner_work") in {(a["username"], a["kind"], a["purpose"])
                                                        for a in log["access"]}


def test_filters_sorting_and_pages(client, world):
    accounts, cases = world
    lead, refs = accounts["lead"], [c["reference"] for c in cases]
    assert _refs(client, lead, scope="all", risk_level="high") == [refs[0]]
    assert _refs(client, lead, scope="all", acute="true") == [refs[0]]
    assert _refs(client, lead, scope="all", acute="false") == [refs[2], refs[1]]
    assert _refs(client, lead, scope="all", overdue="true") == [refs[0]]  # 24 hours from 30 hours ago
    assert _refs(client, lead, scope="all", owner="l-owner") == [refs[0], refs[1]]
    assert _refs(client, lead, scope="all", owner="-") == [refs[2]]
    assert _refs(client, lead, scope="all", process_key="findable", sort="reference") == refs[:3]
    assert _refs(client, lead, scope="all", sort="-reference") == refs[:3][::-1]
    assert _refs(client, lead, scope="all", sort="-opened") == [refs[1], refs[2], refs[0]]
    assert _refs(client, lead, scope="all", opened_from="2026-11-23", opened_to="2026-11-23") == [refs[2], refs[1]]
    assert _refs(client, lead, scope="all", opened_to="2026-11-22") == [refs[0]]
    page = client.get("/api/v1/cases?scope=all&per_page=2&page=2&sort=reference", headers=lead.headers).get_json()
    assert ([i["reference"] for i in page["items"]], page["total"], page["page"]) == ([refs[2]], 3, 2)


def test_the_items_show_risk_and_acute_only_where_the_rule_does(client, world):
    accounts, cases = world
    item = next(i for i in client.get("/api/v1/cases?scope=all", headers=accounts["lead"].headers).get_json()["items"]
                if i["id"] == cases[0]["id"])
    assert (item["risk_level"], item["acute"], item["overdue"]) == ("high", True, True)
    assert item["owner"] == {"username": "l-owner", "name": "l-owner"}
    assert item["next_due_at"] == "2026-11-23T04:00:00+01:00" and item["access"]["relation"] == "team_lead"
    hidden = client.get("/api/v1/cases?scope=all", headers=accounts["admin"].headers).get_json()["items"]
    assert {(i["risk_level"], i["acute"]) for i in hidden} == {(None, None)}
    assert all(i["access"] == {"relation": "admin", "content": False} for i in hidden)
    # Filtering on risk cannot tell a header-only user what the rule hides.
    assert _refs(client, accounts["admin"], scope="all", risk_level="high") == []


@pytest.mark.parametrize("params, field", [
    ({"scope": "everything"}, "scope"), ({"status": "gone"}, "status"), ({"risk_level": "extreme"}, "risk_level"),
    ({"acute": "maybe"}, "acute"), ({"opened_from": "23-11-2026"}, "opened_from"), ({"sort": "name"}, "sort"),
    ({"page": "0"}, "page"), ({"per_page": "500"}, "per_page"), ({"q": "x" * 101}, "q"), ({"color": "red"}, "color"),
    ({"opened_from": "2026-11-23", "opened_to": "2026-11-01"}, "opened_to"), ({"owner": "nobody-here"}, "owner"),
])
def test_bad_values_are_a_422_naming_them(client, world, params, field):
    accounts, _cases = world
    response = client.get("/api/v1/cases", query_string=params, headers=accounts["lead"].headers)
    assert response.status_code == 422
    assert field in {d["field"] for d in error_of(response)["details"]}
    body = client.post("/api/v1/cases/search", json=params, headers=accounts["lead"].headers)
    assert body.status_code == 422


def test_the_search_body_must_be_an_object(client, world):
    accounts, _cases = world
    response = client.post("/api/v1/cases/search", data="[]", content_type="application/json",
                           headers=accounts["lead"].headers)
    assert response.status_code == 422
    assert client.get("/api/v1/cases").status_code == 401
