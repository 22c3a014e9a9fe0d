"""Issue 13: "En anden enhed arbejder med denne person": matching across two cases, the signal locked
without a consent (only that it exists and what opens it), open with a consent or a legal basis (the
other unit and its owner's contact, nothing of the other case), every opening a disclosure."""

from __future__ import annotations

import pytest

from tests.api.helpers import DATA, error_of

CONSENT = {"given_by": "citizen", "recipient_kind": "other_department", "scope": "At vi arbejder med dig",
           "purpose": "Koordinering"}


@pytest.fixture
def two_units(client, make_account):
    """A children's case (owner bo) and an adults' case (owner vi) with the same person on both."""
    lead = make_account("teamleder", name="sig-lead")
    children, adults = make_account("raadgiver-boern", name="sig-bo"), make_account("raadgiver-voksen", name="sig-vi")
    stranger = make_account("raadgiver-voksen", name="sig-x")
    assert client.post("/api/v1/process-models", data=(DATA / "matrix.bpmn").read_bytes(), headers=lead.headers,
                       content_type="application/xml").status_code == 201
    cases = []
    for owner in (children, adults):
        case = client.post("/api/v1/cases", json={"process_key": "matrix"}, headers=lead.headers).get_json()
        assert client.post(f"/api/v1/cases/{case['id']}/owner", json={"username": owner.user.username},
                           headers=lead.headers).status_code == 200
        cases.append(case)
    person = client.post("/api/v1/persons", json={"name": "Yasmin Omar"}, headers=children.headers).get_json()["id"]
    return lead, children, adults, stranger, cases, person


def _link(client, account, case, person, role="subject", relation=None):
    body = {"person_id": person, "role": role, **({"relation": relation} if relation else {})}
    response = client.post(f"/api/v1/cases/{case['id']}/persons", json=body, headers=account.headers)
    assert response.status_code == 201, response.get_json()


def _signals(client, account, case):
    response = client.get(f"/api/v1/cases/{case['id']}/signals", headers=account.headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_matching_across_two_cases_and_the_signal_with_and_without_consent(client, two_units):
    lead, children, adults, stranger, (child_case, adult_case), person = two_units
    _link(client, children, child_case, person)
    _link(client, adults, adult_case, person, "involved", "parent")
    [locked] = _signals(client, children, child_case)
    assert (locked["opened"], locked["other_unit"], locked["person"]) == (False, None, "Yasmin Omar")
    assert "samtykke" in locked["needed"] and "lovhjemmel" in locked["needed"]
    [seen_there] = _signals(client, adults, adult_case)  # the other owner sees the same signal
    assert seen_there["id"] == locked["id"] and not seen_there["opened"]
    assert client.get(f"/api/v1/cases/{child_case['id']}/signals", headers=stranger.headers).status_code == 404
    refused = client.post(f"/api/v1/cases/{child_case['id']}/signals/{locked['id']}/open", headers=children.headers)
    assert refused.status_code == 422 and error_of(refused)["details"][0]["field"] == "legal_basis"

    # The citizen consents on the adults' case: both owners now see the other unit, and both cases record it.
    assert client.post(f"/api/v1/cases/{adult_case['id']}/consents", json=CONSENT,
                       headers=adults.headers).status_code == 201
    [opened] = _signals(client, children, child_case)
    assert opened["opened"] and opened["other_unit"] == {
        "unit": "raadgiver-voksen", "owner_name": "sig-vi", "owner_email": "sig-vi@example.invalid"}
    assert adult_case["reference"] not in str(opened)  # nothing of the other case itself
    [back] = _signals(client, adults, adult_case)
    assert back["other_unit"]["unit"] == "raadgiver-boern" and back["other_unit"]["owner_name"] == "sig-bo"
    for account, case in ((children, child_case), (adults, adult_case)):
        disclosures = client.get(f"/api/v1/cases/{case['id']}/disclosures", headers=account.headers).get_json()
        [made] = [d for d in disclosures["disclosures"] if d["recipient_kind"] == "other_department"]
        assert made["consent_id"] and made["task_id"] is None
    _signals(client, children, child_case)  # reading it again records nothing more
    disclosures = client.get(f"/api/v1/cases/{child_case['id']}/disclosures", headers=children.headers).get_json()
    assert len(disclosures["disclosures"]) == 1


def test_a_legal_basis_opens_a_signal_with_a_justification(client, two_units):
    lead, children, adults, stranger, (child_case, adult_case), person = two_units
    _link(client, children, child_case, person)
    _link(client, adults, adult_case, person)  # the subject of both: also a signal
    [locked] = _signals(client, children, child_case)
    url = f"/api/v1/cases/{child_case['id']}/signals/{locked['id']}/open"
    no_reason = client.post(url, json={"legal_basis": "danger_to_life_or_health"}, headers=children.headers)
    assert no_reason.status_code == 422 and error_of(no_reason)["details"][0]["field"] == "justification"
    assert client.post(url, json={"legal_basis": "danger_to_life_or_health", "justification": "Akut fare"},
                       headers=adults.headers).status_code == 404  # no relation to the children's case
    opened = client.post(url, json={"legal_basis": "danger_to_life_or_health", "justification": "Akut fare"},
                         headers=children.headers)
    assert opened.status_code == 200 and opened.get_json()["other_unit"]["owner_name"] == "sig-vi"
    disclosures = client.get(f"/api/v1/cases/{adult_case['id']}/disclosures", headers=adults.headers).get_json()
    assert [d["legal_exception"] for d in disclosures["disclosures"]] == ["danger_to_life_or_health"]


def test_no_signal_between_two_involved_links_or_with_a_closed_case(client, two_units):
    lead, children, adults, stranger, (child_case, adult_case), person = two_units
    _link(client, children, child_case, person, "involved", "sibling")
    _link(client, adults, adult_case, person, "involved", "parent")
    assert _signals(client, children, child_case) == []  # nobody's subject: no unit works with *them*
    client.patch(f"/api/v1/cases/{child_case['id']}/persons/{person}", json={"role": "subject"},
                 headers=children.headers)
    assert len(_signals(client, children, child_case)) == 1
    closed = client.post(f"/api/v1/cases/{adult_case['id']}/close", json={"reason": "no_concern"},
                         headers=lead.headers)
    assert closed.status_code == 200, closed.get_json()
    assert _signals(client, children, child_case) == []
