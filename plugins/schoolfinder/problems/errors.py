"""Errors and row-level problems raised by the pipeline: every exception derives from SchoolfinderError."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .codes import Severity


class SchoolfinderError(Exception):
    """An error the command line prints as one clear line, never a traceback."""


class ConfigError(SchoolfinderError):
    """The city config is wrong: the message names the file and key."""


class FetchError(SchoolfinderError):
    """A nightly source could not be fetched."""


class PublishError(SchoolfinderError):
    """A build could not be published or rolled back."""


class InitError(SchoolfinderError):
    """`init` cannot draft a config from the folder, or the draft would overwrite one."""


class GateFailed(SchoolfinderError):
    """A nightly gate refused the build: ``gate`` names it, ``problems`` say why."""

    def __init__(self, gate: str, problems: list[str]):
        super().__init__(f"{gate}: {problems[0] if problems else ''}")
        self.gate, self.problems = gate, problems


class DataError(SchoolfinderError):
    """An input file cannot be used: the message names file, row and column."""

    def __init__(self, problem: "Problem"):
        super().__init__(problem.describe())
        self.problem = problem


@dataclass(frozen=True)
class Problem:
    """One problem found in one input cell, row or file."""

    severity: Severity
    code: str
    file: str
    row: int | None  # 1-based, the header is row 1
    column: str
    message: str
    value: str = ""

    def __post_init__(self):
        object.__setattr__(self, "severity", Severity(self.severity))

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

