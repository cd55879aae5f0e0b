"""The Chinese interface: every string translated, the .qm current, the window in Chinese, CJK font loaded."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from cdassess.paths import resource
from ui.app import CJK_FAMILY, install_translations, load_cjk_font

TS = resource("translations", "cdassess_zh_CN.ts")
QM = resource("translations", "cdassess_zh_CN.qm")


def test_every_string_is_translated_and_the_qm_is_current() -> None:
    tree = ET.parse(TS)
    translator = QTranslator()
    assert translator.load(str(QM))
    for context in tree.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            assert translation is not None and translation.text, f"{name}: {source!r} has no translation"
            assert translation.get("type") != "unfinished", source
            assert translator.translate(name, source) == translation.text, f"{QM.name} is stale: {source!r}"


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
