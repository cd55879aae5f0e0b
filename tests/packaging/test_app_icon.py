"""The window carries the app icon (Linux has no icon inside the executable; the window must set it)."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt starts, as in tests/ui

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication


def test_create_app_sets_the_window_icon_and_desktop_name(qapp: QApplication, tmp_path: Path) -> None:
    from ui.app import create_app
    from ui.settings import Settings

    app, _ = create_app(settings=Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    assert app is qapp
    icon = app.windowIcon()
    assert not icon.isNull()
    assert icon.pixmap(64, 64).width() == 64
    assert app.desktopFileName() == "cdassess"
