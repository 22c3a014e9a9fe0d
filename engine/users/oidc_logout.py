"""Back-channel logout (OpenID Connect Back-Channel Logout 1.0): the provider tells casepath that a
person signed out there, and every casepath web session of that person ends (the session epoch).

The logout token is a JWT signed by the provider; it is checked like an ID token (signature against
the provider's keys, issuer, audience, age) plus its own rules: the back-channel event, a `jti`, a
subject, and no nonce.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlalchemy.orm import Session

from engine.clock import Clock, system_clock
from engine.errors import InvalidInput
from engine.users.oidc_signin import find_user
from engine.users.service import end_sessions

LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
MAX_AGE_SECONDS = 600
LEEWAY_SECONDS = 120


def verify_logout_token(token: str, jwks: dict[str, Any], issuer: str, client_id: str,
                        algorithms: Sequence[str] | None = None, clock: Clock = system_clock) -> dict[str, Any]:
    """The claims of a valid logout token; InvalidInput for anything else (never says more than that)."""
    try:
        decoded = jwt.decode(token, KeySet.import_key_set(jwks),
                             registry=JWSRegistry(algorithms=list(algorithms) if algorithms else None))
        now = int(clock().timestamp())
        jwt.JWTClaimsRegistry(now=now, leeway=LEEWAY_SECONDS, iss={"essential": True, "value": issuer},
                              aud={"essential": True, "value": client_id}, iat={"essential": True},
                              jti={"essential": True}).validate(decoded.claims)
    except (JoseError, ValueError, TypeError) as exc:
        raise InvalidInput("not a valid logout token") from exc
    claims = decoded.claims
    events = claims.get("events")
    if (not isinstance(events, dict) or LOGOUT_EVENT not in events or "nonce" in claims
            or not isinstance(claims.get("sub"), str) or now - int(claims["iat"]) > MAX_AGE_SECONDS):
        raise InvalidInput("not a valid logout token")
    return claims


def end_provider_sessions(session: Session, issuer: str, subject: str) -> bool:
    """End every web session of the user the provider knows as `subject`; commit. False: no such user."""
    user = find_user(session, issuer, subject)
    if user is None:
        return False
    end_sessions(user)
    session.commit()
    return True
