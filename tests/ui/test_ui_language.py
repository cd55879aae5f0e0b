"""The Chinese interface: every string of ui/ in the .ts and translated, the .qm current, no text hidden from
lupdate, the window and the Excel and report dialogs in Chinese, CJK font loaded."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from cdassess.paths import resource
from ui.app import CJK_FAMILY, install_translations, load_cjk_font

TS = resource("translations", "cdassess_zh_CN.ts")
QM = resource("translations", "cdassess_zh_CN.qm")
UI = Path(__file__).resolve().parents[2] / "ui"
UI_FILES = sorted(UI.rglob("*.py"))

Key = tuple[str, str, str]  # context, source, disambiguation


def _messages(ts: Path) -> dict[Key, tuple[str, str | None]]:
    """(context, source, comment) -> (translation, its type) of every message in a .ts file."""
    out: dict[Key, tuple[str, str | None]] = {}
    for context in ET.parse(ts).iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            key = (name, message.findtext("source") or "", message.findtext("comment") or "")
            out[key] = ("", "missing") if translation is None else (translation.text or "", translation.get("type"))
    return out


def test_every_string_is_translated_and_the_qm_is_current() -> None:
    translator = QTranslator()
    assert translator.load(str(QM))
    for (name, source, comment), (text, kind) in _messages(TS).items():
        assert text, f"{name}: {source!r} has no translation"
        assert kind != "unfinished", source
        assert translator.translate(name, source, comment or None) == text, f"{QM.name} is stale: {source!r}"


def _lupdate() -> str:
    found = Path(sys.executable).with_name("pyside6-lupdate")
    tool = str(found) if found.exists() else shutil.which("pyside6-lupdate")
    assert tool, "pyside6-lupdate (PySide6) is needed to check the translations"
    return tool


def test_the_ts_holds_exactly_the_strings_of_ui(tmp_path: Path) -> None:
    """lupdate over every file of ui/ (the window, dialogs, Excel import/export, reports) finds no string that
    the committed .ts lacks, and the .ts keeps none that the code no longer has."""
    fresh = tmp_path / TS.name
    shutil.copy(TS, fresh)
    subprocess.run([_lupdate(), *map(str, UI_FILES), "-ts", str(fresh), "-no-obsolete", "-silent"], check=True,
                   capture_output=True, timeout=60)
    committed, regenerated = _messages(TS), _messages(fresh)
    new = sorted(k for k in regenerated if k not in committed)
    gone = sorted(k for k in committed if k not in regenerated)
    assert not new, f"strings not in {TS.name} (run lupdate as resources/translations/README.md says): {new}"
    assert not gone, f"strings in {TS.name} that ui/ no longer has (lupdate -no-obsolete): {gone}"
    contexts = {k[0] for k in committed}
    assert {"ImportDialog", "ImportPreviewDialog", "ReportActions", "CertificateDialog"} <= contexts


# Texts that are the same in every language.
UNTRANSLATED = ("cdassess", "YYYY-MM-DD")
TEXT_CALLS = {  # calls whose string arguments a user reads
    "setWindowTitle", "setText", "setPlaceholderText", "setToolTip", "setStatusTip", "setWhatsThis",
    "setLabelText", "setSuffix", "setPrefix", "setFormat", "setTabText", "showMessage", "setInformativeText",
    "setDetailedText", "setTitle", "addTab", "insertTab", "addRow", "addButton", "addAction", "addMenu",
    "setHeaderLabels", "setHorizontalHeaderLabels", "setSpecialValueText", "QLabel", "QPushButton", "QCheckBox",
    "QRadioButton", "QGroupBox", "QAction", "QProgressDialog", "QMessageBox", "getOpenFileName",
    "getOpenFileNames", "getSaveFileName", "getExistingDirectory", "information", "warning", "question",
    "critical", "getText", "getMultiLineText", "getItem", "info", "error", "ask", "ask_text", "ask_multiline",
    "show_error",
}
WORD = re.compile(r"[A-Za-z]{3,}")


def _literals(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        for value in node.values:
            yield from _literals(value)
    elif isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            yield from _literals(element)
    elif isinstance(node, ast.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)


def _is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def untranslatable(source: str, filename: str = "<string>") -> list[str]:
    """English text handed to a widget without tr()/translate(), and tr()/translate() calls whose text lupdate
    cannot read (a variable, an f-string, a wrapper function): both stay English in the Chinese interface."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in ("tr", "translate"):
            at = 0 if name == "tr" else 1
            readable = len(node.args) > at and all(_is_str(a) for a in node.args[:at + 1])
            if not readable:
                found.append(f"{filename}:{node.lineno}: {name}() with a text lupdate cannot read")
        elif name in TEXT_CALLS:
            for arg in node.args:
                for literal in _literals(arg):
                    text = literal
                    for same in UNTRANSLATED:
                        text = text.replace(same, "")
                    if WORD.search(text):
                        found.append(f"{filename}:{node.lineno}: {name}({text!r}) is not translated")
    return found


def test_no_user_text_is_hidden_from_lupdate() -> None:
    problems = [p for f in UI_FILES for p in untranslatable(f.read_text(encoding="utf-8"), f.name)]
    assert not problems, "\n".join(problems)


def test_the_check_finds_what_lupdate_would_miss() -> None:
    wrapper = 'def _tr(text):\n    return QCoreApplication.translate("Ctx", text)\n'
    assert untranslatable(wrapper) == ["<string>:2: translate() with a text lupdate cannot read"]
    assert untranslatable('w.setWindowTitle("Gap report")') == \
        ["<string>:1: setWindowTitle('Gap report') is not translated"]
    assert untranslatable('messages.info(p, self.tr("Title"), f"Written: {path}")') == \
        ["<string>:1: info('Written: ') is not translated"]
    assert untranslatable('w.setWindowTitle(self.tr("Gap report") + " — cdassess")') == []
    assert untranslatable('QCoreApplication.translate("C", "gap plan", "suggested file name")') == []


@pytest.fixture
def chinese() -> Iterator[None]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    installed = install_translations(app, "zh")
    assert installed
    yield
    for t in installed:
        app.removeTranslator(t)


def test_the_excel_and_report_dialogs_speak_chinese(qtbot: Any, chinese: None, mini_assessment: Any,
                                                    tmp_path: Path) -> None:
    from cdassess.xlsx.preview import ChangeRow, ImportPreview
    from ui.import_dialog import ImportPreviewDialog, QuestionnaireOptionsDialog
    from ui.report_actions import CertificateDialog, GapReportDialog, _refusal_text

    preview = ImportPreview("questionnaire", tmp_path / "答卷.xlsx",
                            changes=[ChangeRow("问卷", 5, "A.X.1.L1", "self-assessment", "set", "", "met")],
                            rows_read=12)
    dialog = ImportPreviewDialog(preview)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "导入问卷 答卷.xlsx"
    headers = [dialog.changes_model.headerData(i, Qt.Orientation.Horizontal) for i in range(7)]
    assert headers == ["工作表", "行", "对象", "字段", "操作", "原值", "新值"]
    assert dialog.changes_model.index(0, 4).data() == "填写"
    assert dialog.apply_button.text() == "应用"
    assert "1 处更改" in dialog.summary.text()
    for widget, title in ((QuestionnaireOptionsDialog(None, mini_assessment), "导出问卷"),
                          (GapReportDialog(None, mini_assessment), "差距报告"),
                          (CertificateDialog(None, mini_assessment, 1), "证书")):
        qtbot.addWidget(widget)
        assert widget.windowTitle() == title
    from cdassess.errors import CdassessError

    assert "文件 ▸ 锁定评估" in _refusal_text(CdassessError("not locked"), mini_assessment)


def test_the_window_speaks_chinese(qtbot: Any, settings: Any, dialogs: Any, mini_path: Any) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    settings.ui_language = "zh"
    installed = install_translations(app, settings.ui_language)
    try:
        from ui.main_window import MainWindow

        w = MainWindow(settings)
        qtbot.addWidget(w)
        titles = [a.text() for a in w.menuBar().actions()]
        assert titles[0] == "文件(&F)"
        assert QCoreApplication.translate("Labels", "Met") == "满足"
        assert w.open_path(mini_path)
        assert w.tree_model.headerData(0, Qt.Orientation.Horizontal) == "能力"
        assert w.tree_model.index_of("A", 1).data() == "L0 / 目标 L2"
        w.session.close()
        w.session = None
    finally:
        for t in installed:
            app.removeTranslator(t)


def test_the_shipped_font_draws_chinese() -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    family = load_cjk_font(app)
    assert family == CJK_FAMILY
    assert family in QFontDatabase.families()
    metrics = QFontMetrics(app.font())
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "配置管理满足")
