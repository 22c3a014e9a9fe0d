"""What user names and group keys may look like: one rule for the CLI, the API, the pages and the engine."""

from __future__ import annotations

import re

from engine.errors import InvalidInput

GROUP_KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}\Z"  # the keys lanes and candidateGroups use
# Letters (also æ, ø, å), digits and . _ @ - : initials, e-mail-like names; never spaces or control
# characters, which a person could not type at the sign-in form or tell apart in a list.
USERNAME_PATTERN = r"^\w[\w.@-]{0,63}\Z"
GROUP_KEY = re.compile(GROUP_KEY_PATTERN)
USERNAME = re.compile(USERNAME_PATTERN)
GROUP_KEY_RULE = "a-z, 0-9, - and _, at most 64 characters"
USERNAME_RULE = "letters, digits, . _ @ and -, at most 64 characters, no spaces"


def check_group_keys(keys: list[str] | tuple[str, ...], field: str = "groups") -> None:
    """Refuse keys that lanes and candidate groups could never name (e.g. 'Bad Group!')."""
    malformed = [key for key in keys if not GROUP_KEY.match(key)]
    if malformed:
        raise InvalidInput(f"not a group key: {', '.join(malformed)}", [{"field": field, "message": GROUP_KEY_RULE}])


def check_username(username: str) -> None:
    """Refuse a user name with spaces, symbols or control characters, or longer than 64."""
    if not USERNAME.match(username):
        raise InvalidInput(f"not a user name: {username!r} ({USERNAME_RULE})",
                           [{"field": "username", "message": USERNAME_RULE}])
