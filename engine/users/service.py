"""Creating users and groups, issuing and checking personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.clock import Clock, system_clock
from engine.errors import InvalidInput, NotFound
from engine.users import names, passwords
from engine.users.models import ApiToken, Group, User

TOKEN_PREFIX = "cp_"  # noqa: S105 - a public prefix, not a secret
PREFIX_LENGTH = 10  # stored in clear, so operators can name a token without having it
MAX_TOKEN_DAYS = 3650
# A token's last use is written at most this often: a write on every API request would cost more
# than the minute it adds to what `tokens list` shows.
LAST_USED_RESOLUTION = timedelta(minutes=1)
_hasher = PasswordHasher()


def hash_token(token: str) -> str:
    """SHA-256 of a token: tokens are long random strings, so a fast hash is enough."""
    return hashlib.sha256(token.encode()).hexdigest()


def get_or_create_group(session: Session, key: str) -> Group:
    """The group with `key`, created (named after its key) on first use. Does not commit."""
    group = session.scalar(select(Group).where(Group.key == key))
    if group is None:
        group = Group(key=key, name=key)
        session.add(group)
        session.flush()
    return group


def create_user(
    session: Session, username: str, email: str, groups: list[str], password: str | None = None,
    *, must_change_password: bool = False,
) -> User:
    """Create a user in `groups` (created on first use) and commit.

    The user name and the group keys follow engine.users.names, the password the rule of
    engine.users.passwords; without a password the user cannot sign in until one is set. With
    `must_change_password` the password is a one-time one: the user must choose their own first.
    """
    username = username.strip()
    names.check_username(username)
    names.check_group_keys(groups)
    if "@" not in email:
        raise InvalidInput("email is not an e-mail address")
    if password is not None:
        passwords.check_password(password, username)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise InvalidInput(f"user {username!r} already exists")
    user = User(username=username, email=email.strip(), must_change_password=must_change_password)
    if password:
        user.password_hash = _hasher.hash(password)
    user.groups = [get_or_create_group(session, key) for key in dict.fromkeys(groups)]
    session.add(user)
    session.commit()
    return user


def get_user(session: Session, username: str) -> User:
    """The user called `username`; NotFound otherwise."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def set_password(session: Session, username: str, password: str) -> User:
    """Give `username` a new password (stored as an argon2 hash), end their web sessions, commit."""
    user = get_user(session, username)
    passwords.check_password(password, user.username)
    user.password_hash = _hasher.hash(password)
    user.must_change_password = False  # a one-time password is used up
    end_sessions(user)  # whoever knew the old password and signed in with it is out
    session.commit()
    return user


def end_sessions(user: User) -> None:
    """Make every web session of `user` issued until now invalid (webui/ui/sessions.py); no commit."""
    user.session_epoch = (user.session_epoch or 0) + 1


def check_password(user: User, password: str) -> bool:
    """True when `password` matches the user's stored argon2 hash."""
    if not user.password_hash or not user.active:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_token(
    session: Session, username: str, expires_in_days: int | None = None, clock: Clock = system_clock
) -> str:
    """Issue a new personal API token for `username`, commit, and return it (shown once).

    With `expires_in_days` the token stops working that many days from now; without, it works
    until revoked.
    """
    user = get_user(session, username)
    expires_at = None
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
            raise InvalidInput(f"a token expires in 1 to {MAX_TOKEN_DAYS} days",
                               [{"field": "expires_in", "message": f"1 to {MAX_TOKEN_DAYS} days"}])
        expires_at = clock() + timedelta(days=expires_in_days)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), prefix=token[:PREFIX_LENGTH],
                         expires_at=expires_at))
    session.commit()
    return token


def user_for_token(session: Session, token: str, now: datetime | None = None) -> User | None:
    """The active user owning an unrevoked, unexpired `token` (as of `now`, default the real time), or None.

    Records when the token was last used (to the minute; commits when it writes).
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    now = now or system_clock()
    # One statement with the user and their groups joined in: every API request starts here.
    query = (
        select(ApiToken)
        .join(User, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None), User.active)
        .options(joinedload(ApiToken.user).joinedload(User.groups))
    )
    row = session.scalars(query).unique().first()
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
        session.commit()
    return row.user


def group_members(session: Session, group_key: str) -> list[User]:
    """The active users of group `group_key`, by username (for choosing whom to assign a task)."""
    query = select(User).join(User.groups).where(Group.key == group_key, User.active).order_by(User.username)
    return list(session.scalars(query))

