#!/usr/bin/env python3
"""Hostile-workbook harness: mutate valid questionnaires, full workbooks and model workbooks, and feed each
mutant to every importer in a worker process with a 10 s timeout.

Mutations: cell values (hostile text, numbers, formulas, control characters, other IDs, rating words), sheet
XML bytes (flips, cuts, duplicated ranges, injected elements: formulas, DTDs, huge row/column numbers, bad
cell types), zip structure (truncation, duplicate members, dropped or renamed parts, corrupted deflate
data, huge declared sizes, unknown compression methods, garbage before the zip), and whole-file garbage.

For every (input, importer) pair it records one outcome: accepted, rejected (a CdassessError with a clear
message), or a failure: another exception escaped (a traceback), the importer ran over the timeout, the
message was unclear, or the assessment changed although the import was rejected.

    .venv/bin/python tools/reliability/fuzz_workbooks.py --inputs 10000 --seed 1 --workers 2

Prints inputs tried, outcomes per importer and every distinct failure (goal: none).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TIMEOUT = 10.0
IMPORTERS = ("questionnaire", "workbook", "model")

HOSTILE_TEXT = [
    "", " ", "=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", " =HYPERLINK(\"http://x\")", "\t=1", "=cmd|' /C calc'!A0",
    "met", "MET", "是", "满足", "Y", "1", "partial", "部分", "P", "not met", "否", "N", "0", "N/A", "不适用", "na",
    "unrated", "maybe", "métis", "\x00", "\x01\x02\x1f", "\ufffe", "\ud800", "a" * 40_000, "中" * 5000,
    "<b>bold</b>", "&amp;", "]]>", "CD.CM.VC.01.L3", "CD.CM.VC.01.L9", "CD.XX", "../../etc/passwd", "NaN",
    "1e309", "-0", "2026-13-45", "9999-12-31", "\u202eevil", "\r\n\r\n", "'", "\"", "None", "null", "#REF!",
    "#DIV/0!", "TRUE", "FALSE", "high", "critical", "L3", "3", "99", "-1", "1.5",
]
HOSTILE_NUMBERS = ["-1", "0", "1e308", "1e309", "NaN", "inf", "abc", "", "99999999999999999999", "3.5", "-0",
                   "4294967296", "1048577", "2958466", "-693594"]
XML_TOKENS = [
    b"<f>SUM(A1:A9)</f>", b"<f t=\"shared\" si=\"0\"/>", b"<!DOCTYPE x [<!ENTITY a \"aaaaaaaa\">]>",
    b"<c r=\"XFD1048576\" t=\"inlineStr\"><is><t>far away</t></is></c>", b"<row r=\"1048577\"></row>",
    b"<row r=\"0\"><c r=\"A0\"><v>1</v></c></row>", b"<c r=\"A1\" t=\"e\"><v>#REF!</v></c>",
    b"<c r=\"B2\" t=\"b\"><v>2</v></c>", b"<c r=\"C3\" t=\"d\"><v>not a date</v></c>",
    b"<c r=\"D4\" t=\"s\"><v>99999</v></c>", b"<c r=\"E5\" s=\"9999\"><v>1</v></c>", b"&#0;", b"&bogus;",
    b"<dimension ref=\"A1:XFD1048576\"/>", b"<mergeCell ref=\"A1:XFD1048576\"/>", b"\xff\xfe", b"\x00",
    b"<c r=\"A1\" t=\"inlineStr\"><is><t>=1+1</t></is></c>", b"<sheetData>", b"</sheetData>", b"<row>",
    b"<c r=\"ZZZZZZ1\"><v>1</v></c>", b"<?xml version=\"1.0\"?>", b"<x:y xmlns:x=\"urn:x\"/>",
]


# ------------------------------------------------------------------------------------------ seeds


def _fill_answers(src: Path, dest: Path, rng: random.Random) -> None:
    """A filled-in copy of an exported workbook: answer-looking columns get plausible values."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    words = ["met", "partial", "not met", "N/A", "是", "部分", "否", "Y", "N", "P", ""]
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        header_row = None
        for row in ws.iter_rows(min_row=1, max_row=15):
            if any(isinstance(c.value, str) and "ID" in c.value for c in row):
                header_row = row
                break
        if header_row is None:
            continue
        for cell in header_row:
            head = str(cell.value or "")
            col = cell.column
            if any(k in head for k in ("Self-assessment", "Rating", "自评", "评级")):
                for r in range(cell.row + 1, ws.max_row + 1):
                    if rng.random() < 0.5:
                        ws.cell(r, col).value = rng.choice(words)
            elif any(k in head for k in ("Comment", "Owner", "Note", "备注", "负责人", "Evidence", "证据")):
                for r in range(cell.row + 1, ws.max_row + 1):
                    if rng.random() < 0.2:
                        ws.cell(r, col).value = f"answer {r}"
    wb.save(dest)


def make_seeds(a: Any, workdir: Path) -> dict[str, bytes]:
    from cdassess.xlsx import export_model_workbook, export_questionnaire, export_workbook

    rng = random.Random(0)
    paths = {
        "questionnaire": export_questionnaire(a, workdir / "seed-questionnaire.xlsx"),
        "workbook": export_workbook(a, workdir / "seed-workbook.xlsx"),
        "model": export_model_workbook(a.model, workdir / "seed-model.xlsx"),
    }
    _fill_answers(paths["questionnaire"], workdir / "seed-questionnaire-filled.xlsx", rng)
    _fill_answers(paths["workbook"], workdir / "seed-workbook-edited.xlsx", rng)
    paths["questionnaire-filled"] = workdir / "seed-questionnaire-filled.xlsx"
    paths["workbook-edited"] = workdir / "seed-workbook-edited.xlsx"
    return {k: p.read_bytes() for k, p in paths.items()}


# ------------------------------------------------------------------------------------------ mutations


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def _rezip(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", method) as zf:
        warnings.simplefilter("ignore", UserWarning)  # duplicate member names are the point
        for name, body in members:
            zf.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), body, compress_type=method)
    return buf.getvalue()


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pick_member(rng: random.Random, members: list[tuple[str, bytes]], sheets_only: bool = False) -> int:
    idx = [i for i, (n, _) in enumerate(members) if n.startswith("xl/worksheets/")] if sheets_only else []
    if not idx:
        idx = [i for i, (n, _) in enumerate(members) if n.endswith((".xml", ".rels"))]
    return rng.choice(idx)


def mut_cell_text(rng: random.Random, members: list[tuple[str, bytes]]) -> str:
    i = _pick_member(rng, members, sheets_only=True)
    name, body = members[i]
    spans = [m.span(1) for m in re.finditer(rb"<t(?: [^>]*)?>([^<]*)</t>", body)]
    if not spans:
        return "cell_text(none)"
    for _ in range(rng.randint(1, 8)):
        s, e = rng.choice(spans)
        value = rng.choice(HOSTILE_TEXT)
        raw = _xml_escape(value).encode("utf-8", "surrogatepass")
        body = body[:s] + raw + body[e:]
        spans = [m.span(1) for m in re.finditer(rb"<t(?: [^>]*)?>([^<]*)</t>", body)]
    members[i] = (name, body)
    return "cell_text"


def mut_cell_number(rng: random.Random, members: list[tuple[str, bytes]]) -> str:
    i = _pick_member(rng, members, sheets_only=True)
    name, body = members[i]
    spans = [m.span(1) for m in re.finditer(rb"<v>([^<]*)</v>", body)]
    if not spans:
        return "cell_number(none)"
    s, e = rng.choice(spans)
    members[i] = (name, body[:s] + rng.choice(HOSTILE_NUMBERS).encode() + body[e:])
    return "cell_number"


def mut_rows(rng: random.Random, members: list[tuple[str, bytes]]) -> str:
    """Delete, duplicate or swap whole rows in a sheet (blank rows, duplicate IDs, moved headers)."""
    i = _pick_member(rng, members, sheets_only=True)
    name, body = members[i]
    rows = [m.span() for m in re.finditer(rb"<row [^>]*>.*?</row>", body, re.S)]
    if len(rows) < 2:
        return "rows(none)"
    s, e = rng.choice(rows)
    op = rng.choice(["delete", "duplicate", "swap_header"])
    if op == "delete":
        body = body[:s] + body[e:]
    elif op == "duplicate":
        body = body[:e] + body[s:e] + body[e:]
    else:
        hs, he = rows[0]
        body = body[:hs] + body[s:e] + body[he:s] + body[hs:he] + body[e:]
    members[i] = (name, body)
    return f"rows_{op}"


def mut_xml_bytes(rng: random.Random, members: list[tuple[str, bytes]]) -> str:
    i = _pick_member(rng, members, sheets_only=rng.random() < 0.6)
    name, body = members[i]
    b = bytearray(body)
    op = rng.choice(["flip", "cut", "dup", "insert", "insert", "truncate"])
    if not b:
        return "xml(empty)"
    p = rng.randrange(len(b))
    if op == "flip":
        for _ in range(rng.randint(1, 16)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif op == "cut":
        del b[p : p + rng.randint(1, 400)]
    elif op == "dup":
        b[p:p] = b[p : p + rng.randint(1, 2000)]
    elif op == "insert":
        positions = [m.start() for m in re.finditer(rb"<", bytes(b))] or [p]
        q = rng.choice(positions)
        b[q:q] = rng.choice(XML_TOKENS)
    else:
        del b[p:]
    members[i] = (name, bytes(b))
    return f"xml_{op}"


def mut_members(rng: random.Random, members: list[tuple[str, bytes]]) -> str:
    op = rng.choice(["drop", "duplicate", "rename", "empty", "swap"])
    i = rng.randrange(len(members))
    name, body = members[i]
    if op == "drop":
        del members[i]
    elif op == "duplicate":
        members.insert(rng.randrange(len(members) + 1), (name, rng.choice([body, b"", body[: len(body) // 2]])))
    elif op == "rename":
        members[i] = (rng.choice([name.upper(), name + ".bak", "xl/worksheets/sheet99.xml", "../" + name]), body)
    elif op == "empty":
        members[i] = (name, b"")
    else:
        j = rng.randrange(len(members))
        members[i], members[j] = (name, members[j][1]), (members[j][0], body)
    return f"member_{op}"


def _damage_member_data(rng: random.Random, b: bytearray, locs: list[int]) -> None:
    h = rng.choice(locs)
    nlen, xlen = struct.unpack("<HH", b[h + 26 : h + 30])
    start = h + 30 + nlen + xlen
    csize = struct.unpack("<I", b[h + 18 : h + 22])[0]
    for _ in range(rng.randint(1, 8)):
        if csize:
            b[start + rng.randrange(csize)] = rng.randrange(256)


def _damage_directory(rng: random.Random, b: bytearray, op: str, cds: list[int], locs: list[int]) -> None:
    if op == "huge_size":
        for c in rng.sample(cds, rng.randint(1, len(cds))):
            b[c + 24 : c + 28] = struct.pack("<I", rng.choice([0xFFFFFFFF, 0x7FFFFFFF, 1 << 30, 0]))
            if rng.random() < 0.5:
                b[c + 20 : c + 24] = struct.pack("<I", rng.choice([0xFFFFFFFF, 1, 0]))
    elif op == "method":
        m = rng.choice([1, 6, 9, 12, 14, 93, 99, 0xFFFF])
        b[(c := rng.choice(cds)) + 10 : c + 12] = struct.pack("<H", m)
        for h in locs:
            if rng.random() < 0.5:
                b[h + 8 : h + 10] = struct.pack("<H", m)
    elif op == "cd_garbage":
        c = rng.choice(cds)
        for _ in range(rng.randint(1, 6)):
            b[c + rng.randrange(46)] = rng.randrange(256)
    else:  # crc
        h = rng.choice(locs)
        b[h + 14 : h + 18] = rng.randbytes(4)
        for c in cds:
            if rng.random() < 0.7:
                b[c + 16 : c + 20] = rng.randbytes(4)


def raw_mutation(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Damage the zip container itself."""
    op = rng.choice(["truncate", "deflate", "huge_size", "method", "prefix", "cd_garbage", "crc"])
    b = bytearray(data)
    cds = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    locs = [m.start() for m in re.finditer(rb"PK\x03\x04", data)]
    if op == "truncate":
        return bytes(b[: rng.randrange(1, len(b))]), "zip_truncate"
    if op == "prefix":
        return rng.randbytes(rng.randint(1, 5000)) + bytes(b), "zip_prefix"
    if not cds or not locs:
        return bytes(b), "zip_noop"
    if op == "deflate":
        _damage_member_data(rng, b, locs)
    else:
        _damage_directory(rng, b, op, cds, locs)
    return bytes(b), f"zip_{op}"


_BOMB: bytes | None = None


def whole_file(rng: random.Random) -> tuple[bytes, str]:
    global _BOMB  # noqa: PLW0603 - built once, reused by every bomb input
    op = rng.choice(["empty", "random", "ole", "text", "zip_of_nothing", "bomb", "many_parts", "docx"])
    if op == "empty":
        return b"", "file_empty"
    if op == "random":
        return rng.randbytes(rng.randint(1, 20_000)), "file_random"
    if op == "ole":
        return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(4000), "file_ole"
    if op == "text":
        return b"ID,Self-assessment\nCD.CM.VC.01.L3,met\n", "file_csv"
    if op == "zip_of_nothing":
        return _rezip([("hello.txt", b"hi")]), "file_plain_zip"
    if op == "docx":
        return _rezip([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>")]), "file_docx"
    if op == "many_parts":
        return _rezip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")]
                      + [(f"xl/x{i}.xml", b"") for i in range(2500)], zipfile.ZIP_STORED), "file_many_parts"
    if _BOMB is None:
        _BOMB = _rezip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>"),
                        ("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (300 << 20) + b"</worksheet>")])
    return _BOMB, "file_zip_bomb"


MUTATORS = [mut_cell_text, mut_cell_text, mut_cell_number, mut_rows, mut_xml_bytes, mut_xml_bytes, mut_members]


def mutate(rng: random.Random, seeds: dict[str, bytes]) -> tuple[bytes, str, str]:
    """One hostile input: (bytes, seed name, what was done)."""
    roll = rng.random()
    if roll < 0.04:
        data, what = whole_file(rng)
        return data, "none", what
    seed = rng.choice(sorted(seeds))
    members = _members(seeds[seed])
    done = [rng.choice(MUTATORS)(rng, members) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    data = _rezip(members, rng.choice([zipfile.ZIP_DEFLATED] * 4 + [zipfile.ZIP_STORED]))
    if roll > 0.8:
        data, what = raw_mutation(rng, data)
        done.append(what)
    return data, seed, "+".join(done)


# ------------------------------------------------------------------------------------------ worker


def _state(a: Any) -> tuple[Any, ...]:
    return (a.store.audit_head(), sorted(a.ratings().items()), sorted(a.claims().items()), a.findings(),
            [(e.id, e.sha256, e.req_ids) for e in a.evidence_list()])


def _clear(exc: BaseException, path: Path) -> str | None:
    """Why a rejection message is not clear enough, or None when it is."""
    from cdassess.errors import ValidationError

    msg = str(exc)
    if not msg.strip():
        return "empty message"
    if "Traceback" in msg or len(msg) > 4000:
        return "message is a dump, not a sentence"
    if path.name not in msg:
        return "message does not name the file"
    if isinstance(exc, ValidationError):
        if not exc.problems:
            return "validation error without problems"
        if any(not str(p).strip() for p in exc.problems):
            return "a problem without text"
    return None


def _worker(pristine: str, work: str) -> None:
    """Worker process: one JSON request per stdin line, one JSON answer per stdout line."""
    import resource

    from cdassess.errors import CdassessError
    from cdassess.library import ModelLibrary
    from cdassess.services import Assessment
    from cdassess.xlsx import import_model_workbook, import_questionnaire, read_workbook

    with_limit = getattr(resource, "RLIMIT_AS", None)
    if with_limit is not None:
        resource.setrlimit(with_limit, (3 << 30, 3 << 30))  # a memory bomb fails here, not on the machine
    workdir = Path(work)
    path = workdir / "assessment.cdassess"
    shutil.copyfile(pristine, path)
    a = Assessment.open(path, actor="fuzz")
    base = _state(a)
    lib = ModelLibrary(user_dir=workdir / "library")
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but answers on the answer channel
    for line in sys.stdin:
        job = json.loads(line)
        src, importer = Path(job[0]), job[1]
        outcome: tuple[str, str]
        try:
            if importer == "questionnaire":
                import_questionnaire(a, src)
            elif importer == "workbook":
                read_workbook(a, src).apply(a)
            else:
                import_model_workbook(src, replace=True, library=lib)
            outcome = ("accepted", "")
        except CdassessError as exc:
            why = _clear(exc, src)
            outcome = ("unclear", f"{type(exc).__name__}: {why}: {str(exc)[:300]}") if why else ("rejected", "")
            if importer != "model" and _state(a) != base:
                outcome = ("changed", f"rejected ({type(exc).__name__}) but the assessment changed")
        except BaseException as exc:  # every other exception is exactly what is reported
            tb = traceback.extract_tb(exc.__traceback__)
            frame = next((f for f in reversed(tb) if "/cdassess/" in f.filename), tb[-1] if tb else None)
            where = f"{Path(frame.filename).name}:{frame.lineno}" if frame else "?"
            outcome = ("traceback", f"{type(exc).__name__} at {where}: {str(exc)[:200]}")
        if importer != "model" and outcome[0] == "accepted" and a.store.audit_head() != base[0]:
            a.close()  # an accepted import changed the file: start the next input from the pristine copy
            shutil.copyfile(pristine, path)
            a = Assessment.open(path, actor="fuzz")
        out.write(json.dumps(outcome) + "\n")
        out.flush()
    a.close()


@dataclass
class Report:
    inputs: int = 0
    runs: int = 0
    outcomes: dict[str, Counter[str]] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)  # signature -> examples
    slowest: float = 0.0
    slowest_input: str = ""
    seconds: float = 0.0

    def record(self, n: int, what: str, data: bytes, results: list[tuple[str, str, str, float]],
               keep_failures: Path | None) -> None:
        """Count one input's outcomes; keep up to three examples (and their files) of each failure."""
        self.inputs += 1
        for imp, kind, detail, secs in results:
            self.runs += 1
            if secs > self.slowest:
                self.slowest, self.slowest_input = secs, f"{imp} of input {n} ({what})"
            self.outcomes[imp][kind] += 1
            if kind not in ("traceback", "hang", "unclear", "changed"):
                continue
            sig = f"{imp}: {kind}: {re.sub(r'/tmp/[^ :]*', '<file>', detail)[:160]}"
            examples = self.failures.setdefault(sig, [])
            if len(examples) < 3:
                examples.append(f"input {n} ({what})")
                if keep_failures is not None:
                    keep_failures.mkdir(parents=True, exist_ok=True)
                    (keep_failures / f"failure-{n}-{imp}.xlsx").write_bytes(data)

    @property
    def failure_count(self) -> int:
        return sum(c[k] for c in self.outcomes.values() for k in ("traceback", "hang", "unclear", "changed"))


class _Slot:
    """One worker process; restarted after a hang or a crash."""

    def __init__(self, pristine: Path, root: Path, n: int) -> None:
        self.pristine, self.root, self.n = pristine, root, n
        self.restarts = 0
        self._start()

    def _start(self) -> None:
        self.restarts += 1
        work = self.root / f"worker-{self.n}-{self.restarts}"
        work.mkdir()
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker", str(self.pristine), str(work)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, env=env)

    def run(self, src: Path, importer: str, timeout: float) -> tuple[str, str, float]:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        t = time.perf_counter()
        try:
            self.proc.stdin.write(json.dumps([str(src), importer]) + "\n")
            self.proc.stdin.flush()
        except OSError:
            pass
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if ready:
            line = self.proc.stdout.readline()
            if line:
                kind, detail = json.loads(line)
                return kind, detail, time.perf_counter() - t
            self.proc.wait(5)
            code = self.proc.returncode
            self.restart()
            return "traceback", f"worker died (exit {code})", time.perf_counter() - t
        self.restart()
        return "hang", f"no answer within {timeout:.0f} s", time.perf_counter() - t

    def restart(self) -> None:
        self._stop()
        self._start()

    def _stop(self) -> None:
        self.proc.kill()
        self.proc.wait(10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def close(self) -> None:
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(20)
        self._stop()


def run(inputs: int, seed: int, workdir: Path, *, workers: int = 2, timeout: float = TIMEOUT,
        keep_failures: Path | None = None, progress: bool = False, start: int = 0) -> Report:
    """Build the seeds from the demo assessment, then try ``inputs`` mutants on every importer."""
    import threading

    from cdassess.demo import build_demo

    started = time.monotonic()
    pristine = workdir / "pristine.cdassess"
    with build_demo(pristine, actor="fuzz") as a:
        seeds = make_seeds(a, workdir)
    slots = [_Slot(pristine, workdir, n) for n in range(workers)]
    rep = Report(outcomes={k: Counter() for k in (*IMPORTERS, "harness")})
    rng = random.Random(seed)
    jobs = [(n, rng.randrange(1 << 30)) for n in range(start + inputs)][start:]
    lock = threading.Lock()
    cursor = iter(jobs)

    def drive(slot: _Slot) -> None:
        while True:
            with lock:
                job = next(cursor, None)
            if job is None:
                return
            n, job_seed = job
            try:
                data, seed_name, what = mutate(random.Random(job_seed), seeds)
            except Exception as exc:  # a harness bug must show, not silently drop inputs
                with lock:
                    rep.record(n, f"seed {job_seed}: mutation", b"",
                               [("harness", "traceback", f"{type(exc).__name__}: {exc}", 0.0)], None)
                continue
            src = workdir / f"input-{slot.n}.xlsx"
            src.write_bytes(data)
            try:
                results = [(imp, *slot.run(src, imp, timeout)) for imp in IMPORTERS]
            except Exception as exc:  # a harness bug must show, not end this thread's share of the inputs
                slot.restart()
                results = [("harness", "traceback", f"{type(exc).__name__}: {exc}", 0.0)]
            with lock:
                rep.record(n, f"seed {job_seed}, from {seed_name}: {what}", data, results, keep_failures)
                if progress and rep.inputs % 500 == 0:
                    print(f"  {rep.inputs} inputs, {rep.failure_count} failures, "
                          f"{time.monotonic() - started:.0f} s", flush=True)

    threads = [threading.Thread(target=drive, args=(s,)) for s in slots]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in slots:
        s.close()
    rep.seconds = time.monotonic() - started
    return rep


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--inputs", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workers", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    p.add_argument("--timeout", type=float, default=TIMEOUT)
    p.add_argument("--start", type=int, default=0, help="skip the first N inputs of the seed's sequence")
    p.add_argument("--keep-failures", type=Path, help="write each failing input into this folder")
    p.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        _worker(*args.worker)
        return 0
    with tempfile.TemporaryDirectory(prefix="cdassess-fuzz-") as tmp:
        os.environ.setdefault("CDASSESS_HOME", str(Path(tmp) / "home"))  # settings and model library
        rep = run(args.inputs, args.seed, Path(tmp), workers=args.workers, timeout=args.timeout,
                  keep_failures=args.keep_failures, progress=True, start=args.start)
    print(f"inputs tried:      {rep.inputs} ({rep.runs} importer runs, seed {args.seed})")
    for imp, counts in rep.outcomes.items():
        if not counts:
            continue
        print(f"  {imp:<14} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"failures:          {rep.failure_count} (tracebacks, hangs over {args.timeout:.0f} s, unclear "
          "messages, changes after a rejection)")
    print(f"slowest run:       {rep.slowest:.2f} s: {rep.slowest_input}")
    print(f"time:              {rep.seconds:.0f} s")
    for sig, examples in sorted(rep.failures.items()):
        print(f"  - {sig}")
        for ex in examples:
            print(f"      {ex}")
    return 0 if rep.failure_count == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
