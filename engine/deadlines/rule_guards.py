"""What a change to a deadline rule may do.

A statutory rule (`DeadlineRule.statutory`, bounds seeded by migration 0021) stays within the law:
its unit is the law's way of counting (`locked_unit`) and its amount within [min_amount,
max_amount]; a municipality may be faster than the law, never slower. Municipal rules are free.

A rule's name must not state another length than the rule has ("(24 timer)" on a rule of 72
working days): a name the administrator did not touch follows a changed length by itself, and a
name they did write must agree with it. Problems carry a code and Danish text (the page shows its
own translation of the code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Danish words for a length, longest first; the factor turns "1 døgn" into 24 hours.
WORDS = {
    "kalendermåneder": ("months", 1), "kalendermåned": ("months", 1), "måneder": ("months", 1),
    "måned": ("months", 1), "arbejdsdage": ("working_days", 1), "arbejdsdag": ("working_days", 1),
    "hverdage": ("working_days", 1), "hverdag": ("working_days", 1), "kalenderdage": ("days", 1),
    "kalenderdag": ("days", 1), "dage": ("days", 1), "dag": ("days", 1), "uger": ("days", 7), "uge": ("days", 7),
    "døgn": ("hours", 24), "timer": ("hours", 1), "time": ("hours", 1),
}
LENGTH = re.compile(r"(\d{1,6})\s*(" + "|".join(WORDS) + r")\b", re.IGNORECASE)
UNIT_WORDS = {"hours": ("time", "timer"), "days": ("dag", "dage"), "working_days": ("hverdag", "hverdage"),
              "months": ("måned", "måneder")}
MAX_REASON = 1000


@dataclass(frozen=True)
class Problem:
    """One refusal: the field, a stable code, Danish text and the values it names."""

    field: str
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def detail(self) -> dict[str, Any]:
        """The API's `details` entry."""
        return {"field": self.field, "code": self.code, "message": self.message, **self.params}


def phrase(amount: int, unit: str) -> str:
    """"24 timer", "1 hverdag": a length in Danish."""
    singular, plural = UNIT_WORDS.get(unit, (unit, unit))
    return f"{amount} {singular if amount == 1 else plural}"


def stated_lengths(name: str) -> list[tuple[int, str, str]]:
    """The lengths a name states, as (amount, unit, the words as written)."""
    found = []
    for match in LENGTH.finditer(name):
        unit, factor = WORDS[match.group(2).lower()]
        found.append((int(match.group(1)) * factor, unit, match.group(0)))
    return found


def follow_length(name: str, amount: int, unit: str) -> str:
    """`name` with every length it states replaced by `amount` `unit`."""
    return LENGTH.sub(lambda _match: phrase(amount, unit), name)


def bound_problems(rule: Any, amount: int, unit: str) -> list[Problem]:
    """Why `amount` `unit` is outside the bounds of the statutory `rule` (none for municipal rules)."""
    if not rule.statutory:
        return []
    law = rule.law_reference or "loven"
    locked = rule.locked_unit or unit
    if unit != locked:
        return [Problem("unit", "unit_locked", f"Enheden kan ikke ændres: {law} regner fristen i "
                        f"{UNIT_WORDS[locked][1]}.", {"law": law, "locked_unit": locked})]
    problems = []
    if rule.max_amount is not None and amount > rule.max_amount:
        problems.append(Problem("amount", "above_statutory_max", f"Fristen kan ikke blive længere end "
                                f"{phrase(rule.max_amount, unit)} ({law}). Kommunen kan gøre den kortere, "
                                "ikke længere.", {"law": law, "max_amount": rule.max_amount, "unit": unit}))
    if rule.min_amount is not None and amount < rule.min_amount:
        problems.append(Problem("amount", "below_statutory_min", f"Fristen skal være mindst "
                                f"{phrase(rule.min_amount, unit)}.", {"min_amount": rule.min_amount, "unit": unit}))
    return problems


def name_problems(name: str, amount: int, unit: str) -> list[Problem]:
    """A name stating another length than `amount` `unit`."""
    for stated_amount, stated_unit, words in stated_lengths(name):
        if (stated_amount, stated_unit) != (amount, unit):
            return [Problem("name", "name_states_other_length", f"Navnet siger {words}, men fristen er "
                            f"{phrase(amount, unit)}. Ret længden i navnet, eller lad den stå ude.",
                            {"stated": words, "amount": amount, "unit": unit})]
    return []


def reason_problems(reason: Any) -> list[Problem]:
    """A change without a reason, or with one too long to be a reason."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        return [Problem("reason", "reason_required", "Skriv en begrundelse for ændringen.")]
    if len(text) > MAX_REASON:
        return [Problem("reason", "reason_too_long", f"Begrundelsen må højst være {MAX_REASON} tegn.",
                        {"max_length": MAX_REASON})]
    return []
