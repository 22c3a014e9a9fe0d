"""Signing in through the test provider with Flask's test client."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.users.models import User
from engine.users.oidc_models import GroupMapping
from tests.oidc.conftest import CALLBACK, RealProvider, provider_login


def callback_url(client: FlaskClient, provider: RealProvider, username: str) -> str:
    """Start the sign-in at casepath, sign in at the provider; the callback URL it sends back."""
    start = client.get("/log-ind/organisation")
    assert start.status_code == 302, start.get_data(as_text=True)
    assert start.headers["Location"].startswith(provider.issuer + "/auth?")
    return provider_login(start.headers["Location"], username, "http://localhost" + CALLBACK)


def sign_in(client: FlaskClient, provider: RealProvider, username: str):
    """The whole sign-in; returns casepath's answer to the callback."""
    return client.get(callback_url(client, provider, username))


def map_groups(session: Session, mapping: dict[str, str]) -> None:
    """Provider value -> casepath group (the groups are created when missing)."""
    from engine.users.service import get_or_create_group

    for value, key in mapping.items():
        get_or_create_group(session, key)
        session.add(GroupMapping(external_value=value, group_key=key))
    session.commit()


def provider_user(session: Session, subject: str) -> User | None:
    """The casepath user the provider knows as `subject`."""
    session.expire_all()
    return session.scalar(select(User).where(User.external_subject == subject))
