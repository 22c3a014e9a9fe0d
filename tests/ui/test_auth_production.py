"""CASEPATH_TESTING never relaxes production: a real secret key of 32 bytes or more, Secure cookies, HSTS."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from engine.config import ConfigError, Settings
from tests.conftest import bound_session
from tests.ui.helpers import make_user
from webui import create_app

KEY = "k" * 32
PUBLIC_FALLBACK = "casepath-development-only-not-secret"


def production_env(**extra: str) -> dict[str, str]:
    return {"CASEPATH_ENV": "production", "DATABASE_URL": "sqlite://", "CASEPATH_DATA_KEY": "d" * 32, **extra}


@pytest.mark.parametrize("env, message", [
    (production_env(CASEPATH_TESTING="1"), "SECRET_KEY is required"),
    (production_env(SECRET_KEY="x" * 31), "at least 32 bytes"),
    (production_env(SECRET_KEY="æ" * 15), "at least 32 bytes"),  # 30 bytes in UTF-8
    (production_env(SECRET_KEY=KEY, CASEPATH_TESTING="1"), "CASEPATH_TESTING=1 is for tests only"),
    (production_env(SECRET_KEY=KEY, CASEPATH_MAIL_FOLDER="/tmp/mail"), "development only"),
])
def test_production_refuses_to_start(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_a_32_byte_key_is_enough_and_testing_still_relaxes_development():
    assert Settings.from_env(production_env(SECRET_KEY=KEY)).is_development is False
    assert Settings.from_env({"CASEPATH_ENV": "development", "CASEPATH_TESTING": "1"}).is_development


@pytest.mark.parametrize("changes", [
    {"testing": True, "secret_key": KEY},
    {"testing": False, "secret_key": ""},
    {"testing": False, "secret_key": "short"},
])
def test_the_app_refuses_production_settings_made_without_the_checks(settings, changes):
    with pytest.raises(ConfigError):
        create_app(replace(settings, env="production", **changes))


def forged_cookie(user_id: str) -> str:
    """A session cookie for `user_id` signed with the public development key."""
    forger = Flask("forger")
    forger.secret_key = PUBLIC_FALLBACK
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    return serializer.dumps({"_user_id": user_id, "_fresh": True})


def test_a_cookie_forged_with_the_public_key_reaches_nothing_in_production(settings, connection, db_session):
    admin = make_user(db_session, "admin1", "admin")
    production = create_app(replace(settings, env="production", testing=False, secret_key=KEY, data_key="d" * 32))
    production.extensions["casepath.sessions"] = lambda: bound_session(connection)
    client = production.test_client()
    client.set_cookie("casepath_session", forged_cookie(str(admin.id)))
    page = client.get("/admin/brugere", headers={"X-Forwarded-Proto": "https"})
    assert page.status_code == 302 and page.headers["Location"].startswith("/log-ind")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert production.config["SESSION_COOKIE_SECURE"] and production.config["REMEMBER_COOKIE_SECURE"]
    production.extensions["casepath.engine"].dispose()


def test_a_correctly_signed_cookie_without_the_session_stamps_is_refused(settings, connection, db_session):
    admin = make_user(db_session, "admin1", "admin")
    app = create_app(replace(settings, secret_key=PUBLIC_FALLBACK))
    app.extensions["casepath.sessions"] = lambda: bound_session(connection)
    client = app.test_client()
    client.set_cookie("casepath_session", forged_cookie(str(admin.id)))
    assert client.get("/admin/brugere").status_code == 302
    app.extensions["casepath.engine"].dispose()
