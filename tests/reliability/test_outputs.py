"""Outputs never destroy inputs: an -o onto the assessment, another assessment or another kind of file is refused
(unless --force, never for the input itself), files are written through a temporary file and a rename, with the
user's umask."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from cdassess.cli import main as cli_main
from cdassess.outputs import OutputError, atomic_output, file_kind, guard_output


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli_main(list(argv))
    return code, capsys.readouterr().err


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


EXPORTS = {
    "report gap": (["report", "gap"], "pdf"),
    "report certificate": (["report", "certificate"], "pdf"),
    "workbook export": (["workbook", "export"], "xlsx"),
    "questionnaire export": (["questionnaire", "export"], "xlsx"),
    "gaps export": (["gaps", "export"], "xlsx"),
}


@pytest.mark.parametrize("command", sorted(EXPORTS))
def test_output_onto_the_assessment_itself_is_refused_even_with_force(
        command: str, demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv, _kind = EXPORTS[command]
    before = demo_path.read_bytes()
    for extra in ([], ["--force"]):
        code, err = _run(capsys, *argv, str(demo_path), "-o", str(demo_path), *extra)
        assert code == 1, err
        assert len(err.strip().splitlines()) == 1 and "is the assessment being read" in err, err
    assert demo_path.read_bytes() == before
    code, err = _run(capsys, *argv, str(demo_path), "-o", f"{demo_path}-wal")
    assert code == 1 and "is the assessment being read" in err


def test_another_assessment_or_another_kind_is_refused_unless_force(
        demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], umask_022: None) -> None:
    other = tmp_path / "other.cdassess"
    shutil.copyfile(demo_path, other)
    before = other.read_bytes()
    code, err = _run(capsys, "report", "gap", str(demo_path), "-o", str(other))
    assert code == 1 and "is an assessment file" in err and "--force" in err, err
    assert other.read_bytes() == before
    workbook = tmp_path / "w.xlsx"
    assert _run(capsys, "workbook", "export", str(demo_path), "-o", str(workbook))[0] == 0
    code, err = _run(capsys, "report", "gap", str(demo_path), "-o", str(workbook))
    assert code == 1 and "is a xlsx file, not the pdf this command writes" in err, err
    assert file_kind(workbook) == "xlsx"
    # the same kind again is a re-export; another kind with --force is replaced
    assert _run(capsys, "workbook", "export", str(demo_path), "-o", str(workbook))[0] == 0
    assert _run(capsys, "report", "gap", str(demo_path), "-o", str(workbook), "--force")[0] == 0
    assert file_kind(workbook) == "pdf"
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes", encoding="utf-8")
    code, err = _run(capsys, "evidence", "extract", str(demo_path), "1", "-o", str(notes))
    assert code == 1 and "already exists" in err and notes.read_text(encoding="utf-8") == "my notes", err


def test_outputs_get_the_users_umask_not_0600(demo_path: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str], umask_022: None) -> None:
    outs = {"gap.pdf": ["report", "gap"], "w.xlsx": ["workbook", "export"], "q.xlsx": ["questionnaire", "export"],
            "plan.xlsx": ["gaps", "export"]}
    for name, argv in outs.items():
        assert _run(capsys, *argv, str(demo_path), "-o", str(tmp_path / name))[0] == 0
    assert _run(capsys, "evidence", "extract", str(demo_path), "1", "-o", str(tmp_path / "ev.bin"))[0] == 0
    for name in [*outs, "ev.bin"]:
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name
    os.umask(0o077)
    assert _run(capsys, "report", "gap", str(demo_path), "-o", str(tmp_path / "private.pdf"))[0] == 0
    assert stat.S_IMODE((tmp_path / "private.pdf").stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF-1.4 old report")

    def full(*_a: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OutputError, match=r"report.pdf: cannot be written \(No space left on device\); nothing"), \
            atomic_output(target, kind="pdf") as tmp:
        tmp.write_bytes(b"%PDF-1.4 new report")
    assert target.read_bytes() == b"%PDF-1.4 old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


def test_guard_output_names_what_it_refuses(tmp_path: Path) -> None:
    assert guard_output(tmp_path / "new.pdf", kind="pdf") == tmp_path / "new.pdf"
    with pytest.raises(OutputError, match="is a folder"):
        guard_output(tmp_path, kind="pdf")
    with pytest.raises(OutputError, match="does not exist"):
        guard_output(tmp_path / "nope" / "x.pdf", kind="pdf")
    db = tmp_path / "other.db"
    import sqlite3

    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(OutputError, match="is an SQLite database"):
        guard_output(db, kind="pdf")
    link = tmp_path / "link.pdf"
    link.symlink_to(db)
    with pytest.raises(OutputError, match="is an SQLite database"):
        guard_output(link, kind="pdf")  # a link to another file is judged by what it points to
