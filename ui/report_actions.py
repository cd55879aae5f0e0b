"""Report actions of the main window: the gap report and the certificate, with progress, then the PDF opened.

Each action is ``(parent, assessment) -> None``. Reports are written on the GUI thread (the open assessment's
SQLite connection belongs to it); the progress callback keeps the window painting and lets the user cancel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QProgressDialog,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cdassess.errors import CdassessError
from cdassess.export_profile import CONFIDENTIAL, FULL, ExportProfile
from cdassess.services import Assessment, safe_filename
from ui import messages
from ui.choices import language_choice, level_choice, ok_cancel


@dataclass(frozen=True)
class GapOptions:
    lang: str
    target: int
    profile: ExportProfile = FULL


class ProfileChoice(QGroupBox):
    """Full (internal) or Confidential: what a report or workbook may carry when it leaves the team.

    Used by the gap report here and by the Excel exports (ui.import_dialog). Full is the default: a redacted
    copy is a deliberate choice, and a confidential workbook cannot be imported back.
    """

    def __init__(self, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Content"))
        layout = QVBoxLayout(self)
        self.full = QRadioButton(self.tr("Full (internal)"))
        self.full.setToolTip(self.tr("Everything: assessors, owners, notes and evidence details."))
        self.confidential = QRadioButton(
            self.tr("Confidential (to share outside: no names, notes or evidence details)"))
        self.confidential.setToolTip(self.tr(
            "Leaves out the assessors and every other named person, the rating notes, the team's comments and "
            "evidence texts, and evidence file names and descriptions. Ratings, levels, gaps and findings stay.\n"
            "A name written inside an observation cannot be recognised and stays: read the observations "
            "before sharing."))
        self.full.setChecked(True)
        layout.addWidget(self.full)
        layout.addWidget(self.confidential)
        self.note: QLabel | None = None
        if note:
            self.note = QLabel(note)
            self.note.setWordWrap(True)
            layout.addWidget(self.note)

    def profile(self) -> ExportProfile:
        return CONFIDENTIAL if self.confidential.isChecked() else FULL


@dataclass(frozen=True)
class CertificateOptions:
    level: int
    valid_years: int


class GapReportDialog(QDialog):
    """Language, target level and content (full or confidential) of the gap report."""

    def __init__(self, parent: QWidget | None, assessment: Assessment) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Gap report"))
        form = QFormLayout(self)
        self.language = language_choice()
        self.target = level_choice(assessment)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Target level"), self.target)
        self.profile_choice = ProfileChoice()
        form.addRow(self.profile_choice)
        buttons = ok_cancel(self)
        form.addRow(buttons)

    def options(self) -> GapOptions:
        return GapOptions(str(self.language.currentData()), int(self.target.currentData()),
                          self.profile_choice.profile())


class CertificateDialog(QDialog):
    """Level to certify (up to the level reached) and validity in years."""

    def __init__(self, parent: QWidget | None, assessment: Assessment, reached: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Certificate"))
        form = QFormLayout(self)
        model = assessment.model
        form.addRow(QLabel(self.tr("Organization: %1").replace("%1", assessment.meta.organization)))
        self.level = QComboBox()
        for lv in model.levels:
            if lv.n <= reached:
                self.level.addItem(f"L{lv.n}  {lv.names.both(' ')}", lv.n)
        self.level.setCurrentIndex(self.level.count() - 1)
        self.years = QSpinBox()
        self.years.setRange(1, 10)
        self.years.setValue(3)
        self.years.setSuffix(self.tr(" years"))
        form.addRow(self.tr("Level"), self.level)
        form.addRow(self.tr("Valid for"), self.years)
        buttons = ok_cancel(self)
        form.addRow(buttons)

    def options(self) -> CertificateOptions:
        return CertificateOptions(int(self.level.currentData()), self.years.value())


def ask_gap_options(parent: QWidget | None, assessment: Assessment) -> GapOptions | None:
    dialog = GapReportDialog(parent, assessment)
    return dialog.options() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_certificate_options(parent: QWidget | None, assessment: Assessment, reached: int) -> CertificateOptions | None:
    dialog = CertificateDialog(parent, assessment, reached)
    return dialog.options() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_pdf_path(parent: QWidget | None, title: str, suggested: str, folder: Path) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, str(folder / suggested),
                                          QCoreApplication.translate("ReportActions", "PDF files (*.pdf)"))
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def open_pdf(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _suggested(assessment: Assessment, kind: str, profile: ExportProfile = FULL) -> str:
    """``<project> - <kind>.pdf``, with a suffix that says so when the content is redacted."""
    if profile.redacts:
        kind += QCoreApplication.translate("ReportActions", "-confidential", "suffix of a suggested file name")
    return safe_filename(f"{assessment.meta.project} - {kind}.pdf", f"{kind}.pdf")


def write_gap_report_interactive(parent: QWidget | None, assessment: Assessment) -> None:
    """Ask for language, target, content and file, write the gap report with a progress dialog, open it."""
    from cdassess.reports.gap import write_gap_report

    options = ask_gap_options(parent, assessment)
    if options is None:
        return
    path = ask_pdf_path(parent, QCoreApplication.translate("ReportActions", "Save the gap report"),
                        _suggested(assessment, QCoreApplication.translate("ReportActions", "gap report",
                                                                          "suggested file name"),
                                   options.profile),
                        assessment.path.parent)
    if path is None:
        return
    progress = QProgressDialog(QCoreApplication.translate("ReportActions", "Writing the gap report…"),
                               QCoreApplication.translate("ReportActions", "Cancel"), 0, 100, parent)
    progress.setWindowTitle(QCoreApplication.translate("ReportActions", "Gap report"))
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    progress.setValue(0)

    def report(done: int, total: int) -> None:
        progress.setValue(int(100 * done / total) if total else 100)
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    try:
        write_gap_report(assessment, path, target=options.target, lang=options.lang, progress=report,
                         cancelled=progress.wasCanceled, profile=options.profile)
    except CdassessError as exc:
        if progress.wasCanceled():
            return
        messages.show_error(parent, QCoreApplication.translate("ReportActions", "Gap report"), exc)
        return
    finally:
        progress.close()
    open_pdf(path)


def _refusal_text(exc: CdassessError, assessment: Assessment) -> str:
    text = str(exc)
    if not assessment.meta.locked:
        return QCoreApplication.translate(
            "ReportActions", "A certificate is issued only for final results, and this assessment is not locked."
            "\n\nReview the ratings, then lock the assessment (File ▸ Lock the assessment) and try again.")
    return text


def write_certificate_interactive(parent: QWidget | None, assessment: Assessment) -> None:
    """Explain a refusal (not locked, level not reached); otherwise ask level and file, write, open."""
    from cdassess.reports.certificate import CertificateRefused, certificate_facts, write_certificate

    try:
        certificate_facts(assessment)
    except CertificateRefused as exc:
        messages.error(parent, QCoreApplication.translate("ReportActions", "No certificate"),
                       _refusal_text(exc, assessment))
        return
    reached = assessment.levels().overall
    options = ask_certificate_options(parent, assessment, reached)
    if options is None:
        return
    path = ask_pdf_path(parent, QCoreApplication.translate("ReportActions", "Save the certificate"),
                        _suggested(assessment, QCoreApplication.translate("ReportActions", "certificate",
                                                                          "suggested file name")),
                        assessment.path.parent)
    if path is None:
        return
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        signed = write_certificate(assessment, path, level=options.level, valid_years=options.valid_years)
    except CertificateRefused as exc:
        messages.error(parent, QCoreApplication.translate("ReportActions", "No certificate"),
                       _refusal_text(exc, assessment))
        return
    except CdassessError as exc:
        messages.show_error(parent, QCoreApplication.translate("ReportActions", "Certificate"), exc)
        return
    finally:
        QApplication.restoreOverrideCursor()
    messages.info(parent, QCoreApplication.translate("ReportActions", "Certificate"),
                  QCoreApplication.translate("ReportActions",
                                             "Certificate %1 written (level %2, valid until %3).\n"
                                             "Verification code: %4")
                  .replace("%1", str(signed.facts["no"])).replace("%2", str(signed.facts["level"]))
                  .replace("%3", str(signed.facts["valid_until"])).replace("%4", signed.short))
    open_pdf(path)
