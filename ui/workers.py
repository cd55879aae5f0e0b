"""Background jobs with progress. A job opens its own Assessment connection (a SQLite connection belongs to
the thread that opened it; the editing lock is re-entrant within the process) and reports through signals."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal

from cdassess.errors import CdassessError
from cdassess.services import Assessment
from ui.error_text import message


class AttachWorker(QObject):
    """Attach files as evidence to requirements, one after the other; a failure skips only that file."""

    progress = Signal(int, int, int)  # file index, bytes done, bytes total
    attached = Signal(int, bool, str)  # evidence id, newly stored, file name
    failed = Signal(str, str)  # file name, message
    finished = Signal()

    def __init__(self, path: Path, files: list[Path], req_ids: list[str], *, actor: str,
                 provided_by: str = "", collected_on: str = "") -> None:
        super().__init__()
        self.path = path
        self.files = files
        self.req_ids = req_ids
        self.actor = actor
        self.provided_by = provided_by
        self.collected_on = collected_on
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            try:
                a = Assessment.open(self.path, actor=self.actor)
            except CdassessError as exc:
                self.failed.emit("", message(exc))
                return
            with a:
                for i, f in enumerate(self.files):
                    if self._cancel.is_set():
                        break

                    def report(done: int, total: int, i: int = i) -> None:
                        self.progress.emit(i, done, total)

                    try:
                        ev, is_new = a.add_evidence_file(f, self.req_ids, provided_by=self.provided_by,
                                                         collected_on=self.collected_on, progress=report,
                                                         cancelled=self._cancel.is_set)
                    except CdassessError as exc:
                        self.failed.emit(f.name, message(exc))
                        continue
                    self.attached.emit(ev.id, is_new, f.name)
        finally:
            self.finished.emit()


def start(worker: AttachWorker, parent: QObject) -> QThread:
    """Run ``worker`` in a new thread that ends (and is deleted) when the worker finishes."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)  # quit() is thread-safe
    # The caller keeps the worker's Python wrapper until the thread has finished (then drops it in the
    # main thread); a deleteLater here would race with that and crash.
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread
