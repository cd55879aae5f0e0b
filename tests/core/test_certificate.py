"""The certificate: refusals, content parsed back, the code in the PDF, offline verification."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from cdassess.cli import main
from cdassess.reports.certificate import (
    CertificateRefused,
    certificate_facts,
    check_printed_facts,
    code_from_pdf,
    short_code_from_pdf,
    short_matches,
    verify_short_code,
    write_certificate,
)
from cdassess.scoring import Status
from cdassess.services import Assessment
from cdassess.signing import KeyStore, VerificationError, canonical_json, decode_code, encode_code, verify_code
from tests.core.test_report_gap import assert_fonts_embedded, flat, pdf_text


@pytest.fixture
def level2(mini_assessment: Assessment) -> Assessment:
    """The mini assessment at overall level 2, locked."""
    a = mini_assessment
    a.update_details(organization="示例科技 Example & Co <Ltd>", assessors=["李明 Li Ming", "Sarah Chen"])
    for req in a.model.iter_requirements(2):
        a.rate(req.id, Status.MET)
    a.lock()
    return a


def test_refused_when_not_locked(mini_assessment: Assessment, tmp_path: Path) -> None:
    for req in mini_assessment.model.iter_requirements(2):
        mini_assessment.rate(req.id, Status.MET)
    with pytest.raises(CertificateRefused, match="not locked"):
        write_certificate(mini_assessment, tmp_path / "c.pdf")
    assert not (tmp_path / "c.pdf").exists()


def test_refused_when_the_level_is_not_reached(level2: Assessment, tmp_path: Path) -> None:
    with pytest.raises(CertificateRefused, match="level 3 is not reached; the overall level is 2"):
        write_certificate(level2, tmp_path / "c.pdf", level=3)
    assert not (tmp_path / "c.pdf").exists()


def test_refused_when_no_level_is_reached(mini_assessment: Assessment, tmp_path: Path) -> None:
    mini_assessment.lock()
    with pytest.raises(CertificateRefused, match="no level is reached"):
        write_certificate(mini_assessment, tmp_path / "c.pdf")


def test_certificate_states_the_facts_and_carries_a_verifiable_code(level2: Assessment, tmp_path: Path) -> None:
    out = tmp_path / "cert.pdf"
    signed = write_certificate(level2, out, issued=date(2026, 11, 27), valid_years=2)
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    text = pdf_text(out)
    ftext = flat(text)
    assert flat("示例科技 Example & Co <Ltd>") in ftext
    assert "能力成熟度评估证书" in ftext
    assert "Level2" in ftext
    assert "2026-11-27" in ftext
    assert "2028-11-26" in ftext
    assert signed.facts["no"] in ftext
    assert "李明LiMing,SarahChen" in ftext
    assert signed.short in ftext
    assert level2.meta.frozen_digest in ftext
    assert_fonts_embedded(out)
    code = code_from_pdf(out)
    assert code == signed.code
    assert signed.code in str(reader.metadata.get("/Keywords"))
    result = verify_code(code)
    assert result.facts["level"] == 2
    assert result.facts["digest"] == level2.meta.frozen_digest == level2.results_digest()
    assert result.facts["org"] == "示例科技 Example & Co <Ltd>"
    assert check_printed_facts(out, result.facts) == ""
    assert "organization differs" in check_printed_facts(out, {**result.facts, "org": "Someone else"})


def test_same_facts_give_the_same_certificate_number(level2: Assessment) -> None:
    a = certificate_facts(level2, issued=date(2026, 1, 2))
    b = certificate_facts(level2, issued=date(2026, 1, 2))
    c = certificate_facts(level2, issued=date(2026, 1, 3))
    assert a.number == b.number != c.number
    assert re.fullmatch(r"CDA-2026-[A-Z2-7]{8}", a.number)


def test_a_lower_level_can_be_certified(level2: Assessment, tmp_path: Path) -> None:
    signed = write_certificate(level2, tmp_path / "c1.pdf", level=1)
    assert signed.facts["level"] == 1
    assert "Level1" in flat(pdf_text(tmp_path / "c1.pdf"))


def _swap_code(pdf: Path, new_code: str, dest: Path) -> None:
    raw = pdf.read_bytes()
    old = code_from_pdf(pdf).encode("ascii")
    dest.write_bytes(raw.replace(old, new_code.encode("ascii")))


def test_verify_cli_accepts_the_certificate_and_rejects_a_tampered_one(
        level2: Assessment, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cert.pdf"
    assert main(["report", "certificate", str(level2.path), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["verify", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert "VALID" in stdout
    assert "示例科技 Example & Co <Ltd>" in stdout
    statement, signature = decode_code(code_from_pdf(out))
    forged = statement.replace(b'"level":2', b'"level":3')
    assert forged != statement
    bad = tmp_path / "bad.pdf"
    _swap_code(out, encode_code(forged, signature), bad)
    assert main(["verify", str(bad)]) == 1
    assert "signature does not match" in capsys.readouterr().err


def test_a_certificate_from_another_installation_needs_its_key(level2: Assessment, tmp_path: Path) -> None:
    laptop = KeyStore(tmp_path / "laptop")
    out = tmp_path / "cert.pdf"
    write_certificate(level2, out, keys=laptop)
    with pytest.raises(VerificationError, match="does not trust"):
        verify_code(code_from_pdf(out))
    KeyStore().trust(laptop.own_public().to_text())
    assert verify_code(code_from_pdf(out)).key.key_id == laptop.own_public().key_id
    # re-signing the same statement with a different key does not pass as the trusted one
    statement, _ = decode_code(code_from_pdf(out))
    other = KeyStore(tmp_path / "other")
    with pytest.raises(VerificationError):
        verify_code(encode_code(statement, other.sign(canonical_json(json.loads(statement)))))


def test_cli_certificate_refusal_is_one_clear_line(mini_assessment: Assessment, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = str(mini_assessment.path)
    mini_assessment.close()
    assert main(["report", "certificate", path, "-o", str(tmp_path / "c.pdf")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cdassess: error:")
    assert "not locked" in err
    assert main(["verify", str(tmp_path / "nothing.pdf")]) == 1


def test_short_code_is_signed_and_belongs_to_its_certificate(level2: Assessment, tmp_path: Path) -> None:
    a = write_certificate(level2, tmp_path / "a.pdf", issued=date(2026, 11, 27), valid_years=3)
    b = write_certificate(level2, tmp_path / "b.pdf", level=1, issued=date(2026, 11, 27))
    assert short_code_from_pdf(tmp_path / "a.pdf") == a.short
    assert len(a.short) == 150
    sv = verify_short_code(" ".join(a.short[i:i + 5] for i in range(0, len(a.short), 5)).lower())
    assert (sv.number, sv.level, sv.issued, sv.valid_until) == (a.facts["no"], 2, "2026-11-27", "2029-11-26")
    assert a.facts["digest"].startswith(sv.digest_prefix)
    assert short_matches(sv, a.facts, a.code) == ""
    assert "level" in short_matches(sv, b.facts, b.code)
    # one changed letter anywhere breaks the signature
    i = 60
    typo = a.short[:i] + ("A" if a.short[i] != "A" else "B") + a.short[i + 1:]
    with pytest.raises(VerificationError):
        verify_short_code(typo)
    with pytest.raises(VerificationError, match="missing or extra"):
        verify_short_code(a.short[:-5])


def test_verify_cli_short_code_and_a_pdf_with_a_swapped_short_code(
        level2: Assessment, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = write_certificate(level2, tmp_path / "one.pdf", level=2)
    two = write_certificate(level2, tmp_path / "two.pdf", level=1)
    assert main(["verify", "--code", one.short]) == 0
    out = capsys.readouterr().out
    assert "VALID" in out
    assert one.facts["no"] in out
    assert main(["verify", "--code", two.short[:-1] + ("A" if two.short[-1] != "A" else "B")]) == 1
    capsys.readouterr()
    raw = (tmp_path / "one.pdf").read_bytes().replace(one.short.encode(), two.short.encode())
    (tmp_path / "mixed.pdf").write_bytes(raw)
    assert main(["verify", str(tmp_path / "mixed.pdf")]) == 1
    assert "does not belong" in capsys.readouterr().err


def test_every_other_last_letter_of_the_short_code_is_rejected(level2: Assessment, tmp_path: Path) -> None:
    short = write_certificate(level2, tmp_path / "c.pdf").short
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567":
        if letter != short[-1]:
            with pytest.raises(VerificationError):
                verify_short_code(short[:-1] + letter)
