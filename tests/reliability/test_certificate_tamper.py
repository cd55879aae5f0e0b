"""Certificate tampering, cross-checked from outside the reports code: every signed field, changed in the
code, breaks the signature; every printed field that differs from the signed statement is named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdassess.model import Model
from cdassess.scoring import Status
from cdassess.services import Assessment

STATEMENT_FIELDS = ["type", "no", "org", "project", "scope", "model", "level", "issued", "valid_until",
                    "assessors", "digest", "key"]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory, mini_model: Model) -> tuple[Path, dict[str, Any], Any]:
    """One certificate for the module, signed with its own key store (the per-test home changes)."""
    from cdassess.reports.certificate import write_certificate
    from cdassess.signing import KeyStore

    tmp = tmp_path_factory.mktemp("certificate")
    keys = KeyStore(tmp / "keys")
    a = Assessment.create(tmp / "cert.cdassess", organization="Acme Widgets", project="Billing",
                          model=mini_model, target_level=2, scope="All services", assessors=["Ann Lee", "Bo Wu"])
    with a:
        for req in mini_model.iter_requirements(2):
            a.rate(req.id, Status.MET)
        a.lock()
        signed = write_certificate(a, tmp / "cert.pdf", keys=keys)
    return tmp / "cert.pdf", dict(signed.facts), keys


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, list):
        return [*value, "Mallory"] if all(isinstance(v, str) for v in value) else [*list(reversed(value)), "x"]
    text = str(value)
    return text[:-1] + ("0" if text[-1:] != "0" else "1")


@pytest.mark.parametrize("field", STATEMENT_FIELDS)
def test_every_signed_field_changed_in_the_code_breaks_the_signature(certificate: tuple[Path, dict[str, Any], Any],
                                                                     field: str) -> None:
    from cdassess.reports.certificate import code_from_pdf
    from cdassess.signing import VerificationError, canonical_json, decode_code, encode_code, verify_code

    pdf, facts, keys = certificate
    statement, signature = decode_code(code_from_pdf(pdf))
    assert verify_code(code_from_pdf(pdf), keys).facts == facts
    forged = json.loads(statement)
    assert field in forged
    forged[field] = _changed(forged[field])
    with pytest.raises(VerificationError, match=r"signature does not match|does not trust"):
        verify_code(encode_code(canonical_json(forged), signature), keys)


@pytest.mark.parametrize(("field", "name"), [("no", "certificate number"), ("org", "organization"),
                                             ("project", "project"), ("level", "level"), ("issued", "issue date"),
                                             ("valid_until", "validity")])
def test_printed_field_that_differs_from_the_statement_is_named(certificate: tuple[Path, dict[str, Any], Any],
                                                                field: str, name: str) -> None:
    """A PDF whose visible text was edited while the signed code was left alone: compared field by field."""
    from cdassess.reports.certificate import check_printed_facts

    pdf, facts, _keys = certificate
    assert check_printed_facts(pdf, facts) == ""
    other = {**facts, field: _changed(facts[field])}
    assert check_printed_facts(pdf, other) == f"{name} differs"


@pytest.mark.parametrize("field", ["scope", "assessors", "model", "digest"])
def test_printed_unchecked_fields_are_compared_too(certificate: tuple[Path, dict[str, Any], Any], field: str) -> None:
    from cdassess.reports.certificate import check_printed_facts

    pdf, facts, _keys = certificate
    assert check_printed_facts(pdf, {**facts, field: _changed(facts[field])}) != ""


def test_verify_command_names_the_printed_field(certificate: tuple[Path, dict[str, Any], Any], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """End to end: a certificate re-issued by an attacker with another organization but the old code."""
    from cdassess.cli import main
    from cdassess.reports.certificate import CertificateFacts, code_from_pdf, render_certificate
    from cdassess.signing import KeyStore, SignedStatement

    pdf, facts, keys = certificate
    KeyStore().trust(keys.own_public().to_text(), name="the assessor's laptop")
    assert main(["verify", str(pdf)]) == 0
    capsys.readouterr()
    code = code_from_pdf(pdf)
    forged = CertificateFacts(number=facts["no"], organization="Evil Corp", project=facts["project"],
                              scope=facts["scope"], model_id=facts["model"][0], model_version=facts["model"][1],
                              level=facts["level"], issued=facts["issued"], valid_until=facts["valid_until"],
                              assessors=tuple(facts["assessors"]), digest=facts["digest"])
    fake = tmp_path / "forged.pdf"
    render_certificate(forged, SignedStatement(facts, code), fake)
    assert main(["verify", str(fake)]) == 1
    err = capsys.readouterr().err
    # the page is compared with the certificate the signed statement renders to, region by region
    assert "not the certificate that was signed" in err and "organization" in err
