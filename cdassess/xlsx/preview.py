"""What an import will do, shown before anything is written: a table of changes and a table of problems.

A preview is computed from the file and the open assessment without touching either; ``apply`` then runs
every edit inside one ``store.batch`` so the import is all or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cdassess.errors import Problem, ValidationError
from cdassess.records import Claim

if TYPE_CHECKING:
    from cdassess.changes import Change
    from cdassess.services import Assessment


class _ChangeFields(NamedTuple):
    sheet: str
    row: int
    target: str
    """What changes: a requirement ID, ``finding 3`` or ``evidence 2``."""
    field: str
    action: str
    """``set`` (was empty), ``added`` (evidence text where there was none, a new finding or link), ``changed``,
    ``cleared`` or ``removed``."""
    old: str
    new: str


class ChangeRow(_ChangeFields):
    """One field that the import sets, changes or clears (a named tuple: a 1,000-row import makes thousands)."""

    __slots__ = ()
    COLUMNS = ("Sheet", "Row", "Target", "Field", "Action", "Old", "New")

    def cells(self) -> tuple[str, ...]:
        return (self.sheet, str(self.row) if self.row else "", self.target, self.field, self.action, self.old,
                self.new)

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "target": self.target, "field": self.field,
                "action": self.action, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ProblemRow:
    """One thing wrong in the file, with its place and what would be accepted."""

    sheet: str
    row: int
    column: str
    message: str
    accepted: str = ""

    COLUMNS = ("Sheet", "Row", "Column", "Problem", "Accepted")

    def __post_init__(self) -> None:
        # messages quote cell values, and a hostile cell holds up to 32,767 characters: keep them readable
        object.__setattr__(self, "message", _readable(self.message))

    def cells(self) -> tuple[str, ...]:
        return (self.sheet, str(self.row) if self.row else "", self.column, self.message, self.accepted)

    @property
    def where(self) -> str:
        parts = [f"sheet {self.sheet!r}" if self.sheet else ""]
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(p for p in parts if p)

    def as_problem(self, file: str) -> Problem:
        msg = self.message + (f" (accepted: {self.accepted})" if self.accepted else "")
        where = f"{file}: {self.where}" if self.where else file
        return Problem(where, msg)

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message,
                "accepted": self.accepted}


Edit = Callable[["Assessment"], "Change"]


class ClaimEdit:
    """An edit that sets one claim; consecutive ones are written together (``Assessment.set_claims``)."""

    __slots__ = ("claim",)

    def __init__(self, claim: Claim) -> None:
        self.claim = claim

    def __call__(self, a: Assessment) -> Change:
        return a.set_claim(self.claim, source=self.claim.source)


@dataclass
class ImportPreview:
    """Changes and problems of one import; ``apply`` writes the changes, all or nothing."""

    kind: str
    """``questionnaire`` or ``workbook``."""
    path: Path
    changes: list[ChangeRow] = field(default_factory=list)
    problems: list[ProblemRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Information that does not block the import (for example: forced despite another assessment)."""
    rows_read: int = 0
    edits: list[Edit] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def error(self) -> ValidationError:
        n = len(self.problems)
        return ValidationError(f"{self.path}: {n} problem{'s' if n != 1 else ''} found in the {self.kind}; "
                               "nothing was imported",
                               [p.as_problem(self.path.name) for p in self.problems])

    def apply(self, assessment: Assessment) -> list[Change]:
        """Write every change in one transaction; refuse (nothing written) when there are problems."""
        if self.problems:
            raise self.error()
        done: list[Change] = []
        with assessment.store.batch(f"import the {self.kind} {self.path.name}"):
            run: list[tuple[Claim, str]] = []
            for edit in self.edits:
                if isinstance(edit, ClaimEdit):
                    run.append((edit.claim, edit.claim.source))
                    continue
                if run:
                    done += assessment.set_claims(run)
                    run = []
                done.append(edit(assessment))
            if run:
                done += assessment.set_claims(run)
        return done

    def summary(self) -> str:
        n = len(self.changes)
        if self.problems:
            return f"{len(self.problems)} problem(s); nothing can be imported until they are fixed"
        if not n:
            return f"no changes ({self.rows_read} rows read)"
        return f"{n} change(s) from {self.rows_read} rows"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "file": str(self.path), "rows_read": self.rows_read, "ok": self.ok,
                "changes": [c.as_dict() for c in self.changes], "problems": [p.as_dict() for p in self.problems],
                "notes": list(self.notes)}


def add_change(changes: list[ChangeRow], sheet: str, row: int, target: str, fld: str, old: str, new: str,
               *, first: str = "set") -> None:
    """Record a field that differs; ``first`` names a value given where there was none ("set", "added")."""
    if old == new:
        return
    action = first if not old else ("cleared" if not new else "changed")
    changes.append(ChangeRow(sheet, row, target, fld, action, old, new))


_LONG_RUN = re.compile(r"\S{100,}")
MAX_MESSAGE = 600


def _readable(message: str) -> str:
    """A message with over-long quoted values cut (a 40,000-character 'ID' is shown by its start)."""
    if len(message) <= 200:
        return message
    text = _LONG_RUN.sub(lambda m: m.group(0)[:60] + "…", message)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"
