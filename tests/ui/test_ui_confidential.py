"""The full/confidential choice in the Chinese interface: labels, the workbook's warning, suggested file names."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before PySide6 is imported

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from cdassess.export_profile import CONFIDENTIAL
from cdassess.services import Assessment
from ui import import_dialog, report_actions
from ui.app import install_translations


@pytest.fixture
def chinese() -> Iterator[None]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    installed = install_translations(app, "zh")
    assert installed
    yield
    for t in installed:
        app.removeTranslator(t)


def test_the_choice_speaks_chinese(qtbot: Any, chinese: None, mini_assessment: Assessment) -> None:
    dialog = report_actions.GapReportDialog(None, mini_assessment)
    qtbot.addWidget(dialog)
    choice = dialog.profile_choice
    assert choice.title() == "内容"
    assert choice.full.text() == "完整版（内部使用）"
    assert choice.confidential.text().startswith("脱敏版（对外分享")
    assert "分享前请通读观察内容" in choice.confidential.toolTip()


def test_suggested_names_in_chinese(qtbot: Any, chinese: None, mini_assessment: Assessment, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch, dialogs: Any) -> None:
    asked: list[str] = []

    def get_save(parent: Any, title: str, suggested: str, filt: str) -> tuple[str, str]:
        asked.append(Path(suggested).name)
        return "", filt  # cancel: nothing is written

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save))
    monkeypatch.setattr(report_actions, "ask_gap_options",
                        lambda p, a: report_actions.GapOptions("zh", 2, CONFIDENTIAL))
    seen: list[import_dialog.ExportOptionsDialog] = []

    def confidential(self: import_dialog.ExportOptionsDialog) -> int:
        seen.append(self)
        self.profile_choice.confidential.click()
        self.accept()
        return int(self.result())

    monkeypatch.setattr(import_dialog.ExportOptionsDialog, "exec", confidential)
    report_actions.write_gap_report_interactive(None, mini_assessment)
    import_dialog.export_workbook_interactive(None, mini_assessment)
    assert asked == ["Proj - 差距报告-脱敏版.pdf", "Proj - 工作簿-脱敏版.xlsx"]
    assert seen[0].windowTitle() == "导出完整工作簿"
    note = seen[0].profile_choice.note
    assert note is not None and note.text().startswith("脱敏版工作簿不能再导入")
    assert list(tmp_path.glob("*.pdf")) == [] and dialogs.shown == []
