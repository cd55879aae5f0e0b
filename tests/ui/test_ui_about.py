"""Help > About shows the version report (cdassess, Python, Qt, SQLite, libraries) and copies it."""

from __future__ import annotations

import platform
import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication

from cdassess import __version__
from ui.dialogs import AboutDialog


def test_help_about_shows_the_versions_and_copies_them(window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[AboutDialog] = []

    def exec_(dlg: AboutDialog) -> int:
        shown.append(dlg)
        return 0

    monkeypatch.setattr(AboutDialog, "exec", exec_)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    about = next(a for a in help_menu.actions() if a.text() == "&About cdassess")
    about.trigger()
    assert len(shown) == 1
    dlg = shown[0]
    text = dlg.versions.toPlainText()
    lines = text.splitlines()
    assert lines[0] == f"cdassess {__version__}"
    assert f"Python {platform.python_version()}" in text
    assert f"Qt {qVersion()}" in lines  # the Qt actually running, not only the one installed
    assert f"SQLite {sqlite3.sqlite_version}" in lines
    for library in ("PySide6-Essentials", "openpyxl", "reportlab", "sqlite-utils"):
        assert any(line.startswith(library + " ") for line in lines), library
    assert dlg.versions.isReadOnly()

    QGuiApplication.clipboard().setText("something else")
    dlg.copy_button.click()
    assert QGuiApplication.clipboard().text() == text
    assert dlg.copy_button.text() == "Copied"
