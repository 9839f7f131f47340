"""The one exception type that reaches users as a plain message instead of a traceback."""

from __future__ import annotations


class TaxiwayError(Exception):
    """A user mistake or an unmet prerequisite.

    ``str(error)`` is what is wrong; ``hint`` is what to run about it. Tasks turn it into
    ``invoke.Exit`` with both lines and a non-zero code.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  {self.hint}"
