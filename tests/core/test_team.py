"""Team assessments: working copies handed out and merged back three-way, on real files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from cdassess.cli import main
from cdassess.errors import CdassessError, LockedError
from cdassess.model import Model
from cdassess.records import Finding, Interview
from cdassess.services import Assessment
from cdassess.team import ConflictsPendingError, MergeRefusedError, make_copy, origin_of, plan_merge


def _copy(lead: Assessment, tmp: Path, name: str, domains: tuple[str, ...] = ()) -> Path:
    dest = tmp / f"{name}.cdassess"
    make_copy(lead, dest, assessor=name, domains=domains)
    return dest


def _edit(path: Path, actor: str) -> Assessment:
    return Assessment.open(path, actor=actor)


def _merge(lead: Assessment, *copies: Path, take: str | None = None) -> tuple[int, int]:
    with plan_merge(lead, list(copies)) as plan:
        if take:
            plan.decide_all(take)
        result = plan.apply()
    return result.applied, result.decided


@pytest.fixture
def lead(tmp_path: Path, mini_model: Model) -> Assessment:
    a = Assessment.create(tmp_path / "lead.cdassess", organization="Org", project="Proj", model=mini_model,
                          target_level=2, assessor="lead")
    yield a
    a.close()


def test_copy_opens_like_any_assessment_and_records_origin(lead: Assessment, tmp_path: Path) -> None:
    lead.rate(lead.model.requirements_list()[0].id if hasattr(lead.model, "requirements_list")
              else next(iter(lead.model.requirements)), "met")
    seq = lead.store.audit_entries()[-1].seq
    path = _copy(lead, tmp_path, "li", ("A",))
    with Assessment.open(path, actor="li") as c:
        assert c.meta.uuid == lead.meta.uuid
        assert c.ratings() == lead.ratings()
        origin = origin_of(c)
        assert origin is not None and origin.assessor == "li" and origin.domains == ("A",)
        assert origin.chain[-1]["seq"] == seq and origin.chain[-1]["id"] == lead.meta.uuid
        assert c.check() == []
    assert lead.check() == []
    assert lead.store.audit_entries()[-1].action == "hand_out_copy"
    with pytest.raises(CdassessError, match="already exists"):
        make_copy(lead, path, assessor="li")
    with pytest.raises(CdassessError, match="not a domain"):
        make_copy(lead, tmp_path / "x.cdassess", assessor="x", domains=["NOPE"])


def test_copy_of_a_copy_keeps_the_chain_and_merges_into_either(lead: Assessment, tmp_path: Path) -> None:
    reqs = list(lead.model.requirements)
    a_path = _copy(lead, tmp_path, "team-a")
    with _edit(a_path, "anna") as a:
        a.rate(reqs[0], "met")
        b_path = _copy(a, tmp_path, "team-b")
    with _edit(b_path, "bert") as b:
        chain = origin_of(b).chain  # type: ignore[union-attr]
        assert [c["id"] for c in chain] == [lead.meta.uuid, origin_of(Assessment.open(a_path, readonly=True)).copy_id]  # type: ignore[union-attr]
        b.rate(reqs[1], "partial")
    # b straight into the lead brings a's edit from before b was made and b's own
    assert _merge(lead, b_path) == (2, 0)
    assert _merge(lead, a_path) == (0, 0)  # a's edit is already there: applied once
    assert lead.rating(reqs[0]).status == "met" and lead.rating(reqs[1]).status == "partial"
    assert lead.check() == []


def test_one_conflict_with_both_values_and_the_decision_is_audited(lead: Assessment, tmp_path: Path) -> None:
    req = next(iter(lead.model.requirements))
    p1, p2 = _copy(lead, tmp_path, "li"), _copy(lead, tmp_path, "sarah")
    with _edit(p1, "li") as c:
        c.rate(req, "met")
    with _edit(p2, "sarah") as c:
        c.rate(req, "partial")
    before = lead.path.read_bytes()
    with plan_merge(lead, [p1, p2]) as plan:
        assert plan.applied_count == 0
        assert len(plan.conflicts) == 1
        conflict = plan.conflicts[0]
        assert (conflict.requirement, conflict.field) == (req, "status")
        assert conflict.lead.value == "unrated"
        assert sorted((s.assessor, s.value, s.who) for s in conflict.copies) == [
            ("li", "met", "li"), ("sarah", "partial", "sarah")]
        with pytest.raises(ConflictsPendingError, match="1 conflict"):
            plan.apply()
        assert lead.path.read_bytes() == before
        plan.decide(conflict, str(p2), decided_by="the lead")
        plan.apply()
    rating = lead.rating(req)
    assert rating.status == "partial" and rating.updated_by == "sarah"
    decision = [e for e in lead.store.audit_entries() if e.action == "merge_decision"]
    assert len(decision) == 1 and decision[0].actor == "the lead"
    data = json.loads(decision[0].new or "{}")
    assert data["taken"] == "sarah.cdassess" and data["value"] == "partial" and data["lead"] == "unrated"
    assert lead.check() == []


def test_same_change_in_two_copies_is_applied_once(lead: Assessment, tmp_path: Path) -> None:
    req = next(iter(lead.model.requirements))
    p1, p2 = _copy(lead, tmp_path, "li"), _copy(lead, tmp_path, "sarah")
    for p, who in ((p1, "li"), (p2, "sarah")):
        with _edit(p, who) as c:
            c.rate(req, "met", note="seen")
    assert _merge(lead, p1, p2) == (2, 0)  # status and note, once each
    assert [e.action for e in lead.store.audit_entries()].count("rate") == 1


def test_lead_and_copy_changing_the_same_field_conflict(lead: Assessment, tmp_path: Path) -> None:
    req = next(iter(lead.model.requirements))
    p1 = _copy(lead, tmp_path, "li")
    lead.rate(req, "not_met")
    with _edit(p1, "li") as c:
        c.rate(req, "met")
        c.set_note(req, "a note from li")
    with plan_merge(lead, [p1]) as plan:
        assert [(c.field, c.lead.value, [s.value for s in c.copies]) for c in plan.conflicts] == [
            ("status", "not_met", ["met"])]
        assert [(c.field, c.value) for c in plan.changes] == [("note", "a note from li")]
        plan.decide_all("lead")
        plan.apply()
    assert lead.rating(req).status == "not_met" and lead.rating(req).note == "a note from li"


def test_merge_again_changes_nothing_and_later_edits_come_in(lead: Assessment, tmp_path: Path) -> None:
    reqs = list(lead.model.requirements)
    p1 = _copy(lead, tmp_path, "li")
    with _edit(p1, "li") as c:
        c.rate(reqs[0], "met")
    assert _merge(lead, p1) == (1, 0)
    lead.close()
    before = Path(lead.path).read_bytes()
    lead2 = Assessment.open(lead.path, actor="lead")
    assert plan_merge(lead2, [p1]).apply().nothing_to_do
    lead2.close()
    assert Path(lead.path).read_bytes() == before
    with _edit(p1, "li") as c:
        c.rate(reqs[1], "partial")
    with Assessment.open(lead.path, actor="lead") as lead3:
        with plan_merge(lead3, [p1]) as plan:
            assert [(c.requirement, c.value) for c in plan.changes] == [(reqs[1], "partial")]
            plan.apply()
        assert lead3.rating(reqs[0]).status == "met" and lead3.check() == []


def test_decided_conflict_is_not_asked_again(lead: Assessment, tmp_path: Path) -> None:
    req = next(iter(lead.model.requirements))
    p1 = _copy(lead, tmp_path, "li")
    lead.rate(req, "not_met")
    with _edit(p1, "li") as c:
        c.rate(req, "met")
    _merge(lead, p1, take="lead")
    with plan_merge(lead, [p1]) as plan:
        assert plan.conflicts == [] and plan.changes == []


def test_findings_interviews_evidence_and_details_merge(lead: Assessment, tmp_path: Path) -> None:
    reqs = list(lead.model.requirements)
    lead.save_finding(Finding(None, reqs[0], "kept finding"))
    gone = lead.save_finding(Finding(None, reqs[0], "finding to remove")).new
    lead.add_evidence_bytes("old.txt", b"old content", [reqs[0]])
    p1, p2 = _copy(lead, tmp_path, "li"), _copy(lead, tmp_path, "sarah")
    with _edit(p1, "li") as c:
        f = next(f for f in c.findings() if f.observation == "kept finding")
        c.save_finding(Finding(f.id, f.req_id, "kept finding, edited", owner="ops"))
        c.save_finding(Finding(None, reqs[1], "new finding from li", priority="high"))
        c.add_evidence_bytes("new.log", b"x" * 3_000_000, [reqs[1]], description="build log")
        c.add_interview(Interview(None, "2026-11-24", "Wang Wei", topic="pipeline"))
    with _edit(p2, "sarah") as c:
        c.delete_finding(next(f.id for f in c.findings() if f.observation == "finding to remove"))  # type: ignore[arg-type]
        ev = next(e for e in c.evidence_list() if e.original_name == "old.txt")
        c.update_evidence(ev.id, description="the old file")
        c.link_evidence(ev.id, [reqs[2]])
        c.update_details(scope="billing only")
    with plan_merge(lead, [p1, p2]) as plan:
        assert plan.conflicts == []
        plan.apply()
    obs = sorted(f.observation for f in lead.findings())
    assert obs == ["kept finding, edited", "new finding from li"]
    assert gone is not None
    new = next(e for e in lead.evidence_list() if e.original_name == "new.log")
    assert new.size == 3_000_000 and new.description == "build log" and new.added_by == "li"
    assert b"".join(lead.store.evidence_chunks(new.id)) == b"x" * 3_000_000
    old = next(e for e in lead.evidence_list() if e.original_name == "old.txt")
    assert old.description == "the old file" and set(old.req_ids) == {reqs[0], reqs[2]}
    assert [i.interviewees for i in lead.interviews()] == ["Wang Wei"]
    assert lead.meta.scope == "billing only"
    assert lead.check() == []
    with plan_merge(lead, [p1, p2]) as plan:
        assert plan.changes == [] and plan.conflicts == []


def test_removed_in_one_copy_edited_in_another_is_one_record_conflict(lead: Assessment, tmp_path: Path) -> None:
    req = next(iter(lead.model.requirements))
    lead.save_finding(Finding(None, req, "disputed"))
    p1, p2 = _copy(lead, tmp_path, "li"), _copy(lead, tmp_path, "sarah")
    with _edit(p1, "li") as c:
        c.delete_finding(c.findings()[0].id)  # type: ignore[arg-type]
    with _edit(p2, "sarah") as c:
        f = c.findings()[0]
        c.save_finding(Finding(f.id, f.req_id, "disputed, but real"))
    with plan_merge(lead, [p1, p2]) as plan:
        assert len(plan.conflicts) == 1 and plan.conflicts[0].field == "_record"
        assert sorted(str(s.value) for s in plan.conflicts[0].copies)[0].startswith("None") or \
            None in [s.value for s in plan.conflicts[0].copies]
        plan.decide_all(str(p2))
        plan.apply()
    assert [f.observation for f in lead.findings()] == ["disputed, but real"]
    assert lead.check() == []


def test_edits_outside_the_share_are_flagged(lead: Assessment, tmp_path: Path) -> None:
    by_domain = {d.id: [r.id for i in d.items for r in i.requirements] for d in lead.model.domains}
    p1 = _copy(lead, tmp_path, "li", ("A",))
    with _edit(p1, "li") as c:
        c.rate(by_domain["A"][0], "met")
        c.rate(by_domain["B"][0], "met")
    with plan_merge(lead, [p1]) as plan:
        flagged = {c.requirement for c in plan.outside_share()}
    assert flagged == {by_domain["B"][0]}


# ------------------------------------------------------------------------------------ refusals


def _refused(lead: Assessment, copy: Path, match: str) -> None:
    before = lead.path.read_bytes()
    with pytest.raises(MergeRefusedError, match=match):
        plan_merge(lead, [copy])
    assert lead.path.read_bytes() == before


def test_copy_of_another_assessment_is_refused(lead: Assessment, tmp_path: Path, mini_model: Model) -> None:
    other = Assessment.create(tmp_path / "other.cdassess", organization="Other", project="P", model=mini_model,
                              target_level=2)
    p = _copy(other, tmp_path, "x")
    other.close()
    _refused(lead, p, "copy of another assessment .*Other / P.* not of lead.cdassess .*Org / Proj")
    _refused(lead, lead.path.parent / "other.cdassess", "another assessment")


def test_plain_file_of_the_same_assessment_is_refused(lead: Assessment, tmp_path: Path) -> None:
    import shutil

    lead.close()
    shutil.copyfile(lead.path, tmp_path / "plain.cdassess")
    with Assessment.open(lead.path, actor="lead") as a:
        _refused(a, tmp_path / "plain.cdassess", "not a working copy")


def test_copy_on_another_model_version_is_refused(lead: Assessment, tmp_path: Path, mini_model: Model) -> None:
    import dataclasses

    p = _copy(lead, tmp_path, "li")
    with _edit(p, "li") as c:
        c.switch_model(dataclasses.replace(mini_model, version="2.0"))
    _refused(lead, p, f"model {mini_model.id} 2.0.*uses {mini_model.id} {mini_model.version}")


def test_locked_copy_and_locked_lead_are_refused(lead: Assessment, tmp_path: Path) -> None:
    p = _copy(lead, tmp_path, "li")
    with _edit(p, "li") as c:
        c.lock()
    _refused(lead, p, "copy is locked")
    p2 = _copy(lead, tmp_path, "sarah")
    lead.lock()
    before = lead.path.read_bytes()
    with pytest.raises(LockedError, match="unlock it first"):
        plan_merge(lead, [p2])
    with pytest.raises(LockedError, match="unlock it first"):
        make_copy(lead, tmp_path / "z.cdassess", assessor="z")
    assert lead.path.read_bytes() == before


def test_damaged_copy_is_refused(lead: Assessment, tmp_path: Path) -> None:
    req = next(iter(lead.model.requirements))
    p = _copy(lead, tmp_path, "li")
    with _edit(p, "li") as c:
        c.rate(req, "met")
    conn = sqlite3.connect(p)
    conn.execute("UPDATE rating SET status = 'not_met'")  # behind cdassess: no audit row
    conn.commit()
    conn.close()
    _refused(lead, p, "copy is damaged")


def test_copy_with_rewritten_audit_chain_is_refused(lead: Assessment, tmp_path: Path) -> None:
    from cdassess.store.audit import row_hash

    p = _copy(lead, tmp_path, "li")
    conn = sqlite3.connect(p)
    conn.execute("DROP TRIGGER audit_append_only_update")
    rows = conn.execute("SELECT seq, at, actor, action, target, old, new FROM audit ORDER BY seq").fetchall()
    prev = "0" * 64
    for seq, at, actor, action, target, old, new in rows:  # rewrite history consistently from row 1
        who = "forger" if seq == 1 else actor
        h = row_hash(seq, at, who, action, target, old, new, prev)
        conn.execute("UPDATE audit SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?", [who, prev, h, seq])
        prev = h
    conn.execute("CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit\n"
                 "            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    conn.commit()
    conn.close()
    _refused(lead, p, "audit log was rewritten")


def test_copy_from_a_newer_program_is_refused(lead: Assessment, tmp_path: Path) -> None:
    p = _copy(lead, tmp_path, "li")
    conn = sqlite3.connect(p)  # what a future cdassess leaves: a migration this program does not know
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES "
                 "('cdassess', '0099_from_the_future', '2031-01-01T00:00:00')")
    conn.commit()
    conn.close()
    _refused(lead, p, "newer version")


# ------------------------------------------------------------------------------------ command line


def test_cli_copy_and_merge_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lead = tmp_path / "lead.cdassess"
    assert main(["--user", "lead", "new", str(lead), "--org", "O", "--project", "P"]) == 0
    c1, c2 = tmp_path / "c1.cdassess", tmp_path / "c2.cdassess"
    assert main(["copy", str(lead), "-o", str(c1), "--assessor", "Li Ming", "--domains", "CD.CM"]) == 0
    assert main(["copy", str(lead), "-o", str(c2), "--assessor", "Sarah Chen"]) == 0
    assert main(["copy", str(lead), "-o", str(c2), "--assessor", "again"]) == 1
    assert main(["--user", "li", "rate", str(c1), "CD.CM.VC.01.L1", "met"]) == 0
    assert main(["--user", "li", "rate", str(c1), "CD.CM.VC.01.L2", "met"]) == 0
    assert main(["--user", "sarah", "rate", str(c2), "CD.CM.VC.01.L2", "partial"]) == 0
    capsys.readouterr()
    before = lead.read_bytes()
    assert main(["merge", str(lead), str(c1), str(c2), "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {"applied": 1, "conflicts": [
        {"requirement": "CD.CM.VC.01.L2", "field": "status", "lead": "unrated",
         "copies": [{"file": str(c1), "assessor": "Li Ming", "value": "met"},
                    {"file": str(c2), "assessor": "Sarah Chen", "value": "partial"}]}]}
    assert lead.read_bytes() == before
    assert main(["merge", str(lead), str(c1), str(c2)]) == 1
    err = capsys.readouterr().err
    assert "CD.CM.VC.01.L2" in err and "nothing was merged" in err and "Traceback" not in err
    assert lead.read_bytes() == before
    assert main(["merge", str(lead), str(c1), str(c2), "--take", str(c2)]) == 0
    with Assessment.open(lead, readonly=True) as a:
        assert a.rating("CD.CM.VC.01.L1").status == "met"
        assert a.rating("CD.CM.VC.01.L2").status == "partial"
        assert a.check() == []
    assert main(["merge", str(lead), str(c1), "--take", "sideways"]) == 1
    capsys.readouterr()
    assert main(["copies", str(lead), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["copy"] is None
    assert [(c["assessor"], c["domains"], c["merged_seq"] is not None) for c in listed["copies"]] == [
        ("Li Ming", ["CD.CM"], True), ("Sarah Chen", [], True)]
    assert main(["copies", str(c1)]) == 0
    assert "working copy for Li Ming (CD.CM)" in capsys.readouterr().out


def test_merge_report_lists_each_assessors_changes_and_the_decisions(tmp_path: Path, lead: Assessment,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    reqs = list(lead.model.requirements)
    p1, p2 = _copy(lead, tmp_path, "li"), _copy(lead, tmp_path, "sarah")
    with _edit(p1, "li") as c:
        c.rate(reqs[0], "met")
        c.rate(reqs[1], "partial")
    with _edit(p2, "sarah") as c:
        c.rate(reqs[0], "not_met")
    lead.close()
    report = tmp_path / "merge-report.xlsx"
    assert main(["--user", "the lead", "merge", str(lead.path), str(p1), str(p2), "--take", str(p1),
                 "--report", str(report)]) == 0
    wb = openpyxl.load_workbook(report, read_only=True)
    changes = [list(r) for r in wb["Changes"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in changes] == [("li", reqs[1], "status", "unrated", "partial")]
    conflicts = [list(r) for r in wb["Conflicts"].iter_rows(min_row=2, values_only=True)]
    assert len(conflicts) == 1
    req, field, lead_value, copies, decision, value, decided_by = conflicts[0]
    assert (req, field, lead_value, decision, value, decided_by) == (reqs[0], "status", "unrated", "li.cdassess",
                                                                     "met", "the lead")
    assert "li" in copies and "sarah" in copies and "not_met" in copies
    copies_sheet = [list(r) for r in wb["Copies"].iter_rows(values_only=True)]
    assert any(len(r) > 1 and r[0] == "li.cdassess" and r[1] == "li" for r in copies_sheet)


def test_edits_made_hours_before_the_merge_keep_their_time_and_the_lead_checks_clean(
        lead: Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy's edits were made on site in the morning; the merge runs in the evening."""
    import cdassess.services
    import cdassess.store
    import cdassess.store.audit

    reqs = list(lead.model.requirements)
    p1 = _copy(lead, tmp_path, "li")
    morning = {"t": 0}

    def old_time() -> str:
        morning["t"] += 1
        return f"2026-11-24T0{8 + morning['t'] // 60 % 2}:{morning['t'] % 60:02d}:00.000Z"

    for module in (cdassess.store, cdassess.store.audit, cdassess.services):
        monkeypatch.setattr(module, "now_iso", old_time, raising=False)
    with _edit(p1, "li") as c:
        c.rate(reqs[0], "met", note="seen at 08:00")
        f = c.save_finding(Finding(None, reqs[1], "found in the morning")).new
        assert f is not None
        c.save_finding(Finding(f.id, f.req_id, "found in the morning, confirmed at noon"))
        c.add_evidence_bytes("morning.txt", b"morning evidence", [reqs[1]], description="from the morning")
        c.set_claim(__import__("cdassess.records", fromlist=["Claim"]).Claim(reqs[2], "met", comment="team says"))
    monkeypatch.undo()
    assert _merge(lead, p1)[1] == 0
    rating = lead.rating(reqs[0])
    assert rating.updated_by == "li" and rating.updated_at.startswith("2026-11-24T08")
    assert lead.check() == []
