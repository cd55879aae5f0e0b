"""Every rule has one home (cdassess/rules.py, called by the services) and holds whichever caller makes the
edit: the services directly (the window calls these), the CLI, the workbook import, the questionnaire import."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from cdassess.cli import main
from cdassess.errors import InvalidValueError, NotFoundError
from cdassess.records import Finding, Interview, Rating
from cdassess.rules import is_date
from cdassess.scoring import Status
from cdassess.services import Assessment
from cdassess.xlsx import export_questionnaire, export_workbook, read_questionnaire, read_workbook
from cdassess.xlsx.questionnaire import SHEET
from cdassess.xlsx.workbook import S_FINDINGS, S_RATINGS

BAD_DATES = ("2027-13-01", "2027-02-29", "2026-04-31", "2026-00-10", "26-01-01", "next week")


def _cols(ws: object) -> dict[str, int]:
    row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True))  # type: ignore[attr-defined]
    return {str(v).split("\n")[-1]: i + 1 for i, v in enumerate(row) if v}


def _row_of(ws: object, col: int, value: str) -> int:
    for r in range(2, ws.max_row + 1):  # type: ignore[attr-defined]
        if ws.cell(r, col).value == value:  # type: ignore[attr-defined]
            return r
    raise AssertionError(value)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    _out, err = capsys.readouterr()
    return code, err


def test_the_date_rule_itself() -> None:
    assert is_date("2028-02-29") and is_date("2026-12-31")
    assert not any(is_date(d) for d in BAD_DATES)


# ------------------------------------------------------------------------ N/A needs a justification


def test_na_without_justification_through_the_services(mini_assessment: Assessment) -> None:
    a = mini_assessment
    with pytest.raises(InvalidValueError, match="N/A needs a justification") as info:
        a.rate("A.X.1.L1", "na")
    assert info.value.code == "na_needs_justification" and info.value.params["req_id"] == "A.X.1.L1"
    # set_rating (the window, undo and the workbook import) was the hole: the same rule now
    with pytest.raises(InvalidValueError, match="N/A needs a justification"):
        a.set_rating(Rating("A.X.1.L1", Status.NA, justification="   "))
    assert a.rating("A.X.1.L1").status == Status.UNRATED
    a.set_rating(Rating("A.X.1.L1", Status.NA, justification="no such system"))
    assert a.rating("A.X.1.L1").status == Status.NA


def test_na_without_justification_through_the_cli(mini_assessment: Assessment,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = str(mini_assessment.path)
    mini_assessment.close()
    code, err = cli(capsys, "rate", path, "A.X.1.L1", "na")
    assert code == 1 and "N/A needs a justification" in err and "Traceback" not in err
    with Assessment.open(path, readonly=True) as a:
        assert a.rating("A.X.1.L1").status == Status.UNRATED


def test_na_without_justification_through_the_workbook_import(mini_assessment: Assessment, tmp_path: Path) -> None:
    a = mini_assessment
    w = export_workbook(a, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(w)
    ws = wb[S_RATINGS]
    c = _cols(ws)
    r = _row_of(ws, c["ID"], "A.X.1.L1")
    ws.cell(r, c["Rating"]).value = "na"
    ws.cell(r, c["Justification"]).value = None
    wb.save(w)
    preview = read_workbook(a, w)
    assert any("N/A needs a justification" in p.message for p in preview.problems)
    assert a.rating("A.X.1.L1").status == Status.UNRATED


# ------------------------------------------------------------------------ dates are calendar dates


@pytest.mark.parametrize("bad", BAD_DATES[:3])
def test_impossible_dates_through_the_services(mini_assessment: Assessment, bad: str) -> None:
    a = mini_assessment
    with pytest.raises(InvalidValueError, match="is not a date") as info:
        a.save_finding(Finding(None, "A.X.1.L1", "seen", due_date=bad))
    assert info.value.code == "invalid_date"
    with pytest.raises(InvalidValueError, match="is not a date"):
        a.add_interview(Interview(None, bad, "Zhang"))
    with pytest.raises(InvalidValueError, match="is not a date"):
        a.add_evidence_bytes("x.txt", b"x", ["A.X.1.L1"], collected_on=bad)
    with pytest.raises(InvalidValueError, match="is not a date"):
        a.update_details(start_date=bad)
    assert a.findings() == [] and a.interviews() == [] and a.evidence_list() == []
    assert a.meta.start_date != bad


def test_impossible_dates_through_the_cli(mini_assessment: Assessment, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(mini_assessment.path)
    mini_assessment.close()
    code, err = cli(capsys, "finding", "add", path, "--req", "A.X.1.L1", "--observation", "seen",
                    "--due", "2027-13-01")
    assert code == 1 and "is not a date" in err
    code, err = cli(capsys, "interview", "add", path, "--date", "2027-02-29", "--people", "Zhang")
    assert code == 1 and "is not a date" in err
    with Assessment.open(path, readonly=True) as a:
        assert a.findings() == [] and a.interviews() == []


def test_impossible_dates_through_the_workbook_import(mini_assessment: Assessment, tmp_path: Path) -> None:
    a = mini_assessment
    a.save_finding(Finding(None, "A.X.1.L1", "seen", due_date="2027-01-31"))
    w = export_workbook(a, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(w)
    ws = wb[S_FINDINGS]
    ws.cell(2, _cols(ws)["Due date"]).value = "2027-13-01"
    wb.save(w)
    preview = read_workbook(a, w)
    assert any("2027-13-01" in p.message and "not a date" in p.message for p in preview.problems)
    assert a.findings()[0].due_date == "2027-01-31"


# ------------------------------------------------------------------------ requirement ids exist


def test_unknown_requirement_through_the_services_and_cli(mini_assessment: Assessment,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(NotFoundError):
        mini_assessment.set_rating(Rating("NOPE.1", Status.MET))
    with pytest.raises(NotFoundError):
        mini_assessment.rate("NOPE.1", "met")
    path = str(mini_assessment.path)
    mini_assessment.close()
    code, err = cli(capsys, "rate", path, "NOPE.1", "met")
    assert code == 1 and "NOPE.1" in err


def test_unknown_requirement_through_both_imports(mini_assessment: Assessment, tmp_path: Path) -> None:
    a = mini_assessment
    q = export_questionnaire(a, tmp_path / "q.xlsx")
    wb = openpyxl.load_workbook(q)
    ws = wb[SHEET]
    c = _cols(ws)
    ws.cell(2, c["ID"]).value = "NOPE.1"
    ws.cell(2, c["Self-assessment"]).value = "met"
    wb.save(q)
    preview = read_questionnaire(a, q)
    assert any("NOPE.1" in p.message for p in preview.problems)
    w = export_workbook(a, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(w)
    ws = wb[S_RATINGS]
    c = _cols(ws)
    ws.cell(2, c["ID"]).value = "NOPE.1"
    ws.cell(2, c["Rating"]).value = "met"
    wb.save(w)
    preview = read_workbook(a, w)
    assert any("NOPE.1" in p.message for p in preview.problems)
    assert a.ratings() == {}
