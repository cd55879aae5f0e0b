"""Small widgets several dialogs share: OK/Cancel buttons, the model's levels, the output language."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox

from cdassess.services import Assessment

LANGUAGES = (("both", "中文 + English"), ("zh", "中文"), ("en", "English"))


def level_choice(assessment: Assessment) -> QComboBox:
    """Every level of the model, the assessment's target chosen; ``currentData()`` is the level number."""
    box = QComboBox()
    model = assessment.model
    for lv in model.levels:
        box.addItem(f"L{lv.n}  {lv.names.both(' ')}", lv.n)
    box.setCurrentIndex(max(model.level_numbers.index(assessment.meta.target_level), 0))
    return box


def language_choice() -> QComboBox:
    """Chinese and English, Chinese, or English; ``currentData()`` is "both", "zh" or "en"."""
    box = QComboBox()
    for code, label in LANGUAGES:
        box.addItem(label, code)
    return box


def ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """OK and Cancel buttons that accept or reject ``dialog``."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
