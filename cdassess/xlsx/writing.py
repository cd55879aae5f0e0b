"""Writing workbooks: openpyxl write-only (streamed rows), a few shared cell styles, inert user text,
a hidden metadata sheet, and an atomic save (a failed export leaves no half-written file)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cdassess import __version__
from cdassess.errors import CdassessError
from cdassess.xlsx.columns import Column, col_letter
from cdassess.xlsx.reading import META_SHEET
from cdassess.xlsx.safety import clean_text, force_text, looks_like_formula

STYLE_HEADER = "cd_header"
STYLE_TEXT = "cd_text"
STYLE_ANSWER = "cd_answer"
STYLE_TITLE = "cd_title"

ANSWER_FILL = "FFF8E1"
HEADER_FILL = "DCE6F1"


def _named_styles() -> list[Any]:
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side

    thin = Side(style="thin", color="A0A0A0")
    header = NamedStyle(STYLE_HEADER, font=Font(bold=True), alignment=Alignment(wrap_text=True, vertical="center"),
                        fill=PatternFill("solid", fgColor=HEADER_FILL), border=Border(bottom=thin),
                        protection=Protection(locked=True))
    text = NamedStyle(STYLE_TEXT, alignment=Alignment(wrap_text=True, vertical="top"),
                      protection=Protection(locked=True))
    answer = NamedStyle(STYLE_ANSWER, alignment=Alignment(wrap_text=True, vertical="top"),
                        fill=PatternFill("solid", fgColor=ANSWER_FILL), protection=Protection(locked=False),
                        border=Border(left=thin, right=thin, top=thin, bottom=thin))
    title = NamedStyle(STYLE_TITLE, font=Font(bold=True, size=13), alignment=Alignment(wrap_text=True, vertical="top"))
    return [header, text, answer, title]


class BookWriter:
    """A write-only workbook with the shared styles; rows are streamed, so set up a sheet before its rows."""

    def __init__(self) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import Cell, WriteOnlyCell

        self._cell_type = WriteOnlyCell
        self._cell_class = Cell
        self.wb = Workbook(write_only=True)
        self._rows: dict[int, int] = {}
        self._widths: dict[int, list[float]] = {}
        for style in _named_styles():
            self.wb.add_named_style(style)

    def sheet(self, title: str, widths: Sequence[float] = (), *, landscape: bool = True) -> Any:
        ws = self.wb.create_sheet(title)
        self._rows[id(ws)] = 0
        self._widths[id(ws)] = list(widths)
        for i, w in enumerate(widths):
            ws.column_dimensions[col_letter(i)].width = w
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = True
        return ws

    def cell(self, ws: Any, value: Any, style: str | None = None) -> Any:
        """A cell for ``ws.append``: strings are cleaned, and formula-looking ones stay text."""
        formula_like = False
        if isinstance(value, str):
            value = clean_text(value)
            formula_like = looks_like_formula(value)
        c = self._cell_type(ws, value)
        if style is not None:
            c.style = style
        if formula_like:
            force_text(c)
        return c

    def value(self, ws: Any, value: Any) -> Any:
        """A plain value when it is safe as one, else a text cell (cheaper than a styled cell)."""
        if isinstance(value, str):
            value = clean_text(value)
            if looks_like_formula(value):
                return self.cell(ws, value)
        return value

    def append(self, ws: Any, cells: Sequence[Any]) -> None:
        """Append a row, high enough for its wrapped text (no office suite fits rows on opening reliably)."""
        n = self._rows.get(id(ws), 0) + 1
        self._rows[id(ws)] = n
        widths = self._widths.get(id(ws), ())
        lines = 1
        for value, width in zip(cells, widths, strict=False):
            text = value.value if isinstance(value, self._cell_class) else value
            if isinstance(text, str) and (len(text) > width * 0.45 or "\n" in text):
                lines = max(lines, text_lines(text, width))
        if lines > 1:
            ws.row_dimensions[n].height = min(409, 15 * lines + 2)
        ws.append(cells)

    def header(self, ws: Any, columns: Sequence[Column]) -> None:
        ws.freeze_panes = "B2"  # before the first row: write-only sheets write their view with it
        ws.print_title_rows = "1:1"
        self.append(ws, [self.cell(ws, c.header, STYLE_HEADER) for c in columns])

    def meta_sheet(self, kind: str, fields: Iterable[tuple[str, Any]]) -> None:
        ws = self.wb.create_sheet(META_SHEET)
        ws.sheet_state = "hidden"
        ws.protection.sheet = True
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["B"].width = 50
        ws.append(["format", f"cdassess-{kind}/1"])
        for key, val in [*fields, ("exported_at", dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
                         ("exported_by", f"cdassess {__version__}")]:
            ws.append([key, self.value(ws, "" if val is None else str(val))])

    def save(self, path: str | Path, *, refuse: Sequence[Path] = ()) -> Path:
        """Save atomically to ``path`` (replacing an older file there)."""
        target = check_target(path, refuse=refuse)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".cdassess-", suffix=".xlsx.tmp")
        os.close(fd)
        try:
            self.wb.save(tmp)
            os.replace(tmp, target)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise CdassessError(f"{target}: cannot be written ({exc.strerror or exc})") from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target


def check_target(path: str | Path, *, refuse: Sequence[Path] = ()) -> Path:
    """Refuse an output path before any work is done: wrong extension, missing folder, the assessment itself."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise CdassessError(f"{target}: give the file name the extension .xlsx")
    if not target.parent.is_dir():
        raise CdassessError(f"{target}: the folder {target.parent} does not exist")
    if target.is_dir():
        raise CdassessError(f"{target}: is a folder")
    for other in refuse:
        with contextlib.suppress(OSError):
            if target.resolve() == other.resolve():
                raise CdassessError(f"{target}: is the assessment file itself; choose another name")
    return target


def text_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapped column ``width`` characters wide (a CJK character is two wide)."""
    room = max((width - 1) * 1.15, 4.0)  # measured against LibreOffice output: fonts run narrower
    lines = 0
    for para in text.split("\n"):
        # UTF-8 length: 1 byte for Latin, 3 for CJK; (bytes + chars) / 2 counts CJK double without a loop
        display = (len(para.encode("utf-8", "replace")) + len(para)) / 2
        lines += max(1, -int(-display // room))
    return lines


def protect(ws: Any) -> None:
    """Protect a sheet without a password: locked cells (IDs, texts) cannot be typed over by mistake, the
    unlocked answer cells can; columns and rows can still be resized and filtered."""
    p = ws.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.formatCells = False
    p.autoFilter = False
    p.sort = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False
