"""Excel in the window: the import preview dialog (changes and problems, then apply all or nothing) and the
menu actions for questionnaire, workbook and gap plan export and import.

Each menu function takes ``(parent, assessment)`` and returns True when the assessment changed. Work runs on
the GUI thread (the assessment's SQLite connection belongs to it); progress callbacks keep the window painting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEventLoop,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cdassess.errors import CdassessError
from cdassess.export_profile import FULL, ExportProfile
from cdassess.scale import RatingScale
from cdassess.services import Assessment, safe_filename
from cdassess.xlsx.preview import ChangeRow, ImportPreview, ProblemRow
from ui import messages
from ui.choices import language_choice, level_choice, ok_cancel
from ui.labels import status_label
from ui.report_actions import ProfileChoice, ask_save_path

AnyIndex = QModelIndex | QPersistentModelIndex


def column_label(name: str) -> str:
    """A preview column's header (the engine names them in English)."""
    return {
        "Sheet": QCoreApplication.translate("ImportDialog", "Sheet"),
        "Row": QCoreApplication.translate("ImportDialog", "Row"),
        "Target": QCoreApplication.translate("ImportDialog", "Target"),
        "Field": QCoreApplication.translate("ImportDialog", "Field"),
        "Action": QCoreApplication.translate("ImportDialog", "Action"),
        "Old": QCoreApplication.translate("ImportDialog", "Old"),
        "New": QCoreApplication.translate("ImportDialog", "New"),
        "Column": QCoreApplication.translate("ImportDialog", "Column"),
        "Problem": QCoreApplication.translate("ImportDialog", "Problem"),
        "Accepted": QCoreApplication.translate("ImportDialog", "Accepted"),
    }.get(name, name)


def action_label(action: str) -> str:
    """What an import does to a field (the engine's closed vocabulary)."""
    return {
        "set": QCoreApplication.translate("ImportDialog", "set"),
        "added": QCoreApplication.translate("ImportDialog", "added"),
        "changed": QCoreApplication.translate("ImportDialog", "changed"),
        "cleared": QCoreApplication.translate("ImportDialog", "cleared"),
        "removed": QCoreApplication.translate("ImportDialog", "removed"),
    }.get(action, action)


class _Row(Protocol):
    def cells(self) -> tuple[str, ...]: ...


class RowsModel(QAbstractTableModel):
    """A read-only table over preview rows (changes or problems); UserRole gives the row object itself."""

    def __init__(self, rows: Sequence[_Row], columns: Sequence[str], parent: QWidget | None = None, *,
                 scale: RatingScale | None = None) -> None:
        super().__init__(parent)
        self._rows = list(rows)
        self._cells = [r.cells() for r in self._rows]
        if scale is not None and "Old" in columns:  # ratings and claims in the scale's words, not option ids
            f, o, n = (list(columns).index(c) for c in ("Field", "Old", "New"))

            def word(v: str) -> str:
                return status_label(v, scale) if v and v in scale else v

            self._cells = [tuple(word(x) if i in (o, n) and c[f] in ("rating", "self-assessment") else x
                                 for i, x in enumerate(c)) for c in self._cells]
        if "Action" in columns:  # the engine's words for what happens, shown in the interface language
            at = list(columns).index("Action")
            self._cells = [(*c[:at], action_label(c[at]), *c[at + 1:]) for c in self._cells]
        self._columns = [column_label(c) for c in columns]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._cells[index.row()][index.column()]
            if role == Qt.ItemDataRole.DisplayRole and len(text) > 200:
                return text[:200] + "…"
            return text
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return self._columns[section]
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None


def _table(model: RowsModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    view.resizeColumnsToContents()
    for col in range(model.columnCount()):  # long texts are in the tooltip; keep every column on screen
        view.setColumnWidth(col, min(view.columnWidth(col), 260))
    return view


class ImportPreviewDialog(QDialog):
    """What an import will change and what is wrong with the file; Apply only when nothing is wrong."""

    def __init__(self, preview: ImportPreview, parent: QWidget | None = None, *,
                 scale: RatingScale | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.scale = scale
        title = self.tr("Import the questionnaire %1") if preview.kind == "questionnaire" else \
            self.tr("Import the workbook %1")
        self.setWindowTitle(title.replace("%1", preview.path.name))
        self.resize(980, 620)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self._summary())
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        if preview.notes:
            notes = QLabel("\n".join(f"• {n}" for n in preview.notes[:20]))
            notes.setWordWrap(True)
            notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(notes)
        split = QSplitter(Qt.Orientation.Vertical)
        self.changes_model = RowsModel(preview.changes, ChangeRow.COLUMNS, self, scale=scale)
        problems = sorted(preview.problems, key=lambda p: (p.sheet, p.row, p.column))  # by place, shown first
        self.problems_model = RowsModel(problems, ProblemRow.COLUMNS, self)
        self.changes_view = _table(self.changes_model)
        self.problems_view = _table(self.problems_model)
        for heading, view, count in ((self.tr("Problems (%1)"), self.problems_view, len(preview.problems)),
                                     (self.tr("Changes (%1)"), self.changes_view, len(preview.changes))):
            box = QGroupBox(heading.replace("%1", str(count)))
            inner = QVBoxLayout(box)
            inner.addWidget(view)
            split.addWidget(box)
            box.setVisible(count > 0 or view is self.changes_view)
        layout.addWidget(split, 1)
        buttons = QDialogButtonBox()
        self.apply_button: QPushButton = buttons.addButton(self.tr("Apply"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button.setEnabled(preview.ok and bool(preview.changes))
        self.apply_button.setDefault(self.apply_button.isEnabled())
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _summary(self) -> str:
        p = self.preview
        if p.problems:
            return self.tr("%1 problem(s) found in %2. Nothing can be imported until they are fixed in the file; "
                           "each problem names its sheet, row and column.").replace(
                "%1", str(len(p.problems))).replace("%2", p.path.name)
        if not p.changes:
            return self.tr("%1 rows read from %2: nothing would change.").replace(
                "%1", str(p.rows_read)).replace("%2", p.path.name)
        ratings = sum(1 for c in p.changes if c.field == "rating")
        claims = sum(1 for c in p.changes if c.field == "self-assessment")
        counts = self.tr("%1 ratings set or changed, %2 claims changed, %3 other changes, 0 problems.").replace(
            "%1", str(ratings)).replace("%2", str(claims)).replace("%3", str(len(p.changes) - ratings - claims))
        return counts + " " + self.tr("%1 change(s) from %2 rows of %3. Apply writes them all at once (or none, "
                                      "if anything fails).").replace("%1", str(len(p.changes))).replace(
            "%2", str(p.rows_read)).replace("%3", p.path.name)


# --------------------------------------------------------------------------------------------- asking


def ask_open_xlsx(parent: QWidget | None, title: str, folder: Path) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(
        parent, title, str(folder),
        QCoreApplication.translate("ImportDialog", "Excel workbooks (*.xlsx);;All files (*)"))
    return Path(name) if name else None


def ask_save_xlsx(parent: QWidget | None, title: str, suggested: str, folder: Path) -> Path | None:
    return ask_save_path(parent, title, suggested, folder,
                         QCoreApplication.translate("ImportDialog", "Excel workbooks (*.xlsx)"), ".xlsx")


def confirm_preview(parent: QWidget | None, preview: ImportPreview, scale: RatingScale | None = None) -> bool:
    """Show the preview; True when the user chose Apply."""
    dialog = ImportPreviewDialog(preview, parent, scale=scale)
    return dialog.exec() == QDialog.DialogCode.Accepted


@dataclass(frozen=True)
class QuestionnaireOptions:
    max_level: int
    lang: str


class QuestionnaireOptionsDialog(QDialog):
    def __init__(self, parent: QWidget | None, assessment: Assessment) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export a questionnaire"))
        form = QFormLayout(self)
        self.level = level_choice(assessment)
        self.language = language_choice()
        form.addRow(self.tr("Requirements up to"), self.level)
        form.addRow(self.tr("Language"), self.language)
        buttons = ok_cancel(self)
        form.addRow(buttons)

    def options(self) -> QuestionnaireOptions:
        return QuestionnaireOptions(int(self.level.currentData()), str(self.language.currentData()))


def ask_questionnaire_options(parent: QWidget | None, assessment: Assessment) -> QuestionnaireOptions | None:
    dialog = QuestionnaireOptionsDialog(parent, assessment)
    return dialog.options() if dialog.exec() == QDialog.DialogCode.Accepted else None


class ExportOptionsDialog(QDialog):
    """Before a workbook or gap plan export: full (internal) or confidential (to share outside)."""

    def __init__(self, parent: QWidget | None, title: str, note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.profile_choice = ProfileChoice(note)
        layout.addWidget(self.profile_choice)
        buttons = ok_cancel(self)
        layout.addWidget(buttons)

    def profile(self) -> ExportProfile:
        return self.profile_choice.profile()


def ask_export_profile(parent: QWidget | None, title: str, note: str = "") -> ExportProfile | None:
    """The profile chosen for an export, or None when the user cancelled."""
    dialog = ExportOptionsDialog(parent, title, note)
    return dialog.profile() if dialog.exec() == QDialog.DialogCode.Accepted else None


# --------------------------------------------------------------------------------------------- import


def _identity_only(preview: ImportPreview) -> bool:
    """Every problem is about the file belonging to another assessment or model (forcing would help)."""
    return bool(preview.problems) and all(p.sheet == "_cdassess" and "exported for another" in p.message
                                          for p in preview.problems)


def _import(parent: QWidget | None, assessment: Assessment, kind: str,
            reader: Callable[..., ImportPreview]) -> bool:
    title = QCoreApplication.translate("ImportDialog", "Import the questionnaire") if kind == "questionnaire" \
        else QCoreApplication.translate("ImportDialog", "Import a full workbook")
    path = ask_open_xlsx(parent, title, assessment.path.parent)
    if path is None:
        return False
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        preview = reader(assessment, path)
        if _identity_only(preview):
            QApplication.restoreOverrideCursor()
            forced = messages.ask(parent, title, preview.problems[0].message + "\n\n" + QCoreApplication.translate(
                "ImportDialog", "Import it into this assessment anyway?"))
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            if not forced:
                return False
            preview = reader(assessment, path, force=True)
    except CdassessError as exc:
        messages.show_error(parent, title, exc)
        return False
    finally:
        QApplication.restoreOverrideCursor()
    if not confirm_preview(parent, preview, assessment.model.scale):
        return False
    try:
        preview.apply(assessment)
    except CdassessError as exc:
        messages.show_error(parent, title, exc)
        return False
    messages.info(parent, title, QCoreApplication.translate("ImportDialog", "%1 change(s) imported from %2.")
                  .replace("%1", str(len(preview.changes))).replace("%2", path.name))
    return True


def import_questionnaire_interactive(parent: QWidget | None, assessment: Assessment) -> bool:
    """Pick a filled-in questionnaire, preview it, apply it; True when the assessment changed."""
    from cdassess.xlsx import read_questionnaire

    return _import(parent, assessment, "questionnaire", read_questionnaire)


def import_workbook_interactive(parent: QWidget | None, assessment: Assessment) -> bool:
    """Pick a full workbook, preview it, apply it; True when the assessment changed."""
    from cdassess.xlsx import read_workbook

    return _import(parent, assessment, "workbook", read_workbook)


# --------------------------------------------------------------------------------------------- export


def _export(parent: QWidget | None, assessment: Assessment, title: str, suggested: str,
            write: Callable[[Path, Callable[[int, int], None]], Path], profile: ExportProfile = FULL) -> bool:
    if profile.redacts:
        suggested += QCoreApplication.translate("ImportDialog", "-confidential", "suffix of a suggested file name")
    name = safe_filename(f"{assessment.meta.project} - {suggested}.xlsx", f"{suggested}.xlsx")
    path = ask_save_xlsx(parent, title, name, assessment.path.parent)
    if path is None:
        return False
    progress = QProgressDialog(QCoreApplication.translate("ImportDialog", "Writing %1…").replace("%1", path.name),
                               "", 0, 100, parent)
    progress.setCancelButton(None)  # writes are quick and atomic; a half-written file is never left behind
    progress.setWindowTitle(title)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    progress.setValue(0)

    def report(done: int, total: int) -> None:
        progress.setValue(int(100 * done / total) if total else 100)
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    try:
        out = write(path, report)
    except CdassessError as exc:
        messages.show_error(parent, title, exc)
        return False
    finally:
        progress.close()
    messages.info(parent, title, QCoreApplication.translate("ImportDialog", "Written: %1").replace("%1", str(out)))
    return False  # an export never changes the assessment


def export_questionnaire_interactive(parent: QWidget | None, assessment: Assessment) -> bool:
    from cdassess.xlsx import export_questionnaire

    options = ask_questionnaire_options(parent, assessment)
    if options is None:
        return False
    return _export(parent, assessment, QCoreApplication.translate("ImportDialog", "Export a questionnaire"),
                   QCoreApplication.translate("ImportDialog", "questionnaire", "suggested file name"),
                   lambda path, report: export_questionnaire(assessment, path, max_level=options.max_level,
                                                             lang=options.lang, progress=report))


def export_workbook_interactive(parent: QWidget | None, assessment: Assessment) -> bool:
    """Ask full or confidential, then the file; write the workbook."""
    from cdassess.xlsx import export_workbook

    title = QCoreApplication.translate("ImportDialog", "Export the full workbook")
    profile = ask_export_profile(parent, title, QCoreApplication.translate(
        "ImportDialog", "A confidential workbook cannot be imported back: to edit in Excel and import again, "
        "export the full one."))
    if profile is None:
        return False
    return _export(parent, assessment, title,
                   QCoreApplication.translate("ImportDialog", "workbook", "suggested file name"),
                   lambda path, report: export_workbook(assessment, path, progress=report, profile=profile),
                   profile)


def export_gap_plan_interactive(parent: QWidget | None, assessment: Assessment) -> bool:
    """Ask full or confidential, then the file; write the gap plan."""
    from cdassess.xlsx import export_gap_plan

    title = QCoreApplication.translate("ImportDialog", "Export the gap plan")
    profile = ask_export_profile(parent, title)
    if profile is None:
        return False
    return _export(parent, assessment, title,
                   QCoreApplication.translate("ImportDialog", "gap plan", "suggested file name"),
                   lambda path, report: export_gap_plan(assessment, path, progress=report, profile=profile),
                   profile)
