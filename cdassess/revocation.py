"""Revoking certificates: this installation's list of revoked certificate numbers, exported as a signed file.

``keys revoke NUMBER --reason T`` adds a number (kept in the key folder, beside the key that signed it);
``keys export-crl -o crl.json`` writes the list signed with the installation's key; ``verify --crl crl.json``
accepts the list only when its signature is by the own key or a trusted one, and fails a revoked certificate.
"""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path
from typing import Any

from cdassess.errors import CdassessError, InvalidValueError
from cdassess.signing import KeyStore, PublicKey, VerificationError, canonical_json

CRL_TYPE = "cdassess-crl/1"
LOCAL_FILE = "revoked.json"


def _local(store: KeyStore) -> list[dict[str, str]]:
    path = store.root / LOCAL_FILE
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CdassessError(f"{path}: the revocation list cannot be read ({exc})") from None
    return [dict(x) for x in data if isinstance(x, dict)] if isinstance(data, list) else []


def revoke(number: str, reason: str, store: KeyStore | None = None, *, on: date | None = None) -> dict[str, str]:
    """Add a certificate number to the installation's revocation list (again: the reason is updated)."""
    import re

    keys = store or KeyStore()
    number = number.strip().upper()
    if not re.fullmatch(r"CDA-\d{4}-[A-Z2-7]{8}", number):
        raise InvalidValueError(f"{number!r} is not a certificate number (they read like CDA-2026-ABCDEFGH)")
    if not reason.strip():
        raise InvalidValueError("a revocation needs a reason (it is printed when the certificate is verified)")
    entries = [e for e in _local(keys) if e.get("no") != number]
    entry = {"no": number, "reason": " ".join(reason.split()), "revoked": (on or date.today()).isoformat()}
    entries.append(entry)
    keys.root.mkdir(parents=True, exist_ok=True)
    (keys.root / LOCAL_FILE).write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
    return entry


def export_crl(store: KeyStore | None = None) -> str:
    """The signed revocation list as JSON text."""
    keys = store or KeyStore()
    own = keys.own_public()
    statement = canonical_json({"type": CRL_TYPE, "key": own.key_id, "issued": date.today().isoformat(),
                                "revoked": sorted(_local(keys), key=lambda e: e["no"])})
    return json.dumps({"statement": statement.decode("utf-8"),
                       "signature": base64.b64encode(keys.sign(statement)).decode("ascii"),
                       "public_key": base64.b64encode(own.raw).decode("ascii")}, ensure_ascii=False, indent=1) + "\n"


def read_crl(path: Path, store: KeyStore | None = None) -> dict[str, dict[str, Any]]:
    """A signed revocation list: certificate number -> entry. Refused unless signed by a key trusted here."""
    keys = store or KeyStore()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        statement_text = str(data["statement"])
        signature = base64.b64decode(str(data["signature"]), validate=True)
        raw = base64.b64decode(str(data["public_key"]), validate=True)
        statement = json.loads(statement_text)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CdassessError(f"{path}: not a cdassess revocation list ({exc})") from None
    key = PublicKey(raw)
    if not isinstance(statement, dict) or statement.get("type") != CRL_TYPE:
        raise CdassessError(f"{path}: not a cdassess revocation list")
    if not key.verifies(signature, statement_text.encode("utf-8")):
        raise VerificationError(f"{path}: the revocation list's signature does not match (it was changed)")
    if key.key_id not in keys.verifiers():
        raise VerificationError(f"{path}: the revocation list is signed by key {key.key_id}, which this "
                                "installation does not trust ('cdassess keys trust FILE' imports it)")
    return {str(e.get("no")): dict(e) for e in statement.get("revoked", []) if isinstance(e, dict)}
