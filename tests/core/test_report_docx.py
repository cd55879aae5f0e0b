"""The gap report as a Word document: headings, tables, the radar picture, Chinese font, same options as the PDF."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from docx import Document

from cdassess.services import Assessment


def test_gap_docx_has_heading_styles_tables_the_radar_and_an_east_asian_font(demo: Assessment,
                                                                             tmp_path: Path) -> None:
    from cdassess.reports.docx import EAST_ASIAN_FONT, write_gap_docx

    out = write_gap_docx(demo, tmp_path / "gap.docx", lang="zh")
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "总体结果" in headings and any(h.startswith("距目标级别") for h in headings)
    assert all("Summary" not in h for h in headings)  # --lang zh: no English headings
    assert len(doc.tables) >= 5
    assert len(doc.inline_shapes) == 1  # the radar chart
    with zipfile.ZipFile(out) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
        assert any(n.startswith("word/media/") and n.endswith(".png") for n in z.namelist())
    assert f'w:eastAsia="{EAST_ASIAN_FONT}"' in styles
    # one finding, one block: each finding's owner and due date in its own table
    owners = [row.cells[1].text for t in doc.tables for row in t.rows if row.cells[0].text == "负责人"]
    assert len(owners) == len(demo.findings()) > 1


def test_report_gap_writes_docx_from_the_command_line(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "gap.docx"
    res = subprocess.run([sys.executable, "-c", "from cdassess.cli import run; run()", "report", "gap",
                          str(demo_path), "-o", str(out), "--lang", "en", "--profile", "confidential"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "confidential copy: people, notes and evidence names removed" in text
    assert "Gaps to target level 3" in text
