"""Team assessments in the window: File > Hand out copies… and File > Merge copies… with the merge preview.

The preview lists every change and every conflict with both values, who set each and when, and the evidence
linked on each side. The lead decides each conflict (the lead's value, a copy's, the newest, or a third value),
one by one or for a whole domain; Apply is enabled only when every conflict is decided. The rules are the
engine's (:mod:`cdassess.team`); this module only shows them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cdassess.errors import CdassessError
from cdassess.services import Assessment, safe_filename
from cdassess.team import Conflict, MergePlan, make_copy, plan_merge
from ui import messages
from ui.labels import status_label

UNDECIDED = QColor("#fde2e1")
DECIDED = QColor("#e3f4e1")
FLAGGED = QColor("#fff4ce")


def show_value(value: Any) -> str:
    """A field value as the preview shows it."""
    if value is None:
        return QCoreApplication.translate("MergeDialog", "(removed / none)")
    if isinstance(value, bool):
        return QCoreApplication.translate("MergeDialog", "yes") if value else \
            QCoreApplication.translate("MergeDialog", "no")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items() if v not in ("", None)) or \
            QCoreApplication.translate("MergeDialog", "(empty)")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if text else QCoreApplication.translate("MergeDialog", "(empty)")


def field_text(kind: str, fld: str, subject: str) -> str:
    """What a change or conflict is about, in words (the engine's field names are for the command line)."""
    names = {
        "status": QCoreApplication.translate("MergeDialog", "rating"),
        "note": QCoreApplication.translate("MergeDialog", "note"),
        "justification": QCoreApplication.translate("MergeDialog", "N/A justification"),
        "needs_review": QCoreApplication.translate("MergeDialog", "needs review"),
        "_exists": "",
        "_record": QCoreApplication.translate("MergeDialog", "removed on one side, changed on another"),
    }
    name = names.get(fld, fld.replace("_", " "))
    if kind == "rating":
        return name
    if kind == "claim":
        return QCoreApplication.translate("MergeDialog", "claim: %1").replace("%1", name)
    if kind == "details":
        return QCoreApplication.translate("MergeDialog", "details: %1").replace("%1", name)
    if kind == "link":
        return QCoreApplication.translate("MergeDialog", "%1: link").replace("%1", subject)
    return f"{subject}: {name}" if name else subject


def change_value(kind: str, fld: str, value: Any, *, after: bool, scale: Any = None) -> str:
    """A change's before or after value; a record coming or going reads "added" / "removed"."""
    if fld == "_exists":
        if not after:
            return ""
        return QCoreApplication.translate("MergeDialog", "added") if value else \
            QCoreApplication.translate("MergeDialog", "removed")
    if fld == "status" and isinstance(value, str):
        return status_text(value, scale)
    return show_value(value)


def status_text(value: str, scale: Any = None) -> str:
    """A rating in the window's words (the model's own scale when it has one)."""
    try:
        return status_label(value, scale)
    except (KeyError, ValueError):
        return value


def _item(text: str, tip: str = "") -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    it.setToolTip(tip or text)
    return it


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    t.setWordWrap(False)
    return t


# ------------------------------------------------------------------------------------ merge preview


class MergeDialog(QDialog):
    """The merge preview: changes, conflicts, and the decision panel for the selected conflict."""

    def __init__(self, plan: MergePlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(self.tr("Merge copies"))
        self.resize(1280, 720)
        root = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        root.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        root.addWidget(split, 1)

        box = QGroupBox(self.tr("Changes to apply"))
        lay = QVBoxLayout(box)
        self.changes = _table([self.tr("Requirement"), self.tr("Field"), self.tr("Before"), self.tr("After"),
                               self.tr("From"), self.tr("Changed by"), self.tr("When"), self.tr("Note")])
        lay.addWidget(self.changes)
        split.addWidget(box)

        box = QGroupBox(self.tr("Conflicts to decide"))
        lay = QVBoxLayout(box)
        inner = QSplitter(Qt.Orientation.Horizontal)
        self.conflicts = _table([self.tr("Requirement"), self.tr("Field"), self.tr("Decision"), self.tr("Lead"),
                                 self.tr("Copies")])
        self.conflicts.itemSelectionChanged.connect(self._show_conflict)
        inner.addWidget(self.conflicts)
        inner.addWidget(self._decision_panel())
        inner.setStretchFactor(0, 3)
        inner.setStretchFactor(1, 2)
        lay.addWidget(inner)
        split.addWidget(box)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)

        self.buttons = QDialogButtonBox()
        self.apply_button = self.buttons.addButton(self.tr("Apply the merge"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        root.addWidget(self.buttons)
        self._fill_changes()
        self._fill_conflicts()
        if plan.conflicts:
            self.conflicts.selectRow(0)
        else:
            self._show_conflict()

    # ---------------------------------------------------------------------------- panels

    def _decision_panel(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(6, 0, 0, 0)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.detail, 1)
        self.whole_domain = QCheckBox(self.tr("Decide every conflict of this domain the same way"))
        lay.addWidget(self.whole_domain)
        self.side_buttons = QHBoxLayout()
        lay.addLayout(self.side_buttons)
        third = QHBoxLayout()
        self.third_value = QLineEdit()
        self.third_value.setPlaceholderText(self.tr("or type a third value"))
        self.third_button = QPushButton(self.tr("Use this value"))
        self.third_button.clicked.connect(self._take_third)
        third.addWidget(self.third_value, 1)
        third.addWidget(self.third_button)
        lay.addLayout(third)
        return w

    def _fill_changes(self) -> None:
        rows = self.plan.changes
        scale = getattr(self.plan.lead.model, "scale", None)
        self.changes.setRowCount(len(rows))
        for r, c in enumerate(rows):
            note = self.tr("outside the copy's share") if c.outside_share else ""
            cells = [c.requirement or "—", field_text(c.kind, c.field, c.subject),
                     change_value(c.kind, c.field, c.old, after=False, scale=scale),
                     change_value(c.kind, c.field, c.value, after=True, scale=scale),
                     ", ".join(c.assessors), c.who, c.when[:19].replace("T", " "), note]
            for col, text in enumerate(cells):
                it = _item(text)
                if c.outside_share:
                    it.setBackground(FLAGGED)
                self.changes.setItem(r, col, it)
        self.changes.resizeColumnsToContents()
        for col in (2, 3):
            self.changes.setColumnWidth(col, min(self.changes.columnWidth(col), 260))

    def _fill_conflicts(self) -> None:
        rows = self.plan.conflicts
        self.conflicts.setRowCount(len(rows))
        for r, c in enumerate(rows):
            self._fill_conflict_row(r, c)
        self.conflicts.resizeColumnsToContents()
        for col in (2, 3, 4):
            self.conflicts.setColumnWidth(col, max(150, min(self.conflicts.columnWidth(col), 220)))
        self._update_summary()

    def _fill_conflict_row(self, r: int, c: Conflict) -> None:
        copies = "; ".join(f"{s.assessor}: {self._value(c, s.value)}" for s in c.copies)
        cells = [c.requirement or "—", field_text(c.kind, c.field, c.subject), self._decision_text(c),
                 self._value(c, c.lead.value), copies]
        for col, text in enumerate(cells):
            it = _item(text)
            it.setBackground(DECIDED if c.decision is not None else UNDECIDED)
            self.conflicts.setItem(r, col, it)

    def _value(self, c: Conflict, value: Any) -> str:
        if c.field == "status" and isinstance(value, str):
            return status_text(value, getattr(self.plan.lead.model, "scale", None))
        return show_value(value)

    def _decision_text(self, c: Conflict) -> str:
        d = c.decision
        if d is None:
            return self.tr("undecided")
        if d.take == "lead":
            who = self.tr("the lead's")
        elif d.take == "value":
            who = self.tr("a third value")
        else:
            who = next((s.assessor for s in self.plan.sources if str(s.path) == d.take), Path(d.take).name)
        return f"{who}: {self._value(c, d.value)}"

    def _update_summary(self) -> None:
        n_open = len(self.plan.undecided)
        flagged = len(self.plan.outside_share())
        copies = ", ".join(f"{s.assessor} ({s.path.name})" for s in self.plan.sources)
        text = self.tr("Merging %1 into %2: %3 change(s) to apply, %4 conflict(s), %5 undecided.") \
            .replace("%1", copies).replace("%2", self.plan.lead.path.name) \
            .replace("%3", str(self.plan.applied_count)).replace("%4", str(len(self.plan.conflicts))) \
            .replace("%5", str(n_open))
        if flagged:
            text += " " + self.tr("%1 change(s) outside the assessor's share are marked.").replace("%1", str(flagged))
        if n_open:
            text += " " + self.tr("Apply is possible once every conflict is decided.")
        self.summary.setText(text)
        self.apply_button.setEnabled(n_open == 0)

    def current(self) -> Conflict | None:
        rows = self.conflicts.selectionModel().selectedRows() if self.conflicts.selectionModel() else []
        if not rows:
            return None
        return self.plan.conflicts[rows[0].row()]

    def _show_conflict(self) -> None:
        while self.side_buttons.count():
            item = self.side_buttons.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:  # off screen at once: a deferred delete would leave it drawn meanwhile
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        c = self.current()
        enabled = c is not None
        self.third_value.setEnabled(enabled)
        self.third_button.setEnabled(enabled)
        self.whole_domain.setEnabled(enabled and bool(c and c.domain))
        if c is None:
            self.detail.setText(self.tr("No conflict to decide.") if not self.plan.conflicts else "")
            return
        parts = [f"<b>{_esc(c.requirement or '')} {_esc(field_text(c.kind, c.field, c.subject))}</b>"
                 + (f" <span style='color:#666'>({_esc(c.domain)})</span>" if c.domain else "")]
        for side in [c.lead, *c.copies]:
            name = self.tr("Lead") if side.is_lead else f"{side.assessor} ({Path(side.source).name})"
            ev = ", ".join(side.evidence) or self.tr("none")
            set_by = self.tr("set by %1 at %2").replace("%1", side.who or "?") \
                .replace("%2", side.when[:19].replace("T", " "))
            evidence = self.tr("evidence: %1").replace("%1", ev)
            parts.append(f"<p><b>{_esc(name)}</b>: {_esc(self._value(c, side.value))}<br>"
                         f"<span style='color:#555'>{_esc(set_by)}<br>{_esc(evidence)}</span></p>")
        self.detail.setText("".join(parts))
        self._side_button(self.tr("Take the lead's"), "lead")
        for side in c.copies:
            self._side_button(self.tr("Take %1's").replace("%1", side.assessor), side.source)
        self._side_button(self.tr("Newest"), "newest")
        self.side_buttons.addStretch(1)

    def _side_button(self, text: str, take: str) -> None:
        b = QPushButton(text)
        b.setObjectName(f"take:{take}")
        b.clicked.connect(lambda _=False, t=take: self.take(t))
        self.side_buttons.addWidget(b)

    # ---------------------------------------------------------------------------- decisions

    def take(self, take: str, value: Any = None) -> None:
        c = self.current()
        if c is None:
            return
        try:
            targets = [x for x in self.plan.conflicts if x.domain == c.domain] \
                if self.whole_domain.isChecked() and c.domain else [c]
            for x in targets:
                if take != "value" and take not in ("lead", "newest") and \
                        not any(s.source == take for s in x.copies) and x is not c:
                    continue  # a domain-wide "take Li's" leaves conflicts Li has no part in
                self.plan.decide(x, take, value)
        except CdassessError as exc:
            messages.show_error(self, self.tr("Merge copies"), exc)
            return
        for r, x in enumerate(self.plan.conflicts):
            self._fill_conflict_row(r, x)
        self._update_summary()
        nxt = next((i for i, x in enumerate(self.plan.conflicts) if x.decision is None), None)
        if nxt is not None:
            self.conflicts.selectRow(nxt)

    def _take_third(self) -> None:
        self.take("value", self.third_value.text())
        self.third_value.clear()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ------------------------------------------------------------------------------------ hand out


class HandOutDialog(QDialog):
    """One row per assessor: their name and their share of the model's domains; the folder for the copies."""

    def __init__(self, assessment: Assessment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assessment = assessment
        self.setWindowTitle(self.tr("Hand out copies"))
        self.resize(900, 420)
        root = QVBoxLayout(self)
        intro = QLabel(self.tr("Each assessor gets a working copy of this assessment with their share of the "
                               "domains. Edits outside the share are allowed and marked when the copies are "
                               "merged back (File > Merge copies…)."))
        intro.setWordWrap(True)
        root.addWidget(intro)
        self.domains = [d.id for d in assessment.model.domains]
        names = {d.id: d.names.get("en") for d in assessment.model.domains}
        self.table = QTableWidget(0, 1 + len(self.domains))
        self.table.setHorizontalHeaderLabels([self.tr("Assessor"), *self.domains])
        for i, d in enumerate(self.domains):
            header = self.table.horizontalHeaderItem(i + 1)
            if header is not None:
                header.setToolTip(names[d])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        root.addWidget(self.table, 1)
        row = QHBoxLayout()
        add = QPushButton(self.tr("Add an assessor"))
        add.clicked.connect(lambda _=False: self.add_row(""))
        row.addWidget(add)
        row.addStretch(1)
        root.addLayout(row)
        folder = QHBoxLayout()
        folder.addWidget(QLabel(self.tr("Folder for the copies:")))
        self.folder = QLineEdit(str(assessment.path.parent))
        folder.addWidget(self.folder, 1)
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        folder.addWidget(browse)
        root.addLayout(folder)
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("Write the copies"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        root.addWidget(buttons)
        for name in assessment.meta.assessors or ("",):
            self.add_row(name)

    def add_row(self, name: str, share: tuple[str, ...] = ()) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(name))
        for i, d in enumerate(self.domains):
            it = QTableWidgetItem()
            it.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            it.setCheckState(Qt.CheckState.Checked if d in share else Qt.CheckState.Unchecked)
            self.table.setItem(r, i + 1, it)

    def set_share(self, row: int, share: tuple[str, ...]) -> None:
        for i, d in enumerate(self.domains):
            it = self.table.item(row, i + 1)
            if it is not None:
                it.setCheckState(Qt.CheckState.Checked if d in share else Qt.CheckState.Unchecked)

    def _browse(self) -> None:
        d = QFileDialog.getExistingDirectory(self, self.tr("Folder for the copies"), self.folder.text())
        if d:
            self.folder.setText(d)

    def rows(self) -> list[tuple[str, tuple[str, ...]]]:
        out = []
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            name = item.text().strip() if item is not None else ""
            if not name:
                continue
            share = tuple(d for i, d in enumerate(self.domains)
                          if (cell := self.table.item(r, i + 1)) is not None
                          and cell.checkState() == Qt.CheckState.Checked)
            out.append((name, share))
        return out

    def write(self) -> list[Path]:
        """Write one copy per assessor; never overwrites (an existing name is refused, copies made stay)."""
        folder = Path(self.folder.text())
        stem = self.assessment.path.stem
        made: list[Path] = []
        for name, share in self.rows():
            dest = folder / f"{stem}-{safe_filename(name, 'assessor').replace(' ', '_')}.cdassess"
            made.append(make_copy(self.assessment, dest, assessor=name, domains=share).path)
        return made


# ------------------------------------------------------------------------------------ menu actions


def hand_out_copies_interactive(parent: QWidget, assessment: Assessment) -> bool:
    dialog = HandOutDialog(assessment, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    title = QCoreApplication.translate("TeamDialog", "Hand out copies")
    if not dialog.rows():
        messages.info(parent, title,
                      QCoreApplication.translate("TeamDialog", "No assessor named: no copy was written."))
        return False
    made = dialog.write()
    messages.info(parent, title, QCoreApplication.translate("TeamDialog", "Copies written:") + "\n"
                  + "\n".join(str(p) for p in made))
    return True


def merge_copies_interactive(parent: QWidget, assessment: Assessment) -> bool:
    files, _ = QFileDialog.getOpenFileNames(parent, QCoreApplication.translate("TeamDialog", "Merge copies"),
                                            str(assessment.path.parent),
                                            QCoreApplication.translate("TeamDialog", "Assessments (*.cdassess)"))
    if not files:
        return False
    return run_merge_dialog(parent, assessment, files)


def run_merge_dialog(parent: QWidget, assessment: Assessment, files: list[str]) -> bool:
    with plan_merge(assessment, files) as plan:
        dialog = MergeDialog(plan, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        result = plan.apply()
    messages.info(parent, QCoreApplication.translate("TeamDialog", "Merge copies"),
                  QCoreApplication.translate("TeamDialog", "Merged: %1 change(s) applied, %2 conflict(s) decided.")
                  .replace("%1", str(result.applied)).replace("%2", str(result.decided)))
    return True
