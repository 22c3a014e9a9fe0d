"""Form patterns (`validate.pattern`) checked on the server without catastrophic backtracking.

A pattern is a team lead's regular expression, run against what a caseworker types. Python's `re`
backtracks: `^([a-zA-Z0-9]+)*@example\\.dk$` against 24 letters and a `!` took over a second and
tripled with every two more letters, holding a server process all the while. So patterns run in
RE2 (`google-re2`), whose time grows linearly with the value whatever the pattern.

RE2 has no lookaround and no back-references, and the shipped forms use a lookahead ("no CPR
number": `^(?![\\s\\S]*\\b\\d{6}-?\\d{4}\\b)[\\s\\S]*$`). A pattern RE2 cannot run therefore runs in the
`regex` package under a time limit (`MATCH_TIMEOUT`); a value it cannot decide in that time is
refused, never accepted. A pattern neither engine compiles is refused at deploy.

Both engines read `\\d`, `\\w` and `\\b` as ASCII, as JavaScript (form-js) does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import re2
import regex

MAX_PATTERN = 500  # characters; longer patterns are refused at deploy
MATCH_TIMEOUT = 0.05  # seconds one value may take in the time-limited engine
UNDECIDED = "Værdien kunne ikke kontrolleres mod formatet. Gør den kortere eller enklere."
BROKEN_PATTERN = "Formatet for feltet kan ikke kontrolleres. Kontakt den, der har lavet formularen."


class PatternError(ValueError):
    """The pattern cannot be used; the message is English, for the deploy report."""


class PatternTimeout(Exception):
    """The time-limited engine gave up on a value: treat the value as not valid."""


def _re2_options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # a refused pattern is our answer, not an error for the server log
    return options


@dataclass(frozen=True)
class SafePattern:
    """A compiled form pattern; `engine` is "re2" (linear time) or "regex" (time-limited)."""

    source: str
    engine: str
    compiled: object

    def search(self, value: str) -> bool:
        """True if the pattern matches anywhere in `value` (JavaScript's RegExp.test, as form-js)."""
        if self.engine == "re2":
            try:
                return self.compiled.search(value) is not None
            except UnicodeEncodeError:  # a lone surrogate (`\ud800`) is no text anyone typed
                return False
        try:
            return self.compiled.search(value, timeout=MATCH_TIMEOUT) is not None
        except TimeoutError as exc:
            raise PatternTimeout(self.source) from exc


@lru_cache(maxsize=512)
def compile_pattern(source: str) -> SafePattern:
    """The pattern compiled by the safest engine that can run it; PatternError when none can."""
    if not isinstance(source, str):
        raise PatternError("the pattern must be text")
    if len(source) > MAX_PATTERN:
        raise PatternError(f"the pattern is longer than {MAX_PATTERN} characters")
    try:
        source.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PatternError("the pattern holds a character that is not valid text (a lone surrogate)") from exc
    try:
        return SafePattern(source, "re2", re2.compile(source, _re2_options()))
    except re2.error:
        pass  # lookaround, back-references, `\u00e6`...: try the time-limited engine
    try:
        return SafePattern(source, "regex", regex.compile(source, regex.ASCII | regex.V0))
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        raise PatternError("the pattern is not a valid regular expression") from exc


def pattern_problem(source: object) -> str | None:
    """Why a form pattern cannot be used (English, for the deploy report), or None."""
    try:
        compile_pattern(source)  # type: ignore[arg-type]
    except PatternError as exc:
        return str(exc)
    except TypeError:  # unhashable, e.g. a list: not text
        return "the pattern must be text"
    return None
