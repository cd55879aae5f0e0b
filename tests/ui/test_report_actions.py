"""Report actions of the window: gap report with progress then opened; certificate refusals explained."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before PySide6 is imported

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from cdassess.export_profile import CONFIDENTIAL, FULL
from cdassess.scoring import Status
from cdassess.services import Assessment
from cdassess.signing import verify_code
from ui import report_actions
from ui.report_actions import (
    CertificateDialog,
    CertificateOptions,
    GapOptions,
    GapReportDialog,
    write_certificate_interactive,
    write_gap_report_interactive,
)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    urls: list[str] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url.toLocalFile())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    return urls


def _save_as(monkeypatch: pytest.MonkeyPatch, path: Path | None) -> list[str]:
    asked: list[str] = []

    def get_save(parent: Any, title: str, suggested: str, filt: str) -> tuple[str, str]:
        asked.append(suggested)
        return (str(path) if path else "", filt)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save))
    return asked


def _text(path: Path) -> str:
    return "".join((p.extract_text() or "") for p in PdfReader(str(path)).pages).replace("\n", "")


def test_gap_report_is_written_with_progress_and_opened(qtbot: Any, mini_assessment: Assessment, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, opened: list[str],
                                                        dialogs: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    monkeypatch.setattr(report_actions, "ask_gap_options", lambda p, a: GapOptions("en", 3))
    asked = _save_as(monkeypatch, tmp_path / "out")  # no suffix: .pdf is added
    seen: list[int] = []
    real = QProgressDialog.setValue

    def spy(self: Any, value: int) -> None:
        seen.append(value)
        real(self, value)

    monkeypatch.setattr(QProgressDialog, "setValue", spy)
    write_gap_report_interactive(parent, mini_assessment)
    out = tmp_path / "out.pdf"
    assert out.exists()
    assert opened == [str(out)]
    assert asked[0].endswith("Proj - gap report.pdf")
    assert "Gaps to target level 3" in _text(out)
    assert seen[-1] == 100
    assert dialogs.shown == []


def test_gap_report_cancelled_at_the_file_dialog_writes_nothing(qtbot: Any, mini_assessment: Assessment,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                opened: list[str], tmp_path: Path) -> None:
    monkeypatch.setattr(report_actions, "ask_gap_options", lambda p, a: GapOptions("zh", 2))
    _save_as(monkeypatch, None)
    write_gap_report_interactive(None, mini_assessment)
    assert opened == []
    assert list(tmp_path.glob("*.pdf")) == []


def test_gap_dialog_offers_languages_and_the_model_levels(qtbot: Any, mini_assessment: Assessment) -> None:
    dialog = GapReportDialog(None, mini_assessment)
    qtbot.addWidget(dialog)
    assert [dialog.target.itemData(i) for i in range(dialog.target.count())] == [1, 2, 3]
    assert dialog.options() == GapOptions("both", 2, FULL)
    dialog.language.setCurrentIndex(2)
    assert dialog.options().lang == "en"
    dialog.profile_choice.confidential.click()
    assert dialog.options() == GapOptions("en", 2, CONFIDENTIAL)


@pytest.mark.parametrize("confidential", [False, True])
def test_gap_report_full_or_confidential(qtbot: Any, demo: Assessment, tmp_path: Path, opened: list[str],
                                         monkeypatch: pytest.MonkeyPatch, dialogs: Any, confidential: bool) -> None:
    """The choice made in the dialog reaches the PDF: a confidential report names none of the people."""

    def answer(self: GapReportDialog) -> int:
        assert self.profile_choice.full.isChecked()  # Full is the default
        if confidential:
            self.profile_choice.confidential.click()
        self.accept()
        return int(self.result())

    monkeypatch.setattr(GapReportDialog, "exec", answer)
    out = tmp_path / "report.pdf"
    asked = _save_as(monkeypatch, out)
    write_gap_report_interactive(None, demo)
    assert asked[0].endswith(" - gap report-confidential.pdf" if confidential else " - gap report.pdf")
    assert opened == [str(out)] and dialogs.shown == []
    text = _text(out)
    assert "Automate rollback" in text  # findings stay in both
    for name in ("Sarah Chen", "Zhang Wei"):
        assert (name in text) is not confidential, name


def test_certificate_refusal_when_not_locked_is_explained(qtbot: Any, mini_assessment: Assessment,
                                                          dialogs: Any, opened: list[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _save_as(monkeypatch, None)
    write_certificate_interactive(None, mini_assessment)
    assert dialogs.kinds() == ["error"]
    assert "not locked" in dialogs.shown[0][2]
    assert asked == []
    assert opened == []


def test_certificate_refusal_when_no_level_is_reached(qtbot: Any, mini_assessment: Assessment, dialogs: Any,
                                                      opened: list[str]) -> None:
    mini_assessment.lock()
    write_certificate_interactive(None, mini_assessment)
    assert dialogs.kinds() == ["error"]
    assert "no level is reached" in dialogs.shown[0][2]


def test_certificate_written_for_a_locked_assessment_and_opened(qtbot: Any, mini_assessment: Assessment,
                                                                tmp_path: Path, dialogs: Any, opened: list[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    a = mini_assessment
    for req in a.model.iter_requirements(2):
        a.rate(req.id, Status.MET)
    a.lock()
    offered: list[int] = []

    def options(parent: Any, assessment: Assessment, reached: int) -> CertificateOptions:
        offered.append(reached)
        return CertificateOptions(2, 1)

    monkeypatch.setattr(report_actions, "ask_certificate_options", options)
    _save_as(monkeypatch, tmp_path / "cert.pdf")
    write_certificate_interactive(None, a)
    assert offered == [2]
    assert opened == [str(tmp_path / "cert.pdf")]
    assert dialogs.kinds() == ["info"]
    assert "Verification code: CDS1" in dialogs.shown[0][2]
    from cdassess.reports.certificate import code_from_pdf

    assert verify_code(code_from_pdf(tmp_path / "cert.pdf")).facts["level"] == 2


def test_certificate_dialog_offers_only_reached_levels(qtbot: Any, mini_assessment: Assessment) -> None:
    dialog = CertificateDialog(None, mini_assessment, 2)
    qtbot.addWidget(dialog)
    assert [dialog.level.itemData(i) for i in range(dialog.level.count())] == [1, 2]
    assert dialog.options() == CertificateOptions(2, 3)


def test_radar_svg_renders_in_qtsvg_without_a_black_box(qtbot: Any, demo: Assessment) -> None:
    """The dashboard draws the report's chart with QtSvg: mostly light pixels, some dark ink, Chinese text."""
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    from cdassess.reports.charts import level_radar_svg

    svg = level_radar_svg(demo.model, demo.levels(), 3, "both")
    renderer = QSvgRenderer(QByteArray(svg))
    assert renderer.isValid()
    image = QImage(460, 340, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    dark = sum(1 for x in range(0, 460, 4) for y in range(0, 340, 4) if QColor(image.pixel(x, y)).lightness() < 60)
    total = (460 // 4) * (340 // 4)
    assert 0 < dark < total * 0.2
