"""A user's own mail settings: address, language, and daily digest instead of single mails."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.notifications.rendering import LOCALES
from engine.users.models import User

EDITABLE = ("email", "locale", "reminder_digest", "digest_hour")


def _problems(changes: dict[str, Any]) -> list[dict[str, str]]:
    problems = [{"field": key, "message": "cannot be changed here"} for key in changes if key not in EDITABLE]
    email = changes.get("email")
    if "email" in changes and (not isinstance(email, str) or "@" not in email or len(email.strip()) > 254):
        problems.append({"field": "email", "message": "not an e-mail address"})
    if "locale" in changes and changes["locale"] not in LOCALES:
        problems.append({"field": "locale", "message": f"one of {', '.join(LOCALES)}"})
    if "reminder_digest" in changes and not isinstance(changes["reminder_digest"], bool):
        problems.append({"field": "reminder_digest", "message": "true or false"})
    hour = changes.get("digest_hour")
    if "digest_hour" in changes and (isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23):
        problems.append({"field": "digest_hour", "message": "a whole hour from 0 to 23 (Danish time)"})
    return problems


def update_preferences(session: Session, user: User, changes: dict[str, Any]) -> User:
    """Change the user's own mail settings and commit; nothing changes when any value is invalid."""
    problems = _problems(changes)
    if problems:
        raise InvalidInput("the settings are not valid", problems)
    for key, value in changes.items():
        setattr(user, key, value.strip() if isinstance(value, str) else value)
    session.commit()
    return user
