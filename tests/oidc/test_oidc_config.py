"""The identity provider's settings: off by default, refused when they could not work or are unsafe."""

from __future__ import annotations

import pytest

from engine.config import ConfigError, Settings

DEV = {"CASEPATH_ENV": "development"}
PRODUCTION = {"SECRET_KEY": "s" * 40, "CASEPATH_DATA_KEY": "d" * 40}


def test_the_default_is_local_passwords_and_no_provider():
    settings = Settings.from_env(DEV)
    assert settings.local_login and not settings.oidc_enabled and settings.oidc_groups_claim == "groups"


def test_the_settings_are_read_from_the_environment():
    settings = Settings.from_env({**PRODUCTION, "CASEPATH_OIDC_ISSUER": "https://login.example/tenant/v2.0",
                                  "CASEPATH_OIDC_CLIENT_ID": "casepath", "CASEPATH_OIDC_CLIENT_SECRET": "zq-secret-9",
                                  "CASEPATH_OIDC_GROUPS_CLAIM": "roles", "CASEPATH_LOCAL_LOGIN": "false"})
    assert settings.oidc_enabled and not settings.local_login and settings.oidc_groups_claim == "roles"
    assert settings.oidc_client_secret == "zq-secret-9" and "zq-secret-9" not in repr(settings)


@pytest.mark.parametrize(("environ", "message"), [
    ({**DEV, "CASEPATH_OIDC_ISSUER": "https://login.example"}, "CASEPATH_OIDC_CLIENT_ID is required"),
    ({**DEV, "CASEPATH_LOCAL_LOGIN": "false"}, "nobody can sign in"),
    ({**PRODUCTION, "CASEPATH_OIDC_ISSUER": "http://login.example", "CASEPATH_OIDC_CLIENT_ID": "c"}, "https"),
    ({**DEV, "CASEPATH_OIDC_ISSUER": "login.example", "CASEPATH_OIDC_CLIENT_ID": "c"}, "https"),
])
def test_unusable_or_unsafe_settings_are_refused(environ, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(environ)
