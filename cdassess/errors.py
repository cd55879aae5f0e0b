"""One error hierarchy whose messages a user can act on.

Every error a user can meet derives from :class:`CdassessError`; its ``str()`` is one line that says what is
wrong, where, and what is accepted. Anything else escaping the engine is a bug and stays a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class CdassessError(Exception):
    """A problem the user can act on (bad input, wrong file, refused operation)."""


@dataclass(frozen=True)
class Problem:
    """One problem found while validating input, with its location."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ValidationError(CdassessError):
    """Input was checked and found wrong in one or more places; nothing was applied."""

    def __init__(self, summary: str, problems: Sequence[Problem]) -> None:
        self.summary = summary
        self.problems = list(problems)
        first = f" First: {self.problems[0]}" if self.problems else ""
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{summary}.{first}{more}")

    def details(self) -> str:
        """Every problem on its own line, for a dialog or ``--verbose`` output."""
        return "\n".join([self.summary + ":"] + [f"  - {p}" for p in self.problems])


class ModelError(ValidationError):
    """A capability model file or workbook is invalid."""


class AssessmentFileError(CdassessError):
    """The file is not a usable assessment: missing, damaged, of another application, too new, read-only."""


class FileInUseError(AssessmentFileError):
    """Another cdassess window or command holds the file open for editing."""


class LockedError(CdassessError):
    """The assessment is locked; edits are refused until it is unlocked with a reason."""


class NotFoundError(CdassessError):
    """A named thing (requirement, evidence, finding, model) does not exist."""


class InvalidValueError(CdassessError):
    """A value given by the user is not one of the accepted ones."""
