"""The Excel commands: exit codes, one clear line on bad input, nothing written on failure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from cdassess.cli import main
from cdassess.library import ModelLibrary
from cdassess.model import Model
from cdassess.services import Assessment
from cdassess.xlsx.questionnaire import SHEET, SHEETS


@pytest.fixture
def mini_file(tmp_path: Path, mini_model: Model) -> Path:
    path = tmp_path / "mini.cdassess"
    Assessment.create(path, organization="Org", project="Proj", model=mini_model, target_level=2).close()
    return path


def _claims(path: Path) -> dict[str, str]:
    with Assessment.open(path, readonly=True) as a:
        return {k: str(c.status) for k, c in a.claims().items()}


def _answer(q: Path, req: str, word: str) -> None:
    wb = openpyxl.load_workbook(q)
    ws = next(wb[n] for n in wb.sheetnames if n in SHEETS.values())  # any of the three languages
    for row in ws.iter_rows(min_row=2):
        if row[0].value == req:
            row[7].value = word
    wb.save(q)


def test_questionnaire_export_import(tmp_path: Path, mini_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = tmp_path / "q.xlsx"
    assert main(["questionnaire", "export", str(mini_file), "-o", str(q), "--max-level", "3", "--lang", "zh"]) == 0
    assert "8 requirements up to level 3" in capsys.readouterr().out
    _answer(q, "A.X.1.L1", "是")
    assert main(["questionnaire", "import", str(mini_file), str(q), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "A.X.1.L1" in out and "nothing was written" in out
    assert _claims(mini_file) == {}
    assert main(["questionnaire", "import", str(mini_file), str(q), "--json", "--dry-run"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["changes"][0]["target"] == "A.X.1.L1"
    assert main(["questionnaire", "import", str(mini_file), str(q)]) == 0
    assert "imported" in capsys.readouterr().out
    assert _claims(mini_file) == {"A.X.1.L1": "met"}


def test_bad_claim_word_exit_1_nothing_written(tmp_path: Path, mini_file: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    q = tmp_path / "q.xlsx"
    assert main(["questionnaire", "export", str(mini_file), "-o", str(q)]) == 0
    _answer(q, "A.X.1.L1", "Y")
    _answer(q, "A.X.1.L2", "dunno")
    capsys.readouterr()
    assert main(["questionnaire", "import", str(mini_file), str(q)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cdassess: error: {q}: 1 problem found in the questionnaire; nothing was imported")
    assert f"q.xlsx: sheet '{SHEET}', row 3, column H: A.X.1.L2: 'dunno' is not a self-assessment" in err
    assert "Traceback" not in err
    assert _claims(mini_file) == {}


@pytest.mark.parametrize(("content", "needle"), [
    (b"", "is empty"),
    (b"ID,Self-assessment\nA.X.1.L1,met\n", "text file (CSV"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "legacy Excel 97-2003"),
])
def test_not_a_workbook(tmp_path: Path, mini_file: Path, capsys: pytest.CaptureFixture[str], content: bytes,
                        needle: str) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(content)
    for cmd in (["questionnaire", "import", str(mini_file), str(bad)], ["workbook", "import", str(mini_file),
                                                                        str(bad)], ["model", "import", str(bad)]):
        assert main(cmd) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"cdassess: error: {bad}: ") and needle in err, err
    assert _claims(mini_file) == {}


def test_workbook_and_gap_plan(tmp_path: Path, mini_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    w, plan = tmp_path / "w.xlsx", tmp_path / "plan.xlsx"
    assert main(["rate", str(mini_file), "A.X.1.L1", "met", "--note", "=1+1"]) == 0
    assert main(["workbook", "export", str(mini_file), "-o", str(w)]) == 0
    assert main(["workbook", "import", str(mini_file), str(w)]) == 0
    assert "0 change(s)" in capsys.readouterr().out
    assert main(["gaps", "export", str(mini_file), "-o", str(plan)]) == 0
    assert "4 gaps to level 2" in capsys.readouterr().out
    assert openpyxl.load_workbook(plan).worksheets[0].max_row == 5


def test_export_refuses_bad_targets(tmp_path: Path, mini_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["workbook", "export", str(mini_file), "-o", str(tmp_path / "w.csv")]) == 1
    assert "extension .xlsx" in capsys.readouterr().err
    assert main(["questionnaire", "export", str(mini_file), "-o", str(tmp_path / "none" / "q.xlsx")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["questionnaire", "export", str(mini_file), "-o", str(tmp_path / "q.xlsx"), "--max-level",
                 "7"]) == 1
    assert "level 7 is not a level" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.xlsx*"))


def test_model_export_import_and_new(tmp_path: Path, mini_model: Model, capsys: pytest.CaptureFixture[str]) -> None:
    m = tmp_path / "m.xlsx"
    lib = ModelLibrary()
    lib.add(mini_model)
    assert main(["model", "export", "mini", "-o", str(m)]) == 0
    wb = openpyxl.load_workbook(m)
    wb["模型 Model"]["B2"] = "mini-custom"
    wb.save(m)
    assert main(["model", "import", str(m)]) == 0
    assert "imported model mini-custom 1.0" in capsys.readouterr().out
    assert main(["model", "import", str(m)]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["model", "import", str(m), "--replace"]) == 0
    new = tmp_path / "custom.cdassess"
    assert main(["new", str(new), "--org", "O", "--project", "P", "--model", "mini-custom", "--target-level",
                 "2"]) == 0
    with Assessment.open(new, readonly=True) as a:
        assert a.model.id == "mini-custom"
    wb = openpyxl.load_workbook(m)
    wb["要求 Requirements"]["C2"] = "high"
    wb.save(m)
    capsys.readouterr()
    assert main(["model", "import", str(m), "--replace"]) == 1
    err = capsys.readouterr().err
    assert "sheet '要求 Requirements', row 2, column C: 'high' is not a whole number" in err


def test_cli_import_stays_light() -> None:
    code = ("import sys, cdassess.cli.excel, cdassess.xlsx; "
            "print(any(m.startswith(('openpyxl', 'PySide6')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
