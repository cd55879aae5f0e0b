"""The assessor's tools in the window: what-if, why a level is not reached, interviews, the audit log."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
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
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cdassess.errors import CdassessError
from cdassess.records import Interview
from ui import messages
from ui.labels import model_text

if TYPE_CHECKING:
    from ui.session import AssessmentSession


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _set_rows(t: QTableWidget, rows: list[list[str]]) -> None:
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            t.setItem(r, c, item)
    t.resizeColumnsToContents()


class WhatIfDialog(QDialog):
    """Hypothetical ratings of the gaps (or any requirement): the levels they would give. Nothing is stored."""

    def __init__(self, session: AssessmentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("What if…"))
        self.resize(900, 620)
        lang = "both"
        self.changes: dict[str, str] = {}
        gaps = [r for g in session.assessment.gaps() for r in g.requirements]
        self.rows = _table([self.tr("Requirement"), self.tr("Now"), self.tr("What if"), self.tr("Text")])
        self.rows.setRowCount(len(gaps))
        self.combos: dict[str, QComboBox] = {}
        for i, req in enumerate(gaps):
            self.rows.setItem(i, 0, QTableWidgetItem(req.id))
            self.rows.setItem(i, 1, QTableWidgetItem(session.label(session.status(req.id))))
            combo = QComboBox()
            combo.addItem(self.tr("(as now)"), "")
            for option_id in session.model.scale.ids:
                combo.addItem(session.label(option_id), option_id)
            combo.currentIndexChanged.connect(lambda _i, rid=req.id, c=combo: self._changed(rid, c))
            self.rows.setCellWidget(i, 2, combo)
            self.combos[req.id] = combo
            self.rows.setItem(i, 3, QTableWidgetItem(model_text(req.text, lang)))
        self.rows.resizeColumnsToContents()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.domains = _table([self.tr("Domain"), self.tr("Now"), self.tr("What if")])
        note = QLabel(self.tr("Nothing is stored: close the window and the ratings are as they were."))
        note.setStyleSheet("color: #777;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("The gaps to the target; choose a hypothetical rating for any of them:")))
        lay.addWidget(self.rows, 3)
        lay.addWidget(self.outcome)
        lay.addWidget(self.domains, 2)
        lay.addWidget(note)
        lay.addWidget(buttons)
        self.recompute()

    def _changed(self, req_id: str, combo: QComboBox) -> None:
        value = str(combo.currentData())
        if value:
            self.changes[req_id] = value
        else:
            self.changes.pop(req_id, None)
        self.recompute()

    def recompute(self) -> None:
        s = self.session
        now, after = s.assessment.what_if(self.changes)
        self.outcome.setText(self.tr("Overall level now L%1; with these ratings L%2 (target L%3).")
                            .replace("%1", str(now.overall)).replace("%2", str(after.overall))
                            .replace("%3", str(s.target)))
        _set_rows(self.domains, [[f"{d.id}  {model_text(d.names, 'both')}", f"L{now.domains[d.id]}",
                                  f"L{after.domains[d.id]}"] for d in s.model.domains])


class ExplainDialog(QDialog):
    """Why a level (any level) is not reached: the items below it and the requirements that block each."""

    requirementActivated = Signal(str)  # noqa: N815

    def __init__(self, session: AssessmentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Why is a level not reached?"))
        self.resize(820, 600)
        self.level = QSpinBox()
        self.level.setRange(session.model.min_level, session.model.max_level)
        self.level.setValue(min(session.report.overall + 1, session.model.max_level))
        self.level.valueChanged.connect(self.refresh)
        self.summary = QLabel()
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Item / requirement"), self.tr("Rating")])
        self.tree.itemDoubleClicked.connect(self._activated)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Level")))
        top.addWidget(self.level)
        top.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.tree, 1)
        lay.addWidget(QLabel(self.tr("Double-click a requirement to open it.")))
        lay.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        exp = s.assessment.explain(self.level.value())
        self.tree.clear()
        if exp.reached:
            self.summary.setText(self.tr("Level L%1 is reached (overall L%2).").replace("%1", str(exp.level))
                                 .replace("%2", str(exp.overall)))
            return
        self.summary.setText(self.tr("Level L%1 is not reached: %2 requirements in %3 items block it.")
                             .replace("%1", str(exp.level)).replace("%2", str(len(exp.blocking_requirements)))
                             .replace("%3", str(len(exp.blocked_items))))
        for block in exp.blocked_items:
            top = QTreeWidgetItem([f"{block.item.id}  {model_text(block.item.names, 'both')}", ""])
            for req in block.blocking:
                child = QTreeWidgetItem([f"{req.id}  {model_text(req.text, 'both')}",
                                         s.label(s.status(req.id))])
                child.setData(0, Qt.ItemDataRole.UserRole, req.id)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        self.tree.resizeColumnToContents(1)

    def _activated(self, item: QTreeWidgetItem, _col: int) -> None:
        rid = item.data(0, Qt.ItemDataRole.UserRole)
        if rid:
            self.requirementActivated.emit(str(rid))


class AuditDialog(QDialog):
    """The audit log: filter by requirement, actor or action and from a date; export as CSV."""

    def __init__(self, session: AssessmentSession, parent: QWidget | None = None, req_id: str | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Audit log"))
        self.resize(1000, 620)
        self.entries = session.assessment.audit_log()
        self.query = QLineEdit(req_id or "")
        self.query.setPlaceholderText(self.tr("Requirement, person or action…"))
        self.query.textChanged.connect(self.refresh)
        self.since = QDateEdit()
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setMinimumDate(QDate(2000, 1, 1))
        self.since.setSpecialValueText(self.tr("any time"))
        self.since.setDate(self.since.minimumDate())
        self.since.dateChanged.connect(self.refresh)
        self.table = _table([self.tr("#"), self.tr("When"), self.tr("Who"), self.tr("Action"), self.tr("What"),
                             self.tr("Before"), self.tr("After")])
        export = QPushButton(self.tr("Export as CSV…"))
        export.clicked.connect(self.export)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(QLabel(self.tr("from")))
        top.addWidget(self.since)
        top.addWidget(export)
        self.count = QLabel()
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.count)
        lay.addWidget(buttons)
        self.refresh()

    def shown(self) -> list[Any]:
        words = self.query.text().casefold().split()
        since = "" if self.since.date() == self.since.minimumDate() else self.since.date().toString("yyyy-MM-dd")
        out = []
        for e in self.entries:
            text = f"{e.actor} {e.action} {e.target}".casefold()
            if all(w in text for w in words) and e.at[:10] >= since:
                out.append(e)
        return out

    def refresh(self) -> None:
        rows = self.shown()
        _set_rows(self.table, [[str(e.seq), e.at.replace("T", " ")[:19], e.actor, e.action, e.target,
                                (e.old or "")[:200], (e.new or "")[:200]] for e in rows])
        self.count.setText(self.tr("%1 of %2 entries").replace("%1", str(len(rows)))
                           .replace("%2", str(len(self.entries))))

    def export(self) -> bool:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export the audit log"),
                                              self.tr("audit-log.csv", "suggested file name"),
                                              self.tr("CSV files (*.csv)"))
        if not name:
            return False
        try:
            with open(name, "w", newline="", encoding="utf-8-sig") as fh:
                w = csv.writer(fh)
                w.writerow(["seq", "at", "actor", "action", "target", "old", "new", "hash"])
                for e in self.shown():
                    w.writerow([e.seq, e.at, e.actor, e.action, e.target, e.old or "", e.new or "", e.hash])
        except OSError as exc:
            messages.show_error(self, self.tr("Export the audit log"), CdassessError(f"{name}: {exc.strerror}"))
            return False
        return True


class InterviewsDialog(QDialog):
    """Interviews held (who, when, which requirements they concern); record a new one."""

    def __init__(self, session: AssessmentSession, parent: QWidget | None = None, req_id: str | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Interviews"))
        self.resize(900, 560)
        self.table = _table([self.tr("Date"), self.tr("People"), self.tr("Interviewer"), self.tr("Topic"),
                             self.tr("Notes")])
        self.held_on = QDateEdit(QDate.currentDate())
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("yyyy-MM-dd")
        self.people = QLineEdit()
        self.people.setPlaceholderText(self.tr("Who was interviewed (names, roles)"))
        self.topic = QLineEdit(req_id or "")
        self.topic.setPlaceholderText(self.tr("Topic; name requirement ids to link them (e.g. CD.CM.VC.01.L3)"))
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(90)
        self.add_button = QPushButton(self.tr("Record the interview"))
        self.add_button.clicked.connect(self.add)
        self.add_button.setEnabled(session.editable)
        form = QFormLayout()
        form.addRow(self.tr("Date"), self.held_on)
        form.addRow(self.tr("People"), self.people)
        form.addRow(self.tr("Topic"), self.topic)
        form.addRow(self.tr("Notes"), self.notes)
        form.addRow(self.add_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        _set_rows(self.table, [[i.held_on, i.interviewees, i.interviewer, i.topic, i.notes]
                               for i in self.session.assessment.interviews()])

    def add(self) -> bool:
        s = self.session
        interview = Interview(None, self.held_on.date().toString("yyyy-MM-dd"), self.people.text().strip(),
                              s.assessment.store.actor, self.topic.text().strip(), self.notes.toPlainText().strip())
        try:
            s.assessment.add_interview(interview)
        except CdassessError as exc:
            messages.show_error(self, self.tr("Interviews"), exc)
            return False
        s.records_changed()
        self.people.clear()
        self.notes.clear()
        self.refresh()
        return True
