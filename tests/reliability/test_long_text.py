"""Hostile text stays fast and whole: a 10 MB note makes a gap report in seconds, a note longer than a workbook
cell survives the workbook round trip, control characters reach the terminal escaped."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from cdassess.cli import main as cli_main
from cdassess.safetext import escape, escape_terminal
from cdassess.services import Assessment


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=120).stdout


def test_a_10_mb_note_makes_the_gap_report_in_seconds(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.reports.gap import write_gap_report

    req = demo.gaps()[0].requirements[0].id
    note = ("careful words " * 800_000)[:10_000_000]
    demo.rate(req, "partial", note=note)
    started = time.perf_counter()
    pages = write_gap_report(demo, tmp_path / "gap.pdf", lang="en")
    took = time.perf_counter() - started
    assert took < 30, took  # 1.6 s on the development machine; the 100 KB note took 18 s before the limit
    assert pages < 40
    text = " ".join(_pdf_text(tmp_path / "gap.pdf").split())
    assert "continued in the workbook (9,996,000 more characters)" in text
    assert (tmp_path / "gap.pdf").stat().st_size < 2_000_000
    write_gap_report(demo, tmp_path / "gap-zh.pdf", lang="zh")
    assert "后续 9,996,000 字见工作簿" in " ".join(_pdf_text(tmp_path / "gap-zh.pdf").split())


def test_a_note_longer_than_a_cell_survives_the_workbook_round_trip(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.xlsx import export_workbook, read_workbook

    req = next(iter(demo.ratings()))
    note = "".join(f"line {i:06d} of a very long note\n" for i in range(3000))  # about 93,000 characters
    demo.rate(req, "partial", note=note)
    note = demo.rating(req).note  # as stored (trailing space trimmed)
    assert len(note) > 2 * 32_767
    export_workbook(demo, tmp_path / "w.xlsx")
    preview = read_workbook(demo, tmp_path / "w.xlsx")
    assert preview.problems == []
    assert [c for c in preview.changes if c.target == req] == []  # nothing changed, nothing cut
    assert any(f"the note of {req} has {len(note):,} characters" in n for n in preview.notes), preview.notes
    preview.apply(demo)
    assert demo.rating(req).note == note


def test_a_cut_text_edited_in_the_workbook_is_a_problem_not_a_cut(demo: Assessment, tmp_path: Path) -> None:
    import openpyxl

    from cdassess.xlsx import export_workbook, read_workbook

    req = next(iter(demo.ratings()))
    demo.rate(req, "partial", note="x" * 40_000)
    export_workbook(demo, tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "w.xlsx")
    ws = wb["Ratings"] if "Ratings" in wb.sheetnames else wb.worksheets[1]
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("xxxx"):
                cell.value = "y" + cell.value[1:]
    wb.save(tmp_path / "w.xlsx")
    preview = read_workbook(demo, tmp_path / "w.xlsx")
    assert any("was cut on export" in str(p) for p in preview.problems), preview.problems


HOSTILE = "evil\x1b[2J\x1b]8;;http://x\x07link\x1b]8;;\x07\r\u202eexe.txt"


def test_control_characters_are_escaped_on_the_terminal(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Assessment.open(demo_path) as a:
        a.add_evidence_bytes(HOSTILE, b"data", [])
    assert cli_main(["evidence", "list", str(demo_path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out and "\x07" not in out
    assert escape_terminal(HOSTILE) in out
    assert cli_main(["audit", str(demo_path), "--last", "1"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert cli_main(["evidence", "list", str(demo_path), "--json"]) == 0  # JSON escapes by itself
    listed = json.loads(capsys.readouterr().out)[-1]
    assert HOSTILE in listed.values()


def test_escape_keeps_ordinary_text_and_shows_the_rest() -> None:
    assert escape("评估 ✓ café 👩‍💻") == "评估 ✓ café 👩‍💻"
    assert escape("a\x1b[31mb\rc\u202ed\x00") == "a\\x1b[31mb\\rc\\u202ed\\x00"


def test_control_characters_are_escaped_in_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    from cdassess import logsetup

    monkeypatch.setenv("CDASSESS_LOG", str(tmp_path / "cdassess.log"))
    logsetup.install()
    logging.getLogger("cdassess.test").warning("evidence %s added", HOSTILE)
    for h in logging.getLogger("cdassess").handlers:
        h.flush()
    text = (tmp_path / "cdassess.log").read_text(encoding="utf-8")
    assert "\x1b" not in text and "\u202e" not in text and "\\u001b[2J" in text
