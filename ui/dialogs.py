"""Small dialogs: a finding, a new assessment, the settings, picking existing evidence, evidence details,
about."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cdassess.errors import CdassessError
from cdassess.library import ModelEntry, ModelLibrary
from cdassess.model import load_model_file
from cdassess.records import PRIORITIES, AssessmentMeta, Evidence, Finding
from ui.choices import ok_cancel
from ui.labels import human_size, priority_label
from ui.settings import Settings


class FindingDialog(QDialog):
    """Observation, recommendation, owner, due date and priority of one finding."""

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Finding") + f" — {finding.req_id or ''}")
        self.finding = finding
        self.observation = QPlainTextEdit(finding.observation)
        self.recommendation = QPlainTextEdit(finding.recommendation)
        for edit in (self.observation, self.recommendation):
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(70)
        self.owner = QLineEdit(finding.owner)
        self.has_due = QCheckBox(self.tr("Set"))
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        due = QDate.fromString(finding.due_date, "yyyy-MM-dd") if finding.due_date else QDate()
        self.has_due.setChecked(due.isValid())
        self.due.setDate(due if due.isValid() else QDate.currentDate().addMonths(3))
        self.due.setEnabled(due.isValid())
        self.has_due.toggled.connect(self.due.setEnabled)
        self.priority = QComboBox()
        for p in PRIORITIES:
            self.priority.addItem(priority_label(p), p)
        self.priority.setCurrentIndex(max(0, PRIORITIES.index(finding.priority) if finding.priority in PRIORITIES
                                          else 1))
        form = QFormLayout()
        form.addRow(self.tr("Observation"), self.observation)
        form.addRow(self.tr("Recommendation"), self.recommendation)
        form.addRow(self.tr("Owner"), self.owner)
        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due, 1)
        form.addRow(self.tr("Due"), due_row)
        form.addRow(self.tr("Priority"), self.priority)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, 380)

    def result_finding(self) -> Finding:
        f = self.finding
        return Finding(f.id, f.req_id, self.observation.toPlainText().strip(),
                       self.recommendation.toPlainText().strip(), self.owner.text().strip(),
                       self.due.date().toString("yyyy-MM-dd") if self.has_due.isChecked() else "",
                       str(self.priority.currentData()), f.created_at, f.updated_at)


class NewAssessmentDialog(QDialog):
    """Organization, project, scope, assessors, model (built-in and imported) and target level."""

    def __init__(self, settings: Settings, parent: QWidget | None = None,
                 library: ModelLibrary | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New assessment"))
        self.library = library or ModelLibrary()
        self.organization = QLineEdit()
        self.project = QLineEdit()
        self.scope = QLineEdit()
        self.assessors = QLineEdit(settings.assessor)
        self.assessors.setPlaceholderText(self.tr("Names separated by commas"))
        self.model = QComboBox()
        self.entries: list[ModelEntry] = []
        try:
            self.entries = self.library.entries()
        except CdassessError as exc:
            self.model.setToolTip(str(exc))
        for e in self.entries:
            kind = self.tr("built-in") if e.builtin else self.tr("imported")
            self.model.addItem(f"{e.name_zh} / {e.name_en}  ({e.id} {e.version}, {kind})", e.id)
        self.target = QSpinBox()
        self.model.currentIndexChanged.connect(self._model_changed)
        self.path = QLineEdit()
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Organization"), self.organization)
        form.addRow(self.tr("Project / system"), self.project)
        form.addRow(self.tr("Scope"), self.scope)
        form.addRow(self.tr("Assessors"), self.assessors)
        form.addRow(self.tr("Model"), self.model)
        form.addRow(self.tr("Target level"), self.target)
        form.addRow(self.tr("Save as"), path_row)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c62828;")
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._model_changed()
        self.resize(620, 300)

    def entry(self) -> ModelEntry | None:
        i = self.model.currentIndex()
        return self.entries[i] if 0 <= i < len(self.entries) else None

    def _model_changed(self) -> None:
        e = self.entry()
        if e is None:
            return
        try:
            m = load_model_file(e.path)
        except CdassessError as exc:
            self.problem.setText(str(exc))
            return
        self.target.setRange(m.min_level, m.max_level)
        self.target.setValue(min(max(3, m.min_level), m.max_level))

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save the new assessment as"),
                                              self.path.text() or str(Path.home() / "assessment.cdassess"),
                                              self.tr("Assessments (*.cdassess)"))
        if name:
            self.path.setText(name if name.endswith(".cdassess") else name + ".cdassess")

    def _accept(self) -> None:
        if not self.organization.text().strip() or not self.project.text().strip():
            self.problem.setText(self.tr("The organization and the project are required."))
            return
        if not self.path.text().strip():
            self._browse()
            if not self.path.text().strip():
                return
        if self.entry() is None:
            self.problem.setText(self.tr("No model is available."))
            return
        self.accept()

    def values(self) -> dict[str, object]:
        e = self.entry()
        return {
            "path": Path(self.path.text().strip()),
            "organization": self.organization.text().strip(),
            "project": self.project.text().strip(),
            "scope": self.scope.text().strip(),
            "assessors": [a.strip() for a in self.assessors.text().split(",") if a.strip()],
            "model_id": e.id if e else None,
            "model_path": e.path if e else None,
            "target_level": self.target.value(),
        }


class DetailsDialog(QDialog):
    """Edit organization, project, scope, assessors, dates and target level of the open assessment."""

    def __init__(self, meta: AssessmentMeta, levels: tuple[int, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Assessment details"))
        self.meta = meta
        self.organization = QLineEdit(meta.organization)
        self.project = QLineEdit(meta.project)
        self.scope = QLineEdit(meta.scope)
        self.assessors = QLineEdit(", ".join(meta.assessors))
        self.start_date = QLineEdit(meta.start_date or "")
        self.end_date = QLineEdit(meta.end_date or "")
        for edit in (self.start_date, self.end_date):
            edit.setPlaceholderText("YYYY-MM-DD")
        self.target = QSpinBox()
        self.target.setRange(min(levels), max(levels))
        self.target.setValue(meta.target_level)
        form = QFormLayout()
        form.addRow(self.tr("Organization"), self.organization)
        form.addRow(self.tr("Project / system"), self.project)
        form.addRow(self.tr("Scope"), self.scope)
        form.addRow(self.tr("Assessors"), self.assessors)
        form.addRow(self.tr("Start date"), self.start_date)
        form.addRow(self.tr("End date"), self.end_date)
        form.addRow(self.tr("Target level"), self.target)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, 300)

    def changes(self) -> dict[str, object]:
        """Only the fields that changed."""
        new: dict[str, object] = {
            "organization": self.organization.text().strip(), "project": self.project.text().strip(),
            "scope": self.scope.text().strip(),
            "assessors": tuple(a.strip() for a in self.assessors.text().split(",") if a.strip()),
            "start_date": self.start_date.text().strip() or None, "end_date": self.end_date.text().strip() or None,
            "target_level": self.target.value(),
        }
        return {k: v for k, v in new.items() if getattr(self.meta, k) != v}


class SettingsDialog(QDialog):
    """Assessor name (goes into the audit log), interface language, model text language."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.settings = settings
        self.assessor = QLineEdit(settings.assessor)
        self.assessor.setPlaceholderText(self.tr("Your name, as written into the audit log"))
        self.language = QComboBox()
        self.language.addItem("English", "en")
        self.language.addItem("中文", "zh")
        self.language.setCurrentIndex(self.language.findData(settings.ui_language))
        self.text_language = QComboBox()
        self.text_language.addItem(self.tr("Chinese"), "zh")
        self.text_language.addItem(self.tr("English"), "en")
        self.text_language.addItem(self.tr("Chinese and English"), "both")
        self.text_language.setCurrentIndex(self.text_language.findData(settings.text_language))
        form = QFormLayout()
        form.addRow(self.tr("Assessor name"), self.assessor)
        form.addRow(self.tr("Interface language"), self.language)
        form.addRow(self.tr("Model text"), self.text_language)
        note = QLabel(self.tr("A change of the interface language takes effect when cdassess is restarted."))
        note.setWordWrap(True)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(460, 200)

    def apply(self) -> bool:
        """Store the choices; True when the interface language changed (takes effect on restart)."""
        changed = self.language.currentData() != self.settings.ui_language
        self.settings.assessor = self.assessor.text()
        self.settings.ui_language = str(self.language.currentData())
        self.settings.text_language = str(self.text_language.currentData())
        return bool(changed)


class PickEvidenceDialog(QDialog):
    """Choose evidence already in the file (to link it to one more requirement)."""

    def __init__(self, evidence: list[Evidence], req_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Link existing evidence to %1").replace("%1", req_id))
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for ev in evidence:
            if req_id in ev.req_ids:
                continue
            it = QListWidgetItem(f"{ev.original_name}  ({ev.sha256[:12]}, {len(ev.req_ids)} "
                                 + self.tr("linked") + ")")
            it.setData(Qt.ItemDataRole.UserRole, ev.id)
            it.setToolTip(", ".join(ev.req_ids))
            self.list.addItem(it)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Evidence in this assessment that is not yet linked here:")))
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def chosen(self) -> list[int]:
        return [int(it.data(Qt.ItemDataRole.UserRole)) for it in self.list.selectedItems()]


class DateField(QWidget):
    """A date that may be unknown: a date edit (YYYY-MM-DD) and a "not known" box; value() is "" then."""

    def __init__(self, value: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.unknown = QCheckBox(self.tr("Not known"))
        given = QDate.fromString(value, "yyyy-MM-dd") if value else QDate()
        self.date.setDate(given if given.isValid() else QDate.currentDate())
        self.unknown.setChecked(not given.isValid())
        self.date.setEnabled(given.isValid())
        self.unknown.toggled.connect(lambda on: self.date.setEnabled(not on))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.date, 1)
        row.addWidget(self.unknown)

    def value(self) -> str:
        return "" if self.unknown.isChecked() else self.date.date().toString("yyyy-MM-dd")


class EvidenceDetailsDialog(QDialog):
    """What is said about evidence: who provided it and when it was collected (and, for one stored evidence,
    its description). Editing stored evidence when ``evidence`` is given; otherwise the details of files about
    to be attached (``names``): one dialog for a whole drop. The content and its hash never change."""

    def __init__(self, title: str, *, evidence: Evidence | None = None, names: Sequence[str] = (),
                 provider: str = "", collected_on: str = "", providers: Sequence[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.evidence = evidence
        if evidence is not None:
            provider, collected_on = evidence.provided_by, evidence.collected_on
            about = (f"<b>{_html(evidence.original_name)}</b><br>{human_size(evidence.size)} · SHA-256 "
                     f"{evidence.sha256[:16]}…<br>"
                     + _html(self.tr("Added by %1 on %2").replace("%1", evidence.added_by or "?")
                             .replace("%2", evidence.added_at[:10])))
        else:
            shown = list(names[:6]) + (["…"] if len(names) > 6 else [])
            about = (_html(self.tr("Files (%1):").replace("%1", str(len(names)))) + "<br>"
                     + "<br>".join(_html(n) for n in shown))
        self.about = QLabel(about)
        self.about.setTextFormat(Qt.TextFormat.RichText)
        self.about.setWordWrap(True)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.description: QPlainTextEdit | None = None
        form = QFormLayout()
        form.addRow(self.about)
        if evidence is not None:
            self.description = QPlainTextEdit(evidence.description)
            self.description.setTabChangesFocus(True)
            self.description.setPlaceholderText(self.tr("What it shows, for which requirement"))
            self.description.setMinimumHeight(70)
            form.addRow(self.tr("Description"), self.description)
        self.provider = QLineEdit(provider)
        self.provider.setPlaceholderText(self.tr("Who in the assessed team gave it (name, role or team)"))
        known = sorted({p for p in providers if p})
        if known:
            completer = QCompleter(known, self.provider)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.provider.setCompleter(completer)
        self.collected = DateField(collected_on)
        form.addRow(self.tr("Provided by"), self.provider)
        form.addRow(self.tr("Collected on"), self.collected)
        if evidence is None:
            note = QLabel(self.tr("A description can be added to each file afterwards (Edit details…)."))
            note.setStyleSheet("color: #777;")
            note.setWordWrap(True)
            form.addRow(note)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, 280 if evidence is not None else self.sizeHint().height())

    def values(self) -> dict[str, str]:
        out = {"provided_by": self.provider.text().strip(), "collected_on": self.collected.value()}
        if self.description is not None:
            out["description"] = self.description.toPlainText().strip()
        return out

    def changes(self) -> dict[str, str]:
        """The fields that differ from the stored evidence (every field when attaching)."""
        ev = self.evidence
        return {k: v for k, v in self.values().items() if ev is None or getattr(ev, k) != v}


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class AboutDialog(QDialog):
    """What cdassess is, and the versions it runs on (to paste into a support request)."""

    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About cdassess"))
        self.report = report
        first = report.splitlines()[0] if report else "cdassess"
        head = QLabel(f"<b>{_html(first)}</b><br>"
                      + _html(self.tr("An offline workbench for DevOps capability-maturity assessments.")))
        head.setTextFormat(Qt.TextFormat.RichText)
        head.setWordWrap(True)
        self.versions = QPlainTextEdit(report)
        self.versions.setReadOnly(True)
        self.versions.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.versions.setFont(font)
        lines = max(len(report.splitlines()), 4)
        self.versions.setMinimumHeight(self.versions.fontMetrics().lineSpacing() * (lines + 1) + 12)
        self.copy_button = QPushButton(self.tr("Copy to clipboard"))
        self.copy_button.setToolTip(self.tr("Copy the versions, to paste into a support request"))
        self.copy_button.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(QLabel(self.tr("Versions:")))
        layout.addWidget(self.versions, 1)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.copy_button.setText(self.tr("Copied"))
