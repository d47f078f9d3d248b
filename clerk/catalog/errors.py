"""Errors raised by the catalog: load problems and checklist look-ups."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found while loading the catalog, located in its file.

    ``line`` is 1-based; 0 means the problem concerns the whole file or folder.
    """

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        if self.line > 0:
            return f"{self.file}:{self.line}: {self.message}"
        return f"{self.file}: {self.message}"


class CatalogError(Exception):
    """The catalog cannot be loaded; ``problems`` lists every reason at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ChecklistError(ValueError):
    """A checklist was asked for with an unknown situation or option."""


class UnknownCode(ChecklistError, LookupError):
    """No item or bundle has this code."""
