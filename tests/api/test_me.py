"""GET and PATCH /me: a user's own e-mail address, language and reminder digest."""

from __future__ import annotations

import pytest

from tests.api.helpers import error_of


def test_get_me_shows_the_mail_settings(client, make_account):
    me = make_account("modtagerteam", "vidensperson", name="sofie")
    body = client.get("/api/v1/me", headers=me.headers).get_json()
    assert body == {"username": "sofie", "email": "sofie@example.invalid", "locale": "da",
                    "groups": ["modtagerteam", "vidensperson"], "reminder_digest": False, "digest_hour": 8}


def test_patch_me_changes_only_what_is_given(client, make_account):
    me = make_account("modtagerteam", name="sofie")
    response = client.patch("/api/v1/me", json={"email": "sofie@kommune.example", "locale": "en"},
                            headers=me.headers)
    assert response.status_code == 200
    assert response.get_json()["email"] == "sofie@kommune.example"
    response = client.patch("/api/v1/me", json={"reminder_digest": True, "digest_hour": 6}, headers=me.headers)
    body = client.get("/api/v1/me", headers=me.headers).get_json()
    assert (body["email"], body["locale"], body["reminder_digest"], body["digest_hour"]) == (
        "sofie@kommune.example", "en", True, 6)


@pytest.mark.parametrize("payload, field", [
    ({"email": "not-an-address"}, "email"),
    ({"locale": "sv"}, "locale"),
    ({"digest_hour": 24}, "digest_hour"),
    ({"digest_hour": -1}, "digest_hour"),
    ({"digest_hour": 7.5}, "digest_hour"),
    ({"digest_hour": "8"}, "digest_hour"),
    ({"digest_hour": True}, "digest_hour"),
    ({"reminder_digest": "yes"}, "reminder_digest"),
    ({"reminder_digest": 1}, "reminder_digest"),
    ({"username": "someone-else"}, "username"),
    ({"groups": ["admin"]}, "groups"),
])
def test_bad_input_is_422_with_field_errors_and_changes_nothing(client, make_account, payload, field):
    me = make_account("modtagerteam", name="sofie")
    before = client.get("/api/v1/me", headers=me.headers).get_json()
    # A valid change next to the bad one must not be applied either.
    response = client.patch("/api/v1/me", json={"locale": "en", **payload}, headers=me.headers)
    assert response.status_code == 422
    assert field in [detail["field"] for detail in error_of(response)["details"]]
    assert client.get("/api/v1/me", headers=me.headers).get_json() == before


def test_me_needs_a_token_and_a_json_object(client, make_account):
    assert client.get("/api/v1/me").status_code == 401
    assert client.patch("/api/v1/me", json={"locale": "en"}).status_code == 401
    me = make_account("modtagerteam")
    assert client.patch("/api/v1/me", data="locale=en", headers=me.headers).status_code == 422


def test_me_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "patch"} <= set(paths["/me"]) and "get" in paths["/admin/outbox"]
