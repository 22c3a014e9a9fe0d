"""A token's expiry and last use are shown wherever tokens are listed: GET /api/v1/me/tokens, the
administrators' GET /api/v1/admin/users/{id}/tokens and the page /admin/brugere/{id}."""

from __future__ import annotations

from datetime import timedelta

from engine.users.service import create_token
from tests.ui.helpers import login, make_user, text


def test_the_api_lists_expiry_and_last_use(client, make_account, db_session, service_clock):
    service_clock.set("2026-03-02T09:00:00+01:00")
    admin = make_account("admin")
    lasting = create_token(db_session, admin.user.username, clock=service_clock)
    client.get("/api/v1/me", headers=admin.headers)
    service_clock.advance(timedelta(hours=2))
    items = {t["prefix"]: t for t in client.get("/api/v1/me/tokens", headers=admin.headers).get_json()["items"]}
    used, unused = items[admin.token[:10]], items[lasting[:10]]
    assert used["last_used_at"] == "2026-03-02T11:00:00+01:00" and used["expires_at"] is None
    assert unused["last_used_at"] is None

    short = make_account("modtagerteam")
    create_token(db_session, short.user.username, expires_in_days=30, clock=service_clock)
    listed = client.get(f"/api/v1/admin/users/{short.user.id}/tokens", headers=admin.headers).get_json()["items"]
    assert sorted(str(t["expires_at"]) for t in listed) == ["2026-04-01T12:00:00+02:00", "None"]  # summer time by then


def test_the_admin_page_shows_expiry_and_last_use(client, db_session):
    make_user(db_session, "admin1", "admin")
    user = make_user(db_session, "modtager1", "modtagerteam")
    create_token(db_session, "modtager1", expires_in_days=30)
    login(client, "admin1")
    page = text(client.get(f"/admin/brugere/{user.id}"))
    table = page.split('id="tokens-title"', 1)[1]
    assert "Udløber" in table and "Sidst brugt" in table and "Aldrig brugt" in table
    assert table.count("<time") == 2  # issued and expires; never used
