"""A certificate is what was signed: re-rendered and compared; read back from paper; revoked; keys untrusted."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cdassess.model import Model
from cdassess.services import Assessment


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from cdassess.cli import run; run()", *args],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def cert(tmp_path: Path, mini_model: Model) -> Path:
    path = tmp_path / "a.cdassess"
    with Assessment.create(path, organization="云帆数字科技 Yunfan Digital", project="Billing 结算",
                           model=mini_model, target_level=2, assessors=["李明 Li Ming"]) as a:
        for r in mini_model.iter_requirements(2):
            a.rate(r.id, "met")
        a.lock()
        from cdassess.reports.certificate import write_certificate

        write_certificate(a, tmp_path / "cert.pdf")
    return tmp_path / "cert.pdf"


def test_rendering_is_deterministic_and_verify_accepts_the_genuine_pdf(cert: Path, tmp_path: Path) -> None:
    from cdassess.reports.certificate import code_from_pdf
    from cdassess.reports.certverify import compare_with_rendering
    from cdassess.signing import verify_code

    code = code_from_pdf(cert)
    facts = verify_code(code).facts
    from cdassess.reports.certificate import short_code_from_pdf

    assert compare_with_rendering(cert, facts, code, short_code_from_pdf(cert)).identical
    res = _cli("verify", str(cert))
    assert res.returncode == 0, res.stderr
    assert "page is the certificate that was signed" in res.stdout
    assert facts["rule"] == "strict" and facts["render"] == 2


def _overlay(src: Path, dst: Path) -> None:
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.colors import black, white
    from reportlab.pdfgen.canvas import Canvas

    from cdassess.reports.certificate import MM, PAGE_H, PAGE_W

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(PAGE_W, PAGE_H))
    c.setFillColor(white)
    c.rect(30 * MM, 118 * MM, PAGE_W - 60 * MM, 26 * MM, stroke=0, fill=1)
    c.rect(60 * MM, 78 * MM, PAGE_W - 120 * MM, 22 * MM, stroke=0, fill=1)
    c.setFillColor(black)
    c.setFont("Helvetica", 24)
    c.drawCentredString(PAGE_W / 2, 128 * MM, "EVIL CORP Ltd.")
    c.drawCentredString(PAGE_W / 2, 85 * MM, "Level 5")
    c.save()
    writer = PdfWriter(clone_from=str(src))
    writer.pages[0].merge_page(PdfReader(io.BytesIO(buf.getvalue())).pages[0])
    writer.write(str(dst))


def _new_pdf_with_the_genuine_code(src: Path, dst: Path) -> None:
    from pypdf import PdfReader
    from reportlab.lib.colors import white
    from reportlab.pdfgen.canvas import Canvas

    from cdassess.reports.certificate import PAGE_H, PAGE_W, code_from_pdf, short_code_from_pdf
    from cdassess.reports.fonts import register_fonts

    text = "".join(p.extract_text() for p in PdfReader(str(src)).pages)
    c = Canvas(str(dst), pagesize=(PAGE_W, PAGE_H))
    c.setKeywords(f"cdassess-certificate {code_from_pdf(src)} {short_code_from_pdf(src)}")
    c.setFont("Helvetica", 30)
    c.drawCentredString(PAGE_W / 2, PAGE_H / 2, "EVIL CORP Ltd. / Level 5")
    c.setFillColor(white)
    c.setFont(register_fonts(), 1)
    for i, line in enumerate(text.splitlines()):
        c.drawString(10, 10 + i, line)
    c.save()


def test_an_overlay_and_a_new_pdf_with_the_genuine_code_are_not_the_certificate(cert: Path, tmp_path: Path) -> None:
    evil = tmp_path / "overlay.pdf"
    _overlay(cert, evil)
    res = _cli("verify", str(evil))
    assert res.returncode == 1
    assert "not the certificate that was signed" in res.stderr
    assert "organization" in res.stderr and "level" in res.stderr
    assert "QR code" not in res.stderr.split("differ")[0]  # only what was covered is named
    fresh = tmp_path / "fresh.pdf"
    _new_pdf_with_the_genuine_code(cert, fresh)
    res = _cli("verify", str(fresh))
    assert res.returncode == 1 and "not the certificate that was signed" in res.stderr
    assert "VALID" not in res.stdout


@pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript is not installed")
def test_a_ghostscript_resave_is_still_the_certificate(cert: Path, tmp_path: Path) -> None:
    out = tmp_path / "resaved.pdf"
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", f"-sOutputFile={out}", str(cert)],
                   check=True, timeout=120)
    res = _cli("verify", str(out))
    assert res.returncode == 0, res.stderr
    assert "edited" not in res.stdout + res.stderr


def _png(cert: Path, dest: Path, dpi: int) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(cert))
    pdf[0].render(scale=dpi / 72).to_pil().save(dest)
    pdf.close()


def test_a_150_dpi_print_is_verified_from_its_qr_code(cert: Path, tmp_path: Path) -> None:
    png = tmp_path / "scan.png"
    _png(cert, png, 150)
    res = _cli("verify", str(png))
    assert res.returncode == 0, res.stderr
    assert "QR code's signature matches" in res.stdout and "compare these signed facts with the paper" in res.stdout
    assert "云帆数字科技 Yunfan Digital" in res.stdout
    jpg = tmp_path / "photo.jpg"
    from PIL import Image

    Image.open(png).convert("RGB").save(jpg, quality=70)
    scan_pdf = tmp_path / "scan.pdf"
    Image.open(png).convert("RGB").save(scan_pdf, resolution=150)
    for path in (jpg, scan_pdf):
        res = _cli("verify", str(path), "--json")
        assert res.returncode == 0, (path, res.stderr)
        assert json.loads(res.stdout)["facts"]["org"] == "云帆数字科技 Yunfan Digital"


def test_revocation_list_and_untrust(cert: Path, tmp_path: Path) -> None:
    from cdassess.reports.certificate import code_from_pdf
    from cdassess.signing import verify_code

    number = verify_code(code_from_pdf(cert)).facts["no"]
    crl = tmp_path / "crl.json"
    assert _cli("keys", "export-crl", "-o", str(crl)).returncode == 0
    assert _cli("verify", str(cert), "--crl", str(crl)).returncode == 0
    res = _cli("keys", "revoke", number, "--reason", "issued on the wrong scope")
    assert res.returncode == 0, res.stderr
    assert _cli("keys", "export-crl", "-o", str(crl), "--force").returncode == 0
    res = _cli("verify", str(cert), "--crl", str(crl))
    assert res.returncode == 1 and "REVOKED" in res.stderr and "wrong scope" in res.stderr
    data = json.loads(crl.read_text(encoding="utf-8"))
    data["statement"] = data["statement"].replace("wrong scope", "right scope")
    crl.write_text(json.dumps(data), encoding="utf-8")
    res = _cli("verify", str(cert), "--crl", str(crl))
    assert res.returncode == 1 and "signature does not match" in res.stderr
    # a trusted key can be untrusted again, by its fingerprint
    from cdassess.signing import KeyStore

    other = KeyStore(tmp_path / "other")
    bundle = tmp_path / "other.txt"
    bundle.write_text(other.own_public().to_text(), encoding="utf-8")
    assert _cli("keys", "trust", str(bundle), "--name", "Auditor B").returncode == 0
    fp = other.own_public().key_id
    assert fp in _cli("keys", "list").stdout
    res = _cli("keys", "untrust", fp)
    assert res.returncode == 0 and fp not in _cli("keys", "list").stdout
    assert _cli("keys", "untrust", fp).returncode == 1


def test_a_passphrase_protects_the_signing_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cdassess.errors import CdassessError
    from cdassess.signing import KeyStore

    keys = KeyStore(tmp_path / "keys")
    fingerprint = keys.own_public().key_id
    keys.set_passphrase("s3cret")
    assert b"ENCRYPTED" in (tmp_path / "keys" / "private-ed25519.pem").read_bytes()
    monkeypatch.delenv("CDASSESS_KEY_PASSPHRASE", raising=False)
    assert KeyStore(tmp_path / "keys").own_public().key_id == fingerprint  # the public half needs no passphrase
    with pytest.raises(CdassessError, match="protected by a passphrase"):
        KeyStore(tmp_path / "keys").sign(b"x")
    monkeypatch.setenv("CDASSESS_KEY_PASSPHRASE", "wrong")
    with pytest.raises(CdassessError, match="wrong passphrase"):
        KeyStore(tmp_path / "keys").sign(b"x")
    monkeypatch.setenv("CDASSESS_KEY_PASSPHRASE", "s3cret")
    signature = KeyStore(tmp_path / "keys").sign(b"x")
    assert KeyStore(tmp_path / "keys").own_public().verifies(signature, b"x")
