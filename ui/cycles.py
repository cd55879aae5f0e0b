"""Cycles in the window: re-assess last year's file, compare assessments, review evidence (undoable)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QCoreApplication, Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cdassess.cycles import REVIEW_STATUSES, Comparison, EvidenceReview, compare, reassess
from cdassess.errors import CdassessError
from cdassess.services import Assessment
from ui import messages
from ui.labels import review_label

if TYPE_CHECKING:
    from ui.session import AssessmentSession


# ------------------------------------------------------------------------------------------ re-assess


def reassess_interactive(parent: QWidget, assessment: Assessment) -> bool:
    """File > Re-assess…: write next cycle's file from the open one and open it."""
    window: Any = parent  # the main window (its module imports this one lazily, through ui.menu_actions)
    start = assessment.path.with_name(assessment.path.stem + "-next.cdassess")
    name, _ = QFileDialog.getSaveFileName(
        window, QCoreApplication.translate("Cycles", "Re-assess: the new assessment file"), str(start),
        QCoreApplication.translate("Cycles", "Assessments (*.cdassess)"))
    if not name:
        return False
    dest = Path(name if name.endswith(".cdassess") else name + ".cdassess")
    try:
        new = reassess(assessment.path, dest, actor=window.settings.assessor or None)
    except CdassessError as exc:
        messages.show_error(window, QCoreApplication.translate("Cycles", "Re-assess"), exc)
        return False
    new.close()
    if window.open_path(dest):
        i = window.filter.findData("to_reconfirm")
        if i >= 0:
            window.filter.setCurrentIndex(i)
        count = len(window.session.reconfirm) if window.session else 0
        window.statusBar().showMessage(QCoreApplication.translate(
            "Cycles", "New cycle: %1 ratings to re-confirm (F8 walks them)").replace("%1", str(count)), 8000)
    return True


# ------------------------------------------------------------------------------------------ compare


class CompareDialog(QDialog):
    """Pick assessments, see them side by side (levels, one radar, changed ratings, findings), export."""

    def __init__(self, parent: QWidget | None, first: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Compare assessments"))
        self.resize(1000, 680)
        self.comparison: Comparison | None = None
        self.files = QListWidget()
        self.files.setMaximumHeight(90)
        if first is not None:
            self.files.addItem(str(first))
        add = QPushButton(self.tr("Add files…"))
        remove = QPushButton(self.tr("Remove"))
        run = QPushButton(self.tr("Compare"))
        add.clicked.connect(self.add_files)
        remove.clicked.connect(lambda: [self.files.takeItem(self.files.row(i)) for i in self.files.selectedItems()])
        run.clicked.connect(self.run)
        buttons = QVBoxLayout()
        for b in (add, remove, run):
            buttons.addWidget(b)
        top = QHBoxLayout()
        top.addWidget(self.files, 1)
        top.addLayout(buttons)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.tabs = QTabWidget()
        self.levels = QTableWidget()
        self.changed = QTableWidget()
        self.findings = QTableWidget()
        self.radar = QSvgWidget()
        for table in (self.levels, self.changed, self.findings):
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.verticalHeader().setVisible(False)
        self.tabs.addTab(self.levels, self.tr("Levels"))
        self.tabs.addTab(self.radar, self.tr("Radar"))
        self.tabs.addTab(self.changed, self.tr("Changed ratings"))
        self.tabs.addTab(self.findings, self.tr("Findings"))
        out = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.pdf_button = out.addButton(self.tr("Save as PDF…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.xlsx_button = out.addButton(self.tr("Save as workbook…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.pdf_button.clicked.connect(lambda: self.save(".pdf"))
        self.xlsx_button.clicked.connect(lambda: self.save(".xlsx"))
        out.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(out)
        self._enable()

    def _enable(self) -> None:
        for b in (self.pdf_button, self.xlsx_button):
            b.setEnabled(self.comparison is not None)

    def add_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Assessments to compare"), "",
                                                self.tr("Assessments (*.cdassess)"))
        for n in names:
            self.files.addItem(n)

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def run(self) -> bool:
        try:
            self.comparison = compare(self.paths())
        except CdassessError as exc:
            self.comparison = None
            self._enable()
            messages.show_error(self, self.tr("Compare assessments"), exc)
            return False
        self.show_comparison(self.comparison)
        self._enable()
        return True

    def show_comparison(self, cmp: Comparison) -> None:
        from cdassess.reports.charts import drawing_svg
        from cdassess.reports.compare import comparison_radar

        heads = [f"#{k + 1} {lab}" for k, lab in enumerate(cmp.labels)]
        self.summary.setText("  ·  ".join(f"{h}: L{lvl}" for h, lvl in zip(heads, cmp.overall, strict=True)))
        model = cmp.model
        rows: list[list[str]] = []
        for d, levels in cmp.domains:
            rows.append([f"{d}  {model.domain(d).names.both(' / ')}", *[f"L{v}" for v in levels]])
            for s in model.domain(d).subdomains:
                for i in s.items:
                    rows.append([f"      {i.id}  {i.names.both(' / ')}",
                                 *[f"L{v}" for v in dict(cmp.items)[i.id]]])
        _fill(self.levels, [self.tr("Domain / item"), *heads], rows)
        kinds = {"better": self.tr("better"), "worse": self.tr("worse"), "new": self.tr("newly rated"),
                 "gone": self.tr("no longer rated"), "changed": self.tr("changed")}
        _fill(self.changed, [self.tr("Requirement"), self.tr("Change"), self.tr("Before"), self.tr("After")],
              [[c.requirement, kinds[c.kind], c.before, c.after] for c in cmp.changed])
        _fill(self.findings, [self.tr("State"), self.tr("Requirement"), self.tr("Observation")],
              [[self.tr("closed"), f.req_id or "", f.observation] for f in cmp.findings_closed]
              + [[self.tr("opened"), f.req_id or "", f.observation] for f in cmp.findings_opened])
        self.radar.load(QByteArray(drawing_svg(comparison_radar(cmp, "both", width=620, height=440))))
        self.radar.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)

    def save(self, suffix: str) -> bool:
        cmp = self.comparison
        if cmp is None:
            return False
        what = self.tr("PDF (*.pdf)") if suffix == ".pdf" else self.tr("Workbooks (*.xlsx)")
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save the comparison"), str(cmp.files[-1].with_name(
            cmp.files[-1].stem + "-comparison" + suffix)), what)
        if not name:
            return False
        try:
            if suffix == ".pdf":
                from cdassess.reports.compare import write_compare_report

                write_compare_report(cmp, name, force=True)
            else:
                from cdassess.xlsx.compare import export_comparison

                export_comparison(cmp, name, force=True)
        except CdassessError as exc:
            messages.show_error(self, self.tr("Save the comparison"), exc)
            return False
        except OSError as exc:
            messages.show_error(self, self.tr("Save the comparison"), CdassessError(f"{name}: {exc.strerror or exc}"))
            return False
        return True


def _fill(table: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)


def compare_interactive(parent: QWidget, assessment: Assessment) -> bool:
    """File > Compare assessments…, starting with the open one (add last year's and run)."""
    window: Any = parent  # the main window (its module imports this one lazily, through ui.menu_actions)
    dialog = CompareDialog(window, assessment.path)
    prev = window.session.previous_file() if window.session is not None else None
    if prev is not None:
        dialog.files.insertItem(0, str(prev))
        dialog.run()
    dialog.exec()
    return False


# ------------------------------------------------------------------------------------------ evidence review


class ReviewDialog(QDialog):
    """Accept, reject (with a reason) or expire evidence; the date it represents and its valid-until date."""

    def __init__(self, parent: QWidget | None, name: str, review: EvidenceReview) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Review evidence: %1").replace("%1", name))
        self.status = QComboBox()
        for st in REVIEW_STATUSES:
            self.status.addItem(review_label(st), st)
        self.status.setCurrentIndex(REVIEW_STATUSES.index(review.status))
        self.reason = QLineEdit(review.reason)
        self.reason.setPlaceholderText(self.tr("Why it is rejected (needed to reject)"))
        self.represents = _date_edit(review.represents_date)
        self.valid_until = _date_edit(review.valid_until)
        form = QFormLayout(self)
        form.addRow(self.tr("Status"), self.status)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Represents the state on"), self.represents)
        form.addRow(self.tr("Valid until"), self.valid_until)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.status.currentIndexChanged.connect(self._check)
        self.reason.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        ok = self.status.currentData() != "rejected" or bool(self.reason.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def values(self) -> dict[str, str | None]:
        return {"status": str(self.status.currentData()), "reason": self.reason.text(),
                "represents_date": _date_text(self.represents), "valid_until": _date_text(self.valid_until)}


def _date_edit(value: str) -> QDateEdit:
    from PySide6.QtCore import QDate

    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setSpecialValueText(QCoreApplication.translate("Cycles", "not set"))
    edit.setMinimumDate(QDate(1990, 1, 1))
    edit.setDate(QDate.fromString(value, "yyyy-MM-dd") if value else edit.minimumDate())
    return edit


def _date_text(edit: QDateEdit) -> str:
    return "" if edit.date() == edit.minimumDate() else edit.date().toString("yyyy-MM-dd")


class ReviewCommand(QUndoCommand):
    """An evidence review change; undo puts the earlier review back (it was made before the push)."""

    def __init__(self, session: AssessmentSession, old: EvidenceReview, new_values: dict[str, str | None]) -> None:
        super().__init__(QCoreApplication.translate("Cycles", "Review evidence"))
        self.session, self.old, self.new_values = session, old, new_values
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.session.review_evidence(self.old.evidence_id, **self.new_values)

    def undo(self) -> None:
        self.session.restore_review(self.old)
