"""Edits made in SQL behind cdassess's back, to every record an assessor can change: `check` names each one.

Part of issue #12: the audit log is replayed for every table (or a digest covers it), so a change without an
audit row shows as "X was changed outside cdassess (audit says A, file has B)". Bit flips in the file's content
are named or refused, never a traceback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from cdassess.cli import main as cli_main
from cdassess.services import Assessment

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


def test_random_bit_flips_are_named_or_refused_never_a_traceback(tmp_path: Path, mini_model: object,
                                                                 tool: Any) -> None:
    """Two hundred single-bit flips in used bytes at a fixed seed (tools/reliability/bit_flips.py runs more)."""
    from cdassess.records import Interview

    path = tmp_path / "small.cdassess"
    with Assessment.create(path, organization="Org", project="Proj", model=mini_model,  # type: ignore[arg-type]
                           target_level=2) as a:
        for i, req in enumerate(a.model.requirements):
            a.rate(req, ("met", "partial", "not_met")[i % 3], note=f"note {i}")
        a.add_interview(Interview(None, "2026-01-02", "Li Lei", "tester", "topic", "notes"))
        a.add_evidence_bytes("e.txt", b"evidence " * 50, [next(iter(a.model.requirements))])
    missed: list[str] = []
    counts = tool("bit_flips").flip_bits(path, tmp_path / "flipped.cdassess", 200, 12, missed)
    assert counts["traceback"] == 0, counts
    assert counts["named"] + counts["refused"] >= 150, counts
    # what check cannot see: a time written with an edit moved by seconds (it is compared with its audit row's
    # time within a slack: the two are taken a few milliseconds, or for evidence a whole upload, apart)
    assert all(m.endswith(("_at", ".applied_at")) for m in missed), missed


def test_a_review_flag_or_undo_long_after_the_rating_is_no_false_alarm(prepared: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Flagging for review keeps the rating's own time and author (and undo puts them back): an hour later too."""
    import cdassess.store
    from cdassess.store import audit

    with Assessment.open(prepared, actor="first") as a:
        req = next(iter(a.ratings()))
        a.rate(req, "partial", note="rated by first")
    for module in (audit, cdassess.store):  # every clock of an edit an hour (and more) later
        monkeypatch.setattr(module, "now_iso", lambda: "2099-01-01T10:00:00.000Z")
    with Assessment.open(prepared, actor="second") as a:
        a.set_needs_review(req, True)
        assert a.rating(req).updated_by == "first"
        assert a.check() == []
