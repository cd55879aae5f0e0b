"""Screenshots of the window on the demo (not a test): main window, dashboard, Chinese interface.

    DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python tests/ui/screenshots.py OUTDIR [en|zh ...]

Runs in a throw-away home directory; the demo gets one extra evidence file so the evidence pane shows.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    langs = sys.argv[2:] or ["en", "zh"]
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="cdassess-shots-"))
    os.environ["CDASSESS_HOME"] = str(home)
    os.environ["CDASSESS_USER"] = "李明 Li Ming"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from cdassess.cli.app import ensure_demo
    from cdassess.services import Assessment
    from ui.app import create_app
    from ui.settings import Settings

    demo = ensure_demo()
    with Assessment.open(demo) as a:
        a.add_evidence_bytes("rollback-drill-2026-11.log", b"[09:00] rollback drill started\n" * 4000,
                             ["CD.CM.CH.03.L3"], provided_by="运维组 Ops team", collected_on="2026-11-25")
    for lang in langs:
        settings = Settings(QSettings(str(home / f"settings-{lang}.ini"), QSettings.Format.IniFormat))
        settings.ui_language = lang
        settings.assessor = "李明 Li Ming"
        _app, settings = create_app(settings=settings)
        from ui.main_window import MainWindow

        w = MainWindow(settings)
        w.resize(1400, 880)
        w.show()
        w.open_path(demo)
        w.go_to("CD.CM.CH.03.L3")
        for _ in range(5):
            QApplication.processEvents()
        w.grab().save(str(out / f"main-{lang}.png"))
        w.tabs.setCurrentIndex(1)
        for _ in range(5):
            QApplication.processEvents()
        w.grab().save(str(out / f"dashboard-{lang}.png"))
        w.tabs.setCurrentIndex(0)
        w.filter.setCurrentIndex(w.filter.findData("needs_review"))
        w.go_to("CD.DM.TD.02.L3")
        for _ in range(5):
            QApplication.processEvents()
        w.grab().save(str(out / f"filter-{lang}.png"))
        from ui.dialogs import FindingDialog, NewAssessmentDialog

        new = NewAssessmentDialog(settings, w)
        new.show()
        QApplication.processEvents()
        new.grab().save(str(out / f"new-assessment-{lang}.png"))
        new.close()
        finding = FindingDialog(w.session.findings("CD.CM.CH.03.L3")[0], w)
        finding.show()
        QApplication.processEvents()
        finding.grab().save(str(out / f"finding-{lang}.png"))
        finding.close()
        w.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
