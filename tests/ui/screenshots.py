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

    from cdassess.demo import ensure_demo
    from cdassess.services import Assessment
    from ui.app import create_app
    from ui.settings import Settings

    demo = ensure_demo()
    with Assessment.open(demo) as a:
        a.add_evidence_bytes("rollback-drill-2026-11.log", b"[09:00] rollback drill started\n" * 4000,
                             ["CD.CM.CH.03.L3"], provided_by="运维组 Ops team", collected_on="2026-11-25",
                             description="生产环境回滚演练日志 Rollback drill of release 4.7: back in 6 minutes")
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
        w.evidence_pane.list.setCurrentItem(w.evidence_pane.list.topLevelItem(0))  # the evidence is chosen
        w.tree.setFocus()
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
        from cdassess.versions import version_report
        from ui.dialogs import AboutDialog, EvidenceDetailsDialog

        pane = w.evidence_pane
        w.go_to("CD.CM.CH.03.L3")
        ev = next(e for e in w.session.evidence_for("CD.CM.CH.03.L3") if e.original_name.startswith("rollback"))
        details = EvidenceDetailsDialog(pane.tr("Evidence details"), evidence=ev, providers=pane._providers(),
                                        parent=w)
        details.show()
        QApplication.processEvents()
        details.grab().save(str(out / f"evidence-details-{lang}.png"))
        details.close()
        names = ["deploy-pipeline.yaml", "rollback-drill-2026-11.log", "release-checklist.xlsx"]
        attach = EvidenceDetailsDialog(pane.tr("Attach evidence to %1").replace("%1", "CD.CM.CH.03.L3"),
                                       names=names, provider=settings.last_provider or "运维组 Ops team",
                                       collected_on="2026-11-27", parent=w)
        attach.show()
        QApplication.processEvents()
        attach.grab().save(str(out / f"attach-details-{lang}.png"))
        attach.close()
        about = AboutDialog(version_report(), w)
        about.show()
        QApplication.processEvents()
        about.grab().save(str(out / f"about-{lang}.png"))
        about.close()
        w.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
