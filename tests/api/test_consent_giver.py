"""Consent from a person other than the guardian (issue 14): when the guardian is the controlling party,
the young person (or another person with standing) may consent; who and in which capacity is recorded,
returned by the API, shown on the case page and in the case record."""

from __future__ import annotations

import pytest

from tests.api.helpers import error_of
from tests.api.record_helpers import T0, assessed_case, deploy_shipped
from tests.ui.helpers import PASSWORD, login, text

BODY = {"recipient_kind": "interpreter", "scope": "Samtalen med den unge", "purpose": "Tolkning"}


@pytest.fixture
def people(make_account):
    return {"reception": make_account("modtagerteam", name="modtager"), "lead": make_account("teamleder", name="lene"),
            "owner": make_account("raadgiver-boern", name="raadgiver")}


@pytest.fixture
def case(db_session, people, service_clock):
    service_clock.set(T0)
    deploy_shipped(db_session)
    return assessed_case(db_session, people["reception"].user, people["lead"].user, people["owner"].user)


def test_a_consent_from_the_young_person_records_who_and_in_which_capacity(client, db_session, people, case):
    owner = people["owner"]
    url = f"/api/v1/cases/{case.id}/consents"
    missing = client.post(url, headers=owner.headers, json={**BODY, "given_by": "other"})
    assert missing.status_code == 422
    assert {d["field"] for d in error_of(missing)["details"]} == {"giver_name", "giver_capacity"}
    made = client.post(url, headers=owner.headers, json={**BODY, "given_by": "other", "giver_name": "Den unge",
                                                          "giver_capacity": "Den unge selv, 16 år"})
    assert made.status_code == 201, made.get_json()
    assert (made.get_json()["given_by"], made.get_json()["giver_name"], made.get_json()["giver_capacity"]) == (
        "other", "Den unge", "Den unge selv, 16 år")
    listed = client.get(url, headers=owner.headers).get_json()["consents"]
    assert [c["giver_capacity"] for c in listed] == ["Den unge selv, 16 år"]
    record = client.get(f"/api/v1/cases/{case.id}/record", headers=owner.headers).get_json()
    [entry] = [item for item in record["items"] if item["kind"] == "consent"]
    assert (entry["given_by"], entry["giver_name"], entry["giver_capacity"]) == (
        "other", "Den unge", "Den unge selv, 16 år")


def test_the_case_page_shows_who_gave_the_consent(client, db_session, case, people):
    from engine.consent.service import record_consent
    from engine.users.service import set_password

    owner = people["owner"].user
    set_password(db_session, owner.username, PASSWORD)
    record_consent(db_session, case.id, owner, given_by="other", giver_name="Den unge",
                   giver_capacity="Den unge selv, 16 år", recipient_kind="interpreter", scope="Samtalen",
                   purpose="Tolkning", given_at=T0)
    assert login(client, owner.username).status_code == 302
    page = text(client.get(f"/sager/{case.id}"))
    assert "En anden person (fx den unge selv): Den unge (Den unge selv, 16 år)" in page
    assert 'name="giver_capacity"' in page  # the consent form asks for it
