"""Questionnaire: layout, round trips through real files, tolerant import, problems, all-or-nothing apply."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from cdassess.errors import ValidationError
from cdassess.model import Model
from cdassess.records import Claim
from cdassess.scoring import Status
from cdassess.services import Assessment
from cdassess.xlsx import export_questionnaire, import_questionnaire, read_questionnaire
from cdassess.xlsx.columns import CLAIM_CHOICES, parse_status_word
from cdassess.xlsx.questionnaire import SHEET

FIXTURES = Path(__file__).parents[1] / "fixtures" / "xlsx"


def _columns(ws: object) -> dict[str, int]:
    """English header part -> 1-based column."""
    row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True))  # type: ignore[attr-defined]
    return {str(v).split("\n")[-1]: i + 1 for i, v in enumerate(row) if v}


def _fill(path: Path, answers: dict[str, dict[str, object]], out: Path | None = None) -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    cols = _columns(ws)
    for r in range(2, ws.max_row + 1):
        req = ws.cell(r, cols["ID"]).value
        for header, value in answers.get(str(req), {}).items():
            ws.cell(r, cols[header]).value = value
    target = out or path
    wb.save(target)
    return target


def _replace_in_parts(path: Path, old: bytes, new: bytes) -> None:
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    assert any(old in data for data in parts.values())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data.replace(old, new))


def _state(a: Assessment) -> tuple[dict[str, Claim], dict[str, object]]:
    return a.claims(), {k: (r.status, r.note) for k, r in a.ratings().items()}


# --------------------------------------------------------------------------------------------- layout


def test_layout(tmp_path: Path, mini_assessment: Assessment) -> None:
    a = mini_assessment
    out = export_questionnaire(a, tmp_path / "q.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0].endswith("Instructions")
    instructions = " ".join(str(c) for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if c)
    for claim in CLAIM_CHOICES:
        assert claim in instructions
    assert "Examples of evidence" in instructions and "证据示例" in instructions
    ws = wb[SHEET]
    cols = _columns(ws)
    for word in ("ID", "Self-assessment", "Evidence description", "Evidence references", "Owner", "Comment",
                 "Domain", "Subdomain", "Item", "Level", "Requirement"):
        assert word in cols
    assert all("\n" in str(c.value) for c in ws[1] if c.value)  # Chinese and English in each header
    ids = [ws.cell(r, cols["ID"]).value for r in range(2, ws.max_row + 1)]
    assert ids == [r.id for r in a.model.iter_requirements(2)]  # default: up to the target level (2)
    assert ws.protection.sheet
    assert ws.cell(2, cols["ID"]).protection.locked
    assert ws.cell(2, cols["Requirement"]).protection.locked
    for key in ("Self-assessment", "Evidence description", "Evidence references", "Owner", "Comment"):
        assert not ws.cell(2, cols[key]).protection.locked
    assert ws.freeze_panes == "B2"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape"
    assert ws.cell(2, cols["Requirement"]).alignment.wrap_text
    assert ws.column_dimensions["F"].width > 30
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list"
    assert all(choice in dv.formula1 for choice in CLAIM_CHOICES)
    claim_letter = openpyxl.utils.get_column_letter(cols["Self-assessment"])
    assert str(dv.sqref) == f"{claim_letter}2:{claim_letter}{len(ids) + 1}"
    meta = wb["_cdassess"]
    assert meta.sheet_state == "hidden"
    values = {r[0]: r[1] for r in meta.iter_rows(values_only=True)}
    assert values["model_id"] == "mini"
    assert values["model_version"] == "1.0"
    assert values["assessment_uuid"] == a.meta.uuid
    assert values["format"] == "cdassess-questionnaire/1"


def test_max_level_and_language(tmp_path: Path, mini_assessment: Assessment) -> None:
    out = export_questionnaire(mini_assessment, tmp_path / "q.xlsx", max_level=3, lang="en")
    wb = openpyxl.load_workbook(out)
    assert [n for n in wb.sheetnames if not n.startswith("_")] == ["Instructions", "Questionnaire"]
    ws = wb["Questionnaire"]
    cols = _columns(ws)
    assert ws.max_row - 1 == len(mini_assessment.model.requirements)
    text = ws.cell(2, cols["Requirement"]).value
    assert text == "A.X.1 level 1 requirement"
    headers = [c.value for c in ws[1] if c.value]
    assert headers[:2] == ["ID", "Domain"] and not any("\n" in h or "编号" in h for h in headers)
    assert ws.data_validations.dataValidation[0].formula1 == '"Met,Partially met,Not met,N/A"'
    with pytest.raises(Exception, match="not a level"):
        export_questionnaire(mini_assessment, tmp_path / "q9.xlsx", max_level=9)


@pytest.mark.parametrize(("lang", "sheet", "header", "dropdown"), [
    ("zh", "问卷", "编号", '"满足,部分满足,不满足,不适用"'),
    ("en", "Questionnaire", "ID", '"Met,Partially met,Not met,N/A"'),
    ("both", SHEET, "编号\nID", '"' + ",".join(CLAIM_CHOICES) + '"'),
])
def test_each_language_round_trips(tmp_path: Path, mini_assessment: Assessment, lang: str, sheet: str,
                                   header: str, dropdown: str) -> None:
    out = export_questionnaire(mini_assessment, tmp_path / f"q-{lang}.xlsx", lang=lang)
    wb = openpyxl.load_workbook(out)
    ws = wb[sheet]
    assert ws.cell(1, 1).value == header
    assert ws.data_validations.dataValidation[0].formula1 == dropdown
    claim_col = [str(c.value) for c in ws[1]].index(str(ws.cell(1, 8).value)) + 1
    picked = dropdown.strip('"').split(",")
    for r, word in zip(range(2, 6), picked, strict=True):
        ws.cell(r, claim_col).value = word
        ws.cell(r, claim_col + 3).value = "why" if word in picked[3:] else None  # not used: claims need none
    wb.save(out)
    preview = read_questionnaire(mini_assessment, out)
    assert not preview.problems, [p.cells() for p in preview.problems]
    preview.apply(mini_assessment)
    got = [str(c.status) for _, c in sorted(mini_assessment.claims().items())][:4]
    assert sorted(got) == sorted(["met", "partial", "not_met", "na"])


def test_formula_looking_text_stays_text(tmp_path: Path, mini_assessment: Assessment) -> None:
    a = mini_assessment
    risky = {"A.X.1.L1": "=1+1", "A.X.1.L2": "+41", "A.X.2.L1": "-cmd|' /C calc'!A0", "B.1.L1": "@SUM(A1)"}
    for req, text in risky.items():
        a.set_claim(Claim(req, Status.MET, text, text, text, "ok\x01\x07 bell"))
    out = export_questionnaire(a, tmp_path / "q.xlsx")
    ws = openpyxl.load_workbook(out)[SHEET]
    cols = _columns(ws)
    for r in range(2, ws.max_row + 1):
        req = ws.cell(r, cols["ID"]).value
        if req in risky:
            cell = ws.cell(r, cols["Evidence description"])
            assert cell.value == risky[req]
            assert cell.data_type == "s"
            assert cell.quotePrefix
            assert ws.cell(r, cols["Comment"]).value == "ok bell"
    # read back unchanged, except for the control characters that a cell cannot hold
    assert {(c.field, c.new) for c in read_questionnaire(a, out).changes} == {("comment", "ok bell")}


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed (CI)")
def test_formula_looking_text_stays_text_in_libreoffice(tmp_path: Path, mini_assessment: Assessment) -> None:
    a = mini_assessment
    a.set_claim(Claim("A.X.1.L1", Status.MET, "=1+1", "@SUM(2,3)", "+7", "-3"))
    out = export_questionnaire(a, tmp_path / "q.xlsx")
    wb = openpyxl.load_workbook(out)
    wb.active = wb.sheetnames.index(SHEET)
    wb.save(out)
    subprocess.run(["libreoffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,"
                    "true,false,false,false,-1", "--outdir", str(tmp_path / "csv"), str(out)], check=True,
                   capture_output=True, timeout=180)
    text = "\n".join(p.read_text("utf-8") for p in (tmp_path / "csv").glob("*.csv"))
    assert "=1+1" in text and "@SUM(2,3)" in text and "+7" in text and ",-3" in text


# --------------------------------------------------------------------------------------------- import


def test_round_trip_preview_then_apply(tmp_path: Path, mini_assessment: Assessment) -> None:
    a = mini_assessment
    a.set_claim(Claim("B.1.L2", Status.MET, "old evidence"))
    q = export_questionnaire(a, tmp_path / "q.xlsx")
    _fill(q, {"A.X.1.L1": {"Self-assessment": " yes ", "Evidence description": "CI logs", "Owner": "张三"},
              "A.X.1.L2": {"Self-assessment": "部分满足 / Partially met", "Evidence references": "wiki/ci"},
              "B.1.L1": {"Self-assessment": "不适用", "Comment": "no such system"},
              "B.1.L2": {"Self-assessment": None, "Evidence description": None}})
    before = a.claims()
    preview = read_questionnaire(a, q)
    assert preview.ok and preview.rows_read == 5
    assert a.claims() == before  # a preview writes nothing
    got = {(c.target, c.field, c.action, c.new) for c in preview.changes}
    assert ("A.X.1.L1", "self-assessment", "set", "met") in got
    assert ("A.X.1.L1", "evidence description", "added", "CI logs") in got
    assert ("A.X.1.L1", "owner", "set", "张三") in got
    assert ("A.X.1.L2", "self-assessment", "set", "partial") in got
    assert ("B.1.L1", "self-assessment", "set", "na") in got
    assert ("B.1.L2", "self-assessment", "cleared", "") in got
    assert ("B.1.L2", "evidence description", "cleared", "") in got
    assert all(c.sheet == SHEET and c.row >= 2 for c in preview.changes)
    preview.apply(a)
    claims = a.claims()
    assert claims["A.X.1.L1"].status == Status.MET
    assert claims["A.X.1.L1"].evidence_text == "CI logs"
    assert claims["A.X.1.L1"].owner == "张三"
    assert claims["A.X.1.L2"].status == Status.PARTIAL
    assert claims["A.X.1.L2"].evidence_refs == "wiki/ci"
    assert claims["B.1.L1"].status == Status.NA
    assert "B.1.L2" not in claims
    assert claims["A.X.1.L1"].source == "questionnaire q.xlsx"
    assert a.ratings() == {}  # claims never touch the assessor's ratings
    # exported again, the received answers come pre-filled, and re-importing changes nothing
    q2 = export_questionnaire(a, tmp_path / "q2.xlsx")
    ws = openpyxl.load_workbook(q2)[SHEET]
    cols = _columns(ws)
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "A.X.1.L1")
    assert ws.cell(row, cols["Self-assessment"]).value == "满足 / Met"
    assert ws.cell(row, cols["Evidence description"]).value == "CI logs"
    assert read_questionnaire(a, q2).changes == []


@pytest.mark.parametrize(("word", "status"), [
    ("met", Status.MET), ("满足", Status.MET), ("是", Status.MET), ("Y", Status.MET), (" YES ", Status.MET),
    ("1", Status.MET), (1, Status.MET), ("true", Status.MET), (True, Status.MET),
    ("partial", Status.PARTIAL), ("部分满足", Status.PARTIAL), ("部分", Status.PARTIAL), ("p", Status.PARTIAL),
    ("not met", Status.NOT_MET), ("Not  Met", Status.NOT_MET), ("不满足", Status.NOT_MET), ("否", Status.NOT_MET),
    ("N", Status.NOT_MET), ("no", Status.NOT_MET), ("0", Status.NOT_MET), (0, Status.NOT_MET),
    ("FALSE", Status.NOT_MET), ("N/A", Status.NA), ("不适用", Status.NA), ("na", Status.NA), ("n / a", Status.NA),
    ("不适用 / N/A", Status.NA), ("满足 / Met", Status.MET), ("", Status.UNRATED), (None, Status.UNRATED),
    ("Ｙ", Status.MET), ("\u3000满足\xa0", Status.MET), ("Ｎ／Ａ", Status.NA), ("Partially Met", Status.PARTIAL),
    ("maybe", None), ("满足 / Not met", None), (2, None),
])
def test_claim_words(word: object, status: Status | None) -> None:
    assert parse_status_word(word) == status


def test_problems_listed_and_nothing_applied(tmp_path: Path, mini_assessment: Assessment) -> None:
    a = mini_assessment
    a.set_claim(Claim("A.X.1.L1", Status.PARTIAL, "kept"))
    q = export_questionnaire(a, tmp_path / "q.xlsx")
    wb = openpyxl.load_workbook(q)
    ws = wb[SHEET]
    cols = _columns(ws)
    ws.cell(2, cols["Self-assessment"]).value = "met"  # a good change that must not be applied either
    ws.cell(3, cols["Self-assessment"]).value = "kind of"
    ws.cell(4, cols["ID"]).value = "A.X.1.L1"  # duplicate of row 2
    ws.cell(4, cols["Self-assessment"]).value = "Y"
    ws.cell(5, cols["ID"]).value = "Z.9"
    ws.cell(5, cols["Self-assessment"]).value = "Y"
    ws.cell(6, cols["Self-assessment"]).value = "=IF(1,\"met\",\"\")"
    ws.cell(6, cols["Evidence description"]).value = "PLACEHOLDER"
    wb.save(q)
    _replace_in_parts(q, b"PLACEHOLDER", b"x" * 100_000)  # openpyxl and xlsxwriter cut at 32,767 themselves
    before = _state(a)
    preview = read_questionnaire(a, q)
    found = {(p.row, p.column, p.message.split(" (")[0][:30]) for p in preview.problems}
    letter = {k: openpyxl.utils.get_column_letter(v) for k, v in cols.items()}
    assert any(r == 3 and c == letter["Self-assessment"] and "is not a self-assessment" in p.message
               for p in preview.problems for r, c in [(p.row, p.column)]), found
    assert any(p.row == 4 and "duplicate ID A.X.1.L1 (also in row 2)" in p.message for p in preview.problems)
    assert any(p.row == 5 and "unknown requirement ID 'Z.9'" in p.message for p in preview.problems)
    assert any(p.row == 6 and p.column == letter["Self-assessment"] and "formula" in p.message
               for p in preview.problems)
    assert any(p.row == 6 and p.column == letter["Evidence description"] and "100,000 characters" in p.message
               for p in preview.problems)
    bad_word = next(p for p in preview.problems if p.row == 3)
    assert "满足" in bad_word.accepted and "N/A" in bad_word.accepted
    assert all(p.sheet == SHEET for p in preview.problems)
    with pytest.raises(ValidationError) as err:
        preview.apply(a)
    assert "nothing was imported" in str(err.value)
    assert _state(a) == before
    with pytest.raises(ValidationError):
        import_questionnaire(a, q)
    assert _state(a) == before


def test_failure_half_way_rolls_back(tmp_path: Path, mini_assessment: Assessment) -> None:
    a = mini_assessment
    q = export_questionnaire(a, tmp_path / "q.xlsx")
    _fill(q, {"A.X.1.L1": {"Self-assessment": "Y"}, "B.1.L1": {"Self-assessment": "N"}})
    preview = read_questionnaire(a, q)
    assert len(preview.edits) == 2

    def boom(_: Assessment) -> object:
        raise RuntimeError("disk on fire")

    preview.edits.append(boom)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        preview.apply(a)
    assert a.claims() == {}


def test_another_assessment_or_model_refused_unless_forced(tmp_path: Path, mini_assessment: Assessment,
                                                           mini_model: Model) -> None:
    other = Assessment.create(tmp_path / "other.cdassess", organization="O", project="P", model=mini_model)
    try:
        q = export_questionnaire(other, tmp_path / "q.xlsx")
    finally:
        other.close()
    _fill(q, {"A.X.1.L1": {"Self-assessment": "Y"}})
    preview = read_questionnaire(mini_assessment, q)
    assert [p.sheet for p in preview.problems] == ["_cdassess"]
    assert "another assessment" in preview.problems[0].message
    forced = read_questionnaire(mini_assessment, q, force=True)
    assert forced.ok and any("forced" in n for n in forced.notes)
    forced.apply(mini_assessment)
    assert mini_assessment.claims()["A.X.1.L1"].status == Status.MET
    wb = openpyxl.load_workbook(q)
    meta = wb["_cdassess"]
    for row in meta.iter_rows():
        if row[0].value == "model_version":
            row[1].value = "2.0"
    wb.save(q)
    preview = read_questionnaire(mini_assessment, q)
    assert any("another model version (2.0" in p.message for p in preview.problems)


def test_reordered_extra_missing_columns_blank_and_decorative_rows(tmp_path: Path,
                                                                   mini_assessment: Assessment) -> None:
    """Written by another library (xlsxwriter), no metadata sheet, columns in another order."""
    p = tmp_path / "by-xlsxwriter.xlsx"
    book = xlsxwriter.Workbook(str(p))
    ws = book.add_worksheet("Answers")
    ws.write_row(0, 0, ["Company questionnaire v2"])  # a title above the header
    ws.write_row(2, 0, ["备注\nComment", "Our notes", "自评结果\nSelf-assessment", "编号\nID",
                        "证据说明\nEvidence description"])
    ws.write_row(3, 0, ["", "", "Met", "A.X.1.L1", "pipeline logs"])
    ws.write_row(4, 0, [])
    ws.write_row(5, 0, ["", "section B", "", "", ""])
    ws.write_row(6, 0, ["because", "", "no", "B.1.L1", ""])
    ws.write_number(7, 2, 1)
    ws.write_string(7, 3, "B.1.L2")
    book.close()
    preview = read_questionnaire(mini_assessment, p)
    assert preview.ok, preview.problems
    assert any("no cdassess metadata sheet" in n for n in preview.notes)
    preview.apply(mini_assessment)
    claims = mini_assessment.claims()
    assert claims["A.X.1.L1"].status == Status.MET
    assert claims["A.X.1.L1"].evidence_text == "pipeline logs"
    assert claims["B.1.L1"].status == Status.NOT_MET
    assert claims["B.1.L1"].comment == "because"
    assert claims["B.1.L2"].status == Status.MET


def test_missing_optional_column_keeps_old_values(tmp_path: Path, mini_assessment: Assessment) -> None:
    a = mini_assessment
    a.set_claim(Claim("A.X.1.L1", Status.PARTIAL, "kept text", owner="Li"))
    p = tmp_path / "two-columns.xlsx"
    book = xlsxwriter.Workbook(str(p))
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["ID", "Self-assessment"])
    ws.write_row(1, 0, ["A.X.1.L1", "met"])
    book.close()
    read_questionnaire(a, p).apply(a)
    claim = a.claims()["A.X.1.L1"]
    assert (claim.status, claim.evidence_text, claim.owner) == (Status.MET, "kept text", "Li")


def test_no_header(tmp_path: Path, mini_assessment: Assessment) -> None:
    p = tmp_path / "nothing.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Value"])
    wb.save(p)
    preview = read_questionnaire(mini_assessment, p)
    assert not preview.ok
    assert "ID column and a Self-assessment column" in preview.problems[0].message


def test_libreoffice_resaved_questionnaire_imports(tmp_path: Path, mini_assessment: Assessment) -> None:
    """tests/fixtures/xlsx/lo_questionnaire_mini.xlsx: exported, filled in, re-saved by LibreOffice Calc."""
    src = tmp_path / "lo.xlsx"
    shutil.copyfile(FIXTURES / "lo_questionnaire_mini.xlsx", src)
    assert not read_questionnaire(mini_assessment, src).ok  # exported from another assessment
    preview = read_questionnaire(mini_assessment, src, force=True)
    assert preview.ok, preview.problems
    preview.apply(mini_assessment)
    claims = mini_assessment.claims()
    assert {k: c.status for k, c in claims.items()} == {
        "A.X.1.L1": Status.MET, "A.X.1.L2": Status.PARTIAL, "A.X.2.L1": Status.NOT_MET, "B.1.L1": Status.NA}
    assert claims["A.X.1.L1"].evidence_text == "流水线每次提交都构建"
    assert claims["A.X.1.L1"].evidence_refs == "=see wiki/ci"
    assert claims["A.X.1.L1"].owner == "张三"
    assert claims["A.X.1.L2"].comment == "@ops to confirm"


def test_output_path_checks(tmp_path: Path, mini_assessment: Assessment) -> None:
    from cdassess.errors import CdassessError

    with pytest.raises(CdassessError, match=r"extension \.xlsx"):
        export_questionnaire(mini_assessment, tmp_path / "q.xls")
    with pytest.raises(CdassessError, match="does not exist"):
        export_questionnaire(mini_assessment, tmp_path / "no" / "q.xlsx")
    assert not list(tmp_path.glob("*.tmp"))


def test_locked_assessment_takes_no_import(tmp_path: Path, mini_assessment: Assessment) -> None:
    a = mini_assessment
    q = _fill(export_questionnaire(a, tmp_path / "q.xlsx"), {"A.X.1.L1": {"Self-assessment": "Y"}})
    a.lock()
    preview = read_questionnaire(a, q)
    assert [p.message for p in preview.problems] == ["the assessment is locked; nothing can be imported into it"]
    assert preview.problems[0].accepted == "unlock it with a reason first"
    with pytest.raises(ValidationError):
        preview.apply(a)
    assert a.claims() == {}


def test_a_team_can_add_columns_to_the_right_and_the_preview_names_them(tmp_path: Path,
                                                                       builtin_model: object) -> None:
    """The protected sheet leaves the columns right of the last one free; an added column is named, not ignored."""
    import openpyxl

    from cdassess.services import Assessment
    from cdassess.xlsx import export_questionnaire, read_questionnaire

    with Assessment.create(tmp_path / "a.cdassess", organization="O", project="P", model=builtin_model) as a:
        q = export_questionnaire(a, tmp_path / "q.xlsx", lang="en")
        wb = openpyxl.load_workbook(q)
        from cdassess.xlsx.questionnaire import SHEETS

        ws = wb[SHEETS["en"]]
        last = ws.max_column
        letter = openpyxl.utils.get_column_letter(last + 1)
        # the columns right of the last one are formatted unlocked: typing there is allowed
        assert ws.protection.sheet and ws.column_dimensions[letter].protection.locked is False
        assert ws.cell(2, 1).protection.locked  # the ID stays locked
        ws.cell(1, last + 1).value = "Jira link"
        ws.cell(2, last + 1).value = "JIRA-42"
        wb.save(q)
        preview = read_questionnaire(a, q)
        assert any(f"column {letter} 'Jira link'" in n and "not read" in n for n in preview.notes), preview.notes
        assert preview.ok
