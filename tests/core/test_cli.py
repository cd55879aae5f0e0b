"""The command line contract: commands, JSON shapes, exit codes and one-line errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cdassess.cli import main
from cdassess.model import Model


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_then_info_json_shows_seven_domains_with_levels(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    f = str(tmp_path / "d.cdassess")
    assert run(capsys, "demo", f)[0] == 0
    code, out, _ = run(capsys, "info", f, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["model"] == {"id": "caict-devops-cd", "version": "2021.1", "name_zh": data["model"]["name_zh"],
                             "name_en": data["model"]["name_en"]}
    assert len(data["domains"]) == 7 and all(isinstance(d["level"], int) for d in data["domains"])
    assert {"id", "name_zh", "name_en", "level", "subdomains"} <= set(data["domains"][0])
    assert {"id", "level", "items"} <= set(data["domains"][0]["subdomains"][0])
    assert data["target_level"] == 3 and data["overall_level"] == 2
    assert 0 < data["progress"]["rated"] < data["progress"]["total"] == 240
    code, out, _ = run(capsys, "info", f)
    assert "overall:  level 2 (基础级 / Basic)" in out


def test_rating_every_requirement_to_level_3_met_reaches_level_3(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    f = str(tmp_path / "n.cdassess")
    assert run(capsys, "new", f, "--org", "ACME", "--project", "Shop", "--target-level", "3")[0] == 0
    _, out, _ = run(capsys, "requirements", f, "--json", "--max-level", "3")
    ids = [r["id"] for r in json.loads(out)]
    assert len(ids) == 144
    from cdassess.services import Assessment

    with Assessment.open(f) as a:  # the same service the command calls; 140 processes would be slow
        for req_id in ids[:-3]:
            a.rate(req_id, "met")
    for req_id in ids[-3:-1]:
        assert main(["rate", f, req_id, "met"]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "gaps", f, "--json")
    assert code == 0
    assert json.loads(out)["count"] == 1
    _, out, _ = run(capsys, "explain", f, "--level", "3")
    assert ids[-1] in out and "not reached" in out
    assert run(capsys, "rate", f, ids[-1], "met", "--note", "demonstrated")[0] == 0
    _, out, _ = run(capsys, "info", f, "--json")
    assert json.loads(out)["overall_level"] == 3
    _, out, _ = run(capsys, "gaps", f, "--json")
    assert json.loads(out)["count"] == 0 and json.loads(out)["domains"] == []
    assert run(capsys, "check", f)[0] == 0


def test_new_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "x.cdassess"
    f.write_text("keep")
    code, _, err = run(capsys, "new", str(f), "--org", "A", "--project", "B")
    assert code == 1 and "already exists" in err and f.read_text() == "keep"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rate", "{f}", "NOPE.L1", "met"], "unknown requirement ID 'NOPE.L1'"),
        (["rate", "{f}", "A.X.1.L1", "great"], "unknown rating 'great'"),
        (["rate", "{f}", "A.X.1.L1", "na"], "N/A needs a justification"),
        (["evidence", "add", "{f}", "{dir}", "--req", "A.X.1.L1"], "is a folder"),
        (["evidence", "extract", "{f}", "99", "-o", "{dir}"], "no evidence 99"),
        (["unlock", "{f}", "--reason", "x"], "not locked"),
        (["info", "{dir}/missing.cdassess"], "no such file"),
        (["gaps", "{f}", "--target", "9"], "level 9 is not a level of model mini"),
    ],
)
def test_user_errors_exit_1_with_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                mini_model: Model, args: list[str], message: str) -> None:
    from cdassess.services import Assessment

    f = tmp_path / "m.cdassess"
    Assessment.create(f, organization="O", project="P", model=mini_model).close()
    before = f.read_bytes()
    code, _, err = run(capsys, *[a.format(f=f, dir=tmp_path) for a in args])
    assert code == 1
    assert message in err
    assert err.count("\n") == 1 and err.startswith("cdassess: error: ") and "Traceback" not in err
    assert f.read_bytes() == before
    assert not (tmp_path / "missing.cdassess").exists()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["rate"])
    assert exc.value.code == 2


@pytest.mark.parametrize(("content", "message"), [(b"", "empty"), (b"PK\x03\x04 not sqlite", "not an SQLite")])
def test_foreign_files_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes,
                                   message: str) -> None:
    f = tmp_path / "f.cdassess"
    f.write_bytes(content)
    for cmd in (["info", str(f)], ["rate", str(f), "A", "met"], ["check", str(f)]):
        code, _, err = run(capsys, *cmd)
        assert code == 1 and message in err
    assert f.read_bytes() == content


def test_evidence_add_list_extract_and_lock_cycle(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  mini_model: Model) -> None:
    from cdassess.services import Assessment

    f = tmp_path / "m.cdassess"
    Assessment.create(f, organization="O", project="P", model=mini_model).close()
    src = tmp_path / "policy.md"
    src.write_text("# policy\n", encoding="utf-8")
    code, out, _ = run(capsys, "evidence", "add", str(f), str(src), "--req", "A.X.1.L1", "--req", "B.1.L1")
    assert code == 0 and "evidence 1 added" in out
    _, out, _ = run(capsys, "evidence", "list", str(f), "--json")
    listed = json.loads(out)
    assert listed[0]["requirements"] == ["A.X.1.L1", "B.1.L1"] and len(listed[0]["sha256"]) == 64
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert run(capsys, "evidence", "extract", str(f), "1", "-o", str(out_dir))[0] == 0
    assert (out_dir / "policy.md").read_text(encoding="utf-8") == "# policy\n"
    assert run(capsys, "lock", str(f), "--force")[0] == 0
    code, _, err = run(capsys, "rate", str(f), "A.X.1.L1", "met")
    assert code == 1 and "locked" in err
    assert run(capsys, "unlock", str(f), "--reason", "late evidence")[0] == 0
    assert run(capsys, "rate", str(f), "A.X.1.L1", "met")[0] == 0
    _, out, _ = run(capsys, "audit", str(f), "--json")
    actions = [e["action"] for e in json.loads(out)]
    assert actions == ["create", "add_evidence", "link_evidence", "link_evidence", "lock", "unlock", "rate"]


def test_check_fails_after_a_byte_of_evidence_or_an_audit_row_is_altered(
        demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", str(demo_path))[0] == 0
    conn = sqlite3.connect(demo_path)
    conn.execute("UPDATE evidence_chunk SET data = CAST(replace(CAST(data AS TEXT), 'main', 'MAIN') AS BLOB) "
                 "WHERE evidence_id = 1")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "check", str(demo_path))
    assert code == 1 and "evidence 1 (branching-strategy.md): content does not match its SHA-256" in err
    conn = sqlite3.connect(demo_path)
    conn.execute("DROP TRIGGER audit_append_only_update")
    conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 5")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "check", str(demo_path))
    assert code == 1 and "audit log row 5: was altered after it was written" in err


def test_console_script_runs_as_a_process(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("cdassess")
    out = subprocess.run([str(exe), "info", str(tmp_path / "nope.cdassess")], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 1 and out.stderr.strip().endswith("no such file") and out.stdout == ""
    ver = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert ver.returncode == 0 and ver.stdout.startswith("cdassess 0.")


def test_edit_details_and_switch_to_a_licensed_model_text(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          builtin_model: Model) -> None:
    from cdassess.library import ModelLibrary
    from cdassess.model import parse_model

    f = str(tmp_path / "d.cdassess")
    assert run(capsys, "demo", f)[0] == 0
    assert run(capsys, "edit", f, "--target-level", "2", "--scope", "billing only", "--rule", "lenient")[0] == 0
    _, out, _ = run(capsys, "info", f, "--json")
    data = json.loads(out)
    assert (data["target_level"], data["scope"], data["level_rule"]) == (2, "billing only", "lenient")
    _, out, _ = run(capsys, "gaps", f, "--target", "3", "--json")
    assert json.loads(out)["count"] == 4  # partial now counts: 3 partial gaps close, not_met and unrated stay
    assert run(capsys, "edit", f, "--rule", "strict")[0] == 0

    licensed = builtin_model.to_dict()
    licensed["version"] = "2021.1-licensed"
    first = licensed["domains"][0]["subdomains"][0]["items"][0]["requirements"][0]
    first["text"] = {"zh": "许可文本", "en": "Licensed text"}
    ModelLibrary().add(parse_model(licensed))
    assert run(capsys, "use-model", f, "caict-devops-cd", "--version", "2021.1-licensed")[0] == 0
    _, out, _ = run(capsys, "requirements", f, "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows[first["id"]]["text_en"] == "Licensed text" and rows[first["id"]]["status"] == "met"
    _, out, _ = run(capsys, "info", f, "--json")
    assert json.loads(out)["model"]["version"] == "2021.1-licensed" and json.loads(out)["overall_level"] == 2

    smaller = dict(licensed, version="cut")
    smaller["domains"] = licensed["domains"][1:]
    ModelLibrary().add(parse_model(smaller))
    code, _, err = run(capsys, "use-model", f, "caict-devops-cd", "--version", "cut")
    assert code == 1 and "would be orphaned" in err


def test_interviews_are_recorded_and_dates_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   mini_model: Model) -> None:
    from cdassess.services import Assessment

    f = tmp_path / "m.cdassess"
    Assessment.create(f, organization="O", project="P", model=mini_model).close()
    assert run(capsys, "interview", "add", str(f), "--date", "2026-11-25", "--people", "王芳 (release manager)",
               "--topic", "rollback drills")[0] == 0
    code, _, err = run(capsys, "interview", "add", str(f), "--date", "25/11/2026", "--people", "x")
    assert code == 1 and "is not a date (write it as YYYY-MM-DD)" in err
    _, out, _ = run(capsys, "interview", "list", str(f), "--json")
    assert [(i["held_on"], i["interviewees"]) for i in json.loads(out)] == [("2026-11-25", "王芳 (release manager)")]


def test_help_lists_every_command_family(capsys: pytest.CaptureFixture[str]) -> None:
    from ui.entry import main as cdassess_command  # the console script: the engine's commands plus gui

    with pytest.raises(SystemExit) as exc:
        cdassess_command(["--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    for command in ("new", "demo", "info", "rate", "gaps", "evidence", "questionnaire", "workbook", "report",
                    "verify", "keys", "gui", "lock", "check"):
        assert f"    {command}" in out, command
    with pytest.raises(SystemExit):
        main(["--help"])  # the engine's command line alone knows no window
    engine = capsys.readouterr().out
    assert "    info" in engine and "    gui" not in engine


def test_confidential_exports_leave_out_people_and_cannot_be_imported_back(
        demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader

    f = str(demo_path)
    assert run(capsys, "report", "gap", f, "-o", str(tmp_path / "full.pdf"))[0] == 0
    assert run(capsys, "report", "gap", f, "-o", str(tmp_path / "shared.pdf"), "--profile", "confidential")[0] == 0

    def text(name: str) -> str:
        return "".join(page.extract_text() or "" for page in PdfReader(tmp_path / name).pages).replace(" ", "")

    assert "SarahChen" in text("full.pdf") and "ZhangWei" in text("full.pdf")
    assert "SarahChen" not in text("shared.pdf") and "ZhangWei" not in text("shared.pdf")
    w = str(tmp_path / "shared.xlsx")
    assert run(capsys, "workbook", "export", f, "-o", w, "--profile", "confidential")[0] == 0
    code, _, err = run(capsys, "workbook", "import", f, w)
    assert code == 1 and "confidential export with people, notes and evidence details left out" in err
    assert run(capsys, "gaps", "export", f, "-o", str(tmp_path / "plan.xlsx"), "--profile", "confidential")[0] == 0
