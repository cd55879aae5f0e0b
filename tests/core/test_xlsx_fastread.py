"""The streaming cell reader gives the values openpyxl's data-only read gives, on files from several writers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from cdassess.services import Assessment
from cdassess.xlsx import export_questionnaire, export_workbook
from cdassess.xlsx.fastread import Book, col_index, is_date_format
from cdassess.xlsx.safety import WorkbookFileError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "xlsx"


def _openpyxl_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    with path.open("rb") as fh:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        try:
            rows = [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
        finally:
            wb.close()
    out = []
    for r in rows:  # trailing empty cells carry no value
        cells = list(r)
        while cells and cells[-1] is None:
            cells.pop()
        out.append(tuple(cells))
    while out and not out[-1]:
        out.pop()
    return out


def _ours(path: Path, sheet: str, *, fast: bool = True) -> list[tuple[Any, ...]]:
    book = Book(path, fast=fast)
    try:
        rows = dict(book.sheet(sheet).rows())
    finally:
        book.close()
    last = max((r for r, v in rows.items() if v), default=0)
    return [rows.get(r, ()) for r in range(1, last + 1)]


def _rows(path: Path, sheet: str = "S", *, fast: bool = True) -> list[tuple[int, tuple[Any, ...]]]:
    book = Book(path, fast=fast)
    try:
        return list(book.sheet(sheet).rows())
    finally:
        book.close()


def _calamine_read(path: Path) -> set[str]:
    """The sheets the fast path (python-calamine) reads."""
    book = Book(path)
    try:
        return {n for n in book.sheetnames if book.fast_rows(n) is not None}
    finally:
        book.close()


def _same(path: Path) -> None:
    """The expat reader and the calamine path both give openpyxl's values."""
    book = Book(path)
    names = list(book.sheetnames)
    book.close()
    assert names
    for name in names:
        expected = _openpyxl_rows(path, name)
        assert _ours(path, name, fast=False) == expected, name
        assert _ours(path, name) == expected, name


def test_our_exports(tmp_path: Path, mini_assessment: Assessment) -> None:
    mini_assessment.rate("A.X.1.L1", "met", note="=1+1 & <b> \"quoted\"\nline 2")
    q = export_questionnaire(mini_assessment, tmp_path / "q.xlsx")
    w = export_workbook(mini_assessment, tmp_path / "w.xlsx")
    _same(q)
    _same(w)
    for path in (q, w):  # no formula in the own exports: every sheet is read fast
        book = Book(path)
        names = set(book.sheetnames)
        book.close()
        assert _calamine_read(path) == names


def test_libreoffice_file_with_shared_strings() -> None:
    _same(FIXTURES / "lo_questionnaire_mini.xlsx")
    assert "问卷 Questionnaire" in _calamine_read(FIXTURES / "lo_questionnaire_mini.xlsx")


def test_xlsxwriter_types_dates_rich_text_and_formulas(tmp_path: Path) -> None:
    p = tmp_path / "types.xlsx"
    book = xlsxwriter.Workbook(str(p))
    ws = book.add_worksheet("数据 Data")
    bold = book.add_format({"bold": True})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    cn_date = book.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    ws.write_row(0, 0, ["text", 42, 3.5, True, False, -7])
    ws.write_datetime(1, 0, dt.datetime(2026, 12, 31), date)
    ws.write_datetime(1, 1, dt.datetime(2027, 1, 15), cn_date)
    ws.write_number(1, 2, 46000, book.add_format({"num_format": "0.00%"}))
    ws.write_rich_string(2, 0, "plain ", bold, "bold", " tail")
    ws.write_formula(3, 0, "=1+1", None, 2)
    ws.write_formula(3, 1, '="a"&"b"', None, "ab")
    ws.write_string(5, 3, "after a gap")
    ws.write_string(6, 0, "  spaces kept  ")
    book.close()
    _same(p)
    b = Book(p)
    try:
        sheet = b.sheet("数据 Data")
        rows = dict(sheet.rows())
        assert rows[2][0] == dt.datetime(2026, 12, 31) and rows[2][1] == dt.datetime(2027, 1, 15)
        assert rows[3][0] == "plain bold tail"
        assert sheet.formulas == {(4, 0): "=1+1", (4, 1): '="a"&"b"'}
    finally:
        b.close()
    assert _calamine_read(p) == set()  # a sheet with formulas is read by expat, which names each formula cell


def test_calamine_values_as_the_expat_reader_gives_them(tmp_path: Path) -> None:
    """Dates, times, whole numbers, booleans and a sheet starting at C5: the same values on both paths."""
    p = tmp_path / "kinds.xlsx"
    book = xlsxwriter.Workbook(str(p))
    ws = book.add_worksheet("S")
    ws.write_string(4, 2, "c5")
    ws.write_number(4, 3, 7)
    ws.write_number(4, 4, 2.5)
    ws.write_boolean(5, 2, True)
    ws.write_datetime(6, 2, dt.datetime(2026, 3, 4), book.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_datetime(6, 3, dt.datetime(2026, 3, 4, 12, 30), book.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
    ws.write_number(6, 4, 0.75, book.add_format({"num_format": "hh:mm"}))
    ws.write_string(8, 5, "_x000D_ literal and\r\nCR-LF 中文")
    book.close()
    assert _calamine_read(p) == {"S"}
    slow = dict(_rows(p, fast=False))
    fast = dict(_rows(p))
    assert fast[5] == slow[5] == (None, None, "c5", 7, 2.5)
    assert fast[6] == slow[6] == (None, None, True)
    assert fast[7][:4] == slow[7][:4] == (None, None, dt.datetime(2026, 3, 4), dt.datetime(2026, 3, 4, 12, 30))
    assert fast[7][4] == slow[7][4] == dt.datetime(1899, 12, 30, 18, 0)  # a time of day on Excel's day zero
    assert fast[9] == slow[9] == (None, None, None, None, None, "_x000D_ literal and\r\nCR-LF 中文")


def test_openpyxl_normal_mode_file(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["a", 1, None, dt.date(2026, 1, 2)])
    ws.append([])
    ws.append(["x", "y"])
    ws["F7"] = "=SUM(B1:B2)"
    wb.save(tmp_path / "n.xlsx")
    _same(tmp_path / "n.xlsx")


def test_helpers() -> None:
    assert [col_index(r) for r in ("A1", "Z9", "AA10", "XFD1")] == [0, 25, 26, 16383]
    assert is_date_format("yyyy-mm-dd") and is_date_format('yyyy"年"m"月"') and is_date_format("[$-804]d/m/yyyy")
    assert not is_date_format("0.00%") and not is_date_format('"days"0') and not is_date_format("General")


def test_dtd_anywhere_is_refused(tmp_path: Path) -> None:
    import zipfile

    p = tmp_path / "e.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.save(p)
    with zipfile.ZipFile(p) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    head, body = sheet.split(b"?>", 1) if sheet.startswith(b"<?xml") else (b"", sheet)
    parts["xl/worksheets/sheet1.xml"] = (head + b"?>" if head else b"") + b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + body
    with zipfile.ZipFile(p, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    book = Book(p)
    try:
        with pytest.raises(WorkbookFileError, match="declares a DTD or XML entities"):
            list(book.sheet("Sheet").rows())
    finally:
        book.close()
