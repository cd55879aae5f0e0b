"""Gap plan of issue 16: one row per finding, a row per gap without one, other findings on their own sheet,
dates as dates, drop-downs for status and priority."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

from cdassess.model import Model
from cdassess.records import Finding
from cdassess.services import Assessment


def test_two_findings_two_rows_and_findings_on_non_gaps_in_their_own_sheet(tmp_path: Path,
                                                                         mini_model: Model) -> None:
    from cdassess.xlsx import export_gap_plan

    with Assessment.create(tmp_path / "a.cdassess", organization="O", project="P", model=mini_model,
                           target_level=2) as a:
        reqs = [r.id for r in mini_model.iter_requirements(2)]
        gap, met = reqs[0], reqs[1]
        for r in reqs[1:]:
            a.rate(r, "met")
        a.save_finding(Finding(None, gap, "No pipeline", owner="Ann", due_date="2027-01-15", priority="high"))
        a.save_finding(Finding(None, gap, "No rollback", owner="Bo", due_date="2027-02-01", priority="low"))
        a.save_finding(Finding(None, met, "Works, but undocumented", owner="Cy"))
        a.save_finding(Finding(None, None, "General: no metrics culture"))
        out = export_gap_plan(a, tmp_path / "plan.xlsx")
        n_gaps = sum(len(g.requirements) for g in a.gaps())
    wb = openpyxl.load_workbook(out)
    ws, other = wb.worksheets[0], wb.worksheets[1]
    head = [c.value for c in ws[1]]
    col = {h.split("\n")[-1]: i for i, h in enumerate(head)}
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == n_gaps + 1  # the gap with two findings has two rows
    mine = [r for r in rows if r[col["Requirement ID"]] == gap]
    assert [(r[col["Finding"]], r[col["Owner"]]) for r in mine] == [("No pipeline", "Ann"), ("No rollback", "Bo")]
    assert [r[col["Due date"]] for r in mine] == [datetime(2027, 1, 15), datetime(2027, 2, 1)]
    assert ws.cell(2, col["Due date"] + 1).number_format == "yyyy-mm-dd"
    others = list(other.iter_rows(min_row=2, values_only=True))
    assert {(r[col["Requirement ID"]], r[col["Finding"]]) for r in others} == {
        (met, "Works, but undocumented"), ("—", "General: no metrics culture")}
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert any("high" in f and "medium" in f for f in lists.values())
    assert any("done" in f for f in lists.values())
