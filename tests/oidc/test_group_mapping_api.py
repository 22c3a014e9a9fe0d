"""The identity provider's group mapping over the API: administrators read and change it; values
seen at sign-in that map to nothing are listed with it."""

from __future__ import annotations

from urllib.parse import quote

from tests.api.helpers import error_of
from tests.oidc.helpers import sign_in


def test_administrators_map_provider_values_and_see_the_unmapped_ones(client, provider, db_session, make_account):
    admin = make_account("admin", name="root")
    make_account("raadgiver-boern", name="colleague")  # the group exists
    provider.set_user("anna", ["Team Børn", "Afd. 4/Børn"])
    value = quote("Afd. 4/Børn", safe="")

    created = client.put(f"/api/v1/admin/group-mappings/{quote('Team Børn')}", json={"group_key": "raadgiver-boern"},
                         headers=admin.headers)
    assert created.status_code == 200
    assert created.get_json() == {"external_value": "Team Børn", "group_key": "raadgiver-boern"}
    assert sign_in(client, provider, "anna").status_code == 302

    listing = client.get("/api/v1/admin/group-mappings", headers=admin.headers).get_json()
    assert listing["items"] == [{"external_value": "Team Børn", "group_key": "raadgiver-boern"}]
    assert [row["external_value"] for row in listing["unmapped"]] == ["Afd. 4/Børn"]
    assert listing["unmapped"][0]["last_seen_at"].endswith(("+01:00", "+02:00"))

    assert client.put(f"/api/v1/admin/group-mappings/{value}", json={"group_key": "admin"},
                      headers=admin.headers).status_code == 200
    assert client.get("/api/v1/admin/group-mappings", headers=admin.headers).get_json()["unmapped"] == []
    after = client.delete(f"/api/v1/admin/group-mappings/{value}", headers=admin.headers)
    assert after.status_code == 200
    assert [row["external_value"] for row in after.get_json()["unmapped"]] == ["Afd. 4/Børn"]


def test_only_administrators_and_only_existing_groups(client, provider, make_account):
    admin = make_account("admin", name="root")
    other = make_account("raadgiver-boern", name="other")
    path = "/api/v1/admin/group-mappings/Team"

    assert client.get("/api/v1/admin/group-mappings", headers=other.headers).status_code == 403
    assert client.put(path, json={"group_key": "nope!"}, headers=other.headers).status_code == 403
    assert client.delete(path, headers=other.headers).status_code == 403
    unknown = client.put(path, json={"group_key": "no-such-group"}, headers=admin.headers)
    assert unknown.status_code == 422 and error_of(unknown)["details"][0]["field"] == "group_key"
    assert client.put(path, json={"group_key": "Bad Key"}, headers=admin.headers).status_code == 422
    assert client.delete(path, headers=admin.headers).status_code == 404
