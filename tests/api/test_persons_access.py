"""Putting a person on a case and taking them off, per relation (the access matrix's world): rows the
matrix cannot hold, since each success needs a person of its own."""

from __future__ import annotations

from tests.api.test_access_matrix import RELATIONS, world  # noqa: F401 - the matrix's fixture

LINK = (201, 201, 403, 403, 403, 201, 404, 403, 404)
UNLINK = (204, 204, 403, 403, 403, 204, 404, 403, 404)


def test_adding_and_removing_persons_is_case_work(client, world):  # noqa: F811
    users, ids = world
    path = f"/api/v1/cases/{ids['case']}/persons"
    added, removed = [], []
    for relation in RELATIONS:
        person = client.post("/api/v1/persons", json={"name": "Bror"}, headers=users["owner"].headers).get_json()
        body = {"person_id": person["id"], "role": "involved", "relation": "sibling"}
        added.append(client.post(path, json=body, headers=users[relation].headers).status_code)
        client.post(path, json=body, headers=users["owner"].headers)
        removed.append(client.delete(f"{path}/{person['id']}", headers=users[relation].headers).status_code)
    assert dict(zip(RELATIONS, added, strict=True)) == dict(zip(RELATIONS, LINK, strict=True))
    assert dict(zip(RELATIONS, removed, strict=True)) == dict(zip(RELATIONS, UNLINK, strict=True))


def test_a_refused_body_is_judged_only_after_the_relation(client, world):  # noqa: F811
    users, ids = world
    path = f"/api/v1/cases/{ids['case']}/persons"
    for relation, status in (("knowledge", 403), ("stranger", 404), ("owner", 422)):
        assert client.post(path, json={"role": "boss"}, headers=users[relation].headers).status_code == status
