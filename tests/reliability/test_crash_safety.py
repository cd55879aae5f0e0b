"""Crash safety: SIGKILL an editing process at random moments; nothing reported committed may be lost."""

from __future__ import annotations

import shutil
import signal
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from cdassess.services import Assessment
from cdassess.store.connection import lock_path

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


@pytest.mark.slow
def test_random_kills_lose_no_committed_edit(tmp_path: Path, tool: Callable[[str], ModuleType]) -> None:
    crash = tool("crash_kill")
    res = crash.run(10, seed=7, workdir=tmp_path, max_delay=0.4, max_evidence=1 << 20)
    assert res.kills == 10
    assert res.edits_committed > 50, "the child should have committed edits between kills"
    assert res.messages == []
    assert (res.lost_edits, res.integrity_failures, res.atomicity_failures, res.reopen_failures) == (0, 0, 0, 0)


def test_killed_editor_leaves_a_lock_file_that_does_not_block(tmp_path: Path) -> None:
    path = tmp_path / "a.cdassess"
    Assessment.create(path, organization="O", project="P").close()
    code = ("import os, sys\n"
            "from cdassess.services import Assessment\n"
            f"a = Assessment.open({str(path)!r})\n"
            "a.rate(next(iter(a.model.requirements)), 'met', note='before kill')\n"
            "print('ready', flush=True)\n"
            "sys.stdin.read()\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert proc.stdin is not None
    proc.stdin.close()
    assert lock_path(path).exists(), "a killed process cannot remove its lock file"
    with Assessment.open(path) as a:
        assert a.check() == []
        assert [r.note for r in a.ratings().values()] == ["before kill"]


def test_kill_during_checkpoint_is_not_taken_for_truncation(tmp_path: Path) -> None:
    """Regression: page 1 written by a checkpoint before the later pages must not read as a truncated file.

    The crash harness found this: a kill during an automatic WAL checkpoint left a file whose header counted
    more pages than the file held, and the pre-open check refused it as truncated although the -wal file
    held every page.
    """
    src = tmp_path / "src.cdassess"
    Assessment.create(src, organization="O", project="P").close()
    a = Assessment.open(src)
    a.store.db.execute("PRAGMA wal_autocheckpoint = 0")
    ev, _ = a.add_evidence_bytes("big.bin", b"x" * (3 << 20))
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    copy = crashed / "a.cdassess"
    shutil.copyfile(src, copy)
    shutil.copyfile(Path(str(src) + "-wal"), Path(str(copy) + "-wal"))
    a.close()
    with copy.open("r+b") as fh:  # page 1 of a half-done checkpoint: counts pages not yet written
        header = bytearray(fh.read(100))
        pages = struct.unpack(">I", header[28:32])[0]
        header[28:32] = struct.pack(">I", pages + 500)
        fh.seek(0)
        fh.write(header)
    with Assessment.open(copy) as b:
        assert b.check() == []
        assert [e.sha256 for e in b.evidence_list()] == [ev.sha256]


def test_truncated_file_without_wal_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.cdassess"
    with Assessment.create(path, organization="O", project="P") as a:
        a.add_evidence_bytes("big.bin", b"y" * (1 << 20))
    assert not Path(str(path) + "-wal").exists() or Path(str(path) + "-wal").stat().st_size == 0
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    from cdassess.errors import AssessmentFileError

    with pytest.raises(AssessmentFileError, match="truncated"):
        Assessment.open(path)
