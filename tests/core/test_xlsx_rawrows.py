"""Rows rendered straight to sheet XML (writing._RawRows) give the workbook xlsxwriter's own cell API gives:
the same values, formats, heights, filters, dropdowns and protection, in memory and when streamed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from cdassess.records import Claim
from cdassess.services import Assessment
from cdassess.xlsx import export_questionnaire, export_workbook, read_questionnaire, writing
from cdassess.xlsx.fastread import Book

HOSTILE = [
    "=HYPERLINK(\"http://x\")", "+1", "  leading and trailing  ", "_x000D_ literal", "carriage\r\nreturn",
    "tab\there", "<b>&amp; \"quotes\" 'single'</b>", "中文 / English", "x" * 40_000, "😀" * 20_000,
]


def _describe(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        cells = {c.coordinate: (c.value, c.font.b, c.fill.fgColor.rgb, c.protection.locked, c.alignment.wrap_text,
                                c.quotePrefix, c.number_format)
                 for row in ws.iter_rows() for c in row if c.value is not None or c.has_style}
        out[ws.title] = (cells, {r: d.height for r, d in ws.row_dimensions.items() if d.height}, ws.freeze_panes,
                         ws.auto_filter.ref, [(str(d.sqref), d.formula1) for d in ws.data_validations.dataValidation],
                         ws.protection.sheet, ws.print_title_rows, ws.dimensions, ws.sheet_state)
        if ws.title == "_cdassess":  # exported_at: the time of the export
            when = next(c.row for c in ws["A"] if c.value == "exported_at")
            cells.pop(f"B{when}")
    return out


def _both(monkeypatch: pytest.MonkeyPatch, export: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    fast = _describe(export("fast"))
    with monkeypatch.context() as m:
        m.setattr(writing, "_raw_supported", lambda _x: False)  # every cell through xlsxwriter's own API
        api = _describe(export("api"))
    return fast, api


@pytest.mark.parametrize("streamed", [False, True], ids=["in memory", "streamed"])
def test_raw_rows_equal_xlsxwriters_cells(tmp_path: Path, mini_assessment: Assessment,
                                          monkeypatch: pytest.MonkeyPatch, streamed: bool) -> None:
    a = mini_assessment
    if streamed:
        monkeypatch.setattr(writing, "CONSTANT_MEMORY_ROWS", 1)
    ids = [r.id for r in a.model.iter_requirements()]
    for req_id, text in zip(ids, HOSTILE, strict=False):
        a.set_claim(Claim(req_id, "partial", text, "ref", "张伟", text[:100]), source="test")
        a.rate(req_id, "met", note=text)
    fast, api = _both(monkeypatch, lambda k: export_questionnaire(a, tmp_path / f"q-{k}.xlsx"))
    assert fast == api
    fast, api = _both(monkeypatch, lambda k: export_workbook(a, tmp_path / f"w-{k}.xlsx"))
    assert fast == api
    assert len(fast["评级 Ratings"][0]) > 50  # many cells were compared


def test_streamed_questionnaire_reimports_unchanged(tmp_path: Path, mini_assessment: Assessment,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The streamed form (in-line strings, spilled to a temporary file) reads back as the texts written."""
    monkeypatch.setattr(writing, "CONSTANT_MEMORY_ROWS", 1)
    monkeypatch.setattr(writing, "_SPILL", 200)  # spill after every row or two
    a = mini_assessment
    ids = [r.id for r in a.model.iter_requirements()]
    for req_id, text in zip(ids, HOSTILE[:8], strict=False):
        a.set_claim(Claim(req_id, "met", text.strip(), "", "", ""), source="test")
    q = export_questionnaire(a, tmp_path / "q.xlsx")
    book = Book(q)
    try:
        assert book.fast_rows("问卷 Questionnaire") is not None
    finally:
        book.close()
    preview = read_questionnaire(a, q)
    assert preview.problems == [] and preview.changes == [], (preview.problems[:2], preview.changes[:2])
