"""Faults of the environment get one clear message each; a bug says it is a bug and names the log (#11.3)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cdassess.cli import main
from cdassess.errors import CdassessError, FileInUseError, InternalError, StorageError
from cdassess.services import Assessment
from cdassess.store import sqlerrors

REQ = "CD.CM.VC.01.L3"
MB = 1 << 20


def raised(fn: object) -> BaseException:
    try:
        fn()  # type: ignore[operator]
    except BaseException as exc:
        return exc
    raise AssertionError("no exception")


def test_errors_are_sorted_by_sqlite_error_code(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    syntax = raised(lambda: conn.execute("SELEC 1"))
    assert sqlerrors.code_of(syntax) == "bug"
    constraint = raised(lambda: conn.execute("INSERT INTO t VALUES (1) RETURNING nosuch"))
    assert sqlerrors.code_of(constraint) == "bug"
    ro = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert sqlerrors.code_of(raised(lambda: ro.execute("INSERT INTO t VALUES (1)"))) == "read_only"
    conn.execute("PRAGMA max_page_count = 2")
    full = raised(lambda: conn.execute("INSERT INTO t SELECT randomblob(100000)"))
    assert sqlerrors.code_of(full) == "disk_full"
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert sqlerrors.code_of(raised(lambda: sqlite3.connect(junk).execute("SELECT 1 FROM sqlite_master"))) \
        == "corrupt"
    # the message text never decides: an environment-sounding text with a bug's code is a bug
    fake = sqlite3.OperationalError("disk is full (not really)")
    assert sqlerrors.code_of(fake) == "bug"
    err = sqlerrors.classify(tmp_path / "a.cdassess", syntax)
    assert isinstance(err, InternalError) and err.code == "bug"
    assert "this is a bug in cdassess" in str(err) and "damaged" not in str(err)
    assert str(err.params["log"]) in str(err)


def test_a_full_disk_during_attach_and_rating_is_one_clear_message(demo: Assessment, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(12 * MB))
    pages = demo.store.db.execute("PRAGMA page_count").fetchone()[0]
    demo.store.db.execute(f"PRAGMA max_page_count = {pages + 40}")  # ~1.3 MB of room: the disk fills up
    before = (demo.ratings(), [e.id for e in demo.evidence_list()])
    exc = raised(lambda: demo.add_evidence_file(big, [REQ]))
    assert isinstance(exc, StorageError) and exc.code == "disk_full"
    assert "the disk is full; free space and try again" in str(exc)
    assert (demo.ratings(), [e.id for e in demo.evidence_list()]) == before  # nothing half-added
    demo.store.db.execute(f"PRAGMA max_page_count = {demo.store.db.execute('PRAGMA page_count').fetchone()[0]}")
    exc = raised(lambda: demo.rate(REQ, "met", note="x" * 200_000))
    assert isinstance(exc, StorageError) and exc.code == "disk_full"
    demo.store.db.execute("PRAGMA max_page_count = 1073741823")
    demo.rate(REQ, "met", note="after space was freed")  # usable again
    assert demo.check() == []


HOLD = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("UPDATE assessment SET scope = scope")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")
"""


def test_a_file_another_process_holds_a_write_transaction_on(demo_path: Path) -> None:
    """Another program holds the write lock for 30 s: a clear "busy" message, and the file stays usable."""
    with subprocess.Popen([sys.executable, "-c", HOLD, str(demo_path), "30"], stdout=subprocess.PIPE,
                          text=True) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "holding"
        try:
            with Assessment.open(demo_path, actor="window") as a:
                a.store.db.execute("PRAGMA busy_timeout = 300")  # the window waits 10 s; the test need not
                t0 = time.monotonic()
                exc = raised(lambda: a.rate(REQ, "met"))
                assert time.monotonic() - t0 < 5
                assert isinstance(exc, FileInUseError) and exc.code == "busy"
                assert "busy in another program; try again in a moment" in str(exc)
                assert a.ratings()  # reads still work
        finally:
            proc.kill()
            proc.wait(30)
    with Assessment.open(demo_path, actor="window") as a:
        a.rate(REQ, "not_met" if a.rating(REQ).status == "met" else "met", note="after the other program let go")
        assert a.check() == []


def test_a_bug_in_the_cli_is_one_line_naming_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "logs" / "cdassess.log"
    monkeypatch.setenv("CDASSESS_LOG", str(log))
    from cdassess.cli import core

    def broken(_args: object) -> int:
        raise KeyError("a programming mistake")

    monkeypatch.setattr(core, "cmd_info", broken)
    demo = tmp_path / "d.cdassess"
    assert main(["demo", str(demo)]) == 0
    capsys.readouterr()
    code = main(["info", str(demo)])
    _out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1, err
    assert "this is a bug in cdassess" in lines[0] and str(log) in lines[0]
    assert "Traceback" not in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "a programming mistake" in text


def test_a_read_only_folder_is_one_clear_message(demo_path: Path, tmp_path: Path) -> None:
    """A read-only file system (bind-mounted read-only when root, else permissions)."""
    ro = tmp_path / "ro"
    ro.mkdir()
    target = ro / "a.cdassess"
    target.write_bytes(demo_path.read_bytes())
    mounted = False
    if os.geteuid() == 0:
        res = subprocess.run(["mount", "--bind", "-o", "ro", str(ro), str(ro)], capture_output=True, check=False)
        if res.returncode == 0:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(ro)], capture_output=True, check=False)
            mounted = True
    else:
        ro.chmod(0o555)
    try:
        if os.geteuid() == 0 and not mounted:
            pytest.skip("cannot mount a read-only file system here")
        exc = raised(lambda: Assessment.open(target, actor="x"))
        assert isinstance(exc, CdassessError) and "Traceback" not in str(exc)
        assert "read-only" in str(exc)
        with Assessment.open(target, readonly=True) as a:  # reading still works
            assert a.ratings()
    finally:
        if mounted:
            subprocess.run(["umount", str(ro)], capture_output=True, check=False)
        else:
            ro.chmod(0o755)
