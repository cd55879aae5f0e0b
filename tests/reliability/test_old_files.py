"""Old files: a fixture file per released schema opens, migrates and reads back; a newer file is refused."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from cdassess.errors import AssessmentFileError
from cdassess.services import Assessment
from cdassess.store.connection import lock_path
from cdassess.store.schema import REGISTERED, migrations
from cdassess.store.versions import MIGRATION_NAMES, RELEASED_SCHEMA_VERSION, SCHEMA_VERSION

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
TOOLS = Path(__file__).resolve().parents[2] / "tools" / "reliability"
RELEASED = sorted(FIXTURES.glob("schema-*.cdassess"), key=lambda p: int(p.stem.split("-")[1]))


def _snapshot(a: Assessment) -> dict[str, Any]:
    """The same snapshot the fixture maker wrote (one definition of what must survive a migration)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_make_schema_fixture", TOOLS / "make_schema_fixture.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    snap: dict[str, Any] = module.snapshot(a)
    return snap


def test_there_is_a_fixture_for_every_released_schema() -> None:
    versions = [int(p.stem.split("-")[1]) for p in RELEASED]
    assert RELEASED_SCHEMA_VERSION <= SCHEMA_VERSION
    assert versions == list(range(1, RELEASED_SCHEMA_VERSION + 1)), (
        "add tests/fixtures/schemas/schema-N.cdassess for the new schema with "
        "tools/reliability/make_schema_fixture.py (run it before the release, never change a released one)")


@pytest.mark.parametrize("fixture", RELEASED, ids=lambda p: p.stem)
def test_released_file_opens_migrates_and_reads_back(fixture: Path, tmp_path: Path) -> None:
    expected = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
    path = tmp_path / fixture.name
    shutil.copyfile(fixture, path)  # never migrate the fixture in the source tree
    if int(fixture.stem.split("-")[1]) < SCHEMA_VERSION:
        with pytest.raises(AssessmentFileError, match="open it for editing once"):
            Assessment.open(path, readonly=True)  # read-only cannot migrate; it says how to upgrade
    with Assessment.open(path, actor="upgrader") as a:
        assert migrations.pending(Database(a.store.db.conn, execute_plugins=False)) == []
        applied = migrations.applied(Database(a.store.db.conn, execute_plugins=False))
        assert [m.name for m in applied] == list(MIGRATION_NAMES)
        assert a.check() == []
        got = _snapshot(a)
        audit_rows = got.pop("audit")
        exp_audit = expected.pop("audit")
        assert got == expected
        assert audit_rows["rows"] >= exp_audit["rows"]  # a migration may append to the log, never drop rows
        entries = a.store.audit_entries()
        assert entries[exp_audit["rows"] - 1].hash == exp_audit["head"]
        # the upgraded file takes new edits and stays consistent
        a.rate("CD.MF.MD.03.L3", "partial", note="rated after the upgrade")
        ev, _ = a.add_evidence_bytes("after-upgrade.txt", b"new evidence", ["CD.MF.MD.03.L3"])
        assert a.check() == []
    with Assessment.open(path, readonly=True) as a:
        assert a.rating("CD.MF.MD.03.L3").note == "rated after the upgrade"
        assert a.evidence_list()[-1].sha256 == ev.sha256
        assert a.check() == []


def _make_newer(path: Path) -> None:
    """What a future cdassess would leave: one migration this program does not know."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES "
                    "('cdassess', '0099_from_the_future', '2031-01-01T00:00:00')")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def _state(path: Path) -> tuple[str, bool, int]:
    """The file's bytes (hash), whether a lock file was left, and how many bytes a -wal file beside it holds.

    A read-only SQLite connection to a WAL file creates empty -wal/-shm files it may not delete; they
    carry no data, so only their content counts.
    """
    wal = Path(str(path) + "-wal")
    return (hashlib.sha256(path.read_bytes()).hexdigest(), lock_path(path).exists(),
            wal.stat().st_size if wal.exists() else 0)


@pytest.mark.parametrize("readonly", [False, True], ids=["edit", "readonly"])
def test_newer_file_is_refused_and_left_unchanged(tmp_path: Path, readonly: bool) -> None:
    path = tmp_path / "future.cdassess"
    shutil.copyfile(RELEASED[-1], path)
    _make_newer(path)
    before = _state(path)
    with pytest.raises(AssessmentFileError) as info:
        Assessment.open(path, readonly=readonly)
    msg = str(info.value)
    assert str(path) in msg
    assert "newer version of cdassess" in msg
    assert "update cdassess" in msg
    assert _state(path) == before
    assert not lock_path(path).exists()


def test_newer_file_is_refused_by_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "future.cdassess"
    shutil.copyfile(RELEASED[-1], path)
    _make_newer(path)
    before = _state(path)
    for args in (["info", str(path)], ["rate", str(path), "CD.MF.MD.03.L3", "met"], ["check", str(path)]):
        res = subprocess.run([sys.executable, "-c", "from cdassess.cli import run; run()", *args],
                             capture_output=True, text=True, timeout=60, check=False)
        assert res.returncode == 1, (args, res.stdout, res.stderr)
        assert "newer version of cdassess" in res.stderr
        assert "Traceback" not in res.stderr
    assert _state(path) == before


def test_the_refusal_names_the_unknown_step_and_user_version_plays_no_part(tmp_path: Path) -> None:
    path = tmp_path / "future.cdassess"
    shutil.copyfile(RELEASED[-1], path)
    _make_newer(path)
    before = _state(path)
    with pytest.raises(AssessmentFileError, match=f"step 0099_from_the_future.*up to schema {SCHEMA_VERSION}"):
        Assessment.open(path)
    assert _state(path) == before
    plain = tmp_path / "plain.cdassess"
    shutil.copyfile(RELEASED[-1], plain)
    con = sqlite3.connect(plain, isolation_level=None)
    con.execute("PRAGMA user_version = 99")  # not the schema's version: the migrations table is
    con.close()
    with Assessment.open(plain) as a:
        assert a.check() == []


def test_the_light_list_of_migration_names_matches_the_schema() -> None:
    """Opening a file checks MIGRATION_NAMES without importing sqlite-utils; it must list every migration."""
    assert MIGRATION_NAMES == REGISTERED
