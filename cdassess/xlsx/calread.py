"""python-calamine as the fast path of the cell reader, taken only where it is safe and gives the same values.

python-calamine (Rust) reads a sheet two to three times faster than the expat reader in
:mod:`cdassess.xlsx.fastread`, but it cannot be given an untrusted file as it is:

- it does not say whether a cell holds a formula (it returns the cached value), nor whether it is an error;
- it allocates the sheet as a dense rectangle from the first to the last cell reference, so a 1 KB file with
  cells in A1 and XFD1048576 makes it ask for 512 GB and abort the whole process (not an exception);
- it inflates zip members by their own streams, so a member whose header understates its size could inflate
  past every limit the container check applied.

So before calamine sees a file, :func:`scan_book` inflates every XML part itself (streamed, bounded by the
size the zip directory declares, CRC checked) and looks at the bytes of each worksheet: any formula element,
error cell, DTD, namespace-prefixed cell element, or a cell reference that is missing or outside columns
A:AZ and rows 1-99,999 sends that sheet to the expat reader, which then names the sheet, row and column of
each formula (or refuses the file with its message). Only sheets whose every cell reference was seen to be
small are given to calamine, so its rectangle is at most 52 x 99,999 cells.

Values are brought to what the expat reader returns: empty strings are no value, whole floats are ints,
dates and times are datetimes.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FAST_MAX_PART = 64 * 2**20
"""Largest worksheet part given to calamine (the own 50,000-row questionnaire has about 20 MB)."""
FAST_MAX_TOTAL = 192 * 2**20
"""Largest sum of the XML parts of a workbook read with calamine; larger ones are streamed by expat."""
MAX_SHARED_STRINGS = 1_000_000
_CHUNK = 1 << 20
_OVERLAP = 64
"""Bytes kept from the end of one inflated chunk for patterns that cross into the next."""

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_XML_SUFFIXES = (".xml", ".rels", ".vml")

# Each pattern starts with a literal, so the regex engine scans for it at C speed (about 1 ms per MB each).
_SHEET_ANGLE = re.compile(rb'<(?:f[\s/>]|!DOCTYPE|!ENTITY|c(?=[\s/>])(?! r="(?:[A-Z]|A[A-Z])[1-9][0-9]{0,4}"))')
"""In a worksheet: a formula, a DTD, or a cell without a small reference (columns A:AZ, rows 1-99,999)."""
_ERROR_CELL = re.compile(rb"""t=["']e["']""")
_PREFIXED = re.compile(rb":(?:c|row|f|v|is|t|sheetData)[\s/>]")
"""A namespace-prefixed sheet element (``<x:c ...>``): calamine matches local names, these patterns do not."""
_OTHER_ANGLE = re.compile(rb"<(?:!DOCTYPE|!ENTITY|c[\s/>])")
_OTHER_PREFIXED = re.compile(rb":c[\s/>]")
"""In any other part: a DTD, or a cell element (calamine might take the part for a sheet)."""
_LOOKAHEAD = 32
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class _NotForCalamineError(Exception):
    """The file is fine for the expat reader but not for calamine."""


def _inflate(fh: Any, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes, inflated from its raw data: exactly ``file_size`` bytes with the right CRC, or
    :class:`_NotForCalamineError` (the expat reader, which reads through :mod:`zipfile`, then reports what is
    wrong)."""
    fh.seek(info.header_offset)
    head = fh.read(_LOCAL_HEADER.size)
    if len(head) != _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
        raise _NotForCalamineError
    fields = _LOCAL_HEADER.unpack(head)
    fh.seek(info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10])
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size == info.file_size:
        chunks = _raw(fh, info.compress_size)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        chunks = _deflated(_raw(fh, info.compress_size), info.file_size)
    else:
        raise _NotForCalamineError
    crc = size = 0
    for data in chunks:
        size += len(data)
        crc = zlib.crc32(data, crc)
        yield data
    if crc != info.CRC or size != info.file_size:
        raise _NotForCalamineError


def _raw(fh: Any, left: int) -> Iterator[bytes]:
    while left > 0:
        data = fh.read(min(_CHUNK, left))
        if not data:
            raise _NotForCalamineError
        left -= len(data)
        yield data


def _deflated(raw_chunks: Iterator[bytes], size: int) -> Iterator[bytes]:
    """Inflated chunks, never more than ``size`` bytes in all (a stream that goes on is refused)."""
    d = zlib.decompressobj(-15)
    out = 0
    for chunk in raw_chunks:
        raw = chunk
        while raw and not d.eof:
            try:
                data = d.decompress(raw, size - out + 1)
            except zlib.error:
                raise _NotForCalamineError from None
            out += len(data)
            if out > size:
                raise _NotForCalamineError  # inflates past what the zip directory says
            if data:
                yield data
            raw = d.unconsumed_tail
        if d.eof:
            break
    if not d.eof:
        raise _NotForCalamineError


def _check_encoding(first: bytes) -> None:
    """UTF-8 only (the byte patterns are ASCII): a UTF-16 part goes to the expat reader."""
    start = first.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not start.startswith(b"<") or start.startswith(b"<\x00"):
        raise _NotForCalamineError
    if start.startswith(b"<?xml"):
        end = start.find(b"?>")
        m = _ENCODING.search(start[: end if end > 0 else 200])
        if m and m.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
            raise _NotForCalamineError


def _scan_part(fh: Any, info: zipfile.ZipInfo, worksheet: bool, shared: bool) -> bool:
    """Inflate one XML part; True when calamine may read it as a sheet (a part that is not a sheet: True, or
    :class:`_NotForCalamineError` when it holds a DTD or cell elements)."""
    tail = b""
    first = True
    ok = True
    count = 0
    for data in _inflate(fh, info):
        if first:
            _check_encoding(data[:512])
            first = False
        buf = tail + data
        if shared:
            count += data.count(b"<si")
            if count > MAX_SHARED_STRINGS:
                raise _NotForCalamineError
        if worksheet:
            ok = ok and not (_cut_match(_SHEET_ANGLE, buf, final=False) or _ERROR_CELL.search(buf)
                             or _PREFIXED.search(buf))
        elif _cut_match(_OTHER_ANGLE, buf, final=False) or _OTHER_PREFIXED.search(buf):
            raise _NotForCalamineError
        tail = buf[-_OVERLAP:]
    if tail and _cut_match(_SHEET_ANGLE if worksheet else _OTHER_ANGLE, tail, final=True):
        if not worksheet:
            raise _NotForCalamineError
        ok = False
    return ok


def _cut_match(pattern: re.Pattern[bytes], buf: bytes, *, final: bool) -> bool:
    """``pattern`` occurs in ``buf``; a match in the last bytes of a chunk that is not the last may be an
    element cut in two, so it counts only when it is seen again whole with the next chunk (the carried tail)."""
    m = pattern.search(buf)
    limit = len(buf) - _LOOKAHEAD
    while m is not None:
        if final or m.start() < limit:
            return True
        m = pattern.search(buf, m.start() + 1)
    return False


def scan_book(path: Path, zf: zipfile.ZipFile, sheet_names: list[str], sheet_parts: set[str],
              shared_part: str) -> set[str]:
    """The worksheet parts that calamine may read (every part of the file checked first); empty when none."""
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if len(set(names)) != len(names) or len(set(sheet_names)) != len(sheet_names):
        return set()  # two members or sheets of one name: readers may disagree about which one counts
    xml = [i for i in infos if i.filename.endswith(_XML_SUFFIXES)]
    if sum(i.file_size for i in xml) > FAST_MAX_TOTAL:
        return set()
    fast: set[str] = set()
    try:
        with path.open("rb") as fh:
            for info in xml:
                sheet = info.filename in sheet_parts
                if sheet and info.file_size > FAST_MAX_PART:
                    continue  # streamed by expat instead (never handed to calamine)
                if _scan_part(fh, info, sheet, info.filename == shared_part) and sheet:
                    fast.add(info.filename)
    except (_NotForCalamineError, OSError):
        return set()
    return fast


def available() -> bool:
    """python-calamine can be imported (a runtime dependency: the self-test checks the frozen bundle has it)."""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


def open_calamine(path: Path, sheet_names: list[str]) -> Any:
    """A calamine workbook, or None when python-calamine is not installed, cannot open the file or sees other
    sheets than the expat reader (then every sheet is read with expat)."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except BaseException as exc:  # a Rust panic (pyo3 PanicException) is a BaseException
        if not isinstance(exc, Exception) and not _is_panic(exc):
            raise
        return None  # any failure: the expat reader reads the file and reports what is wrong
    if list(workbook.sheet_names) != list(sheet_names):
        workbook.close()
        return None
    return workbook


def _is_panic(exc: BaseException) -> bool:
    """pyo3 turns a Rust panic into ``PanicException``, derived from BaseException (not KeyboardInterrupt)."""
    return type(exc).__name__ == "PanicException"


_EPOCH_DATE = dt.date(1899, 12, 30)
_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


def sheet_rows(workbook: Any, name: str, date1904: bool) -> list[tuple[int, tuple[Any, ...]]] | None:
    """Every row of a sheet with a value, as (1-based row number, values) like the expat reader yields them;
    None when calamine fails on it (the expat reader then reads it and reports what is wrong)."""
    try:
        sheet = workbook.get_sheet_by_name(name)
        start = sheet.start
        data = sheet.to_python(skip_empty_area=True) if start is not None else []
    except BaseException as exc:  # a Rust panic (pyo3 PanicException) is a BaseException
        if not isinstance(exc, Exception) and not _is_panic(exc):
            raise
        return None  # calamine's own error types: the expat reader says what is wrong
    if start is None:
        return []
    r0, c0 = start
    lead: tuple[None, ...] = (None,) * c0
    epoch = _EPOCH_1904 if date1904 else _EPOCH
    out: list[tuple[int, tuple[Any, ...]]] = []
    for i, cells in enumerate(data, r0 + 1):
        end = len(cells)
        while end and cells[end - 1] == "":
            end -= 1
        if end:
            row = _values(cells[:end], epoch)
            out.append((i, (*lead, *row) if c0 else tuple(row)))
    return out


def _values(row: list[Any], epoch: dt.datetime) -> list[Any]:
    """calamine's values as the expat reader gives them (in place)."""
    for j, v in enumerate(row):
        t = type(v)
        if t is str:
            if not v:
                row[j] = None
        elif t is float:
            if v.is_integer():
                row[j] = int(v)
        elif t is dt.date:
            row[j] = dt.datetime(v.year, v.month, v.day)
        elif t is dt.time:
            row[j] = dt.datetime.combine(_EPOCH_DATE, v)
        elif t is dt.timedelta:
            row[j] = epoch + v
    return row
