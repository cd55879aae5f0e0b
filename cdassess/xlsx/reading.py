"""Reading a checked workbook: openpyxl read-only with cached values only, sheets found by their header.

Formulas are never evaluated and never accepted as answers: the container check notes which worksheets hold
formula elements, and only then a second pass reads those sheets' formulas to name the cells.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdassess.xlsx.columns import Column, HeaderMatch, cell_text, col_letter, find_header
from cdassess.xlsx.preview import ImportPreview, ProblemRow
from cdassess.xlsx.safety import MAX_CELL_CHARS, WorkbookFileError, WorkbookScan, check_workbook_file

if TYPE_CHECKING:
    from cdassess.services import Assessment

META_SHEET = "_cdassess"
HEADER_SCAN_ROWS = 15


@contextmanager
def open_workbook(path: str | Path, *, data_only: bool = True) -> Iterator[tuple[Any, WorkbookScan]]:
    """Check the container, then open it read-only; every parser failure becomes one clear error."""
    scan = check_workbook_file(path)
    import openpyxl
    from defusedxml import DefusedXmlException

    p = Path(path)
    fh = p.open("rb")  # our own handle: openpyxl leaves its zip open when it fails half-way
    try:
        try:
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=data_only, keep_links=False)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file; all mean the same to a user
            if _defused(exc, DefusedXmlException):
                raise WorkbookFileError(f"{p}: declares XML entities or a DTD; such files can expand to "
                                        "gigabytes and are refused") from None
            first = str(exc).splitlines()[0] if str(exc) else ""
            raise WorkbookFileError(f"{p}: is damaged or not a workbook this program can read "
                                    f"({type(exc).__name__}: {first}); save it again as .xlsx") from None
        try:
            yield wb, scan
        except WorkbookFileError as exc:
            if str(p) in str(exc):
                raise
            raise WorkbookFileError(f"{p}: {exc}") from None  # a sheet read inside the block: name the file
        finally:
            wb.close()
    finally:
        fh.close()


def _defused(exc: BaseException | None, kind: type[BaseException]) -> bool:
    """Whether ``exc`` or an exception it was raised from is defusedxml's refusal (openpyxl wraps it)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def iter_values(ws: Any) -> Iterator[tuple[Any, ...]]:
    """Rows of values; a parse failure deep inside a sheet is reported as a damaged file."""
    try:
        yield from ws.iter_rows(values_only=True)
    except WorkbookFileError:
        raise
    except Exception as exc:
        from defusedxml import DefusedXmlException

        if _defused(exc, DefusedXmlException):
            raise WorkbookFileError(f"sheet {ws.title!r} declares XML entities; refused") from None
        raise WorkbookFileError(f"sheet {ws.title!r} cannot be read ({type(exc).__name__}: {exc})") from None


def read_meta(wb: Any) -> dict[str, tuple[str, int]]:
    """The hidden metadata sheet as key -> (value, row); empty when the workbook has none."""
    if META_SHEET not in wb.sheetnames:
        return {}
    out: dict[str, tuple[str, int]] = {}
    for r, row in enumerate(iter_values(wb[META_SHEET]), 1):
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

    def value(self, row: Sequence[Any], key: str) -> Any:
        pos = self.header.index.get(key)
        if pos is None or pos >= len(row):
            return None
        return row[pos]

    def column(self, key: str) -> str:
        pos = self.header.index.get(key)
        return col_letter(pos) if pos is not None else ""


def read_table(wb: Any, columns: Sequence[Column], *, prefer: Sequence[str] = (),
               sheet_names: Sequence[str] | None = None) -> Table | None:
    """The first sheet (``prefer``-named ones first) whose first rows hold a header with the required
    columns; all its rows below the header. None when no sheet has such a header."""
    names = [n for n in (sheet_names if sheet_names is not None else wb.sheetnames) if n != META_SHEET]
    names.sort(key=lambda n: not any(p.lower() in n.lower() for p in prefer))
    for name in names:
        ws = wb[name]
        rows_iter = iter_values(ws)
        head: list[tuple[Any, ...]] = []
        for row in rows_iter:
            head.append(row)
            if len(head) >= HEADER_SCAN_ROWS:
                break
        match = find_header(head, columns)
        if match is None:
            continue
        rows = [(i, r) for i, r in enumerate(head[match.row:], match.row + 1)]
        rows.extend(enumerate(rows_iter, len(head) + 1))
        return Table(name, match, rows)
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
        problems.append(ProblemRow(table.sheet, rnum, table.column(key),
                                   f"text of {len(text):,} characters is longer than a cell may hold",
                                   f"at most {MAX_CELL_CHARS:,} characters; shorten it or put it in a document "
                                   "and give its reference"))
        return ""
    return text


def formula_problems(path: Path, scan: WorkbookScan, table: Table, keys: Sequence[str]) -> list[ProblemRow]:
    """Every formula in the imported columns of ``table`` (only read when the scan found formulas)."""
    if not scan.formula_parts:
        return []
    import openpyxl

    wanted = {table.header.index[k] for k in keys if k in table.header.index}
    out: list[ProblemRow] = []
    with path.open("rb") as fh:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=False, keep_links=False)
        try:
            rows = wb[table.sheet].iter_rows(min_row=table.header.row + 1)
            for r, row in enumerate(rows, table.header.row + 1):
                for pos, cell in enumerate(row):
                    if pos in wanted and getattr(cell, "data_type", None) == "f":
                        out.append(ProblemRow(table.sheet, r, col_letter(pos),
                                              f"holds a formula ({str(cell.value)[:60]}) instead of a value",
                                              "type the answer itself; formulas are not evaluated on import"))
        finally:
            wb.close()
    return out


def check_identity(preview: ImportPreview, meta: dict[str, tuple[str, int]], assessment: Assessment, kind: str,
                   force: bool) -> None:
    """The metadata sheet must name this assessment and its model (or the import must be forced)."""
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
