"""Edits made in SQL behind cdassess's back, to every record an assessor can change: `check` names each one.

Part of issue #12: the audit log is replayed for every table (or a digest covers it), so a change without an
audit row shows as "X was changed outside cdassess (audit says A, file has B)". Bit flips in the file's content
are named or refused, never a traceback.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from cdassess.cli import main as cli_main
from cdassess.services import Assessment
from cdassess.store.genuine import normalise_sql

# edit name -> (SQL run by the attacker, words check must print)
HIDDEN_EDITS: dict[str, tuple[str, str]] = {
    "organization": ("UPDATE assessment SET organization = 'Mallory Ltd'",
                     "assessment.organization was changed outside cdassess"),
    "project": ("UPDATE assessment SET project = 'Other'", "assessment.project was changed"),
    "scope": ("UPDATE assessment SET scope = 'everything'", "assessment.scope was changed"),
    "assessors": ("UPDATE assessment SET assessors = '[\"Mallory\"]'", "assessment.assessors was changed"),
    "target_level": ("UPDATE assessment SET target_level = 1", "assessment.target_level was changed"),
    "level_rule": ("UPDATE assessment SET level_rule = 'lenient'", "assessment.level_rule was changed"),
    "locked_in_sql": ("UPDATE assessment SET status = 'locked', locked_by = 'mallory', "
                      "locked_at = '2026-01-01T00:00:00.000Z'", "assessment.status was changed"),
    "frozen_digest": ("UPDATE assessment SET frozen_digest = 'abc'", "assessment.frozen_digest was changed"),
    "start_date": ("UPDATE assessment SET start_date = '1999-01-01'", "assessment.start_date was changed"),
    "end_date": ("UPDATE assessment SET end_date = '2099-01-01'", "assessment.end_date was changed"),
    "created_at": ("UPDATE assessment SET created_at = '2001-01-01T00:00:00.000Z'",
                   "assessment.created_at was changed"),
    "updated_at": ("UPDATE assessment SET updated_at = '2001-01-01T00:00:00.000Z'",
                   "assessment.updated_at was changed"),
    "uuid": ("UPDATE assessment SET uuid = '00000000-0000-0000-0000-000000000000'", "assessment.uuid was changed"),
    "model_id": ("UPDATE assessment SET model_id = 'other'", "assessment.model_id was changed"),
    "model_text": ("UPDATE model_snapshot SET json = replace(json, 'pipeline', 'pipe line')",
                   "model snapshot: its text was changed outside cdassess"),
    "model_snapshot_id": ("UPDATE model_snapshot SET model_version = '9'", "model snapshot: is of model"),
    "interview_notes": ("UPDATE interview SET notes = 'nothing was said' WHERE id = 1",
                        "interview 1: interview.notes was changed"),
    "interview_people": ("UPDATE interview SET interviewees = 'nobody' WHERE id = 1",
                         "interview 1: interview.interviewees was changed"),
    "interview_deleted": ("DELETE FROM interview WHERE id = 1", "interview 1: is in the audit log but missing"),
    "interview_added": ("INSERT INTO interview (held_on, interviewees) VALUES ('2026-01-01', 'ghost')",
                        "has no audit log row (added outside cdassess)"),
    "rating_updated_by": ("UPDATE rating SET updated_by = 'mallory' WHERE rowid = 1", "rating.updated_by was changed"),
    "rating_updated_at": ("UPDATE rating SET updated_at = '2001-01-01T00:00:00.000Z' WHERE rowid = 1",
                          "rating.updated_at was changed"),
    "rating_status": ("UPDATE rating SET status = 'met' WHERE status = 'not_met'", "status differs"),
    "claim_updated_at": ("UPDATE claim SET updated_at = '2001-01-01T00:00:00.000Z' WHERE rowid = 1",
                         "claim.updated_at was changed"),
    "finding_updated_at": ("UPDATE finding SET updated_at = '2001-01-01T00:00:00.000Z' WHERE id = 1",
                           "finding.updated_at was changed"),
    "finding_observation": ("UPDATE finding SET observation = 'fine' WHERE id = 1", "observation differs"),
    "evidence_added_by": ("UPDATE evidence SET added_by = 'mallory' WHERE id = 1", "evidence.added_by was changed"),
    "evidence_added_at": ("UPDATE evidence SET added_at = '2001-01-01T00:00:00.000Z' WHERE id = 1",
                          "evidence.added_at was changed"),
    "evidence_description": ("UPDATE evidence SET description = 'x' WHERE id = 1", "description differs"),
    "link_linked_at": ("UPDATE evidence_link SET linked_at = '2001-01-01T00:00:00.000Z' WHERE rowid = 1",
                       "linked_at was changed"),
}


def _hide(path: Path, sql: str) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    try:
        assert con.execute(sql).rowcount != 0 or sql.startswith("INSERT")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


@pytest.fixture
def prepared(demo_path: Path) -> Path:
    """The demo plus an interview: it has ratings, claims, findings, interviews and evidence."""
    from cdassess.records import Interview

    with Assessment.open(demo_path) as a:
        a.add_interview(Interview(None, "2026-01-05", "Wang Fang, Zhao Lei", "tester", "release flow", "notes"))
    with Assessment.open(demo_path, readonly=True) as a:
        assert a.store.interviews() and a.store.findings() and a.store.claims() and a.evidence_list()
        assert a.check() == []
    return demo_path


@pytest.mark.parametrize("edit", sorted(HIDDEN_EDITS))
def test_every_hidden_edit_is_named_by_check(edit: str, prepared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql, words = HIDDEN_EDITS[edit]
    _hide(prepared, sql)
    code = cli_main(["check", str(prepared)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert words in err, err
    assert "Traceback" not in err


def test_the_message_says_what_the_log_says_and_what_the_file_has(prepared: Path) -> None:
    with Assessment.open(prepared, readonly=True) as a:
        org = a.meta.organization
    _hide(prepared, "UPDATE assessment SET organization = 'Mallory Ltd'")
    with Assessment.open(prepared, readonly=True) as a:
        problems = [str(p) for p in a.check()]
    assert problems == [f"assessment: assessment.organization was changed outside cdassess "
                        f"(audit says '{org}', file has 'Mallory Ltd')"]


def test_edits_through_cdassess_stay_clean(prepared: Path) -> None:
    """No false alarm: every kind of edit through cdassess keeps check empty."""
    from cdassess.records import Interview

    with Assessment.open(prepared, actor="editor") as a:
        a.update_details(organization="New Org", scope="pipelines", level_rule="lenient", start_date="2026-02-01")
        a.switch_model(a.model)
        a.add_interview(Interview(None, "2026-02-02", "Li Lei", "editor", "pipelines", "notes\nwith lines"))
        a.lock()
        a.unlock(reason="one more finding")
        req = next(iter(a.model.requirements))
        a.rate(req, "partial", note="after unlock")
        assert a.check() == []
    with Assessment.open(prepared, readonly=True) as a:
        assert a.check() == []


def flip_bits(source: Path, work: Path, flips: int, seed: int) -> dict[str, int]:
    """Flip one random bit of a copy of ``source`` ``flips`` times; classify what `check` makes of each.

    ``named``: check exits 1 naming a problem; ``refused``: the file is not opened (exit 1, one line);
    ``harmless``: check passes and every table's content is the same as before (the bit was in free space);
    ``missed``: check passes though content changed; ``traceback``: anything escaping as an exception.
    """
    baseline = _content(source)
    rng = random.Random(seed)
    data = source.read_bytes()
    # bytes in use: a fresh file's free space is zeros, and a flip there changes nothing
    used = [i for i, b in enumerate(data) if b]
    counts = {"named": 0, "refused": 0, "harmless": 0, "missed": 0, "traceback": 0}
    import contextlib
    import io

    for _ in range(flips):
        shutil.copyfile(source, work)
        for suffix in ("-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
        pos = rng.choice(used)
        with work.open("r+b") as fh:
            fh.seek(pos)
            byte = fh.read(1)[0]
            fh.seek(pos)
            fh.write(bytes([byte ^ (1 << rng.randrange(8))]))
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli_main(["check", str(work)])
        except Exception:
            counts["traceback"] += 1
            continue
        if code == 1:
            lines = err.getvalue().strip().splitlines()
            counts["named" if len(lines) > 1 or "problem" in lines[0] else "refused"] += 1
        elif _content(work) == baseline:
            counts["harmless"] += 1
        else:
            counts["missed"] += 1
    return counts


def _content(path: Path) -> object:
    """Every row of every table, the schema and the header values (None: SQLite cannot read it)."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            rows = {t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
            # when a migration ran is not assessment content (check verifies only that it is a time)
            rows["_sqlite_migrations"] = [r[:3] for r in rows.get("_sqlite_migrations", [])]
            header = [con.execute(f"PRAGMA {p}").fetchone()[0] for p in ("application_id", "user_version")]
            # schema text only as it means something: a flipped space between two words changes nothing
            schema = [(t, n.lower(), tb.lower(), normalise_sql(sql) if sql else sql) for t, n, tb, _root, sql in
                      con.execute("SELECT * FROM sqlite_master ORDER BY name")]
            return (schema, rows, header)
        finally:
            con.close()
    except (sqlite3.Error, UnicodeError):
        return None


def test_random_bit_flips_are_named_or_refused_never_a_traceback(tmp_path: Path, mini_model: object) -> None:
    """Two hundred single-bit flips in used bytes at a fixed seed (tools/reliability/bit_flips.py runs more)."""
    from cdassess.records import Interview

    path = tmp_path / "small.cdassess"
    with Assessment.create(path, organization="Org", project="Proj", model=mini_model,  # type: ignore[arg-type]
                           target_level=2) as a:
        for i, req in enumerate(a.model.requirements):
            a.rate(req, ("met", "partial", "not_met")[i % 3], note=f"note {i}")
        a.add_interview(Interview(None, "2026-01-02", "Li Lei", "tester", "topic", "notes"))
        a.add_evidence_bytes("e.txt", b"evidence " * 50, [next(iter(a.model.requirements))])
    counts = flip_bits(path, tmp_path / "flipped.cdassess", 200, seed=12)
    print(counts)
    assert counts["traceback"] == 0, counts
    assert counts["missed"] == 0, counts
