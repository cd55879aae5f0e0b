"""A model with dozens of domains: the summary chart (bars, one per domain) is taller than a page unless it is
scaled to the page; the gap report (PDF and Word) is written and shows every domain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docx import Document
from pypdf import PdfReader

from cdassess.model import parse_model
from cdassess.reports.docx import write_gap_docx
from cdassess.reports.gap import write_gap_report
from cdassess.services import Assessment

TINY = Path(__file__).parents[1] / "fixtures" / "models" / "tiny-v2.json"


def _wide_model(domains: int) -> Any:
    data = json.loads(TINY.read_text(encoding="utf-8"))
    template = json.dumps(data["domains"][0])
    data["domains"] = []
    for i in range(domains):
        text = template.replace('"G.', f'"D{i:02d}.').replace('"id": "G"', f'"id": "D{i:02d}"')
        dom = json.loads(text)
        dom["names"] = {"en": f"Domain number {i:02d} with a long name that wraps onto a second line"}
        data["domains"].append(dom)
    data["id"] = "wide-model"
    return parse_model(data, "wide.json")


def test_fifty_domains_fit_the_summary_chart_on_a_page(tmp_path: Path) -> None:
    model = _wide_model(50)
    with Assessment.create(tmp_path / "wide.cdassess", organization="Org", project="Wide", target_level=2,
                           model=model, assessor="tester") as a:
        for req in model.iter_requirements(1):
            a.rate(req.id, "yes_all")
        pdf = tmp_path / "wide.pdf"
        write_gap_report(a, pdf, lang="en")
        docx = tmp_path / "wide.docx"
        write_gap_docx(a, docx, lang="en")
    reader = PdfReader(str(pdf))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "D49" in text and "D00" in text
    page_h = float(reader.pages[0].mediabox.height)
    assert page_h > 0 and len(reader.pages) > 3
    doc = Document(str(docx))
    assert any("D49" in c.text for t in doc.tables for row in t.rows for c in row.cells)
    shape = doc.inline_shapes[0]  # the chart: no taller than the page's text area
    section = doc.sections[0]
    assert shape.height <= section.page_height - section.top_margin - section.bottom_margin
