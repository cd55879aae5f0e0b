"""The editing lock (issue #12.4): filelock on the sidecar, exclusive under contention, never through a symlink,
holder named, a stale lock of a dead process taken over and said so."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cdassess.errors import AssessmentFileError, FileInUseError
from cdassess.services import Assessment
from cdassess.store.connection import lock_path

CONTENDER = r"""
import os, sys, time
from pathlib import Path
from cdassess.errors import FileInUseError
from cdassess.store.connection import acquire_edit_lock, release_edit_lock
path, markers, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
go = Path(sys.argv[4])
while not go.exists():
    time.sleep(0.005)
held = overlaps = 0
mine = markers / str(os.getpid())
for _ in range(rounds):
    try:
        acquire_edit_lock(path)
    except FileInUseError:
        continue
    held += 1
    mine.write_text("x")
    if [m for m in os.listdir(markers) if m != mine.name]:
        overlaps += 1
    time.sleep(0.002)
    mine.unlink()
    release_edit_lock(path)
print(held, overlaps)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="12 processes started the POSIX way")
def test_twelve_processes_never_hold_the_lock_at_once(tmp_path: Path) -> None:
    """Each process holds the lock, writes a marker and looks for another's marker. The lock before filelock
    (removed before it was unlocked) overlapped 23 times in 45 acquisitions of this test."""
    path = tmp_path / "a.cdassess"
    path.write_bytes(b"x")
    markers = tmp_path / "markers"
    markers.mkdir()
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", CONTENDER, str(path), str(markers), "60", str(go)],
                              stdout=subprocess.PIPE, text=True) for _ in range(12)]
    go.write_text("go")
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=180)
        assert p.returncode == 0
        results.append(tuple(int(x) for x in out.split()))
    held = sum(h for h, _ in results)
    overlaps = sum(o for _, o in results)
    assert overlaps == 0, results
    assert held >= 12, results  # the lock was really contended and taken many times
    assert not lock_path(path).exists()  # the last holder removed it


def test_a_symlinked_lock_file_is_refused_and_its_target_untouched(demo_path: Path, tmp_path: Path) -> None:
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    os.symlink(victim, lock_path(demo_path))
    with pytest.raises(AssessmentFileError, match="is a symbolic link") as info:
        Assessment.open(demo_path, actor="x")
    assert info.value.code == "lock_symlink"
    assert victim.read_text() == "keep me"
    with Assessment.open(demo_path, readonly=True) as a:  # reading needs no lock
        assert a.ratings()


def test_the_holder_is_named(demo_path: Path) -> None:
    code = ("import sys\nfrom cdassess.services import Assessment\n"
            "a = Assessment.open(sys.argv[1], actor='w2')\nprint('ok', flush=True)\nsys.stdin.readline()\n")
    with subprocess.Popen([sys.executable, "-c", code, str(demo_path)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline().strip() == "ok"
        with pytest.raises(FileInUseError) as info:
            Assessment.open(demo_path, actor="me")
        assert f"(process {proc.pid})" in str(info.value) and info.value.code == "file_in_use"
        proc.stdin.write("\n")
        proc.stdin.flush()
        proc.wait(30)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_stale_lock_of_a_killed_process_is_taken_over_and_said(demo_path: Path) -> None:
    code = ("import sys\nfrom cdassess.services import Assessment\n"
            "a = Assessment.open(sys.argv[1], actor='gone')\nprint('ok', flush=True)\nsys.stdin.readline()\n")
    with subprocess.Popen([sys.executable, "-c", code, str(demo_path)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ok"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    left = json.loads(lock_path(demo_path).read_text())
    assert left["pid"] == proc.pid  # the killed process could not remove its holder info
    with Assessment.open(demo_path, actor="next") as a:
        assert "was left by a process that is no longer running" in a.store.lock_note
        assert f"process {proc.pid}" in a.store.lock_note
        a.rate("CD.CM.VC.01.L3", "met")
    with Assessment.open(demo_path, actor="again") as a:
        assert a.store.lock_note == ""  # a lock released normally leaves nothing to report
