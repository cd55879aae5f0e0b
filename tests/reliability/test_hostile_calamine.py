"""The python-calamine fast path never sees a file it could be hurt by, and never changes what an import finds.

calamine allocates a sheet as a dense rectangle from its first to its last cell reference and aborts the whole
process when that fails (a Rust OOM abort, not an exception); it does not see formulas or error cells, and it
inflates zip members by their own stream. Each case here would crash or silently change an import if the scan
in ``cdassess/xlsx/calread.py`` let it through; the cases run in a child process, so a regression fails the
test instead of killing the test run.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cdassess.errors import CdassessError
from cdassess.services import Assessment
from cdassess.xlsx import export_questionnaire, import_questionnaire, read_questionnaire
from cdassess.xlsx.fastread import Book

ROOT = Path(__file__).resolve().parents[2]
SHEET = "问卷 Questionnaire"

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
       'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
       'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
       '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
       '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _book(path: Path, rows: str, root_attrs: str = _NS) -> Path:
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {root_attrs}><sheetData>{rows}</sheetData></worksheet>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


_A1 = '<row r="1"><c r="A1" t="inlineStr"><is><t>first</t></is></c></row>'
FAR = {
    "last cell of a sheet": _A1 + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    "far row": _A1 + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
    "row 100,000": _A1 + '<row r="100000"><c r="A100000"><v>1</v></c></row>',
    "far column": '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>',
    "column BA": '<row r="1"><c r="A1"><v>1</v></c><c r="BA1"><v>2</v></c></row>',
    "cell without a reference": '<row r="1"><c r="A1"><v>1</v></c><c><v>2</v></c></row>',
    "reference after another attribute": '<row r="1"><c s="0" r="XFD1"><v>2</v></c></row>',
    "prefixed cell": '<x:row r="1"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
}


def test_cells_far_away_never_reach_calamine(tmp_path: Path) -> None:
    paths = {}
    for i, (case, rows) in enumerate(FAR.items()):
        attrs = _NS if not case.startswith("prefixed") else _NS.replace("xmlns=", "xmlns:x=")
        paths[case] = str(_book(tmp_path / f"far{i}.xlsx", rows, attrs))
    child = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from cdassess.xlsx.fastread import Book\n"
        "out = {}\n"
        "for case, p in json.loads(sys.argv[1]).items():\n"
        "    b = Book(Path(p))\n"
        "    fast = b.fast_rows('S') is not None\n"
        "    rows = [r for r, _ in b.sheet('S').rows()]\n"
        "    b.close()\n"
        "    out[case] = [fast, rows[-1] if rows else 0]\n"
        "print(json.dumps(out))\n"
    )
    result = subprocess.run([sys.executable, "-c", child, json.dumps(paths)], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]  # an abort here: calamine was given the rectangle
    got = json.loads(result.stdout)
    assert {case: fast for case, (fast, _) in got.items()} == dict.fromkeys(FAR, False)
    assert got["far row"][1] == 1048576  # the expat reader reads the file instead (streaming, bounded)
    assert got["row 100,000"][1] == 100000


def test_small_cells_are_read_by_calamine(tmp_path: Path) -> None:
    """The bounds are not so tight that ordinary sheets miss the fast path (the limit is AZ99999)."""
    p = _book(tmp_path / "ok.xlsx", _A1 + '<row r="99999"><c r="AZ99999"><v>1</v></c></row>')
    book = Book(p)
    try:
        rows = book.fast_rows("S")
    finally:
        book.close()
    assert rows is not None
    assert rows[0] == (1, ("first",)) and rows[-1][0] == 99999 and rows[-1][1][51] == 1


def _lie_about_size(data: bytes, part: bytes, size: int) -> bytes:
    """The zip's central directory and local header say the part inflates to ``size`` bytes (it is larger)."""
    b = bytearray(data)
    for m in re.finditer(rb"PK\x01\x02", data):
        if data[m.start() + 46: m.start() + 46 + len(part)] == part:
            b[m.start() + 24: m.start() + 28] = struct.pack("<L", size)
    for m in re.finditer(rb"PK\x03\x04", data):
        if data[m.start() + 30: m.start() + 30 + len(part)] == part:
            b[m.start() + 22: m.start() + 26] = struct.pack("<L", size)
    return bytes(b)


def test_a_part_larger_than_its_zip_entry_says_is_refused_as_damaged(demo: Assessment, tmp_path: Path) -> None:
    src = export_questionnaire(demo, tmp_path / "q.xlsx")
    with zipfile.ZipFile(src) as z:
        real = z.getinfo("xl/worksheets/sheet2.xml").file_size
    bad = tmp_path / "lying.xlsx"
    bad.write_bytes(_lie_about_size(src.read_bytes(), b"xl/worksheets/sheet2.xml", real // 10))
    book = Book(bad)
    try:
        assert book.fast_rows(SHEET) is None  # calamine would inflate the whole stream
    finally:
        book.close()
    before = demo.claims()
    with pytest.raises(CdassessError, match="is damaged"):
        import_questionnaire(demo, bad)
    assert demo.claims() == before


def test_an_error_cell_is_a_problem_not_a_blank_answer(demo: Assessment, tmp_path: Path) -> None:
    """calamine reads an error cell (#N/A) as empty: the answer would silently be cleared."""
    q = export_questionnaire(demo, tmp_path / "q.xlsx")
    wb = openpyxl.load_workbook(q)
    ws = wb[SHEET]
    header = {str(c.value).split("\n")[-1]: c.column for c in ws[1]}
    ws.cell(3, header["Self-assessment"]).value = "#N/A"  # openpyxl stores this as an error cell
    req_id = ws.cell(3, header["ID"]).value
    wb.save(q)
    with zipfile.ZipFile(q) as z:
        assert b't="e"' in z.read("xl/worksheets/sheet2.xml")
    preview = read_questionnaire(demo, q)
    assert [(p.sheet, p.row, p.column) for p in preview.problems] == [(SHEET, 3, "H")]
    assert req_id in preview.problems[0].message and "#N/A" in preview.problems[0].message


def test_a_formula_answer_is_named_by_sheet_row_and_column(demo: Assessment, tmp_path: Path) -> None:
    q = export_questionnaire(demo, tmp_path / "q.xlsx")
    wb = openpyxl.load_workbook(q)
    ws = wb[SHEET]
    header = {str(c.value).split("\n")[-1]: c.column for c in ws[1]}
    ws.cell(5, header["Evidence description"]).value = '=CONCAT("see ", "wiki")'
    ws.cell(7, header["Self-assessment"]).value = "=B7"
    wb.save(q)
    preview = read_questionnaire(demo, q)
    where = {(p.sheet, p.row, p.column) for p in preview.problems if "formula" in p.message}
    assert where == {(SHEET, 5, "I"), (SHEET, 7, "H")}
    assert not preview.edits  # nothing can be imported until they are fixed
