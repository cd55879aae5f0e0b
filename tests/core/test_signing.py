"""Keys and signed codes: creation on first use, export and trust, tampering, foreign keys."""

from __future__ import annotations

import json
import os
import stat
import sys
import zlib
from pathlib import Path

import pytest

from cdassess.cli import main
from cdassess.errors import InvalidValueError
from cdassess.paths import user_data_dir
from cdassess.signing import (
    KeyStore,
    VerificationError,
    canonical_json,
    decode_code,
    encode_code,
    group_code,
    parse_public_key,
    short_code,
    sign_statement,
    verify_code,
)

FACTS = {"type": "cdassess-cert/1", "no": "CDA-2026-TEST", "org": "云帆 <Corp>", "level": 3,
         "assessors": ["李明", "Sarah"], "digest": "ab" * 32}


def test_key_pair_is_created_once_with_a_private_file_only_the_user_can_read(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    first = store.own_public()
    private = tmp_path / "keys" / "private-ed25519.pem"
    assert private.exists()
    if sys.platform != "win32":
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert KeyStore(tmp_path / "keys").own_public() == first
    assert len(first.key_id) == 19


def test_default_key_store_lives_in_the_user_data_dir() -> None:
    KeyStore().own_public()
    assert (user_data_dir() / "keys" / "private-ed25519.pem").exists()


def test_sign_and_verify_round_trip_with_grouped_lowercase_code(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "k")
    signed = sign_statement(FACTS, store)
    assert signed.facts["key"] == store.own_public().key_id
    typed = group_code(signed.code).lower().replace(" ", "-")
    body = typed[4:].replace("o", "0").replace("i", "1").replace("b", "8")  # typed from paper: look-alikes
    result = verify_code(typed[:4] + body, store)
    assert result.facts == signed.facts
    assert result.own_key
    assert result.short == signed.short == short_code(signed.code)


def _tampered(code: str, **changes: object) -> str:
    statement, signature = decode_code(code)
    facts = json.loads(statement)
    facts.update(changes)
    return encode_code(canonical_json(facts), signature)


@pytest.mark.parametrize("change", [{"level": 4}, {"org": "Other Corp"}, {"assessors": ["李明"]},
                                    {"digest": "cd" * 32}, {"no": "CDA-2026-TEST2"}])
def test_any_changed_field_fails_verification(tmp_path: Path, change: dict[str, object]) -> None:
    store = KeyStore(tmp_path / "k")
    signed = sign_statement(FACTS, store)
    with pytest.raises(VerificationError, match="signature does not match"):
        verify_code(_tampered(signed.code, **change), store)


def test_a_mistyped_code_fails(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "k")
    code = sign_statement(FACTS, store).code
    i = len(code) // 2
    flipped = code[:i] + ("A" if code[i] != "A" else "B") + code[i + 1:]
    with pytest.raises(VerificationError):
        verify_code(flipped, store)
    with pytest.raises(VerificationError, match="too short"):
        verify_code(code[:60], store)
    with pytest.raises(VerificationError, match="not a cdassess"):
        verify_code("hello", store)
    with pytest.raises(VerificationError, match="characters"):
        verify_code(code[:-3] + "189", store)


def test_a_statement_from_a_foreign_key_fails_until_it_is_trusted(tmp_path: Path) -> None:
    office, laptop = KeyStore(tmp_path / "office"), KeyStore(tmp_path / "laptop")
    code = sign_statement(FACTS, laptop).code
    with pytest.raises(VerificationError, match="does not trust"):
        verify_code(code, office)
    trusted = office.trust(laptop.own_public().to_text(), name="Li Ming's laptop")
    assert trusted.name == "Li Ming's laptop"
    result = verify_code(code, office)
    assert not result.own_key
    assert result.key.key_id == laptop.own_public().key_id
    # a forged statement that names the trusted key but is signed by another key still fails
    forger = KeyStore(tmp_path / "forger")
    statement = canonical_json({**FACTS, "key": laptop.own_public().key_id})
    with pytest.raises(VerificationError, match="signature does not match"):
        verify_code(encode_code(statement, forger.sign(statement)), office)


def test_public_key_text_and_pem_forms_read_back(tmp_path: Path) -> None:
    key = KeyStore(tmp_path / "k").own_public()
    assert parse_public_key(key.to_text()) == key
    assert parse_public_key(key.to_pem(), name=key.name) == key
    changed = key.to_text().replace(key.key_id, "0000-0000-0000-0000")
    with pytest.raises(InvalidValueError, match="does not match"):
        parse_public_key(changed)
    with pytest.raises(InvalidValueError, match="not a cdassess public key"):
        parse_public_key("ssh-ed25519 AAAA")


def test_decode_refuses_a_decompression_bomb(tmp_path: Path) -> None:
    import base64

    packed = b"\0" * 64 + zlib.compress(b"{" * 10_000_000)
    code = "CDA1" + base64.b32encode(packed).decode().rstrip("=")
    with pytest.raises(VerificationError):
        decode_code(code)


def test_cli_keys_export_trust_list_and_verify_code(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # the "laptop" installation signs; the "office" installation (CDASSESS_HOME) verifies
    laptop = KeyStore(tmp_path / "laptop")
    code = sign_statement(FACTS, laptop).code
    pub = tmp_path / "laptop.pub"
    pub.write_text(laptop.own_public().to_pem(), encoding="utf-8")
    assert main(["verify", "--code", code]) == 1
    assert "does not trust" in capsys.readouterr().err
    assert main(["keys", "trust", str(pub), "--name", "Laptop 7"]) == 0
    assert "Laptop 7" in capsys.readouterr().out
    assert main(["keys", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["trusted"] == [{"key_id": laptop.own_public().key_id, "name": "Laptop 7"}]
    assert main(["verify", "--code", code]) == 0
    out = capsys.readouterr().out
    assert "VALID" in out
    assert "Laptop 7" in out
    assert "云帆 <Corp>" in out
    assert main(["verify", "--code", _tampered(code, level=5)]) == 1
    assert "signature does not match" in capsys.readouterr().err
    export = tmp_path / "office.pub"
    assert main(["keys", "export", "-o", str(export)]) == 0
    assert parse_public_key(export.read_text(encoding="utf-8")) == KeyStore().own_public()
    assert main(["keys", "export", "-o", str(export)]) == 1
    assert main(["keys", "trust", str(export)]) == 0
    assert "own key" in capsys.readouterr().out
    assert os.path.exists(export)


def test_every_other_last_letter_is_rejected(tmp_path: Path) -> None:
    """The last base32 letter carries unused bits: a typo there must not slip through."""
    store = KeyStore(tmp_path / "k")
    code = sign_statement(FACTS, store).code
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567":
        if letter != code[-1]:
            with pytest.raises(VerificationError):
                verify_code(code[:-1] + letter, store)


def test_verifying_on_a_fresh_installation_creates_no_key(tmp_path: Path) -> None:
    from cdassess.signing import KeyStore, VerificationError, sign_statement, verify_code

    issuer, verifier = KeyStore(tmp_path / "issuer"), KeyStore(tmp_path / "verifier")
    signed = sign_statement({"type": "cdassess-cert/1", "no": "X-1"}, issuer)
    with pytest.raises(VerificationError):
        verify_code(signed.code, verifier)
    assert not (tmp_path / "verifier").exists()
