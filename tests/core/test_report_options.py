"""Report options saved per assessment (sections, logo, cover text, signature block): stored, audited, checked,
honoured by the PDF and the DOCX, redacted by the confidential profile; check covers the certificate register."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from PIL import Image
from pypdf import PdfReader

from cdassess.errors import InvalidValueError
from cdassess.export_profile import CONFIDENTIAL
from cdassess.model import Model
from cdassess.reportopts import ReportOptions, Signatory, read_logo
from cdassess.services import Assessment


def _png(width: int = 300, height: int = 120, color: tuple[int, int, int] = (10, 90, 170)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def _options(**changes: object) -> ReportOptions:
    base: dict[str, object] = {
        "omitted": ("heatmap", "appendix"), "cover_text": "供管理层评审。\nPrepared for the steering group.",
        "signatures": (Signatory("Wang Fang", "Lead assessor"), Signatory("", "Client sponsor")),
        "logo": read_logo(_png())}
    base.update(changes)
    return ReportOptions(**base)  # type: ignore[arg-type]


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_options_are_saved_audited_checked_and_leave_the_results_digest_alone(demo: Assessment) -> None:
    digest = demo.results_digest()
    assert demo.report_options() == ReportOptions()
    change = demo.set_report_options(_options())
    assert change.changed and change.new.logo is not None and change.new.logo.width == 300
    assert demo.results_digest() == digest
    path = demo.path
    demo.close()
    with Assessment.open(path, readonly=True) as a:
        o = a.report_options()
        assert o.omitted == ("heatmap", "appendix") and o.cover_text.startswith("供管理层评审")
        assert o.signatures == (Signatory("Wang Fang", "Lead assessor"), Signatory("", "Client sponsor"))
        row = [e for e in a.audit_log() if e.action == "report_options"][-1]
        logged = json.loads(row.new or "{}")
        assert logged["logo"]["sha256"] == o.logo.sha256 and "data" not in logged["logo"]  # type: ignore[union-attr]
        assert a.check() == []


def test_options_may_be_set_on_a_locked_assessment_and_the_lock_still_verifies(demo: Assessment) -> None:
    demo.lock()
    demo.set_report_options(_options(cover_text="final"))
    assert demo.report_options().cover_text == "final"
    assert demo.check() == []


@pytest.mark.parametrize(("data", "message"), [
    (b"not an image", "not a readable PNG or JPEG"),
    (b"", "empty"),
    (b"GIF89a" + b"\0" * 20, "not a readable PNG or JPEG"),
    (_png()[:60], "not a readable PNG or JPEG"),  # truncated
    (b"\0" * (1024 * 1024 + 1), "at most 1024 KB"),
])
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        read_logo(data)


def test_a_gif_logo_is_refused_by_name() -> None:
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, format="GIF")
    with pytest.raises(InvalidValueError, match="GIF image"):
        read_logo(out.getvalue())


def test_bad_text_in_the_options_is_refused(demo: Assessment) -> None:
    with pytest.raises(InvalidValueError, match="line break"):
        demo.set_report_options(ReportOptions(signatures=(Signatory("A\nB", ""),)))
    with pytest.raises(InvalidValueError, match="at most 2000"):
        demo.set_report_options(ReportOptions(cover_text="x" * 2001))
    with pytest.raises(InvalidValueError, match="unknown report section"):
        demo.set_report_options(ReportOptions(omitted=("nonsense",)))
    assert demo.report_options() == ReportOptions()


def test_pdf_honours_sections_logo_cover_text_and_signatures(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.reports.gap import write_gap_report

    plain = tmp_path / "plain.pdf"
    write_gap_report(demo, plain, lang="en")
    demo.set_report_options(_options())
    out = tmp_path / "gap.pdf"
    write_gap_report(demo, out, lang="en")
    text = _pdf_text(out)
    assert "Heat map of items by level" in _pdf_text(plain) and "Heat map of items by level" not in text
    assert "Appendix" in _pdf_text(plain) and "Appendix" not in text
    assert "Prepared for the steering group." in text
    assert "Signatures" in text and "Wang Fang" in text and "Lead assessor" in text and "Client sponsor" in text
    cover = PdfReader(str(out)).pages[0]
    assert len(cover.images) == 1  # the logo on the cover
    assert len(PdfReader(str(plain)).pages[0].images) == 0
    # confidential: the signatories' names and the cover text stay out, the roles stay
    conf = tmp_path / "conf.pdf"
    write_gap_report(demo, conf, lang="en", profile=CONFIDENTIAL)
    text = _pdf_text(conf)
    assert "Wang Fang" not in text and "Prepared for the steering group" not in text
    assert "Lead assessor" in text and "names are removed" in text


def test_docx_honours_sections_logo_cover_text_and_signatures(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.reports.docx import write_gap_docx

    demo.set_report_options(_options(omitted=("evidence", "blockers")))
    out = write_gap_docx(demo, tmp_path / "gap.docx", lang="en")
    text = _docx_text(out)
    assert "Evidence index" not in text and "What blocks level" not in text
    assert "Prepared for the steering group." in text and "Wang Fang" in text and "Client sponsor" in text
    doc = Document(str(out))
    assert len(doc.inline_shapes) == 2  # the logo and the radar
    conf = write_gap_docx(demo, tmp_path / "conf.docx", lang="en", profile=CONFIDENTIAL)
    text = _docx_text(conf)
    assert "Wang Fang" not in text and "steering group" not in text and "Lead assessor" in text


def test_every_section_left_out_leaves_the_cover_and_says_so(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.reportopts import SECTIONS
    from cdassess.reports.gap import write_gap_report

    demo.set_report_options(ReportOptions(omitted=SECTIONS))
    out = tmp_path / "bare.pdf"
    assert write_gap_report(demo, out, lang="en") == 2
    assert "Every section is left out" in _pdf_text(out)


def _tamper(path: Path, sql: str, params: tuple[object, ...] = ()) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(("sql", "params", "expected"), [
    ("UPDATE report_options SET cover_text = 'edited'", (), "report_options.cover_text was changed outside"),
    ("UPDATE report_options SET signatures = '[[\"Mallory\",\"Lead\"]]'", (), "report_options.signatures"),
    ("UPDATE report_options SET logo = ?", (_png(color=(200, 0, 0)),), "logo's bytes were changed"),
    ("DELETE FROM report_options", (), "missing from the file"),
])
def test_check_reports_options_changed_outside_cdassess(demo: Assessment, sql: str, params: tuple[object, ...],
                                                        expected: str) -> None:
    demo.set_report_options(_options())
    path = demo.path
    demo.close()
    _tamper(path, sql, params)
    with Assessment.open(path, readonly=True) as a:
        problems = [str(p) for p in a.check()]
    assert any(expected in p for p in problems), problems


def test_check_reports_options_added_without_an_audit_row(demo: Assessment) -> None:
    path = demo.path
    demo.close()
    _tamper(path, "INSERT INTO report_options (id, updated_at, updated_by) VALUES (1, '2026-01-01T00:00:00Z', 'x')")
    with Assessment.open(path, readonly=True) as a:
        assert any("no audit log row" in str(p) for p in a.check())


def _issued(tmp_path: Path, mini_model: Model) -> Path:
    path = tmp_path / "cert.cdassess"
    with Assessment.create(path, organization="Acme", project="Billing", model=mini_model, target_level=2) as a:
        a.lock()
        a.register_certificate(number="CDA-2026-0001", level=1, scope="billing", issued="2026-12-01",
                               valid_until="2029-12-01", digest=a.meta.frozen_digest or "", audit=(3, "ab" * 32),
                               key_id="k1", code="CDA1CODE")
        assert a.check() == []
    return path


@pytest.mark.parametrize(("sql", "expected"), [
    ("UPDATE certificate SET level = 3", "certificate.level was changed outside cdassess"),
    ("UPDATE certificate SET valid_until = '2039-12-01'", "certificate.valid_until"),
    ("UPDATE certificate SET status = 'superseded'", "certificate.status"),
    ("UPDATE certificate SET code = 'CDA1OTHER'", "certificate.code was changed"),
    ("UPDATE certificate SET results = '{}'", "certificate.results was changed"),
    ("UPDATE certificate SET issued_by = 'mallory'", "certificate.issued_by"),
    ("DELETE FROM certificate", "missing from the register"),
    ("INSERT INTO certificate (number, level, issued, valid_until, digest, audit_seq, audit_head, key_id, code, "
     "issued_at, issued_by) VALUES ('CDA-FAKE', 5, '2026-01-01', '2030-01-01', 'd', 1, 'h', 'k', 'c', "
     "'2026-01-01T00:00:00Z', 'x')", "has no audit log row"),
])
def test_check_reports_a_certificate_register_row_changed_outside_cdassess(tmp_path: Path, mini_model: Model,
                                                                           sql: str, expected: str) -> None:
    path = _issued(tmp_path, mini_model)
    _tamper(path, sql)
    with Assessment.open(path, readonly=True) as a:
        problems = [str(p) for p in a.check()]
    assert any(expected in p for p in problems), problems


def test_unlock_supersedes_and_check_stays_quiet(tmp_path: Path, mini_model: Model) -> None:
    path = _issued(tmp_path, mini_model)
    with Assessment.open(path) as a:
        a.unlock("late evidence")
        assert a.check() == []
    _tamper(path, "UPDATE certificate SET superseded_reason = 'nothing happened'")
    with Assessment.open(path, readonly=True) as a:
        assert any("certificate.superseded_reason" in str(p) for p in a.check())


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from cdassess.cli import run; run()", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_report_options_command_shows_and_sets(demo_path: Path, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(_png())
    res = _cli("report", "options", str(demo_path), "--omit", "heatmap", "--logo", str(logo), "--cover-text",
               "Board copy", "--signature", "Wang Fang|Lead assessor", "--signature", "|Sponsor", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["omitted"] == ["heatmap"] and data["cover_text"] == "Board copy"
    assert data["signatures"] == [{"name": "Wang Fang", "role": "Lead assessor"}, {"name": "", "role": "Sponsor"}]
    assert data["logo"]["media_type"] == "image/png" and data["logo"]["width"] == 300
    res = _cli("report", "options", str(demo_path), "--sections", "summary,gaps", "--no-logo")
    assert res.returncode == 0, res.stderr
    assert "sections:   summary, gaps" in res.stdout and "logo:       (none)" in res.stdout
    res = _cli("report", "options", str(demo_path), "--sections", "everything")
    assert res.returncode == 1 and "unknown report section 'everything'" in res.stderr
    assert "Traceback" not in res.stderr
    notes = tmp_path / "notes.png"
    notes.write_text("not really a picture")
    res = _cli("report", "options", str(demo_path), "--logo", str(notes))
    assert res.returncode == 1 and "PNG or JPEG" in res.stderr
    out = tmp_path / "gap.pdf"
    assert _cli("report", "gap", str(demo_path), "-o", str(out), "--lang", "en").returncode == 0
    assert "Heat map" not in _pdf_text(out) and "Board copy" in _pdf_text(out)
