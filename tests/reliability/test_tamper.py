"""Tamper evidence: an attacker with sqlite3 changes stored evidence or audit rows; `check` names the place."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from tamperkit import attacker, problems_of

from cdassess.cli import main as cli_main
from cdassess.services import Assessment

AUDIT_FIELDS = ("at", "actor", "action", "target", "old", "new", "prev_hash", "hash")


@pytest.fixture
def tampered_base(demo_path: Path) -> Path:
    """The demo plus one evidence file of several chunks, closed and checkpointed."""
    with Assessment.open(demo_path) as a:
        rng = random.Random(5)
        a.add_evidence_bytes("pipeline-export.tar", rng.randbytes((5 << 19) + 12345),
                             ["CD.BC.CI.01.L3"], provided_by="Zhang Wei")
        assert a.check() == []
    return demo_path


def test_untouched_file_checks_clean(tampered_base: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert problems_of(tampered_base) == []
    assert cli_main(["check", str(tampered_base)]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_every_evidence_byte_position_class_is_detected(tampered_base: Path) -> None:
    with Assessment.open(tampered_base, readonly=True) as a:
        evidence = {e.id: e.original_name for e in a.evidence_list()}
    assert len(evidence) >= 6
    rng = random.Random(11)
    tried = 0
    with attacker(tampered_base) as con:
        chunks = con.execute("SELECT rowid, evidence_id, seq, length(data) FROM evidence_chunk").fetchall()
        assert any(seq >= 2 for _r, _e, seq, _n in chunks), "the big evidence must span several chunks"
        for rowid, eid, seq, n in chunks:
            for pos in sorted({0, n - 1, rng.randrange(n)}):
                data = bytearray(con.execute("SELECT data FROM evidence_chunk WHERE rowid=?", [rowid]).fetchone()[0])
                original = bytes(data)
                data[pos] ^= 1 << rng.randrange(8)  # a single flipped bit
                con.execute("UPDATE evidence_chunk SET data=? WHERE rowid=?", [bytes(data), rowid])
                found = problems_of(tampered_base)
                assert any(f"evidence {eid} ({evidence[eid]})" in p and "SHA-256" in p for p in found), \
                    (eid, seq, pos, found)
                con.execute("UPDATE evidence_chunk SET data=? WHERE rowid=?", [original, rowid])
                tried += 1
    assert tried >= 15
    assert problems_of(tampered_base) == []


@pytest.mark.parametrize("attack", ["drop_chunk", "extra_chunk", "swap_chunks", "truncate_chunk"])
def test_chunk_structure_attacks_are_detected(tampered_base: Path, attack: str) -> None:
    with Assessment.open(tampered_base, readonly=True) as a:
        big = next(e for e in a.evidence_list() if e.original_name == "pipeline-export.tar")
    with attacker(tampered_base) as con:
        if attack == "drop_chunk":
            con.execute("DELETE FROM evidence_chunk WHERE evidence_id=? AND seq=1", [big.id])
        elif attack == "extra_chunk":
            con.execute("INSERT INTO evidence_chunk (evidence_id, seq, data) VALUES (?, 99, x'00')", [big.id])
        elif attack == "swap_chunks":
            con.execute("UPDATE evidence_chunk SET seq = -1 WHERE evidence_id=? AND seq=0", [big.id])
            con.execute("UPDATE evidence_chunk SET seq = 0 WHERE evidence_id=? AND seq=1", [big.id])
            con.execute("UPDATE evidence_chunk SET seq = 1 WHERE evidence_id=? AND seq=-1", [big.id])
        else:
            con.execute("UPDATE evidence_chunk SET data = substr(data, 1, 100) WHERE evidence_id=? AND seq=2",
                        [big.id])
    found = problems_of(tampered_base)
    assert any(p.startswith(f"evidence {big.id} (pipeline-export.tar)") for p in found), found


def test_content_and_recorded_hash_changed_together_is_detected(tampered_base: Path) -> None:
    """A careful attacker also rewrites sha256 and size: the audit log's record of the evidence disagrees."""
    import hashlib

    with Assessment.open(tampered_base, readonly=True) as a:
        ev = next(e for e in a.evidence_list() if e.original_name == "change-process.md")
    forged = b"# Change process\n\nEverything is reviewed twice.\n"
    with attacker(tampered_base) as con:
        con.execute("DELETE FROM evidence_chunk WHERE evidence_id=?", [ev.id])
        con.execute("INSERT INTO evidence_chunk (evidence_id, seq, data) VALUES (?,0,?)", [ev.id, forged])
        con.execute("UPDATE evidence SET sha256=?, size=? WHERE id=?",
                    [hashlib.sha256(forged).hexdigest(), len(forged), ev.id])
    found = problems_of(tampered_base)
    assert any(p.startswith(f"evidence {ev.id} (change-process.md)") and "audit" in p for p in found), found


@pytest.mark.parametrize("column", ["original_name", "provided_by", "collected_on", "description"])
def test_evidence_record_fields_are_detected(tampered_base: Path, column: str) -> None:
    with Assessment.open(tampered_base, readonly=True) as a:
        ev = next(e for e in a.evidence_list() if e.original_name == "coverage-summary.txt")
    with attacker(tampered_base) as con:
        con.execute(f"UPDATE evidence SET {column} = {column} || 'x' WHERE id=?", [ev.id])
    found = problems_of(tampered_base)
    assert any(p.startswith(f"evidence {ev.id} (") and column in p for p in found), found


def _audit_seqs(path: Path) -> list[int]:
    with Assessment.open(path, readonly=True) as a:
        return [e.seq for e in a.store.audit_entries()]


@pytest.mark.parametrize("column", AUDIT_FIELDS)
def test_every_audit_field_change_is_named_by_row(tampered_base: Path, column: str) -> None:
    seqs = _audit_seqs(tampered_base)
    assert len(seqs) > 100
    for seq in (seqs[0], seqs[len(seqs) // 2], seqs[-1]):
        with attacker(tampered_base) as con:
            (value,) = con.execute(f"SELECT {column} FROM audit WHERE seq=?", [seq]).fetchone()
            forged = "{}" if value is None else (value[:-1] + ("0" if value[-1:] != "0" else "1"))
            con.execute(f"UPDATE audit SET {column}=? WHERE seq=?", [forged, seq])
        found = problems_of(tampered_base)
        assert any(p.startswith(f"audit log row {seq}:") for p in found), (column, seq, found)
        with attacker(tampered_base) as con:
            con.execute(f"UPDATE audit SET {column}=? WHERE seq=?", [value, seq])
    assert problems_of(tampered_base) == []


def test_deleted_or_renumbered_audit_rows_are_named(tampered_base: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seqs = _audit_seqs(tampered_base)
    mid = seqs[len(seqs) // 2]
    with attacker(tampered_base) as con:
        con.execute("DELETE FROM audit WHERE seq=?", [mid])
    found = problems_of(tampered_base)
    assert any(p.startswith(f"audit log row {mid + 1}:") and "missing" in p for p in found), found
    assert cli_main(["check", str(tampered_base)]) == 1
    err = capsys.readouterr().err
    assert f"audit log row {mid + 1}" in err
    with attacker(tampered_base) as con:
        con.execute("UPDATE audit SET seq = seq + 1000 WHERE seq = ?", [seqs[-1]])
    assert any(p.startswith(f"audit log row {seqs[-1] + 1000}:") for p in problems_of(tampered_base))


def test_cli_check_names_tampered_evidence(tampered_base: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with attacker(tampered_base) as con:
        eid, name = con.execute("SELECT id, original_name FROM evidence WHERE original_name LIKE '%.log'").fetchone()
        con.execute("UPDATE evidence_chunk SET data = CAST(upper(CAST(data AS TEXT)) AS BLOB) WHERE evidence_id=?",
                    [eid])
    assert cli_main(["check", str(tampered_base)]) == 1
    err = capsys.readouterr().err
    assert f"evidence {eid} ({name})" in err
    assert "SHA-256" in err


def test_evidence_deleted_behind_cdassess_is_named(tampered_base: Path) -> None:
    with Assessment.open(tampered_base) as a:
        removed = a.evidence_list()[0]
        a.remove_evidence(removed.id)  # a removal through cdassess is audited and fine
        assert a.check() == []
        victim = a.evidence_list()[0]
    with attacker(tampered_base) as con:
        con.execute("DELETE FROM evidence WHERE id=?", [victim.id])
    found = problems_of(tampered_base)
    assert (f"evidence {victim.id} ({victim.original_name}): is in the audit log but missing from the file "
            "(deleted behind cdassess)") in found


def test_evidence_id_reused_after_removal_checks_clean(tampered_base: Path) -> None:
    """SQLite hands a removed evidence's id to the next one; the audit cross-check must follow the log order."""
    with Assessment.open(tampered_base) as a:
        last = a.evidence_list()[-1]
        a.remove_evidence(last.id)
        again, _ = a.add_evidence_bytes("replacement.txt", b"replacement content", [])
        assert again.id == last.id
        assert a.check() == []


RATED = "CD.CM.CH.03.L3"  # rated not_met in the demo, with a claim and a finding


@pytest.mark.parametrize(("sql", "where", "fields"), [
    ("UPDATE rating SET status='met' WHERE req_id='{req}'", "rating of {req}", "status"),
    ("UPDATE rating SET note='all fine', needs_review=1 WHERE req_id='{req}'", "rating of {req}",
     "note, needs_review"),
    ("DELETE FROM rating WHERE req_id='{req}'", "rating of {req}", "status"),
    ("INSERT INTO rating (req_id, status, updated_at, updated_by) VALUES ('CD.MF.MD.03.L3', 'met', 'x', 'y')",
     "rating of CD.MF.MD.03.L3", "status"),
    ("UPDATE claim SET owner='someone else' WHERE req_id='{req}'", "self-assessment claim of {req}", "owner"),
    ("DELETE FROM claim WHERE req_id='{req}'", "self-assessment claim of {req}", "status"),
    ("UPDATE finding SET priority='low' WHERE req_id='{req}'", "finding 1", "priority"),
])
def test_records_changed_behind_cdassess_are_named(tampered_base: Path, sql: str, where: str, fields: str) -> None:
    with attacker(tampered_base) as con:
        con.execute(sql.format(req=RATED))
    found = problems_of(tampered_base)
    named = [p for p in found if p.startswith(where.format(req=RATED) + ": ")]
    assert len(named) == 1, found
    assert named[0].endswith("from the audit log (changed behind cdassess)")
    assert all(f in named[0] for f in fields.split(", ")), named


def test_findings_deleted_or_added_behind_cdassess_are_named(tampered_base: Path) -> None:
    with attacker(tampered_base) as con:
        con.execute("DELETE FROM finding WHERE id = 2")
        con.execute("INSERT INTO finding (id, observation, created_at, updated_at) VALUES (99, 'made up', 'x', 'x')")
    found = problems_of(tampered_base)
    assert "finding 2: is in the audit log but missing from the file (deleted behind cdassess)" in found
    assert "finding 99: has no audit log row (added behind cdassess)" in found


def test_every_edit_through_cdassess_keeps_the_records_and_log_in_step(tampered_base: Path) -> None:
    """The replay check must not cry wolf: clearing, undoing, re-adding and importing all stay clean."""
    from cdassess.records import Claim, Finding, Rating

    with Assessment.open(tampered_base) as a:
        a.rate(RATED, "met", note="fixed", needs_review=True)
        a.set_rating(Rating(RATED))  # cleared (row deleted)
        a.set_claim(Claim(RATED))  # cleared
        a.set_claim(Claim(RATED, a.rating(RATED).status, "again"))
        old = a.findings()[0]
        a.delete_finding(old.id or 0)
        a.restore_finding(old)
        a.save_finding(Finding(old.id, old.req_id, old.observation + " (updated)", priority="low"))
        with a.store.batch("an import"):
            a.rate("CD.MF.MD.03.L3", "partial")
            a.set_claim(Claim("CD.MF.MD.03.L3", a.rating("CD.MF.MD.03.L3").status))
        assert a.check() == []


def test_evidence_links_changed_behind_cdassess_are_named(tampered_base: Path) -> None:
    with Assessment.open(tampered_base, readonly=True) as a:
        ev = next(e for e in a.evidence_list() if e.original_name == "coverage-summary.txt")
    with attacker(tampered_base) as con:
        con.execute("DELETE FROM evidence_link WHERE evidence_id=? AND req_id=?", [ev.id, ev.req_ids[0]])
        con.execute("INSERT INTO evidence_link (evidence_id, req_id, linked_at) VALUES (?, 'CD.CM.CH.03.L3', 'x')",
                    [ev.id])
    found = problems_of(tampered_base)
    assert f"evidence {ev.id}: link to {ev.req_ids[0]} was removed behind cdassess (not in the audit log)" in found
    assert f"evidence {ev.id}: link to CD.CM.CH.03.L3 was added behind cdassess (not in the audit log)" in found


@pytest.mark.parametrize("edit", ["rate", "claim", "finding", "link"])
def test_cutting_the_end_of_the_audit_log_is_detected(tampered_base: Path, edit: str) -> None:
    """The chain cannot see rows missing at its end; the record replay can, as the records still show them."""
    from cdassess.records import Claim, Finding

    with Assessment.open(tampered_base) as a:
        if edit == "rate":
            a.rate("CD.MF.MD.03.L3", "met")
        elif edit == "claim":
            a.set_claim(Claim("CD.MF.MD.03.L3", a.rating("CD.MF.MD.03.L3").status, "late answer"))
        elif edit == "finding":
            a.save_finding(Finding(None, None, "a late observation"))
        else:
            a.link_evidence(a.evidence_list()[0].id, ["CD.MF.MD.03.L3"])
        last = a.store.audit_entries()[-1].seq
    with attacker(tampered_base) as con:
        con.execute("DELETE FROM audit WHERE seq = ?", [last])
    assert problems_of(tampered_base) != []
