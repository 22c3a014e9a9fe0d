"""Error type raised by the safe expression language."""

from __future__ import annotations


class ExpressionError(Exception):
    """A diagram expression or script was rejected or failed to evaluate.

    ``message`` is plain English meant for the team lead who wrote the
    expression; ``lineno`` is the 1-based line in the source, when known.
    """

    def __init__(self, message: str, lineno: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.lineno = lineno

    def __str__(self) -> str:
        if self.lineno is None:
            return self.message
        return f"{self.message} (line {self.lineno})"
