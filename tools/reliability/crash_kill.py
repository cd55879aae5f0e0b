#!/usr/bin/env python3
"""Crash-safety harness: SIGKILL an editing process at random moments and prove nothing committed is lost.

A child process opens one assessment file for editing and runs bursts of edits (ratings, claims, findings,
evidence of up to a few MB, multi-edit groups inside ``store.batch``, and real questionnaire imports of
10-80 answers). Before each group
it prints an *intent* line, after the group returns (committed) a *commit* line, both flushed. The parent
kills the child with SIGKILL after a random delay, then opens the file for editing (the stale sidecar lock
must not block it), runs ``check()`` (must be empty) and compares the file with every edit reported
committed. The group in flight when the kill landed must be either wholly present or wholly absent.

    .venv/bin/python tools/reliability/crash_kill.py --kills 120 --seed 1

Prints: kills, lost edits (goal 0), integrity failures (goal 0), atomicity failures (goal 0).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STATUSES = ("met", "partial", "not_met")


# ------------------------------------------------------------------------------------------ child


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def child(path: Path, seed: int, max_evidence: int, with_imports: bool = True) -> None:
    """Edit forever (until killed); report each group before it starts and after it is committed."""
    from cdassess.records import Claim, Finding
    from cdassess.services import Assessment

    rng = random.Random(seed)
    a = Assessment.open(path, actor="crash-child")
    reqs = sorted(a.model.requirements)
    _emit({"t": "ready", "pid": os.getpid()})
    n = 0
    work = path.parent / f"child-{os.getpid()}"  # beside the file: a killed child cannot clean up
    work.mkdir()
    while True:
        n += 1
        if with_imports and rng.random() < 0.07:
            _import_burst(a, reqs, rng, n, seed, work)
            continue
        size = rng.choice([1, 2, 3, 5]) if rng.random() < 0.3 else 1
        picked = rng.sample(reqs, size)  # distinct requirements: no edit in a group overwrites another
        edits: list[dict[str, Any]] = []
        for i, req in enumerate(picked):
            kind = rng.choices(["rating", "claim", "finding", "evidence"], [10, 6, 4, 1])[0]
            tag = f"s{seed}g{n}e{i}"
            if kind == "rating":
                edits.append({"k": "rating", "req": req, "status": rng.choice(STATUSES), "note": tag})
            elif kind == "claim":
                edits.append({"k": "claim", "req": req, "status": rng.choice(STATUSES), "text": tag})
            elif kind == "finding":
                edits.append({"k": "finding", "req": req, "obs": tag})
            else:
                nbytes = rng.randint(1, max_evidence)
                data = tag.encode() + rng.randbytes(nbytes)
                edits.append({"k": "evidence", "req": req, "name": tag + ".bin",
                              "sha": hashlib.sha256(data).hexdigest(), "_data": data})
        _emit({"t": "intent", "g": n, "edits": [{k: v for k, v in e.items() if k != "_data"} for e in edits]})

        def apply(e: dict[str, Any]) -> None:
            if e["k"] == "rating":
                a.rate(e["req"], e["status"], note=e["note"])
            elif e["k"] == "claim":
                a.set_claim(Claim(e["req"], _status(e["status"]), e["text"]), source="crash-harness")
            elif e["k"] == "finding":
                a.save_finding(Finding(None, e["req"], e["obs"]))
            else:
                a.add_evidence_bytes(e["name"], e["_data"], [e["req"]])

        if len(edits) == 1:
            apply(edits[0])
        else:
            with a.store.batch("apply a burst of edits"):
                for e in edits:
                    apply(e)
        _emit({"t": "commit", "g": n})


def _import_burst(a: Any, reqs: list[str], rng: random.Random, n: int, seed: int, work: Path) -> None:
    """A real questionnaire import: a workbook answering 10-80 requirements, applied all or nothing."""
    import openpyxl

    from cdassess.xlsx import import_questionnaire

    picked = rng.sample(reqs, rng.randint(10, 80))
    rows = [(req, rng.choice(STATUSES), f"s{seed}g{n}q{i}") for i, req in enumerate(picked)]
    path = work / f"answers-{n}.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("问卷 Questionnaire")
    ws.append(["ID", "Self-assessment", "Evidence description"])
    for req, status, text in rows:
        ws.append([req, status.replace("_", " "), text])
    wb.save(path)
    _emit({"t": "intent", "g": n, "import": True,
           "edits": [{"k": "claim", "req": r, "status": st, "text": t} for r, st, t in rows]})
    import_questionnaire(a, path)
    _emit({"t": "commit", "g": n})
    path.unlink()


def _status(value: str) -> Any:
    from cdassess.scoring import Status

    return Status(value)


# ------------------------------------------------------------------------------------------ parent


@dataclass
class Expected:
    ratings: dict[str, tuple[str, str]] = field(default_factory=dict)
    claims: dict[str, tuple[str, str]] = field(default_factory=dict)
    findings: set[str] = field(default_factory=set)
    evidence: set[str] = field(default_factory=set)
    committed_edits: int = 0

    def apply(self, e: dict[str, Any]) -> None:
        if e["k"] == "rating":
            self.ratings[e["req"]] = (e["status"], e["note"])
        elif e["k"] == "claim":
            self.claims[e["req"]] = (e["status"], e["text"])
        elif e["k"] == "finding":
            self.findings.add(e["obs"])
        else:
            self.evidence.add(e["sha"])


@dataclass
class Actual:
    ratings: dict[str, tuple[str, str]]
    claims: dict[str, tuple[str, str]]
    findings: set[str]
    evidence: set[str]

    def has(self, e: dict[str, Any]) -> bool:
        if e["k"] == "rating":
            return self.ratings.get(e["req"]) == (e["status"], e["note"])
        if e["k"] == "claim":
            return self.claims.get(e["req"]) == (e["status"], e["text"])
        if e["k"] == "finding":
            return e["obs"] in self.findings
        return e["sha"] in self.evidence


@dataclass
class Result:
    kills: int = 0
    groups_committed: int = 0
    edits_committed: int = 0
    imports_committed: int = 0
    in_flight_applied: int = 0
    in_flight_absent: int = 0
    lost_edits: int = 0
    integrity_failures: int = 0
    atomicity_failures: int = 0
    reopen_failures: int = 0
    unexpected_exits: int = 0
    messages: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.lost_edits or self.integrity_failures or self.atomicity_failures or self.reopen_failures
                    or self.unexpected_exits)


def _read_actual(a: Any) -> Actual:
    return Actual(
        ratings={k: (str(r.status), r.note) for k, r in a.ratings().items()},
        claims={k: (str(c.status), c.evidence_text) for k, c in a.claims().items()},
        findings={f.observation for f in a.findings()},
        evidence={e.sha256 for e in a.evidence_list()},
    )


def _compare(exp: Expected, act: Actual) -> list[str]:
    lost: list[str] = []
    lost += [f"rating {k}: expected {v}, found {act.ratings.get(k)}" for k, v in exp.ratings.items()
             if act.ratings.get(k) != v]
    lost += [f"claim {k}: expected {v}, found {act.claims.get(k)}" for k, v in exp.claims.items()
             if act.claims.get(k) != v]
    lost += [f"finding {o!r} missing" for o in exp.findings - act.findings]
    lost += [f"evidence {s[:12]} missing" for s in exp.evidence - act.evidence]
    # nothing may appear that was never attempted either
    lost += [f"rating {k} present but never committed" for k in act.ratings.keys() - exp.ratings.keys()]
    lost += [f"claim {k} present but never committed" for k in act.claims.keys() - exp.claims.keys()]
    lost += [f"finding {o!r} present but never committed" for o in act.findings - exp.findings]
    lost += [f"evidence {s[:12]} present but never committed" for s in act.evidence - exp.evidence]
    return lost


def _kill_child(path: Path, child_seed: int, delay: float, max_evidence: int) -> tuple[list[str], int, str]:
    """Start an editing child, SIGKILL it ``delay`` seconds after it is ready; its output lines and exit code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with subprocess.Popen(
        [sys.executable, __file__, "--child", str(path), "--seed", str(child_seed), "--max-evidence",
         str(max_evidence)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        lines: list[str] = []
        ready = threading.Event()

        def reader(stream: Any = proc.stdout) -> None:
            for line in stream:
                lines.append(line)
                if line.startswith('{"t": "ready"'):
                    ready.set()
            ready.set()

        t = threading.Thread(target=reader, daemon=True)
        t.start()
        ready.wait(30)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        t.join(10)
        err = proc.stderr.read()
    return lines, proc.returncode, err


def _account(lines: list[str], exp: Expected, res: Result) -> list[dict[str, Any]] | None:
    """Apply every group the child reported committed; return the group in flight at the kill, if any."""
    intents: dict[int, list[dict[str, Any]]] = {}
    imports: set[int] = set()
    in_flight: list[dict[str, Any]] | None = None
    for line in lines:
        if not line.endswith("\n"):
            continue  # a line cut short by the kill was never reported
        msg = json.loads(line)
        if msg["t"] == "intent":
            intents[msg["g"]] = msg["edits"]
            in_flight = msg["edits"]
            if msg.get("import"):
                imports.add(msg["g"])
        elif msg["t"] == "commit":
            for e in intents[msg["g"]]:
                exp.apply(e)
                exp.committed_edits += 1
                res.edits_committed += 1
            res.groups_committed += 1
            res.imports_committed += msg["g"] in imports
            in_flight = None
    return in_flight


def _settle_in_flight(in_flight: list[dict[str, Any]], act: Actual, exp: Expected, res: Result, where: str) -> None:
    """The group the kill interrupted must be wholly present (then it counts) or wholly absent."""
    present = [act.has(e) for e in in_flight]
    if all(present):
        res.in_flight_applied += 1
    elif any(present):
        res.atomicity_failures += 1
        res.messages.append(f"{where}: group half applied: {present}")
    else:
        res.in_flight_absent += 1
    for e, p in zip(in_flight, present, strict=True):
        if p:
            exp.apply(e)


def run(kills: int, seed: int, workdir: Path, *, max_delay: float = 0.6, max_evidence: int = 2 << 20,
        verbose: bool = False) -> Result:
    """Create a fresh assessment in ``workdir`` and kill an editing child ``kills`` times."""
    from cdassess.services import Assessment

    rng = random.Random(seed)
    path = workdir / "crash.cdassess"
    Assessment.create(path, organization="Crash Org", project="Crash Project", assessor="harness").close()
    exp = Expected()
    res = Result()
    started = time.monotonic()
    for round_no in range(kills):
        where = f"kill {round_no + 1}"
        lines, code, err = _kill_child(path, seed * 100_000 + round_no, rng.uniform(0.0, max_delay), max_evidence)
        res.kills += 1
        if code != -signal.SIGKILL:
            res.unexpected_exits += 1
            res.messages.append(f"{where}: child exited with {code} before the kill: {err.strip()[-600:]}")
        in_flight = _account(lines, exp, res)
        try:
            a = Assessment.open(path, actor="harness")  # for editing: the killed child's lock must be free
        except Exception as exc:
            res.reopen_failures += 1
            res.messages.append(f"{where}: reopening failed: {type(exc).__name__}: {exc}")
            break
        try:
            problems = a.check()
            if problems:
                res.integrity_failures += 1
                res.messages.append(f"{where}: check(): " + "; ".join(map(str, problems[:5])))
            act = _read_actual(a)
        finally:
            a.close()
        if in_flight:
            _settle_in_flight(in_flight, act, exp, res, where)
        lost = _compare(exp, act)
        if lost:
            res.lost_edits += len(lost)
            res.messages.append(f"{where}: " + "; ".join(lost[:5]))
            # resynchronise so one loss is not counted again in every later round
            exp.ratings, exp.claims = dict(act.ratings), dict(act.claims)
            exp.findings, exp.evidence = set(act.findings), set(act.evidence)
        if verbose:
            print(f"{where}: {res.edits_committed} edits committed so far, in flight "
                  f"{len(in_flight) if in_flight else '-'}", flush=True)
    res.seconds = time.monotonic() - started
    return res


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kills", type=int, default=120)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-delay", type=float, default=0.6, help="longest wait before a kill, seconds")
    p.add_argument("--max-evidence", type=int, default=2 << 20, help="largest evidence file, bytes")
    p.add_argument("--keep", type=Path, help="work in this folder and keep the file")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(args.child, args.seed, args.max_evidence)
        return 0
    with tempfile.TemporaryDirectory(prefix="cdassess-crash-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        res = run(args.kills, args.seed, work, max_delay=args.max_delay, max_evidence=args.max_evidence,
                  verbose=args.verbose)
    print(f"kills:                {res.kills}")
    print(f"groups committed:     {res.groups_committed} ({res.edits_committed} edits, "
          f"{res.imports_committed} questionnaire imports)")
    print(f"in flight at kill:    {res.in_flight_applied} applied whole, {res.in_flight_absent} absent whole")
    print(f"lost edits:           {res.lost_edits}")
    print(f"integrity failures:   {res.integrity_failures}")
    print(f"atomicity failures:   {res.atomicity_failures}")
    print(f"reopen failures:      {res.reopen_failures}")
    print(f"unexpected exits:     {res.unexpected_exits}")
    print(f"time:                 {res.seconds:.1f} s")
    for m in res.messages[:20]:
        print("  " + m)
    return 0 if res.ok else 1


if __name__ == "__main__":
    sys.exit(main())
