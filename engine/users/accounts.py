"""Account life cycle: leavers, team moves and lost tokens.

A person who leaves, or moves to another team, must lose access at once, and the tasks they held
must not sit unseen in their name: they go back to their group's queue, each with a case event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.cases import events
from engine.clock import Clock, system_clock
from engine.errors import InvalidInput, NotFound
from engine.tasks.models import READY, Task
from engine.users import passwords
from engine.users.models import ApiToken, Group, User, user_groups
from engine.users.names import GROUP_KEY_PATTERN as GROUP_KEY_PATTERN  # re-exported: the API and pages use it
from engine.users.names import check_group_keys
from engine.users.permissions import ADMIN_GROUP, require_admin
from engine.users.service import PREFIX_LENGTH, create_user, end_sessions, get_or_create_group, hash_token


class LastAdministrator(InvalidInput):
    """The change would leave no active administrator."""


@dataclass(frozen=True)
class AccountChange:
    """What an account change did: the user, and how many held tasks went back to their groups."""

    user: User
    released_tasks: int


def list_users(session: Session, actor: User | None = None) -> list[User]:
    """Every user, by username."""
    require_admin(actor, "administer accounts")
    return list(session.scalars(select(User).order_by(User.username)))


def create_account(
    session: Session, username: str, email: str, groups: Sequence[str], actor: User | None
) -> tuple[User, str]:
    """Create a user (administrators) with a generated one-time password; commit. Returns the user
    and the password, to be shown once: the user must choose their own at first sign-in."""
    require_admin(actor, "administer accounts")
    password = passwords.generate()
    while username.strip().casefold() in password.casefold():  # the rule refuses a password holding the name
        password = passwords.generate()
    user = create_user(session, username, email, list(groups), password, must_change_password=True)
    return user, password


def list_groups(session: Session) -> list[Group]:
    """Every group, by key."""
    return list(session.scalars(select(Group).order_by(Group.key)))


def user_by_id(session: Session, user_id: UUID) -> User:
    """The user with `user_id`; NotFound otherwise."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    return user


def update_account(
    session: Session,
    user: User,
    *,
    active: bool | None = None,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    actor: User | None = None,
    clock: Clock = system_clock,
) -> AccountChange:
    """Switch a user's access on or off and move them between groups: one commit, all or nothing.

    Switching off signs the user out everywhere (web sessions and API tokens check `active` on every
    request). Tasks the user held go back to their groups: all of them on deactivation, those of a
    left group otherwise. Groups to join are created on first use. The last active administrator
    can neither be switched off nor leave `admin`, so nobody is locked out of administration.
    """
    require_admin(actor, "administer accounts")
    check_group_keys(add, "add_groups")
    both = set(add) & set(remove)
    if both:
        raise InvalidInput(f"a group cannot be both added and removed: {', '.join(sorted(both))}",
                           [{"field": "remove_groups", "message": "also in add_groups"}])
    unknown = [key for key in remove if key not in user.group_keys]
    if unknown:
        raise InvalidInput(f"{user.username} is not a member of {', '.join(unknown)}",
                           [{"field": "remove_groups", "message": "not a member"}])
    kept = [group for group in user.groups if group.key not in remove]
    if not kept and not add:
        raise InvalidInput("a user must stay in at least one group",
                           [{"field": "remove_groups", "message": "would leave no group"}])
    deactivating = user.active and active is False
    if user.active and ADMIN_GROUP in user.group_keys and (deactivating or ADMIN_GROUP in remove):
        _lock_admin_group(session)  # two admins removing each other must not both succeed
        if _active_admins(session) <= 1:
            raise LastAdministrator("the last active administrator must stay an active administrator",
                                    [{"field": "active" if deactivating else "remove_groups",
                                      "message": "the last active administrator"}])
    now = clock()
    released = 0
    if add or remove:
        user.groups = kept + [get_or_create_group(session, key) for key in dict.fromkeys(add)
                              if key not in user.group_keys]
    if remove:
        released += _release_tasks(session, user, set(remove), actor, now, "brugeren har forladt gruppen")
    if deactivating:
        user.active = False
        end_sessions(user)  # also ends the web sessions for good: activating again does not revive them
        released += _release_tasks(session, user, None, actor, now, "brugeren er deaktiveret")
    elif active:
        user.active = True
    session.commit()
    return AccountChange(user, released)


def _lock_admin_group(session: Session) -> None:
    session.scalar(select(Group).where(Group.key == ADMIN_GROUP).with_for_update())


def _active_admins(session: Session) -> int:
    query = (
        select(func.count(func.distinct(User.id)))
        .join(user_groups, user_groups.c.user_id == User.id)
        .join(Group, Group.id == user_groups.c.group_id)
        .where(Group.key == ADMIN_GROUP, User.active)
    )
    return session.scalar(query) or 0


def _release_tasks(
    session: Session, user: User, groups: set[str] | None, actor: User | None, now: datetime, why: str
) -> int:
    """Give the READY tasks `user` holds (in `groups`, or all) back to their groups, with events."""
    query = select(Task).where(Task.assignee_id == user.id, Task.state == READY)
    if groups is not None:
        query = query.where(Task.candidate_group.in_(groups))
    # Row locks: a completion racing us either finished first (the task is no longer READY and the
    # locked re-read leaves it out) or waits and finds the task back in the group's queue.
    tasks = session.scalars(query.with_for_update(of=Task)).all()
    for task in tasks:
        task.assignee_id = None
        events.record(session, task.case_id, events.TASK_UNCLAIMED, actor,
                      f"Opgaven '{task.name}' er lagt tilbage til gruppen ({why})", task_id=task.id, at=now,
                      details={"released_from": user.username})
    return len(tasks)


@dataclass(frozen=True)
class TokenInfo:
    """A token as an operator sees it: never the token itself, only its first characters."""

    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None = None
    last_used_at: datetime | None = None


def list_tokens(session: Session, user: User) -> list[TokenInfo]:
    """The user's API tokens, newest first."""
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    )
    return [TokenInfo(row.prefix, row.created_at, row.revoked_at, row.expires_at, row.last_used_at) for row in rows]


def revoke_tokens(
    session: Session, user: User, prefix: str | None = None, clock: Clock = system_clock
) -> int:
    """Revoke the user's token starting with `prefix`, or all their tokens when it is None; commit.

    Returns how many were revoked. A prefix that matches no active token is an error, so a typo is
    not mistaken for success. Revoking all tokens also ends the user's web sessions: it is what an
    operator does when an account may be in the wrong hands.
    """
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if prefix is not None:
        if len(prefix) < 6:
            raise InvalidInput("give at least the first 6 characters of the token")
        if len(prefix) > PREFIX_LENGTH:  # the whole token (e.g. found in a log): match it exactly
            query = query.where(ApiToken.token_hash == hash_token(prefix))
        else:
            query = query.where(ApiToken.prefix.startswith(prefix, autoescape=True))
    rows = list(session.scalars(query))
    if prefix is not None and not rows:
        raise NotFound(f"{user.username} has no active token starting with {prefix!r}")
    if prefix is not None and len(rows) > 1:
        raise InvalidInput(f"{len(rows)} tokens start with {prefix!r}; give more characters")
    for row in rows:
        row.revoked_at = clock()
    if prefix is None:
        end_sessions(user)
    session.commit()
    return len(rows)
