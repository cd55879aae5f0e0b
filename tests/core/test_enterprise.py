"""Enterprise assessments by sampled projects: sample size, registration, the derived level and its explanation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cdassess.cli import main
from cdassess.services import Assessment


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def _project(path: Path, project: str, met_up_to: dict[str, int], org: str = "Group") -> Path:
    """An assessment whose domain D reaches level met_up_to[D] (every other domain: level 3)."""
    with Assessment.create(path, organization=org, project=project, assessor="t") as a, a.store.batch("rate"):
        for req in a.model.requirements.values():
            domain = a.model.items[req.item_id].domain_id
            if req.level <= met_up_to.get(domain, 3):
                a.rate(req.id, "met")
    return path


@pytest.mark.parametrize(("applications", "sample"), [(1, 2), (12, 2), (13, 5), (52, 5)])
def test_sample_size_from_the_caict_table(applications: int, sample: int, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    e = tmp_path / "e.cdassess-enterprise"
    rc, out, err = _cli(capsys, "enterprise", "new", str(e), "--org", "Group", "--applications", str(applications))
    assert rc == 0, err
    assert f"sample {sample} projects" in out
    assert json.loads(e.read_text())["sample_size"] == sample


def test_unknown_rows_and_configured_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    e = tmp_path / "e.cdassess-enterprise"
    rc, _, err = _cli(capsys, "enterprise", "new", str(e), "--org", "Group", "--applications", "80")
    assert rc == 1 and "gives no sample size" in err and "--sample" in err
    assert not e.exists()
    rc, out, _ = _cli(capsys, "enterprise", "new", str(e), "--org", "Group", "--applications", "80", "--sample", "8")
    assert rc == 0 and "sample 8 projects" in out
    table = tmp_path / "table.json"
    table.write_text(json.dumps([{"max_applications": 10, "projects": 1}, {"max_applications": None, "projects": 9}]))
    e2 = tmp_path / "e2.cdassess-enterprise"
    rc, out, _ = _cli(capsys, "enterprise", "new", str(e2), "--org", "G", "--applications", "500",
                      "--sampling-table", str(table))
    assert rc == 0 and "sample 9 projects" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"max_applications": 10, "projects": 0}]))
    rc, _, err = _cli(capsys, "enterprise", "new", str(tmp_path / "e3.cdassess-enterprise"), "--org", "G",
                      "--applications", "5", "--sampling-table", str(bad))
    assert rc == 1 and "row 1: projects must be" in err
    rc, _, err = _cli(capsys, "enterprise", "new", str(e), "--org", "Group", "--applications", "3")
    assert rc == 1 and "already exists" in err


def test_minimum_rule_with_explain_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _project(tmp_path / "a.cdassess", "Payments core", {"CD.TM": 2})
    b = _project(tmp_path / "b.cdassess", "Web shop", {"CD.CM": 1})
    e = tmp_path / "e.cdassess-enterprise"
    _cli(capsys, "enterprise", "new", str(e), "--org", "Group", "--applications", "10")
    rc, out, err = _cli(capsys, "enterprise", "add", str(e), str(a))
    assert rc == 0, err
    assert "1 of 2 sampled projects" in out
    rc, out, _ = _cli(capsys, "enterprise", "info", str(e), "--json")
    info = json.loads(out)
    assert info["complete"] is False and info["overall_level"] == 2
    _cli(capsys, "enterprise", "add", str(e), str(b))
    rc, out, _ = _cli(capsys, "enterprise", "info", str(e), "--json")
    info = json.loads(out)
    assert info["complete"] is True
    levels = {d["id"]: d["level"] for d in info["domains"]}
    assert levels["CD.CM"] == 1 and levels["CD.TM"] == 2 and levels["CD.BC"] == 3
    assert info["overall_level"] == 1
    assert info["explain"] == ["held back by project Web shop, domain CD.CM (Configuration management): level 1"]
    rc, out, _ = _cli(capsys, "enterprise", "info", str(e))
    assert "held back by project Web shop, domain CD.CM" in out
    pdf = tmp_path / "e.pdf"
    rc, _, err = _cli(capsys, "enterprise", "report", str(e), "-o", str(pdf))
    assert rc == 0, err
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages)
    assert "Payments core" in text and "Web shop" in text and "held back by project Web shop" in text


def test_median_rule_newer_copy_and_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [_project(tmp_path / f"{n}.cdassess", f"P{n}", {"CD.CM": lv}) for n, lv in enumerate([1, 2, 3])]
    e = tmp_path / "e.cdassess-enterprise"
    _cli(capsys, "enterprise", "new", str(e), "--org", "Group", "--applications", "40", "--sample", "3",
         "--rule", "median")
    _cli(capsys, "enterprise", "add", str(e), *map(str, files))
    info = json.loads(_cli(capsys, "enterprise", "info", str(e), "--json")[1])
    assert {d["id"]: d["level"] for d in info["domains"]}["CD.CM"] == 2
    # a newer copy of P0 replaces its snapshot; the older file again is kept out
    newer = tmp_path / "copy" / "0.cdassess"
    newer.parent.mkdir()
    shutil.copyfile(files[0], newer)
    with Assessment.open(newer, actor="t") as a:
        for req in a.model.requirements.values():
            if a.model.items[req.item_id].domain_id == "CD.CM" and req.level <= 3:
                a.rate(req.id, "met")
    rc, out, _ = _cli(capsys, "enterprise", "add", str(e), str(newer))
    assert "updated P0" in out
    rc, out, _ = _cli(capsys, "enterprise", "add", str(e), str(files[0]))
    assert "kept P0" in out
    info = json.loads(_cli(capsys, "enterprise", "info", str(e), "--json")[1])
    assert info["sampled"] == 3 and {d["id"]: d["level"] for d in info["domains"]}["CD.CM"] == 3
    other = _project(tmp_path / "other.cdassess", "X", {}, org="Someone else")
    rc, _, err = _cli(capsys, "enterprise", "add", str(e), str(other))
    assert rc == 1 and "not 'Group'" in err
    junk = tmp_path / "junk.cdassess-enterprise"
    junk.write_text("{}")
    rc, _, err = _cli(capsys, "enterprise", "info", str(junk))
    assert rc == 1 and "not a cdassess-enterprise/1 file" in err
