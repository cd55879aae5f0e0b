"""Model workbooks: export and import back to an equal model; problems carry sheet, row and column."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from cdassess.errors import ModelError
from cdassess.library import ModelLibrary
from cdassess.model import Model
from cdassess.services import Assessment
from cdassess.xlsx import export_model_workbook, import_model_workbook, read_model_workbook
from cdassess.xlsx.modelbook import S_ITEMS, S_LEVELS, S_MODEL, S_REQS


def test_round_trip_mini(tmp_path: Path, mini_model: Model) -> None:
    out = export_model_workbook(mini_model, tmp_path / "m.xlsx")
    assert read_model_workbook(out).to_dict() == mini_model.to_dict()


def test_round_trip_builtin(tmp_path: Path, builtin_model: Model) -> None:
    out = export_model_workbook(builtin_model, tmp_path / "m.xlsx")
    assert read_model_workbook(out).to_dict() == builtin_model.to_dict()


def _edit(path: Path, sheet: str, cells: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(path)


def _problems(path: Path) -> list[str]:
    with pytest.raises(ModelError) as err:
        read_model_workbook(path)
    return [str(p) for p in err.value.problems]


def test_problems_have_cell_locations(tmp_path: Path, mini_model: Model) -> None:
    out = export_model_workbook(mini_model, tmp_path / "m.xlsx")
    _edit(out, S_REQS, {"C3": "two", "A5": "A.X.1.L1", "B6": "nope"})
    problems = _problems(out)
    assert any(f"m.xlsx: sheet '{S_REQS}', row 3, column C: 'two' is not a whole number" in p for p in problems)
    assert any(f"sheet '{S_REQS}', row 5, column A: duplicate ID 'A.X.1.L1'" in p for p in problems)
    assert any(f"sheet '{S_REQS}', row 6, column B: unknown item 'nope'" in p for p in problems)


def test_loader_problems_are_mapped_to_cells(tmp_path: Path, mini_model: Model) -> None:
    """The same validation as model files (parse_model), translated to sheet, row and column."""
    out = export_model_workbook(mini_model, tmp_path / "m.xlsx")
    _edit(out, S_REQS, {"C4": 7, "I3": "guess"})
    _edit(out, S_ITEMS, {"D2": None, "E2": None})
    _edit(out, S_LEVELS, {"A4": 5})
    problems = _problems(out)
    assert any(f"sheet '{S_REQS}', row 3, column I: unknown provenance 'guess'" in p for p in problems), problems
    assert any(f"sheet '{S_ITEMS}', row 2, column D: is empty" in p for p in problems), problems
    assert any(f"sheet '{S_LEVELS}', column A: level numbers must be consecutive" in p for p in problems), problems


def test_missing_sheet_and_model_fields(tmp_path: Path, mini_model: Model) -> None:
    out = export_model_workbook(mini_model, tmp_path / "m.xlsx")
    _edit(out, S_MODEL, {"B2": None})  # the model id
    problems = _problems(out)
    assert any(f"sheet '{S_MODEL}', row 2, column B" in p and "model id" in p for p in problems), problems
    wb = openpyxl.load_workbook(out)
    del wb[S_REQS]
    wb.save(out)
    assert any("Requirements" in p for p in _problems(out))


def test_replace_texts_and_use_the_model(tmp_path: Path, mini_model: Model) -> None:
    lib = ModelLibrary()
    out = export_model_workbook(mini_model, tmp_path / "m.xlsx")
    _edit(out, S_REQS, {"D2": "许可文本：第1级要求", "E2": "Licensed text: level 1"})
    _edit(out, S_MODEL, {"B2": "mini-licensed"})
    model, stored = import_model_workbook(out, library=lib)
    assert stored.exists() and stored.parent == lib.user_dir
    assert model.requirement("A.X.1.L1").text.zh == "许可文本：第1级要求"
    loaded = lib.load("mini-licensed")
    assert loaded.to_dict() == model.to_dict()
    with pytest.raises(ModelError, match="already in the library"):
        import_model_workbook(out, library=lib)
    import_model_workbook(out, library=lib, replace=True)
    a = Assessment.create(tmp_path / "a.cdassess", organization="O", project="P", model_id="mini-licensed",
                          target_level=1)
    try:
        assert a.model.requirement("A.X.1.L1").text.en == "Licensed text: level 1"
    finally:
        a.close()


def test_a_questionnaire_is_not_a_model_workbook(tmp_path: Path, mini_assessment: Assessment) -> None:
    from cdassess.xlsx import export_questionnaire

    q = export_questionnaire(mini_assessment, tmp_path / "q.xlsx")
    with pytest.raises(ModelError, match="not a model workbook"):
        read_model_workbook(q)
