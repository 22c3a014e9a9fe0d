"""Creating users and groups, issuing and checking personal API tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.errors import InvalidInput, NotFound
from engine.users.models import ApiToken, Group, User

TOKEN_PREFIX = "cp_"  # noqa: S105 - a public prefix, not a secret
PREFIX_LENGTH = 10  # stored in clear, so operators can name a token without having it
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
    session: Session, username: str, email: str, groups: list[str], password: str | None = None
) -> User:
    """Create a user in `groups` (created on first use) and commit."""
    username = username.strip()
    if not username or len(username) > 64:
        raise InvalidInput("username must be 1-64 characters")
    if "@" not in email:
        raise InvalidInput("email is not an e-mail address")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise InvalidInput(f"user {username!r} already exists")
    user = User(username=username, email=email.strip())
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
    """Give `username` a new password (stored as an argon2 hash) and commit."""
    if not password:
        raise InvalidInput("the password must not be empty")
    user = get_user(session, username)
    user.password_hash = _hasher.hash(password)
    session.commit()
    return user


def check_password(user: User, password: str) -> bool:
    """True when `password` matches the user's stored argon2 hash."""
    if not user.password_hash or not user.active:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_token(session: Session, username: str) -> str:
    """Issue a new personal API token for `username`, commit, and return it (shown once)."""
    user = get_user(session, username)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), prefix=token[:PREFIX_LENGTH]))
    session.commit()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning an unrevoked `token`, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    # One statement with the groups joined in: every API request starts here.
    query = (
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None), User.active)
        .options(joinedload(User.groups))
    )
    return session.scalars(query).unique().first()


def group_members(session: Session, group_key: str) -> list[User]:
    """The active users of group `group_key`, by username (for choosing whom to assign a task)."""
    query = select(User).join(User.groups).where(Group.key == group_key, User.active).order_by(User.username)
    return list(session.scalars(query))

