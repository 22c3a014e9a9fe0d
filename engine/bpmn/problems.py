"""Validation problems reported back to the person who uploaded a BPMN file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded diagram, naming the BPMN element when possible."""

    element_id: str | None
    element_name: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable representation (used by the HTTP layer's 422 body)."""
        return asdict(self)

    def __str__(self) -> str:
        if self.element_id is None:
            return self.message
        label = f"{self.element_id} ({self.element_name})" if self.element_name else self.element_id
        return f"{label}: {self.message}"


def element_problem(element: Any, message: str) -> Problem:
    """Build a Problem for an lxml element, taking its id and (whitespace-normalised) name."""
    get = getattr(element, "get", None)
    element_id = get("id") if get is not None else None
    name = get("name") if get is not None else None
    # Modelers store multi-line labels verbatim; one line reads better in an error list.
    name = " ".join(name.split()) if name else None
    return Problem(element_id or None, name or None, message)


class BpmnValidationError(Exception):
    """Raised for every upload we refuse; carries all problems found, never empty."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems) or [Problem(None, None, "the diagram is not valid")]
        super().__init__("; ".join(str(p) for p in self.problems))

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"problems": [...]}`` for an error response."""
        return {"problems": [p.to_dict() for p in self.problems]}
