"""Assessment cycles: re-assessment, compare, evidence review (through the CLI and the services)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from cdassess.cli import main
from cdassess.cycles import (
    compare,
    evidence_reviews,
    flagged_on_bad_evidence,
    reassess,
    reconfirm_queue,
    review_evidence,
)
from cdassess.services import Assessment


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_reassess_carries_details_evidence_findings_and_last_ratings(demo_path: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    new = tmp_path / "2027.cdassess"
    code, out, err = run(capsys, "reassess", str(demo_path), "-o", str(new))
    assert code == 0, err
    assert "to re-confirm" in out
    with Assessment.open(demo_path, readonly=True) as old, Assessment.open(new, readonly=True) as cur:
        assert (cur.meta.organization, cur.meta.project, cur.meta.scope, cur.meta.assessors,
                cur.meta.target_level) == (old.meta.organization, old.meta.project, old.meta.scope,
                                           old.meta.assessors, old.meta.target_level)
        assert cur.meta.uuid != old.meta.uuid
        assert cur.ratings() == {} and cur.claims() == {}
        assert [(e.sha256, e.collected_on, e.req_ids) for e in cur.evidence_list()] == \
            [(e.sha256, e.collected_on, e.req_ids) for e in old.evidence_list()]
        assert sorted(f.observation for f in cur.findings()) == sorted(f.observation for f in old.findings())
        rated = {k for k, r in old.ratings().items() if not r.is_blank}
        assert set(reconfirm_queue(cur)) == rated
        assert cur.check() == []
    code, out, _ = run(capsys, "requirements", str(new), "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    with Assessment.open(demo_path, readonly=True) as old:
        for req_id, r in old.ratings().items():
            assert rows[req_id]["status"] == "unrated"
            assert rows[req_id]["previous"] == {"status": str(r.status), "note": r.note}
    assert all("previous" not in r for k, r in rows.items() if k not in rated)


def test_reassess_refuses_an_existing_file_and_leaves_it_alone(demo_path: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "keep.cdassess"
    existing.write_bytes(b"precious")
    code, _, err = run(capsys, "reassess", str(demo_path), "-o", str(existing))
    assert code == 1 and "already exists" in err and err.count("\n") == 1
    assert existing.read_bytes() == b"precious"


def test_reconfirming_empties_the_queue_and_compare_agrees(demo_path: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    new_path = tmp_path / "2027.cdassess"
    with reassess(demo_path, new_path) as new:
        queue = reconfirm_queue(new)
        half = queue[: len(queue) // 2]
        with Assessment.open(demo_path, readonly=True) as old:
            before = old.ratings()
        for req_id in half:
            r = before[req_id]
            new.rate(req_id, r.status, justification=r.justification or None)
        new.rate("CD.BC.BP.01.L4", "met")
        assert set(reconfirm_queue(new)) == set(queue) - set(half)
    code, out, _ = run(capsys, "compare", str(demo_path), str(new_path), "--json")
    assert code == 0
    data = json.loads(out)
    assert [a["file"] for a in data["assessments"]] == [str(demo_path), str(new_path)]
    assert all(len(d["levels"]) == 2 for d in data["domains"])
    changed = {c["requirement"]: c for c in data["changed"]}
    assert set(changed) == (set(queue) - set(half)) | ({"CD.BC.BP.01.L4"} - set(half))
    assert all(changed[r]["to"] == "unrated" for r in set(queue) - set(half))
    cmp = compare([demo_path, new_path])
    assert cmp.as_json()["domains"] == data["domains"]
    assert [lv for _d, lv in cmp.domains] == [d["levels"] for d in data["domains"]]


def test_compare_writes_a_pdf_and_a_workbook_that_read_back(demo_path: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader

    new_path = tmp_path / "2027.cdassess"
    reassess(demo_path, new_path).close()
    pdf, xlsx = tmp_path / "cmp.pdf", tmp_path / "cmp.xlsx"
    assert run(capsys, "compare", str(demo_path), str(new_path), "-o", str(pdf), "--lang", "en")[0] == 0
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Assessment comparison" in text and "Levels per domain" in text and "CD.CM" in text
    assert run(capsys, "compare", str(demo_path), str(new_path), "-o", str(xlsx))[0] == 0
    import openpyxl

    wb = openpyxl.load_workbook(xlsx, read_only=True)
    levels = list(wb["级别 Levels"].iter_rows(values_only=True))
    assert levels[1][:2] == ("domain", "CD.CM") and levels[1][3:5] == (2, 0)
    assert zipfile.is_zipfile(xlsx)
    code, _, err = run(capsys, "compare", str(demo_path), str(new_path), "-o", str(pdf))
    assert code == 1 and "already exists" in err


def test_compare_refuses_models_that_differ_without_a_mapping(demo_path: Path, mini_assessment: Assessment,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "compare", str(demo_path), str(mini_assessment.path))
    assert code == 1
    assert "compare only through a model mapping" in err and demo_path.name in err


def test_compare_through_a_mapping_and_bad_mappings(demo_path: Path, mini_assessment: Assessment,
                                                    tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mini = mini_assessment.model
    target_req = next(iter(mini.requirements))
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"format": "cdassess-mapping/1",
                                   "requirements": {"CD.CM.VC.01.L1": target_req}}), encoding="utf-8")
    mini_assessment.close()
    code, out, err = run(capsys, "compare", str(demo_path), str(mini_assessment.path), "--mapping", str(mapping),
                         "--json")
    assert code == 0, err
    assert {c["requirement"] for c in json.loads(out)["changed"]} == {target_req}
    mapping.write_text(json.dumps({"format": "cdassess-mapping/1",
                                   "requirements": {"NOPE": target_req, "CD.CM.VC.01.L1": ["X", "X"]}}))
    code, _, err = run(capsys, "compare", str(demo_path), str(mini_assessment.path), "--mapping", str(mapping))
    assert code == 1
    assert "'NOPE' is not a requirement" in err and "lists an id twice" in err and "'X' is not a requirement" in err


def test_evidence_review_lifecycle_flags_met_on_rejected_or_expired_evidence(
        demo: Assessment, capsys: pytest.CaptureFixture[str]) -> None:
    ev = next(e for e in demo.evidence_list() if e.req_ids == ("CD.TM.TA.04.L3",))
    demo.rate("CD.TM.TA.04.L3", "met")
    assert flagged_on_bad_evidence(demo) == []
    with pytest.raises(Exception, match="needs a reason"):
        review_evidence(demo, ev.id, status="rejected")
    old, new = review_evidence(demo, ev.id, status="rejected", reason="out of date")
    assert (old.status, new.status, new.reason, new.reviewer) == ("submitted", "rejected", "out of date", "tester")
    assert flagged_on_bad_evidence(demo) == ["CD.TM.TA.04.L3"]
    review_evidence(demo, ev.id, status="accepted", valid_until="2026-01-31")
    assert evidence_reviews(demo)[ev.id].effective_status("2026-02-01") == "expired"
    assert flagged_on_bad_evidence(demo, today="2026-02-01") == ["CD.TM.TA.04.L3"]
    assert flagged_on_bad_evidence(demo, today="2026-01-31") == []
    with pytest.raises(Exception, match="not a calendar date"):
        review_evidence(demo, ev.id, valid_until="2027-13-01")
    assert [e.action for e in demo.store.audit_entries("evidence:")][-2:] == ["review_evidence"] * 2
    demo.close()
    code, out, _ = run(capsys, "evidence", "review", str(demo.path), str(ev.id), "--status", "expired")
    assert code == 0 and "accepted -> expired" in out
    code, _, err = run(capsys, "evidence", "review", str(demo.path), "999", "--status", "accepted")
    assert code == 1 and "no evidence 999" in err


def _next_version(builtin: dict[str, object], version: str) -> dict[str, object]:
    """The built-in model as a next version: a text changed, a requirement renamed, one removed."""
    import copy

    data = copy.deepcopy(builtin)
    data["version"] = version
    vc = data["domains"][0]["subdomains"][0]["items"]  # type: ignore[index]
    vc[0]["requirements"][1]["text"] = {"zh": "新版文本", "en": "New wording"}  # CD.CM.VC.01.L2
    vc[1]["requirements"][2]["id"] = "CD.CM.VC.02.L3-2022"  # renamed
    del vc[2]["requirements"][2]  # CD.CM.VC.03.L3 removed (the demo rates it)
    vc[3]["requirements"][3]["id"] = "CD.CM.VC.04.L4-2022"  # a new requirement (old CD.CM.VC.04.L4 is gone)
    return data


def test_model_upgrade_previews_then_flags_changed_and_split_and_keeps_removed(
        demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cdassess.library import ModelLibrary
    from cdassess.model import parse_model

    lib = ModelLibrary()
    builtin = lib.builtin()
    lib.add(parse_model(_next_version(builtin.to_dict(), "2022.1")))
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"format": "cdassess-mapping/1", "requirements": {
        "CD.CM.VC.02.L3": "CD.CM.VC.02.L3-2022", "CD.CM.VC.04.L3": ["CD.CM.VC.04.L3", "CD.CM.VC.04.L4-2022"]}}))
    with Assessment.open(demo_path, readonly=True) as a:
        before = a.ratings()
    bytes_before = demo_path.read_bytes()
    code, out, err = run(capsys, "use-model", str(demo_path), "caict-devops-cd@2022.1", "--mapping", str(mapping),
                         "--dry-run", "--json")
    assert code == 0, err
    plan = json.loads(out)
    kinds = {(c["kind"], tuple(c["old"]), tuple(c["new"])) for c in plan["changes"]}
    assert ("text_changed", ("CD.CM.VC.01.L2",), ("CD.CM.VC.01.L2",)) in kinds
    assert ("moved", ("CD.CM.VC.02.L3",), ("CD.CM.VC.02.L3-2022",)) in kinds
    assert ("split", ("CD.CM.VC.04.L3",), ("CD.CM.VC.04.L3", "CD.CM.VC.04.L4-2022")) in kinds
    assert {c["old"][0] for c in plan["changes"] if c["kind"] == "removed"} == {"CD.CM.VC.03.L3", "CD.CM.VC.04.L4"}
    assert not any(c["kind"] == "merged" for c in plan["changes"])
    assert demo_path.read_bytes() == bytes_before  # the preview wrote nothing
    code, _, err = run(capsys, "use-model", str(demo_path), "caict-devops-cd@2022.1", "--mapping", str(mapping))
    assert code == 1 and "CD.CM.VC.03.L3" in err and "--force" in err and err.count("\n") == 1
    assert demo_path.read_bytes() == bytes_before
    code, out, err = run(capsys, "use-model", str(demo_path), "caict-devops-cd@2022.1", "--mapping", str(mapping),
                         "--force")
    assert code == 0, err
    with Assessment.open(demo_path, actor="tester") as a:
        assert a.model.version == "2022.1"
        ratings = a.ratings()
        assert ratings["CD.CM.VC.02.L3-2022"].status == before["CD.CM.VC.02.L3"].status
        assert "CD.CM.VC.02.L3" not in ratings
        assert ratings["CD.CM.VC.04.L4-2022"].status == before["CD.CM.VC.04.L3"].status
        assert ratings["CD.CM.VC.03.L3"].status == before["CD.CM.VC.03.L3"].status  # kept, listed
        queue = reconfirm_queue(a)
        assert {"CD.CM.VC.01.L2", "CD.CM.VC.02.L3-2022", "CD.CM.VC.04.L3", "CD.CM.VC.04.L4-2022"} <= set(queue)
        assert "CD.CM.VC.01.L1" not in queue
        a.rate("CD.CM.VC.01.L2", "met")
        assert "CD.CM.VC.01.L2" not in reconfirm_queue(a)
        assert a.check() == []
        assert any(e.action == "upgrade_model" for e in a.store.audit_entries("model"))
    code, _, err = run(capsys, "use-model", str(demo_path), "caict-devops-cd@2022.1")
    assert code == 1 and "already on model" in err


def test_a_failed_reassessment_leaves_no_file_behind(demo_path: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from cdassess.store.cycles import CycleRecords

    def broken(*_args: object, **_kw: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(CycleRecords, "copy_evidence", broken)
    new = tmp_path / "sub" / "2027.cdassess"
    new.parent.mkdir()
    with pytest.raises(OSError, match="No space left"):
        reassess(demo_path, new)
    assert list(new.parent.iterdir()) == []


def test_reassessed_evidence_keeps_its_hash_and_check_recomputes_it(demo_path: Path, tmp_path: Path) -> None:
    with reassess(demo_path, tmp_path / "n.cdassess") as new:
        chunks = b"".join(new.store.evidence_chunks(new.evidence_list()[0].id))
        import hashlib

        assert hashlib.sha256(chunks).hexdigest() == new.evidence_list()[0].sha256
        assert new.check() == []
