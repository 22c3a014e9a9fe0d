"""Signing in with the identity provider: who the person is, and which groups they have now.

The provider has already checked the person; this module gets the claims of a verified ID token
(webui/ui/oidc.py checks signature, issuer, audience, expiry and nonce). A user is created on the
first sign-in, found by the provider's issuer and subject afterwards, and their groups follow the
provider's groups claim through the administrators' mapping (engine/users/group_mapping.py) at every
sign-in: a group the directory took away is left here too, with the release of held tasks that
`users groups --remove` does (engine.users.accounts.update_account).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import Clock, system_clock
from engine.errors import PermissionDenied
from engine.users import accounts, group_mapping
from engine.users.models import User
from engine.users.names import USERNAME
from engine.users.permissions import ADMIN_GROUP
from engine.users.service import end_sessions, get_or_create_group

MAX_VALUES = 500  # a directory user in more groups than this is a misconfigured claim, not a person
_NOT_IN_NAME = re.compile(r"[^\w.@-]")


@dataclass(frozen=True)
class ExternalIdentity:
    """What a verified ID token says about the person."""

    issuer: str
    subject: str
    username: str
    email: str
    full_name: str
    values: tuple[str, ...]  # the groups claim's values


@dataclass(frozen=True)
class ProviderSignIn:
    """The outcome of a sign-in: the user, whether new, group changes and tasks given back."""

    user: User
    created: bool
    added: tuple[str, ...]
    removed: tuple[str, ...]
    released_tasks: int
    unmapped: tuple[str, ...]


class SignInRefused(PermissionDenied):
    """The provider vouched for the person, but casepath does not let them in; `reason` says why:
    deactivated, no_groups, username_taken or last_admin."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"sign-in refused: {reason}")
        self.reason = reason


def claim_values(raw: object) -> tuple[str, ...]:
    """The groups claim as strings: a list (Entra ID, AD FS), or one string; anything else is none."""
    items = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    values = (str(item).strip() for item in items[:MAX_VALUES] if isinstance(item, str | int))
    return tuple(dict.fromkeys(v for v in values if v and len(v) <= group_mapping.MAX_VALUE))


def _username(claims: Mapping[str, object]) -> str:
    for key in ("preferred_username", "email", "sub"):
        text = str(claims.get(key) or "").strip()
        if text:
            return _NOT_IN_NAME.sub("-", text)[:64]
    return ""


def identity_from_claims(claims: Mapping[str, object], issuer: str, groups_claim: str) -> ExternalIdentity:
    """The identity in an ID token's (already verified) claims."""
    email = str(claims.get("email") or "").strip()[:254]
    return ExternalIdentity(
        issuer=issuer, subject=str(claims["sub"]), username=_username(claims),
        email=email if "@" in email else "", full_name=str(claims.get("name") or "").strip()[:200],
        values=claim_values(claims.get(groups_claim)),
    )


def find_user(session: Session, issuer: str, subject: str) -> User | None:
    """The user the provider knows as `subject`, or None."""
    query = select(User).where(User.external_issuer == issuer, User.external_subject == subject)
    return session.scalar(query)


def sign_in(session: Session, identity: ExternalIdentity, clock: Clock = system_clock) -> ProviderSignIn:
    """Find or create the user and make their groups those the claim gives; commit.

    Raises SignInRefused (after recording unmapped values) when the user is deactivated here, when
    no value maps to a group (then they also leave every group, their held tasks go back), when a
    local user already has the user name, or when it would take away the last active administrator.
    """
    now = clock()
    wanted, unmapped = group_mapping.groups_for(session, identity.values)
    group_mapping.record_unmapped(session, sorted(unmapped), now)
    user = find_user(session, identity.issuer, identity.subject)
    if user is not None and not user.active:
        _refuse(session, "deactivated")
    if not wanted:
        if user is not None and user.groups:
            _leave_all_groups(session, user, now)
        _refuse(session, "no_groups")
    if user is None:
        return ProviderSignIn(_create(session, identity, wanted), True, tuple(sorted(wanted)), (), 0,
                              tuple(sorted(unmapped)))
    return _follow_claim(session, user, identity, wanted, unmapped, clock)


def _refuse(session: Session, reason: str) -> None:
    session.commit()  # what was recorded (unmapped values, groups left) stays
    raise SignInRefused(reason)


def _create(session: Session, identity: ExternalIdentity, wanted: set[str]) -> User:
    if not USERNAME.match(identity.username) or session.scalar(
            select(User.id).where(User.username == identity.username)) is not None:
        _refuse(session, "username_taken")  # never take over a local account by its name
    user = User(username=identity.username, email=identity.email, full_name=identity.full_name,
                external_issuer=identity.issuer, external_subject=identity.subject)
    user.groups = [get_or_create_group(session, key) for key in sorted(wanted)]
    session.add(user)
    session.commit()
    return user


def _follow_claim(session: Session, user: User, identity: ExternalIdentity, wanted: set[str],
                  unmapped: set[str], clock: Clock) -> ProviderSignIn:
    user.email, user.full_name = identity.email or user.email, identity.full_name or user.full_name
    add, remove = sorted(wanted - user.group_keys), sorted(user.group_keys - wanted)
    released = 0
    try:
        if add or remove:
            released = accounts.update_account(session, user, add=add, remove=remove, clock=clock).released_tasks
        else:
            session.commit()
    except accounts.LastAdministrator:
        session.rollback()
        _refuse(session, "last_admin")
    return ProviderSignIn(user, False, tuple(add), tuple(remove), released, tuple(sorted(unmapped)))


def _leave_all_groups(session: Session, user: User, now: datetime) -> None:
    """The directory gives no casepath group any more: out of every group, held tasks back to them.

    update_account keeps everyone in at least one group (an administrator's slip); here the directory
    decides, so this uses its release of held tasks directly. The last active administrator stays.
    """
    if ADMIN_GROUP in user.group_keys and accounts._active_admins(session) <= 1:
        _refuse(session, "last_admin")
    left = set(user.group_keys)
    user.groups = []
    accounts._release_tasks(session, user, left, None, now, "brugeren har forladt gruppen")
    end_sessions(user)
