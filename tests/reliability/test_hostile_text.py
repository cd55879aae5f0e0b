"""Hostile text in every field: formula-looking strings stay text in every exported workbook, ReportLab
markup prints literally in the gap report, control and XML-invalid characters never break an export."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from cdassess.errors import InvalidValueError
from cdassess.records import Claim, Finding
from cdassess.scoring import Status
from cdassess.services import Assessment

FORMULAS = ["=1+1", "+SUM(A1:A3)", "-2+3", "@SUM(A1)", " =1+1", "\t=1+1", '=HYPERLINK("http://evil.example","x")',
            "=cmd|' /C calc'!A0", "-", "+", "=", "@"]
MARKUP = ["<b>bold</b>", "<font color='red'>red</font>", "A & B", "1 < 2 > 0", "<unclosed", "&amp; &lt;",
          "<para>", "<br/>", "</b>", "<img src='x.png'/>", "&#x41;", "&nbsp;"]
CONTROL = ["a\x00b", "c\x01d", "e\x08f", "g\x0bh", "i\x0cj", "k\x1fl", "m\x7fn", "o\ufffep", "q\uffffr",
           "s\u202et", "u\u200bv", "w\x85x", "y\r\nz"]
GAPS = ["CD.CM.CH.03.L3", "CD.TM.TA.03.L3", "CD.DM.TD.02.L3", "CD.MF.MI.03.L3", "CD.EM.EM.02.L3",
        "CD.MF.MD.03.L3", "CD.DM.DC.03.L3"]
FIELDS = ("organization", "project", "scope", "assessor", "note", "justification", "claim_text", "claim_refs",
          "claim_owner", "claim_comment", "observation", "recommendation", "finding_owner", "evidence_name",
          "provided_by", "description")


def plant(a: Assessment, texts: Sequence[str], tag: bool = False) -> dict[tuple[str, int], str]:
    """Put every text into every editable text field; returns (field, index) -> the value planted."""
    def val(fld: str, i: int) -> str:
        return f"{texts[i]}#{fld}" if tag else texts[i]

    planted: dict[tuple[str, int], str] = {}
    n = len(texts)
    for i in range(n):
        for fld in FIELDS:
            planted[(fld, i)] = val(fld, i)
    a.update_details(organization=val("organization", 0), project=val("project", 1 % n), scope=val("scope", 2 % n),
                     assessors=[val("assessor", i) for i in range(n)])
    # requirements up to the target level: rated partial, each becomes a gap the report lists in full
    reqs = GAPS + [r.id for r in a.model.iter_requirements(3) if r.id not in GAPS and r.level == 3]
    others = [r.id for r in a.model.iter_requirements(2)]
    with a.store.batch("plant hostile text"):
        for i in range(n):
            req = reqs[i]
            a.rate(req, Status.PARTIAL, note=val("note", i))
            other = others[i]
            a.rate(other, Status.NA, justification=val("justification", i))
            a.set_claim(Claim(req, Status.MET, val("claim_text", i), val("claim_refs", i), val("claim_owner", i),
                              val("claim_comment", i)), source="hostile")
            a.save_finding(Finding(None, req, val("observation", i), val("recommendation", i),
                                   val("finding_owner", i), "2027-01-31", "high"))
            a.add_evidence_bytes(val("evidence_name", i) + ".txt", f"content {i}".encode(), [req],
                                 provided_by=val("provided_by", i), description=val("description", i))
    return planted


def cells(path: Path) -> Iterator[Any]:
    import openpyxl

    wb = openpyxl.load_workbook(path)  # not read-only: data_type is what the file declares
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                yield from row
    finally:
        wb.close()


def export_all(a: Assessment, out: Path) -> dict[str, Path]:
    from cdassess.xlsx import export_gap_plan, export_questionnaire, export_workbook

    out.mkdir(exist_ok=True)
    return {
        "questionnaire": export_questionnaire(a, out / "questionnaire.xlsx"),
        "questionnaire-en": export_questionnaire(a, out / "questionnaire-en.xlsx", lang="en"),
        "workbook": export_workbook(a, out / "workbook.xlsx"),
        "gap plan": export_gap_plan(a, out / "gap-plan.xlsx"),
    }


# ------------------------------------------------------------------------------------------ formulas


@pytest.fixture
def formula_demo(demo: Assessment) -> Assessment:
    plant(demo, FORMULAS)
    return demo


def test_formula_looking_text_stays_text_in_every_workbook(formula_demo: Assessment, tmp_path: Path) -> None:
    books = export_all(formula_demo, tmp_path / "out")
    for kind, path in books.items():
        formula_like = 0
        for c in cells(path):
            assert c.data_type != "f", (kind, c.coordinate, c.value)
            if isinstance(c.value, str) and c.value.lstrip(" \t").startswith(("=", "+", "-", "@")):
                assert c.data_type == "s", (kind, c.coordinate, c.value)
                formula_like += 1
        assert formula_like >= 10, (kind, formula_like)  # the planted values did reach this workbook


def test_every_planted_formula_string_survives_in_the_full_workbook(formula_demo: Assessment, tmp_path: Path) -> None:
    from cdassess.xlsx import export_workbook, read_workbook

    path = export_workbook(formula_demo, tmp_path / "w.xlsx")
    values = {c.value for c in cells(path) if isinstance(c.value, str)}
    for text in FORMULAS:
        stripped = text.strip()
        assert stripped in values or text in values, text
    # and the workbook imports back as it is: text cells, not formulas, and no change
    preview = read_workbook(formula_demo, path)
    assert preview.problems == []
    # (the importer strips the cells, so " =1+1" in a claim text comes back as "=1+1": whitespace only)
    assert [c for c in preview.changes if c.old.strip() != c.new.strip()] == []


def test_model_workbook_texts_stay_text(tmp_path: Path) -> None:
    from cdassess.model import parse_model
    from cdassess.xlsx import export_model_workbook, read_model_workbook

    data = json.loads((Path(__file__).parents[1] / "fixtures" / "models" / "mini.json").read_text("utf-8"))
    texts = iter(FORMULAS * 20)

    def poison(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("zh", "en") and isinstance(v, str):
                    node[k] = next(texts) + " " + v
                else:
                    poison(v)
        elif isinstance(node, list):
            for v in node:
                poison(v)

    poison(data.get("names"))
    poison(data.get("domains"))
    model = parse_model(data)
    path = export_model_workbook(model, tmp_path / "model.xlsx")
    assert all(c.data_type != "f" for c in cells(path))
    back = read_model_workbook(path)
    assert back.to_dict() == model.to_dict()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_formula_text_stays_text_after_libreoffice_resaves_it(formula_demo: Assessment, tmp_path: Path) -> None:
    """What a client's office suite does: open and save again. A text cell must not become a formula."""
    from cdassess.xlsx import export_workbook, read_workbook

    src = export_workbook(formula_demo, tmp_path / "w.xlsx")
    out = tmp_path / "lo"
    out.mkdir()
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(src)], check=True,
                   capture_output=True, timeout=120, env=env)
    resaved = out / "w.xlsx"
    assert all(c.data_type != "f" for c in cells(resaved))
    preview = read_workbook(formula_demo, resaved)
    assert preview.problems == []
    assert [c for c in preview.changes if c.field in ("note", "justification")] == []


# ------------------------------------------------------------------------------------------ report markup


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in PdfReader(path).pages))


def test_reportlab_markup_prints_literally_in_the_gap_report(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.reports.gap import write_gap_report

    planted = plant(demo, MARKUP, tag=True)
    write_gap_report(demo, tmp_path / "report.pdf")
    text = _pdf_text(tmp_path / "report.pdf")
    printed = {"organization", "project", "assessor", "note", "claim_text", "claim_refs", "claim_comment",
               "observation", "recommendation", "finding_owner", "evidence_name", "provided_by"}
    missing = [(fld, i, value) for (fld, i), value in planted.items()
               if fld in printed and (fld not in ("organization", "project") or i == {"organization": 0,
                                                                                     "project": 1}[fld])
               and not _printed(re.sub(r"\s+", "", value), text)]
    assert missing == []


def _printed(value: str, text: str) -> bool:
    """``value`` occurs in ``text``, possibly cut in two where a table row breaks across a page."""
    return value in text or any(value[:k] in text and value[k:] in text for k in range(4, len(value) - 3))


# ------------------------------------------------------------------------------------------ control characters


def test_control_and_xml_invalid_characters_never_break_an_export(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.reports.gap import write_gap_report
    from cdassess.xlsx import export_workbook, read_workbook

    plant(demo, CONTROL)
    books = export_all(demo, tmp_path / "out")
    for path in books.values():
        values = [c.value for c in cells(path) if isinstance(c.value, str)]
        assert values
        for v in values:
            assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", v), (path.name, v)
    wb_values = {c.value for c in cells(books["workbook"]) if isinstance(c.value, str)}
    assert "ab" in wb_values  # dropped, not the whole text
    assert "s\u202et" in wb_values  # legal characters are kept as they are
    assert write_gap_report(demo, tmp_path / "report.pdf") > 3
    # re-importing the cleaned workbook is refused nowhere: it parses, and only the dropped characters differ
    preview = read_workbook(demo, export_workbook(demo, tmp_path / "again.xlsx"))
    assert preview.problems == []


def test_unpaired_surrogate_is_refused_with_a_message(demo: Assessment) -> None:
    before = (demo.ratings(), demo.store.audit_head())
    with pytest.raises(InvalidValueError, match="not valid Unicode"):
        demo.rate("CD.CM.CH.03.L3", Status.MET, note="broken \ud800 paste")
    with pytest.raises(InvalidValueError, match="not valid Unicode"):
        demo.save_finding(Finding(None, None, "obs \udfff"))

    def an_import() -> None:  # the first edit is fine, the second is not: the whole batch rolls back
        with demo.store.batch("an import"):
            demo.rate("CD.CM.CH.03.L3", Status.MET, note="fine")
            demo.set_claim(Claim("CD.CM.CH.03.L3", Status.MET, "\ud83d"))

    with pytest.raises(InvalidValueError, match="not valid Unicode"):
        an_import()
    assert (demo.ratings(), demo.store.audit_head()) == before
    assert demo.check() == []
