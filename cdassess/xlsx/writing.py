"""Writing workbooks: openpyxl write-only for each sheet's frame and the styles, rows rendered directly,
inert user text, a hidden metadata sheet, and an atomic save (a failed export leaves no half-written file)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from cdassess import __version__
from cdassess.errors import CdassessError
from cdassess.outputs import apply_umask
from cdassess.xlsx.columns import Column, col_letter
from cdassess.xlsx.reading import META_SHEET
from cdassess.xlsx.safety import clean_text, looks_like_formula

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


class Cell(NamedTuple):
    """A value with a named style (None: the default style); rendered straight to sheet XML."""

    value: Any
    style: str | None = None
    quote: bool = False
    """Formula-looking text: Excel's quote prefix keeps it text even when the cell is edited."""


class BookWriter:
    """A write-only workbook with the shared styles.

    openpyxl writes each sheet's frame (columns, views, protection, validation, print setup) and the styles;
    the rows themselves are rendered to XML here and spliced into the saved file, which is several times
    faster than openpyxl's per-cell objects for the thousand-row sheets we write. Set a sheet up (widths,
    freeze panes, validation) before or after its rows: nothing is streamed until ``save``.
    """

    def __init__(self) -> None:
        from openpyxl import Workbook

        self.wb = Workbook(write_only=True)
        self._rows: dict[int, list[str]] = {}
        self._widths: dict[int, list[float]] = {}
        self._max_col: dict[int, int] = {}
        self._sheets: list[Any] = []
        self._style_ids: dict[tuple[str | None, bool], int] = {}
        for style in _named_styles():
            self.wb.add_named_style(style)

    def sheet(self, title: str, widths: Sequence[float] = (), *, landscape: bool = True) -> Any:
        ws = self.wb.create_sheet(title)
        self._sheets.append(ws)
        self._rows[id(ws)] = []
        self._widths[id(ws)] = list(widths)
        self._max_col[id(ws)] = 0
        for i, w in enumerate(widths):
            ws.column_dimensions[col_letter(i)].width = w
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = True
        return ws

    def _style_id(self, style: str | None, quote: bool) -> int:
        key = (style, quote)
        sid = self._style_ids.get(key)
        if sid is None:
            from openpyxl.cell import WriteOnlyCell

            template = WriteOnlyCell(self._sheets[0])
            if style is not None:
                template.style = style
            if quote:
                template.quotePrefix = True
            sid = self._style_ids[key] = int(template.style_id)  # registers the style with the workbook
        return sid

    def cell(self, ws: Any, value: Any, style: str | None = None) -> Cell:
        """A cell for :meth:`append`: strings are cleaned, and formula-looking ones stay text."""
        if isinstance(value, str):
            value = clean_text(value)
            return Cell(value, style, looks_like_formula(value))
        return Cell(value, style)

    def value(self, ws: Any, value: Any) -> Any:
        """A value in the default style, made safe (text is cleaned; formula-looking text stays text)."""
        if isinstance(value, str):
            value = clean_text(value)
            if looks_like_formula(value):
                return Cell(value, None, True)
        return value

    def append(self, ws: Any, cells: Sequence[Any]) -> None:
        """Append a row, high enough for its wrapped text (no office suite fits rows on opening reliably)."""
        rows = self._rows[id(ws)]
        r = len(rows) + 1
        widths = self._widths[id(ws)]
        lines = 1
        out: list[str] = []
        for i, item in enumerate(cells):
            if isinstance(item, Cell):
                value, sid = item.value, (self._style_id(item.style, item.quote)
                                          if item.style is not None or item.quote else 0)
            else:
                value, sid = item, 0
            if isinstance(value, str) and i < len(widths) and (len(value) > widths[i] * 0.45 or "\n" in value):
                lines = max(lines, text_lines(value, widths[i]))
            out.append(_render_cell(f"{_letter(i)}{r}", value, sid))
        self._max_col[id(ws)] = max(self._max_col[id(ws)], len(cells))
        height = f' ht="{min(409, 15 * lines + 2)}" customHeight="1"' if lines > 1 else ""
        rows.append(f'<row r="{r}"{height}>{"".join(out)}</row>')

    def header(self, ws: Any, columns: Sequence[Column], lang: str = "both") -> None:
        """The header row: Chinese over English ("both"), or one language ("zh", "en")."""
        ws.freeze_panes = "B2"
        ws.print_title_rows = "1:1"
        labels = [c.zh if lang == "zh" else c.en if lang == "en" else c.header for c in columns]
        self.append(ws, [self.cell(ws, label, STYLE_HEADER) for label in labels])

    def meta_sheet(self, kind: str, fields: Iterable[tuple[str, Any]]) -> None:
        ws = self.sheet(META_SHEET, (22, 50), landscape=False)
        ws.sheet_state = "hidden"
        ws.protection.sheet = True
        self.append(ws, ["format", f"cdassess-{kind}/1"])
        for key, val in [*fields, ("exported_at", dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
                         ("exported_by", f"cdassess {__version__}")]:
            self.append(ws, [key, self.value(ws, "" if val is None else str(val))])

    def save(self, path: str | Path, *, refuse: Sequence[Path] = ()) -> Path:
        """Save atomically to ``path`` (replacing an older file there)."""
        target = check_target(path, refuse=refuse)
        frame = io.BytesIO()
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".cdassess-", suffix=".xlsx.tmp")
        os.close(fd)
        try:
            self.wb.save(frame)  # every style used was registered by append(), before this
            self._splice(frame, Path(tmp))
            apply_umask(tmp)  # mkstemp makes 0600: give it the permissions of any new file
            os.replace(tmp, target)
        except OSError as exc:
            raise CdassessError(f"{target}: cannot be written ({exc.strerror or exc})") from None
        finally:
            Path(tmp).unlink(missing_ok=True)
        return target

    def _splice(self, frame: io.BytesIO, dest: Path) -> None:
        """Copy openpyxl's file, putting each sheet's rendered rows into its (empty) sheetData."""
        by_part = {ws.path.lstrip("/"): ws for ws in self._sheets}
        with zipfile.ZipFile(frame) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                ws = by_part.get(info.filename)
                if ws is not None:
                    data = self._sheet_xml(ws, data)
                zout.writestr(info.filename, data)

    def _sheet_xml(self, ws: Any, frame: bytes) -> bytes:
        rows = self._rows[id(ws)]
        text = frame.decode("utf-8")
        body = "<sheetData>" + "".join(rows) + "</sheetData>"
        text, n = _SHEET_DATA.subn(lambda _: body, text, count=1)
        if n != 1:
            raise RuntimeError(f"no empty sheetData in the frame of sheet {ws.title!r}")  # a bug, not user input
        last = f"{col_letter(max(self._max_col[id(ws)], 1) - 1)}{max(len(rows), 1)}"
        text = _DIMENSION.sub(f'<dimension ref="A1:{last}"/>', text, count=1)
        return text.encode("utf-8")


_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>\s*</sheetData>")
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')
_LETTERS = [col_letter(i) for i in range(128)]


def _letter(i: int) -> str:
    return _LETTERS[i] if i < len(_LETTERS) else col_letter(i)


def _escape(text: str) -> str:
    """Text for an XML element; a bare CR is written as a reference (a parser would read it as a line feed)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _render_cell(ref: str, value: Any, sid: int) -> str:
    s = f' s="{sid}"' if sid else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if sid else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, float):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    text = _escape(str(value))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


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
