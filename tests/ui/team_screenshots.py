"""Screenshots of the team merge (not a test): the merge preview and the conflict view, on the demo.

    Xvfb :106 -screen 0 1366x768x24 &
    DISPLAY=:106 QT_QPA_PLATFORM=xcb .venv/bin/python tests/ui/team_screenshots.py OUTDIR [WIDTHxHEIGHT]

Three assessors get copies of the demo, each rates some of their own domains, two of them rate one
requirement differently and both link evidence to it; the lead's window opens File > Merge copies… on them.
Writes merge-preview.png (the dialog as shown, first conflict selected) and merge-conflict.png (a conflict
decided, the next one selected), each also as -screen.png (the whole screen, window behind the dialog).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    size = sys.argv[2] if len(sys.argv) > 2 else "1366x768"
    width, height = (int(x) for x in size.split("x"))
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="cdassess-team-shots-"))
    os.environ["CDASSESS_HOME"] = str(home)
    os.environ["CDASSESS_USER"] = "王芳 Wang Fang (lead)"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from cdassess.demo import build_demo
    from cdassess.records import Finding
    from cdassess.services import Assessment
    from cdassess.team import make_copy, plan_merge
    from ui.app import create_app
    from ui.settings import Settings
    from ui.team_dialog import MergeDialog

    lead_path = home / "yunfan-lead.cdassess"
    build_demo(lead_path, actor="王芳 Wang Fang (lead)").close()
    team = [("李明 Li Ming", ("CD.CM", "CD.BC")), ("Sarah Chen", ("CD.TM", "CD.DR")), ("张伟 Zhang Wei", ())]
    paths = []
    with Assessment.open(lead_path, actor="王芳 Wang Fang (lead)") as lead:
        for name, share in team:
            p = home / f"yunfan-{name.split()[-1].lower()}.cdassess"
            make_copy(lead, p, assessor=name, domains=share)
            paths.append(p)
        lead.rate("CD.DM.TD.02.L3", "not_met", note="lead: no boundary data at all")
    with Assessment.open(paths[0], actor="李明 Li Ming") as c:
        c.rate("CD.CM.CH.03.L3", "partial", note="回滚已脚本化，演练一次。Rollback scripted, rehearsed once.")
        c.add_evidence_bytes("rollback-drill.log", b"[09:00] rollback drill\n" * 200, ["CD.CM.CH.03.L3"],
                             provided_by="运维组 Ops team", description="Rollback drill, release 4.7")
        c.rate("CD.BC.CI.01.L4", "met")
        c.save_finding(Finding(None, "CD.BC.CI.01.L4", "Pipeline logs kept for 30 days only.",
                               "Keep them for a year.", "Ops", "2027-02-01", "low"))
        c.rate("CD.TM.TA.03.L3", "partial", note="Li: regression runs nightly now")
    with Assessment.open(paths[1], actor="Sarah Chen") as c:
        c.rate("CD.TM.TA.03.L3", "met", note="Sarah: regression suite runs on every merge")
        c.add_evidence_bytes("pipeline-config.yml", b"stages: [build, test, regression]\n" * 30,
                             ["CD.TM.TA.03.L3"], description="Pipeline definition with the regression stage")
        c.rate("CD.DM.TD.02.L3", "met", note="Sarah: boundary data added in November")
        c.rate("CD.DR.PL.01.L4", "partial")
    with Assessment.open(paths[2], actor="张伟 Zhang Wei") as c:
        c.rate("CD.MF.MD.03.L3", "met", note="度量平台已上线。Metrics platform live.")
        c.rate("CD.DM.DC.03.L3", "partial")

    settings = Settings(QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat))
    settings.ui_language = "en"
    settings.assessor = "王芳 Wang Fang (lead)"
    _app, settings = create_app(settings=settings)
    from ui.main_window import MainWindow

    w = MainWindow(settings)
    w.resize(width, height - 30)
    w.move(0, 0)
    w.show()
    w.open_path(lead_path)
    assert w.session is not None
    plan = plan_merge(w.session.assessment, [str(p) for p in paths])
    dialog = MergeDialog(plan, w)
    dialog.resize(min(1280, width - 40), min(720, height - 60))
    dialog.move(20, 20)
    dialog.show()

    def settle() -> None:
        for _ in range(10):
            QApplication.processEvents()

    def shot(name: str) -> None:
        settle()
        dialog.grab().save(str(out / f"{name}-{size}.png"))
        if os.environ.get("DISPLAY"):
            subprocess.run(["import", "-window", "root", str(out / f"{name}-{size}-screen.png")], check=False)

    shot("merge-preview")
    dialog.take(str(paths[1]))  # Sarah's values for CD.DM.TD.02.L3, one conflict at a time
    dialog.take("lead")
    # the conflict view: two assessors rated CD.TM.TA.03.L3 differently, each with their own evidence
    row = next(i for i, c in enumerate(plan.conflicts) if c.requirement == "CD.TM.TA.03.L3" and c.field == "status")
    dialog.conflicts.selectRow(row)
    shot("merge-conflict")
    dialog.close()
    plan.close()
    w.close()


if __name__ == "__main__":
    main()
