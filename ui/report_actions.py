"""Report actions of the main window: the gap report and the certificate, with progress, then the PDF opened.

Each action is ``(parent, assessment) -> None``. Reports are written on the GUI thread (the open assessment's
SQLite connection belongs to it); the progress callback keeps the window painting and lets the user cancel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cdassess.errors import CdassessError
from cdassess.export_profile import CONFIDENTIAL, FULL, ExportProfile
from cdassess.reportopts import SECTIONS, SIGNATURES_MAX, Logo, ReportOptions, Signatory, read_logo_file, validated
from cdassess.services import Assessment, safe_filename
from ui import messages
from ui.choices import language_choice, level_choice, ok_cancel


@dataclass(frozen=True)
class GapOptions:
    lang: str
    target: int
    profile: ExportProfile = FULL
    fmt: str = "pdf"  # pdf | docx
    report: ReportOptions | None = None  # report options to save first; None: the saved ones are unchanged


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
    """Language, target level, content (full or confidential) and format of the gap report, and the report
    options saved in the assessment: sections, logo, cover text, signature block."""

    def __init__(self, parent: QWidget | None, assessment: Assessment) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Gap report"))
        self.assessment = assessment
        self.saved = assessment.report_options()
        self.logo: Logo | None = self.saved.logo
        outer = QVBoxLayout(self)
        tabs = QTabWidget()
        self.tabs = tabs
        outer.addWidget(tabs)

        tabs.addTab(self._report_tab(assessment), self.tr("Report"))
        tabs.addTab(self._sections_tab(), self.tr("Sections"))
        tabs.addTab(self._cover_tab(), self.tr("Cover and signatures"))
        if assessment.readonly:
            for w in (self.choose_logo, self.remove_logo, self.cover_text, self.signatures, *self.sig_buttons,
                      *self.sections.values()):
                w.setEnabled(False)
            self.note.setText(self.tr("The assessment is open read-only: the saved options are used as they are."))
        self.set_logo(self.logo)
        outer.addWidget(ok_cancel(self))
        self.setMinimumWidth(620)

    def _report_tab(self, assessment: Assessment) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.language = language_choice()
        self.target = level_choice(assessment)
        self.format = QComboBox()
        self.format.addItem(self.tr("PDF (A4)"), "pdf")
        self.format.addItem(self.tr("Word document (.docx, editable)"), "docx")
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Target level"), self.target)
        form.addRow(self.tr("Format"), self.format)
        self.profile_choice = ProfileChoice()
        form.addRow(self.profile_choice)

        return page

    def _sections_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        intro = QLabel(self.tr("The cover is always printed."))
        intro.setWordWrap(True)
        box.addWidget(intro)
        titles = {
            "summary": self.tr("Summary: levels, radar chart, domains"),
            "heatmap": self.tr("Heat map of items by level"),
            "gaps": self.tr("Gaps to the target, and other findings"),
            "not_applicable": self.tr("Requirements not applicable, with justifications"),
            "blockers": self.tr("What blocks the next level"),
            "disagreements": self.tr("Where the claim and the rating disagree"),
            "evidence": self.tr("Evidence index"),
            "appendix": self.tr("Appendix: level rules, levels, rating scale, provenance"),
            "signatures": self.tr("Signature block (the lines on the next tab)"),
        }
        self.sections: dict[str, QCheckBox] = {}
        for key in SECTIONS:
            check = QCheckBox(titles[key])
            check.setChecked(self.saved.includes(key))
            self.sections[key] = check
            box.addWidget(check)
        box.addStretch(1)

        return page

    def _cover_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        logo_row = QHBoxLayout()
        self.logo_preview = QLabel()
        self.logo_preview.setFixedSize(180, 72)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setFrameShape(QFrame.Shape.StyledPanel)
        logo_row.addWidget(self.logo_preview)
        buttons_col = QVBoxLayout()
        self.choose_logo = QPushButton(self.tr("Choose…"))
        self.choose_logo.clicked.connect(self._pick_logo)
        self.remove_logo = QPushButton(self.tr("Remove"))
        self.remove_logo.clicked.connect(self._clear_logo)
        buttons_col.addWidget(self.choose_logo)
        buttons_col.addWidget(self.remove_logo)
        buttons_col.addStretch(1)
        logo_row.addLayout(buttons_col)
        logo_row.addStretch(1)
        form.addRow(self.tr("Logo"), logo_row)
        self.cover_text = QPlainTextEdit(self.saved.cover_text)
        self.cover_text.setPlaceholderText(self.tr("Printed on the cover under the status box"))
        self.cover_text.setFixedHeight(72)
        form.addRow(self.tr("Cover text"), self.cover_text)
        self.signatures = QTableWidget(0, 2)
        self.signatures.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Role")])
        self.signatures.horizontalHeader().setStretchLastSection(True)
        self.signatures.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.signatures.verticalHeader().setVisible(False)
        self.signatures.setMinimumHeight(110)
        for sig in self.saved.signatures:
            self.add_signature(sig.name, sig.role)
        sig_buttons = QHBoxLayout()
        add = QPushButton(self.tr("Add a line"))
        add.clicked.connect(self._add_line)
        remove = QPushButton(self.tr("Remove the line"))
        remove.clicked.connect(self._remove_signature)
        sig_buttons.addWidget(add)
        sig_buttons.addWidget(remove)
        sig_buttons.addStretch(1)
        sig_box = QVBoxLayout()
        sig_box.addWidget(self.signatures)
        sig_box.addLayout(sig_buttons)
        form.addRow(self.tr("Signatures"), sig_box)
        note = QLabel(self.tr("Saved in the assessment file for its next reports. A confidential report prints "
                              "the roles without the names and leaves the cover text out."))
        self.note = note
        note.setWordWrap(True)
        form.addRow(note)
        self.sig_buttons = (add, remove)
        return page

    # ------------------------------------------------------------------------------------ logo, signatures

    def set_logo(self, logo: Logo | None) -> None:
        self.logo = logo
        self.remove_logo.setEnabled(logo is not None and not self.assessment.readonly)
        if logo is None:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(self.tr("(no logo)"))
            return
        pixmap = QPixmap()
        pixmap.loadFromData(logo.data)
        self.logo_preview.setPixmap(pixmap.scaled(self.logo_preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                  Qt.TransformationMode.SmoothTransformation))

    # bound methods, not lambdas: a lambda holding self keeps the dialog alive in a reference cycle until a
    # garbage collection, possibly after the QApplication is gone (a crash at exit)
    def _clear_logo(self) -> None:
        self.set_logo(None)

    def _add_line(self) -> None:
        self.add_signature("", "")

    def set_logo_file(self, path: str | Path) -> bool:
        """Read and check an image file as the logo; an error is shown and the logo kept when it is not one."""
        try:
            self.set_logo(read_logo_file(path))
        except CdassessError as exc:
            messages.show_error(self, self.tr("Logo"), exc)
            return False
        return True

    def _pick_logo(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the organization's logo"),
                                              str(self.assessment.path.parent),
                                              self.tr("Images (*.png *.jpg *.jpeg)"))
        if name:
            self.set_logo_file(name)

    def add_signature(self, name: str, role: str) -> None:
        if self.signatures.rowCount() >= SIGNATURES_MAX:
            return
        row = self.signatures.rowCount()
        self.signatures.insertRow(row)
        self.signatures.setItem(row, 0, QTableWidgetItem(name))
        self.signatures.setItem(row, 1, QTableWidgetItem(role))

    def _remove_signature(self) -> None:
        row = self.signatures.currentRow()
        if row < 0:
            row = self.signatures.rowCount() - 1
        if row >= 0:
            self.signatures.removeRow(row)

    # ------------------------------------------------------------------------------------ results

    def report_options(self) -> ReportOptions:
        """The report options as the dialog shows them (not yet validated)."""
        sigs = []
        for row in range(self.signatures.rowCount()):
            cells = [self.signatures.item(row, c) for c in (0, 1)]
            sigs.append(Signatory(*(c.text() if c is not None else "" for c in cells)))
        return ReportOptions(omitted=tuple(k for k, c in self.sections.items() if not c.isChecked()),
                             cover_text=self.cover_text.toPlainText(), signatures=tuple(sigs), logo=self.logo)

    def accept(self) -> None:
        try:
            validated(self.report_options())
        except CdassessError as exc:
            messages.show_error(self, self.tr("Report options"), exc)
            return
        super().accept()

    def options(self) -> GapOptions:
        report: ReportOptions | None = None
        if not self.assessment.readonly:
            wanted = validated(self.report_options())
            report = None if wanted == validated(self.saved) else wanted
        return GapOptions(str(self.language.currentData()), int(self.target.currentData()),
                          self.profile_choice.profile(), str(self.format.currentData()), report)


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


def ask_save_path(parent: QWidget | None, title: str, suggested: str, folder: Path, file_filter: str,
                  suffix: str) -> Path | None:
    """A save dialog; the name gets ``suffix`` (".pdf", ".docx", ".xlsx") when the user left it out."""
    name, _ = QFileDialog.getSaveFileName(parent, title, str(folder / suggested), file_filter)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def ask_pdf_path(parent: QWidget | None, title: str, suggested: str, folder: Path) -> Path | None:
    return ask_save_path(parent, title, suggested, folder,
                         QCoreApplication.translate("ReportActions", "PDF files (*.pdf)"), ".pdf")


def ask_docx_path(parent: QWidget | None, title: str, suggested: str, folder: Path) -> Path | None:
    return ask_save_path(parent, title, suggested, folder,
                         QCoreApplication.translate("ReportActions", "Word documents (*.docx)"), ".docx")


def open_pdf(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _suggested(assessment: Assessment, kind: str, profile: ExportProfile = FULL) -> str:
    """``<project> - <kind>.pdf``, with a suffix that says so when the content is redacted."""
    if profile.redacts:
        kind += QCoreApplication.translate("ReportActions", "-confidential", "suffix of a suggested file name")
    return safe_filename(f"{assessment.meta.project} - {kind}.pdf", f"{kind}.pdf")


def write_gap_report_interactive(parent: QWidget | None, assessment: Assessment) -> None:
    """Ask for language, target, content, format and the report options; save the options in the assessment
    when they changed; ask for the file, write the gap report (PDF with a progress dialog, or DOCX), open it."""
    from cdassess.reports.gap import write_gap_report

    options = ask_gap_options(parent, assessment)
    if options is None:
        return
    title = QCoreApplication.translate("ReportActions", "Gap report")
    if options.report is not None:
        try:
            assessment.set_report_options(options.report)
        except CdassessError as exc:
            messages.show_error(parent, title, exc)
            return
    suggested = _suggested(assessment, QCoreApplication.translate("ReportActions", "gap report",
                                                                  "suggested file name"), options.profile)
    save_title = QCoreApplication.translate("ReportActions", "Save the gap report")
    if options.fmt == "docx":
        path = ask_docx_path(parent, save_title, suggested[:-4] + ".docx", assessment.path.parent)
        if path is not None:
            _write_docx(parent, assessment, path, options, title)
        return
    path = ask_pdf_path(parent, save_title, suggested, assessment.path.parent)
    if path is None:
        return
    progress = QProgressDialog(QCoreApplication.translate("ReportActions", "Writing the gap report…"),
                               QCoreApplication.translate("ReportActions", "Cancel"), 0, 100, parent)
    progress.setWindowTitle(title)
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
        messages.show_error(parent, title, exc)
        return
    finally:
        progress.close()
    open_pdf(path)


def _write_docx(parent: QWidget | None, assessment: Assessment, path: Path, options: GapOptions, title: str) -> None:
    from cdassess.reports.docx import write_gap_docx

    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        write_gap_docx(assessment, path, target=options.target, lang=options.lang, profile=options.profile)
    except CdassessError as exc:
        messages.show_error(parent, title, exc)
        return
    finally:
        QApplication.restoreOverrideCursor()
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
