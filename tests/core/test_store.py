"""The assessment file: created once, edits committed as made, refusals that name the file, tamper evidence."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from cdassess.errors import AssessmentFileError, FileInUseError, InvalidValueError, LockedError, NotFoundError
from cdassess.model import Model
from cdassess.records import Claim, Finding
from cdassess.scoring import Status
from cdassess.services import Assessment, safe_filename


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_create_never_overwrites(tmp_path: Path, mini_model: Model) -> None:
    target = tmp_path / "a.cdassess"
    target.write_bytes(b"precious")
    with pytest.raises(AssessmentFileError, match="already exists"):
        Assessment.create(target, organization="O", project="P", model=mini_model)
    assert target.read_bytes() == b"precious"


def test_create_refuses_a_bad_target_level_and_leaves_no_file(tmp_path: Path, mini_model: Model) -> None:
    target = tmp_path / "a.cdassess"
    with pytest.raises(InvalidValueError, match=r"target level 5 is not a level of model mini .accepted: 1-3"):
        Assessment.create(target, organization="O", project="P", model=mini_model, target_level=5)
    assert not target.exists()


def test_every_edit_is_committed_when_made(mini_assessment: Assessment) -> None:
    mini_assessment.rate("A.X.1.L1", "met", note="seen in the repo")
    # A second connection (another process would see the same) reads the committed value at once.
    conn = sqlite3.connect(mini_assessment.path)
    row = conn.execute("SELECT status, note FROM rating WHERE req_id='A.X.1.L1'").fetchone()
    conn.close()
    assert row == ("met", "seen in the repo")


def test_file_settings_wal_application_id_and_schema(mini_assessment: Assessment) -> None:
    db = mini_assessment.store.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA application_id").fetchone()[0] == 0x43444153


def test_reopen_keeps_everything_and_model_snapshot(tmp_path: Path, mini_model: Model) -> None:
    path = tmp_path / "a.cdassess"
    with Assessment.create(path, organization="Org", project="Proj", model=mini_model) as a:
        a.rate("B.1.L1", "na", justification="no such component")
        a.set_claim(Claim("B.1.L1", Status.MET, "wiki page", "DOC-1", "Wang", "ok"))
        a.save_finding(Finding(None, "B.1.L1", "obs", "rec", "owner", "2027-01-01", "high"))
    with Assessment.open(path, readonly=True) as b:
        assert b.rating("B.1.L1").justification == "no such component"
        assert b.claims()["B.1.L1"].evidence_refs == "DOC-1"
        assert b.findings()[0].priority == "high"
        assert b.model.to_dict() == mini_model.to_dict()
    assert not (tmp_path / ".~lock.a.cdassess#").exists()


def test_na_needs_a_justification_and_unknown_ids_are_named(mini_assessment: Assessment) -> None:
    with pytest.raises(InvalidValueError, match="N/A needs a justification"):
        mini_assessment.rate("A.X.1.L1", "na")
    with pytest.raises(NotFoundError, match="unknown requirement ID 'NOPE'"):
        mini_assessment.rate("NOPE", "met")
    assert mini_assessment.ratings() == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"hello, this is a text file" * 10, "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 20, "truncated"),
    ],
)
def test_not_an_assessment(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "x.cdassess"
    p.write_bytes(content)
    with pytest.raises(AssessmentFileError, match=message):
        Assessment.open(p)
    assert p.read_bytes() == content


def test_missing_file_and_directory_are_refused_without_creating_anything(tmp_path: Path) -> None:
    with pytest.raises(AssessmentFileError, match="no such file"):
        Assessment.open(tmp_path / "missing.cdassess")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(AssessmentFileError, match="is a directory"):
        Assessment.open(tmp_path)


def test_sqlite_file_of_another_application(tmp_path: Path) -> None:
    p = tmp_path / "other.db"
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = _sha(p)
    with pytest.raises(AssessmentFileError, match="another application"):
        Assessment.open(p)
    assert _sha(p) == before


def test_truncated_assessment_is_refused(demo_path: Path) -> None:
    data = demo_path.read_bytes()
    demo_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(AssessmentFileError, match="truncated"):
        Assessment.open(demo_path)


def test_newer_schema_is_refused_and_left_alone(mini_assessment: Assessment) -> None:
    path = mini_assessment.path
    mini_assessment.close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('cdassess', '0099_future', 'x')")
    conn.commit()
    conn.close()
    before = _sha(path)
    with pytest.raises(AssessmentFileError, match="written by a newer version of cdassess"):
        Assessment.open(path)
    assert _sha(path) == before


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file_is_refused_for_edits_but_readable(mini_assessment: Assessment) -> None:
    path = mini_assessment.path
    mini_assessment.close()
    path.chmod(stat.S_IRUSR)
    try:
        with pytest.raises(AssessmentFileError, match="read-only"):
            Assessment.open(path)
        with Assessment.open(path, readonly=True) as a:
            assert a.meta.organization == "Org"
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_unwritable_file_is_refused_for_edits(mini_assessment: Assessment, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same refusal as above, on machines where the tests run as root (CI)."""
    path = mini_assessment.path
    mini_assessment.close()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with pytest.raises(AssessmentFileError, match="the file is read-only; changes cannot be saved"):
        Assessment.open(path)
    with Assessment.open(path, readonly=True) as a:
        assert a.meta.project == "Proj"


def test_read_only_open_refuses_edits(mini_assessment: Assessment) -> None:
    with Assessment.open(mini_assessment.path, readonly=True) as ro, \
            pytest.raises(AssessmentFileError, match="opened read-only"):
        ro.rate("A.X.1.L1", "met")


def test_second_editor_in_another_process_is_refused(mini_assessment: Assessment) -> None:
    import subprocess
    import sys

    code = ("import sys; from cdassess.services import Assessment\n"
            "from cdassess.errors import FileInUseError\n"
            f"try:\n    Assessment.open({str(mini_assessment.path)!r})\n"
            "except FileInUseError as e:\n    print(e); sys.exit(3)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 3, out.stderr
    assert "already open for editing in another cdassess window or command" in out.stdout
    assert FileInUseError.__mro__[1] is AssessmentFileError


def test_lock_refuses_edits_until_unlocked_with_a_reason(mini_assessment: Assessment) -> None:
    mini_assessment.rate("A.X.1.L1", "met")
    mini_assessment.lock()
    assert mini_assessment.meta.locked and mini_assessment.meta.frozen_digest == mini_assessment.results_digest()
    with pytest.raises(LockedError, match="locked; unlock it with a reason"):
        mini_assessment.rate("A.X.1.L2", "met")
    with pytest.raises(LockedError):
        mini_assessment.save_finding(Finding(None, None, "x"))
    with pytest.raises(Exception, match="needs a reason"):
        mini_assessment.unlock("  ")
    mini_assessment.unlock("client sent missing evidence")
    mini_assessment.rate("A.X.1.L2", "met")
    last = mini_assessment.store.audit_entries()
    unlock = next(e for e in last if e.action == "unlock")
    assert "client sent missing evidence" in (unlock.new or "")
    assert mini_assessment.check() == []


def test_audit_log_records_who_what_old_and_new(mini_assessment: Assessment) -> None:
    mini_assessment.rate("A.X.1.L1", "partial")
    mini_assessment.rate("A.X.1.L1", "met")
    e = mini_assessment.store.audit_entries("requirement:A.X.1.L1")[-1]
    assert (e.actor, e.action) == ("tester", "rate")
    assert '"status":"partial"' in (e.old or "") and '"status":"met"' in (e.new or "")


def test_audit_log_is_append_only(mini_assessment: Assessment) -> None:
    mini_assessment.rate("A.X.1.L1", "met")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        mini_assessment.store.db.execute("UPDATE audit SET actor = 'mallory'")


def test_check_detects_an_altered_audit_row(mini_assessment: Assessment) -> None:
    mini_assessment.rate("A.X.1.L1", "met")
    mini_assessment.rate("A.X.1.L2", "met")
    path = mini_assessment.path
    mini_assessment.close()
    conn = sqlite3.connect(path)
    (trigger,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_append_only_update'").fetchone()
    conn.execute("DROP TRIGGER audit_append_only_update")
    conn.execute("UPDATE audit SET new = replace(new, 'met', 'not_met') WHERE seq = 2")
    conn.execute(trigger)  # put back: a file without it is refused as not genuine
    conn.commit()
    conn.close()
    with Assessment.open(path) as a:
        problems = a.check()
    assert [str(p) for p in problems] == [
        "audit log row 2: was altered after it was written (rate requirement:A.X.1.L1 at "
        + problems[0].message.split(" at ")[1]]


def test_evidence_is_chunked_hashed_deduplicated_and_linked(mini_assessment: Assessment, tmp_path: Path) -> None:
    src = tmp_path / "big.bin"
    payload = os.urandom(3 * (1 << 20) + 123)
    src.write_bytes(payload)
    seen: list[tuple[int, int]] = []
    ev, new = mini_assessment.add_evidence_file(src, ["A.X.1.L1"], provided_by="Zhang",
                                                progress=lambda d, t: seen.append((d, t)))
    assert new and ev.sha256 == hashlib.sha256(payload).hexdigest() and ev.size == len(payload)
    assert seen[-1] == (len(payload), len(payload)) and len(seen) == 4
    n_chunks = mini_assessment.store.db.execute("SELECT count(*) FROM evidence_chunk").fetchone()[0]
    assert n_chunks == 4
    copy = tmp_path / "copy-of-big.bin"
    copy.write_bytes(payload)
    ev2, new2 = mini_assessment.add_evidence_file(copy, ["B.1.L1"])
    assert not new2 and ev2.id == ev.id and ev2.req_ids == ("A.X.1.L1", "B.1.L1")
    assert mini_assessment.store.db.execute("SELECT count(*) FROM evidence_chunk").fetchone()[0] == 4
    out = mini_assessment.extract_evidence(ev.id, tmp_path / "out.bin")
    assert out.read_bytes() == payload
    mini_assessment.unlink_evidence(ev.id, "A.X.1.L1")
    assert [e.id for e in mini_assessment.evidence_for("B.1.L1")] == [ev.id]
    assert mini_assessment.evidence_for("A.X.1.L1") == []
    mini_assessment.remove_evidence(ev.id)
    assert mini_assessment.evidence_list() == []
    assert mini_assessment.store.db.execute("SELECT count(*) FROM evidence_chunk").fetchone()[0] == 0


def test_evidence_bad_paths(mini_assessment: Assessment, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="is a folder"):
        mini_assessment.add_evidence_file(tmp_path, ["A.X.1.L1"])
    with pytest.raises(Exception, match="no such file"):
        mini_assessment.add_evidence_file(tmp_path / "nope.pdf", ["A.X.1.L1"])
    assert mini_assessment.evidence_list() == []


@pytest.mark.parametrize("name", ["../../x", "..\\..\\x", "/etc/passwd", "a/b/c.txt", "..", "CON.txt",
                                  "with\x00nul.txt"])
def test_extract_never_escapes_the_target_folder(mini_assessment: Assessment, tmp_path: Path, name: str) -> None:
    ev, _ = mini_assessment.add_evidence_bytes(name, b"content " + name.encode(), ["A.X.1.L1"])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    written = mini_assessment.extract_evidence(ev.id, out_dir)
    assert written.parent == out_dir and written.read_bytes().startswith(b"content ")
    assert sorted(p.name for p in out_dir.iterdir()) == [written.name]
    assert written.name == safe_filename(name, f"evidence-{ev.id}")


def test_extract_does_not_overwrite_and_check_detects_altered_content(demo: Assessment, tmp_path: Path) -> None:
    ev = demo.evidence_list()[0]
    target = tmp_path / "keep.txt"
    target.write_text("mine")
    with pytest.raises(Exception, match="already exists"):
        demo.extract_evidence(ev.id, target)
    assert target.read_text() == "mine"
    demo.store.db.execute("UPDATE evidence_chunk SET data = CAST('X' || substr(data, 2) AS BLOB) "
                          "WHERE evidence_id = ? AND seq = 0", [ev.id])
    demo.store.db.conn.commit()
    problems = [str(p) for p in demo.check()]
    assert problems == [f"evidence {ev.id} ({ev.original_name}): content does not match its SHA-256 "
                        f"{ev.sha256[:12]}… (altered or damaged)"]
    with pytest.raises(AssessmentFileError, match="is damaged"):
        demo.extract_evidence(ev.id, tmp_path / "x.txt")
    assert not (tmp_path / "x.txt").exists()


def test_evidence_details_can_be_edited_but_not_its_content(demo: Assessment) -> None:
    ev = demo.evidence_list()[0]
    change = demo.update_evidence(ev.id, description="signed copy", collected_on="2026-11-20")
    assert (change.new.description, change.new.collected_on, change.new.sha256) == ("signed copy", "2026-11-20",
                                                                                     ev.sha256)
    entry = demo.store.audit_entries(f"evidence:{ev.id}")[-1]
    assert entry.action == "update_evidence" and "signed copy" in (entry.new or "")
    with pytest.raises(InvalidValueError, match="is not a date"):
        demo.update_evidence(ev.id, collected_on="yesterday")
    assert demo.check() == []


def test_a_failed_create_leaves_nothing_behind(tmp_path: Path, mini_model: Model,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from cdassess.store import audit

    def boom(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(audit, "append", boom)
    with pytest.raises(OSError, match="No space left"):
        Assessment.create(tmp_path / "a.cdassess", organization="O", project="P", model=mini_model)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    with Assessment.create(tmp_path / "a.cdassess", organization="O", project="P", model=mini_model) as a:
        assert a.check() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.cdassess"]
