"""Hostile workbooks: a fixed-seed fuzz run over every importer, and the specific inputs it once broke on."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from cdassess.errors import CdassessError, ValidationError
from cdassess.model import Model
from cdassess.services import Assessment
from cdassess.xlsx import WorkbookFileError, export_questionnaire, export_workbook, import_questionnaire, read_workbook


@pytest.mark.slow
def test_fixed_seed_fuzz_run_has_no_failures(tmp_path: Path, tool: Callable[[str], ModuleType]) -> None:
    fuzz = tool("fuzz_workbooks")
    rep = fuzz.run(100, seed=20261127, workdir=tmp_path, workers=2)
    assert rep.inputs == 100
    assert sum(rep.outcomes["workbook"].values()) == 100
    # the run must exercise both sides: some mutants still import, most are refused
    for imp in ("questionnaire", "workbook", "model"):
        assert rep.outcomes[imp]["rejected"] > 40, rep.outcomes
    assert rep.outcomes["questionnaire"]["accepted"] + rep.outcomes["workbook"]["accepted"] > 5, rep.outcomes
    assert rep.failures == {}
    assert rep.slowest < 10


# ------------------------------------------------------------------------------------------ regressions


def _patch_zip(data: bytes, fn: Callable[[bytearray, list[int], list[int]], None]) -> bytes:
    b = bytearray(data)
    cds = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    locs = [m.start() for m in re.finditer(rb"PK\x03\x04", data)]
    fn(b, cds, locs)
    return bytes(b)


def _sheet_entry(data: bytes, cds: list[int]) -> int:
    """The central-directory entry of the biggest worksheet part."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        biggest = max((i for i in zf.infolist() if i.filename.startswith("xl/worksheets/")),
                      key=lambda i: i.file_size).filename.encode()
    return next(c for c in cds if data[c + 46 : c + 46 + len(biggest)] == biggest)


def _refused(a: Assessment, path: Path) -> str:
    before = (a.claims(), a.store.audit_head())
    with pytest.raises(CdassessError) as info:
        import_questionnaire(a, path)
    assert (a.claims(), a.store.audit_head()) == before
    msg = str(info.value)
    assert str(path) in msg
    return msg


def test_unknown_compression_method_is_refused_clearly(demo: Assessment, tmp_path: Path) -> None:
    src = export_questionnaire(demo, tmp_path / "q.xlsx")
    data = src.read_bytes()

    def patch(b: bytearray, cds: list[int], locs: list[int]) -> None:
        c = _sheet_entry(data, cds)
        b[c + 10 : c + 12] = struct.pack("<H", 99)

    bad = tmp_path / "method.xlsx"
    bad.write_bytes(_patch_zip(data, patch))
    assert "is damaged" in _refused(demo, bad)


def test_corrupt_deflate_data_is_refused_clearly(demo: Assessment, tmp_path: Path) -> None:
    src = export_questionnaire(demo, tmp_path / "q.xlsx")
    data = src.read_bytes()

    def patch(b: bytearray, cds: list[int], locs: list[int]) -> None:
        c = _sheet_entry(data, cds)
        offset = struct.unpack("<I", b[c + 42 : c + 46])[0]
        nlen, xlen = struct.unpack("<HH", b[offset + 26 : offset + 30])
        start = offset + 30 + nlen + xlen
        for k in range(200, 260):
            b[start + k] ^= 0x5A

    bad = tmp_path / "deflate.xlsx"
    bad.write_bytes(_patch_zip(data, patch))
    assert "is damaged" in _refused(demo, bad)


def test_zip_needing_a_newer_zip_version_is_refused_clearly(demo: Assessment, tmp_path: Path) -> None:
    src = export_questionnaire(demo, tmp_path / "q.xlsx")
    data = src.read_bytes()

    def patch(b: bytearray, cds: list[int], locs: list[int]) -> None:
        b[cds[0] + 6 : cds[0] + 8] = struct.pack("<H", 78)  # "version needed to extract" 7.8

    bad = tmp_path / "version.xlsx"
    bad.write_bytes(_patch_zip(data, patch))
    assert "cannot be read" in _refused(demo, bad)


def test_damaged_sheet_error_names_the_file(demo: Assessment, tmp_path: Path) -> None:
    src = export_workbook(demo, tmp_path / "w.xlsx")
    with zipfile.ZipFile(src) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members:
            broken = b"<row r=\"9999\"><c r=\"A9999\"><v>1</v></c></sheetDat>"
            zf.writestr(name, body.replace(b"</sheetData>", broken) if name.startswith("xl/worksheets/") else body)
    bad = tmp_path / "sheet.xlsx"
    bad.write_bytes(out.getvalue())
    with pytest.raises(WorkbookFileError) as info:
        read_workbook(demo, bad)
    assert str(bad) in str(info.value)


@pytest.mark.parametrize("finding_id", ["1" * 30, "²", "١٢"])
def test_absurd_finding_ids_are_problems_not_crashes(demo: Assessment, tmp_path: Path, finding_id: str) -> None:
    import openpyxl

    src = export_workbook(demo, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(src)
    ws = wb["发现 Findings"]
    header = next(r for r in range(1, 15) if any("Finding ID" in str(c.value or "") for c in ws[r]))
    col = next(c.column for c in ws[header] if "Finding ID" in str(c.value or ""))
    ws.cell(header + 1, col).value = finding_id
    wb.save(src)
    before = (demo.findings(), demo.store.audit_head())
    preview = read_workbook(demo, src)
    assert not preview.ok
    assert any("finding ID" in p.message for p in preview.problems)
    with pytest.raises(ValidationError):
        preview.apply(demo)
    assert (demo.findings(), demo.store.audit_head()) == before


def test_untrusted_metadata_is_quoted_short(demo: Assessment, tmp_path: Path) -> None:
    import openpyxl

    src = export_questionnaire(demo, tmp_path / "q.xlsx")
    wb = openpyxl.load_workbook(src)
    ws = wb["_cdassess"]
    row = next(r for r in range(1, 30) if ws.cell(r, 1).value == "model_version")
    ws.cell(row, 2).value = "中" * 5000
    wb.save(src)
    with pytest.raises(ValidationError) as info:
        import_questionnaire(demo, src)
    assert len(str(info.value)) < 1000
    assert "model version" in str(info.value)


@pytest.mark.parametrize("method", [12, 14], ids=["bzip2", "lzma"])
def test_other_compression_with_garbage_data_is_refused_clearly(demo: Assessment, tmp_path: Path,
                                                                 method: int) -> None:
    """A part claiming bzip2 or LZMA compression over deflate bytes (LZMAError is no OSError)."""
    src = export_questionnaire(demo, tmp_path / "q.xlsx")
    data = src.read_bytes()

    def patch(b: bytearray, cds: list[int], locs: list[int]) -> None:
        c = _sheet_entry(data, cds)
        b[c + 10 : c + 12] = struct.pack("<H", method)
        offset = struct.unpack("<I", b[c + 42 : c + 46])[0]
        b[offset + 8 : offset + 10] = struct.pack("<H", method)

    bad = tmp_path / "other.xlsx"
    bad.write_bytes(_patch_zip(data, patch))
    assert "is damaged" in _refused(demo, bad)


@pytest.mark.parametrize("value", ["中" * 30000, "a" * 32000, "word " * 6000])
def test_huge_cell_values_are_quoted_short_in_problems(demo: Assessment, tmp_path: Path, value: str) -> None:
    """A 32,767-character cell quoted in a message would make it a dump; it is cut and stays recognisable."""
    import openpyxl

    path = tmp_path / "answers.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问卷 Questionnaire"
    ws.append(["ID", "Self-assessment"])
    ws.append([value, "met"])
    wb.save(path)
    with pytest.raises(ValidationError) as info:
        import_questionnaire(demo, path)
    assert len(str(info.value)) < 1000
    assert value[:20] in str(info.value)
    assert all(len(str(p)) < 1000 for p in info.value.problems)


def test_huge_model_workbook_format_is_quoted_short(demo: Assessment, tmp_path: Path) -> None:
    import openpyxl

    from cdassess.xlsx import export_model_workbook, read_model_workbook

    path = export_model_workbook(demo.model, tmp_path / "model.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["_cdassess"]
    row = next(r for r in range(1, 30) if ws.cell(r, 1).value == "format")
    ws.cell(row, 2).value = "x" * 30000
    wb.save(path)
    with pytest.raises(CdassessError) as info:
        read_model_workbook(path)
    assert len(str(info.value)) < 1000
    assert all(len(str(p)) < 1000 for p in getattr(info.value, "problems", []))


@pytest.mark.parametrize("model_id", ["m" * 300, "模" * 200])
def test_model_with_a_huge_id_is_stored_in_the_library(tmp_path: Path, mini_model: Model, model_id: str) -> None:
    """Found by the fuzz harness: the library file name was the id itself ('File name too long')."""
    from dataclasses import replace as copy_with

    from cdassess.library import ModelLibrary

    lib = ModelLibrary(user_dir=tmp_path / "library")
    path = lib.add(copy_with(mini_model, id=model_id))
    assert len(path.name.encode("utf-8")) < 200
    assert lib.load(model_id).id == model_id
    other = lib.add(copy_with(mini_model, id=model_id + "x"))
    assert other != path
