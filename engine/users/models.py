"""Users, groups and personal API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, UniqueConstraint, Uuid, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UtcDateTime, utcnow

user_groups = Table(
    "user_groups",
    Base.metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", Uuid, ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
)


class Group(Base):
    """A group of users; task candidate groups and permissions refer to its key."""

    __tablename__ = "groups"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class User(Base):
    """A person (or an integration) using casepath."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("external_issuer", "external_subject", name="uq_users_external_identity"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(8), default="da")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Mail preferences (PATCH /api/v1/me): one daily digest at `digest_hour` (Danish time) instead of
    # single reminder mails.
    reminder_digest: Mapped[bool] = mapped_column(default=False, server_default=false())
    digest_hour: Mapped[int] = mapped_column(default=8, server_default=text("8"))
    # Web sessions carry the epoch they began in; raising it (sign-out, a new password, deactivation,
    # all tokens revoked) ends every session issued before, also copies of the cookie (webui/ui/sessions.py).
    session_epoch: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # Set for users who sign in with the identity provider (engine/users/oidc_signin.py): the provider's
    # issuer and its stable subject identifier; both None for local users.
    external_issuer: Mapped[str | None] = mapped_column(String(255))
    external_subject: Mapped[str | None] = mapped_column(String(255))
    # A one-time password from an administrator (/admin/brugere): the user must choose their own
    # before anything else (webui/ui/first_password.py); set_password clears it.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    groups: Mapped[list[Group]] = relationship(secondary=user_groups, lazy="selectin")

    @property
    def display_name(self) -> str:
        """The person's name, or the user name when none is recorded."""
        return self.full_name or self.username

    @property
    def from_provider(self) -> bool:
        """True for users who sign in with the identity provider (their groups follow its claim)."""
        return self.external_subject is not None

    @property
    def group_keys(self) -> frozenset[str]:
        """The keys of the groups this user belongs to."""
        return frozenset(group.key for group in self.groups)

    def in_any(self, *keys: str) -> bool:
        """True when the user belongs to at least one of the groups `keys`."""
        return not self.group_keys.isdisjoint(keys)


class ApiToken(Base):
    """A personal API token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # None: works until revoked
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # to the minute (LAST_USED_RESOLUTION)

    user: Mapped[User] = relationship(lazy="joined")


class LoginAttempt(Base):
    """A failed sign-in, by hashed keys only (no user name or address is stored): the rate limit all
    web processes share through the database."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_user_key_at", "user_key", "at"),
                      Index("ix_login_attempts_ip_key_at", "ip_key", "at"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_key: Mapped[str] = mapped_column(String(64))
    ip_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
