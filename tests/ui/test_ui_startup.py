"""Start-up: the first window loads no module it does not show (dashboard and charts, dialogs, Excel, reports);
the dashboard is built in place when its tab is first shown."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

NOT_AT_START = ("ui.dashboard", "ui.dialogs", "ui.import_dialog", "ui.report_actions", "PySide6.QtSvg",
                "cdassess.reports", "cdassess.xlsx", "openpyxl", "reportlab")

SHOW_WINDOW = """
import sys
from PySide6.QtCore import QSettings
from ui.app import create_app
from ui.settings import Settings

settings = Settings(QSettings(sys.argv[2], QSettings.Format.IniFormat))
app, settings = create_app(settings=settings)
from ui.main_window import MainWindow

window = MainWindow(settings)
window.show()
assert window.open_path(sys.argv[1])
for _ in range(3):
    app.processEvents()
print(" ".join(sorted(m for m in sys.modules)))
window.close()
"""


def test_the_first_window_loads_only_what_it_shows(mini_path: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CDASSESS_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", SHOW_WINDOW, str(mini_path), str(tmp_path / "s.ini")],
                          env=env, capture_output=True, text=True, timeout=60, check=True)
    loaded = set(done.stdout.split())
    assert "ui.main_window" in loaded and "ui.evidence_pane" in loaded
    early = sorted(m for m in loaded for name in NOT_AT_START if m == name or m.startswith(name + "."))
    assert early == []


def test_the_dashboard_is_built_in_its_tab_when_first_shown(window: Any, mini_path: Path, qtbot: Any) -> None:
    assert window.open_path(mini_path)
    window.show()
    qtbot.waitExposed(window)
    assert window._dashboard is None
    stand_in = window.tabs.widget(1)
    window.tabs.setCurrentIndex(1)
    dash = window._dashboard
    assert dash is not None and dash is not stand_in
    assert window.tabs.currentWidget() is dash and window.tabs.count() == 2
    assert window.tabs.tabText(1) == "Dashboard"
    assert dash.isVisible()
    assert dash.headline.text() == "Overall level L0 of target L2"
    assert dash.blockers.topLevelItemCount() > 0  # drawn from the open assessment
    window.go_to("A.X.1.L1")
    window.tabs.setCurrentIndex(1)
    assert window.dashboard is dash  # built once


def test_the_dashboard_is_prepared_soon_after_opening(window: Any, mini_path: Path, qtbot: Any) -> None:
    assert window.open_path(mini_path)
    assert window._dashboard is None and window._prepare_timer.isActive()
    qtbot.waitUntil(lambda: window._dashboard is not None, timeout=5_000)
    assert window.tabs.currentIndex() == 0  # prepared, not shown
    assert window._dashboard.session is window.session
