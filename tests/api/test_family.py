"""Issue 13: a child's case and a parent's adult case linked as a family, shown on both under the access
rule: the other case's reference only for those with a relation to it."""

from __future__ import annotations

from tests.api.helpers import DATA, error_of


def test_a_family_link_is_shown_on_both_cases_under_the_rule(client, make_account):
    lead = make_account("teamleder", name="fam-lead")
    children, adults = make_account("raadgiver-boern", name="fam-bo"), make_account("raadgiver-voksen", name="fam-vi")
    assert client.post("/api/v1/process-models", data=(DATA / "matrix.bpmn").read_bytes(), headers=lead.headers,
                       content_type="application/xml").status_code == 201
    child, adult = (client.post("/api/v1/cases", json={"process_key": "matrix"}, headers=lead.headers).get_json()
                    for _ in range(2))
    for case, owner in ((child, children), (adult, adults)):
        client.post(f"/api/v1/cases/{case['id']}/owner", json={"username": owner.user.username}, headers=lead.headers)
    # The children's caseworker has no relation to the adults' case: the 404 of a missing case.
    hidden = client.post(f"/api/v1/cases/{child['id']}/family", json={"case_id": adult["id"]},
                         headers=children.headers)
    assert hidden.status_code == 404
    itself = client.post(f"/api/v1/cases/{child['id']}/family", json={"case_id": child["id"]}, headers=lead.headers)
    assert itself.status_code == 422 and error_of(itself)["details"][0]["field"] == "case_id"
    made = client.post(f"/api/v1/cases/{child['id']}/family", json={"case_id": adult["id"]}, headers=lead.headers)
    assert made.status_code == 201 and made.get_json()["reference"] == adult["reference"]
    again = client.post(f"/api/v1/cases/{adult['id']}/family", json={"case_id": child["id"]}, headers=lead.headers)
    assert again.status_code == 409

    [seen_by_child_owner] = client.get(f"/api/v1/cases/{child['id']}/family", headers=children.headers).get_json()[
        "items"]
    assert seen_by_child_owner["visible"] is False and seen_by_child_owner["reference"] is None
    [seen_by_adult_owner] = client.get(f"/api/v1/cases/{adult['id']}/family", headers=adults.headers).get_json()[
        "items"]
    assert seen_by_adult_owner["visible"] is False and seen_by_adult_owner["case_id"] is None
    [seen_by_lead] = client.get(f"/api/v1/cases/{adult['id']}/family", headers=lead.headers).get_json()["items"]
    assert (seen_by_lead["reference"], seen_by_lead["case_id"]) == (child["reference"], child["id"])

    # Once the adults' caseworker also works on the child's case, they see the reference there too.
    assert client.post(f"/api/v1/cases/{child['id']}/members", json={"username": "fam-vi", "role": "caseworker"},
                       headers=lead.headers).status_code == 201
    [now_visible] = client.get(f"/api/v1/cases/{adult['id']}/family", headers=adults.headers).get_json()["items"]
    assert now_visible["reference"] == child["reference"]
    gone = client.delete(f"/api/v1/cases/{adult['id']}/family/{now_visible['id']}", headers=adults.headers)
    assert gone.status_code == 204
    assert client.get(f"/api/v1/cases/{child['id']}/family", headers=children.headers).get_json()["items"] == []
