"""One error hierarchy whose messages a user can act on.

Every error a user can meet derives from :class:`CdassessError`; its ``str()`` is one line that says what is
wrong, where, and what is accepted. Anything else escaping the engine is a bug and stays a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# English text of every coded message; the UI keeps its own translations of the same codes (ui/error_text.py)
# and decides by ``code``, never by the English text. Parameters are filled in with str.format.
MESSAGES: dict[str, str] = {
    "na_needs_justification": "{req_id}: {label} needs a justification (say why the requirement does not apply)",
    "invalid_date": "{field} {value!r} is not a date (write it as YYYY-MM-DD); the day must exist in the calendar",
    "unknown_requirement": "unknown requirement {req_id!r}",
    "unknown_level": "level {level} is not a level of model {model} (accepted: {accepted})",
    "disk_full": "{path}: the disk is full; free space and try again (nothing was saved)",
    "read_only": "{path}: the file or its folder is read-only; changes cannot be saved",
    "busy": "{path}: the file is busy in another program; try again in a moment",
    "io_error": "{path}: the disk reported a read or write error ({detail}); check the disk, then try again",
    "corrupt": "{path}: the file is damaged or not an assessment ({detail}); restore it from a copy",
    "cannot_open": "{path}: cannot be opened ({detail}); check that the folder exists and can be written",
    "permission": "{path}: permission denied ({detail})",
    "bug": "this is a bug in cdassess ({detail}); details are in {log}",
    "evidence_not_regular": "{path}: is {kind}, not a regular file; only regular files can be attached",
    "evidence_changed": "{path}: it changed while being read; attach it again",
    "evidence_too_large": "{path}: {size} is larger than the limit of {limit} per file "
                          "(raise it with --max-size or CDASSESS_MAX_EVIDENCE_MB)",
    "evidence_no_space": "{path}: {size} needs about {needed} of free space beside the assessment, only "
                         "{free} is free; free space and try again",
    "lock_symlink": "{path}: its lock file {lock} is a symbolic link; cdassess refuses to follow it "
                    "(remove the link, then open the file again)",
    "file_in_use": "{path}: already open for editing in another cdassess window or command{who}; "
                   "close it there, or open this file read-only",
}


# What a parameter reads as when a caller did not give it (a message is never shown with "{label}" in it).
DEFAULT_PARAMS: dict[str, str] = {"label": "N/A", "label_zh": "不适用", "who": "", "detail": "?", "path": "the file"}


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> Any:
        return DEFAULT_PARAMS.get(key, "?")


def fill(template: str, params: Mapping[str, Any]) -> str:
    """``template`` with ``params``; a missing one reads as its default, never as ``{name}``."""
    try:
        return template.format_map(_Params(params))
    except (IndexError, ValueError, AttributeError):
        return template


def render(code: str, params: Mapping[str, Any]) -> str:
    """The English message of ``code`` with its parameters (the code itself when unknown)."""
    template = MESSAGES.get(code)
    return code if template is None else fill(template, params)


class CdassessError(Exception):
    """A problem the user can act on (bad input, wrong file, refused operation).

    ``code`` and ``params`` name the problem for a translation (``MESSAGES``); the English ``str()`` is
    rendered from them when no message is given. Errors raised with only a message have code ``""``.
    """

    def __init__(self, message: str = "", *, code: str = "", params: Mapping[str, Any] | None = None) -> None:
        self.code = code
        self.params: dict[str, Any] = dict(params or {})
        super().__init__(message or (render(code, self.params) if code else ""))

    @property
    def message(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Problem:
    """One problem found while validating input, with its location."""

    where: str
    message: str
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

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


class StorageError(AssessmentFileError):
    """SQLite refused for a reason of the environment: disk full, read-only, busy, I/O error, damaged file."""


class InternalError(CdassessError):
    """A bug in cdassess (an SQLite misuse, a constraint our own code broke); the details are in the log."""
