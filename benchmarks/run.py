"""cdassess benchmarks: every figure measured against a baseline taken in the same run.

Usage (from the repository root):

    .venv/bin/python benchmarks/run.py            # full run (11 repetitions, 1-2 minutes), writes RESULTS.md
    .venv/bin/python benchmarks/run.py --quick    # 5 repetitions (the minimum for a median), under a minute
    .venv/bin/python benchmarks/run.py --only gap_demo --only info_json

Every input is built from scratch in a temporary folder: the demo assessment, synthetic capability models
(2,000 and 1,000 requirements, format ``cdassess-model/1``), a filled-in 1,000-row questionnaire, a 200 MB
evidence file. Each scenario reports the median of its runs, the baseline's median measured in the same run,
their ratio and whether the target is met. A scenario whose code has not landed yet prints
"not available: <reason>" instead of failing the harness.

Not part of the test suite on purpose (timings depend on the machine and its load).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import importlib.metadata
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PY = sys.executable
FRAME_S = 1 / 60  # one frame at 60 Hz (16.7 ms); the target itself is "< 16 ms"
MB = 1 << 20


class NotAvailable(Exception):  # noqa: N818 - reads as a state, like StopIteration
    """A scenario's code has not landed yet (or cannot run here); reported, never fatal."""


# ------------------------------------------------------------------------------------------ results


@dataclass
class Result:
    name: str
    title: str
    target: str
    median: str = ""
    baseline: str = ""
    ratio: str = ""
    passed: bool | None = None  # None: not available
    note: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return f"not available: {self.note}"
        return "pass" if self.passed else "MISS"


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def fmt_s(seconds: float) -> str:
    if seconds < 0.1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.3f} s"


CPU_SAMPLES: dict[int, float] = {}
"""CPU seconds (this process, all threads) of the last timed call per function id: shows how much of a wall
time was waiting for a busy machine rather than work."""


def timed(fn: Callable[[], Any]) -> float:
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    CPU_SAMPLES[id(fn)] = time.process_time() - c0
    return time.perf_counter() - t0


def repeat(fn: Callable[[], Any], reps: int, *, setup: Callable[[], Any] | None = None, warmup: int = 1,
           cpu: list[float] | None = None) -> list[float]:
    """Median-ready wall times: ``setup`` (untimed) before each run, ``warmup`` untimed runs first; the CPU
    time of each timed run goes to ``cpu`` when given."""
    samples: list[float] = []
    for i in range(warmup + reps):
        if setup is not None:
            setup()
        t = timed(fn)
        if i >= warmup:
            samples.append(t)
            if cpu is not None:
                cpu.append(CPU_SAMPLES[id(fn)])
    return samples


def paired(fn: Callable[[], Any], base: Callable[[], Any], reps: int, *,
           setup: Callable[[], Any] | None = None) -> tuple[list[float], list[float]]:
    """Scenario and baseline alternately (after one untimed round), so a busy machine slows both alike."""
    value: list[float] = []
    baseline: list[float] = []
    for i in range(reps + 1):
        if setup is not None:
            setup()
        v = timed(fn)
        b = timed(base)
        if i:
            value.append(v)
            baseline.append(b)
    return value, baseline


CHILD_CPU: list[float] = [0.0]
"""CPU seconds (user + system) of the last child process run by :func:`run_process`."""


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_process(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 120) -> float:
    """Wall time of one child process from spawn to exit; a failing child is an error with its output."""
    c0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, check=False)
    t = time.perf_counter() - t0
    CHILD_CPU[0] = _children_cpu() - c0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}... exited {proc.returncode}: "
                           f"{proc.stderr.decode(errors='replace')[-2000:]}")
    return t


def process_pairs(cmd: list[str], base_cmd: list[str], reps: int,
                  env: dict[str, str] | None = None) -> tuple[list[float], list[float], list[float], list[float]]:
    """Wall and CPU times of a command and its baseline, alternately; the first pair warms the caches."""
    value, base, value_cpu, base_cpu = [], [], [], []
    for i in range(reps + 1):
        a = run_process(cmd, env)
        a_cpu = CHILD_CPU[0]
        b = run_process(base_cmd, env)
        if i:
            value.append(a)
            base.append(b)
            value_cpu.append(a_cpu)
            base_cpu.append(CHILD_CPU[0])
    return value, base, value_cpu, base_cpu


def cpu_note(value_cpu: list[float], base_cpu: list[float]) -> str:
    v, b = median(value_cpu), median(base_cpu)
    return f"CPU time {fmt_s(v)} vs {fmt_s(b)}: {v / b:.2f}x"


def run_child(task: str, args: dict[str, Any], env: dict[str, str] | None = None, timeout: float = 300) -> Any:
    """Run ``task`` of this file in a fresh interpreter; its last stdout line is JSON."""
    proc = subprocess.run([PY, str(Path(__file__).resolve()), "--child", task, json.dumps(args)], env=env,
                          capture_output=True, timeout=timeout, check=False)
    out = proc.stdout.decode(errors="replace").strip().splitlines()
    if proc.returncode != 0 or not out:
        raise RuntimeError(f"child {task} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-3000:]}")
    data = json.loads(out[-1])
    if isinstance(data, dict) and "not_available" in data:
        raise NotAvailable(data["not_available"])
    return data


# ------------------------------------------------------------------------------------------ inputs


def synthetic_model_dict(model_id: str, domains: int, subdomains: int, items: int, levels: int = 5) -> dict[str, Any]:
    """A valid ``cdassess-model/1`` model of domains x subdomains x items x levels requirements.

    Texts have the length of the built-in model's (about 30 Chinese and 110 English characters).
    """
    lv_names = [("初始级", "Initial"), ("基础级", "Basic"), ("全面级", "Comprehensive"), ("优秀级", "Excellent"),
                ("卓越级", "Outstanding"), ("六级", "Level six"), ("七级", "Level seven")]

    def text(zh: str, en: str) -> dict[str, str]:
        return {"zh": zh, "en": en}

    doms = []
    for d in range(1, domains + 1):
        did = f"SY.D{d}"
        subs = []
        for s in range(1, subdomains + 1):
            sid = f"{did}.S{s}"
            its = []
            for i in range(1, items + 1):
                iid = f"{sid}.I{i:02d}"
                reqs = [{
                    "id": f"{iid}.L{n}", "level": n,
                    "text": text(f"团队在第{d}域第{s}子域第{i}项上实践第{n}级要求，并保留可追溯的记录与度量数据。",
                                 f"The team practises level {n} of capability item {i} in subdomain {s} of domain "
                                 f"{d}, keeps traceable records of it and reviews the results regularly."),
                    "guidance": text(f"查看第{i}项的流水线配置与运行记录，并询问团队如何改进。",
                                     f"Look at the pipeline configuration and run history of item {i} and ask the "
                                     "team how they improve it."),
                    "evidence_types": ["record", "demonstration"],
                    "provenance": ("confirmed", "paraphrased", "inferred")[(d + s + i + n) % 3],
                } for n in range(1, levels + 1)]
                its.append({"id": iid, "names": text(f"能力项{d}.{s}.{i}", f"Capability item {d}.{s}.{i}"),
                            "description": text(f"第{i}项能力的实践范围。", f"What item {i} covers."),
                            "requirements": reqs})
            subs.append({"id": sid, "names": text(f"子域{d}.{s}", f"Subdomain {d}.{s}"),
                         "description": text(f"子域{d}.{s}的说明。", f"About subdomain {d}.{s}."), "items": its})
        doms.append({"id": did, "names": text(f"能力域{d}", f"Capability domain {d}"),
                     "description": text(f"能力域{d}的说明。", f"About domain {d}."), "subdomains": subs})
    return {
        "format": "cdassess-model/1", "id": model_id, "version": "1.0",
        "names": text(f"合成基准模型 {model_id}", f"Synthetic benchmark model {model_id}"),
        "source": text("基准测试自动生成。", "Generated for benchmarks."),
        "provenance_note": text("全部为合成文字。", "All texts are synthetic."),
        "levels": [{"n": n, "names": text(*lv_names[n - 1]), "meaning": text(f"第{n}级。", f"Level {n}.")}
                   for n in range(1, levels + 1)],
        "domains": doms,
    }


def _status_for(req_id: str, level: int) -> str:
    """A deterministic, realistic mix of ratings: mostly met at low levels, more gaps higher up."""
    h = zlib.crc32(req_id.encode()) % 100
    if level <= 2:
        return "met" if h < 88 else "partial" if h < 94 else "not_met" if h < 98 else "na"
    if level == 3:
        return "met" if h < 65 else "partial" if h < 80 else "not_met" if h < 92 else "unrated"
    return "met" if h < 30 else "partial" if h < 45 else "not_met" if h < 60 else "unrated"


class Inputs:
    """Builds every input once, lazily, in one temporary folder."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self._cache: dict[str, Any] = {}

    def _once(self, key: str, build: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def fresh_copy(self, src: Path, name: str) -> Path:
        """A copy of an assessment file under a new name (removing an earlier copy and its sidecars)."""
        dst = self.tmp / name
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(dst) + suffix).unlink(missing_ok=True)
        shutil.copyfile(src, dst)
        return dst

    @property
    def demo(self) -> Path:
        def build() -> Path:
            from cdassess.demo import build_demo

            path = self.tmp / "demo-template.cdassess"
            build_demo(path, actor="bench").close()
            return path

        return self._once("demo", build)  # type: ignore[no-any-return]

    def model_file(self, key: str, domains: int, subdomains: int, items: int, levels: int = 5) -> Path:
        def build() -> Path:
            path = self.tmp / f"{key}.json"
            data = synthetic_model_dict(f"bench-{key}", domains, subdomains, items, levels)
            path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
            return path

        return self._once(f"model:{key}", build)  # type: ignore[no-any-return]

    @property
    def model_2000(self) -> Path:
        """8 domains x 5 subdomains x 10 items x 5 levels = 2,000 requirements."""
        return self.model_file("syn2000", 8, 5, 10)

    @property
    def model_1000(self) -> Path:
        """4 domains x 5 subdomains x 10 items x 5 levels = 1,000 requirements (the questionnaire's)."""
        return self.model_file("syn1000", 4, 5, 10)

    def _empty_assessment(self, model_path: Path, name: str, target: int) -> Path:
        from cdassess.model import load_model_file
        from cdassess.services import Assessment

        path = self.tmp / name
        model = load_model_file(model_path)
        Assessment.create(path, organization="基准测试公司 Benchmark Co.", project="合成项目 Synthetic project",
                          target_level=target, model=model, assessor="bench",
                          assessors=["王芳 Wang Fang", "Bench Assessor"], scope="synthetic scope",
                          start_date="2026-11-23", end_date="2026-11-27").close()
        return path

    @property
    def assessment_2000(self) -> Path:
        """The 2,000-requirement model, rated (mixed), with claims, findings on a third of the gaps, evidence."""

        def build() -> Path:
            from cdassess.records import Claim, Finding
            from cdassess.scoring import Status
            from cdassess.services import Assessment

            path = self._empty_assessment(self.model_2000, "syn2000.cdassess", 3)
            with Assessment.open(path, actor="bench") as a, a.store.batch("benchmark data"):
                for k, req in enumerate(a.model.iter_requirements()):
                    st = Status(_status_for(req.id, req.level))
                    if st == Status.UNRATED:
                        continue
                    a.rate(req.id, st, note=f"抽查记录 {k}。Sampled record {k}." if k % 4 == 0 else None,
                           justification="不适用于本系统。Does not apply to this system." if st == Status.NA else None)
                    if st in (Status.PARTIAL, Status.NOT_MET) and k % 3 == 0:
                        a.save_finding(Finding(None, req.id, f"Observation for {req.id}: the practice is applied "
                                               "to some services only and is not reviewed.",
                                               "Extend it to every service and review it monthly.",
                                               "平台组 Platform team", "2027-03-31", ("high", "medium", "low")[k % 3]))
                    if req.level <= 3:
                        claim = Status.MET if k % 7 else Status.PARTIAL
                        a.set_claim(Claim(req.id, claim, "见流水线记录 See pipeline records", f"REF-{k}",
                                          "张伟 Zhang Wei"), source="bench")
                reqs = list(a.model.requirements)
                for e in range(40):
                    a.add_evidence_bytes(f"evidence-{e:02d}.txt", f"evidence {e}\n".encode() * (50 + e),
                                         reqs[e * 37: e * 37 + 5], provided_by="张伟 Zhang Wei",
                                         collected_on="2026-11-24")
            return path

        return self._once("a2000", build)  # type: ignore[no-any-return]

    @property
    def assessment_50000(self) -> Path:
        """An unrated assessment on a 50,000-requirement model (50 x 20 x 10 x 5): the largest measured size."""
        def build() -> Path:
            model = self.model_file("syn50000", 50, 20, 10)
            return self._empty_assessment(model, "syn50000.cdassess", 5)

        return self._once("a50000", build)  # type: ignore[no-any-return]

    @property
    def assessment_1000(self) -> Path:
        """An unrated assessment on the 1,000-requirement model (target 3) to export questionnaires from."""
        return self._once("a1000", lambda: self._empty_assessment(self.model_1000, "syn1000.cdassess", 3))  # type: ignore[no-any-return]

    @property
    def evidence_200mb(self) -> Path:
        def build() -> Path:
            path = self.tmp / "evidence-200mb.bin"
            block = os.urandom(MB)  # incompressible-ish: one random MiB varied per block
            with path.open("wb") as fh:
                for i in range(200):
                    fh.write(i.to_bytes(8, "little") + block[8:])
            return path

        return self._once("ev200", build)  # type: ignore[no-any-return]

    @property
    def empty_builtin(self) -> Path:
        def build() -> Path:
            from cdassess.library import ModelLibrary
            from cdassess.services import Assessment

            path = self.tmp / "empty-builtin.cdassess"
            Assessment.create(path, organization="Bench", project="Evidence", model=ModelLibrary().builtin(),
                              assessor="bench").close()
            return path

        return self._once("empty", build)  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------------------ scenarios


@dataclass
class Scenario:
    name: str
    title: str
    target: str
    run: Callable[[Inputs, int, Result], None]


SCENARIOS: list[Scenario] = []


def scenario(name: str, title: str, target: str) -> Callable[[Callable[[Inputs, int, Result], None]],
                                                              Callable[[Inputs, int, Result], None]]:
    def register(fn: Callable[[Inputs, int, Result], None]) -> Callable[[Inputs, int, Result], None]:
        SCENARIOS.append(Scenario(name, title, target, fn))
        return fn

    return register


def cdassess_cmd() -> list[str]:
    """How a user starts the program: the installed ``cdassess`` script beside this interpreter."""
    script = Path(PY).parent / "cdassess"
    return [str(script)] if script.exists() else [PY, "-m", "ui"]


def ratio_result(res: Result, value: list[float], base: list[float], limit: float) -> float:
    m, b = median(value), median(base)
    r = m / b
    res.median, res.baseline, res.ratio = fmt_s(m), fmt_s(b), f"{r:.2f}x"
    res.passed = r <= limit
    res.samples = {"value": value, "baseline": base}
    return r


BARE_QT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow()
w.setWindowTitle("bare")
w.resize(1200, 800)
w.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""


def _gui_available() -> None:
    if not (ROOT / "ui" / "app.py").exists():
        raise NotAvailable("ui/app.py has not landed")
    if not (ROOT / "ui" / "entry.py").exists():
        raise NotAvailable("ui/entry.py (the `cdassess gui` command) has not landed")
    src = (ROOT / "ui" / "app.py").read_text(encoding="utf-8") + (ROOT / "ui" / "entry.py").read_text(
        encoding="utf-8")
    if "CDASSESS_QUIT_WHEN_SHOWN" not in src:
        raise NotAvailable("the app does not honour CDASSESS_QUIT_WHEN_SHOWN=1 yet (no way to stop it once shown)")


@scenario("gui_start", "process start to window shown (demo)", "<= 3x bare QMainWindow")
def bench_gui_start(inp: Inputs, reps: int, res: Result) -> None:
    _gui_available()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CDASSESS_QUIT_WHEN_SHOWN": "1"}
    demo = inp.fresh_copy(inp.demo, "gui-start.cdassess")
    app, bare, app_cpu, bare_cpu = process_pairs([*cdassess_cmd(), "gui", str(demo)], [PY, "-c", BARE_QT], reps, env)
    ratio_result(res, app, bare, 3.0)
    res.note = cpu_note(app_cpu, bare_cpu)
    res.samples.update(cpu=app_cpu, baseline_cpu=bare_cpu)


BARE_TREE = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTreeView
app = QApplication(sys.argv)
w = QMainWindow()
w.setWindowTitle("bare")
w.resize(1200, 800)
tree = QTreeView()
model = QStandardItemModel()
for i in range(12):
    model.appendRow([QStandardItem(f"row {i}"), QStandardItem("L1")])
tree.setModel(model)
w.setCentralWidget(tree)
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, app.quit)
        return False
painted = Painted()
tree.viewport().installEventFilter(painted)
w.show()
tree.setCurrentIndex(model.index(0, 0))
sys.exit(app.exec())
"""

XVFB_DISPLAY = ":121"  # winscale's display number (benchmarks of the window under a real X server)


def _compiled() -> str:
    """Byte-compile cdassess and ui first, as an installed copy is: with PYTHONDONTWRITEBYTECODE set (as on
    this machine) a module changed since its last .pyc is compiled again at every start (tens of ms)."""
    import compileall

    for pkg in ("cdassess", "ui"):
        compileall.compile_dir(str(ROOT / pkg), quiet=2)
    return "bytecode compiled first"


@contextlib.contextmanager
def xvfb(display: str = XVFB_DISPLAY) -> Iterator[str]:
    """An X server to start the window on (Xvfb at 1366x768, the smallest laptop screen), stopped after."""
    if shutil.which("Xvfb") is None:
        raise NotAvailable("Xvfb is not installed")
    sock = Path("/tmp/.X11-unix") / f"X{display.lstrip(':')}"
    proc = None
    if not sock.exists():
        proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if sock.exists():
                break
            time.sleep(0.05)
        else:
            proc.kill()
            raise NotAvailable(f"Xvfb {display} did not start")
    try:
        yield display
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)


def _gui_interactive(inp: Inputs, reps: int, res: Result, env: dict[str, str], where: str) -> None:
    _gui_available()
    note = _compiled()
    demo = inp.fresh_copy(inp.demo, "gui-interactive.cdassess")
    env = {**env, "CDASSESS_QUIT_WHEN_SHOWN": "interactive"}
    app, bare, app_cpu, bare_cpu = process_pairs([*cdassess_cmd(), "gui", str(demo)], [PY, "-c", BARE_TREE], reps,
                                                 env)
    ratio_result(res, app, bare, 2.0)
    res.note = (f"{where}; both to the first paint of their tree (the app's with the first unrated requirement "
                f"selected); {note}; {cpu_note(app_cpu, bare_cpu)}")
    res.samples.update(cpu=app_cpu, baseline_cpu=bare_cpu)


@scenario("gui_start_interactive", "process start to window interactive (demo, offscreen)",
          "<= 2x bare QMainWindow with a QTreeView, to painted")
def bench_gui_start_interactive(inp: Inputs, reps: int, res: Result) -> None:
    _gui_interactive(inp, reps, res, {**os.environ, "QT_QPA_PLATFORM": "offscreen"}, "offscreen")


@scenario("gui_start_xvfb", "process start to window interactive (demo, Xvfb)",
          "<= 2x bare QMainWindow with a QTreeView, to painted")
def bench_gui_start_xvfb(inp: Inputs, reps: int, res: Result) -> None:
    with xvfb() as display:
        env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": display}
        _gui_interactive(inp, reps, res, env, f"Xvfb {display} 1366x768")


@scenario("info_json", "`cdassess info --json` on the demo", "<= 8x `python -c \"import sqlite3\"`")
def bench_info_json(inp: Inputs, reps: int, res: Result) -> None:
    demo = inp.demo
    value, base, value_cpu, base_cpu = process_pairs([*cdassess_cmd(), "info", "--json", str(demo)],
                                                     [PY, "-c", "import sqlite3"], reps)
    ratio_result(res, value, base, 8.0)
    res.note = cpu_note(value_cpu, base_cpu)
    res.samples.update(cpu=value_cpu, baseline_cpu=base_cpu)


# -------------------------------------------------------------------------- Excel (cdassess/xlsx)


def _xlsx_api() -> Any:
    try:
        return importlib.import_module("cdassess.xlsx.questionnaire")
    except ModuleNotFoundError as exc:
        raise NotAvailable(f"{exc.name} has not landed") from None


def _export_questionnaire(q: Any, a: Any, dest: Path, max_level: int) -> None:
    q.export_questionnaire(a, dest, max_level=max_level)


def _import_questionnaire(q: Any, a: Any, src: Path) -> Any:
    preview = q.read_questionnaire(a, src)  # read, check and work out the changes
    if preview.problems:
        raise RuntimeError(f"the questionnaire does not import: {preview.summary()}: {preview.problems[:3]}")
    return preview.apply(a)  # one transaction, committed when it returns


def read_all_cells(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every sheet's values with openpyxl read_only (the import baseline)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return [(ws.title, [tuple(c for c in row) for row in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
    finally:
        wb.close()


def write_all_cells(sheets: list[tuple[str, list[tuple[Any, ...]]]], dest: Path) -> None:
    """The same cells with openpyxl write_only (the export baseline)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    wb.save(dest)


def read_styled_cells(path: Path) -> tuple[list[Any], list[tuple[str, list[list[tuple[Any, str | None]]]]]]:
    """Named styles and every cell's (value, named style) of a workbook (normal mode: styles are kept)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    sheets = [(ws.title, [[(c.value, c.style if c.has_style else None) for c in row] for row in ws.iter_rows()])
              for ws in wb.worksheets]
    return list(wb._named_styles), sheets


def write_styled_cells(styled: tuple[list[Any], list[tuple[str, list[list[tuple[Any, str | None]]]]]],
                       dest: Path) -> None:
    """The same cells with their named styles, openpyxl write_only, each style's array built once."""
    import copy

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    named, sheets = styled
    wb = Workbook(write_only=True)
    for ns in named:
        if ns.name not in wb.named_styles:
            wb.add_named_style(copy.copy(ns))
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        arrays: dict[str, Any] = {}
        for row in rows:
            out: list[Any] = []
            for value, style in row:
                if style is None:
                    out.append(value)
                    continue
                if style not in arrays:
                    template = WriteOnlyCell(ws)
                    template.style = style
                    arrays[style] = template._style
                cell = WriteOnlyCell(ws, value)
                cell._style = copy.copy(arrays[style])
                out.append(cell)
            ws.append(out)
    wb.save(dest)


def _filled_questionnaire(inp: Inputs) -> Path:
    """A 1,000-row questionnaire exported from the 1,000-requirement assessment, filled in as a team would."""

    def build() -> Path:
        from openpyxl import load_workbook

        from cdassess.services import Assessment

        q = _xlsx_api()
        blank = inp.tmp / "questionnaire-blank.xlsx"
        with Assessment.open(inp.assessment_1000, actor="bench") as a:
            _export_questionnaire(q, a, blank, a.model.max_level)
        wb = load_workbook(blank)
        ws, header_row, cols = _find_questionnaire_sheet(wb)
        words = ["met", "partial", "not met", "N/A", "满足", "部分满足", "不满足", "Y", "P", "N"]
        rows = 0
        for r in range(header_row + 1, ws.max_row + 1):
            if not ws.cell(r, cols["id"]).value:
                continue
            rows += 1
            ws.cell(r, cols["claim"]).value = words[rows % len(words)]
            if "evidence" in cols:
                ws.cell(r, cols["evidence"]).value = f"流水线运行记录 {rows}; pipeline run log #{rows}"
            if "comment" in cols:
                ws.cell(r, cols["comment"]).value = "已自评 self-assessed" if rows % 5 == 0 else None
        if rows != 1000:
            raise RuntimeError(f"the questionnaire has {rows} requirement rows, expected 1000")
        path = inp.tmp / "questionnaire-filled.xlsx"
        wb.save(path)
        return path

    return inp._once("qfilled", build)  # type: ignore[no-any-return]


def _find_questionnaire_sheet(wb: Any) -> tuple[Any, int, dict[str, int]]:
    """The sheet whose header row names an ID and a self-assessment column, and those columns."""
    for ws in wb.worksheets:
        for r in range(1, min(ws.max_row, 15) + 1):
            cols: dict[str, int] = {}
            for c in range(1, ws.max_column + 1):
                v = str(ws.cell(r, c).value or "")
                low = v.lower()
                if "id" not in cols and ("ID" in v.split() or v.strip().endswith("ID") or "\nID" in v):
                    cols["id"] = c
                elif "self-assessment" in low and "claim" not in cols:
                    cols["claim"] = c
                elif "evidence" in low and "evidence" not in cols and "type" not in low:
                    cols["evidence"] = c
                elif "comment" in low and "comment" not in cols:
                    cols["comment"] = c
            if "id" in cols and "claim" in cols:
                return ws, r, cols
    raise RuntimeError("no sheet with an ID and a Self-assessment header in the exported questionnaire")


def _import_against(inp: Inputs, reps: int, baseline: Callable[[Path], Any],
                    name: str) -> tuple[list[float], list[float]]:
    """The questionnaire import into a fresh copy each time, alternating with ``baseline`` reading the file."""
    from cdassess.services import Assessment

    q = _xlsx_api()
    src = _filled_questionnaire(inp)
    opened: list[Any] = []

    def setup() -> None:
        while opened:
            opened.pop().close()
        opened.append(Assessment.open(inp.fresh_copy(inp.assessment_1000, name), actor="bench"))

    try:
        value, base = paired(lambda: _import_questionnaire(q, opened[-1], src), lambda: baseline(src), reps,
                             setup=setup)
        claims = len(opened[-1].claims())
    finally:
        while opened:
            opened.pop().close()
    if claims < 1000:
        raise RuntimeError(f"import committed {claims} claims, expected 1000")
    return value, base


@scenario("q_import", "questionnaire import, 1,000 rows (file to committed)", "<= 1.5x openpyxl read_only read")
def bench_q_import(inp: Inputs, reps: int, res: Result) -> None:
    value, base = _import_against(inp, reps, read_all_cells, "q-import.cdassess")
    ratio_result(res, value, base, 1.5)


@scenario("q_export", "questionnaire export, 1,000 rows", "<= 1.5x openpyxl write_only, same cells")
def bench_q_export(inp: Inputs, reps: int, res: Result) -> None:
    from cdassess.services import Assessment

    q = _xlsx_api()
    dest = inp.tmp / "q-export.xlsx"
    with Assessment.open(inp.assessment_1000, readonly=True) as a:
        _export_questionnaire(q, a, dest, a.model.max_level)
        cells = read_all_cells(dest)
        styled = read_styled_cells(dest)
        value, base = paired(lambda: _export_questionnaire(q, a, dest, a.model.max_level),
                             lambda: write_all_cells(cells, inp.tmp / "q-baseline.xlsx"), reps)
        _, floor = paired(lambda: None, lambda: write_styled_cells(styled, inp.tmp / "q-styled.xlsx"), reps)
    rows = sum(len(r) for _, r in cells)
    ratio_result(res, value, base, 1.5)
    res.note = (f"{rows} rows in {len(cells)} sheets; the same cells with the export's cell styles (openpyxl "
                f"write_only, styles assigned the cheap way): {fmt_s(median(floor))}, export/that = "
                f"{median(value) / median(floor):.2f}x")
    res.samples["styled_floor"] = floor


# -------------------------------------------------------------------------- reports (cdassess/reports)


def _gap_api() -> Any:
    try:
        return importlib.import_module("cdassess.reports.gap")
    except ModuleNotFoundError as exc:
        raise NotAvailable(f"{exc.name} has not landed") from None


def _gap_report(gap: Any, a: Any, dest: Path) -> None:
    gap.write_gap_report(a, dest)


def count_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


@scenario("gap_demo", "gap report, demo", "< 1 s")
def bench_gap_demo(inp: Inputs, reps: int, res: Result) -> None:
    from cdassess.services import Assessment

    gap = _gap_api()
    dest = inp.tmp / "gap-demo.pdf"
    with Assessment.open(inp.demo, readonly=True) as a:
        cold = timed(lambda: _gap_report(gap, a, dest))  # first call in the process: fonts, imports
        cpu: list[float] = []
        value = repeat(lambda: _gap_report(gap, a, dest), reps, warmup=0, cpu=cpu)
    m = median(value)
    res.median, res.baseline, res.ratio = fmt_s(m), "(absolute)", f"{m:.2f} s"
    res.passed = m < 1.0
    res.note = (f"{count_pages(dest)} pages; CPU time median {fmt_s(median(cpu))}; first call in a fresh process "
                f"{fmt_s(cold)}")
    res.samples = {"value": value, "cpu": cpu, "cold": [cold]}


@scenario("docx_demo", "gap report as a Word document, demo", "< 1 s")
def bench_docx_demo(inp: Inputs, reps: int, res: Result) -> None:
    from cdassess.reports.docx import write_gap_docx
    from cdassess.services import Assessment

    dest = inp.tmp / "gap-demo.docx"
    with Assessment.open(inp.demo, readonly=True) as a:
        cold = timed(lambda: write_gap_docx(a, dest))
        cpu: list[float] = []
        value = repeat(lambda: write_gap_docx(a, dest), reps, warmup=0, cpu=cpu)
    m = median(value)
    res.median, res.baseline, res.ratio = fmt_s(m), "(absolute)", f"{m:.2f} s"
    res.passed = m < 1.0
    res.note = f"{dest.stat().st_size // 1024} KiB; CPU time median {fmt_s(median(cpu))}; first call {fmt_s(cold)}"
    res.samples = {"value": value, "cpu": cpu, "cold": [cold]}


@scenario("verify_scan", "verify a 300 dpi scan of the certificate (QR read + signature)", "< 1 s")
def bench_verify_scan(inp: Inputs, reps: int, res: Result) -> None:
    import shutil

    import pypdfium2 as pdfium

    from cdassess.reports.certificate import write_certificate
    from cdassess.reports.certverify import codes_from_scan
    from cdassess.services import Assessment
    from cdassess.signing import KeyStore, verify_code

    keys = KeyStore(inp.tmp / "bench-keys")
    path = inp.tmp / "verify-scan.cdassess"
    shutil.copyfile(inp.demo, path)
    cert, scan = inp.tmp / "verify-scan.pdf", inp.tmp / "verify-scan-300dpi.png"
    with Assessment.open(path) as a:
        a.lock(keys=keys)
        write_certificate(a, cert, level=1, keys=keys)
    pdf = pdfium.PdfDocument(str(cert))
    pdf[0].render(scale=300 / 72).to_pil().save(scan)
    pdf.close()

    def run() -> None:
        [code] = codes_from_scan(scan)
        verify_code(code, keys)

    cpu: list[float] = []
    value = repeat(run, reps, warmup=1, cpu=cpu)
    m = median(value)
    res.median, res.baseline, res.ratio = fmt_s(m), "(absolute)", f"{m:.2f} s"
    res.passed = m < 1.0
    res.note = f"A4 landscape PNG at 300 dpi (3508 x 2480 px); CPU time median {fmt_s(median(cpu))}"
    res.samples = {"value": value, "cpu": cpu}


@scenario("gap_2000", "gap report, 2,000 requirements", ">= 50 pages/s")
def bench_gap_2000(inp: Inputs, reps: int, res: Result) -> None:
    from cdassess.services import Assessment

    gap = _gap_api()
    dest = inp.tmp / "gap-2000.pdf"
    with Assessment.open(inp.assessment_2000, readonly=True) as a:
        cpu: list[float] = []
        value = repeat(lambda: _gap_report(gap, a, dest), reps, cpu=cpu)
    pages = count_pages(dest)
    m = median(value)
    rate = pages / m
    res.median, res.baseline, res.ratio = fmt_s(m), f"{pages} pages", f"{rate:.1f} pages/s"
    res.passed = rate >= 50
    res.note = f"by CPU time (median {fmt_s(median(cpu))}): {pages / median(cpu):.1f} pages/s"
    res.samples = {"value": value, "cpu": cpu}


# -------------------------------------------------------------------------- evidence


def _proc_status_kb(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field_name}")


def child_evidence(args: dict[str, Any]) -> dict[str, Any]:
    """In a fresh process: attach the file to a fresh assessment; time and peak RSS growth."""
    from cdassess.services import Assessment

    a = Assessment.open(args["assessment"], actor="bench")
    try:
        req = next(iter(a.model.requirements))
        rss0 = _proc_status_kb("VmRSS")
        with contextlib.suppress(OSError):  # resets VmHWM (peak RSS) to the current RSS
            Path("/proc/self/clear_refs").write_text("5")
        t0, c0 = time.perf_counter(), time.process_time()
        ev, new = a.add_evidence_file(args["file"], [req])
        t, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = _proc_status_kb("VmHWM")
        if not new or ev.size != Path(args["file"]).stat().st_size:
            raise RuntimeError(f"evidence not stored as a new {ev.size}-byte record")
    finally:
        a.close()
    return {"seconds": t, "cpu": cpu, "rss_growth_mb": (peak - rss0) / 1024}


def child_plain_blobs(args: dict[str, Any]) -> dict[str, Any]:
    """The floor under an attach: the same bytes hashed (hashlib) and stored as 1 MiB plain blobs in a fresh
    SQLite file with the store's settings (32 KiB pages, WAL, synchronous=FULL, 4 MiB per transaction;
    the checkpoint is left out of the time, as the attach leaves it to close), without staging, publishing,
    audit or checks."""
    import hashlib
    import sqlite3

    db_path = Path(args["db"])
    rss0 = _proc_status_kb("VmRSS")
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    t0, c0 = time.perf_counter(), time.process_time()
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA page_size = 32768")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db.execute("CREATE TABLE chunk (seq INTEGER PRIMARY KEY, data BLOB NOT NULL)")
    digest = hashlib.sha256()
    seq = 0
    with open(args["file"], "rb") as fh:
        while True:
            db.execute("BEGIN IMMEDIATE")
            for _ in range(4):
                block = fh.read(1 << 20)
                if not block:
                    break
                digest.update(block)
                db.execute("INSERT INTO chunk (seq, data) VALUES (?, ?)", (seq, block))
                seq += 1
            db.execute("COMMIT")
            if not block:
                break
    t, cpu = time.perf_counter() - t0, time.process_time() - c0  # the attach, too, leaves the checkpoint to later
    peak = _proc_status_kb("VmHWM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {"seconds": t, "cpu": cpu, "rss_growth_mb": (peak - rss0) / 1024, "sha256": digest.hexdigest()}


@scenario("evidence_200mb", "evidence attach, 200 MB", "<= 2x sha256sum, RSS growth < 100 MB")
def bench_evidence(inp: Inputs, reps: int, res: Result) -> None:
    if not shutil.which("sha256sum"):
        raise NotAvailable("sha256sum is not installed")
    src = inp.evidence_200mb
    value, base, growth, value_cpu, base_cpu = [], [], [], [], []
    floor: list[float] = []
    openssl: list[float] = []
    for i in range(reps + 1):
        target = inp.fresh_copy(inp.empty_builtin, "evidence.cdassess")
        out = run_child("evidence", {"assessment": str(target), "file": str(src)})
        b = run_process(["sha256sum", str(src)])
        b_cpu = CHILD_CPU[0]
        plain_db = inp.tmp / "plain-blobs.sqlite"
        plain = run_child("plain_blobs", {"db": str(plain_db), "file": str(src)})
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
            Path(str(plain_db) + suffix).unlink(missing_ok=True)
        o = run_process(["openssl", "dgst", "-sha256", str(src)]) if shutil.which("openssl") else None
        if i:
            value.append(out["seconds"])
            value_cpu.append(out["cpu"])
            growth.append(out["rss_growth_mb"])
            base.append(b)
            base_cpu.append(b_cpu)
            floor.append(plain["seconds"])
            if o is not None:
                openssl.append(o)
    r = ratio_result(res, value, base, 2.0)
    g = max(growth)
    res.passed = r <= 2.0 and g < 100
    m = median(value)
    extra = f"; plain-blob floor (same bytes hashed and stored as 1 MiB blobs, same pragmas) {fmt_s(median(floor))}: " \
            f"{m / median(floor):.2f}x"
    if openssl:
        extra += f"; `openssl dgst -sha256` {fmt_s(median(openssl))}: {m / median(openssl):.2f}x"
    res.note = (f"RSS growth max {g:.1f} MB (median {median(growth):.1f} MB); {cpu_note(value_cpu, base_cpu)}"
                + extra)
    res.samples.update(rss_growth_mb=growth, cpu=value_cpu, baseline_cpu=base_cpu, plain_blob_floor=floor,
                       openssl_dgst=openssl)


def child_edit_during_attach(args: dict[str, Any]) -> dict[str, Any]:
    """In a fresh process, as the window does: one connection edits (ratings, one every 20 ms) while a
    worker thread with its own connection attaches a large file; the latency of every edit is recorded."""
    import threading

    from cdassess.services import Assessment

    window = Assessment.open(args["assessment"], actor="bench-window")
    req = next(iter(window.model.requirements))
    started, done = threading.Event(), threading.Event()
    attach: dict[str, Any] = {}

    def worker() -> None:
        try:
            with Assessment.open(args["assessment"], actor="bench-worker") as w:
                t0 = time.perf_counter()
                ev, _new = w.add_evidence_file(args["file"], [req], progress=lambda d, _t: started.set())
                attach.update(seconds=time.perf_counter() - t0, size=ev.size)
        except BaseException as exc:
            attach["error"] = repr(exc)
        finally:
            started.set()
            done.set()

    latencies: list[float] = []
    try:
        job = threading.Thread(target=worker)
        job.start()
        started.wait(60)
        n = 0
        while not done.is_set():
            t0 = time.perf_counter()
            window.rate(req, "met" if n % 2 else "partial", note=f"edit {n}")
            latencies.append(time.perf_counter() - t0)
            n += 1
            time.sleep(0.02)
        job.join()
        problems = [str(p) for p in window.check()] if args.get("check") else []
    finally:
        window.close()
    return {"latencies": latencies, "attach": attach, "problems": problems}


@scenario("edit_during_attach", "an edit in the window while its worker attaches 2 GB", "p95 <= 200 ms, max < 1 s")
def bench_edit_during_attach(inp: Inputs, reps: int, res: Result) -> None:
    size = int(os.environ.get("CDASSESS_BENCH_ATTACH_MB", "2048")) * MB
    src = inp.tmp / "attach-2gb.bin"
    if not src.exists() or src.stat().st_size != size:
        with src.open("wb") as fh:  # sparse: costs no disk, reads as zeros at memory speed
            fh.truncate(size)
    free = shutil.disk_usage(inp.tmp).free
    if free < 2 * size + 512 * MB:
        raise NotAvailable(f"needs {2 * size // MB + 512} MB free in {inp.tmp}, {free // MB} MB free")
    lat: list[float] = []
    seconds: list[float] = []
    for _ in range(max(1, min(reps, 2))):
        target = inp.fresh_copy(inp.empty_builtin, "attach-edit.cdassess")
        out = run_child("edit_during_attach", {"assessment": str(target), "file": str(src)}, timeout=1800)
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        if "error" in out["attach"]:
            raise RuntimeError(f"the attach failed: {out['attach']['error']}")
        lat += out["latencies"]
        seconds.append(out["attach"]["seconds"])
    lat.sort()
    p95 = lat[max(0, int(len(lat) * 0.95) - 1)]
    res.median = fmt_s(median(lat))
    res.baseline = f"p95 {fmt_s(p95)}, max {fmt_s(lat[-1])}"
    res.ratio = f"{p95 / 0.2:.2f}x of 200 ms"
    # max as well: with one long attach transaction the loop of edits blocks, so few edits are sampled and
    # the p95 of those looks fine while one edit waited the whole attach (main before #11: max 10.5 s)
    res.passed = p95 <= 0.2 and lat[-1] < 1.0
    res.note = (f"{len(lat)} edits during {len(seconds)} attach(es) of {size // MB} MB taking "
                f"{', '.join(fmt_s(x) for x in seconds)}")
    res.samples = {"latency": lat, "attach_seconds": seconds}


# -------------------------------------------------------------------------- team merge


MERGE_COPIES = 4
MERGE_EDITS = 500
MERGE_CONFLICTS = 20


def _team_inputs(inp: Inputs, evidence_mb: int) -> tuple[Path, list[Path]]:
    """The 2,000-requirement lead and four copies, each with 500 edits (20 of them against the lead's own)."""

    def build() -> tuple[Path, list[Path]]:
        from cdassess.records import Finding
        from cdassess.services import Assessment
        from cdassess.team import make_copy

        lead_path = inp.fresh_copy(inp.assessment_2000, f"team-lead-{evidence_mb}.cdassess")
        copies: list[Path] = []
        with Assessment.open(lead_path, actor="lead") as lead:
            reqs = list(lead.model.requirements)
            for n in range(MERGE_COPIES):
                p = inp.tmp / f"team-copy{n}-{evidence_mb}.cdassess"
                p.unlink(missing_ok=True)
                make_copy(lead, p, assessor=f"assessor {n}")
                copies.append(p)
            contested = reqs[:MERGE_COPIES * MERGE_CONFLICTS]
            base = {r: lead.rating(r).status for r in contested}
            lead_value = {r: next(x for x in ("not_met", "partial", "met") if x != base[r]) for r in contested}
            copy_value = {r: next(x for x in ("met", "partial", "not_met") if x not in (base[r], lead_value[r]))
                          for r in contested}
            with lead.store.batch("lead edits"):
                for r in contested:
                    lead.rate(r, lead_value[r])
        own = MERGE_EDITS - MERGE_CONFLICTS
        for n, p in enumerate(copies):
            with Assessment.open(p, actor=f"assessor{n}") as c:
                start = MERGE_COPIES * MERGE_CONFLICTS + n * own
                with c.store.batch("assessor edits"):
                    for r in contested[n * MERGE_CONFLICTS:(n + 1) * MERGE_CONFLICTS]:
                        c.rate(r, copy_value[r])
                    for k, r in enumerate(reqs[start:start + own]):
                        if k % 10 == 0:
                            c.save_finding(Finding(None, r, f"copy {n} finding {k}"))
                        else:
                            c.rate(r, ("met", "not_met", "partial")[k % 3], note=f"assessor {n} note {k}")
                if evidence_mb:
                    src = inp.tmp / f"team-evidence-{n}.bin"
                    block = os.urandom(MB)
                    with src.open("wb") as fh:
                        for i in range(evidence_mb // MERGE_COPIES):
                            fh.write(i.to_bytes(8, "little") + bytes([n]) + block[9:])
                    c.add_evidence_file(src, [reqs[-1 - n]])
                    src.unlink()
        return lead_path, copies

    return inp._once(f"team:{evidence_mb}", build)  # type: ignore[no-any-return]


def child_merge(args: dict[str, Any]) -> dict[str, Any]:
    """In a fresh process: plan (dry run) or apply the merge of the copies; time and peak RSS growth."""
    from cdassess.services import Assessment
    from cdassess.team import plan_merge

    a = Assessment.open(args["lead"], actor="lead", readonly=args["mode"] == "dry_run")
    try:
        rss0 = _proc_status_kb("VmRSS")
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")
        t0, c0 = time.perf_counter(), time.process_time()
        with plan_merge(a, args["copies"]) as plan:
            data = plan.as_json()
            if args["mode"] == "apply":
                plan.decide_all("newest")
                plan.apply()
        t, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = _proc_status_kb("VmHWM")
    finally:
        a.close()
    return {"seconds": t, "cpu": cpu, "rss_growth_mb": (peak - rss0) / 1024, "applied": data["applied"],
            "conflicts": len(data["conflicts"])}


def _merge_runs(inp: Inputs, reps: int, evidence_mb: int, mode: str) -> tuple[list[float], list[float],
                                                                             list[float], dict[str, Any]]:
    lead, copies = _team_inputs(inp, evidence_mb)
    times, cpus, growth = [], [], []
    out: dict[str, Any] = {}
    for i in range(reps + 1):
        work = inp.fresh_copy(lead, f"team-work-{evidence_mb}.cdassess")
        out = run_child("merge", {"lead": str(work), "copies": [str(c) for c in copies], "mode": mode})
        if i:
            times.append(out["seconds"])
            cpus.append(out["cpu"])
            growth.append(out["rss_growth_mb"])
    return times, cpus, growth, out


def _merge_result(res: Result, times: list[float], cpus: list[float], growth: list[float], out: dict[str, Any],
                  *, rss_limit: float | None) -> None:
    m = median(times)
    res.median, res.baseline, res.ratio = fmt_s(m), "", ""
    g = max(growth)
    res.passed = m < 1.0 and (rss_limit is None or g < rss_limit)
    res.note = (f"{out['applied']} changes, {out['conflicts']} conflicts; CPU median {fmt_s(median(cpus))}; "
                f"RSS growth max {g:.1f} MB")
    res.samples = {"value": times, "cpu": cpus, "rss_growth_mb": growth}


@scenario("merge", "team merge: 4 copies x 500 edits (20 conflicts each) into 2,000 requirements, dry run",
          "< 1 s")
def bench_merge_dry(inp: Inputs, reps: int, res: Result) -> None:
    _merge_result(res, *_merge_runs(inp, reps, 0, "dry_run"), rss_limit=None)


@scenario("merge_apply", "team merge: the same, applied (every conflict decided)", "< 1 s")
def bench_merge_apply(inp: Inputs, reps: int, res: Result) -> None:
    _merge_result(res, *_merge_runs(inp, reps, 0, "apply"), rss_limit=None)


@scenario("merge_evidence", "team merge with 200 MB of new evidence in the copies, applied",
          "RSS growth < 50 MB")
def bench_merge_evidence(inp: Inputs, reps: int, res: Result) -> None:
    times, cpus, growth, out = _merge_runs(inp, max(1, reps // 3), 200, "apply")
    _merge_result(res, times, cpus, growth, out, rss_limit=50)
    res.passed = max(growth) < 50
    res.note += " (time includes streaming 200 MB into the lead; the < 1 s target is the runs above)"


# -------------------------------------------------------------------------- rating in the window


UI_RATE_STATUS = {"1": "met", "3": "not_met"}


def _open_window(args: dict[str, Any], create_app: Any, main_window: Any) -> tuple[Any, Any]:
    """The main window shown on the file."""
    app, settings = create_app(["bench"])
    window = main_window(settings)
    window.show()
    if not window.open_path(args["file"]):
        raise RuntimeError(f"the window did not open {args['file']}")
    return app, window


def _select(app: Any, window: Any, req_id: str, dashboard: bool) -> None:
    """Select a requirement in the tree (untimed), with the chosen tab in front and the tree focused."""
    if window.current_requirement() != req_id and not window.go_to(req_id):
        raise RuntimeError(f"cannot select {req_id}")
    window.tabs.setCurrentWidget(window.dashboard if dashboard else window.tabs.widget(0))
    window.tree.setFocus()
    for _ in range(3):
        app.processEvents()


def child_ui_rate(args: dict[str, Any]) -> dict[str, Any]:
    """Drive the real main window offscreen: rate by keyboard, wait for tree, dashboard and file.

    ``steps`` is a list of (requirement, key). One measurement runs from sending the key to the tree until the
    tree viewport has repainted with the new rating, the dashboard (when it is the visible tab) has refreshed
    its table and, when a domain level changed, repainted its chart, and a second SQLite connection reads the
    new rating from the file. Selecting the requirement before the key press is not timed.
    """
    try:
        from PySide6.QtCore import QEvent, QObject, Qt
        from PySide6.QtGui import QKeyEvent
        from PySide6.QtWidgets import QApplication

        from ui.app import create_app
        from ui.main_window import MainWindow
    except ImportError as exc:
        raise NotAvailable(f"the main window cannot be imported ({exc})") from None

    class Painted(QObject):
        """Records when each watched widget last received a Paint event."""

        def __init__(self) -> None:
            super().__init__()
            self.at: dict[int, float] = {}

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint:
                self.at[id(obj)] = time.perf_counter()
            return False

    app, window = _open_window(args, create_app, MainWindow)
    show_dashboard = bool(args["dashboard"])
    dashboard = window.dashboard
    painted = Painted()
    watched = [window.tree.viewport(), dashboard.table.viewport(), dashboard.chart]
    for w in watched:
        w.installEventFilter(painted)
    chart_timer = getattr(dashboard, "_chart_timer", None)
    check = sqlite3.connect(Path(args["file"]).resolve().as_uri() + "?mode=ro", uri=True)
    cpu: list[float] = []

    def rate_once(req_id: str, key: str) -> float:
        want = UI_RATE_STATUS[key]
        session = window.session
        domains_before = dict(session.report.domains)
        t0, c0 = time.perf_counter(), time.process_time()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(window.tree, QKeyEvent(kind, getattr(Qt.Key, f"Key_{key}"),
                                                          Qt.KeyboardModifier.NoModifier, key))
        deadline = t0 + 5
        while True:
            app.processEvents()
            session = window.session
            ok = str(session.status(req_id)) == want and painted.at.get(id(watched[0]), 0) > t0
            if show_dashboard:
                ok = ok and f"L{session.report.overall}" in dashboard.headline.text()
                ok = ok and painted.at.get(id(watched[1]), 0) > t0
                if dict(session.report.domains) != domains_before:
                    ok = ok and painted.at.get(id(watched[2]), 0) > t0
                ok = ok and not (chart_timer is not None and chart_timer.isActive())
            if ok:
                row = check.execute("SELECT status FROM rating WHERE req_id = ?", [req_id]).fetchone()
                if row is not None and row[0] == want:
                    cpu.append(time.process_time() - c0)
                    return time.perf_counter() - t0
            if time.perf_counter() > deadline:
                raise RuntimeError(f"rating {req_id} {want} did not show within 5 s (session says "
                                   f"{session.status(req_id)}, painted {painted.at})")

    samples = []
    for req_id, key in args["steps"]:
        _select(app, window, req_id, show_dashboard)
        samples.append(rate_once(req_id, key))
    check.close()
    window.close()
    warm = args["warmup"]
    return {"samples": samples[warm:], "cpu": cpu[warm:]}


def gray_walk(req_ids: list[str], n: int) -> list[tuple[str, str]]:
    """Steps that flip one requirement each (not met on, met off) in Gray-code order: with k requirements every
    state up to 2**k - 1 steps is new, so no rating finds its chart picture in a cache."""
    steps, on = [], [False] * len(req_ids)
    for k in range(1, n + 1):
        i = ((k & -k).bit_length() - 1) % len(req_ids)
        on[i] = not on[i]
        steps.append((req_ids[i], "3" if on[i] else "1"))
    return steps


@scenario("ui_rate", "rate one requirement in the window to committed (demo)", "< 16 ms median (one frame)")
def bench_ui_rate(inp: Inputs, reps: int, res: Result) -> None:
    if not (ROOT / "ui" / "main_window.py").exists():
        raise NotAvailable("the main window (ui/main_window.py) has not landed")
    from cdassess.scoring import Status
    from cdassess.services import Assessment

    with Assessment.open(inp.demo, readonly=True) as a:
        ratings = a.ratings()
        # per domain, a met level-1 requirement: rating it not met drops its item, domain and overall level, so
        # the dashboard's table, blockers and chart all change (the most work a single rating can cause)
        per_domain: dict[str, str] = {}
        for r in a.model.iter_requirements(1):
            dom = a.model.items[r.item_id].domain_id
            if dom not in per_domain and r.id in ratings and ratings[r.id].status == Status.MET:
                per_domain[dom] = r.id
    req_ids = list(per_domain.values())
    n, warm = max(reps * 6, 30), 6
    plans = {
        "new": (True, gray_walk(req_ids, n + warm)),  # dashboard in front, every chart picture new
        "toggle": (True, [(req_ids[0], "3"), (req_ids[0], "1")] * ((n + warm) // 2)),  # back and forth
        "requirement_tab": (False, gray_walk(req_ids, n + warm)),  # the usual layout: dashboard hidden
    }
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = {}
    for name, (dashboard, steps) in plans.items():
        demo = inp.fresh_copy(inp.demo, "ui-rate.cdassess")
        out[name] = run_child("ui_rate", {"file": str(demo), "steps": steps, "dashboard": dashboard,
                                          "warmup": warm}, env=env)
    value = out["new"]["samples"]
    m = median(value)
    res.median, res.baseline, res.ratio = fmt_s(m), fmt_s(FRAME_S) + " (frame)", f"{m / FRAME_S:.2f} frame"
    res.passed = m < 0.016

    def cpu_of(name: str) -> str:
        return f"CPU {fmt_s(median(out[name]['cpu']))}"

    res.note = (f"{len(value)} key presses on {len(req_ids)} level-1 requirements (one per domain, each press "
                f"changes a domain level and the chart is a picture not drawn before), dashboard tab in front "
                f"({cpu_of('new')}); the same requirement toggled back and forth (the chart comes from the "
                f"window's cache): {fmt_s(median(out['toggle']['samples']))} ({cpu_of('toggle')}); with the "
                f"requirement tab in front: {fmt_s(median(out['requirement_tab']['samples']))} "
                f"({cpu_of('requirement_tab')})")
    res.samples = {k: v for name, o in out.items() for k, v in ((name, o["samples"]), (f"{name}_cpu", o["cpu"]))}


# ------------------------------------------------------------------------------------------ report



# -------------------------------------------------------------------------- stronger Excel baselines


def _calamine_read(path: Path) -> int:
    """python-calamine reading every cell of every sheet (the fastest reader on PyPI), as the import's floor."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    n = 0
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python():
            n += len(row)
    return n


@scenario("q_import_calamine", "questionnaire import, 1,000 rows (file to committed)", "<= 1.2x python-calamine read")
def bench_q_import_calamine(inp: Inputs, reps: int, res: Result) -> None:
    try:
        import python_calamine  # noqa: F401
    except ImportError as exc:
        raise NotAvailable("python-calamine is not installed") from exc
    value, base = _import_against(inp, reps, _calamine_read, "q-import-cal.cdassess")
    ratio_result(res, value, base, 1.2)
    res.note = "python-calamine only reads the cells; the import also checks, previews and commits"


def _xlsxwriter_write(sheets: list[tuple[str, list[tuple[Any, ...]]]], dest: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(dest), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_numbers": False, "strings_to_urls": False})
    for name, rows in sheets:
        ws = wb.add_worksheet(name[:31])
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None:
                    ws.write(r, c, v)
    wb.close()


@scenario("q_export_xlsxwriter", "questionnaire export, 1,000 rows", "<= 1.0x xlsxwriter constant_memory, same cells")
def bench_q_export_xlsxwriter(inp: Inputs, reps: int, res: Result) -> None:
    from cdassess.services import Assessment

    q = _xlsx_api()
    dest = inp.tmp / "q-export-xw.xlsx"
    with Assessment.open(inp.assessment_1000, readonly=True) as a:
        _export_questionnaire(q, a, dest, a.model.max_level)
        cells = read_all_cells(dest)
        value, base = paired(lambda: _export_questionnaire(q, a, dest, a.model.max_level),
                             lambda: _xlsxwriter_write(cells, inp.tmp / "q-xw-baseline.xlsx"), reps)
    ratio_result(res, value, base, 1.0)
    res.note = "the baseline writes the same cell values without styles, validation, protection or print setup"


def child_export_memory(args: dict[str, Any]) -> dict[str, Any]:
    """In a fresh process: export the questionnaire (every level) of an open assessment; peak RSS growth."""
    from cdassess.services import Assessment
    from cdassess.xlsx import export_questionnaire

    with Assessment.open(args["assessment"], readonly=True) as a:
        a.claims()  # the store is warm: what is measured is the export's own memory
        rss0 = _proc_status_kb("VmRSS")
        with contextlib.suppress(OSError):  # resets VmHWM (peak RSS) to the current RSS
            Path("/proc/self/clear_refs").write_text("5")
        t0, c0 = time.perf_counter(), time.process_time()
        export_questionnaire(a, args["dest"], max_level=a.model.max_level)
        t, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = _proc_status_kb("VmHWM")
        rows = len(list(a.model.iter_requirements()))
    return {"seconds": t, "cpu": cpu, "rss_growth_mb": (peak - rss0) / 1024, "rows": rows}


@scenario("export_memory_50k", "questionnaire export, 50,000 rows: memory", "RSS growth < 50 MB (streaming)")
def bench_export_memory(inp: Inputs, reps: int, res: Result) -> None:
    src = inp.assessment_50000
    dest = inp.tmp / "q-50k.xlsx"
    growth, secs, cpu = [], [], []
    for _ in range(min(reps, 3)):  # each run takes seconds; the peak hardly varies
        out = run_child("export_memory", {"assessment": str(src), "dest": str(dest)}, timeout=900)
        growth.append(out["rss_growth_mb"])
        secs.append(out["seconds"])
        cpu.append(out["cpu"])
    g = max(growth)
    res.median, res.baseline, res.ratio = f"{g:.1f} MB", "", f"{g:.1f} MB"
    res.passed = g < 50
    res.note = (f"{out['rows']:,} rows, {dest.stat().st_size / MB:.1f} MiB file; peak RSS growth (VmHWM) in a fresh "
                f"process, max of {len(growth)} runs; export took {fmt_s(median(secs))} (CPU {fmt_s(median(cpu))})")
    res.samples = {"rss_growth_mb": growth, "seconds": secs}


@scenario("q_reimport_50k", "re-import of the own unmodified 50,000-row questionnaire and workbook exports",
          "both read back: no problem, no change")
def bench_reimport_50k(inp: Inputs, reps: int, res: Result) -> None:
    from cdassess.services import Assessment
    from cdassess.xlsx import export_questionnaire, export_workbook, read_questionnaire, read_workbook

    src = inp.assessment_50000
    with Assessment.open(src, readonly=True) as a:
        q, w = inp.tmp / "reimport-q-50k.xlsx", inp.tmp / "reimport-w-50k.xlsx"
        export_questionnaire(a, q, max_level=a.model.max_level)
        export_workbook(a, w)
        outcome = []
        times: dict[str, list[float]] = {"questionnaire": [], "workbook": []}
        for _ in range(min(reps, 3)):
            for kind, path, read in (("questionnaire", q, read_questionnaire), ("workbook", w, read_workbook)):
                t0 = time.perf_counter()
                preview = read(a, path)
                times[kind].append(time.perf_counter() - t0)
                outcome.append((kind, preview.rows_read, len(preview.problems), len(preview.changes),
                                preview.problems[:1]))
    bad = [o for o in outcome if o[2] or o[3] or o[1] < 50_000]
    mq, mw = median(times["questionnaire"]), median(times["workbook"])
    res.median, res.baseline, res.ratio = fmt_s(mq), "", f"workbook {fmt_s(mw)}"
    res.passed = not bad
    sizes = ", ".join(f"{p.name} {p.stat().st_size / MB:.1f} MiB" for p in (q, w))
    res.note = (f"read and previewed (nothing to apply); {sizes}; rows read {outcome[0][1]:,} / {outcome[1][1]:,}"
                + (f"; FAILED: {bad[0]}" if bad else ""))
    res.samples = dict(times)


# -------------------------------------------------------------------------- cycles: compare, re-assessment


def _cycle_variants(inp: Inputs, n: int) -> list[Path]:
    """``n`` cycles of the 2,000-requirement assessment, each later one with a tenth of its ratings changed."""
    from cdassess.services import Assessment

    def build() -> list[Path]:
        paths = []
        for k in range(n):
            path = inp.fresh_copy(inp.assessment_2000, f"cycle-{k}.cdassess")
            if k:
                with Assessment.open(path, actor="bench") as a, a.store.batch("next cycle"):
                    for j, req in enumerate(a.model.iter_requirements()):
                        if (j + k) % 10 == 0:
                            a.rate(req.id, ("met", "partial", "not_met")[(j + k) % 3])
            paths.append(path)
        return paths

    return inp._once(f"cycles:{n}", build)  # type: ignore[no-any-return]


@scenario("compare_5x2000", "compare five 2,000-requirement assessments to JSON", "< 1 s")
def bench_compare(inp: Inputs, reps: int, res: Result) -> None:
    from cdassess.cycles import compare
    from cdassess.services import Assessment

    paths = _cycle_variants(inp, 5)

    def run() -> None:
        json.dumps(compare(paths).as_json())

    def base() -> None:  # opening the five files and reading their ratings, the floor of any comparison
        for p in paths:
            with Assessment.open(p, readonly=True) as a:
                a.ratings()

    value, baseline = paired(run, base, reps)
    ratio_result(res, value, baseline, float("inf"))
    res.passed = median(value) < 1.0
    res.note = "baseline: open the five files and read their ratings"


@scenario("reassess_317mb", "re-assessment of a demo with 317 MB of evidence", "<= 2x copying the file")
def bench_reassess(inp: Inputs, reps: int, res: Result) -> None:
    from cdassess.cycles import reassess

    def build() -> Path:
        from cdassess.services import Assessment

        path = inp.fresh_copy(inp.demo, "demo-317mb.cdassess")
        with Assessment.open(path, actor="bench") as a:
            req = next(iter(a.model.requirements))
            for i, size in enumerate((160, 100, 57)):
                src = inp.tmp / f"evidence-{size}mb.bin"
                block = os.urandom(MB)
                with src.open("wb") as fh:
                    for j in range(size):
                        fh.write(j.to_bytes(8, "little") + block[8:])
                a.add_evidence_file(src, [req], description=f"large evidence {i}")
                src.unlink()
        return path

    old = inp._once("demo317", build)
    dest = inp.tmp / "reassessed.cdassess"
    copy = inp.tmp / "copied.cdassess"

    def clean() -> None:
        for p in (dest, copy):
            for suffix in ("", "-wal", "-shm"):
                Path(str(p) + suffix).unlink(missing_ok=True)

    value, base = paired(lambda: reassess(old, dest, actor="bench").close(),
                         lambda: shutil.copyfile(old, copy), reps, setup=clean)
    clean()
    ratio_result(res, value, base, 2.0)
    res.note = f"file size {old.stat().st_size / MB:.0f} MiB"


def ciso_library_800_53(path: Path, families: int = 20, controls: int = 1200) -> Path:
    """A CISO Assistant framework library shaped like NIST SP 800-53 rev 5 (family > control, ~1,200 assessable
    controls with a multi-line description and an annotation), written with PyYAML as the library files are."""
    import yaml

    prefix = "urn:intuitem:risk:req_node:bench-800-53"
    nodes: list[dict[str, Any]] = []
    per = controls // families
    for f in range(families):
        fam = f"F{chr(65 + f // 26)}{chr(65 + f % 26)}"
        nodes.append({"urn": f"{prefix}:{fam.lower()}", "assessable": False, "depth": 1, "ref_id": fam,
                      "name": f"Control family {fam}"})
        for c in range(1, per + 1):
            ref = f"{fam}-{c}" if c <= per // 2 else f"{fam}-{c // 2}({c})"
            nodes.append({
                "urn": f"{prefix}:{ref.lower()}", "assessable": True, "depth": 2,
                "parent_urn": f"{prefix}:{fam.lower()}",
                "ref_id": ref, "name": f"Control {ref} policy and procedures",
                "description": "\n".join(
                    [f"a. Develop, document, and disseminate to [Assignment: organization-defined personnel or roles] "
                     f"the {fam} policy that addresses purpose, scope, roles and responsibilities ({ref});",
                     "b. Designate an [Assignment: organization-defined official] to manage the policy;",
                     "c. Review and update the current procedures [Assignment: organization-defined frequency] "
                     "and following [Assignment: organization-defined events]."]),
                "annotation": ("Policies and procedures contribute to security and privacy assurance. " * 12).strip(),
            })
    lib = {"urn": "urn:intuitem:risk:library:bench-800-53", "locale": "en", "ref_id": "BENCH-800-53",
           "name": "Benchmark library shaped like NIST SP 800-53 rev 5", "description": "Synthetic",
           "copyright": "Synthetic benchmark data", "version": 1, "provider": "bench", "packager": "bench",
           "objects": {"framework": {"urn": "urn:intuitem:risk:framework:bench-800-53", "ref_id": "BENCH-800-53",
                                     "name": "Benchmark library shaped like NIST SP 800-53 rev 5",
                                     "requirement_nodes": nodes}}}
    path.write_text(yaml.safe_dump(lib, sort_keys=False, allow_unicode=True, width=80), encoding="utf-8")
    return path


@scenario("model_import", "import a 1,200-control CISO Assistant library; create an assessment on it; import "
          "the SAMM core model", "< 1 s each")
def bench_model_import(inp: Inputs, reps: int, res: Result) -> None:
    try:
        from cdassess.importers import import_model
    except ImportError as exc:
        raise NotAvailable(f"cdassess.importers: {exc}") from None
    from cdassess.errors import ModelError
    from cdassess.library import ModelLibrary
    from cdassess.services import Assessment
    from tests.core.samm_sample import FULL, write_samm

    lib_path = ciso_library_800_53(inp.tmp / "bench-800-53.yaml")
    samm_dir = write_samm(inp.tmp / "samm-core", FULL)
    lib = ModelLibrary(user_dir=inp.tmp / "bench-library")
    try:
        first = import_model(lib_path, replace=True, library=lib)
        import_model(samm_dir, replace=True, library=lib)
    except ModelError as exc:
        if "cdassess-model/2" in str(exc) or "unsupported format" in exc.details():
            raise NotAvailable("the cdassess-model/2 loader has not landed") from None
        raise
    model = first.model
    n_req = len(model.requirements)
    imp_cpu: list[float] = []
    imported = repeat(lambda: import_model(lib_path, replace=True, library=lib), reps, cpu=imp_cpu)
    counter = iter(range(10_000))

    def create() -> None:
        p = inp.tmp / f"bench-800-53-{next(counter)}.cdassess"
        Assessment.create(p, organization="Bench", project="800-53", model=model, assessor="bench",
                          target_level=model.max_level).close()

    created = repeat(create, reps)
    samm_cpu: list[float] = []
    samm = repeat(lambda: import_model(samm_dir, replace=True, library=lib), reps, cpu=samm_cpu)
    samm_reqs = len(lib.load("owasp-samm").requirements)
    mi, mc, ms = median(imported), median(created), median(samm)
    res.median, res.baseline, res.ratio = fmt_s(mi), "(absolute)", f"create {fmt_s(mc)}, SAMM {fmt_s(ms)}"
    res.passed = mi < 1.0 and mc < 1.0 and ms < 1.0
    res.note = (f"CISO Assistant library of {lib_path.stat().st_size / MB:.1f} MB, {n_req} requirements: import "
                f"{fmt_s(mi)} (CPU {fmt_s(median(imp_cpu))}), new assessment {fmt_s(mc)}; SAMM core model "
                f"({samm_reqs} questions) import {fmt_s(ms)} (CPU {fmt_s(median(samm_cpu))})")
    res.samples = {"ciso_import": imported, "create": created, "samm_import": samm}


def versions() -> dict[str, str]:
    out = {"Python": platform.python_version(), "SQLite": sqlite3.sqlite_version}
    for dist in ("PySide6-Essentials", "openpyxl", "reportlab", "sqlite-utils", "pypdf", "cdassess"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    return {"CPU": cpu, "cores": str(os.cpu_count()), "RAM": ram, "OS": platform.platform()}


def load_average() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def table(results: list[Result]) -> str:
    head = ["scenario", "median", "baseline (same run)", "ratio", "target", "result", "note"]
    rows = [[r.title, r.median, r.baseline, r.ratio, r.target, r.verdict, r.note if r.passed is not None else ""]
            for r in results]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_results(path: Path, results: list[Result], argv: list[str], started: dt.datetime, elapsed: float,
                  reps: int, load_before: str) -> None:
    m, v = machine(), versions()
    m["load average (1, 5, 15 min) before / after the run"] = f"{load_before} / {load_average()}"
    lines = [
        "# Benchmark results",
        "",
        f"Latest run: {started.strftime('%Y-%m-%d %H:%M UTC')}, `{' '.join(['.venv/bin/python', *argv])}`, "
        f"{reps} timed repetitions per scenario (medians), {elapsed:.0f} s in all.",
        "Regenerate with the command in [README.md](README.md).",
        "",
        "## Machine",
        "",
        *[f"- {k}: {val}" for k, val in m.items()],
        "- " + ", ".join(f"{k} {val}" for k, val in v.items()),
        "",
        "## Results",
        "",
        table(results),
        "",
        "Times are wall-clock medians. Where a note gives a CPU time, it is the process's own CPU time for the "
        "same runs: a wall time far above it means the run waited for a busy machine (other processes, disk "
        "flushes), not that the code got slower. Ratios compare against a baseline measured alternately in the "
        "same run, so load moves both.",
        "",
        "## Raw samples (seconds)",
        "",
        "```",
        *[f"{r.name}.{k}: {json.dumps([round(x, 5) for x in xs])}" for r in results for k, xs in r.samples.items()],
        "```",
        "",
    ]
    notes = BENCH_DIR / "NOTES.md"  # hand-written: causes of the misses with profiler evidence
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8").rstrip(), ""]
    path.write_text("\n".join(lines), encoding="utf-8")


# -------------------------------------------------------------------------- portfolio catalogue (cdassess/catalogue)

CATALOGUE_FILES = 1000


def _catalogue_files(inp: Inputs) -> Path:
    """1,000 demo-sized assessments: copies of the demo, each given its own id, project and unit."""

    def build() -> Path:
        import sqlite3
        import uuid

        folder = inp.tmp / "catalogue-files"
        folder.mkdir()
        for n in range(CATALOGUE_FILES):
            dst = folder / f"u{n % 10:02d}" / f"a{n:04d}.cdassess"
            dst.parent.mkdir(exist_ok=True)
            shutil.copyfile(inp.demo, dst)
            con = sqlite3.connect(dst)
            con.execute("UPDATE assessment SET uuid = ?, project = ?, business_unit = ?, end_date = ?",
                        [str(uuid.UUID(int=n + 1)), f"Project {n // 2:04d}", f"Unit {n % 10}",
                         f"{2025 + n % 2}-0{1 + n % 9}-15"])
            con.commit()
            con.close()
        return folder

    return inp._once("catalogue_files", build)  # type: ignore[no-any-return]


def _catalogue_add(target: str, folder: Path) -> Any:
    from cdassess.catalogue import Catalogue

    with Catalogue.open(target) as cat:
        return cat.add([folder])


def _fresh_catalogue(inp: Inputs, name: str) -> str:
    path = inp.tmp / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return str(path)


def _info_all(folder: Path) -> None:
    from cdassess.cli.core import info_dict
    from cdassess.services import Assessment

    for f in sorted(folder.rglob("*.cdassess")):
        with Assessment.open(f, readonly=True) as a:
            json.dumps(info_dict(a), ensure_ascii=False)


@scenario("catalogue_add", "catalogue add of 1,000 demo-sized assessments (SQLite)",
          "<= 2x reading their `info --json` in one process")
def bench_catalogue_add(inp: Inputs, reps: int, res: Result) -> None:
    folder = _catalogue_files(inp)
    reps = min(reps, 3)
    targets: list[str] = []

    def setup() -> None:
        targets.append(_fresh_catalogue(inp, f"cat-add-{len(targets)}.sqlite"))

    def run() -> None:
        r = _catalogue_add(targets[-1], folder)
        assert r.added == CATALOGUE_FILES, r.summary()

    value, baseline = paired(run, lambda: _info_all(folder), reps, setup=setup)
    ratio_result(res, value, baseline, 2.0)
    res.note = "baseline: Assessment.open(readonly) + info_dict + json.dumps of every file, one process"


@scenario("catalogue_readd", "catalogue add again, 1,000 unchanged files (SQLite)", "<= 0.1x the first add")
def bench_catalogue_readd(inp: Inputs, reps: int, res: Result) -> None:
    folder = _catalogue_files(inp)
    reps = min(reps, 3)
    target = _fresh_catalogue(inp, "cat-readd.sqlite")
    first = [timed(lambda: _catalogue_add(target, folder))]
    again = repeat(lambda: _catalogue_add(target, folder), max(reps, 3), warmup=0)
    ratio_result(res, again, first, 0.1)
    res.note = "baseline: the first add into an empty catalogue"


def _report_bench(target: str, folder: Path, reps: int, res: Result) -> None:
    from cdassess.catalogue import Catalogue

    _catalogue_add(target, folder)

    def run() -> None:
        with Catalogue.open(target, readonly=True) as cat:
            data = cat.report()
        assert data["assessments"] == CATALOGUE_FILES

    value = repeat(run, reps)
    res.median, res.samples = fmt_s(median(value)), {"value": value}
    res.passed = median(value) < 1.0


@scenario("catalogue_report_sqlite", "catalogue report --json on 1,000 assessments (SQLite)", "< 1 s")
def bench_catalogue_report_sqlite(inp: Inputs, reps: int, res: Result) -> None:
    _report_bench(_fresh_catalogue(inp, "cat-report.sqlite"), _catalogue_files(inp), reps, res)


@scenario("catalogue_report_pg", "catalogue report --json on 1,000 assessments (PostgreSQL)", "< 1 s")
def bench_catalogue_report_pg(inp: Inputs, reps: int, res: Result) -> None:
    admin = os.environ.get("CDASSESS_TEST_PG")
    if not admin:
        raise NotAvailable('no PostgreSQL: eval "$(bash tools/pg_test_server.sh start)" first')
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    try:
        url = urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))
        t = timed(lambda: _catalogue_add(url, _catalogue_files(inp)))
        _report_bench(url, _catalogue_files(inp), reps, res)
        res.note = f"the first add of the 1,000 files into PostgreSQL took {fmt_s(t)}"
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


CHILD_TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "evidence": child_evidence,
    "plain_blobs": child_plain_blobs,
    "edit_during_attach": child_edit_during_attach,
    "merge": child_merge,
    "ui_rate": child_ui_rate,
    "export_memory": child_export_memory,
}


def child_main(task: str, raw: str) -> int:
    try:
        out = CHILD_TASKS[task](json.loads(raw))
    except NotAvailable as exc:
        out = {"not_available": str(exc)}
    print(json.dumps(out))
    return 0


@contextlib.contextmanager
def isolated_env(tmp: Path) -> Iterator[None]:
    """Keep settings, keys and the model library of every run (and its children) out of the real home."""
    saved = dict(os.environ)
    home = tmp / "home"
    home.mkdir()
    os.environ.update({
        "CDASSESS_HOME": str(home / "cdassess"), "CDASSESS_USER": "bench", "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_RUNTIME_DIR": str(home / "runtime"),
    })
    (home / "runtime").mkdir(mode=0o700)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 3 and argv[0] == "--child":
        return child_main(argv[1], argv[2])
    if argv[:1] == ["--scale"]:  # how the costs grow: benchmarks/scale.py writes SCALING.md and scaling.png
        import scale

        return int(scale.main(argv[1:]))
    names = [s.name for s in SCENARIOS]
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="5 repetitions instead of 11")
    groups = sorted({n.split("_")[0] for n in names if "_" in n} - set(names))
    p.add_argument("--only", action="append", choices=names + groups, metavar="NAME",
                   help=f"run only this scenario (repeatable): {', '.join(names)}; or a group: {', '.join(groups)}")
    p.add_argument("--reps", type=int, help="timed repetitions per scenario (default 11, --quick 5)")
    p.add_argument("--results", type=Path, help="where to write the results (default benchmarks/RESULTS.md for a "
                   "full run; not written for --quick, --reps or --only unless given)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder with the inputs")
    args = p.parse_args(argv)
    reps = args.reps or (5 if args.quick else 11)
    # --only NAME also runs NAME_* (``--only merge``: the dry run, the apply and the evidence rows)
    chosen = [s for s in SCENARIOS if not args.only or s.name in args.only
              or any(s.name.startswith(o + "_") for o in args.only)]
    started = dt.datetime.now(dt.UTC)
    load_before = load_average()
    t_start = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="cdassess-bench-"))
    results: list[Result] = []
    print(f"inputs in {tmp}; {reps} repetitions", flush=True)
    try:
        with isolated_env(tmp):
            inp = Inputs(tmp)
            for sc in chosen:
                res = Result(sc.name, sc.title, sc.target)
                t0 = time.perf_counter()
                try:
                    sc.run(inp, reps, res)
                except NotAvailable as exc:
                    res.passed, res.note = None, str(exc)
                except Exception as exc:  # a broken scenario is reported; the others still run
                    traceback.print_exc()
                    res.passed, res.note = None, f"error: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                results.append(res)
                print(f"  {sc.name:<16} {res.median:>10}  vs {res.baseline:<18} {res.ratio:<16} {res.verdict}"
                      f"  ({time.perf_counter() - t0:.0f} s)", flush=True)
    finally:
        if args.keep:
            print(f"inputs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.perf_counter() - t_start
    print()
    print(table(results))
    out = args.results or (BENCH_DIR / "RESULTS.md" if not (args.only or args.quick or args.reps) else None)
    if out is not None:
        write_results(out, results, ["benchmarks/run.py", *argv], started, elapsed, reps, load_before)
        print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
