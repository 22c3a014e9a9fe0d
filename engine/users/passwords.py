"""The password rule (NIST SP 800-63B, section 3.1.1.2): length and a blocklist, no composition rules.

A password has at least 12 characters (each Unicode character counts once; spaces too, so a
sentence works) and at most 1024. It may not be a common password: `common_passwords.txt` holds
words and passwords that lead the published breach lists (Danish ones included), and a candidate is
compared after the usual disguises are taken off (case, l33t spelling, digits and symbols before or
after, separators, repetition: `P@ssw0rd-2024!` is `password`). Keyboard and alphabet runs, one
character or a few repeated, the user name and the service's name count as common too. Nothing asks
for digits, capitals or symbols, and nothing expires: both push people to predictable passwords.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from functools import lru_cache
from pathlib import Path

from engine.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 1024
MIN_DISTINCT = 5  # fewer different characters than this is a repetition ("abababababab")
LIST_FILE = Path(__file__).with_name("common_passwords.txt")
CONTEXT_WORDS = ("casepath", "sagsforloeb", "sagsforløb")  # the service's own name
_LEET = str.maketrans({"@": "a", "4": "a", "8": "b", "(": "c", "3": "e", "6": "g", "1": "i", "!": "i", "|": "l",
                       "0": "o", "$": "s", "5": "s", "7": "t", "+": "t", "2": "z"})
_SEPARATORS = re.compile(r"[\W_]+")
_AFFIXES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_REPEATED = re.compile(r"(.+?)\1+", re.DOTALL)
RUNS = ("abcdefghijklmnopqrstuvwxyzæøå", "01234567890123456789", "qwertyuiopåasdfghjklæøzxcvbnm",
        "qwertzuiopasdfghjklyxcvbnm", "azertyuiopqsdfghjklmwxcvbn", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
        "1q2w3e4r5t6y7u8i9o0p", "qazwsxedcrfvtgbyhnujmikolp", "zaq1xsw2cde3vfr4bgt5nhy6mju7")

TOO_SHORT, TOO_LONG, COMMON, HAS_USERNAME = "too_short", "too_long", "common", "contains_username"
MESSAGES = {
    TOO_SHORT: f"the password must have at least {MIN_LENGTH} characters",
    TOO_LONG: f"the password must have at most {MAX_LENGTH} characters",
    COMMON: "the password is too common or too easy to guess; choose another (a sentence of a few words works well)",
    HAS_USERNAME: "the password must not contain the user name",
}


class WeakPassword(InvalidInput):
    """The password breaks the rule; `reason` is one of TOO_SHORT, TOO_LONG, COMMON, HAS_USERNAME."""

    def __init__(self, reason: str) -> None:
        """A refusal for `reason`, with the English message operators see."""
        super().__init__(MESSAGES[reason], [{"field": "password", "message": MESSAGES[reason], "reason": reason}])
        self.reason = reason


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The blocklist, lower case (read once; comments start with #)."""
    lines = LIST_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def check_password(password: str, username: str = "") -> None:
    """Raise WeakPassword when `password` breaks the rule; `username` is the account's name."""
    text = unicodedata.normalize("NFKC", password)
    if len(text) < MIN_LENGTH:
        raise WeakPassword(TOO_SHORT)
    if len(text) > MAX_LENGTH:
        raise WeakPassword(TOO_LONG)
    folded = text.casefold()
    name = username.strip().casefold()
    if len(name) >= 4 and (name in folded or name in folded.translate(_LEET)):
        raise WeakPassword(HAS_USERNAME)
    if is_common(folded):
        raise WeakPassword(COMMON)


def is_common(folded: str) -> bool:
    """True when the (case-folded) password is a common one under one of the usual disguises."""
    if len(set(folded)) < MIN_DISTINCT:
        return True
    blocklist = common_passwords()
    return any(candidate in blocklist or _is_run(candidate) or candidate in CONTEXT_WORDS
               for candidate in _candidates(folded))


def _candidates(folded: str) -> set[str]:
    """The password with its disguises taken off, in every order (`P@ss-w0rd-2024!` is `password`)."""
    found = {folded}
    for _round in range(3):  # three disguises: each may hide behind the others
        for text in list(found):
            found |= {_AFFIXES.sub("", text), _SEPARATORS.sub("", text), text.translate(_LEET)}
    for text in list(found):  # "passwordpassword", "sommer2024sommer2024": the repeated part
        repeated = _REPEATED.fullmatch(text)
        if repeated:
            found |= {repeated.group(1), _AFFIXES.sub("", repeated.group(1))}
    return {text for text in found if text}


def _is_run(text: str) -> bool:
    """A run along the alphabet or a keyboard row, forwards or backwards (`123456789012`, `qwertyuiopå`)."""
    return len(text) >= 6 and any(text in run or text in run[::-1] for run in RUNS)


def generate() -> str:
    """A random password that keeps the rule (16 URL-safe characters, about 96 bits)."""
    while True:
        candidate = secrets.token_urlsafe(12)
        if not is_common(candidate.casefold()):
            return candidate
