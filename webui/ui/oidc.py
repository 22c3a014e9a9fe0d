"""Signing in with the municipality's identity provider (OpenID Connect, with Authlib).

Authorization code flow with PKCE (S256), state and nonce kept in the session cookie by Authlib;
the ID token's signature (the provider's published keys), issuer, audience, expiry and nonce are
checked before engine.users.oidc_signin creates or updates the user. Sign-out goes on to the
provider (RP-initiated logout); the provider's back-channel logout ends the person's sessions here.
Only configured when CASEPATH_OIDC_ISSUER is set.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user
from joserfc.errors import JoseError

from engine.config import Settings
from engine.errors import InvalidInput
from engine.users import oidc_logout, oidc_signin
from webui import clock
from webui.database import get_session
from webui.ui import errors, sessions
from webui.ui.auth import AuthUser, render_login, safe_next
from webui.ui.security import csrf

log = logging.getLogger(__name__)
bp = Blueprint("oidc", __name__)
errors.install(bp)
EXTENSION, NEXT, VIA_PROVIDER = "casepath.oidc", "cp_oidc_next", "cp_via_provider"
SCOPE = "openid profile email"
PENDING = "_state_provider_"  # Authlib keeps a pending sign-in's state, nonce and PKCE verifier here


class ProviderUnavailable(Exception):
    """The provider cannot be reached, or its discovery document names another issuer."""


def configure(app: Flask, settings: Settings) -> None:
    """Register the provider as an Authlib client (when configured); tell the templates how one signs in."""
    app.context_processor(lambda: {"oidc_sign_in": settings.oidc_enabled, "local_login": settings.local_login})
    if not settings.oidc_enabled:
        return
    oauth = OAuth(app)
    app.extensions[EXTENSION] = oauth.register(
        "provider", client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret or None,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "default_timeout": 10},
    )


def _settings() -> Settings:
    return current_app.config["CASEPATH"]


def _client() -> Any:
    client = current_app.extensions.get(EXTENSION)
    if client is None:
        abort(404)
    return client


def _metadata(client: Any) -> dict[str, Any]:
    """The discovery document, which must name the configured issuer (OpenID Connect Discovery 4.3)."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable("discovery failed") from exc
    if str(metadata.get("issuer", "")).rstrip("/") != _settings().oidc_issuer.rstrip("/"):
        raise ProviderUnavailable("the discovery document names another issuer")
    return metadata


def _unavailable(exc: Exception) -> ResponseReturnValue:
    log.warning("identity provider unavailable: %s", exc)
    return render_login(_("Organisationens login kan ikke bruges lige nu. Prøv igen om lidt."), 503)


@bp.get("/log-ind/organisation")
def start() -> ResponseReturnValue:
    """Send the browser to the provider's sign-in (a fresh state, nonce and PKCE verifier each time)."""
    client = _client()
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    try:
        _metadata(client)
    except ProviderUnavailable as exc:
        return _unavailable(exc)
    for key in [key for key in session if key.startswith(PENDING)]:
        session.pop(key)  # one pending sign-in per browser: abandoned ones would only grow the cookie
    session[NEXT] = safe_next(request.args.get("next"))
    return client.authorize_redirect(url_for("oidc.callback", _external=True))


def _verified_claims(client: Any) -> dict[str, Any]:
    """The ID token's claims after Authlib checked state, code exchange, signature and claims."""
    issuer = _metadata(client)["issuer"]
    options = {"iss": {"essential": True, "values": [issuer]},
               "aud": {"essential": True, "values": [_settings().oidc_client_id]}}
    token = client.authorize_access_token(claims_options=options, leeway=60)
    claims = token.get("userinfo")
    if not claims:
        raise OAuthError(description="no ID token")
    return dict(claims)


REFUSALS = {
    "deactivated": lambda: _("Din bruger er deaktiveret i casepath. Kontakt en administrator."),
    "no_groups": lambda: _("Din organisationskonto giver ikke adgang til casepath: ingen af dine grupper "
                           "er knyttet til en gruppe her. Kontakt en administrator."),
    "username_taken": lambda: _("Der findes allerede en lokal bruger med dit brugernavn. Kontakt en administrator."),
    "last_admin": lambda: _("Den sidste aktive administrator kan ikke miste administratorgruppen. "
                            "Kontakt en anden administrator."),
}


@bp.get("/log-ind/oidc/callback")
def callback() -> ResponseReturnValue:
    """The provider's answer: check it, find or create the user, follow the groups claim, sign in."""
    client = _client()
    try:
        claims = _verified_claims(client)
    except (ProviderUnavailable, requests.RequestException) as exc:
        return _unavailable(exc)
    except (OAuthError, JoseError, ValueError, KeyError) as exc:
        log.warning("sign-in with the identity provider refused: %s", type(exc).__name__)
        return render_login(_("Login hos organisationen kunne ikke gennemføres. Prøv igen."), 400)
    db = get_session()
    identity = oidc_signin.identity_from_claims(claims, claims["iss"], _settings().oidc_groups_claim)
    try:
        result = oidc_signin.sign_in(db, identity, clock.service_clock())
    except oidc_signin.SignInRefused as exc:
        log.info("sign-in with the identity provider refused here: %s", exc.reason)
        return render_login(REFUSALS[exc.reason](), 403)
    target = session.get(NEXT) or url_for("inbox.index")
    session.clear()  # a new session on sign-in (no fixation); it also renews the CSRF token
    login_user(AuthUser(result.user))
    sessions.start(result.user)
    session[VIA_PROVIDER] = True
    _tell_changes(result)
    return redirect(safe_next(target))


def _tell_changes(result: oidc_signin.ProviderSignIn) -> None:
    if result.created or not (result.added or result.removed):
        return
    flash(_("Dine grupper er opdateret fra organisationen. Nye: %(added)s. Fjernet: %(removed)s. "
            "Opgaver lagt tilbage til grupperne: %(n)s.", added=", ".join(result.added) or "-",
            removed=", ".join(result.removed) or "-", n=result.released_tasks), "info")


def provider_logout(via_provider: bool) -> ResponseReturnValue | None:
    """After signing out here: a page that goes on to the provider's sign-out, or None (no provider).

    A page rather than a redirect: the sign-out form's POST may only lead to this site (CSP form-action).
    """
    client = current_app.extensions.get(EXTENSION)
    if client is None or not via_provider:
        return None
    try:
        if not _metadata(client).get("end_session_endpoint"):
            return None
        url = client.create_logout_url(post_logout_redirect_uri=url_for("auth.login", _external=True),
                                       client_id=_settings().oidc_client_id)["url"]
    except ProviderUnavailable:
        return None
    return render_template("oidc_logout.html", url=url)


@bp.post("/log-ind/oidc/backchannel-logout")
@csrf.exempt
def backchannel_logout() -> ResponseReturnValue:
    """The provider says a person signed out there: end all their sessions here (Back-Channel Logout 1.0)."""
    client = _client()
    token = request.form.get("logout_token") or ""
    try:
        metadata = _metadata(client)
        claims = _logout_claims(client, metadata, token)
    except (ProviderUnavailable, requests.RequestException) as exc:
        log.warning("back-channel logout: provider unavailable: %s", exc)
        return {"error": "temporarily_unavailable"}, 503, {"Cache-Control": "no-store"}
    except InvalidInput:
        return {"error": "invalid_request"}, 400, {"Cache-Control": "no-store"}
    oidc_logout.end_provider_sessions(get_session(), claims["iss"], claims["sub"])
    return "", 200, {"Cache-Control": "no-store"}


def _logout_claims(client: Any, metadata: dict[str, Any], token: str) -> dict[str, Any]:
    algorithms = metadata.get("id_token_signing_alg_values_supported")
    args = (metadata["issuer"], _settings().oidc_client_id, algorithms)
    try:
        return oidc_logout.verify_logout_token(token, client.fetch_jwk_set(), *args)
    except InvalidInput:  # perhaps a new signing key: fetch the keys once more
        return oidc_logout.verify_logout_token(token, client.fetch_jwk_set(force=True), *args)
