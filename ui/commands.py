"""Undoable edits: each QUndoCommand calls the engine services through the session (which commits).

The edit itself is made before the command is pushed (so a refused edit never enters the stack); the
first redo() that QUndoStack.push() calls is therefore skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from cdassess.errors import CdassessError
from cdassess.records import Finding, Rating
from ui.session import AssessmentSession

ErrorSink = Callable[[CdassessError], None]

RATING_ID = 1001



class _Command(QUndoCommand):
    def __init__(self, session: AssessmentSession, text: str, on_error: ErrorSink | None) -> None:
        super().__init__(text)
        self.session = session
        self.req_id: str | None = None  # the requirement the edit is about (undo shows it)
        self._done = True
        self._on_error = on_error

    def _run(self, fn: Callable[[], object]) -> None:
        try:
            fn()
        except CdassessError as exc:
            self.setObsolete(True)
            if self._on_error is not None:
                self._on_error(exc)

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._run(self.do)

    def undo(self) -> None:
        self._run(self.undo_it)

    def do(self) -> None:
        raise NotImplementedError

    def undo_it(self) -> None:
        raise NotImplementedError


class DetailsCommand(_Command):
    """A change of the assessment's details; undo writes the old values back."""

    def __init__(self, session: AssessmentSession, old: dict[str, Any], new: dict[str, Any],
                 on_error: ErrorSink | None = None) -> None:
        super().__init__(session, QCoreApplication.translate("Commands", "Change the assessment details"), on_error)
        self.old, self.new = old, new

    def do(self) -> None:
        self.session.update_details(**self.new)

    def undo_it(self) -> None:
        self.session.update_details(**self.old)


class RatingCommand(_Command):
    """A change of one rating record (status, note, justification or review flag); undo restores it whole."""

    def __init__(self, session: AssessmentSession, old: Rating, new: Rating, text: str,
                 on_error: ErrorSink | None = None, *, mergeable: bool = False) -> None:
        super().__init__(session, text, on_error)
        self.old, self.new = old, new
        self.mergeable = mergeable
        self.req_id = new.req_id

    def do(self) -> None:
        self.session.set_rating(self.new)

    def undo_it(self) -> None:
        self.session.set_rating(self.old, restore=True)

    def id(self) -> int:
        return RATING_ID if self.mergeable else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        # Typing a note saves it every few hundred ms; one undo step takes back the whole burst.
        if not isinstance(other, RatingCommand) or not other.mergeable or other.new.req_id != self.new.req_id:
            return False
        self.new = other.new
        return True


class SaveFindingCommand(_Command):
    def __init__(self, session: AssessmentSession, old: Finding | None, new: Finding,
                 on_error: ErrorSink | None = None) -> None:
        text = QCoreApplication.translate("Commands", "Save finding") if old else \
            QCoreApplication.translate("Commands", "Add finding")
        super().__init__(session, text, on_error)
        self.old, self.new = old, new
        self.req_id = new.req_id

    def do(self) -> None:
        if self.old is None:
            self.session.restore_finding(self.new)
        else:
            self.session.save_finding(self.new)

    def undo_it(self) -> None:
        if self.old is None:
            assert self.new.id is not None
            self.session.delete_finding(self.new.id)
        else:
            self.session.save_finding(self.old)


class DeleteFindingCommand(_Command):
    def __init__(self, session: AssessmentSession, old: Finding, on_error: ErrorSink | None = None) -> None:
        super().__init__(session, QCoreApplication.translate("Commands", "Delete finding"), on_error)
        self.old = old
        self.req_id = old.req_id

    def do(self) -> None:
        assert self.old.id is not None
        self.session.delete_finding(self.old.id)

    def undo_it(self) -> None:
        self.session.restore_finding(self.old)


class LinkEvidenceCommand(_Command):
    """Evidence linked to requirements (also what attaching a file does): undo unlinks those links."""

    def __init__(self, session: AssessmentSession, evidence_id: int, req_ids: list[str], text: str,
                 on_error: ErrorSink | None = None) -> None:
        super().__init__(session, text, on_error)
        self.evidence_id = evidence_id
        self.req_ids = req_ids
        self.req_id = req_ids[0] if req_ids else None

    def do(self) -> None:
        self.session.link_evidence(self.evidence_id, self.req_ids)

    def undo_it(self) -> None:
        for r in self.req_ids:
            self.session.unlink_evidence(self.evidence_id, r)


class AttachEvidenceCommand(LinkEvidenceCommand):
    """A file attached to a requirement. Undo unlinks it and, when the attach stored new content that nothing
    else links to, removes that content from the file too; redo attaches the file again from where it was."""

    def __init__(self, session: AssessmentSession, evidence_id: int, req_id: str, text: str, *, new_content: bool,
                 source: Path | None, details: dict[str, str], on_error: ErrorSink | None = None) -> None:
        super().__init__(session, evidence_id, [req_id], text, on_error)
        self.new_content = new_content
        self.source = source
        self.details = details
        self.removed = False

    def do(self) -> None:
        if not self.removed:
            super().do()
            return
        if self.source is None or not self.source.is_file():
            raise CdassessError(f"{self.source}: the file is no longer there; attach it again from where it is now")
        ev, _new = self.session.assessment.add_evidence_file(
            self.source, self.req_ids, provided_by=self.details.get("provided_by", ""),
            collected_on=self.details.get("collected_on", ""))
        self.evidence_id = ev.id
        self.removed = False
        self.session.evidence_added(self.req_ids)

    def undo_it(self) -> None:
        super().undo_it()
        if self.new_content and self.source is not None and not self.session.assessment.store.evidence(
                self.evidence_id).req_ids:
            self.session.remove_evidence(self.evidence_id)
            self.removed = True


class UnlinkEvidenceCommand(_Command):
    def __init__(self, session: AssessmentSession, evidence_id: int, req_id: str,
                 on_error: ErrorSink | None = None) -> None:
        super().__init__(session, QCoreApplication.translate("Commands", "Unlink evidence"), on_error)
        self.evidence_id = evidence_id
        self.unlinked = req_id
        self.req_id = req_id

    def do(self) -> None:
        self.session.unlink_evidence(self.evidence_id, self.unlinked)

    def undo_it(self) -> None:
        self.session.link_evidence(self.evidence_id, [self.unlinked])


class EvidenceDetailsCommand(_Command):
    """A change of an evidence's description, provider or collection date; undo writes the old values back."""

    def __init__(self, session: AssessmentSession, evidence_id: int, old: dict[str, str], new: dict[str, str],
                 req_id: str | None, on_error: ErrorSink | None = None) -> None:
        super().__init__(session, QCoreApplication.translate("Commands", "Change evidence details"), on_error)
        self.evidence_id = evidence_id
        self.old, self.new = old, new
        self.req_id = req_id

    def do(self) -> None:
        self.session.update_evidence(self.evidence_id, **self.new)

    def undo_it(self) -> None:
        self.session.update_evidence(self.evidence_id, **self.old)


class AcceptClaimsCommand(_Command):
    """The team's claims taken as the assessor's ratings: one undo step for one requirement or many."""

    def __init__(self, session: AssessmentSession, req_ids: list[str], olds: list[Rating],
                 on_error: ErrorSink | None = None) -> None:
        text = (QCoreApplication.translate("Commands", "Accept the team's claim for %1").replace("%1", req_ids[0])
                if len(req_ids) == 1 else
                QCoreApplication.translate("Commands", "Accept %1 claims of the team").replace("%1", str(len(req_ids))))
        super().__init__(session, text, on_error)
        self.req_ids, self.olds = req_ids, olds
        self.req_id = req_ids[0]

    def do(self) -> None:
        self.session.accept_claims(self.req_ids)

    def undo_it(self) -> None:
        for old in self.olds:
            self.session.set_rating(old, restore=True)
