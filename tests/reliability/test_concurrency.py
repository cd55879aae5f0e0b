"""Concurrency: a second editor of the same file is refused (or reads), and two connections in one process
(the window and its evidence worker) serialize their writes without corrupting the file."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cdassess.errors import AssessmentFileError, FileInUseError
from cdassess.services import Assessment

REQ = "CD.CM.VC.01.L3"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CDASSESS_USER": "cli-user"}
    return subprocess.run([sys.executable, "-c", "from cdassess.cli import run; run()", *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def holder(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process that holds the file open for editing (like a second window) until released."""
    code = ("import sys\n"
            "from cdassess.services import Assessment\n"
            f"a = Assessment.open({str(path)!r}, actor='window-2')\n"
            f"a.rate({REQ!r}, 'partial', note='from the other window')\n"
            "print('holding', flush=True)\n"
            "sys.stdin.readline()\n"
            "a.close()\n")
    with subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True) as proc:
        assert proc.stdout is not None
        assert proc.stdin is not None
        assert proc.stdout.readline().strip() == "holding"
        try:
            yield proc
        finally:
            proc.stdin.write("\n")
            proc.stdin.flush()
            proc.wait(30)


def test_cli_edit_is_refused_while_a_window_holds_the_file(demo_path: Path) -> None:
    with Assessment.open(demo_path, actor="window") as a:
        a.rate(REQ, "not_met", note="window edit")
        before = (a.ratings(), a.claims(), a.findings(), len(a.store.audit_entries()))
        res = cli("rate", str(demo_path), REQ, "met")
        assert res.returncode == 1
        assert "already open for editing" in res.stderr
        assert "read-only" in res.stderr  # the message says what to do
        assert "Traceback" not in res.stderr
        assert (a.ratings(), a.claims(), a.findings(), len(a.store.audit_entries())) == before
        # a read-only command works meanwhile and sees the window's committed edit
        info = cli("requirements", str(demo_path), "--json")
        assert info.returncode == 0, info.stderr
        assert f'"id": "{REQ}"' in info.stdout
        assert '"status": "not_met"' in info.stdout
    res = cli("rate", str(demo_path), REQ, "met")  # after the window closed
    assert res.returncode == 0, res.stderr
    with Assessment.open(demo_path, readonly=True) as a:
        assert a.rating(REQ).status == "met"
        assert a.check() == []


def test_second_window_is_refused_with_who_holds_it(demo_path: Path) -> None:
    with holder(demo_path) as proc:
        with pytest.raises(FileInUseError) as info:
            Assessment.open(demo_path, actor="window-1")
        msg = str(info.value)
        assert str(demo_path) in msg
        assert f"process {proc.pid}" in msg
        assert "open this file read-only" in msg
        with Assessment.open(demo_path, readonly=True) as ro:
            assert ro.rating(REQ).note == "from the other window"
            with pytest.raises(AssessmentFileError, match="read-only"):
                ro.rate(REQ, "met")
    with Assessment.open(demo_path) as a:
        assert a.check() == []


def test_refused_open_leaves_file_and_lock_untouched(demo_path: Path) -> None:
    from cdassess.store.connection import lock_path

    with holder(demo_path) as proc:
        lock_before = lock_path(demo_path).read_text()
        file_before = digest(demo_path)
        for _ in range(3):
            with pytest.raises(FileInUseError):
                Assessment.open(demo_path)
        assert lock_path(demo_path).read_text() == lock_before
        assert str(proc.pid) in lock_before
        assert digest(demo_path) == file_before


@pytest.mark.slow
def test_window_and_evidence_worker_write_concurrently(demo_path: Path) -> None:
    """The UI's evidence worker opens its own connection in its own thread; both write at the same time."""
    ui = Assessment.open(demo_path, actor="window")
    reqs = sorted(ui.model.requirements)[:60]
    rng = random.Random(3)
    blobs = [rng.randbytes(rng.randint(1, 3 << 20)) for _ in range(8)]
    errors: list[BaseException] = []
    added: list[str] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            w = Assessment.open(demo_path, actor="evidence-worker")  # same process, its own connection
            try:
                start.wait()
                for i, blob in enumerate(blobs):
                    ev, _ = w.add_evidence_bytes(f"upload-{i}.bin", blob, [reqs[i]])
                    added.append(ev.sha256)
            finally:
                w.close()
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=worker)
    t.start()
    start.wait()
    done = 0
    try:
        for n in range(300):
            req = reqs[n % len(reqs)]
            ui.rate(req, ("met", "partial", "not_met")[n % 3], note=f"edit {n}")
            done += 1
    finally:
        t.join(120)
    assert errors == []
    assert done == 300
    assert sorted(added) == sorted(hashlib.sha256(b).hexdigest() for b in blobs)
    ratings = ui.ratings()
    for n in range(240, 300):
        assert ratings[reqs[n % len(reqs)]].note == f"edit {n}"
    assert ui.check() == []
    ui.close()
