"""Speed of the window (not a test; the benchmark harness lives in benchmarks/). Prints figures.

    .venv/bin/python tests/ui/measure_ui.py            (offscreen; set QT_QPA_PLATFORM=xcb for a real X server)

1. start-up: process start to the window shown on the demo (``cdassess gui --demo``) against a bare
   PySide6 QMainWindow, median of several runs each;
2. rating by keyboard on the demo: key press -> stored (committed) -> tree and dashboard updated and painted;
3. a synthetic model of 2,000 requirements: open, filter, search, next unrated, rate.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HOME = Path(tempfile.mkdtemp(prefix="cdassess-measure-"))
os.environ["CDASSESS_HOME"] = str(HOME)
os.environ.setdefault("CDASSESS_USER", "measure")
ROOT = Path(__file__).resolve().parents[2]

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1360, 860); w.show()
QTimer.singleShot(0, w.close)
app.exec()
"""


def _run(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - t


def startup(runs: int = 11) -> None:
    env = {**os.environ, "CDASSESS_QUIT_WHEN_SHOWN": "1", "XDG_CONFIG_HOME": str(HOME / "config")}
    cdassess = str(Path(sys.executable).parent / "cdassess")
    _run([cdassess, "gui", "--demo"], env)  # builds the demo once, warms the disk cache
    bare, app = [], []
    for _ in range(runs):  # interleaved, so a busy moment on the machine hits both alike
        bare.append(_run([sys.executable, "-c", BARE], env))
        app.append(_run([cdassess, "gui", "--demo"], env))
    b, a = statistics.median(bare), statistics.median(app)
    print(f"start-up (median of {runs}): bare QMainWindow {b * 1000:.0f} ms, cdassess gui --demo "
          f"{a * 1000:.0f} ms, ratio {a / b:.2f}x (target <= 3x)")


def _synthetic_model(path: Path, domains: int = 8, subs: int = 5, items: int = 10, levels: int = 5) -> None:
    import json

    model = {
        "format": "cdassess-model/1", "id": "synthetic", "version": "1",
        "names": {"zh": "合成模型", "en": "Synthetic"},
        "levels": [{"n": n, "names": {"zh": f"{n}级", "en": f"Level {n}"}} for n in range(1, levels + 1)],
        "domains": [{
            "id": f"D{d}", "names": {"zh": f"领域{d}", "en": f"Domain {d}"},
            "subdomains": [{
                "id": f"D{d}.S{s}", "names": {"zh": f"子域{d}.{s}", "en": f"Subdomain {d}.{s}"},
                "items": [{
                    "id": f"D{d}.S{s}.I{i}", "names": {"zh": f"能力项{i}", "en": f"Item {i}"},
                    "requirements": [{"id": f"D{d}.S{s}.I{i}.L{n}", "level": n,
                                      "text": {"zh": f"第{n}级要求：持续交付流水线的第{i}项能力",
                                               "en": f"Level {n} requirement: pipeline capability {i}"}}
                                     for n in range(1, levels + 1)],
                } for i in range(items)],
            } for s in range(subs)],
        } for d in range(domains)],
    }
    path.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def in_process() -> None:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from cdassess.demo import ensure_demo
    from cdassess.model import load_model_file
    from cdassess.scoring import Status
    from cdassess.services import Assessment
    from ui.app import create_app
    from ui.main_window import MainWindow
    from ui.settings import Settings

    settings = Settings(QSettings(str(HOME / "measure.ini"), QSettings.Format.IniFormat))
    settings.ui_language = "en"
    create_app(settings=settings)
    w = MainWindow(settings)
    w.show()
    w.open_path(ensure_demo())

    def rate_times(req_id: str, keys: tuple[Qt.Key, Qt.Key], n: int = 40) -> list[float]:
        w.go_to(req_id)
        QApplication.processEvents()
        out = []
        for k in range(n):
            t = time.perf_counter()
            QTest.keyClick(w.tree, keys[k % 2])
            QApplication.processEvents()  # repaint tree and dashboard
            out.append(time.perf_counter() - t)
        return out

    for tab, label in ((0, "requirement tab shown"), (1, "dashboard shown")):
        w.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        same = rate_times("CD.CM.VC.01.L4", (Qt.Key.Key_1, Qt.Key.Key_2))  # item level changes, domain not
        flip = rate_times("CD.CM.CH.03.L3", (Qt.Key.Key_1, Qt.Key.Key_3))  # the domain's level flips
        print(f"rate by key on the demo ({label}): median {_ms(statistics.median(same))}, "
              f"max {_ms(max(same))}; when the domain level flips: median {_ms(statistics.median(flip))}, "
              f"max {_ms(max(flip))}")
    w.close()

    model_path = HOME / "synthetic.json"
    _synthetic_model(model_path)
    model = load_model_file(model_path)
    big = HOME / "synthetic.cdassess"
    with Assessment.create(big, organization="O", project="P", model=model, target_level=3) as a, \
            a.store.batch("measure"):
        for k, rid in enumerate(model.requirements):
            if k % 3:
                a.rate(rid, (Status.MET, Status.PARTIAL, Status.NOT_MET)[k % 3])
    w = MainWindow(settings)
    w.show()
    t = time.perf_counter()
    w.open_path(big)
    QApplication.processEvents()
    opened = time.perf_counter() - t
    timings = {}
    for key in ("unrated", "not_met", "no_evidence", "all"):
        t = time.perf_counter()
        w.filter.setCurrentIndex(w.filter.findData(key))
        QApplication.processEvents()
        timings[key] = time.perf_counter() - t
    t = time.perf_counter()
    w.search.setText("pipeline capability 7")
    w._search_changed()
    QApplication.processEvents()
    search = time.perf_counter() - t
    w.search.clear()
    w._search_changed()
    steps = []
    for _ in range(20):
        t = time.perf_counter()
        w.next_unrated(1)
        QApplication.processEvents()
        steps.append(time.perf_counter() - t)
    rates = []
    for k in range(20):
        t = time.perf_counter()
        QTest.keyClick(w.tree, (Qt.Key.Key_1, Qt.Key.Key_2)[k % 2])
        QApplication.processEvents()
        rates.append(time.perf_counter() - t)
    print(f"2,000 requirements ({len(model.requirements)}): open and show {_ms(opened)}; filters "
          + ", ".join(f"{k} {_ms(v)}" for k, v in timings.items())
          + f"; search {_ms(search)}; next unrated median {_ms(statistics.median(steps))}"
          f"; rate by key median {_ms(statistics.median(rates))}, max {_ms(max(rates))}")
    w.close()


if __name__ == "__main__":
    if "--no-startup" not in sys.argv:
        startup()
    in_process()
