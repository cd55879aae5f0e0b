"""How the costs grow: cdassess at 240 to 50,000 requirements, 10 to 10,000 evidence files, 10k to 1M audit rows.

    .venv/bin/python benchmarks/scale.py            # 240 to 10,000 requirements; 10 / 1,000 files; 10k / 100k rows
    .venv/bin/python benchmarks/scale.py --large    # adds 50,000 requirements, 10,000 evidence files, 1M audit rows
    .venv/bin/python benchmarks/run.py --scale      # the same, from the main harness

Every step runs in its own process (as a user runs it) and reports its wall time and its peak RSS; the window
steps run the real main window offscreen. Writes benchmarks/SCALING.md and benchmarks/scaling.png (log-log
curves). Targets at 10,000 requirements: every interactive step < 100 ms, every batch step < 10 s, the gap report
< 5 s; `check` linear in audit rows (1M rows < 10 s, memory bounded). Not part of the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
for p in (str(ROOT), str(BENCH_DIR)):
    if p not in sys.path:
        sys.path.insert(0, p)

import run as harness  # noqa: E402 - the main harness: synthetic models, realistic ratings, the environment

PY = sys.executable
SIZES = {240: None, 2_000: (8, 5, 10), 10_000: (20, 10, 10), 50_000: (50, 20, 10)}
INTERACTIVE_MS = 100
BATCH_S = 10

# A child that runs one cdassess command in-process and reports its peak RSS (ru_maxrss, KiB on Linux).
CLI_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from cdassess.cli import main
code = main(sys.argv[1:])
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]  # the child's own peak
rss = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"code": code, "seconds": time.perf_counter() - t0, "rss_mb": rss}), file=sys.stderr)
"""

# A child that opens the real main window offscreen and measures open-to-interactive, filters, searches and
# ratings. Each step is timed from the call to the end of the event processing it causes (layout and paint of
# the tree, the dashboard's refresh when it is in front); the search is timed from the search itself (the
# window runs it 150 ms after the last keystroke: that wait is not counted, the work after it is).
UI_CHILD = """
import json, os, resource, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
t0 = time.perf_counter()
from PySide6.QtCore import QSettings
from ui.app import create_app
from ui.settings import Settings
settings = Settings(QSettings(sys.argv[2], QSettings.Format.IniFormat))
settings.assessor = "bench"; settings.ui_language = "en"; settings.scope_to_target = False
app, settings = create_app(settings=settings)
from ui.main_window import MainWindow
w = MainWindow(settings); w.show()
w.open_path(sys.argv[1])
app.processEvents()
ids = w.tree_model.requirement_ids()
w.go_to(ids[len(ids) // 2]); app.processEvents()
interactive = time.perf_counter() - t0
def timed(fn):
    t = time.perf_counter(); fn(); app.processEvents(); return time.perf_counter() - t
def search(text):
    w.search.setText(text); w._search_timer.stop()  # the debounce is not timed; the search is
    return timed(w._search_changed)
s = w.session
def shown():  # untimed
    m = getattr(w.proxy, "matched", None)
    if m is not None and w.proxy.active:
        return len(m)
    return sum(1 for r in ids if w.proxy.mapFromSource(w.tree_model.index_of(r)).isValid())
flt = timed(lambda: w.filter.setCurrentIndex(w.filter.findData("unrated")))
flt_n = shown()
back = timed(lambda: w.filter.setCurrentIndex(0))
item = s.model.items[s.model.requirements[ids[len(ids) // 3]].item_id]
# words of the synthetic texts ("... of capability item 3 in subdomain 2 of domain 7 ..."): one item in ten
phrase = f"item {item.id.split('.')[-1].lstrip('I').lstrip('0')} in subdomain"
srch = search(phrase)  # the first search also reads notes, claims, findings and evidence texts
srch_n = shown()
srch_id = search(ids[len(ids) // 4])  # one requirement by its id
srch_id_n = shown()
srch_none = search("no such words anywhere")
search("")
# ratings that change the rating: a met requirement rated not met (its item drops a level), then back
mets = [r for r in ids if s.status(r) == "met"]
def rate(rid, status, dashboard):
    w.go_to(rid)
    if dashboard:
        w.tabs.setCurrentWidget(w.dashboard)
    app.processEvents()
    return timed(lambda: w.rate_current(status))
rates = [rate(mets[len(mets) * k // 7], "not_met", False) for k in range(1, 4)]
_ = w.dashboard
rates_d = [rate(mets[len(mets) * k // 7], "met", True) for k in range(1, 4)]
rates_d += [rate(mets[len(mets) * k // 7], "not_met", True) for k in range(4, 7)]
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]
rss = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
rates.sort(); rates_d.sort()
print(json.dumps({"interactive": interactive, "filter": flt, "filter_back": back, "search": srch,
                  "search_id": srch_id, "search_none": srch_none, "rate": rates[len(rates) // 2],
                  "rate_dashboard": rates_d[len(rates_d) // 2], "rss_mb": rss,
                  "notes": {"filter": f"Unrated: {flt_n:,} shown; back to all {back * 1000:.0f} ms",
                            "search": f'"{phrase}": {srch_n:,} shown (the first search); none found: '
                                      f"{srch_none * 1000:.0f} ms",
                            "search_id": f"{srch_id_n} shown",
                            "rate": "median of 3, requirement tab in front",
                            "rate_dashboard": "median of 6, dashboard in front"}}), file=sys.stderr)
"""


@dataclass
class Row:
    dimension: str
    size: int
    step: str
    seconds: float
    rss_mb: float
    kind: str  # interactive | batch
    note: str = ""


@dataclass
class Run:
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        unit = f"{row.seconds * 1000:.1f} ms" if row.kind == "interactive" else f"{row.seconds:.2f} s"
        print(f"  {row.dimension:<13} {row.size:>9,}  {row.step:<24} {unit:>11}  {row.rss_mb:7.0f} MB  {row.note}",
              flush=True)


def child(code: str, args: list[str], env: dict[str, str], timeout: float = 900) -> dict[str, Any]:
    proc = subprocess.run([PY, "-c", code, *args], env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "{}"
    try:
        out: dict[str, Any] = json.loads(last)
    except json.JSONDecodeError:
        raise RuntimeError(f"child failed ({proc.returncode}): {proc.stderr[-600:]}") from None
    if out.get("code", 0) not in (0, None):
        raise RuntimeError(f"cdassess {' '.join(args)} exited {out['code']}: {proc.stderr[-400:]}")
    return out


def cli(run: Run, env: dict[str, str], dim: str, size: int, step: str, args: list[str], kind: str = "batch") -> None:
    try:
        out = child(CLI_CHILD, args, env)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        lines = [ln for ln in str(exc).strip().splitlines() if ln.strip() and not ln.startswith("{")]
        run.add(Row(dim, size, step, float("nan"), float("nan"), kind,
                    f"failed: {(lines[-1] if lines else str(exc))[:240]}"))  # the error, not the command
        return
    run.add(Row(dim, size, step, float(out["seconds"]), float(out["rss_mb"]), kind))


# ------------------------------------------------------------------------------------------ inputs


def build_assessment(tmp: Path, n: int, name: str | None = None) -> Path:
    """A rated assessment of ``n`` requirements (the built-in model at 240) with claims on levels 1-3."""
    from cdassess.library import ModelLibrary
    from cdassess.model import parse_model
    from cdassess.records import Claim
    from cdassess.services import Assessment

    path = tmp / (name or f"scale-{n}.cdassess")
    shape = SIZES[n]
    model = ModelLibrary().builtin() if shape is None else parse_model(
        harness.synthetic_model_dict(f"scale-{n}", *shape), f"scale-{n}")
    with Assessment.create(path, organization="Scale Co.", project=f"{n} requirements", model=model,
                           assessor="bench", target_level=3) as a, a.store.batch("scale data"):
        for req in a.model.iter_requirements():
            st = harness._status_for(req.id, req.level)
            if st == "unrated":
                continue
            a.rate(req.id, st, justification="does not apply here" if st == "na" else None)
            if req.level <= 3:
                a.set_claim(Claim(req.id, "met", "see the pipeline", "REF-1", "owner"), source="bench")
    return path


def add_evidence(path: Path, count: int) -> None:
    from cdassess.services import Assessment

    with Assessment.open(path, actor="bench") as a:
        reqs = list(a.model.requirements)
        for i in range(count):
            a.add_evidence_bytes(f"evidence-{i:05d}.txt", f"evidence {i}\n".encode() * 40, [reqs[i % len(reqs)]],
                                 provided_by="bench", collected_on="2026-11-24")


def add_audit_rows(path: Path, rows: int) -> None:
    """Grow the audit log to about ``rows`` entries by re-rating (each edit is one row), in large batches."""
    from cdassess.services import Assessment

    with Assessment.open(path, actor="bench") as a:
        reqs = [r.id for r in a.model.iter_requirements() if r.level <= 2][:500]
        done = len(a.audit_log())
        k = 0
        while done < rows:
            with a.store.batch("audit growth"):
                for _ in range(min(20_000, rows - done)):
                    a.rate(reqs[k % len(reqs)], ("met", "partial")[(k // len(reqs)) % 2])
                    k += 1
                    done += 1


# ------------------------------------------------------------------------------------------ dimensions


def requirement_steps(run: Run, tmp: Path, env: dict[str, str], n: int) -> None:
    t0 = time.perf_counter()
    path = build_assessment(tmp, n)
    print(f"    built {n:,} requirements in {time.perf_counter() - t0:.0f} s", flush=True)
    dim = "requirements"
    cli(run, env, dim, n, "open + info --json", ["info", str(path), "--json"])
    cli(run, env, dim, n, "check", ["check", str(path)])
    first = "CD.CM.VC.01.L4" if n == 240 else "D01.S01.I01.L4"
    from cdassess.services import Assessment

    with Assessment.open(path, readonly=True) as a:
        first = next((r.id for r in a.model.iter_requirements() if r.level == 4), first)
    cli(run, env, dim, n, "one CLI rating", ["rate", str(path), first, "met"])
    cli(run, env, dim, n, "gap report", ["report", "gap", str(path), "-o", str(tmp / f"gap-{n}.pdf"), "--force"])
    q = tmp / f"q-{n}.xlsx"
    cli(run, env, dim, n, "questionnaire export", ["questionnaire", "export", str(path), "-o", str(q), "--force"])
    cli(run, env, dim, n, "questionnaire import", ["questionnaire", "import", str(path), str(q), "--force"])
    try:
        out = child(UI_CHILD, [str(path), str(tmp / f"ui-{n}.ini")], env)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        run.add(Row(dim, n, "window open to interactive", float("nan"), float("nan"), "batch", str(exc)[:120]))
        return
    rss = float(out["rss_mb"])
    run.add(Row(dim, n, "window open to interactive", float(out["interactive"]), rss, "batch"))
    notes = out.get("notes", {})
    for key, step in (("filter", "window filter change"), ("search", "window search"),
                      ("search_id", "window search by id"), ("rate", "window rating"),
                      ("rate_dashboard", "window rating, dashboard")):
        run.add(Row(dim, n, step, float(out[key]), rss, "interactive", notes.get(key, "")))


def evidence_steps(run: Run, tmp: Path, env: dict[str, str], count: int) -> None:
    path = tmp / f"evidence-{count}.cdassess"
    shutil.copyfile(build_assessment_once(tmp), path)
    t0 = time.perf_counter()
    add_evidence(path, count)
    print(f"    attached {count:,} files in {time.perf_counter() - t0:.0f} s", flush=True)
    cli(run, env, "evidence files", count, "open + info --json", ["info", str(path), "--json"])
    cli(run, env, "evidence files", count, "evidence list", ["evidence", "list", str(path), "--json"])
    cli(run, env, "evidence files", count, "check", ["check", str(path)])
    cli(run, env, "evidence files", count, "gap report",
        ["report", "gap", str(path), "-o", str(tmp / f"gap-ev-{count}.pdf"), "--force"])


_BASE: dict[str, Path] = {}


def build_assessment_once(tmp: Path) -> Path:
    if "240" not in _BASE:
        _BASE["240"] = build_assessment(tmp, 240, "base-240.cdassess")
    return _BASE["240"]


def audit_steps(run: Run, tmp: Path, env: dict[str, str], rows: int) -> None:
    path = tmp / f"audit-{rows}.cdassess"
    shutil.copyfile(build_assessment_once(tmp), path)
    t0 = time.perf_counter()
    add_audit_rows(path, rows)
    print(f"    grew the audit log to {rows:,} rows in {time.perf_counter() - t0:.0f} s", flush=True)
    cli(run, env, "audit rows", rows, "check", ["check", str(path)])
    cli(run, env, "audit rows", rows, "open + info --json", ["info", str(path), "--json"])
    cli(run, env, "audit rows", rows, "audit --last 50", ["audit", str(path), "--last", "50"])


# ------------------------------------------------------------------------------------------ output


def verdicts(rows: list[Row]) -> list[str]:
    out = []
    for r in rows:
        if r.dimension == "requirements" and r.size == 10_000:
            if r.step == "gap report":
                limit = 5.0
            elif r.kind == "interactive":
                limit = INTERACTIVE_MS / 1000
            else:
                limit = BATCH_S
            ok = r.seconds == r.seconds and r.seconds < limit
            out.append(f"| {r.step} at 10,000 requirements | {_fmt(r)} | < {_limit(limit)} | "
                       f"{'pass' if ok else 'MISS'} |")
    checks = {r.size: r for r in rows if r.dimension == "audit rows" and r.step == "check"}
    if checks:
        sizes = sorted(checks)
        lo, hi = checks[sizes[0]], checks[sizes[-1]]
        growth = (hi.seconds / lo.seconds) / (hi.size / lo.size) if lo.seconds > 0 else float("nan")
        out.append(f"| `check` growth {sizes[0]:,} -> {sizes[-1]:,} audit rows, relative to linear | "
                   f"{growth:.2f} | <= 1.5 (n log n or better) | {'pass' if growth <= 1.5 else 'MISS'} |")
        if 1_000_000 in checks:
            r = checks[1_000_000]
            out.append(f"| `check` at 1M audit rows | {_fmt(r)}, {r.rss_mb:.0f} MB | < 10 s | "
                       f"{'pass' if r.seconds < 10 else 'MISS'} |")
    return out


def _fmt(r: Row) -> str:
    if r.seconds != r.seconds:
        return "failed"
    return f"{r.seconds * 1000:.1f} ms" if r.kind == "interactive" else f"{r.seconds:.2f} s"


def _limit(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.0f} s"


def plot(rows: list[Row], dest: Path) -> None:
    """Log-log curves, one panel per dimension, one line per step (Pillow)."""
    from PIL import Image, ImageDraw, ImageFont

    dims = [d for d in ("requirements", "evidence files", "audit rows") if any(r.dimension == d for r in rows)]
    w, h = 560, 420
    img = Image.new("RGB", (w * len(dims), h), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default()
    colours = ["#1a294d", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#2c3e50", "#f39c12",
               "#2980b9"]
    for k, dim in enumerate(dims):
        ox = k * w
        data = [r for r in rows if r.dimension == dim and r.seconds == r.seconds and r.seconds > 0]
        if not data:
            continue
        xs = sorted({r.size for r in data})
        x0, x1 = math.log10(min(xs)), math.log10(max(xs)) + 1e-9
        y0 = math.floor(math.log10(min(r.seconds for r in data)))
        y1 = math.ceil(math.log10(max(r.seconds for r in data)))
        left, top, right, bottom = ox + 60, 30, ox + w - 190, h - 40

        def px(x: float, y: float, *, _l: int = left, _r: int = right, _t: int = top, _b: int = bottom,
               _x0: float = x0, _x1: float = x1, _y0: float = y0, _y1: float = y1) -> tuple[float, float]:
            return (_l + (math.log10(x) - _x0) / (_x1 - _x0) * (_r - _l),
                    _b - (math.log10(y) - _y0) / max(_y1 - _y0, 1) * (_b - _t))

        draw.rectangle([left, top, right, bottom], outline="#999999")
        draw.text((left, 8), f"time vs {dim} (log-log)", fill="black", font=font)
        for e in range(y0, y1 + 1):
            _, y = px(xs[0], 10.0 ** e)
            draw.line([left, y, right, y], fill="#eeeeee")
            draw.text((ox + 8, y - 6), f"{10.0 ** e:g} s", fill="#555555", font=font)
        for x in xs:
            xx, _ = px(x, 10.0 ** y0)
            draw.text((xx - 14, bottom + 6), f"{x:,}", fill="#555555", font=font)
        for j, step in enumerate(dict.fromkeys(r.step for r in data)):
            pts = sorted((r.size, r.seconds) for r in data if r.step == step)
            colour = colours[j % len(colours)]
            coords = [px(x, y) for x, y in pts]
            if len(coords) > 1:
                draw.line(coords, fill=colour, width=2)
            for cx, cy in coords:
                draw.ellipse([cx - 3, cy - 3, cx + 3, cy + 3], fill=colour)
            draw.text((right + 8, top + 14 * j), step[:30], fill=colour, font=font)
    img.save(dest)


def write(rows: list[Row], dest: Path, png: Path, argv: list[str], started: dt.datetime, elapsed: float) -> None:
    lines = [
        "# How the costs grow",
        "",
        f"`{' '.join(['benchmarks/scale.py', *argv])}`, {started:%Y-%m-%d %H:%M} UTC, {elapsed / 60:.0f} min, "
        f"load average before: {harness.load_average()}. Machine: {harness.machine().get('CPU', '?')}, "
        f"{os.cpu_count()} cores.",
        "",
        "Each step is its own process (as a user runs it); window steps run the real main window offscreen.",
        "Peak RSS is the process's own high-water mark (VmHWM; getrusage's maximum would include the",
        "parent's at fork).",
        "",
        f"![scaling curves]({png.name})",
        "",
        "## Targets",
        "",
        "| target | measured | limit | result |",
        "|---|---|---|---|",
        *verdicts(rows),
        "",
        "## Every step",
        "",
        "| dimension | size | step | time | peak RSS | note |",
        "|---|---:|---|---:|---:|---|",
    ]
    lines += [f"| {r.dimension} | {r.size:,} | {r.step} | {_fmt(r)} | {r.rss_mb:.0f} MB | {r.note} |" for r in rows]
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(description="How cdassess's costs grow with the size of an assessment")
    p.add_argument("--large", action="store_true", help="add 50,000 requirements, 10,000 files, 1M audit rows")
    p.add_argument("--only", choices=("requirements", "evidence", "audit"), action="append")
    p.add_argument("--quick", action="store_true", help="the smallest sizes only (a check of the harness)")
    p.add_argument("--sizes", type=int, nargs="+", metavar="N", help="requirement counts to run (of "
                   f"{', '.join(map(str, SIZES))}; default 240, 2,000 and 10,000)")
    p.add_argument("--out", type=Path, default=BENCH_DIR / "SCALING.md")
    args = p.parse_args(argv)
    reqs = [240, 2_000, 10_000] + ([50_000] if args.large else [])
    files = [10, 1_000] + ([10_000] if args.large else [])
    audits = [10_000, 100_000] + ([1_000_000] if args.large else [])
    if args.quick:
        reqs, files, audits = [240, 2_000], [10], [10_000]
    if args.sizes:
        reqs = [n for n in args.sizes if n in SIZES]
    started, t0 = dt.datetime.now(dt.UTC), time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="cdassess-scale-"))
    run = Run()
    try:
        with harness.isolated_env(tmp):
            env = dict(os.environ)
            if not args.only or "requirements" in args.only:
                for n in reqs:
                    requirement_steps(run, tmp, env, n)
            if not args.only or "evidence" in args.only:
                for c in files:
                    evidence_steps(run, tmp, env, c)
            if not args.only or "audit" in args.only:
                for a in audits:
                    audit_steps(run, tmp, env, a)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    png = args.out.with_name("scaling.png")
    plot(run.rows, png)
    write(run.rows, args.out, png, argv, started, time.perf_counter() - t0)
    print(f"\nwritten to {args.out} and {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
