"""GET /api/v1/reports/...: team leads and administrators only (403 before 422), the same figures
as the services, small cells suppressed, CSV downloads, and the OpenAPI document."""

from __future__ import annotations

import pytest

from tests.api.helpers import error_of
from tests.engine.reports.factory import Rows

NOW = "2026-04-30T12:00:00+02:00"
PERIOD = {"from": "2026-04-01", "to": "2026-04-30", "process_key": "rapport_test"}
DUE = "2026-04-14T22:00:00+00:00"  # 6 working days from 1 April 2026, across Easter


@pytest.fixture
def rows(db_session, service_clock):
    """Six receipts due 14 April: five on time, one late; one case closed as no concern."""
    service_clock.set(NOW)
    rows = Rows(db_session)
    for day in (7, 8, 9, 10, 13, 16):
        case = rows.case("2026-04-01T10:00:00+02:00")
        rows.task(case, "Task_kvittering", "2026-04-01T10:00:00+02:00", due=DUE, rule="receipt_6_workdays",
                  done=f"2026-04-{day:02d}T10:00:00+02:00")
    rows.case("2026-04-01T10:00:00+02:00", closed="2026-04-20T10:00:00+02:00", reason="no_concern")
    return rows


def test_team_lead_reads_compliance(client, make_account, rows):
    lead = make_account("teamleder")
    response = client.get("/api/v1/reports/deadlines", query_string=PERIOD, headers=lead.headers)
    assert response.status_code == 200
    body = response.get_json()
    receipt = next(r for r in body["rules"] if r["rule"] == "receipt_6_workdays")
    assert (receipt["total"], receipt["on_time"], receipt["late"], receipt["missed"]) == (6, 5, "<5", 0)
    assert receipt["share_met"] == pytest.approx(5 / 6)
    # Working days used: 7/4 → 1, 8/4 → 2, 9/4 → 3, 10/4 → 4, 13/4 → 5, 16/4 → 8; median 3.5.
    assert receipt["median_used"] == 3.5 and receipt["used_unit"] == "working_days"
    assert [m["month"] for m in receipt["months"]] == ["2026-04"]
    assert (body["from"], body["to"], body["min_cell"]) == ("2026-04-01", "2026-04-30", 5)


def test_flow_and_workload_suppress_small_cells(client, make_account, rows):
    lead = make_account("teamleder")
    flow = client.get("/api/v1/reports/flow", query_string=PERIOD, headers=lead.headers).get_json()
    assert flow["closing_reasons"] == [{"reason": "no_concern", "name": "Ingen bekymring fundet",
                                        "name_en": "No concern found", "cases": "<5"}]
    assert {m["milestone"]: m["cases"] for m in flow["milestones"]}["assignment"] == 7
    workload = client.get("/api/v1/reports/workload", headers=lead.headers).get_json()
    assert workload["overdue_now"] == []


def test_csv_download(client, make_account, rows):
    lead = make_account("teamleder")
    response = client.get("/api/v1/reports/deadlines", query_string={**PERIOD, "format": "csv"},
                          headers=lead.headers)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == ("rule;law_reference;used_unit;month;total;on_time;late;missed;open;share_met;median_used;"
                        "p90_used")
    receipt = [line for line in lines if line.startswith("receipt_6_workdays;") and ";all;" in line][0]
    assert receipt.endswith(";6;5;<5;0;0;0,833;3,5;6,5")


@pytest.mark.parametrize("groups", [("raadgiver-boern",), ("modtagerteam",), ("vidensperson",)])
def test_only_team_leads_and_administrators(client, make_account, groups):
    user = make_account(*groups)
    for kind in ("deadlines", "flow", "workload"):
        # Forbidden before the (invalid) parameters are looked at.
        response = client.get(f"/api/v1/reports/{kind}", query_string={"from": "x"}, headers=user.headers)
        assert response.status_code == 403, kind
        assert error_of(response)["code"] == "forbidden"
    assert client.get("/api/v1/reports/flow").status_code == 401


def test_administrators_get_no_case_references(client, make_account, rows):
    admin = make_account("admin")
    body = client.get("/api/v1/reports/workload", headers=admin.headers).get_json()
    assert body["overdue_now"] is None


@pytest.mark.parametrize(("query", "field"), [
    ({"from": "2026-05-01", "to": "2026-04-01"}, "from"),
    ({"from": "2020-01-01", "to": "2026-04-01"}, "to"),
    ({"from": "2026-13-01"}, "from"),
    ({"process_key": "findes_ikke"}, "process_key"),
    ({"group": "findes-ikke"}, "group"),
    ({"format": "xlsx"}, "format"),
])
def test_invalid_parameters(client, make_account, service_clock, query, field):
    service_clock.set(NOW)
    lead = make_account("teamleder")
    response = client.get("/api/v1/reports/deadlines", query_string=query, headers=lead.headers)
    assert response.status_code == 422
    assert field in {d["field"] for d in error_of(response)["details"]}


def test_reports_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for kind in ("deadlines", "flow", "workload"):
        operation = paths[f"/reports/{kind}"]["get"]
        assert {"200", "401", "403", "422"} <= set(operation["responses"])
        assert "text/csv" in operation["responses"]["200"]["content"]
        assert {p["name"] for p in operation["parameters"]} == {"from", "to", "process_key", "group", "format"}
