"""Sign-in, sessions, CSRF, rate limits and security headers of the UI (Flask test client)."""

from __future__ import annotations

import pytest

from tests.ui.helpers import PASSWORD, csrf_token, login, make_user, post, text
from webui import create_app


@pytest.fixture
def reception(db_session):
    return make_user(db_session, "modtager1", "modtagerteam")


def test_anonymous_root_is_the_login_page_and_pages_need_login(client):
    root = client.get("/")
    assert root.status_code == 200 and "Log ind" in text(root) and 'lang="da"' in text(root)
    page = client.get("/opgaver/00000000-0000-0000-0000-000000000001")
    assert page.status_code == 302 and page.headers["Location"].startswith("/log-ind?next=")


def test_security_headers(client):
    response = client.get("/log-ind")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                      "object-src 'none'", "base-uri 'none'", "form-action 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    api = client.get("/api/v1/docs")
    assert "frame-ancestors 'none'" in api.headers["Content-Security-Policy"]
    assert "script-src" not in api.headers["Content-Security-Policy"]


def test_login_sets_a_hardened_session_cookie_and_logout_needs_post(client, reception):
    response = login(client, "modtager1")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "casepath_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # testing; production sets Secure (below)
    assert "Mine opgaver" in text(client.get("/"))
    assert client.get("/log-ud").status_code == 405
    out = post(client, "/log-ud")
    assert out.status_code == 302 and out.headers["Location"] == "/log-ind"
    assert client.get("/profil").status_code == 302


def test_production_cookies_are_secure(settings):
    from dataclasses import replace

    production = replace(settings, env="production", testing=False, secret_key="x" * 32, data_key="d" * 32)
    app = create_app(production)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.test_client().get("/log-ind").headers["Strict-Transport-Security"].startswith("max-age=")
    app.extensions["casepath.engine"].dispose()


def test_wrong_password_and_unknown_user_get_the_same_answer(client, reception):
    wrong = login(client, "modtager1", "forkert")
    unknown = login(client, "nobody", "forkert")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Forkert brugernavn eller adgangskode." in text(response)
    assert 'value="modtager1"' in text(wrong)


def test_login_redirects_only_to_local_paths(client, reception):
    token = csrf_token(client)
    for target, expected in (("/profil", "/profil"), ("//evil.example/x", "/"), ("https://evil.example", "/")):
        response = client.post("/log-ind", data={"username": "modtager1", "password": "korrekt-hest-batteri-1",
                                                 "csrf_token": token, "next": target})
        assert response.headers["Location"] == expected
        post(client, "/log-ud")
        token = csrf_token(client)


def test_forms_need_a_csrf_token_but_the_api_does_not(client, reception, make_account):
    assert client.post("/log-ind", data={"username": "modtager1", "password": "x"}).status_code == 400
    login(client, "modtager1")
    response = client.post("/profil", data={"email": "a@example.invalid", "locale": "da"})
    assert response.status_code == 400 and "Siden er udløbet" in text(response)
    lead = make_account("teamleder")
    assert client.get("/api/v1/process-models", headers=lead.headers).status_code == 200
    api = client.post("/api/v1/cases", json={"process_key": "nope", "data": {}}, headers=lead.headers)
    assert api.status_code == 422  # reached the API: no CSRF check in the way


def test_the_api_neither_reads_nor_refreshes_the_page_cookie(client, reception, make_account):
    login(client, "modtager1")  # the browser holds a signed-in page cookie
    assert "Mine opgaver" in text(client.get("/"))
    signed_in_cookie = client.get("/api/v1/me")
    assert signed_in_cookie.status_code == 401  # a page's cookie is no API key
    answer = client.get("/api/v1/me", headers=make_account("modtagerteam").headers)
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers
    assert "Set-Cookie" in client.get("/").headers  # pages still refresh their cookie


def test_login_attempts_are_rate_limited_per_ip_and_user_name(client, reception):
    token = csrf_token(client)
    for _ in range(10):
        response = client.post("/log-ind", data={"username": "modtager1", "password": "nej", "csrf_token": token})
        assert response.status_code == 200
    blocked = client.post("/log-ind", data={"username": "modtager1", "password": "nej", "csrf_token": token})
    assert blocked.status_code == 429
    assert "For mange loginforsøg. Vent et minut, og prøv igen." in text(blocked)
    other = client.post("/log-ind", data={"username": "someone-else", "password": "nej", "csrf_token": token})
    assert other.status_code == 200


def test_the_login_limit_is_shared_by_every_web_process_and_stores_no_names(app, settings, connection, reception,
                                                                             db_session):
    from sqlalchemy import select

    from engine.users.models import LoginAttempt
    from tests.conftest import bound_session

    other_process = create_app(settings)  # another gunicorn worker, or another host: same database
    other_process.extensions["casepath.sessions"] = lambda: bound_session(connection)
    first, second = app.test_client(), other_process.test_client()
    for attempt in range(10):
        client = first if attempt % 2 else second
        response = client.post("/log-ind", data={"username": "modtager1", "password": "nej",
                                                 "csrf_token": csrf_token(client)})
        assert response.status_code == 200
    for client in (first, second):
        blocked = client.post("/log-ind", data={"username": "modtager1", "password": PASSWORD,
                                                "csrf_token": csrf_token(client)})
        assert blocked.status_code == 429  # even the right password waits
    stored = " ".join(f"{a.user_key} {a.ip_key}" for a in db_session.scalars(select(LoginAttempt)))
    assert "modtager1" not in stored and "127.0.0.1" not in stored
    other_process.extensions["casepath.engine"].dispose()


def test_a_successful_login_clears_the_failures(client, reception):
    for _ in range(9):
        client.post("/log-ind", data={"username": "modtager1", "password": "nej", "csrf_token": csrf_token(client)})
    assert login(client, "modtager1").status_code == 302
    post(client, "/log-ud")
    for _ in range(9):
        failed = client.post("/log-ind", data={"username": "modtager1", "password": "nej",
                                               "csrf_token": csrf_token(client)})
        assert failed.status_code == 200


def test_unknown_addresses_are_html_outside_the_api(client):
    page = client.get("/findes-ikke")
    assert page.status_code == 404 and "Siden findes ikke" in text(page)
    api = client.get("/api/v1/findes-ikke")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"


def test_deactivated_users_are_signed_out(client, reception, db_session):
    login(client, "modtager1")
    reception.active = False
    db_session.commit()
    assert client.get("/profil").status_code == 302



def test_behind_a_trusted_proxy_the_limit_counts_the_clients_address(settings, connection, reception):
    from dataclasses import replace

    from tests.conftest import bound_session

    proxied = create_app(replace(settings, trusted_proxies=1))
    proxied.extensions["casepath.sessions"] = lambda: bound_session(connection)
    client = proxied.test_client()

    def fail(address: str) -> int:  # only a header value: nothing is sent anywhere
        return client.post("/log-ind", data={"username": "modtager1", "password": "nej",
                                             "csrf_token": csrf_token(client)},
                           headers={"X-Forwarded-For": address}).status_code

    assert [fail("192.0.2.10") for _ in range(10)] == [200] * 10
    assert fail("192.0.2.10") == 429
    assert fail("192.0.2.11") == 200  # another client behind the same proxy is not blocked
    proxied.extensions["casepath.engine"].dispose()
