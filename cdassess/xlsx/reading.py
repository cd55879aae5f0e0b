"""Reading a checked workbook: cached values only (formulas are never evaluated), sheets found by their header.

The streaming reader in :mod:`cdassess.xlsx.fastread` sees formula elements, so a formula typed where an answer
belongs is reported with its cell instead of being imported as whatever value it last showed.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdassess.xlsx.columns import Column, HeaderMatch, cell_text, col_letter, find_header
from cdassess.xlsx.fastread import Book
from cdassess.xlsx.preview import ImportPreview, ProblemRow
from cdassess.xlsx.safety import MAX_CELL_CHARS, WorkbookFileError, WorkbookScan, check_workbook_file

if TYPE_CHECKING:
    from cdassess.services import Assessment

META_SHEET = "_cdassess"
HEADER_SCAN_ROWS = 15
MAX_ROWS = 200_000
"""Rows with content below a header; a questionnaire has one per requirement (a few hundred; the largest
model cdassess is measured with has 50,000, and its own exports must come back)."""


@contextmanager
def open_workbook(path: str | Path) -> Iterator[tuple[Book, WorkbookScan]]:
    """Check the container, then open it for reading; every parser failure becomes one clear error."""
    scan = check_workbook_file(path)
    p = Path(path)
    try:
        book = Book(p)
    except WorkbookFileError as exc:
        raise WorkbookFileError(f"{p}: {exc}") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, RuntimeError, NotImplementedError,
            zlib.error) as exc:
        raise WorkbookFileError(f"{p}: is damaged or not a workbook this program can read "
                                f"({type(exc).__name__}: {exc}); save it again as .xlsx") from None
    try:
        yield book, scan
    except WorkbookFileError as exc:
        if str(p) in str(exc):
            raise
        raise WorkbookFileError(f"{p}: {exc}") from None  # a sheet read inside the block: name the file
    except (zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError, zlib.error) as exc:
        raise WorkbookFileError(f"{p}: is damaged ({type(exc).__name__}: {exc}); save it again as .xlsx"
                                ) from None
    finally:
        book.close()


def read_meta(book: Book) -> dict[str, tuple[str, int]]:
    """The hidden metadata sheet as key -> (value, row); empty when the workbook has none."""
    if META_SHEET not in book.sheetnames:
        return {}
    out: dict[str, tuple[str, int]] = {}
    for r, row in book.sheet(META_SHEET).rows():
        if r > 200:
            break
        if len(row) >= 2 and isinstance(row[0], str) and row[0].strip():
            out[row[0].strip()] = (cell_text(row[1]), r)
    return out


@dataclass
class Table:
    """A sheet's header and the data rows below it (row numbers are the sheet's, 1-based)."""

    sheet: str
    header: HeaderMatch
    rows: list[tuple[int, tuple[Any, ...]]]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    """(row, 0-based column) -> formula text, for every formula cell of the sheet."""

    def value(self, row: Sequence[Any], key: str) -> Any:
        pos = self.header.index.get(key)
        if pos is None or pos >= len(row):
            return None
        return row[pos]

    def column(self, key: str) -> str:
        pos = self.header.index.get(key)
        return col_letter(pos) if pos is not None else ""


def read_table(book: Book, columns: Sequence[Column], *, prefer: Sequence[str] = ()) -> Table | None:
    """The first sheet (``prefer``-named ones first) whose first rows hold a header with the required
    columns; all its rows below the header. None when no sheet has such a header."""
    names = [n for n in book.sheetnames if n != META_SHEET]
    names.sort(key=lambda n: not any(p.lower() in n.lower() for p in prefer))
    for name in names:
        sheet = book.sheet(name)
        rows_iter = sheet.rows()
        head: list[tuple[int, tuple[Any, ...]]] = []
        for rnum, row in rows_iter:
            if rnum > HEADER_SCAN_ROWS:
                head.append((rnum, row))
                break
            head.append((rnum, row))
        by_number = {r: row for r, row in head if r <= HEADER_SCAN_ROWS}
        match = find_header([by_number.get(r, ()) for r in range(1, HEADER_SCAN_ROWS + 1)], columns)
        if match is None:
            rows_iter.close()
            continue
        rows = [(r, row) for r, row in head if r > match.row and row]
        for r, row in rows_iter:
            if row:
                rows.append((r, row))
                if len(rows) > MAX_ROWS:
                    rows_iter.close()
                    break
        if len(rows) > MAX_ROWS:
            raise WorkbookFileError(f"sheet {name!r} has more than {MAX_ROWS:,} rows below its header; a "
                                    "questionnaire or workbook has one row per requirement")
        return Table(name, match, rows, sheet.formulas)
    return None


def header_problems(table: Table, columns: Sequence[Column]) -> list[ProblemRow]:
    out = []
    by_key = {c.key: c for c in columns}
    for key, positions in table.header.duplicates:
        letters = ", ".join(col_letter(p) for p in positions)
        out.append(ProblemRow(table.sheet, table.header.row, letters,
                              f"several columns are headed {by_key[key].label!r}; keep one",
                              f"column {col_letter(positions[0])} is used"))
    return out


def text_value(table: Table, rnum: int, row: Sequence[Any], key: str,
               problems: list[ProblemRow]) -> str:
    """A cell as text; too long a text is a problem (its content is not imported)."""
    text = cell_text(table.value(row, key))
    if len(text) > MAX_CELL_CHARS:
        problems.append(too_long(table, rnum, key, len(text)))
        return ""
    return text


def too_long(table: Table, rnum: int, key: str, length: int) -> ProblemRow:
    """The problem of a text longer than a cell may hold (its content is not imported)."""
    return ProblemRow(table.sheet, rnum, table.column(key),
                      f"text of {length:,} characters is longer than a cell may hold",
                      f"at most {MAX_CELL_CHARS:,} characters; shorten it or put it in a document and give its "
                      "reference")


def formula_problems(table: Table, keys: Sequence[str]) -> list[ProblemRow]:
    """Every formula in the imported columns of ``table``."""
    wanted = {table.header.index[k] for k in keys if k in table.header.index}
    return [ProblemRow(table.sheet, r, col_letter(c), f"holds a formula ({text[:60]}) instead of a value",
                       "type the answer itself; formulas are not evaluated on import")
            for (r, c), text in sorted(table.formulas.items()) if c in wanted and r > table.header.row]


def check_identity(preview: ImportPreview, meta: dict[str, tuple[str, int]], assessment: Assessment, kind: str,
                   force: bool) -> None:
    """The metadata sheet must name this assessment and its model (or the import must be forced); a locked
    assessment takes no import."""
    if assessment.meta.locked:
        preview.problems.append(ProblemRow("", 0, "", "the assessment is locked; nothing can be imported into "
                                           "it", "unlock it with a reason first"))
    if not meta:
        preview.notes.append("the workbook has no cdassess metadata sheet; rows are matched by requirement ID "
                             "only")
        return
    fmt = meta.get("format", ("", 0))[0]
    if fmt and fmt != f"cdassess-{kind}/1":
        preview.problems.append(ProblemRow(META_SHEET, meta["format"][1], "B",
                                           f"this file is a cdassess "
                                           f"{_cut(fmt.removeprefix('cdassess-').split('/')[0])}, not a {kind}",
                                           f"a {kind} exported by cdassess"))
        return
    m = assessment.meta
    checks = (("model_id", m.model_id, "model"), ("model_version", m.model_version, "model version"),
              ("assessment_uuid", m.uuid, "assessment"))
    for key, expected, what in checks:
        got, row = meta.get(key, ("", 0))
        if got and got != expected:
            msg = f"the {kind} was exported for another {what} ({_cut(got)}; this assessment has {expected})"
            if force:
                preview.notes.append(msg + "; imported anyway (forced)")
            else:
                preview.problems.append(ProblemRow(META_SHEET, row, "B", msg,
                                                   f"a {kind} exported from this assessment, or force the import"))


def _cut(text: str, limit: int = 80) -> str:
    """An untrusted value quoted in a message, short enough to read."""
    return text if len(text) <= limit else text[:limit] + "…"
