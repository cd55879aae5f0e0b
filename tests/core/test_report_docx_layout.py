"""The Word report's layout: the evidence table keeps each SHA-256 on one line of its own, every table's grid
matches its rows (what Word repairs otherwise), A4 pages, and the footer of a confidential copy."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from cdassess.export_profile import CONFIDENTIAL
from cdassess.services import Assessment

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_evidence_hashes_sit_in_a_row_of_their_own_in_a_small_monospaced_font(demo: Assessment, tmp_path: Path,
                                                                              lang: str) -> None:
    from cdassess.reports.docx import write_gap_docx

    out = write_gap_docx(demo, tmp_path / "gap.docx", lang=lang)
    doc = Document(str(out))
    hashes = {e.sha256 for e in demo.evidence_list()}
    runs = [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
            if r.text in hashes]
    assert {r.text for r in runs} == hashes
    for run in runs:
        assert run.font.name == "Consolas" and run.font.size is not None and run.font.size.pt <= 7
    table = next(t for t in doc.tables if any(r.text in hashes for row in t.rows for c in row.cells
                                                for p in c.paragraphs for r in p.runs))
    for tr in table._tbl.tr_lst:
        tcs = tr.tc_lst
        if any(h in "".join(tc.itertext()) for h in hashes for tc in tcs):
            assert len(tcs) == 2 and tcs[1].grid_span == 5  # the hash spans every column but the first
            assert tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None


def _check_document_xml(xml: bytes) -> list[str]:
    from lxml import etree

    root = etree.fromstring(xml)
    problems = []
    for n, tbl in enumerate(root.iter(f"{W}tbl")):
        grid = tbl.find(f"{W}tblGrid")
        cols = [] if grid is None else grid.findall(f"{W}gridCol")
        rows = tbl.findall(f"{W}tr")
        if not cols or not rows:
            problems.append(f"table {n}: {len(cols)} grid columns, {len(rows)} rows")
        if any(not c.get(f"{W}w") or int(c.get(f"{W}w")) <= 0 for c in cols):
            problems.append(f"table {n}: a grid column without a width")
        for r, tr in enumerate(rows):
            spans = 0
            for tc in tr.findall(f"{W}tc"):
                span = tc.find(f"{W}tcPr/{W}gridSpan")
                spans += int(span.get(f"{W}val")) if span is not None else 1
                if tc.find(f"{W}p") is None:
                    problems.append(f"table {n} row {r}: a cell without a paragraph")
            if spans != len(cols):
                problems.append(f"table {n} row {r}: {spans} cells for {len(cols)} grid columns")
    body = root.find(f"{W}body")
    if body is None or body[-1].tag != f"{W}sectPr":
        problems.append("the body does not end with its section properties")
    return problems


@pytest.mark.parametrize(("lang", "confidential"), [("zh", False), ("en", False), ("both", False), ("both", True)])
def test_docx_xml_is_what_word_opens_without_repair(demo: Assessment, tmp_path: Path, lang: str,
                                                     confidential: bool) -> None:
    from cdassess.reports.docx import write_gap_docx

    out = write_gap_docx(demo, tmp_path / "gap.docx", lang=lang, profile=CONFIDENTIAL if confidential else None)
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        xml = z.read("word/document.xml")
        footer = b"".join(z.read(n) for n in z.namelist() if re.fullmatch(r"word/footer\d*\.xml", n))
    assert _check_document_xml(xml) == []
    doc = Document(str(out))  # python-docx reads it back
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297  # A4
    note = "confidential copy" if confidential else "Confidential"
    if lang != "zh":
        assert note.encode() in footer
    else:
        assert "机密".encode() in footer


def test_the_xml_check_finds_what_word_would_repair() -> None:
    bad = (f'<w:document xmlns:w="{W[1:-1]}"><w:body><w:tbl><w:tblGrid><w:gridCol w:w="100"/>'
           '<w:gridCol w:w="100"/></w:tblGrid><w:tr><w:tc></w:tc></w:tr></w:tbl><w:sectPr/></w:body></w:document>')
    problems = _check_document_xml(bad.encode())
    assert "table 0 row 0: a cell without a paragraph" in problems
    assert "table 0 row 0: 1 cells for 2 grid columns" in problems
