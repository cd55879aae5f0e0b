"""The main window: model tree with filters and search on the left; requirement, evidence and dashboard on
the right; menus for files, Excel and reports; undo; the "all changes saved" status line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from cdassess.errors import CdassessError, FileInUseError
from cdassess.scale import CAICT_SCALE, RatingScale
from cdassess.scoring import Status
from cdassess.services import Assessment
from ui import icons, menu_actions, messages
from ui.commands import AcceptClaimsCommand, DetailsCommand
from ui.evidence_pane import EvidencePane
from ui.labels import rating_keys, status_label, when
from ui.requirement_pane import RequirementPane
from ui.session import AssessmentSession
from ui.settings import Settings
from ui.tree_model import (
    COL_CLAIM,
    COL_EVIDENCE,
    COL_NAME,
    COL_PROGRESS,
    COL_STATUS,
    FILTERS,
    KindRole,
    ModelTreeModel,
    RequirementFilter,
    filter_label,
)

if TYPE_CHECKING:
    from ui.dashboard import Dashboard

RATING_DIGITS = {getattr(Qt.Key, f"Key_{d}"): d for d in range(10)}  # digit -> option 1..9 of the scale, 0 clears
DASHBOARD_TAB = 1
# The dashboard (charts, QtSvg) is built when first shown, or this long after an assessment is opened, while
# the assessor reads the first requirement; then it warms the report chart up in a thread.
DASHBOARD_PREPARE_MS = 1500
# A filter or search unfolds the tree down to every requirement it shows when they are at most this many
# (laying out every row is what costs at 10,000 requirements, and nobody reads 5,000 unfolded rows); beyond it,
# the tree unfolds down to the items.
UNFOLD_LIMIT = 2000


class ModelTree(QTreeView):
    """The tree; digit keys rate the current requirement even when the window shortcuts are not active."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)

    def _requirement_at(self, event: QDropEvent | QDragMoveEvent) -> str | None:
        idx = self.indexAt(event.position().toPoint())
        if not idx.isValid() or idx.data(KindRole) != "requirement":
            return None
        return str(idx.siblingAtColumn(0).data(Qt.ItemDataRole.UserRole).id)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        s = self._window.session
        if event.mimeData().hasUrls() and s is not None and s.editable:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        # Files dropped on a requirement row are attached to that requirement.
        if event.mimeData().hasUrls() and self._requirement_at(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        rid = self._requirement_at(event)
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if rid is None or not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self._window.go_to(rid, reveal=False)
        self._window.evidence_pane.ask_and_attach(paths)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        digit = RATING_DIGITS.get(Qt.Key(event.key()))
        status = self._window.status_for_digit(digit) if digit is not None else None
        if status is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self._window.rate_current(status)
            event.accept()
            return
        super().keyPressEvent(event)


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.session: AssessmentSession | None = None
        self.tree_model: ModelTreeModel | None = None
        self.proxy: RequirementFilter | None = None
        self.undo = QUndoStack(self)
        self._undo_index = 0
        self.undo.indexChanged.connect(self._undo_moved)
        self.setWindowIcon(icons.app_icon())
        self.setWindowTitle("cdassess")

        left = self._build_left()
        right = self._build_right()
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff3cd; color: #6b4e00; padding: 6px; border: 1px solid #e0c060;")
        self.banner.hide()
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(left)
        self.split.addWidget(right)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 3)
        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.banner)
        cl.addWidget(self.split, 1)
        self.setCentralWidget(central)

        self.saved_label = QLabel()
        self.path_label = QLabel()
        self.statusBar().addWidget(self.path_label, 1)
        self.statusBar().addPermanentWidget(self.saved_label)

        self._build_menus()
        self._restore_layout()
        self._update_state()

    def _restore_layout(self) -> None:
        # fit the screen it opens on (a 1366x768 laptop leaves about 1366x728 for windows)
        avail = self.screen().availableGeometry()
        self.resize(min(1360, avail.width() - 16), min(860, avail.height() - 48))
        geometry = self.settings.layout("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        for key, splitter in (("split", self.split), ("right_split", self.right_split)):
            state = self.settings.layout(key)
            if state is not None:
                splitter.restoreState(state)
        if self.settings.layout("split") is None:
            self.split.setSizes([620, 740])
            self.right_split.setSizes([620, 220])

    def _build_left(self) -> QWidget:
        self.filter = QComboBox()
        for key in FILTERS:
            self.filter.addItem(filter_label(key), key)
        self.filter.currentIndexChanged.connect(self._filter_changed)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search (中文 or English, ID)…"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(self._search_changed)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        escape = QAction(self.search)
        escape.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        escape.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        escape.triggered.connect(self._search_escape)
        self.search.addAction(escape)
        self.tree = ModelTree(self)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.match_label = QLabel()
        self._matches_timer = QTimer(self, singleShot=True, interval=0)  # count once per burst of changes
        self._matches_timer.timeout.connect(self._update_matches)
        self.match_label.setStyleSheet("color: #777;")
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(4, 4, 0, 4)
        self.scope = QCheckBox(self.tr("Up to the target"))
        self.scope.setToolTip(self.tr("Work up to the target level: the tree, F8 and the counts leave out the "
                                      "levels above it (clear to see the whole model)"))
        self.scope.setChecked(self.settings.scope_to_target)
        self.scope.toggled.connect(self._scope_toggled)
        frow = QHBoxLayout()
        frow.addWidget(self.filter)
        frow.addWidget(self.scope)
        frow.addWidget(self.search, 1)
        ll.addLayout(frow)
        ll.addWidget(self.tree, 1)
        ll.addWidget(self.match_label)
        return left

    def _build_right(self) -> QWidget:
        self.requirement_pane = RequirementPane(self.undo)
        self.evidence_pane = EvidencePane(self.undo, self.settings.assessor, settings=self.settings)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.requirement_pane)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.right_split = QSplitter(Qt.Orientation.Vertical)
        self.right_split.addWidget(scroll)
        self.right_split.addWidget(self.evidence_pane)
        self.right_split.setStretchFactor(0, 3)
        self.right_split.setStretchFactor(1, 1)
        self._dashboard: Dashboard | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self.right_split, self.tr("Requirement"))
        self.tabs.addTab(QWidget(), self.tr("Dashboard"))  # a stand-in until the dashboard is first needed
        self.tabs.currentChanged.connect(self._tab_changed)
        self._prepare_timer = QTimer(self, singleShot=True, interval=DASHBOARD_PREPARE_MS)
        self._prepare_timer.timeout.connect(self._prepare_dashboard)
        return self.tabs

    @property
    def dashboard(self) -> Dashboard:
        """The dashboard tab, built on first use: start-up does not load its chart code."""
        if self._dashboard is None:
            from ui.dashboard import Dashboard

            dash = Dashboard()
            dash.ui_language = self.settings.ui_language
            dash.requirementActivated.connect(self.go_to)
            dash.nodeActivated.connect(self.go_to)
            dash.set_text_language(self.settings.text_language)
            dash.set_session(self.session)
            self._dashboard = dash
            current = self.tabs.currentIndex()
            stand_in = self.tabs.widget(DASHBOARD_TAB)
            blocked = self.tabs.blockSignals(True)  # the swap is not a change of tab
            self.tabs.removeTab(DASHBOARD_TAB)
            self.tabs.insertTab(DASHBOARD_TAB, dash, self.tr("Dashboard"))
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(blocked)
            if stand_in is not None:
                stand_in.deleteLater()
        return self._dashboard

    def _tab_changed(self, index: int) -> None:
        if index == DASHBOARD_TAB and self._dashboard is None:
            self._prepare_dashboard()

    def _prepare_dashboard(self) -> None:
        self._prepare_timer.stop()
        _ = self.dashboard

    # ------------------------------------------------------------------------------------ menus

    def _action(self, menu: QMenu, text: str, slot: Any,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(lambda _=False: slot())
        menu.addAction(act)
        return act

    def _build_menus(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu(self.tr("&File"))
        self._action(f, self.tr("&New assessment…"), self.new_assessment, QKeySequence.StandardKey.New)
        self._action(f, self.tr("&Open…"), self.choose_file, QKeySequence.StandardKey.Open)
        self.recent_menu = f.addMenu(self.tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(f, self.tr("Open the &demo"), self.open_demo)
        f.addSeparator()
        self.details_action = self._action(f, self.tr("Assessment &details…"), self.edit_details)
        self.lock_action = self._action(f, self.tr("&Lock the assessment"), self.lock)
        self.unlock_action = self._action(f, self.tr("&Unlock…"), self.unlock)
        f.addSeparator()
        self._plug(f, self.tr("Re-&assess (next cycle)…"), menu_actions.reassess)
        self._plug(f, self.tr("&Compare assessments…"), menu_actions.compare)
        self._plug(f, self.tr("&Hand out copies…"), menu_actions.hand_out_copies, reload=True)
        self._plug(f, self.tr("&Merge copies…"), menu_actions.merge_copies, reload=True)
        self._action(f, self.tr("&Portfolio…"), self.open_portfolio)
        f.addSeparator()
        self._action(f, self.tr("&Models…"), self.show_models)
        self._action(f, self.tr("&Settings…"), self.edit_settings, QKeySequence.StandardKey.Preferences)
        f.addSeparator()
        self._action(f, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)

        e = mb.addMenu(self.tr("&Edit"))
        undo = self.undo.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo.createRedoAction(self, self.tr("&Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        e.addAction(undo)
        e.addAction(redo)
        e.addSeparator()
        self._action(e, self.tr("&Find"), self._focus_search, QKeySequence.StandardKey.Find)

        self._build_rating_menu()
        self._build_plugin_menus()
        self._build_view_menu()
        t = mb.addMenu(self.tr("&Tools"))
        self._action(t, self.tr("&What if…"), lambda: self.open_tool("what_if"), "Ctrl+Shift+W")
        self._action(t, self.tr("Why is a &level not reached?…"), lambda: self.open_tool("explain"), "Ctrl+Shift+E")
        self._action(t, self.tr("&Interviews…"), lambda: self.open_tool("interviews"), "Ctrl+Shift+I")
        self._action(t, self.tr("&Audit log…"), lambda: self.open_tool("audit"), "Ctrl+Shift+L")
        h = mb.addMenu(self.tr("&Help"))
        self._action(h, self.tr("Open &log folder"), self.open_log_folder)
        self._action(h, self.tr("&About cdassess"), self.about)

    def _build_rating_menu(self) -> None:
        r = self.menuBar().addMenu(self.tr("&Rating"))
        self.rating_menu = r
        self.rating_actions: list[QAction] = []
        self._rating_scale: RatingScale | None = None
        self._rating_separator = r.addSeparator()
        self._fill_rating_actions(CAICT_SCALE)
        self.review_action = self._action(r, self.tr("Toggle &needs review"), self.requirement_pane.toggle_review,
                                          "Ctrl+R")
        r.addSeparator()
        self.accept_action = self._action(r, self.tr("&Accept the team's claim"), self.accept_claim, "Ctrl+Shift+A")
        self.accept_shown_action = self._action(r, self.tr("Accept the claims of every requirement shown…"),
                                                self.accept_shown_claims)
        r.addSeparator()
        self._action(r, self.tr("&Next unrated requirement"), lambda: self.next_unrated(1), "F8")
        self._action(r, self.tr("&Previous unrated requirement"), lambda: self.next_unrated(-1), "Shift+F8")
        self._action(r, self.tr("Next requirement"), lambda: self.step(1), "Ctrl+Down")
        self._action(r, self.tr("Previous requirement"), lambda: self.step(-1), "Ctrl+Up")

    def _build_plugin_menus(self) -> None:
        mb = self.menuBar()
        x = mb.addMenu(self.tr("E&xcel"))
        self._plug(x, self.tr("Import the team's &questionnaire…"), menu_actions.import_questionnaire, reload=True)
        self._plug(x, self.tr("Import a full &workbook…"), menu_actions.import_workbook, reload=True)
        x.addSeparator()
        self._plug(x, self.tr("Export a questionnaire…"), menu_actions.export_questionnaire)
        self._plug(x, self.tr("Export the full workbook…"), menu_actions.export_workbook)
        self._plug(x, self.tr("Export the gap plan…"), menu_actions.export_gap_plan)

        rep = mb.addMenu(self.tr("Re&ports"))
        self._plug(rep, self.tr("&Gap report (PDF or Word)…"), menu_actions.write_gap_report)
        self._plug(rep, self.tr("&Certificate (PDF)…"), menu_actions.write_certificate)
        self._plug(rep, self.tr("Certificates &issued…"), menu_actions.show_certificates)

    def _build_view_menu(self) -> None:
        v = self.menuBar().addMenu(self.tr("&View"))
        self._action(v, self.tr("&Requirement"), lambda: self.tabs.setCurrentIndex(0), "Ctrl+1")
        self._action(v, self.tr("&Dashboard"), lambda: self.tabs.setCurrentIndex(DASHBOARD_TAB), "Ctrl+2")
        self._action(v, self.tr("&Workshop (projector)"), self.toggle_workshop, "F11")
        v.addSeparator()
        text_menu = v.addMenu(self.tr("Model &text"))
        group = QActionGroup(self)
        for lang, label in (("zh", self.tr("Chinese")), ("en", self.tr("English")),
                            ("both", self.tr("Chinese and English"))):
            act = QAction(label, self, checkable=True)
            act.setChecked(self.settings.text_language == lang)
            act.triggered.connect(lambda _=False, lg=lang: self.set_text_language(lg))
            group.addAction(act)
            text_menu.addAction(act)
        self._action(v, self.tr("Expand all"), self.tree.expandAll)
        self._action(v, self.tr("Collapse all"), self.tree.collapseAll)

    def _plug(self, menu: QMenu, text: str, fn: menu_actions.MenuAction, *, reload: bool = False) -> None:
        """A menu action served by another module (ui.menu_actions: imported only when the action is used).

        ``reload``: the action may change the assessment; it needs an editable file, and the views reload
        after it when ``fn`` returns true.
        """

        def run() -> None:
            s = self.session
            if s is None:
                return
            self.requirement_pane.flush()
            try:
                result = fn(self, s.assessment)
            except CdassessError as exc:
                messages.show_error(self, text.replace("&", "").rstrip("…"), exc)
                return
            if reload and result:
                self.undo.clear()
                s.reload()
                self._update_state()

        act = self._action(menu, text, run)
        act.setProperty("needs_edit", reload)
        self._plugged = [*getattr(self, "_plugged", []), act]

    def open_portfolio(self) -> None:
        """File > Portfolio…: a catalogue of many assessments (ui.portfolio, loaded on first use)."""
        from ui.portfolio import open_portfolio

        self._portfolio = open_portfolio(self)

    # ------------------------------------------------------------------------------------ files

    def open_path(self, path: str | Path, *, readonly: bool = False) -> bool:
        """Open an assessment; errors are shown and the current one stays open."""
        p = Path(path)
        actor = self.settings.assessor or None
        try:
            a = Assessment.open(p, readonly=readonly, actor=actor)
        except FileInUseError as exc:
            if readonly or not messages.ask_open_read_only(self, str(exc)):
                return False
            return self.open_path(p, readonly=True)
        except CdassessError as exc:
            messages.show_error(self, self.tr("Cannot open %1").replace("%1", p.name), exc)
            return False
        self.set_assessment(a)
        self.settings.add_recent(p)
        return True

    def set_assessment(self, assessment: Assessment | None) -> None:
        old = self.session
        self.requirement_pane.flush()
        self.undo.clear()
        self.session = AssessmentSession(assessment, self) if assessment is not None else None
        s = self.session
        for stale in (self.proxy, self.tree_model):
            if stale is not None:
                stale.deleteLater()
        self.tree_model = self.proxy = None
        if s is not None:
            self._fill_rating_actions(s.model.scale)
            self.tree_model = ModelTreeModel(s, self.settings.text_language, self)
            self.proxy = RequirementFilter(self.tree_model, self)
            self.proxy.set_filter(str(self.filter.currentData()))
            self.proxy.set_search(self.search.text())
            self._apply_scope()
            self.tree.setModel(self.proxy)
            self._size_columns(s)
            self.tree.selectionModel().currentChanged.connect(self._current_changed)
            for row in range(self.proxy.rowCount()):
                self.tree.expand(self.proxy.index(row, 0))
            s.saved.connect(self._show_saved)
            s.metaChanged.connect(self._update_state)
            s.metaChanged.connect(self._apply_scope)
            s.reloaded.connect(self._after_reload)
            s.ratingsChanged.connect(self._matches_timer.start)
            s.evidenceChanged.connect(self._matches_timer.start)
        else:
            self.tree.setModel(None)
        self.requirement_pane.set_session(s)
        self.evidence_pane.set_session(s)
        if self._dashboard is not None:
            self._dashboard.set_text_language(self.settings.text_language)
            self._dashboard.set_session(s)
        elif s is not None:
            self._prepare_timer.start()
        if old is not None:
            old.close()
            old.deleteLater()
        self._update_state()
        self._update_matches()
        if s is not None:
            self.saved_label.setText(self.tr("Read-only: nothing is changed") if s.readonly
                                     else self.tr("All changes saved"))
            # Start where the work is: the first unrated requirement up to the target (else any, else the first).
            if not self._first_unrated_within_target() and not self.next_unrated(1) and self.tree_model is not None:
                ids = self.tree_model.requirement_ids()
                if ids:
                    self.go_to(ids[0])

    def _after_reload(self) -> None:
        if self.session is not None and self.tree_model is not None:
            self._size_columns(self.session)
        """The model was reset (an import): expand the domains again and keep the shown requirement."""
        current = self.requirement_pane.req.id if self.requirement_pane.req is not None else None
        if self.proxy is not None:
            for row in range(self.proxy.rowCount()):
                self.tree.expand(self.proxy.index(row, 0))
        if current is not None:
            self.go_to(current, reveal=False)
        self._matches_timer.start()

    def _update_state(self) -> None:
        s = self.session
        if s is None:
            self.setWindowTitle("cdassess")
            self.path_label.setText(self.tr("No assessment open: File > New, Open or Open the demo."))
            self.banner.hide()
        else:
            m = s.assessment.meta
            self.setWindowTitle(f"{m.project} — {m.organization} — cdassess")
            self.path_label.setText(str(s.assessment.path))
            if s.readonly:
                self.banner.setText(self.tr("Read-only: this file is open for editing in another cdassess window "
                                            "or command (or cannot be written). You can look, but nothing can "
                                            "be changed here."))
                self.banner.show()
            elif s.locked:
                self.banner.setText(self.tr("This assessment is locked (by %1 at %2), so its results stay as "
                                            "reported. Use File > Unlock… with a reason to change it.")
                                    .replace("%1", m.locked_by or "?").replace("%2", when(m.locked_at or "?")))
                self.banner.show()
            else:
                self.banner.hide()
        editable = s is not None and s.editable
        for act in self.rating_actions:
            act.setEnabled(editable)
        self.review_action.setEnabled(editable)
        self.lock_action.setEnabled(editable)
        self.details_action.setEnabled(editable)
        self.unlock_action.setEnabled(s is not None and not s.readonly and s.locked)
        for act in getattr(self, "_plugged", []):
            act.setEnabled(s is not None and (editable or not act.property("needs_edit")))
        self.requirement_pane.update_enabled()
        self.evidence_pane.update_enabled()

    def _show_saved(self, at: str) -> None:
        self.saved_label.setText(self.tr("All changes saved %1").replace("%1", at))

    def choose_file(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        start = str(Path(self.settings.recent_files()[0]).parent) if self.settings.recent_files() else ""
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Open an assessment"), start,
                                              self.tr("Assessments (*.cdassess);;All files (*)"))
        if name:
            self.open_path(name)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        if not files:
            act = self.recent_menu.addAction(self.tr("(none)"))
            act.setEnabled(False)
        for f in files:
            act = self.recent_menu.addAction(f)
            act.setData(f)
            act.triggered.connect(self._recent_chosen)

    def _recent_chosen(self) -> None:
        act = self.sender()
        if isinstance(act, QAction):
            self.open_recent(str(act.data()))

    def open_recent(self, path: str) -> bool:
        if not Path(path).exists():
            messages.error(self, self.tr("File not found"),
                           self.tr("%1 no longer exists (moved, renamed or deleted). It was removed from the "
                                   "recent files.").replace("%1", path))
            self.settings.remove_recent(path)
            return False
        return self.open_path(path)

    def open_demo(self) -> bool:
        from cdassess.demo import ensure_demo

        try:
            path = ensure_demo()
        except CdassessError as exc:
            messages.show_error(self, self.tr("Cannot build the demo"), exc)
            return False
        return self.open_path(path)

    def new_assessment(self) -> None:
        from cdassess.model import load_model_file
        from ui.dialogs import NewAssessmentDialog  # dialogs load when first used (start-up speed)

        dlg = NewAssessmentDialog(self.settings, self)
        while dlg.exec():  # a refused value (file exists, ...) keeps the dialog and what was typed
            v = dlg.values()
            try:
                model = load_model_file(Path(str(v["model_path"])))
                assessors = v["assessors"]
                assert isinstance(assessors, list)
                a = Assessment.create(Path(str(v["path"])), organization=str(v["organization"]),
                                      project=str(v["project"]), scope=str(v["scope"]), assessors=assessors,
                                      model=model, target_level=int(str(v["target_level"])),
                                      assessor=self.settings.assessor or None)
            except CdassessError as exc:
                messages.show_error(self, self.tr("Cannot create the assessment"), exc)
                continue
            self.set_assessment(a)
            self.settings.add_recent(a.path)
            return

    def edit_details(self) -> None:
        s = self.session
        if s is None or not s.editable:
            return
        from ui.dialogs import DetailsDialog

        dlg = DetailsDialog(s.assessment.meta, s.model.level_numbers, self)
        while dlg.exec():
            changes = dlg.changes()
            if not changes:
                return
            try:
                old = s.update_details(**changes)
            except CdassessError as exc:
                messages.show_error(self, self.tr("The change was not saved"), exc)
                continue
            self.undo.push(DetailsCommand(s, old, changes, self._command_error))
            return

    def _command_error(self, exc: CdassessError) -> None:
        messages.show_error(self, self.tr("The change was not saved"), exc)

    def lock(self) -> None:
        s = self.session
        if s is None or not s.editable:
            return
        from ui.certificates import checklist_text

        self.requirement_pane.flush()
        if not messages.ask(self, self.tr("Lock the assessment"), checklist_text(s.assessment.readiness())):
            return
        try:
            s.lock()
        except CdassessError as exc:
            messages.show_error(self, self.tr("Cannot lock"), exc)
            return
        self.undo.clear()

    def unlock(self) -> None:
        s = self.session
        if s is None or not s.locked:
            return
        from ui.certificates import unlock_warning

        warning = unlock_warning(s.assessment)
        reason = messages.ask_text(self, self.tr("Unlock the assessment"),
                                   (warning + "\n" if warning else "") +
                                   self.tr("Why must the locked results change? (written into the audit log)"))
        if reason is None:
            return
        if not reason.strip():
            messages.error(self, self.tr("Unlock the assessment"), self.tr("A reason is required to unlock."))
            return
        try:
            s.unlock(reason.strip())
        except CdassessError as exc:
            messages.show_error(self, self.tr("Cannot unlock"), exc)

    def edit_settings(self) -> None:
        from ui.dialogs import SettingsDialog

        dlg = SettingsDialog(self.settings, self)
        if not dlg.exec():
            return
        restart = dlg.apply()
        self.evidence_pane.actor = self.settings.assessor
        if self.session is not None and self.settings.assessor:
            self.session.assessment.store.actor = self.settings.assessor
        self.set_text_language(self.settings.text_language)
        if restart:
            messages.info(self, self.tr("Settings"),
                          self.tr("The interface language changes when cdassess is started again."))

    def set_text_language(self, lang: str) -> None:
        self.settings.text_language = lang
        if self.tree_model is not None:
            self.tree_model.set_text_language(lang)
        if self._dashboard is not None:
            self._dashboard.set_text_language(lang)

    def open_log_folder(self) -> bool:
        """Help > Open log folder: where the log of problems and crashes is (to send with a bug report)."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from cdassess import logsetup

        folder = logsetup.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))

    def about(self) -> None:
        """Help > About: what cdassess is and the versions it runs on, with a copy button."""
        from cdassess.versions import version_report
        from ui.dialogs import AboutDialog

        dialog = AboutDialog(version_report(), self)
        dialog.exec()
        dialog.deleteLater()

    # ------------------------------------------------------------------------------------ navigation

    def _size_columns(self, s: AssessmentSession) -> None:
        assert self.tree_model is not None
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        # Fixed widths from the font, not ResizeToContents: that re-measures every row on each edit.
        fm = self.tree.fontMetrics()
        samples = {
            COL_STATUS: [status_label(st, s.model.scale) + " ⚑" for st in (*s.model.scale.ids, Status.UNRATED)]
            + [self.tree_model.index(0, COL_STATUS).data() or ""],
            COL_CLAIM: [status_label(st, s.model.scale) for st in s.model.scale.ids]
            + [self.tree_model.headerData(COL_CLAIM, Qt.Orientation.Horizontal)],
            COL_PROGRESS: ["000/000", self.tree_model.headerData(COL_PROGRESS, Qt.Orientation.Horizontal)],
            COL_EVIDENCE: ["00", self.tree_model.headerData(COL_EVIDENCE, Qt.Orientation.Horizontal)],
        }
        for col, texts in samples.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            extra = 44 if col == COL_STATUS else 18
            if col == COL_CLAIM and not s.claims:
                header.resizeSection(col, 0)  # no questionnaire came back: no empty column
                header.setSectionHidden(col, True)
                continue
            header.setSectionHidden(col, False)
            header.resizeSection(col, max(fm.horizontalAdvance(str(t)) for t in texts) + extra)

    def _scope_toggled(self, on: bool) -> None:
        self.settings.scope_to_target = on
        self._apply_scope()
        self._after_filter()

    def _apply_scope(self) -> None:
        if self.proxy is not None and self.session is not None:
            target = self.session.target
            self.proxy.set_scope(target if self.scope.isChecked() else None)
            self.scope.setText(self.tr("Up to L%1").replace("%1", str(target)))

    def _filter_changed(self) -> None:
        if self.proxy is not None:
            self.proxy.set_filter(str(self.filter.currentData()))
            self._after_filter()

    def _search_changed(self) -> None:
        if self.proxy is not None:
            self.proxy.set_search(self.search.text())
            self._after_filter()

    def _after_filter(self) -> None:
        """Unfold what the filter shows (up to UNFOLD_LIMIT requirements; beyond that down to the items, which
        the user unfolds); without a filter, fold back to the domains and keep the current requirement shown."""
        if self.proxy is not None:
            current = self.tree.currentIndex()
            if not self.proxy.active:
                self.tree.collapseAll()
                for row in range(self.proxy.rowCount()):
                    self.tree.expand(self.proxy.index(row, 0))
            elif len(self.proxy.matched) <= UNFOLD_LIMIT:
                self.tree.expandAll()
            else:
                self.tree.expandToDepth(1)
            if current.isValid():
                self.tree.scrollTo(current)
        self._update_matches()

    def _update_matches(self) -> None:
        if self.proxy is None or not self.proxy.active or self.tree_model is None:
            self.match_label.setText("")
            return
        matched = self.proxy.matched
        text = self.tr("%1 requirements match").replace("%1", str(len(matched)))
        if len(matched) > UNFOLD_LIMIT:
            text += " · " + self.tr("items folded (View > Expand all unfolds them)")
        found = self.proxy.found_in
        places = sorted({found[r] for r in matched if r in found})
        if places:
            text += " · " + self.tr("also found in: %1").replace("%1", ", ".join(places))
        self.match_label.setText(text)

    def _search_escape(self) -> None:
        self.search.clear()
        self._search_changed()
        self.tree.setFocus()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        rid = self.current_requirement()
        self.requirement_pane.set_requirement(rid)
        self.evidence_pane.set_requirement(rid)

    def _tree_menu(self, pos: QPoint) -> None:
        """Right-click on a requirement: rate it, flag it, attach evidence."""
        idx = self.tree.indexAt(pos)
        if not idx.isValid() or idx.data(KindRole) != "requirement":
            return
        self.tree.setCurrentIndex(idx)
        menu = QMenu(self)
        for act in self.rating_actions:
            menu.addAction(act)
        menu.addSeparator()
        menu.addAction(self.review_action)
        menu.addAction(self.accept_action)
        attach = menu.addAction(self.tr("Attach files…"), self.evidence_pane.choose_files)
        attach.setEnabled(self.session is not None and self.session.editable)
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def current_requirement(self) -> str | None:
        idx = self.tree.currentIndex()
        if not idx.isValid() or idx.data(KindRole) != "requirement":
            return None
        return str(idx.siblingAtColumn(0).data(Qt.ItemDataRole.UserRole).id)

    def _undo_moved(self, index: int) -> None:
        """After undo or redo, show the requirement the edit was about (when the filter shows it)."""
        previous, self._undo_index = self._undo_index, index
        if index == previous:
            return
        cmd = self.undo.command(index if index < previous else index - 1)
        req_id = getattr(cmd, "req_id", None)
        if req_id and req_id != self.current_requirement():
            self.go_to(req_id, reveal=False)

    def go_to(self, node_id: str, *, reveal: bool = True) -> bool:
        """Select a node (requirement, item, subdomain, domain) in the tree; with ``reveal``, clear the filter
        and search when they hide it."""
        if self.tree_model is None or self.proxy is None:
            return False
        src = self.tree_model.index_of(node_id)
        if not src.isValid():
            return False
        idx = self.proxy.mapFromSource(src)
        if not idx.isValid() and not reveal:
            return False
        if not idx.isValid():
            self.search.clear()
            self.filter.setCurrentIndex(0)
            self._search_changed()
            idx = self.proxy.mapFromSource(src)
        self.tree.scrollTo(idx, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.tree.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        if self.tree_model.nodes[node_id].kind == "requirement":
            self.tabs.setCurrentIndex(0)
        self.tree.setFocus()
        return True

    def next_unrated(self, direction: int) -> bool:
        """Select the next (or previous) unrated requirement that the current filter shows."""
        if self.tree_model is None or self.proxy is None or self.session is None:
            return False
        ids = self.tree_model.requirement_ids()
        cur = self.current_requirement()
        start = ids.index(cur) if cur in ids else (-1 if direction > 0 else len(ids))
        n = len(ids)
        for k in range(1, n + 1):
            i = (start + direction * k) % n
            rid = ids[i]
            wanted = self.session.status(rid) == Status.UNRATED or (
                self.proxy.filter_key == "to_reconfirm" and rid in self.session.reconfirm)
            if wanted and self.proxy.mapFromSource(self.tree_model.index_of(rid)).isValid():
                return self.go_to(rid)
        self.statusBar().showMessage(self.tr("No unrated requirement left here."), 4000)
        return False

    def _first_unrated_within_target(self) -> bool:
        s, tree = self.session, self.tree_model
        if s is None or tree is None:
            return False
        for rid in tree.requirement_ids():
            if s.status(rid) == Status.UNRATED and s.model.requirements[rid].level <= s.target:
                return self.go_to(rid)
        return False

    def step(self, direction: int) -> bool:
        if self.tree_model is None or self.proxy is None:
            return False
        ids = [r for r in self.tree_model.requirement_ids()
               if self.proxy.mapFromSource(self.tree_model.index_of(r)).isValid()]
        if not ids:
            return False
        cur = self.current_requirement()
        i = ids.index(cur) + direction if cur in ids else 0
        return self.go_to(ids[max(0, min(i, len(ids) - 1))])

    # ------------------------------------------------------------------------------------ rating

    def _fill_rating_actions(self, scale: RatingScale) -> None:
        """The Rating menu's options: the model's scale on keys 1..N, Clear on 0."""
        if scale is self._rating_scale:
            return
        self._rating_scale = scale
        for act in self.rating_actions:
            self.rating_menu.removeAction(act)
            act.deleteLater()
        self.rating_actions = []
        for status, key in rating_keys(scale):
            label = self.tr("Clear the rating") if status == Status.UNRATED else \
                self.tr("Rate: %1").replace("%1", status_label(status, scale))
            act = QAction(label, self)
            act.setShortcut(QKeySequence(key))
            act.triggered.connect(lambda _=False, st=status: self.rate_current(st))
            act.setIcon(icons.status_icon(scale.kind(status)))
            self.rating_menu.insertAction(self._rating_separator, act)
            self.rating_actions.append(act)

    def show_models(self) -> None:
        """File > Models…: the model library (list, import with a preview, remove)."""
        from ui.models_dialog import show_models

        show_models(self)

    def status_for_digit(self, digit: int) -> str | None:
        """The status a digit key gives: the scale's option 1..9, "unrated" for 0."""
        scale = self.session.model.scale if self.session is not None else CAICT_SCALE
        for status, key in rating_keys(scale):
            if key == str(digit):
                return status
        return None

    def rate_current(self, status: str) -> bool:
        rid = self.current_requirement()
        if rid is None:
            return False
        done = self.requirement_pane.rate(status)
        if done and self._hidden(rid):
            # The filter hides it now (e.g. "unrated"): carry on with the next requirement it shows.
            self._select_after(rid)
        return done

    def toggle_workshop(self) -> QWidget | None:
        """View > Workshop: the current requirement at projector size (on a second screen when there is one)."""
        view = getattr(self, "_workshop", None)
        if view is not None and view.isVisible():
            view.close()
            return None
        if self.session is None:
            return None
        from ui.workshop import WorkshopView

        self._workshop = WorkshopView(self)
        self._workshop.show_on_best_screen()
        return self._workshop

    def open_tool(self, name: str) -> QDialog | None:
        """What-if, explain, interviews or the audit log on the open assessment (a modeless dialog)."""
        s = self.session
        if s is None:
            return None
        self.requirement_pane.flush()
        from ui import tools

        rid = self.current_requirement()
        dialog: QDialog
        if name == "what_if":
            dialog = tools.WhatIfDialog(s, self)
        elif name == "explain":
            explain = tools.ExplainDialog(s, self)
            explain.requirementActivated.connect(self.go_to)
            dialog = explain
        elif name == "interviews":
            dialog = tools.InterviewsDialog(s, self, rid)
        else:
            dialog = tools.AuditDialog(s, self, rid)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def accept_claim(self) -> bool:
        """The team's claim of the current requirement becomes the rating (undoable)."""
        rid = self.current_requirement()
        return rid is not None and self._accept([rid])

    def accept_shown_claims(self) -> bool:
        """Accept the claims of every requirement the tree shows (asks once; one undo step)."""
        s, tree = self.session, self.tree_model
        if s is None or tree is None:
            return False
        ids = [r for r in tree.requirement_ids() if not self._hidden(r) and s.claim(r) is not None
               and str(s.claims[r].status) != "unrated" and str(s.claims[r].status) != str(s.status(r))]
        if not ids:
            self.statusBar().showMessage(self.tr("No requirement shown has a claim that differs from its rating."),
                                         5000)
            return False
        if not messages.ask(self, self.tr("Accept the team's claims"),
                            self.tr("Take the team's claim as your rating for %1 requirements shown?")
                            .replace("%1", str(len(ids)))):
            return False
        return self._accept(ids)

    def _accept(self, ids: list[str]) -> bool:
        s = self.session
        if s is None or not s.editable:
            return False
        self.requirement_pane.flush()
        try:
            olds = s.accept_claims(ids)
        except CdassessError as exc:
            messages.show_error(self, self.tr("Accept the team's claim"), exc)
            return False
        if not olds:
            self.statusBar().showMessage(self.tr("No claim from the team to accept."), 4000)
            return False
        self.undo.push(AcceptClaimsCommand(s, [o.req_id for o in olds], olds, self._command_error))
        return True

    def _hidden(self, req_id: str) -> bool:
        if self.proxy is None or self.tree_model is None:
            return False
        return not self.proxy.is_shown(req_id)

    def _select_after(self, req_id: str) -> None:
        if self.tree_model is None:
            return
        ids = self.tree_model.requirement_ids()
        start = ids.index(req_id)
        for rid in ids[start + 1:] + ids[:start]:
            if not self._hidden(rid):
                self.go_to(rid, reveal=False)
                return

    # ------------------------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.evidence_pane.job is not None:
            messages.info(self, self.tr("Please wait"), self.tr("Evidence is still being attached."))
            event.ignore()
            return
        self.requirement_pane.flush()
        self.evidence_pane.remove_copies()
        self.settings.set_layout("geometry", self.saveGeometry())
        self.settings.set_layout("split", self.split.saveState())
        self.settings.set_layout("right_split", self.right_split.saveState())
        self.settings.sync()
        if self.session is not None:
            self.session.close()
            self.session = None
        event.accept()
