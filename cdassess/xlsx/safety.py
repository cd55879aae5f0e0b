"""Never trust a workbook: check the container before any XML is parsed, and make exported text inert.

Checks, in order, each with a message that names the file and says what to do:
empty file, legacy .xls and password-encrypted workbooks (both OLE containers), text or other files renamed
to .xlsx, damaged zips, other zip documents (.ods, .docx), encrypted zip members, too many parts, parts that
inflate beyond a limit or with an implausible compression ratio (zip bombs), and XML document type
declarations at the start of a part (entity bombs; the reader in fastread.py refuses a DTD anywhere, and
defusedxml makes openpyxl refuse them too: this check just names the part before any parsing).
"""

from __future__ import annotations

import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from cdassess.errors import CdassessError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_PART_BYTES = 256 * 2**20
"""Largest uncompressed part accepted: the app's own full workbook of a 50,000-requirement model has a 64 MB
sheet part, so its own exports always come back; anything larger than this is refused before it is read."""
MAX_TOTAL_BYTES = 512 * 2**20
MAX_RATIO = 150
"""Compression ratio above which a part larger than RATIO_FLOOR is taken for a zip bomb."""
RATIO_FLOOR = 2 * 2**20
MAX_PARTS = 2000
MAX_CELL_CHARS = 32_767
"""Excel's own limit for one cell; longer text is refused on import and cut (with a marker) on export."""

_PROLOG_BYTES = 4096
_DTD_MARKERS = tuple(m for s in ("<!DOCTYPE", "<!ENTITY") for m in (s.encode(), s.encode("utf-16-le"),
                                                                     s.encode("utf-16-be")))
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@")


class WorkbookFileError(CdassessError):
    """The file is not a workbook this program will read (wrong kind, damaged, dangerous)."""


@dataclass(frozen=True)
class WorkbookScan:
    """What the container check learned: the parts of the zip."""

    path: Path
    parts: tuple[str, ...]


def _refuse(path: Path, message: str) -> WorkbookFileError:
    return WorkbookFileError(f"{path}: {message}")


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a cut multi-byte character at the end is fine
            try:
                head.decode("gb18030")
            except UnicodeDecodeError:
                return False
    return b"\x00" not in head


def _ole_kind(path: Path) -> str:
    needle = "EncryptedPackage".encode("utf-16-le")
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            if needle in tail + chunk:
                return "encrypted"
            tail = chunk[-len(needle):]
    return "xls"


def check_workbook_file(path: str | Path) -> WorkbookScan:
    """Refuse anything that is not a plain, reasonably sized .xlsx before a parser sees it."""
    p = Path(path)
    if not p.exists():
        raise _refuse(p, "no such file")
    if p.is_dir():
        raise _refuse(p, "is a folder, not an Excel workbook")
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise _refuse(p, f"cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise _refuse(p, "is empty (0 bytes), not an Excel workbook")
    if head.startswith(OLE_MAGIC):
        if _ole_kind(p) == "encrypted":
            raise _refuse(p, "is protected with a password (encrypted); open it in your office suite, remove the "
                             "password to open, save it as .xlsx and import that copy")
        raise _refuse(p, "is a legacy Excel 97-2003 workbook (.xls); open it and save it as an Excel Workbook "
                         "(.xlsx), then import that")
    if not head.startswith(b"PK"):
        if _looks_like_text(head):
            raise _refuse(p, "is a text file (CSV or similar), not an Excel workbook; open it in your office "
                             "suite and save it as .xlsx")
        raise _refuse(p, "is not an Excel workbook (.xlsx): its content is not a zip container")
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise _refuse(p, f"is damaged: the zip container cannot be read ({exc}); save it again as .xlsx") from None
    with zf:
        return _check_parts(p, zf)


def _check_parts(p: Path, zf: zipfile.ZipFile) -> WorkbookScan:
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if "mimetype" in names and "[Content_Types].xml" not in names:
        kind = zf.read("mimetype")[:100].decode("ascii", "replace")
        what = "an OpenDocument spreadsheet (.ods)" if "spreadsheet" in kind else f"a {kind or 'zip'} document"
        raise _refuse(p, f"is {what}, not an Excel workbook; save it as .xlsx")
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") and n.endswith("workbook.xml")
                                                     for n in names):
        what = "a Word document" if "word/document.xml" in names else "a zip file"
        raise _refuse(p, f"is {what}, not an Excel workbook (.xlsx)")
    if len(infos) > MAX_PARTS:
        raise _refuse(p, f"has {len(infos)} parts (at most {MAX_PARTS} accepted); it is not a normal workbook")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse(p, f"part {info.filename} is encrypted; remove the password and save it as .xlsx")
        total += info.file_size
        if info.file_size > MAX_PART_BYTES:
            raise _refuse(p, f"part {info.filename} inflates to {info.file_size / 2**20:,.0f} MB (at most "
                             f"{MAX_PART_BYTES // 2**20} MB accepted); refused before reading it")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _refuse(p, f"part {info.filename} is compressed {ratio:,.0f} to 1 (a zip bomb?); refused "
                             "before reading it")
    if total > MAX_TOTAL_BYTES:
        raise _refuse(p, f"inflates to {total / 2**20:,.0f} MB in all (at most {MAX_TOTAL_BYTES // 2**20} MB "
                         "accepted); refused before reading it")
    for info in infos:
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            _check_prolog(p, zf, info)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError,
                zlib.error, lzma.LZMAError) as exc:  # unknown method or zip version, corrupt compressed data
            raise _refuse(p, f"is damaged: part {info.filename} cannot be read ({exc})") from None
    return WorkbookScan(p, tuple(sorted(names)))


def _check_prolog(p: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a DTD at the start of a part (the reader refuses one anywhere; this names it before parsing)."""
    with zf.open(info) as fh:
        first = fh.read(_PROLOG_BYTES)
    if any(m in first for m in _DTD_MARKERS):
        raise _refuse(p, f"part {info.filename} declares XML entities (<!DOCTYPE/<!ENTITY>); such files can "
                         "expand to gigabytes and are refused")


# --------------------------------------------------------------------------------------------- export side


# Ends a text longer than a cell: the workbook shows its start; import gives back the whole stored text.
CUT_MARKER = " [... cut here: the whole text is kept in the assessment file; edit it in cdassess]"


def clean_text(value: str) -> str:
    """Text an xlsx cell can hold: no XML-illegal control characters, at most Excel's cell limit (a longer
    text ends in :data:`CUT_MARKER`; :func:`cut_stem` recognises it on import)."""
    text = _ILLEGAL_XML.sub("", value)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - len(CUT_MARKER)] + CUT_MARKER
    return text


def cut_stem(text: str) -> str | None:
    """The visible start of a text the export cut (None: the text was not cut)."""
    return text[:-len(CUT_MARKER)] if text.endswith(CUT_MARKER) else None


def looks_like_formula(text: str) -> bool:
    return text.startswith(_FORMULA_START)
