"""``cdassess models``, ``model import / remove / export`` and ``validate-model`` on real files."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from cdassess.cli import main
from cdassess.library import ModelLibrary
from cdassess.paths import model_library_dir
from tests.conftest import MINI_MODEL

CONTRACT_KEYS = {"id", "version", "names", "languages", "levels", "requirements", "scoring", "scale"}


def models_json(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["models", "--json"]) == 0
    rows: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return rows


def test_models_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    rows = models_json(capsys)
    caict = next(r for r in rows if r["id"] == "caict-devops-cd")
    assert set(caict) >= CONTRACT_KEYS
    assert caict["levels"] == [1, 2, 3, 4, 5] and caict["valid"] is True and caict["builtin"] is True
    assert isinstance(caict["requirements"], int) and caict["requirements"] > 100
    scale = caict["scale"]
    assert isinstance(scale, list)
    assert [o["id"] for o in scale] == ["met", "partial", "not_met", "na"]
    assert set(scale[0]) >= {"id", "labels", "weight", "satisfies", "needs_justification"}
    assert scale[3]["needs_justification"] is True and scale[0]["satisfies"] is True


def test_invalid_library_file_is_listed_with_its_problem(capsys: pytest.CaptureFixture[str]) -> None:
    lib = model_library_dir()
    lib.mkdir(parents=True, exist_ok=True)
    (lib / "broken.json").write_text('{"id": "x", "version": "1", "names": {"en": "X"}, "levels": []}',
                                     encoding="utf-8")
    rows = models_json(capsys)
    bad = [r for r in rows if r["valid"] is False]
    assert len(bad) == 1
    assert str(bad[0]["path"]).endswith("broken.json")
    assert "broken.json is not a valid capability model" in str(bad[0]["problem"])
    assert "missing 'domains'" in str(bad[0]["problem"])
    assert main(["models"]) == 0
    assert "INVALID" in capsys.readouterr().out


def test_import_refuses_existing_id_and_version_then_replace_and_remove(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "import", str(MINI_MODEL)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("imported model mini 1.0 (")
    assert main(["model", "import", str(MINI_MODEL)]) == 1
    err = capsys.readouterr().err
    assert "model mini 1.0 is already in the library" in err and "--replace" in err
    assert main(["model", "import", str(MINI_MODEL), "--replace"]) == 0
    capsys.readouterr()
    assert [r["id"] for r in models_json(capsys)].count("mini") == 1
    assert main(["model", "remove", "mini", "--version", "9"]) == 1
    assert "no imported model 'mini 9'" in capsys.readouterr().err
    assert main(["model", "remove", "mini"]) == 0
    assert "removed model mini 1.0" in capsys.readouterr().out
    assert "mini" not in [r["id"] for r in models_json(capsys)]
    assert main(["model", "remove", "caict-devops-cd"]) == 1
    assert "is built in and cannot be removed" in capsys.readouterr().err


def test_bad_input_adds_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "model.yaml"
    bad.write_text("urn: urn:x\nobjects:\n  framework:\n    requirement_nodes: []\n", encoding="utf-8")
    assert main(["model", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cdassess: error: {bad} is not a valid CISO Assistant framework library")
    assert "model.yaml: objects > framework > requirement_nodes: missing or empty" in err
    assert "Traceback" not in err
    assert not model_library_dir().exists() or not list(model_library_dir().iterdir())


def test_export_json_and_xlsx_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "import", str(MINI_MODEL)]) == 0
    out_json, out_xlsx = tmp_path / "m.json", tmp_path / "m.xlsx"
    assert main(["model", "export", "mini", "-o", str(out_json)]) == 0
    assert main(["model", "export", "mini", "-o", str(out_xlsx)]) == 0
    assert main(["validate-model", str(out_json)]) == 0
    assert main(["validate-model", str(out_xlsx)]) == 0
    out = capsys.readouterr().out
    assert "ok: mini 1.0 (cdassess model (JSON))" in out and "ok: mini 1.0 (cdassess model workbook (.xlsx))" in out
    original = ModelLibrary().load("mini")
    assert json.loads(out_json.read_text(encoding="utf-8")) == original.to_dict()
    assert main(["model", "export", "mini", "-o", str(tmp_path / "m.csv")]) == 1
    assert "the extension .csv is not accepted (accepted: .json, .xlsx)" in capsys.readouterr().err


def test_xlsx_export_refuses_text_longer_than_a_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(MINI_MODEL.read_text(encoding="utf-8"))
    req = data["domains"][0]["subdomains"][0]["items"][0]["requirements"][0] if "subdomains" in data["domains"][0] \
        else data["domains"][0]["items"][0]["requirements"][0]
    req["guidance"] = {"en": "x" * 40_000}
    src = tmp_path / "long.json"
    src.write_text(json.dumps(data), encoding="utf-8")
    assert main(["model", "import", str(src)]) == 0
    target = tmp_path / "long.xlsx"
    assert main(["model", "export", "mini", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"requirement {req['id']}: its guidance (en) has 40,000 characters; an Excel cell holds at most 32,767" \
        in err
    assert not target.exists()
    assert main(["model", "export", "mini", "-o", str(tmp_path / "long.json")]) == 0  # JSON keeps it whole
    kept = json.loads((tmp_path / "long.json").read_text(encoding="utf-8"))
    assert "x" * 40_000 in json.dumps(kept)


def test_model_workbook_import_still_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "import", str(MINI_MODEL)]) == 0
    wb_path = tmp_path / "m.xlsx"
    assert main(["model", "export", "mini", "-o", str(wb_path)]) == 0
    wb = openpyxl.load_workbook(wb_path)
    wb["模型 Model"]["B2"] = "mini-wb"
    wb.save(wb_path)
    capsys.readouterr()
    assert main(["model", "import", str(wb_path)]) == 0
    assert "imported model mini-wb 1.0" in capsys.readouterr().out
