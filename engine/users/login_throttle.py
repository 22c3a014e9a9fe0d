"""Sign-in rate limits kept in the database, so every web process on every host counts the same attempts.

Failed attempts are counted per (address, user name) and per address within a sliding window. The
check and the insert are two statements: two processes racing may let one extra attempt through,
which a limit of this kind can live with.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.users.models import LoginAttempt

WINDOW = timedelta(minutes=1)
PER_USER = 10  # failed attempts per address and user name in a window
PER_ADDRESS = 60  # failed attempts per address in a window


def _count(session: Session, column: object, key: str, since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(LoginAttempt)
                          .where(column == key, LoginAttempt.at > since)) or 0


def blocked(session: Session, user_key: str, ip_key: str, now: datetime) -> bool:
    """True when this address, or this address with this user name, failed too often just now."""
    since = now - WINDOW
    return (_count(session, LoginAttempt.user_key, user_key, since) >= PER_USER
            or _count(session, LoginAttempt.ip_key, ip_key, since) >= PER_ADDRESS)


def record_failure(session: Session, user_key: str, ip_key: str, now: datetime) -> None:
    """Count a failed attempt, forget those older than the window; commit."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.at <= now - WINDOW))
    session.add(LoginAttempt(user_key=user_key, ip_key=ip_key, at=now))
    session.commit()


def forget(session: Session, user_key: str) -> None:
    """A successful sign-in clears the failures of that address and user name; commit."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.user_key == user_key))
    session.commit()
