"""The window's evidence worker attaches a large file while other processes read the same file (issue #11.1).

The window has two connections in one process (its own and the worker's). Opening the worker's connection
used to read the file's header with a plain ``open()``/``close()``: closing that descriptor dropped every
POSIX lock the process held on the database file, so other processes saw nobody using it (SQLite's own
rules for "the last connection" then apply to a file that is in use). These tests run the scenario with real
processes and look at the kernel's lock table.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cdassess.services import Assessment

REQ = "CD.CM.VC.01.L3"
MB = 1 << 20


def kernel_locks(path: Path, pid: int) -> set[str]:
    """The POSIX locks ``pid`` holds on ``path`` and its -wal/-shm files, as the kernel sees them."""
    names = {}
    for suffix in ("", "-wal", "-shm"):
        try:
            st = os.stat(str(path) + suffix)
        except FileNotFoundError:
            continue
        names[st.st_ino] = suffix or "db"
    held = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields:
            continue  # a waiter, not a holder
        kind, _advisory, mode, owner, dev_ino = fields[1:6]
        if kind != "POSIX" or int(owner) != pid:
            continue
        ino = int(dev_ino.split(":")[2])
        if ino in names:
            held.add(f"{names[ino]} {mode} {fields[6]}")
    return held


def reader_loop(path: Path, stop: threading.Event, results: list[tuple[int, str]]) -> None:
    env = {**os.environ, "CDASSESS_USER": "reader"}
    cmds = (["info", str(path)], ["evidence", "list", str(path)])
    while not stop.is_set():
        for cmd in cmds:
            res = subprocess.run([sys.executable, "-c", "from cdassess.cli import run; run()", *cmd],
                                 capture_output=True, text=True, env=env, timeout=120, check=False)
            results.append((res.returncode, res.stderr[-400:]))


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads the kernel's lock table")
def test_a_second_connection_in_the_window_keeps_the_windows_locks(demo_path: Path) -> None:
    with Assessment.open(demo_path, actor="window") as window:
        window.ratings()
        before = kernel_locks(demo_path, os.getpid())
        assert any(lock.startswith("db ") for lock in before), before  # WAL mode: a SHARED lock on the file
        with Assessment.open(demo_path, actor="worker") as worker:  # what ui/workers.py does
            worker.ratings()
            during = kernel_locks(demo_path, os.getpid())
        after = kernel_locks(demo_path, os.getpid())
        # the worker's open must not drop the window's locks (a plain close() of the file would)
        assert before <= during, (before, during)
        assert before <= after, (before, after)


def test_large_attach_in_the_worker_while_other_processes_read(demo_path: Path, tmp_path: Path) -> None:
    """A 24 MB attach in a worker thread with its own connection, readers looping in other processes, and
    the window's own connection editing meanwhile: no crash, every reader succeeds, check passes."""
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(24 * MB))
    stop = threading.Event()
    results: list[tuple[int, str]] = []
    readers = [threading.Thread(target=reader_loop, args=(demo_path, stop, results)) for _ in range(2)]
    attached: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with Assessment.open(demo_path, actor="worker") as w:
                for _ in range(3):
                    ev, _new = w.add_evidence_file(big, [REQ])
                    attached.append(ev.id)
                    w.remove_evidence(ev.id)
        except BaseException as exc:
            errors.append(exc)

    with Assessment.open(demo_path, actor="window") as window:
        for t in readers:
            t.start()
        try:
            while len(results) < 2:  # the readers are running before the attach starts
                time.sleep(0.05)
            job = threading.Thread(target=worker)
            job.start()
            n = 0
            while job.is_alive():
                window.rate(REQ, "met" if n % 2 else "partial", note=f"edit {n}")
                n += 1
                time.sleep(0.02)
            job.join()
        finally:
            stop.set()
            for t in readers:
                t.join()
        assert not errors, errors
        assert len(attached) == 3
        assert n > 3  # the window kept editing while the worker attached
        assert window.check() == []
    failures = [r for r in results if r[0] != 0]
    assert results and not failures, failures[:3]
    with Assessment.open(demo_path, readonly=True) as a:
        assert a.check() == []
        assert a.rating(REQ).note.startswith("edit ")
