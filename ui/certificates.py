"""The window's ready-to-lock checklist, the unlock warning about issued certificates, and the register."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cdassess.readiness import KINDS, LABELS, ReadyItem
from cdassess.services import Assessment


def checklist_text(items: list[ReadyItem]) -> str:
    """The completeness check as a checklist: one line per kind (✓ settled, ✗ open with its count and the
    first subjects), then the question."""
    lines = []
    for kind in KINDS:
        group = [it for it in items if it.kind == kind]
        if not group:
            lines.append(f"✓ {LABELS[kind][1]}")
            continue
        shown = ", ".join(it.subject for it in group[:6]) + (f" … (+{len(group) - 6})" if len(group) > 6 else "")
        lines.append(f"✗ {LABELS[kind][1]} ({len(group)}): {shown}")
    head = ("Ready to lock: everything is settled." if not items else
            f"Not ready to lock: {len(items)} point(s) to settle first.")
    tail = ("Lock the results? Ratings cannot change until it is unlocked with a reason." if not items else
            "Lock anyway? Ratings cannot change until it is unlocked with a reason.")
    return head + "\n\n" + "\n".join(lines) + "\n\n" + tail


def unlock_warning(a: Assessment) -> str:
    """The sentence the unlock question adds when certificates were issued on the frozen results."""
    valid = a.valid_certificates()
    if not valid:
        return ""
    names = ", ".join(f"{c.number} (level {c.level}, {c.issued})" for c in valid)
    return f"Certificates were issued on these results: {names}. Unlocking marks them superseded."


class CertificateRegisterDialog(QDialog):
    """The certificates issued from this assessment file."""

    def __init__(self, a: Assessment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Certificates issued"))
        self.resize(760, 300)
        layout = QVBoxLayout(self)
        rows = a.certificates()
        self.table = QTableWidget(len(rows), 6)
        self.table.setHorizontalHeaderLabels([self.tr("Number"), self.tr("Level"), self.tr("Issued"),
                                              self.tr("Valid until"), self.tr("Status"), self.tr("Key")])
        for r, c in enumerate(rows):
            status = self.tr("valid") if not c.superseded else \
                self.tr("superseded %1").replace("%1", str(c.superseded_at or "")[:10])
            for col, text in enumerate((c.number, str(c.level), c.issued, c.valid_until, status, c.key_id)):
                self.table.setItem(r, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        layout.addWidget(QLabel(self.tr("No certificate was issued from this file yet.") if not rows else
                                self.tr("Issued from %1:").replace("%1", a.path.name)))
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def show_register(parent: QWidget | None, assessment: Assessment) -> None:
    CertificateRegisterDialog(assessment, parent).exec()
