"""Errors and row-level problems raised by the pipeline."""

from __future__ import annotations

from dataclasses import asdict, dataclass

SEVERITIES = ("FAIL", "QUARANTINE", "WARN", "NORMALIZE")


class SchoolfinderError(Exception):
    """An error the command line prints as one clear line, never a traceback."""


class ConfigError(SchoolfinderError):
    """The city config is wrong: the message names the file and key."""


class DataError(SchoolfinderError):
    """An input file cannot be used: the message names file, row and column."""

    def __init__(self, problem: "Problem"):
        super().__init__(problem.describe())
        self.problem = problem


@dataclass(frozen=True)
class Problem:
    """One problem found in one input cell, row or file."""

    severity: str
    code: str
    file: str
    row: int | None  # 1-based, the header is row 1
    column: str
    message: str
    value: str = ""

    def describe(self) -> str:
        """Return a one-line description naming file, row and column."""
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        shown = f" (value: {self.value!r})" if self.value else ""
        return f"{self.severity} {self.code}: {where}: {self.message}{shown}"

    def as_dict(self) -> dict:
        """Return the problem as a plain dict for reports."""
        return asdict(self)
