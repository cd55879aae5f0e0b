"""A small streaming reader for the cell values of checked .xlsx files (no formulas evaluated, no DTDs).

openpyxl's read-only mode builds an object per cell; for the few sheets an import reads, the expat parser
with plain handlers is about seven times faster and sees more: a formula element in a cell is reported with
its place instead of being silently replaced by its cached value. Values are what a data-only read gives:
shared and inline strings, numbers (int when whole), booleans, error codes as text, dates from date-formatted
numbers. Any DOCTYPE or entity declaration stops the parse (xlsx parts never need one).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Generator
from pathlib import Path
from typing import Any, NoReturn
from xml.parsers import expat

from cdassess.xlsx import calread
from cdassess.xlsx.safety import WorkbookFileError

_CHUNK = 1 << 16
MAX_COLUMNS = 64
"""Cells right of this column are not read (our sheets have a dozen; this bounds memory per row)."""
MAX_SHARED_STRINGS = 1_000_000
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_BUILTIN_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_FMT_STRIP = re.compile(r'"[^"]*"|\[(?!(?:hh?|mm?|ss?)\])[^\]]*\]|\\.|_.|\*.')
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


_XSTRING_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _unescape_char(m: re.Match[str]) -> str:
    ch = chr(int(m.group(1), 16))
    return "" if _XML_ILLEGAL.match(ch) else ch


def unescape_text(text: str) -> str:
    """Cell text as written, from its ST_Xstring form (ECMA-376 Part 1, 22.9.2.19): ``_xHHHH_`` is U+HHHH.

    Excel and xlsxwriter write a carriage return as ``_x000D_`` and a literal ``_x..._`` text with its underscore
    escaped (``_x005F_``). Characters a cell cannot hold are dropped, as the export drops them.
    """
    return _XSTRING_ESCAPE.sub(_unescape_char, text) if "_x" in text else text


class EntitiesRefusedError(WorkbookFileError):
    """A part declared a DTD or entities."""


def _local(name: str) -> str:
    return name.rpartition(":")[2] if ":" in name else name


def _parser(part: str) -> Any:
    p = expat.ParserCreate()
    p.buffer_text = True

    def refuse(*_: object) -> NoReturn:
        raise EntitiesRefusedError(f"part {part} declares a DTD or XML entities (<!DOCTYPE/<!ENTITY>); such files "
                              "can expand to gigabytes and are refused")

    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    p.UnparsedEntityDeclHandler = refuse
    p.ExternalEntityRefHandler = refuse
    return p


def _parse_whole(zf: zipfile.ZipFile, part: str, start: Any, end: Any = None, chars: Any = None) -> None:
    p = _parser(part)
    p.StartElementHandler = start
    if end is not None:
        p.EndElementHandler = end
    if chars is not None:
        p.CharacterDataHandler = chars
    try:
        with zf.open(part) as fh:
            while chunk := fh.read(_CHUNK):
                p.Parse(chunk, False)
            p.Parse(b"", True)
    except expat.ExpatError as exc:
        raise WorkbookFileError(f"part {part} is not well-formed XML ({exc})") from None


def is_date_format(code: str) -> bool:
    stripped = _FMT_STRIP.sub("", code)
    return bool(re.search(r"[dmyhsDMYHS]", stripped)) and "General" not in stripped


def col_index(ref: str) -> int:
    """0-based column of a cell reference such as "AB12"."""
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            n = n * 26 + ord(ch) - 96
        else:
            break
    return n - 1


class Book:
    """The sheets of one workbook file; read each with :meth:`rows`."""

    def __init__(self, path: Path, *, fast: bool = True) -> None:
        self.path = path
        self.zf = zipfile.ZipFile(path)
        self._fast = fast
        self._fast_parts: set[str] | None = None
        self._calamine: Any = None
        self._shared: list[str] | None = None
        self._date_styles: frozenset[int] | None = None
        try:
            self._load()
        except BaseException:
            self.zf.close()
            raise

    def close(self) -> None:
        if self._calamine is not None:
            with contextlib.suppress(Exception):
                self._calamine.close()
            self._calamine = None
        self.zf.close()

    def _load(self) -> None:
        names = set(self.zf.namelist())
        root = "xl/workbook.xml"
        rels = self._rels("_rels/.rels")
        for target, kind in rels.values():
            if kind.endswith("/officeDocument"):
                root = target
        if root not in names:
            raise WorkbookFileError(f"the workbook part {root} is missing")
        sheets: list[tuple[str, str]] = []
        self.date1904 = False

        def start(name: str, attrs: dict[str, str]) -> None:
            tag = _local(name)
            if tag == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id" and k != "sheetId"), "")
                sheets.append((attrs.get("name", ""), rid))
            elif tag == "workbookPr":
                self.date1904 = attrs.get("date1904", "0") in ("1", "true")

        _parse_whole(self.zf, root, start)
        wb_rels = self._rels(posixpath.join(posixpath.dirname(root), "_rels", posixpath.basename(root) + ".rels"))
        self.parts: dict[str, str] = {}
        self._shared_part = self._styles_part = ""
        for target, kind in wb_rels.values():
            if kind.endswith("/sharedStrings") and target in names:
                self._shared_part = target
            elif kind.endswith("/styles") and target in names:
                self._styles_part = target
        for name, rid in sheets:
            target = wb_rels.get(rid, ("", ""))[0]
            if target in names:
                self.parts[name] = target
        self.sheetnames = [n for n, _ in sheets if n in self.parts]
        self._sheet_names = [n for n, _ in sheets]

    @property
    def shared(self) -> list[str]:
        """The shared strings (read when the expat reader first needs them)."""
        if self._shared is None:
            self._shared = self._shared_strings(self._shared_part) if self._shared_part else []
        return self._shared

    @property
    def date_styles(self) -> frozenset[int]:
        if self._date_styles is None:
            self._date_styles = self._date_styles_of(self._styles_part) if self._styles_part else frozenset()
        return self._date_styles

    def fast_rows(self, name: str) -> list[tuple[int, tuple[Any, ...]]] | None:
        """The sheet's rows read by python-calamine, when the file was checked to be safe for it and the sheet
        holds no formula or error cell (see :mod:`cdassess.xlsx.calread`); None: read it with expat."""
        if not self._fast:
            return None
        if self._fast_parts is None:
            self._fast_parts = calread.scan_book(self.path, self.zf, self._sheet_names, set(self.parts.values()),
                                                 self._shared_part)
            if self._fast_parts:
                self._calamine = calread.open_calamine(self.path, self.sheetnames)
        if self._calamine is None or self.parts[name] not in self._fast_parts:
            return None
        return calread.sheet_rows(self._calamine, name, self.date1904)

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        if part not in self.zf.namelist():
            return out
        base = posixpath.dirname(posixpath.dirname(part))

        def start(name: str, attrs: dict[str, str]) -> None:
            if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(base, target))
                out[attrs.get("Id", "")] = (full, attrs.get("Type", ""))

        _parse_whole(self.zf, part, start)
        return out

    def _shared_strings(self, part: str) -> list[str]:
        strings: list[str] = []
        buf: list[str] = []
        state = {"t": False, "rph": 0}

        def start(name: str, attrs: dict[str, str]) -> None:
            tag = _local(name)
            if tag == "si":
                buf.clear()
            elif tag == "t" and not state["rph"]:
                state["t"] = True
            elif tag == "rPh":
                state["rph"] += 1

        def end(name: str) -> None:
            tag = _local(name)
            if tag == "t":
                state["t"] = False
            elif tag == "rPh":
                state["rph"] -= 1
            elif tag == "si":
                if len(strings) >= MAX_SHARED_STRINGS:
                    raise WorkbookFileError(f"part {part} holds more than {MAX_SHARED_STRINGS:,} texts; refused")
                strings.append(unescape_text("".join(buf)))

        def chars(data: str) -> None:
            if state["t"]:
                buf.append(data)

        _parse_whole(self.zf, part, start, end, chars)
        return strings

    def _date_styles_of(self, part: str) -> frozenset[int]:
        custom: dict[int, str] = {}
        xf_formats: list[int] = []
        state = {"in_xfs": False}

        def start(name: str, attrs: dict[str, str]) -> None:
            tag = _local(name)
            if tag == "numFmt":
                with contextlib.suppress(ValueError):
                    custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
            elif tag == "cellXfs":
                state["in_xfs"] = True
            elif tag == "xf" and state["in_xfs"]:
                try:
                    xf_formats.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    xf_formats.append(0)

        def end(name: str) -> None:
            if _local(name) == "cellXfs":
                state["in_xfs"] = False

        _parse_whole(self.zf, part, start, end)
        return frozenset(i for i, fmt in enumerate(xf_formats)
                         if (fmt in custom and is_date_format(custom[fmt]))
                         or (fmt not in custom and fmt in _BUILTIN_DATE_FORMATS))

    def sheet(self, name: str) -> Sheet:
        if name not in self.parts:
            raise KeyError(name)
        return Sheet(self, name, self.parts[name])


class Sheet:
    """One worksheet: :meth:`rows` yields (row number, values); formula cells are collected in ``formulas``."""

    def __init__(self, book: Book, name: str, part: str) -> None:
        self.book = book
        self.title = name
        self.part = part
        self.formulas: dict[tuple[int, int], str] = {}

    def rows(self) -> Generator[tuple[int, tuple[Any, ...]], None, None]:
        fast = self.book.fast_rows(self.title)
        if fast is not None:
            yield from fast
            return
        handler = _RowHandler(self.book, self.formulas)
        p = _parser(self.part)
        p.StartElementHandler = handler.start
        p.EndElementHandler = handler.end
        p.CharacterDataHandler = handler.chars
        done = handler.done
        try:
            with self.book.zf.open(self.part) as fh:
                while chunk := fh.read(_CHUNK):
                    p.Parse(chunk, False)
                    yield from done
                    done.clear()
                p.Parse(b"", True)
                yield from done
        except expat.ExpatError as exc:
            raise WorkbookFileError(f"sheet {self.title!r} is not well-formed XML ({exc})") from None


class _RowHandler:
    """expat callbacks that turn <row>/<c> elements into (row number, values) tuples."""

    def __init__(self, book: Book, formulas: dict[tuple[int, int], str]) -> None:
        self.shared = book.shared
        self.date_styles = book.date_styles
        self.epoch = _EPOCH_1904 if book.date1904 else _EPOCH_1900
        self.formulas = formulas
        self.done: list[tuple[int, tuple[Any, ...]]] = []
        self.row: dict[int, Any] = {}
        self.buf: list[str] = []
        self.r = 0
        self.col = -1
        self.kind = "n"
        self.style = 0
        self.collect = False
        self.formula: str | None = None
        self.value: str | None = None
        self.rph = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "c":
            ref = attrs.get("r")
            self.col = col_index(ref) if ref else self.col + 1
            self.kind = attrs.get("t", "n")
            s = attrs.get("s")
            self.style = int(s) if s and s.isdigit() else 0
            self.value = None
            self.formula = None
        elif tag in {"v", "f"} or (tag == "t" and not self.rph):
            self.buf.clear()
            self.collect = True
        elif tag == "row":
            r = attrs.get("r")
            self.r = int(r) if r and r.isdigit() else self.r + 1
            self.col = -1
            self.row = {}
        elif tag == "rPh":
            self.rph += 1
        elif tag == "is":
            self.value = ""

    def end(self, name: str) -> None:
        tag = _local(name)
        if tag == "v":
            self.value = "".join(self.buf)
            self.collect = False
        elif tag == "t" and self.collect:
            self.value = (self.value or "") + "".join(self.buf)
            self.collect = False
        elif tag == "f":
            self.formula = "".join(self.buf)
            self.collect = False
        elif tag == "rPh":
            self.rph -= 1
        elif tag == "c":
            if self.formula is not None and 0 <= self.col < MAX_COLUMNS:
                self.formulas[(self.r, self.col)] = "=" + self.formula
            if self.col >= MAX_COLUMNS or self.col < 0:
                return
            value = _value(self.kind, self.value, self.style, self.shared, self.date_styles, self.epoch)
            if value is not None:
                self.row[self.col] = value
        elif tag == "row":
            row = self.row
            self.done.append((self.r, tuple(row.get(i) for i in range(max(row) + 1)) if row else ()))

    def chars(self, data: str) -> None:
        if self.collect:
            self.buf.append(data)


def _value(kind: str, raw: Any, style: int, shared: list[str], date_styles: frozenset[int],
           epoch: dt.datetime) -> Any:
    if raw is None:
        return None
    if kind == "s":
        try:
            return shared[int(raw)]
        except (ValueError, IndexError):
            raise WorkbookFileError(f"a cell refers to shared string {raw!r}, which does not exist") from None
    if kind in ("inlineStr", "str"):
        return unescape_text(raw)
    if kind == "e":
        return raw
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "d":
        try:
            return dt.datetime.fromisoformat(raw.strip())
        except ValueError:
            return raw
    text = raw.strip()
    if not text:
        return None
    try:
        number: int | float = int(text) if text.lstrip("-").isdigit() else float(text)
    except ValueError:
        return raw
    if style in date_styles:
        try:
            # to the millisecond, Excel's precision (12:30 stays 12:30, not 12:30:00.000001; calamine agrees)
            return epoch + dt.timedelta(milliseconds=round(float(number) * 86_400_000))
        except (OverflowError, ValueError):
            return number
    return number
