"""Writing workbooks on xlsxwriter's public API: rows written top to bottom (streamed with ``constant_memory``
for long sheets), shared cell formats, inert user text, a hidden metadata sheet, and an atomic save (a failed
export leaves no half-written file).

xlsxwriter is imported only when a workbook is written, so the command line and the window start without it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from cdassess import __version__
from cdassess.errors import CdassessError
from cdassess.outputs import apply_umask
from cdassess.xlsx.columns import Column
from cdassess.xlsx.reading import META_SHEET
from cdassess.xlsx.safety import clean_text, looks_like_formula

STYLE_HEADER = "cd_header"
STYLE_TEXT = "cd_text"
STYLE_ANSWER = "cd_answer"
STYLE_TITLE = "cd_title"

ANSWER_FILL = "#FFF8E1"
HEADER_FILL = "#DCE6F1"
BORDER_COLOR = "#A0A0A0"
A4 = 9  # xlsxwriter's (and Excel's) paper size code

_FORMATS: dict[str | None, dict[str, Any]] = {
    None: {},
    STYLE_HEADER: {"bold": True, "text_wrap": True, "valign": "vcenter", "bg_color": HEADER_FILL, "pattern": 1,
                   "bottom": 1, "bottom_color": BORDER_COLOR, "locked": True},
    STYLE_TEXT: {"text_wrap": True, "valign": "top", "locked": True},
    STYLE_ANSWER: {"text_wrap": True, "valign": "top", "bg_color": ANSWER_FILL, "pattern": 1, "locked": False,
                   "border": 1, "border_color": BORDER_COLOR},
    STYLE_TITLE: {"bold": True, "font_size": 13, "text_wrap": True, "valign": "top"},
}

_SHOWN_EMPTY = frozenset({STYLE_ANSWER, STYLE_HEADER})
"""Styles an empty cell is still written with (unlocked or coloured); an empty cell of another style looks and
behaves like no cell (locked, no fill), so it is not written."""


class Cell(NamedTuple):
    """A value with a style (None: the default style)."""

    value: Any
    style: str | None = None
    quote: bool = False
    """Formula-looking text: Excel's quote prefix keeps it text even when the cell is edited."""


class Sheet:
    """A worksheet being written: rows go out in order (xlsxwriter's constant_memory mode)."""

    def __init__(self, ws: Any, title: str, widths: Sequence[float]) -> None:
        self.ws = ws
        self.title = title
        self.widths = list(widths)
        self.rows = 0


CONSTANT_MEMORY_ROWS = 5_000
FREE_COLUMNS = 26
"""Columns left unlocked to the right of a protected questionnaire for the team's own additions."""
"""From this many rows in a sheet on, sheets are streamed to temporary files as written (xlsxwriter's
``constant_memory``: memory stays flat however long the sheet); below it the workbook is built in memory, which
is about a quarter faster for the usual few hundred to few thousand rows (no temporary files)."""


class BookWriter:
    """A workbook with the shared formats, written with xlsxwriter.

    ``rows``: about how many rows the longest sheet gets (it picks constant memory or in memory, see
    :data:`CONSTANT_MEMORY_ROWS`). Set a sheet up (validation, filter, protection) whenever convenient; its
    rows are appended in order, top to bottom.
    """

    def __init__(self, rows: int = 0) -> None:
        import xlsxwriter

        self._out = io.BytesIO()
        self.constant_memory = rows >= CONSTANT_MEMORY_ROWS
        self.wb = xlsxwriter.Workbook(self._out, {
            "constant_memory": self.constant_memory, "in_memory": not self.constant_memory,
            "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        })
        self._formats: dict[tuple[str | None, bool], Any] = {}
        self._closed = False

    def sheet(self, title: str, widths: Sequence[float] = (), *, landscape: bool = True) -> Sheet:
        ws = self.wb.add_worksheet(title)
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
        ws.hide_gridlines(0)  # gridlines on screen and in print
        return Sheet(ws, title, widths)

    def _format(self, style: str | None, quote: bool) -> Any:
        key = (style, quote)
        fmt = self._formats.get(key)
        if fmt is None:
            props = dict(_FORMATS[style])
            if quote:
                props["quote_prefix"] = True
            fmt = self._formats[key] = self.wb.add_format(props)
        return fmt

    def cell(self, ws: Sheet, value: Any, style: str | None = None) -> Cell:
        """A cell for :meth:`append`: strings are cleaned, and formula-looking ones stay text."""
        if isinstance(value, str):
            value = clean_text(value)
            return Cell(value, style, looks_like_formula(value))
        return Cell(value, style)

    def value(self, ws: Sheet, value: Any) -> Any:
        """A value in the default style, made safe (text is cleaned; formula-looking text stays text)."""
        if isinstance(value, str):
            value = clean_text(value)
            if looks_like_formula(value):
                return Cell(value, None, True)
        return value

    def append(self, ws: Sheet, cells: Sequence[Any]) -> None:
        """Append a row, high enough for its wrapped text (no office suite fits rows on opening reliably)."""
        r = ws.rows
        ws.rows += 1
        widths = ws.widths
        lines = 1
        for i, item in enumerate(cells):
            value = item.value if isinstance(item, Cell) else item
            if isinstance(value, str) and i < len(widths) and (len(value) > widths[i] * 0.45 or "\n" in value):
                lines = max(lines, text_lines(value, widths[i]))
        if lines > 1:
            ws.ws.set_row(r, min(409, 15 * lines + 2))
        sheet = ws.ws
        for i, item in enumerate(cells):
            if isinstance(item, Cell):
                value = item.value
                if value is None or value == "":
                    if item.style in _SHOWN_EMPTY:  # an empty answer cell stays unlocked and coloured
                        sheet.write_blank(r, i, None, self._format(item.style, False))
                    continue
                fmt = self._format(item.style, item.quote) if item.style is not None or item.quote else None
            else:
                value, fmt = item, None
                if value is None or value == "":
                    continue
            _write(sheet, r, i, value, fmt)

    def header(self, ws: Sheet, columns: Sequence[Column], lang: str = "both") -> None:
        """The header row: Chinese over English ("both"), or one language ("zh", "en"); frozen with the ID
        column and repeated on every printed page."""
        self.freeze(ws, 1, 1)
        ws.ws.repeat_rows(0)
        labels = [c.zh if lang == "zh" else c.en if lang == "en" else c.header for c in columns]
        self.append(ws, [self.cell(ws, label, STYLE_HEADER) for label in labels])

    def freeze(self, ws: Sheet, rows: int = 1, columns: int = 0) -> None:
        """Keep the top ``rows`` and the left ``columns`` in view while scrolling."""
        ws.ws.freeze_panes(rows, columns)

    def autofilter(self, ws: Sheet, rows: int, columns: int) -> None:
        """A filter over the header and ``rows`` data rows of ``columns`` columns."""
        ws.ws.autofilter(0, 0, max(rows, 1), max(columns, 1) - 1)

    def list_validation(self, ws: Sheet, column: int, first_row: int, last_row: int, source: Sequence[str] | str,
                        *, title: str, error: str, prompt: str) -> None:
        """A drop-down in one column (rows counted from 1, as Excel shows them): ``source`` is the choices (at
        most 255 characters in all, no commas) or a range formula such as ``='Lists'!$A$1:$A$5``. Other values
        are warned about, not refused. Excel's limits: titles 32 characters, messages 255."""
        ws.ws.data_validation(first_row - 1, column, max(first_row, last_row) - 1, column, {
            "validate": "list", "source": source if isinstance(source, str) else list(source),
            "ignore_blank": True, "show_error": True, "error_type": "warning", "error_title": title[:32],
            "error_message": error[:255], "show_input": True, "input_title": title[:32],
            "input_message": prompt[:255],
        })

    def hide(self, ws: Sheet) -> None:
        """Hide a sheet (not the first one: a workbook shows at least one sheet)."""
        ws.ws.hide()

    def protect(self, ws: Sheet, *, free_from: int | None = None) -> None:
        """Protect a sheet without a password: locked cells (IDs, texts) cannot be typed over by mistake, the
        unlocked answer cells can; columns and rows can still be resized, formatted, sorted and filtered.
        ``free_from`` (0-based column) leaves that column and the next :data:`FREE_COLUMNS` unlocked, so a team
        can add its own columns there (not every column to the sheet's end: xlsxwriter then visits all 16,384
        columns of every row while writing, 20 s for 1,000 rows)."""
        if free_from is not None:
            ws.ws.set_column(free_from, free_from + FREE_COLUMNS - 1, None, self.wb.add_format({"locked": False}))
        ws.ws.protect("", {"format_cells": True, "format_columns": True, "format_rows": True, "sort": True,
                           "autofilter": True, "select_locked_cells": True, "select_unlocked_cells": True,
                           "insert_columns": True})

    def meta_sheet(self, kind: str, fields: Iterable[tuple[str, Any]]) -> None:
        ws = self.sheet(META_SHEET, (22, 50), landscape=False)
        ws.ws.hide()
        ws.ws.protect()
        self.append(ws, ["format", f"cdassess-{kind}/1"])
        for key, val in [*fields, ("exported_at", dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
                         ("exported_by", f"cdassess {__version__}")]:
            self.append(ws, [key, self.value(ws, "" if val is None else str(val))])

    def save(self, path: str | Path, *, refuse: Sequence[Path] = ()) -> Path:
        """Save atomically to ``path`` (replacing an older file there)."""
        target = check_target(path, refuse=refuse)
        if not self._closed:
            self._closed = True
            self.wb.close()  # assembles the package in memory
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".cdassess-", suffix=".xlsx.tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(self._out.getbuffer())
            apply_umask(tmp)  # mkstemp makes 0600: give it the permissions of any new file
            os.replace(tmp, target)
        except OSError as exc:
            raise CdassessError(f"{target}: cannot be written ({exc.strerror or exc})") from None
        finally:
            Path(tmp).unlink(missing_ok=True)
        return target


def _write(sheet: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    """One value with xlsxwriter's typed writers: text is always a string cell, never a formula, number or link."""
    if isinstance(value, str):
        sheet.write_string(row, col, value, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, clean_text(str(value)), fmt)


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


@functools.lru_cache(maxsize=4096)  # domain, item and guidance texts repeat on many rows
def text_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapped column ``width`` characters wide (a CJK character is two wide)."""
    room = max((width - 1) * 1.15, 4.0)  # measured against LibreOffice output: fonts run narrower
    lines = 0
    for para in text.split("\n"):
        # UTF-8 length: 1 byte for Latin, 3 for CJK; (bytes + chars) / 2 counts CJK double without a loop
        display = (len(para.encode("utf-8", "replace")) + len(para)) / 2
        lines += max(1, -int(-display // room))
    return lines
