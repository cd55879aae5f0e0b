"""Full workbook: export then import is lossless, field by field; edits come back as previewed changes."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from cdassess.errors import ValidationError
from cdassess.records import Claim, Finding, Rating
from cdassess.scoring import Status
from cdassess.services import Assessment
from cdassess.xlsx import export_gap_plan, export_workbook, read_workbook
from cdassess.xlsx.workbook import S_CLAIMS, S_EVIDENCE, S_FINDINGS, S_RATINGS


def _ratings(a: Assessment) -> dict[str, tuple[Any, ...]]:
    return {k: (r.status, r.note, r.justification, r.needs_review) for k, r in a.ratings().items()}


def _claims(a: Assessment) -> dict[str, tuple[Any, ...]]:
    return {k: (c.status, c.evidence_text, c.evidence_refs, c.owner, c.comment, c.source)
            for k, c in a.claims().items()}


def _findings(a: Assessment) -> list[tuple[Any, ...]]:
    return [(f.id, f.req_id, f.observation, f.recommendation, f.owner, f.due_date, f.priority)
            for f in a.findings()]


def _links(a: Assessment) -> dict[int, tuple[Any, ...]]:
    return {e.id: (e.req_ids, e.description, e.provided_by, e.collected_on) for e in a.evidence_list()}


def _everything(a: Assessment) -> tuple[Any, ...]:
    return _ratings(a), _claims(a), _findings(a), _links(a)


def _cols(ws: Any) -> dict[str, int]:
    row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True))
    return {str(v).split("\n")[-1]: i + 1 for i, v in enumerate(row) if v}


@pytest.fixture
def rich(mini_assessment: Assessment) -> Assessment:
    """The mini assessment with one of everything, including awkward text."""
    a = mini_assessment
    a.rate("A.X.1.L1", "met", note="=looks like a formula\nsecond line", needs_review=True)
    a.rate("A.X.1.L2", "na", justification="no such system; 不适用")
    a.rate("A.X.2.L1", "partial", note="@mention -dash +plus")
    a.set_claim(Claim("A.X.1.L1", Status.MET, "CI 日志", "wiki/ci", "张三", "ok"), source="questionnaire q.xlsx")
    a.set_claim(Claim("B.1.L1", Status.NOT_MET, comment="later"))
    a.save_finding(Finding(None, "A.X.2.L1", "Only half the services", "Cover all", "Li", "2026-12-31", "high"))
    a.save_finding(Finding(None, None, "General: no metrics", priority="low"))
    a.add_evidence_bytes("ci-log.txt", b"build ok", ["A.X.1.L1", "A.X.1.L2"], description="CI log")
    a.add_evidence_bytes("policy.pdf", b"%PDF-1.4 policy", ["B.1.L1"])
    return a


def test_export_then_import_changes_nothing(tmp_path: Path, rich: Assessment) -> None:
    w = export_workbook(rich, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(w)
    assert [n.split()[-1] for n in wb.sheetnames] == ["Overview", "Ratings", "Claims", "Findings", "Evidence",
                                                     "_cdassess"]
    cols = _cols(wb[S_RATINGS])
    assert "Rating" in cols and "Note" in cols and "Justification" in cols and "Needs review" in cols
    preview = read_workbook(rich, w)
    assert preview.ok, preview.problems
    assert preview.changes == []


def test_carriage_returns_and_escape_like_text_come_back_as_they_were(tmp_path: Path, rich: Assessment) -> None:
    """The writer stores a CR as _x000D_ and a literal "_x0041_" with its underscore escaped (ST_Xstring, as
    Excel does); the reader turns both back, so Excel and this program see the text that was typed."""
    rich.rate("B.1.L2", "partial", note="windows\r\nline _x0041_ stays _x005F_ too")
    w = export_workbook(rich, tmp_path / "w.xlsx")
    with zipfile.ZipFile(w) as z:
        part = next(z.read(n) for n in z.namelist() if n.startswith("xl/") and b"windows" in z.read(n))
    assert b"windows_x000D_" in part and b"_x005F_x0041_" in part
    preview = read_workbook(rich, w)
    assert preview.ok, preview.problems
    assert preview.changes == []


def test_exports_write_with_xlsxwriter_without_loading_openpyxl(tmp_path: Path, rich: Assessment) -> None:
    code = ("import sys; from pathlib import Path; from cdassess.services import Assessment; "
            "from cdassess.xlsx import export_gap_plan, export_model_workbook, export_questionnaire, "
            "export_workbook; d = Path(sys.argv[2]); a = Assessment.open(sys.argv[1], readonly=True); "
            "export_questionnaire(a, d / 'q.xlsx'); export_workbook(a, d / 'w.xlsx'); "
            "export_gap_plan(a, d / 'g.xlsx'); export_model_workbook(a.model, d / 'm.xlsx'); a.close(); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'xlsxwriter'}))")
    path = rich.path
    rich.close()
    done = subprocess.run([sys.executable, "-c", code, str(path), str(tmp_path)], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split("\n")[0] == "['xlsxwriter']"
    for name in ("q", "w", "g", "m"):
        assert openpyxl.load_workbook(tmp_path / f"{name}.xlsx").sheetnames[-1] == "_cdassess"


@pytest.mark.parametrize("export", ["questionnaire", "workbook", "gap_plan"])
def test_long_sheets_streamed_in_constant_memory_hold_the_same_cells(
        tmp_path: Path, rich: Assessment, monkeypatch: pytest.MonkeyPatch, export: str) -> None:
    from cdassess import xlsx
    from cdassess.xlsx import writing

    def write(name: str) -> list[list[tuple[Any, bool, bool]]]:
        out = getattr(xlsx, f"export_{export}")(rich, tmp_path / f"{name}.xlsx")
        wb = openpyxl.load_workbook(out)
        # the metadata sheet holds the export's time (to the second): every other cell must be the same
        return [[(c.value, c.protection.locked, bool(c.quotePrefix)) for row in ws.iter_rows() for c in row]
                for ws in wb.worksheets if ws.title != "_cdassess"]

    in_memory = write("in-memory")
    monkeypatch.setattr(writing, "CONSTANT_MEMORY_ROWS", 1)
    assert writing.BookWriter(rows=1).constant_memory
    assert write("streamed") == in_memory


def test_lossless_into_a_fresh_assessment(tmp_path: Path, rich: Assessment) -> None:
    w = export_workbook(rich, tmp_path / "w.xlsx")
    fresh = Assessment.create(tmp_path / "fresh.cdassess", organization="O", project="P", model=rich.model,
                              target_level=2)
    try:
        assert not read_workbook(fresh, w).ok  # another assessment: refused unless forced
        preview = read_workbook(fresh, w, force=True)
        assert preview.ok, preview.problems
        assert sum("evidence" in n and "skipped" in n for n in preview.notes) == 2  # files stay in their file
        preview.apply(fresh)
        assert _ratings(fresh) == _ratings(rich)
        assert _claims(fresh) == _claims(rich)
        assert _findings(fresh) == _findings(rich)  # same ids too
        assert read_workbook(fresh, w, force=True).changes == []
    finally:
        fresh.close()


def test_lossless_back_into_the_same_assessment(tmp_path: Path, rich: Assessment) -> None:
    a = rich
    before = _everything(a)
    w = export_workbook(a, tmp_path / "w.xlsx")
    # undo everything in the application...
    for req in list(a.ratings()):
        a.set_rating(Rating(req))
    for req in list(a.claims()):
        a.set_claim(Claim(req))
    first = a.findings()[0]
    assert first.id is not None
    a.delete_finding(first.id)
    a.save_finding(Finding(None, "B.1.L2", "added after the export"))
    ev = a.evidence_list()[0]
    a.unlink_evidence(ev.id, "A.X.1.L2")
    a.link_evidence(ev.id, ["B.1.L2"])
    assert _everything(a) != before
    # ...and the workbook brings it all back, field by field
    preview = read_workbook(a, w)
    actions = {(c.target, c.field, c.action) for c in preview.changes}
    assert ("A.X.1.L1", "rating", "set") in actions
    assert ("A.X.1.L1", "needs review", "set") in actions
    assert (f"evidence {ev.id}", "link", "added") in actions
    assert (f"evidence {ev.id}", "link", "removed") in actions
    assert (f"finding {first.id}", "finding", "added") in actions
    assert ("finding 3", "finding", "removed") in actions
    preview.apply(a)
    after = _everything(a)
    assert after[0] == before[0]  # ratings: status, note, justification, review flag
    assert after[1] == before[1]  # claims: status, evidence text and references, owner, comment, source
    assert after[2] == before[2]  # findings, under their old ids
    assert after[3] == before[3]  # evidence links


def test_edits_in_the_workbook_are_imported(tmp_path: Path, rich: Assessment) -> None:
    a = rich
    w = export_workbook(a, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(w)
    ws = wb[S_RATINGS]
    c = _cols(ws)
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, c["ID"]).value == "B.1.L1":
            ws.cell(r, c["Rating"]).value = "不满足"
            ws.cell(r, c["Note"]).value = "seen on site"
    ws = wb[S_FINDINGS]
    c = _cols(ws)
    ws.cell(2, c["Priority"]).value = "低"
    ws.append([None, "B.1.L2", "new from the workshop", "", "", dt.datetime(2027, 1, 15), "medium"])
    ws.cell(ws.max_row, c["Due date"]).number_format = "yyyy/m/d"  # typed as a date, as a workshop would
    wb.save(w)
    preview = read_workbook(a, w)
    assert preview.ok, preview.problems
    preview.apply(a)
    assert a.ratings()["B.1.L1"].status == Status.NOT_MET
    assert a.ratings()["B.1.L1"].note == "seen on site"
    assert a.findings()[0].priority == "low"
    assert a.findings()[-1].observation == "new from the workshop"
    assert a.findings()[-1].due_date == "2027-01-15"


def test_evidence_details_edited_in_the_workbook_are_imported(tmp_path: Path, rich: Assessment) -> None:
    w = export_workbook(rich, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(w)
    ws = wb[S_EVIDENCE]
    header = [str(v) for v in next(ws.iter_rows(min_row=1, max_row=1, values_only=True))]
    col = {name: i + 1 for i, name in enumerate(header)}
    desc = next(i for n, i in col.items() if "Description" in n)
    provided = next(i for n, i in col.items() if "Provided" in n)
    ws.cell(2, desc).value = "CI log, signed by the release manager"
    ws.cell(2, provided).value = "王五 Wang Wu"
    wb.save(w)
    preview = read_workbook(rich, w)
    assert preview.ok, preview.problems
    assert {(c.target, c.field) for c in preview.changes} == {("evidence 1", "description"),
                                                               ("evidence 1", "provided_by")}
    preview.apply(rich)
    ev = rich.evidence_list()[0]
    assert (ev.description, ev.provided_by) == ("CI log, signed by the release manager", "王五 Wang Wu")
    assert rich.check() == []


def test_bad_values_are_problems_and_nothing_changes(tmp_path: Path, rich: Assessment) -> None:
    a = rich
    w = export_workbook(a, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(w)
    ws = wb[S_RATINGS]
    c = _cols(ws)
    ws.cell(2, c["Rating"]).value = "brilliant"
    ws.cell(3, c["Justification"]).value = None  # A.X.1.L2 is N/A: needs a justification
    ws.cell(4, c["Needs review"]).value = "perhaps"
    ws.cell(5, c["ID"]).value = "A.X.1.L1"
    ws.cell(5, c["Note"]).value = "dup"
    ws = wb[S_FINDINGS]
    c = _cols(ws)
    ws.cell(2, c["Due date"]).value = "next week"
    ws.cell(3, c["Priority"]).value = "urgent"
    ws.cell(3, c["Requirement ID"]).value = "NOPE"
    ws = wb[S_EVIDENCE]
    c = _cols(ws)
    ws.cell(2, c["Requirements"]).value = "A.X.1.L1, ZZZ"
    ws = wb[S_CLAIMS]
    c = _cols(ws)
    ws.cell(2, c["Self-assessment"]).value = "sort of"
    wb.save(w)
    before = _everything(a)
    preview = read_workbook(a, w)
    msgs = [(p.sheet, p.row, p.column, p.message) for p in preview.problems]
    assert any(s == S_RATINGS and r == 2 and "'brilliant' is not a rating" in m for s, r, _, m in msgs), msgs
    assert any(s == S_RATINGS and r == 3 and "N/A needs a justification" in m for s, r, _, m in msgs)
    assert any(s == S_RATINGS and r == 4 and "not yes or no" in m for s, r, _, m in msgs)
    assert any(s == S_RATINGS and r == 5 and "duplicate ID" in m for s, r, _, m in msgs)
    assert any(s == S_FINDINGS and r == 2 and "not a date" in m for s, r, _, m in msgs)
    assert any(s == S_FINDINGS and r == 3 and "unknown priority" in m for s, r, _, m in msgs)
    assert any(s == S_FINDINGS and r == 3 and "unknown requirement ID 'NOPE'" in m for s, r, _, m in msgs)
    assert any(s == S_EVIDENCE and r == 2 and "ZZZ" in m for s, r, _, m in msgs)
    assert any(s == S_CLAIMS and r == 2 and "'sort of'" in m for s, r, _, m in msgs)
    with pytest.raises(ValidationError):
        preview.apply(a)
    assert _everything(a) == before


def test_gap_plan(tmp_path: Path, rich: Assessment) -> None:
    a = rich
    out = export_gap_plan(a, tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    c = _cols(ws)
    for header in ("Domain", "Requirement ID", "Requirement", "Rating", "Finding", "Recommendation", "Owner",
                   "Due date", "Priority"):
        assert header in c
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    gaps = [r.id for g in a.gaps() for r in g.requirements]
    assert [r[c["Requirement ID"] - 1] for r in rows] == gaps
    row = next(r for r in rows if r[c["Requirement ID"] - 1] == "A.X.2.L1")
    assert row[c["Finding"] - 1] == "Only half the services"
    assert row[c["Recommendation"] - 1] == "Cover all"
    assert row[c["Due date"] - 1] == datetime(2026, 12, 31)  # an Excel date, not text
    assert "high" in row[c["Priority"] - 1]
    assert ws.auto_filter.ref
    assert ws.freeze_panes == "B2"
    assert ws.page_setup.orientation == "landscape"


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed (CI)")
def test_workbook_resaved_by_libreoffice_changes_nothing(tmp_path: Path, rich: Assessment) -> None:
    w = export_workbook(rich, tmp_path / "w.xlsx")
    subprocess.run(["libreoffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(w)],
                   check=True, capture_output=True, timeout=180)
    preview = read_workbook(rich, tmp_path / "lo" / "w.xlsx")
    assert preview.ok, preview.problems
    assert preview.changes == []
