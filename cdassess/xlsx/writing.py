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

    def __init__(self, ws: Any, title: str, widths: Sequence[float], rows: _RawRows | None = None) -> None:
        self.ws = ws
        self.title = title
        self.widths = list(widths)
        self.rows = 0
        self.raw = rows
        """The sheet's rows rendered as XML here (see :class:`_RawRows`), or None: through xlsxwriter's cells."""


_RAW_HOOKS = ("_write_sheet_data", "_write_optimized_sheet_data", "_check_dimensions", "_escape_data",
              "_escape_control_characters", "_xml_empty_tag", "_opt_close")
_COLS = [chr(65 + i) for i in range(26)] + [chr(65 + i // 26 - 1) + chr(65 + i % 26) for i in range(26, 702)]
_SPILL = 1 << 20
"""Characters of rendered rows kept in memory before a streamed sheet spills them to its temporary file."""


def _raw_supported(xlsxwriter: Any) -> bool:
    """The few xlsxwriter internals the row renderer uses exist (xlsxwriter 3.x); else cells go through its API."""
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

    return (str(getattr(xlsxwriter, "__version__", "")).startswith("3.")
            and all(hasattr(Worksheet, n) for n in _RAW_HOOKS) and hasattr(Format, "_get_xf_index"))


class _RawRows:
    """A sheet's ``<sheetData>`` rendered here, row by row, as xlsxwriter would write it.

    xlsxwriter spends most of an export in its per-cell machinery: argument parsing, a cell object per value,
    then the XML of each at close (about 10 microseconds a cell). The rows of the big sheets are rendered
    here straight to XML strings instead (shared strings in memory mode, in-line strings when streaming,
    xlsxwriter's own escaping and cell formats), and handed to xlsxwriter when it writes the sheet; everything
    else (columns, validation, protection, filters, print setup, styles) is still xlsxwriter's public API.
    """

    def __init__(self, ws: Any, streamed: bool) -> None:
        self.ws = ws
        self.streamed = streamed
        self.parts: list[str] = []
        self.size = 0
        self.spill: Any = None
        ws._write_sheet_data = self.write_sheet_data
        ws._write_optimized_sheet_data = self.write_sheet_data

    def add(self, xml: str) -> None:
        self.parts.append(xml)
        self.size += len(xml)
        if self.streamed and self.size > _SPILL:
            if self.spill is None:
                self.spill = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed when written
            self.spill.write("".join(self.parts))
            self.parts.clear()
            self.size = 0

    def write_sheet_data(self) -> None:
        """xlsxwriter's ``_write_sheet_data``: our rows instead of its cell table (or its temporary file)."""
        ws = self.ws
        if ws.row_data_fh is not None and not ws.row_data_fh_closed:  # constant_memory's own row file: unused
            ws.row_data_fh.close()  # (xlsxwriter's close() closes it again: that is harmless)
            ws.row_data_fh_closed = True
            with contextlib.suppress(OSError):
                os.unlink(ws.row_data_filename)
        if ws.dim_rowmin is None:
            ws._xml_empty_tag("sheetData")
            return
        fh = ws.fh
        fh.write("<sheetData>")
        if self.spill is not None:
            self.spill.seek(0)
            while chunk := self.spill.read(1 << 16):
                fh.write(chunk)
            self.spill.close()
            self.spill = None
        fh.write("".join(self.parts))
        self.parts.clear()
        fh.write("</sheetData>")


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
        self._xf: dict[tuple[str | None, bool], str] = {}
        self._closed = False
        self._raw = _raw_supported(xlsxwriter)

    def sheet(self, title: str, widths: Sequence[float] = (), *, landscape: bool = True, fast: bool = False) -> Sheet:
        """A new sheet. ``fast``: its rows are rendered as XML here (every cell must then be written with
        :meth:`append`, none through the xlsxwriter worksheet itself)."""
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
        return Sheet(ws, title, widths, _RawRows(ws, self.constant_memory) if fast and self._raw else None)

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
        if ws.raw is not None:
            self._append_raw(ws, r, cells, min(409, 15 * lines + 2) if lines > 1 else 0)
            return
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

    def _style(self, style: str | None, quote: bool) -> str:
        """`` s="N"``: the cell format's index, as xlsxwriter writes it (empty for the default format)."""
        key = (style, quote)
        attr = self._xf.get(key)
        if attr is None:
            attr = self._xf[key] = f' s="{self._format(style, quote)._get_xf_index()}"' \
                if style is not None or quote else ""
        return attr

    def _append_raw(self, ws: Sheet, r: int, cells: Sequence[Any], height: int) -> None:
        """One row of a fast sheet as the XML xlsxwriter writes for it (typed cells, never a formula)."""
        sheet = ws.ws
        row = str(r + 1)
        # the height as xlsxwriter's set_row writes it: whole pixels (4/3 per point), back in points
        out = [f'<row r="{row}" ht="{int(height * 4.0 / 3.0 + 0.5) * 0.75:.16g}" customHeight="1">' if height
               else f'<row r="{row}">']
        first = last = -1
        for i, item in enumerate(cells):
            if isinstance(item, Cell):
                value, style, quote = item.value, item.style, item.quote
            else:
                value, style, quote = item, None, False
            ref = _COLS[i] + row
            if value is None or value == "":
                if style not in _SHOWN_EMPTY:
                    continue
                out.append(f'<c r="{ref}"{self._style(style, False)}/>')
            elif isinstance(value, str):
                out.append(self._string_cell(sheet, ref, value, self._style(style, quote)))
            elif isinstance(value, bool):
                out.append(f'<c r="{ref}"{self._style(style, quote)} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                out.append(f'<c r="{ref}"{self._style(style, quote)}><v>{value:.16G}</v></c>')
            else:
                out.append(self._string_cell(sheet, ref, clean_text(str(value)), self._style(style, quote)))
            if first < 0:
                first = i
            last = i
        if first < 0:
            return  # a row without cells is not written (as xlsxwriter leaves it out)
        out.append("</row>")
        sheet._check_dimensions(r, first)
        sheet._check_dimensions(r, last)
        assert ws.raw is not None
        ws.raw.add("".join(out))

    def _string_cell(self, sheet: Any, ref: str, text: str, style: str) -> str:
        if len(text) > 16_383 and len(text.encode("utf-16-le")) > 65_534:  # Excel counts UTF-16 units
            from xlsxwriter.utility import _utf16_truncate

            text = _utf16_truncate(text, 32_767)
        if not self.constant_memory:
            return f'<c r="{ref}"{style} t="s"><v>{sheet.str_table._get_shared_string_index(text)}</v></c>'
        escaped = sheet._escape_data(sheet._escape_control_characters(text))
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'

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
