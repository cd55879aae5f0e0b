"""One-line errors everywhere (issue #12 part 8): damaged or crafted files and hostile locations reach the CLI as
exit 1 with one line on stderr, no traceback, and the assessment file unchanged.

The crafted schema variants are fed to the CLI in test_crafted_files.py; this covers torn pages, outputs onto a
read-only or full location, a 200-emoji evidence name, deeply nested model JSON and a killed ``new``.
"""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cdassess.cli import main as cli_main
from cdassess.services import Assessment


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli_main(list(argv))
    return code, capsys.readouterr().err


def _one_line(code: int, err: str) -> None:
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


@pytest.mark.parametrize("page", [1, 2, 3, -2])
def test_torn_pages_give_one_line_or_are_named_by_check(page: int, demo_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Half of one page zeroed, as a torn write leaves it."""
    data = bytearray(demo_path.read_bytes())
    size = 32768
    n = len(data) // size
    index = page if page >= 0 else n + page
    start = index * size + size // 2
    data[start:start + size // 2] = bytes(size // 2)
    demo_path.write_bytes(bytes(data))
    before = demo_path.read_bytes()
    for argv in (["info", str(demo_path)], ["rate", str(demo_path), "CD.MF.MD.03.L3", "met"],
                 ["evidence", "list", str(demo_path)]):
        code, err = _run(capsys, *argv)
        assert "Traceback" not in err
        if code:
            _one_line(code, err)
    code, err = _run(capsys, "check", str(demo_path))
    assert code == 1 and "Traceback" not in err, err  # check names the damage
    assert demo_path.read_bytes() == before or code == 1


def test_outputs_onto_a_read_only_or_full_location(demo_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    before = demo_path.read_bytes()
    for argv in (["report", "gap", str(demo_path), "-o", "/proc/cdassess-report.pdf"],
                 ["workbook", "export", str(demo_path), "-o", "/proc/cdassess.xlsx"],
                 ["evidence", "extract", str(demo_path), "1", "-o", "/proc/cdassess-evidence.bin"],
                 ["report", "gap", str(demo_path), "-o", "/dev/full", "--force"]):
        code, err = _run(capsys, *argv)
        _one_line(code, err)
    assert Path("/dev/full").is_char_device()

    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    out = demo_path.parent / "out"
    out.mkdir()
    for argv in (["report", "gap", str(demo_path), "-o", str(out / "gap.pdf")],
                 ["workbook", "export", str(demo_path), "-o", str(out / "w.xlsx")],
                 ["evidence", "extract", str(demo_path), "1", "-o", str(out / "e.bin")]):
        code, err = _run(capsys, *argv)
        _one_line(code, err)
        assert "No space left on device" in err
    assert list(out.iterdir()) == []  # no half-written or temporary file
    assert demo_path.read_bytes() == before


def test_a_200_emoji_evidence_name_is_extracted_under_a_name_the_disk_takes(
        demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Assessment.open(demo_path) as a:
        ev, _ = a.add_evidence_bytes("😀" * 200 + ".txt", b"smile", [])
    out = tmp_path / "out"
    out.mkdir()
    code, err = _run(capsys, "evidence", "extract", str(demo_path), str(ev.id), "-o", str(out))
    assert code == 0, err
    (written,) = out.iterdir()
    assert written.suffix == ".txt" and len(written.name.encode()) <= 200 and written.read_bytes() == b"smile"
    assert _run(capsys, "evidence", "list", str(demo_path))[0] == 0


def test_deeply_nested_model_json_is_one_line(demo_path: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    nested = "[" * 200_000 + "]" * 200_000
    model = tmp_path / "deep.json"
    model.write_text(nested, encoding="utf-8")
    code, err = _run(capsys, "model", "import", str(model))
    _one_line(code, err)
    con = sqlite3.connect(demo_path, isolation_level=None)
    con.execute("UPDATE model_snapshot SET json = ?", [nested])
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = demo_path.read_bytes()
    for argv in (["info", str(demo_path)], ["rate", str(demo_path), "CD.MF.MD.03.L3", "met"],
                 ["check", str(demo_path)]):
        code, err = _run(capsys, *argv)
        _one_line(code, err)
    assert demo_path.read_bytes() == before


@pytest.mark.skipif(sys.platform == "win32", reason="kills with SIGKILL")
def test_a_killed_new_leaves_nothing_after_the_next_create(tmp_path: Path) -> None:
    """A `new` killed while it builds its file leaves .NAME.creating-PID-*; the next create there removes it."""
    code = ("import sys, time; from pathlib import Path\n"
            "import cdassess.store as s\n"
            "real = s._apply_migrations\n"
            "def slow(conn):\n"
            "    real(conn); print('building', flush=True); time.sleep(60)\n"
            "s._apply_migrations = slow\n"
            "from cdassess.cli import main\n"
            "main(['new', sys.argv[1], '--org', 'O', '--project', 'P'])\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "a.cdassess")], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "building"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert [p.name for p in tmp_path.iterdir() if ".creating-" in p.name]
    assert not (tmp_path / "a.cdassess").exists()
    time.sleep(0.1)
    Assessment.create(tmp_path / "b.cdassess", organization="O", project="P").close()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".~lock")) == ["b.cdassess"]
