"""Signing in with the identity provider (a real oidc-provider on loopback) through Flask's test client:
users created on first sign-in, groups following the claim with held tasks released, and refusals."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask
from sqlalchemy import select

from engine.users.models import User
from engine.users.oidc_models import UnmappedGroupValue
from engine.users.service import create_token
from tests.api.helpers import deploy
from tests.oidc.conftest import CLIENT_ID
from tests.oidc.helpers import callback_url, map_groups, provider_user, sign_in
from tests.ui.helpers import PASSWORD, login, make_user, post, text
from webui import create_app


def _signed_in(client) -> bool:
    response = client.get("/")  # signed out: the sign-in page
    return response.status_code == 200 and "<title>Log ind" not in text(response)


def test_first_sign_in_creates_the_user_with_the_groups_the_claim_maps_to(client, provider, db_session):
    map_groups(db_session, {"Team Børn": "raadgiver-boern"})
    provider.set_user("anna", ["Team Børn", "Kantineudvalget"])

    response = sign_in(client, provider, "anna")

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _signed_in(client)
    user = provider_user(db_session, "anna")
    assert user.username == "anna" and user.group_keys == {"raadgiver-boern"}
    assert user.external_issuer == provider.issuer and user.password_hash is None
    assert user.email == "anna@kommune.example" and user.full_name == "Anna Testesen"
    # The unknown value gave no group, and an administrator sees it on the users page.
    assert db_session.get(UnmappedGroupValue, "Kantineudvalget") is not None
    make_user(db_session, "root", "admin")
    admin = client.application.test_client()
    login(admin, "root")
    page = text(admin.get("/admin/brugere"))
    assert "Kantineudvalget" in page and "Organisationens konto" in page and "Lokal adgangskode" in page


def test_groups_follow_the_claim_at_every_sign_in_and_held_tasks_go_back(client, provider, db_session, make_account):
    map_groups(db_session, {"Modtagelse": "modtagerteam", "Team Børn": "raadgiver-boern"})
    provider.set_user("anna", ["Modtagelse"])
    assert sign_in(client, provider, "anna").status_code == 302
    anna = provider_user(db_session, "anna")
    lead = make_account("teamleder", "modtagerteam", name="lead")
    assert deploy(client, lead.headers).status_code == 201
    case = client.post("/api/v1/cases", json={"process_key": "review"}, headers=lead.headers).get_json()
    task_id = case["tasks"][0]["id"]
    anna_api = {"Authorization": f"Bearer {create_token(db_session, 'anna')}"}  # API tokens work for them too
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=anna_api).status_code == 200
    client.post("/log-ud", data={"csrf_token": _token(client)})

    provider.set_user("anna", ["Team Børn"])  # moved to another team in the directory
    response = sign_in(client, provider, "anna")

    assert response.status_code == 302
    page = text(client.get("/"))
    assert "Nye: raadgiver-boern" in page and "Fjernet: modtagerteam" in page
    assert "Opgaver lagt tilbage til grupperne: 1" in page
    assert provider_user(db_session, "anna").group_keys == {"raadgiver-boern"} and anna.id
    task = client.get(f"/api/v1/tasks/{task_id}", headers=lead.headers).get_json()
    assert task["assignee"] is None
    events = client.get(f"/api/v1/cases/{case['id']}/events", headers=lead.headers).get_json()["events"]
    assert any(e["kind"] == "task_unclaimed" and "forladt gruppen" in e["summary"] for e in events)


def _token(client) -> str:
    from tests.ui.helpers import csrf_token

    return csrf_token(client, "/profil")


def test_a_user_whose_groups_all_left_the_directory_cannot_sign_in(client, provider, db_session):
    map_groups(db_session, {"Team Børn": "raadgiver-boern"})
    provider.set_user("anna", ["Team Børn"])
    assert sign_in(client, provider, "anna").status_code == 302
    client.post("/log-ud", data={"csrf_token": _token(client)})

    provider.set_user("anna", ["Kantineudvalget"])
    response = sign_in(client, provider, "anna")

    assert response.status_code == 403 and "ingen af dine grupper" in text(response)
    assert not _signed_in(client)
    assert provider_user(db_session, "anna").group_keys == frozenset()


def test_a_user_deactivated_here_cannot_sign_in_with_the_provider(client, provider, db_session):
    map_groups(db_session, {"Team Børn": "raadgiver-boern"})
    provider.set_user("anna", ["Team Børn"])
    assert sign_in(client, provider, "anna").status_code == 302
    client.post("/log-ud", data={"csrf_token": _token(client)})
    provider_user(db_session, "anna").active = False
    db_session.commit()

    response = sign_in(client, provider, "anna")

    assert response.status_code == 403 and "deaktiveret" in text(response)
    assert not _signed_in(client)


def test_a_local_user_with_the_same_name_is_never_taken_over(client, provider, db_session):
    map_groups(db_session, {"Administration": "admin"})
    make_user(db_session, "root", "admin")
    provider.set_user("root", ["Administration"])

    response = sign_in(client, provider, "root")

    assert response.status_code == 403 and "lokal bruger" in text(response)
    assert provider_user(db_session, "root") is None and not _signed_in(client)


def test_a_provider_naming_another_issuer_is_refused(app, provider, settings, connection):
    wrong = replace(settings, oidc_issuer=provider.issuer.replace("127.0.0.1", "localhost"))
    other = create_app(wrong)
    other.extensions["casepath.sessions"] = app.extensions["casepath.sessions"]
    client = other.test_client()

    response = client.get("/log-ind/organisation")

    assert response.status_code == 503 and "Organisationens login kan ikke bruges" in text(response)
    assert "Location" not in response.headers
    other.extensions["casepath.engine"].dispose()


def test_a_replayed_state_is_refused(client, app: Flask, provider, db_session):
    map_groups(db_session, {"Team Børn": "raadgiver-boern"})
    provider.set_user("anna", ["Team Børn"])
    url = callback_url(client, provider, "anna")
    assert client.get(url).status_code == 302
    client.post("/log-ud", data={"csrf_token": _token(client)})

    again = client.get(url)  # the same browser, after the state was used
    elsewhere = app.test_client().get(url)  # someone else's browser with a copied URL

    for response in (again, elsewhere):
        assert response.status_code == 400 and "kunne ikke gennemføres" in text(response)
    assert not _signed_in(client)


def test_a_tampered_id_token_is_refused(client, provider, db_session):
    map_groups(db_session, {"Team Børn": "raadgiver-boern", "admins": "admin"})
    provider.set_user("anna", ["Team Børn"])
    provider.tamper("id_token")  # the payload now says groups: ["admin"], the signature is the provider's

    response = sign_in(client, provider, "anna")

    assert response.status_code == 400 and "kunne ikke gennemføres" in text(response)
    assert provider_user(db_session, "anna") is None and not _signed_in(client)


def test_a_user_the_provider_no_longer_accepts_cannot_sign_in(client, provider, db_session):
    map_groups(db_session, {"Team Børn": "raadgiver-boern"})
    provider.set_user("anna", ["Team Børn"], disabled=True)

    with pytest.raises(AssertionError, match="the provider answered 200"):  # stays on the provider's login form
        sign_in(client, provider, "anna")

    assert provider_user(db_session, "anna") is None and not _signed_in(client)


def test_signing_out_goes_on_to_the_provider(client, provider, db_session):
    map_groups(db_session, {"Team Børn": "raadgiver-boern"})
    provider.set_user("anna", ["Team Børn"])
    sign_in(client, provider, "anna")

    response = client.post("/log-ud", data={"csrf_token": _token(client)})

    assert response.status_code == 200
    page = text(response)
    assert f'url={provider.issuer}/session/end?' in page and f"client_id={CLIENT_ID}" in page
    assert "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Flog-ind" in page
    assert not _signed_in(client)


def test_a_forged_back_channel_logout_is_refused_and_ends_nothing(client, provider, db_session):
    map_groups(db_session, {"Team Børn": "raadgiver-boern"})
    provider.set_user("anna", ["Team Børn"])
    sign_in(client, provider, "anna")
    forged = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4Iiwic3ViIjoiYW5uYSJ9."

    response = client.application.test_client().post("/log-ind/oidc/backchannel-logout",
                                                      data={"logout_token": forged})

    assert response.status_code == 400 and response.get_json() == {"error": "invalid_request"}
    assert _signed_in(client)


def test_with_local_passwords_off_only_the_provider_signs_in_and_tokens_keep_working(
        app, provider, settings, db_session, make_account):
    off = create_app(replace(settings, local_login=False), WTF_CSRF_ENABLED=False)  # the page has no form
    off.extensions["casepath.sessions"] = app.extensions["casepath.sessions"]
    client = off.test_client()
    make_user(db_session, "lokal", "modtagerteam")
    account = make_account("modtagerteam", name="integration")

    page = text(client.get("/log-ind"))
    response = client.post("/log-ind", data={"username": "lokal", "password": PASSWORD})

    assert "Log ind med organisationens konto" in page and 'name="password"' not in page
    assert response.status_code == 403 and "slået fra" in text(response)
    assert client.get("/api/v1/me", headers=account.headers).status_code == 200
    off.extensions["casepath.engine"].dispose()


def test_without_a_provider_the_sign_in_page_has_only_passwords(client, settings, provider):
    plain = create_app(replace(settings, oidc_issuer="", oidc_client_id=""))
    page = text(plain.test_client().get("/log-ind"))
    assert 'name="password"' in page and "organisationens konto" not in page
    assert plain.test_client().get("/log-ind/organisation").status_code == 404
    plain.extensions["casepath.engine"].dispose()


def test_administrators_map_provider_values_to_groups(client, provider, db_session):
    map_groups(db_session, {"Team Børn": "raadgiver-boern"})
    make_user(db_session, "root", "admin")
    provider.set_user("anna", ["Team Børn", "Modtagelse"])
    sign_in(client, provider, "anna")
    admin = client.application.test_client()
    login(admin, "root")
    assert "Modtagelse" in text(admin.get("/admin/brugere/organisationsgrupper"))

    bad = post(admin, "/admin/brugere/organisationsgrupper", {"external_value": "Modtagelse", "group_key": "nope"})
    saved = post(admin, "/admin/brugere/organisationsgrupper", {"external_value": "Modtagelse", "group_key": "admin"})

    assert bad.status_code == 422 and "Vælg en gruppe" in text(bad)
    assert saved.status_code == 302
    page = text(admin.get("/admin/brugere/organisationsgrupper"))
    assert "Værdier uden tilknytning" in page and "Ingen – alle værdier" in page
    assert post(admin, "/admin/brugere/organisationsgrupper/slet", {"external_value": "Modtagelse"}).status_code == 302
    assert "Modtagelse" in text(admin.get("/admin/brugere"))  # unmapped again
    assert post(client, "/admin/brugere/organisationsgrupper",
                {"external_value": "x", "group_key": "admin"}).status_code == 403  # anna is no administrator
    assert db_session.scalar(select(User).where(User.username == "anna")).group_keys == {"raadgiver-boern"}
