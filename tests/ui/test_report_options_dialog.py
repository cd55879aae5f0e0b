"""The window's gap report dialog sets the report options (sections, logo, cover text, signatures), saves them in
the assessment, and writes the PDF or the Word document that honours them."""

from __future__ import annotations

import io
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before PySide6 is imported

from pathlib import Path
from typing import Any

import pytest
from docx import Document
from PIL import Image
from pypdf import PdfReader
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from cdassess.services import Assessment
from ui import report_actions
from ui.report_actions import GapReportDialog, write_gap_report_interactive


def _logo(path: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (320, 120), (12, 80, 160)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: urls.append(url.toLocalFile()) or True))
    return urls


def _save_as(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    asked: list[str] = []

    def get_save(parent: Any, title: str, suggested: str, filt: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(path), filt

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save))
    return asked


def _fill(dialog: GapReportDialog, logo: Path, fmt: str) -> None:
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.sections["heatmap"].setChecked(False)
    dialog.sections["evidence"].setChecked(False)
    assert dialog.set_logo_file(logo)
    assert dialog.logo_preview.pixmap() is not None and not dialog.logo_preview.pixmap().isNull()
    dialog.cover_text.setPlainText("Prepared for the steering group of Yunfan.")
    dialog.add_signature("Wang Fang", "Lead assessor")
    dialog.add_signature("", "Client sponsor")


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_dialog_sets_options_saves_them_and_the_report_honours_them(
        qtbot: Any, demo: Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opened: list[str],
        dialogs: Any, fmt: str) -> None:
    logo = _logo(tmp_path / "logo.png")

    def answer(self: GapReportDialog) -> int:
        _fill(self, logo, fmt)
        self.accept()
        return int(self.result())

    monkeypatch.setattr(GapReportDialog, "exec", answer)
    out = tmp_path / f"report.{fmt}"
    asked = _save_as(monkeypatch, out)
    write_gap_report_interactive(None, demo)
    assert dialogs.shown == [] and opened == [str(out)]
    assert asked[0].endswith(f" - gap report.{fmt}")
    saved = demo.report_options()
    assert saved.omitted == ("heatmap", "evidence") and saved.logo is not None and saved.logo.width == 320
    assert [(s.name, s.role) for s in saved.signatures] == [("Wang Fang", "Lead assessor"), ("", "Client sponsor")]
    assert demo.check() == []
    if fmt == "pdf":
        reader = PdfReader(str(out))
        text = "\n".join(p.extract_text() or "" for p in reader.pages)
        assert len(reader.pages[0].images) == 1  # the logo
    else:
        doc = Document(str(out))
        text = "\n".join([p.text for p in doc.paragraphs]
                         + [c.text for t in doc.tables for r in t.rows for c in r.cells])
        assert len(doc.inline_shapes) == 2  # the logo and the radar
    assert "Prepared for the steering group of Yunfan." in text
    assert "Wang Fang" in text and "Client sponsor" in text and "Signatures" in text
    assert "Evidence index" not in text and "Heat map of items" not in text
    # the next dialog shows what was saved
    again = GapReportDialog(None, demo)
    qtbot.addWidget(again)
    assert not again.sections["heatmap"].isChecked() and again.sections["gaps"].isChecked()
    assert again.cover_text.toPlainText() == "Prepared for the steering group of Yunfan."
    assert again.signatures.rowCount() == 2 and again.signatures.item(0, 0).text() == "Wang Fang"
    assert again.logo is not None and again.options().report is None  # nothing changed: nothing to save


def test_a_file_that_is_not_an_image_is_refused_as_logo(qtbot: Any, demo: Assessment, tmp_path: Path,
                                                        dialogs: Any) -> None:
    dialog = GapReportDialog(None, demo)
    qtbot.addWidget(dialog)
    bad = tmp_path / "logo.png"
    bad.write_text("hello")
    assert not dialog.set_logo_file(bad)
    assert dialog.logo is None and "PNG or JPEG" in dialogs.errors()[0]
    assert dialog.logo_preview.text() == "(no logo)"


def test_a_name_too_long_keeps_the_dialog_open(qtbot: Any, demo: Assessment, dialogs: Any) -> None:
    dialog = GapReportDialog(None, demo)
    qtbot.addWidget(dialog)
    dialog.add_signature("x" * 200, "Lead")
    dialog.accept()
    assert dialog.result() == 0 and "at most 120" in dialogs.errors()[0]


def test_a_read_only_assessment_uses_the_saved_options(qtbot: Any, demo_path: Path) -> None:
    with Assessment.open(demo_path, readonly=True) as a:
        dialog = GapReportDialog(None, a)
        qtbot.addWidget(dialog)
        assert not dialog.cover_text.isEnabled() and not dialog.sections["summary"].isEnabled()
        assert dialog.options().report is None


def test_the_dialog_fits_a_small_screen(qtbot: Any, demo: Assessment) -> None:
    dialog = GapReportDialog(None, demo)
    qtbot.addWidget(dialog)
    hint = dialog.sizeHint()
    assert hint.width() <= 1366 and hint.height() <= 700, hint
    assert tuple(dialog.sections) == report_actions.SECTIONS


def test_the_dialog_is_freed_with_its_last_reference(qtbot: Any, demo: Assessment) -> None:
    """No reference cycle (a lambda holding the dialog): a parentless dialog left to the garbage collector can
    outlive the QApplication and crash the process at exit."""
    import weakref

    dialog = GapReportDialog(None, demo)
    dialog.add_signature("A", "B")
    ref = weakref.ref(dialog)
    del dialog
    assert ref() is None
