"""Evidence linked to the shown requirement: attach (file dialog, drag-and-drop of several files, progress
for large ones, in a worker thread; who provided them and when they were collected asked once per drop),
edit its details (undoable), link existing evidence, open a copy with the system viewer, unlink, remove."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QItemSelectionModel, QObject, Qt, QThread, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cdassess.cycles import EvidenceReview, evidence_reviews
from cdassess.errors import CdassessError
from cdassess.records import Evidence
from ui import messages, workers
from ui.commands import AttachEvidenceCommand, EvidenceDetailsCommand, LinkEvidenceCommand, UnlinkEvidenceCommand
from ui.labels import human_size, review_label, when
from ui.session import AssessmentSession
from ui.settings import Settings

BIG_FILE = 4 * 1024 * 1024  # show a progress dialog when the files together are larger


class _Relay(QObject):
    """Lives in the main thread: the worker's signals reach it queued, and the closures connected here run
    in the main thread (where widgets may be touched)."""

    progress = Signal(int, int, int)
    attached = Signal(int, bool, str)
    failed = Signal(str, str)
    done = Signal()
    thread_done = Signal()


def _relay_worker(worker: workers.AttachWorker, relay: _Relay) -> None:
    """The worker's signals reach the pane through the relay (queued into the main thread)."""
    worker.progress.connect(relay.progress)
    worker.attached.connect(relay.attached)
    worker.failed.connect(relay.failed)
    worker.finished.connect(relay.done)


class EvidencePane(QWidget):
    attachFinished = Signal(list)  # noqa: N815 - evidence ids attached (tests, status bar)

    def __init__(self, undo: QUndoStack, actor: str = "", parent: QWidget | None = None, *,
                 settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.undo = undo
        self.actor = actor
        self.settings = settings  # remembers the last provider; None: nothing remembered
        self.session: AssessmentSession | None = None
        self.req_id: str | None = None
        self.job: QThread | None = None
        self._running: dict[int, workers.AttachWorker] = {}  # keeps each worker alive until its thread ends
        self._tmp: Path | None = None  # copies opened with the system viewer; removed on close
        self.setAcceptDrops(True)

        self.title = QLabel(self.tr("Evidence"))
        self.title.setStyleSheet("font-weight: bold;")
        self.hint = QLabel(self.tr("Drop files here to attach them."))
        self.hint.setStyleSheet("color: #777;")
        self.list = QTreeWidget()
        self.list.setColumnCount(7)
        self.list.setHeaderLabels([self.tr("Name"), self.tr("Size"), self.tr("Collected"), self.tr("SHA-256"),
                                   self.tr("Provided by"), self.tr("Description"), self.tr("Review")])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.list.header()
        header.setStretchLastSection(True)
        for c in range(0, 5):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.ResizeToContents)
        self.list.itemDoubleClicked.connect(self._double_clicked)
        edit = QAction(self.list)  # the keyboard way to the details: F2 or Enter on the chosen row
        edit.setShortcuts([QKeySequence(Qt.Key.Key_F2), QKeySequence(Qt.Key.Key_Return),
                           QKeySequence(Qt.Key.Key_Enter)])
        edit.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        edit.triggered.connect(lambda _checked=False: self.edit_details())
        self.list.addAction(edit)
        self.list.itemSelectionChanged.connect(self.update_enabled)
        self.list.setMinimumHeight(80)

        row = self._build_buttons()
        row.addStretch(1)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        self._editors = [self.attach_button, self.link_button]
        self._selection_editors = [self.details_button, self.review_button, self.unlink_button, self.remove_button]
        self.set_requirement(None)

    def _build_buttons(self) -> QHBoxLayout:
        self.attach_button = QPushButton(self.tr("Attach files…"))
        self.details_button = QPushButton(self.tr("Edit details…"))
        self.details_button.setToolTip(self.tr("Description, who provided it and when it was collected "
                                               "(or double-click the row, or press F2)"))
        self.link_button = QPushButton(self.tr("Link existing…"))
        self.open_button = QPushButton(self.tr("Open a copy"))
        self.unlink_button = QPushButton(self.tr("Unlink"))
        self.remove_button = QPushButton(self.tr("Remove from file…"))
        self.review_button = QPushButton(self.tr("Review…"))
        self.review_button.setToolTip(self.tr("Accept, reject or expire the evidence; the date it represents and "
                                              "until when it is valid"))
        self.review_button.clicked.connect(lambda _checked=False: self.review())
        self.attach_button.clicked.connect(self.choose_files)
        self.details_button.clicked.connect(lambda _checked=False: self.edit_details())
        self.link_button.clicked.connect(self.link_existing)
        self.open_button.clicked.connect(self.open_copy)
        self.unlink_button.clicked.connect(self.unlink)
        self.remove_button.clicked.connect(self.remove)
        row = QHBoxLayout()
        for b in (self.attach_button, self.details_button, self.review_button, self.link_button, self.open_button,
                  self.unlink_button, self.remove_button):
            row.addWidget(b)
        return row

    def set_session(self, session: AssessmentSession | None) -> None:
        self.session = session
        if session is not None:
            session.evidenceChanged.connect(self._on_evidence_changed)
            session.metaChanged.connect(self.update_enabled)
            session.reloaded.connect(self.refresh)
        self.set_requirement(None)

    def _on_evidence_changed(self, req_ids: list[str]) -> None:
        if self.req_id is not None and (not req_ids or self.req_id in req_ids):
            self.refresh()

    def update_enabled(self) -> None:
        editable = self.session is not None and self.session.editable and self.req_id is not None
        busy = self.job is not None
        chosen = bool(self.list.selectedItems())
        for w in self._editors:
            w.setEnabled(editable and not busy)
        for w in self._selection_editors:
            w.setEnabled(editable and not busy and chosen)
        self.open_button.setEnabled(self.req_id is not None and chosen)

    def set_requirement(self, req_id: str | None) -> None:
        self.req_id = req_id
        self.refresh()

    def refresh(self) -> None:
        kept = {ev.id for ev in self.selected()}  # a repaint after an edit keeps the selection
        current = self.list.currentItem()
        current_id = current.data(0, Qt.ItemDataRole.UserRole).id if current is not None else None
        self.list.clear()
        s = self.session
        if s is None or self.req_id is None:
            self.title.setText(self.tr("Evidence"))
            self.update_enabled()
            return
        evidence = s.evidence_for(self.req_id)
        reviews = evidence_reviews(s.assessment)
        today = date.today().isoformat()
        self.title.setText(self.tr("Evidence for %1 (%2)").replace("%1", self.req_id)
                           .replace("%2", str(len(evidence))))
        for ev in evidence:
            review = reviews.get(ev.id, EvidenceReview(ev.id))
            state = review.effective_status(today)
            it = QTreeWidgetItem([ev.original_name, human_size(ev.size), ev.collected_on, ev.sha256[:12],
                                  ev.provided_by, ev.description.replace("\n", " "), review_label(state)])
            if state in ("expired", "rejected"):
                it.setForeground(6, QBrush(QColor("#c62828")))
            it.setToolTip(6, "\n".join(x for x in (
                review_label(state), review.reason, self.tr("Reviewed by %1").replace("%1", review.reviewer)
                if review.reviewer else "", self.tr("Represents %1").replace("%1", review.represents_date)
                if review.represents_date else "", self.tr("Valid until %1").replace("%1", review.valid_until)
                if review.valid_until else "") if x))
            it.setData(0, Qt.ItemDataRole.UserRole, ev)
            tip = (f"{ev.original_name}\n{ev.media_type}\n"
                   + (ev.description + "\n" if ev.description else "")
                   + self.tr("Added by %1 at %2").replace("%1", ev.added_by).replace("%2", when(ev.added_at))
                   + "\n" + self.tr("Linked to: %1").replace("%1", ", ".join(ev.req_ids)))
            for col in (0, 4, 5):
                it.setToolTip(col, tip)
            it.setToolTip(2, self.tr("Collected on %1").replace("%1", ev.collected_on) if ev.collected_on
                          else self.tr("Date collected not given (added %1)").replace("%1", ev.added_at[:10]))
            it.setToolTip(3, ev.sha256)
            it.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(it)
            if ev.id in kept:
                it.setSelected(True)
            if ev.id == current_id:
                self.list.setCurrentItem(it, 0, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.update_enabled()

    def selected(self) -> list[Evidence]:
        return [it.data(0, Qt.ItemDataRole.UserRole) for it in self.list.selectedItems()]

    def _error(self, exc: CdassessError) -> None:
        messages.show_error(self, self.tr("Evidence"), exc)

    def _providers(self) -> list[str]:
        """Providers named before in this file (offered as completions)."""
        s = self.session
        known = [ev.provided_by for ev in s.evidence_list()] if s is not None else []
        if self.settings is not None:
            known.append(self.settings.last_provider)
        return [p for p in dict.fromkeys(known) if p]

    def _remember_provider(self, name: str) -> None:
        if self.settings is not None and name.strip():
            self.settings.last_provider = name

    # ------------------------------------------------------------------------------------ details

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        """Edit the details where edits are allowed; on a read-only or locked file, open a copy to look at."""
        if self.session is not None and self.session.editable:
            self.edit_details(item)
        else:
            self.open_copy()

    def edit_details(self, item: QTreeWidgetItem | None = None) -> bool:
        """Edit description, provider and collection date of one evidence (undoable); True when changed."""
        s = self.session
        if item is None:  # the row with the focus when it is chosen, else the first chosen one
            current = self.list.currentItem()
            chosen = self.list.selectedItems()
            item = current if current is not None and current.isSelected() else next(iter(chosen), None)
        if s is None or item is None or not s.editable:
            return False
        ev: Evidence = item.data(0, Qt.ItemDataRole.UserRole)
        from ui.dialogs import EvidenceDetailsDialog  # loaded when first used (start-up speed)

        dialog = EvidenceDetailsDialog(self.tr("Evidence details"), evidence=ev, providers=self._providers(),
                                       parent=self)
        while dialog.exec():  # a refused value keeps the dialog and what was typed
            changes = dialog.changes()
            if not changes:
                return False
            try:
                old = s.update_evidence(ev.id, **changes)
            except CdassessError as exc:
                self._error(exc)
                continue
            self._remember_provider(changes.get("provided_by", ""))
            self.undo.push(EvidenceDetailsCommand(s, ev.id, old, changes, self.req_id, self._error))
            return True
        return False

    def review(self) -> bool:
        """Review the chosen evidence (status, reason, dates), undoable; True when changed."""
        s = self.session
        chosen = self.selected()
        if s is None or not chosen or not s.editable:
            return False
        ev = chosen[0]
        from ui.cycles import ReviewCommand, ReviewDialog

        dialog = ReviewDialog(self, ev.original_name, evidence_reviews(s.assessment).get(ev.id, EvidenceReview(ev.id)))
        while dialog.exec():
            values = dialog.values()
            try:
                old = s.review_evidence(ev.id, **values)
            except CdassessError as exc:
                self._error(exc)
                continue
            self.undo.push(ReviewCommand(s, old, values))
            return True
        return False

    # ------------------------------------------------------------------------------------ attaching

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach evidence to %1").replace("%1",
                                                                                              self.req_id or ""))
        if names:
            self.ask_and_attach([Path(n) for n in names])

    def ask_and_attach(self, files: list[Path]) -> bool:
        """Ask once who provided the files and when they were collected, then attach them all."""
        s = self.session
        if s is None or self.req_id is None or not s.editable or self.job is not None:
            return False
        provided_by = collected_on = ""
        if any(f.is_file() for f in files):  # a drop of folders only is refused without a question
            last = self.settings.last_provider if self.settings is not None else ""
            answer = messages.ask_attach_details(
                self, self.tr("Attach evidence to %1").replace("%1", self.req_id), [f.name for f in files], last,
                QDate.currentDate().toString("yyyy-MM-dd"), self._providers())
            if answer is None:
                return False
            provided_by, collected_on = answer["provided_by"], answer["collected_on"]
            self._remember_provider(provided_by)
        return self.attach(files, provided_by=provided_by, collected_on=collected_on)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and self.session is not None and self.session.editable and self.req_id:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        if paths:
            self.ask_and_attach(paths)

    def attach(self, files: list[Path], *, provided_by: str = "", collected_on: str = "") -> bool:
        """Attach files in a worker thread; problems (folders, unreadable files) are reported at the end.

        ``provided_by`` is the assessed team's side (who gave the files); who attached them is the actor.
        A file already stored (same content) is linked and keeps the details it had; blank ones are filled."""
        s, req_id = self.session, self.req_id
        if s is None or req_id is None or not s.editable or self.job is not None:
            return False
        worker = workers.AttachWorker(s.assessment.path, files, [req_id], actor=self.actor or s.assessment.store.actor,
                                      provided_by=provided_by, collected_on=collected_on)
        relay = _Relay(self)
        attached: list[int] = []
        problems: list[str] = []
        dialog = self._progress_dialog(files, worker, relay)
        linked_before = {ev.id for ev in s.evidence_for(req_id)}
        reused: list[int] = []  # content already in the file: stored once, keeps its details
        sources: dict[int, Path] = {}  # content this attach stored anew, and the file it came from

        def on_attached(eid: int, is_new: bool, name: str) -> None:
            attached.append(eid)
            if not is_new:
                reused.append(eid)
            source = next((f for f in files if f.name == name), None) if is_new else None
            if source is not None:
                sources[eid] = source

        relay.attached.connect(on_attached)
        relay.failed.connect(lambda _name, msg: problems.append(msg))

        def done() -> None:
            if self.job is not None:
                self.job.wait(10_000)  # the worker has finished; its thread ends right after (quit is direct)
            self.job = None
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()
            if attached:
                s.evidence_added([req_id])
                for eid in dict.fromkeys(attached):
                    if eid in linked_before:  # it was linked here already: undo must not take that link away
                        continue
                    self.undo.push(AttachEvidenceCommand(
                        s, eid, req_id, self.tr("Attach evidence to %1").replace("%1", req_id),
                        new_content=eid in sources, source=sources.get(eid),
                        details={"provided_by": provided_by, "collected_on": collected_on}, on_error=self._error))
                self._fill_blank_details(list(dict.fromkeys(reused)), req_id, provided_by, collected_on)
            self.refresh()
            if problems:
                messages.error(self, self.tr("Some files were not attached"),
                               self.tr("%1 of %2 files could not be attached; nothing else changed.")
                               .replace("%1", str(len(problems))).replace("%2", str(len(files))),
                               "\n".join(problems))
            self.attachFinished.emit(attached)

        relay.done.connect(done)
        _relay_worker(worker, relay)
        key = id(worker)
        self._running[key] = worker  # the Python wrapper must outlive the thread, or Qt's object goes with it

        def thread_done() -> None:
            self._running.pop(key, None)
            relay.deleteLater()

        relay.thread_done.connect(thread_done)
        self.job = workers.start(worker, self)
        self.job.finished.connect(relay.thread_done)
        self.update_enabled()
        return True

    def _fill_blank_details(self, ids: list[int], req_id: str, provided_by: str, collected_on: str) -> None:
        """A file whose content was stored before keeps its details; only what was left blank there is filled
        from this attach (an undoable step of its own)."""
        s = self.session
        if s is None or not ids or not (provided_by or collected_on):
            return
        stored = {ev.id: ev for ev in s.evidence_for(req_id)}
        for eid in ids:
            ev = stored.get(eid)
            if ev is None:
                continue
            fill = {k: v for k, v in (("provided_by", provided_by), ("collected_on", collected_on))
                    if v and not getattr(ev, k)}
            if not fill:
                continue
            try:
                old = s.update_evidence(eid, **fill)
            except CdassessError as exc:
                self._error(exc)
                return
            self.undo.push(EvidenceDetailsCommand(s, eid, old, fill, req_id, self._error))

    def _progress_dialog(self, files: list[Path], worker: workers.AttachWorker,
                         relay: _Relay) -> QProgressDialog | None:
        """A progress dialog (with cancel) when the files are large together; None for small ones."""
        sizes = []
        for f in files:
            try:
                sizes.append(f.stat().st_size if f.is_file() else 0)
            except OSError:
                sizes.append(0)
        total = sum(sizes)
        if total < BIG_FILE:
            return None
        dialog = QProgressDialog(self.tr("Attaching evidence…"), self.tr("Cancel"), 0, 1000, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(worker.cancel)
        before = [sum(sizes[:i]) for i in range(len(sizes))]

        def on_progress(i: int, done: int, _total: int) -> None:
            dialog.setLabelText(self.tr("Attaching %1…").replace("%1", files[i].name))
            dialog.setValue(int(1000 * (before[i] + done) / max(total, 1)))

        relay.progress.connect(on_progress)
        return dialog

    # ------------------------------------------------------------------------------------ other actions

    def link_existing(self) -> None:
        s, req_id = self.session, self.req_id
        if s is None or req_id is None or not s.editable:
            return
        from ui.dialogs import PickEvidenceDialog  # loaded when first used (start-up speed)

        dlg = PickEvidenceDialog(s.evidence_list(), req_id, self)
        if not dlg.exec():
            return
        for eid in dlg.chosen():
            try:
                linked = s.link_evidence(eid, [req_id])
            except CdassessError as exc:
                self._error(exc)
                return
            if linked:
                self.undo.push(LinkEvidenceCommand(s, eid, linked, self.tr("Link evidence to %1")
                                                   .replace("%1", req_id), self._error))

    def unlink(self) -> None:
        s, req_id = self.session, self.req_id
        if s is None or req_id is None:
            return
        for ev in self.selected():
            try:
                if s.unlink_evidence(ev.id, req_id):
                    self.undo.push(UnlinkEvidenceCommand(s, ev.id, req_id, self._error))
            except CdassessError as exc:
                self._error(exc)
                return

    def remove(self) -> None:
        s = self.session
        chosen = self.selected()
        if s is None or not chosen:
            return
        names = "\n".join(f"{ev.original_name} ({len(ev.req_ids)} " + self.tr("links") + ")" for ev in chosen)
        if not messages.ask(self, self.tr("Remove evidence"),
                            self.tr("Remove these files and all their links from the assessment? "
                                    "This cannot be undone.") + "\n\n" + names):
            return
        for ev in chosen:
            try:
                s.remove_evidence(ev.id)
            except CdassessError as exc:
                self._error(exc)
                return
        # Links to removed evidence cannot come back; older undo steps about it would fail.
        self.undo.clear()

    def remove_copies(self) -> None:
        """Delete the copies extracted for viewing (evidence can be confidential)."""
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def open_copy(self) -> None:
        s = self.session
        chosen = self.selected()
        if s is None or not chosen:
            return
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="cdassess-evidence-"))
        for ev in chosen:
            folder = self._tmp / str(ev.id)
            folder.mkdir(exist_ok=True)
            try:
                target = s.assessment.extract_evidence(ev.id, folder, overwrite=True)
            except CdassessError as exc:
                self._error(exc)
                return
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
                messages.info(self, self.tr("Evidence"),
                              QCoreApplication.translate("EvidencePane", "No program to open it; a copy is at %1")
                              .replace("%1", str(target)))
