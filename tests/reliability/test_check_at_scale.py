"""`check` on a long audit log: one streaming pass, still catching one altered, removed or hidden row in the
middle, and memory that does not grow with the log."""

from __future__ import annotations

import shutil
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from tamperkit import attacker, problems_of

from cdassess.cli import main as cli_main
from cdassess.services import Assessment

ROWS = 4_000


def _grow(path: Path, rows: int) -> None:
    """Re-rate the same 40 requirements until the log has about ``rows`` more rows (one batch: fast)."""
    with Assessment.open(path, actor="Li Ming") as a, a.store.batch("long log"):
        reqs = [r.id for r in a.model.iter_requirements()][:40]
        for k in range(rows):
            a.rate(reqs[k % len(reqs)], ("met", "partial", "not_met")[(k // len(reqs)) % 3],
                   note=f"pass {k // len(reqs)}")


@pytest.fixture(scope="module")
def long_log(tmp_path_factory: pytest.TempPathFactory, _demo_template: Path) -> Path:
    path = tmp_path_factory.mktemp("long") / "long.cdassess"
    shutil.copyfile(_demo_template, path)
    _grow(path, ROWS)
    return path


@pytest.fixture
def copy(long_log: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "copy.cdassess"
    shutil.copyfile(long_log, dest)
    return dest


def _middle(path: Path) -> tuple[int, int]:
    con = sqlite3.connect(path)
    try:
        n = con.execute("SELECT max(seq) FROM audit").fetchone()[0]
        return n, n // 2
    finally:
        con.close()


def test_a_long_log_checks_clean_and_counts_every_row(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    n, _ = _middle(copy)
    assert n > ROWS
    assert cli_main(["check", str(copy)]) == 0
    assert f"{n} audit rows in an unbroken chain" in capsys.readouterr().out


def test_one_altered_row_in_the_middle_is_named(copy: Path) -> None:
    _, mid = _middle(copy)
    with attacker(copy) as con:
        new = con.execute("SELECT new FROM audit WHERE seq = ?", [mid]).fetchone()[0]
        con.execute("UPDATE audit SET new = ? WHERE seq = ?", [new.replace("pass", "PASS"), mid])
    found = problems_of(copy)
    assert any(p.startswith(f"audit log row {mid}:") and "altered after it was written" in p for p in found), found
    assert len([p for p in found if p.startswith("audit log row")]) == 1, found


def test_a_removed_row_in_the_middle_is_named(copy: Path) -> None:
    _, mid = _middle(copy)
    with attacker(copy) as con:
        con.execute("DELETE FROM audit WHERE seq = ?", [mid])
    found = problems_of(copy)
    assert any(p.startswith(f"audit log row {mid + 1}:") and f"rows {mid}..{mid} are missing" in p
               for p in found), found


def test_a_rating_changed_behind_cdassess_after_thousands_of_re_ratings_is_named(copy: Path) -> None:
    """Only the last of a requirement's 100 rows counts: a rating set back to an earlier value still shows."""
    with Assessment.open(copy, readonly=True) as a:
        req = next(iter(a.model.iter_requirements())).id
        before = a.rating(req)
    earlier = next(s for s in ("met", "partial", "not_met") if s != before.status)
    con = sqlite3.connect(copy)
    con.execute("UPDATE rating SET status = ? WHERE req_id = ?", [earlier, req])
    con.commit()
    con.close()
    found = problems_of(copy)
    assert f"rating of {req}: status differs from the audit log (changed behind cdassess)" in found, found


def _check_peak(path: Path) -> int:
    with Assessment.open(path, readonly=True) as a:
        tracemalloc.start()
        try:
            assert a.check() == []
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_check_memory_does_not_grow_with_the_log(long_log: Path, tmp_path: Path) -> None:
    """Three times the rows, about the same peak: nothing is kept per row (the log was read into a list of
    dataclasses three times before: 2 GB at a million rows)."""
    longer = tmp_path / "longer.cdassess"
    shutil.copyfile(long_log, longer)
    _grow(longer, 2 * ROWS)
    short, long = _check_peak(long_log), _check_peak(longer)
    assert long < short + 1_000_000, (short, long)
