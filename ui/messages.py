"""Every dialog that tells or asks the user something goes through here (tests replace these functions)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from cdassess.errors import CdassessError, ValidationError


def error(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.exec()


def show_error(parent: QWidget | None, title: str, exc: CdassessError) -> None:
    """Show an engine error; a validation error lists every problem under "details"."""
    from ui.error_text import message

    details = exc.details() if isinstance(exc, ValidationError) else ""
    error(parent, title, message(exc), details)  # in the interface language, chosen by the error's code


def info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """A line of text from the user, or None when cancelled."""
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value if ok else None


def ask_multiline(parent: QWidget | None, title: str, label: str, text: str = "", *,
                  required: bool = False) -> str | None:
    """Several lines of text; with ``required``, OK stays disabled until something is written."""
    if not required:
        value, ok = QInputDialog.getMultiLineText(parent, title, label, text)
        return value if ok else None
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.resize(560, 260)
    edit = QPlainTextEdit(text)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
    edit.textChanged.connect(lambda: ok_button.setEnabled(bool(edit.toPlainText().strip())))
    ok_button.setEnabled(bool(text.strip()))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    lay = QVBoxLayout(dialog)
    caption = QLabel(label)
    caption.setWordWrap(True)
    lay.addWidget(caption)
    lay.addWidget(edit, 1)
    lay.addWidget(buttons)
    dialog.setObjectName("required_text")
    return edit.toPlainText() if dialog.exec() else None


def ask_open_read_only(parent: QWidget | None, message: str) -> bool:
    """The file is open for editing elsewhere: offer to open it read-only."""
    box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("Messages", "File in use"), message,
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(QCoreApplication.translate(
        "Messages", "You can open it read-only to look at it; nothing will be changed."))
    ro = box.addButton(QCoreApplication.translate("Messages", "Open read-only"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is ro


def ask_attach_details(parent: QWidget | None, title: str, names: Sequence[str], provider: str,
                       collected_on: str, providers: Sequence[str] = ()) -> dict[str, str] | None:
    """Who provided the files about to be attached and when they were collected (one question for a whole
    drop); None when cancelled."""
    from ui.dialogs import EvidenceDetailsDialog  # loaded when first used (start-up speed)

    dialog = EvidenceDetailsDialog(title, names=names, provider=provider, collected_on=collected_on,
                                   providers=providers, parent=parent)
    return dialog.values() if dialog.exec() else None
