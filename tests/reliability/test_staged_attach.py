"""Attaching lands whole or not at all, and never holds the write lock long (issue #11.1, #12.5)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cdassess.errors import CdassessError
from cdassess.services import Assessment
from cdassess.store.evidence import CancelledError

REQ = "CD.CM.VC.01.L3"
MB = 1 << 20


def staged_rows(path: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM evidence WHERE sha256 LIKE 'pending:%'").fetchone()[0])
    finally:
        conn.close()


def test_cancel_mid_attach_leaves_no_evidence_and_no_staged_content(demo: Assessment, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(20 * MB))
    before = [e.id for e in demo.evidence_list()]
    seen: list[int] = []

    def cancelled() -> bool:
        return len(seen) > 9  # after 10 MB, i.e. after a couple of committed stages

    with pytest.raises(CancelledError):
        demo.add_evidence_file(big, [REQ], progress=lambda d, _t: seen.append(d), cancelled=cancelled)
    assert [e.id for e in demo.evidence_list()] == before
    assert staged_rows(demo.path) == 0
    assert demo.check() == []


def test_other_edits_commit_while_a_large_attach_runs(demo_path: Path, tmp_path: Path) -> None:
    """The window's own edits commit quickly while its worker attaches (the benchmark measures 2 GB)."""
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(48 * MB))
    done = threading.Event()
    latencies: list[float] = []

    def worker() -> None:
        with Assessment.open(demo_path, actor="worker") as w:
            w.add_evidence_file(big, [REQ])
        done.set()

    with Assessment.open(demo_path, actor="window") as window:
        job = threading.Thread(target=worker)
        job.start()
        n = 0
        while not done.is_set():
            t0 = time.perf_counter()
            window.rate(REQ, "met" if n % 2 else "partial")
            latencies.append(time.perf_counter() - t0)
            n += 1
            time.sleep(0.01)
        job.join()
        assert window.check() == []
    assert len(latencies) >= 5
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    assert p95 < 0.5, f"p95 {p95 * 1000:.0f} ms over {len(latencies)} edits"  # generous: 2 shared cores


KILL_CHILD = """
import os, sys, time
from cdassess.services import Assessment
a = Assessment.open(sys.argv[1], actor="killed")
def progress(done, total):
    if done >= 12 * 2**20:
        print("staged", flush=True)
        time.sleep(60)
a.add_evidence_file(sys.argv[2], [sys.argv[3]], progress=progress)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_mid_attach_leaves_no_half_evidence(demo_path: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(32 * MB))
    with Assessment.open(demo_path, readonly=True) as a:
        before = [(e.id, e.sha256) for e in a.evidence_list()]
    with subprocess.Popen([sys.executable, "-c", KILL_CHILD, str(demo_path), str(big), REQ],
                          stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "staged"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    assert staged_rows(demo_path) > 0  # content was committed in stages before the kill
    with Assessment.open(demo_path, readonly=True) as a:  # a reader sees no half evidence
        assert [(e.id, e.sha256) for e in a.evidence_list()] == before
        assert a.check() == []
    with Assessment.open(demo_path, actor="next") as a:  # the next edit session removes what was staged
        assert [(e.id, e.sha256) for e in a.evidence_list()] == before
        assert a.check() == []
    assert staged_rows(demo_path) == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_a_fifo_is_refused_without_blocking(demo: Assessment, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    t0 = time.monotonic()
    with pytest.raises(CdassessError, match="named pipe") as info:
        demo.add_evidence_file(fifo, [REQ])
    assert info.value.code == "evidence_not_regular"
    assert time.monotonic() - t0 < 5


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="devices")
def test_a_device_is_refused(demo: Assessment) -> None:
    n = len(demo.evidence_list())
    with pytest.raises(CdassessError, match="character device"):
        demo.add_evidence_file("/dev/zero", [REQ])
    assert len(demo.evidence_list()) == n


def test_a_file_that_changes_while_being_read_is_refused(demo: Assessment, tmp_path: Path) -> None:
    src = tmp_path / "growing.log"
    src.write_bytes(os.urandom(6 * MB))
    n = len(demo.evidence_list())

    def progress(done: int, _total: int) -> None:
        if done == 2 * MB:
            with src.open("ab") as fh:  # another program appends meanwhile
                fh.write(b"more lines\n")

    with pytest.raises(CdassessError, match="it changed while being read; attach it again") as info:
        demo.add_evidence_file(src, [REQ], progress=progress)
    assert info.value.code == "evidence_changed"
    assert len(demo.evidence_list()) == n
    assert staged_rows(demo.path) == 0
    assert demo.check() == []


def test_a_file_rewritten_in_place_is_refused(demo: Assessment, tmp_path: Path) -> None:
    src = tmp_path / "report.pdf"
    src.write_bytes(b"A" * (3 * MB))
    old = src.stat()

    def progress(done: int, _total: int) -> None:
        if done == MB:
            with src.open("r+b") as fh:  # same size, other bytes: only the time says it changed
                fh.seek(2 * MB)
                fh.write(b"B" * 10)
            os.utime(src, ns=(old.st_atime_ns, old.st_mtime_ns + 1_000_000))

    with pytest.raises(CdassessError, match="changed while being read"):
        demo.add_evidence_file(src, [REQ], progress=progress)


def test_size_limit_and_free_space(demo: Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "big.bin"
    src.write_bytes(b"x" * (3 * MB))
    with pytest.raises(CdassessError, match="larger than the limit") as info:
        demo.add_evidence_file(src, [REQ], max_bytes=2 * MB)
    assert info.value.code == "evidence_too_large"
    monkeypatch.setenv("CDASSESS_MAX_EVIDENCE_MB", "1")
    with pytest.raises(CdassessError, match="larger than the limit"):
        demo.add_evidence_file(src, [REQ])
    monkeypatch.delenv("CDASSESS_MAX_EVIDENCE_MB")
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(10 * MB, 9 * MB, 1 * MB))
    with pytest.raises(CdassessError, match="free space") as info:
        demo.add_evidence_file(src, [REQ])
    assert info.value.code == "evidence_no_space"


def test_cli_max_size_option(demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cdassess.cli import main

    src = tmp_path / "big.bin"
    src.write_bytes(b"x" * (3 * MB))
    code = main(["evidence", "add", str(demo_path), str(src), "--req", REQ, "--max-size", "2"])
    err = capsys.readouterr().err
    assert code == 1 and "larger than the limit of 2.0 MB" in err and len(err.strip().splitlines()) == 1
