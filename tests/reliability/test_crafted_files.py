"""Crafted assessment files: SQL planted in the schema is refused before it can run, never executed.

Each variant is built in the test from the demo with a plain sqlite3 connection (as an attacker would), then
fed to the CLI: opening it for reading or editing gives exit 1 and one line naming the planted object,
``check`` names it, and the file stays byte-identical (nothing the file holds ran).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from cdassess.cli import main as cli_main
from cdassess.errors import AssessmentFileError
from cdassess.services import Assessment
from cdassess.store import connection
from cdassess.store.genuine import NotGenuineError

REQ = "CD.MF.MD.03.L3"
ENDLESS = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)"


def _sql(*statements: str) -> Callable[[sqlite3.Connection], None]:
    def attack(con: sqlite3.Connection) -> None:
        for statement in statements:
            con.execute(statement)
    return attack


def _writable_schema(name: str, old: str, new: str) -> Callable[[sqlite3.Connection], None]:
    """Rewrite an object's SQL text in place (how a CHECK is dropped without rebuilding the table)."""
    def attack(con: sqlite3.Connection) -> None:
        (sql,) = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", [name]).fetchone()
        assert old in sql
        con.execute("PRAGMA writable_schema = ON")
        con.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", [sql.replace(old, new), name])
        con.execute("PRAGMA writable_schema = OFF")
    return attack


# variant name -> (attack, words the refusal must contain)
VARIANTS: dict[str, tuple[Callable[[sqlite3.Connection], None], str]] = {
    "trigger_rewrites_details": (_sql(
        "CREATE TRIGGER x AFTER UPDATE OF updated_at ON assessment BEGIN "
        "UPDATE assessment SET organization = 'Mallory Ltd', project = 'p', scope = '', assessors = '[]'; END"),
        "unknown trigger 'x' on table assessment"),
    "trigger_rewrites_model_and_interviews": (_sql(
        "CREATE TRIGGER y AFTER INSERT ON rating BEGIN "
        "UPDATE model_snapshot SET json = replace(json, 'pipeline', 'nothing'); DELETE FROM interview; END"),
        "unknown trigger 'y' on table rating"),
    "trigger_drops_ratings": (_sql(
        "CREATE TRIGGER z BEFORE INSERT ON rating BEGIN SELECT RAISE(IGNORE); END"),
        "unknown trigger 'z' on table rating"),
    "trigger_on_audit_insert": (_sql(
        "CREATE TRIGGER w AFTER INSERT ON audit BEGIN DELETE FROM finding; END"),
        "unknown trigger 'w' on table audit"),
    "view_endless": (_sql(f"CREATE VIEW v AS {ENDLESS} SELECT n FROM r"), "unknown view 'v'"),
    "table_replaced_by_endless_view": (_sql(
        "DROP TABLE interview",
        f"CREATE VIEW interview AS {ENDLESS} SELECT n AS id, '' AS held_on, '' AS interviewees, "
        "'' AS interviewer, '' AS topic, '' AS notes FROM r"),
        "unknown view 'interview'"),
    "extra_table": (_sql("CREATE TABLE exfil (x TEXT)"), "unknown table 'exfil'"),
    "extra_column": (_sql("ALTER TABLE rating ADD COLUMN extra TEXT"), "table 'rating' was altered"),
    "generated_column": (_sql(
        "ALTER TABLE finding ADD COLUMN g TEXT GENERATED ALWAYS AS (upper(observation)) VIRTUAL"),
        "table 'finding' was altered"),
    "dropped_check": (_writable_schema(
        "rating", "CHECK (length(status) > 0)", ""),  # statuses are scale option ids: only non-empty
        "table 'rating' was altered"),
    "changed_default": (_writable_schema("assessment", "DEFAULT 'strict'", "DEFAULT 'lenient'"),
                        "table 'assessment' was altered"),
    "extra_index": (_sql("CREATE INDEX rating_note ON rating(note)"), "unknown index 'rating_note' on table rating"),
    "expression_index": (_sql("CREATE INDEX ix ON finding(lower(observation))"), "unknown index 'ix'"),
    "altered_audit_trigger": (_sql(
        "DROP TRIGGER audit_append_only_update",
        "CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT 1; END"),
        "trigger 'audit_append_only_update' was altered"),
    "missing_audit_trigger": (_sql("DROP TRIGGER audit_append_only_delete"),
                              "lacks cdassess's trigger 'audit_append_only_delete'"),
    "planner_statistics": (_sql("ANALYZE"), "unknown table 'sqlite_stat1'"),
    "migrations_table_replaced": (_sql(
        "ALTER TABLE _sqlite_migrations RENAME TO m_old",
        "CREATE VIEW _sqlite_migrations AS SELECT * FROM m_old"),
        "record of its schema version"),
}


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes; SQLite's -shm index and an empty -wal (a reader's leftovers) do not count."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if not p.name.endswith("-shm") and not (p.name.endswith("-wal") and p.stat().st_size == 0)}


def _craft(demo_path: Path, attack: Callable[[sqlite3.Connection], None]) -> Path:
    con = sqlite3.connect(demo_path, isolation_level=None)
    try:
        attack(con)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return demo_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_crafted_schema_is_refused_and_never_runs(variant: str, demo_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    attack, words = VARIANTS[variant]
    path = _craft(demo_path, attack)
    before = _snapshot(path.parent)
    for argv in (["info", str(path)], ["rate", str(path), REQ, "met", "--note", "x"], ["requirements", str(path)]):
        code, out, err = _run(capsys, *argv)
        assert code == 1, (argv, out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1, lines
        assert "not a genuine cdassess file" in lines[0] and words in lines[0], lines[0]
        assert "Traceback" not in err
    code, out, err = _run(capsys, "check", str(path))
    assert code == 1 and words in err, err
    assert "Traceback" not in err
    assert _snapshot(path.parent) == before  # byte-identical: nothing it holds ran, nothing was written


@pytest.mark.parametrize("variant", ["trigger_rewrites_details", "trigger_drops_ratings", "extra_column",
                                     "dropped_check", "table_replaced_by_endless_view"])
def test_unsafe_read_only_reads_without_running_the_planted_sql(variant: str, demo_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = _craft(demo_path, VARIANTS[variant][0])
    before = _snapshot(path.parent)
    code, _out, err = _run(capsys, "info", str(path), "--unsafe-read-only")
    assert code == 0, err  # info does not read interviews; reading them is refused, not run (below)
    assert "Traceback" not in err
    with pytest.raises(AssessmentFileError, match="unsafe open is read-only"):
        Assessment.open(path, unsafe=True)
    with Assessment.open(path, readonly=True, unsafe=True) as a:
        assert a.store.not_genuine
        if variant == "table_replaced_by_endless_view":
            with pytest.raises(AssessmentFileError, match="SQL that cdassess did not write"):
                a.interviews()
    assert _snapshot(path.parent) == before


def test_planted_wal_with_a_trigger_is_refused_and_left_alone(demo_path: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A -wal file beside the assessment whose frames add a trigger: SQLite would apply it on open."""
    original = tmp_path / "original.cdassess"
    shutil.copyfile(demo_path, original)
    con = sqlite3.connect(demo_path, isolation_level=None)
    con.execute("PRAGMA wal_autocheckpoint = 0")
    con.execute("CREATE TRIGGER planted AFTER UPDATE ON assessment BEGIN DELETE FROM rating; END")
    planted = Path(str(demo_path) + "-wal").read_bytes()
    assert planted
    keep = sqlite3.connect(demo_path)  # a second connection keeps the first close from checkpointing
    keep.execute("SELECT 1").fetchone()
    con.close()
    keep.close()
    shutil.copyfile(original, demo_path)
    Path(str(demo_path) + "-wal").write_bytes(planted)
    Path(str(demo_path) + "-shm").unlink(missing_ok=True)
    before = _snapshot(demo_path.parent)
    for argv in (["info", str(demo_path)], ["rate", str(demo_path), REQ, "met"]):
        code, _out, err = _run(capsys, *argv)
        assert code == 1 and "unknown trigger 'planted'" in err and len(err.strip().splitlines()) == 1, err
    assert _snapshot(demo_path.parent) == before


def test_runaway_query_is_stopped_with_a_message(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: a statement that runs past its instruction budget is aborted, not waited for."""
    monkeypatch.setattr(connection, "STATEMENT_BUDGET", 5_000_000)
    with Assessment.open(demo_path, readonly=True) as a, \
            pytest.raises(AssessmentFileError, match="ran far longer than any genuine file needs"):
        a.store.db.execute("SELECT count(*) FROM audit a, audit b, audit c, audit d").fetchone()


def test_limits_and_distrust_are_set_on_every_connection(demo_path: Path) -> None:
    with Assessment.open(demo_path, readonly=True) as a:
        conn = a.store.db.conn
        assert conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
        assert conn.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED) == 0
        assert conn.getlimit(sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH) == 10
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("ATTACH DATABASE ':memory:' AS other")
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("PRAGMA writable_schema = ON")


def test_refusal_is_a_not_genuine_error_listing_every_difference(demo_path: Path) -> None:
    _craft(demo_path, _sql("CREATE TRIGGER a1 AFTER INSERT ON claim BEGIN SELECT 1; END",
                           "CREATE INDEX a2 ON claim(owner)", "ALTER TABLE claim ADD COLUMN a3 TEXT"))
    with pytest.raises(NotGenuineError) as caught:
        Assessment.open(demo_path)
    assert [p.message.split(" (")[0] for p in caught.value.problems] == [
        "it has an unknown index 'a2' on table claim", "it has an unknown trigger 'a1' on table claim",
        "its table 'claim' was altered"]
    assert "(and 2 more differences)" in str(caught.value)


def test_a_stale_schema_cache_never_refuses_a_genuine_file(demo_path: Path) -> None:
    """The expected schema is cached in the user's folder; a cache left by another build is re-derived."""
    from cdassess.store import genuine
    from cdassess.store.versions import MIGRATION_NAMES

    genuine._memory.clear()
    genuine._derived.clear()
    cache = genuine._cache_file(tuple(MIGRATION_NAMES))
    assert cache is not None
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text('[["table", "_sqlite_migrations", "_sqlite_migrations", "CREATE TABLE other (x)"]]',
                     encoding="utf-8")
    with Assessment.open(demo_path) as a:
        assert a.check() == []
