"""Signed statements for certificates: an Ed25519 key pair per installation, trusted keys, codes.

- The installation's key pair is created on first use in ``user_data_dir()/keys`` (private key file mode
  0600). ``export_public()`` gives the public key as text that another installation can ``trust()``.
- A statement is a dictionary of facts, signed as canonical JSON (sorted keys, no spaces, UTF-8).
- A code carries the statement and its signature: ``CDA1`` + base32 of (signature + zlib(statement)).
  Base32 survives typing (no case, no look-alike 0/O 1/I in the alphabet); hyphens and spaces are ignored.
- Verification accepts a signature by the own key or a trusted key; anything else fails.
"""

from __future__ import annotations

import base64
import contextlib
import getpass
import hashlib
import json
import os
import platform
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdassess.errors import CdassessError, InvalidValueError
from cdassess.paths import user_data_dir

CODE_PREFIX = "CDA1"
PUBLIC_KEY_HEADER = "cdassess-public-key/1"
PRIVATE_FILE = "private-ed25519.pem"
PUBLIC_FILE = "public-ed25519.txt"
TRUSTED_DIR = "trusted"
_SIG_LEN = 64
_MAX_STATEMENT = 64 * 1024


class VerificationError(CdassessError):
    """A code or certificate did not verify: damaged, changed, or signed by a key that is not trusted."""


def canonical_json(facts: dict[str, Any]) -> bytes:
    """The exact bytes that are signed: sorted keys, no white space, UTF-8."""
    return json.dumps(facts, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def key_id_of(raw: bytes) -> str:
    """A short fingerprint of a raw public key: 16 hex digits of its SHA-256 in groups of four."""
    h = hashlib.sha256(raw).hexdigest()[:16].upper()
    return "-".join(h[i:i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key with its fingerprint and a human name (who or which laptop)."""

    raw: bytes
    name: str = ""

    @property
    def key_id(self) -> str:
        return key_id_of(self.raw)

    def to_text(self) -> str:
        """The compact export form (what ``keys export`` writes and ``keys trust`` reads)."""
        b64 = base64.urlsafe_b64encode(self.raw).decode("ascii").rstrip("=")
        name = " ".join(self.name.split())
        return f"{PUBLIC_KEY_HEADER}\nkey-id: {self.key_id}\nname: {name}\ned25519: {b64}\n"

    def to_pem(self) -> str:
        from cryptography.hazmat.primitives import serialization

        pem: bytes = self._key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo)
        return pem.decode("ascii")

    def _key(self) -> Any:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        return Ed25519PublicKey.from_public_bytes(self.raw)

    def verifies(self, signature: bytes, data: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature

        try:
            self._key().verify(signature, data)
        except InvalidSignature:
            return False
        return True


def parse_public_key(text: str, *, name: str = "", source: str = "public key") -> PublicKey:
    """Read a public key from the compact export form or from a PEM ``PUBLIC KEY`` block."""
    stripped = text.strip()
    if stripped.startswith("-----BEGIN PUBLIC KEY-----"):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            key = serialization.load_pem_public_key(stripped.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise InvalidValueError(f"{source}: not a readable PEM public key") from None
        if not isinstance(key, Ed25519PublicKey):
            raise InvalidValueError(f"{source}: not an Ed25519 key (cdassess signs with Ed25519)")
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return PublicKey(raw, name)
    fields: dict[str, str] = {}
    lines = stripped.splitlines()
    if not lines or lines[0].strip() != PUBLIC_KEY_HEADER:
        raise InvalidValueError(f"{source}: not a cdassess public key (expected a file written by "
                                f"'cdassess keys export', starting with {PUBLIC_KEY_HEADER!r}, or a PEM key)")
    for line in lines[1:]:
        key_name, sep, value = line.partition(":")
        if sep:
            fields[key_name.strip().lower()] = value.strip()
    b64 = fields.get("ed25519", "")
    try:
        raw = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise InvalidValueError(f"{source}: the ed25519 line does not hold a 32-byte key")
    public = PublicKey(raw, name or fields.get("name", ""))
    if fields.get("key-id") and fields["key-id"].upper() != public.key_id:
        raise InvalidValueError(f"{source}: key-id {fields['key-id']} does not match the key ({public.key_id}); "
                                "the file was changed")
    return public


def default_key_name() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    return f"{user}@{platform.node() or 'localhost'}"


PASSPHRASE_ENV = "CDASSESS_KEY_PASSPHRASE"


def _passphrase(pem: bytes, path: Path) -> bytes | None:
    """The passphrase of an encrypted key: $CDASSESS_KEY_PASSPHRASE, else asked on the terminal."""
    if b"ENCRYPTED" not in pem:
        return None
    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        return given.encode("utf-8")
    import sys

    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"passphrase of the signing key {path}: ").encode("utf-8")
    return None


class KeyStore:
    """The installation's own key pair and the keys it trusts, in a folder (default ``user_data_dir()/keys``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else user_data_dir() / "keys"

    # -------------------------------------------------------------------------------- own key pair

    def _ensure_root(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):  # file systems without modes
            os.chmod(self.root, 0o700)

    def _private(self) -> Any:
        """The private key, created (mode 0600) on first use."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        path = self.root / PRIVATE_FILE
        if not path.exists():
            self._ensure_root()
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process created it first: use theirs
                return self._private()
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
            public = PublicKey(key.public_key().public_bytes(serialization.Encoding.Raw,
                                                             serialization.PublicFormat.Raw), default_key_name())
            (self.root / PUBLIC_FILE).write_text(public.to_text(), encoding="utf-8")
            return key
        data = b""
        try:
            data = path.read_bytes()
            loaded = serialization.load_pem_private_key(data, password=_passphrase(data, path))
        except TypeError:  # encrypted, and no passphrase was given
            raise CdassessError(f"{path}: the signing key is protected by a passphrase; set {PASSPHRASE_ENV} or "
                                "run the command in a terminal to be asked for it") from None
        except ValueError as exc:
            if b"ENCRYPTED" in data:
                raise CdassessError(f"{path}: wrong passphrase for the signing key") from None
            raise CdassessError(f"{path}: the signing key cannot be read ({exc}); restore it from a backup, "
                                "or move it away to create a new key") from None
        except OSError as exc:
            raise CdassessError(f"{path}: the signing key cannot be read ({exc}); restore it from a backup, "
                                "or move it away to create a new key") from None
        if not isinstance(loaded, Ed25519PrivateKey):
            raise CdassessError(f"{path}: not an Ed25519 private key")
        return loaded

    def set_passphrase(self, passphrase: str) -> None:
        """Protect the private key with a passphrase ("" removes it); asked for (or read from
        $CDASSESS_KEY_PASSPHRASE) whenever the key signs."""
        from cryptography.hazmat.primitives import serialization

        key = self._private()
        enc: Any = serialization.BestAvailableEncryption(passphrase.encode("utf-8")) if passphrase else \
            serialization.NoEncryption()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)
        path = self.root / PRIVATE_FILE
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        os.replace(tmp, path)

    def own_public(self) -> PublicKey:
        """The installation's public key (the key pair is created on first use)."""
        from cryptography.hazmat.primitives import serialization

        pub_file = self.root / PUBLIC_FILE
        private = self.root / PRIVATE_FILE
        if pub_file.exists() and private.exists() and b"ENCRYPTED" in private.read_bytes():
            try:  # a protected key: its public half is known without asking for the passphrase
                return parse_public_key(pub_file.read_text(encoding="utf-8"), source=str(pub_file))
            except CdassessError:
                pass
        raw = self._private().public_key().public_bytes(serialization.Encoding.Raw,
                                                        serialization.PublicFormat.Raw)
        name = default_key_name()
        if pub_file.exists():
            try:
                stored = parse_public_key(pub_file.read_text(encoding="utf-8"), source=str(pub_file))
                if stored.raw == raw and stored.name:
                    name = stored.name
            except CdassessError:
                pass
        return PublicKey(raw, name)

    def sign(self, data: bytes) -> bytes:
        signature: bytes = self._private().sign(data)
        return signature

    # -------------------------------------------------------------------------------- trusted keys

    def trusted(self) -> list[PublicKey]:
        folder = self.root / TRUSTED_DIR
        out = []
        for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
            try:
                out.append(parse_public_key(path.read_text(encoding="utf-8"), source=str(path)))
            except (CdassessError, OSError, UnicodeDecodeError):
                continue  # a damaged file must not stop verification with the others
        return out

    def trust(self, text: str, *, name: str = "", source: str = "public key") -> PublicKey:
        """Add a public key (export form or PEM) to the trusted keys; return it."""
        key = parse_public_key(text, name=name, source=source)
        if not key.name:
            key = PublicKey(key.raw, f"key {key.key_id}")
        folder = self.root / TRUSTED_DIR
        self._ensure_root()
        folder.mkdir(exist_ok=True)
        (folder / f"{key.key_id}.txt").write_text(key.to_text(), encoding="utf-8")
        return key

    def untrust(self, key_id: str) -> bool:
        path = self.root / TRUSTED_DIR / f"{key_id.upper()}.txt"
        if path.exists():
            path.unlink()
            return True
        return False

    def verifiers(self) -> dict[str, tuple[PublicKey, bool]]:
        """Every key a signature may come from: key id -> (key, is it this installation's own key)."""
        out = {k.key_id: (k, False) for k in self.trusted()}
        if (self.root / PRIVATE_FILE).exists():  # verifying alone never creates a key pair
            own = self.own_public()
            out[own.key_id] = (own, True)
        return out


# ------------------------------------------------------------------------------------ codes


def encode_code(statement: bytes, signature: bytes) -> str:
    """``CDA1`` + base32 (no padding) of signature + zlib(statement)."""
    if len(signature) != _SIG_LEN:
        raise ValueError("an Ed25519 signature has 64 bytes")
    packed = signature + zlib.compress(statement, 9)
    return CODE_PREFIX + base64.b32encode(packed).decode("ascii").rstrip("=")


def b32_strict(body: str) -> bytes:
    """Base32 without padding, decoded only when it is exactly what encoding the bytes gives back: the unused
    bits of the last letter must be zero, so no typing error can go unnoticed there."""
    if re.search(r"[^A-Z2-7]", body):
        raise VerificationError("the code contains characters that are not part of a code "
                                "(letters A-Z and digits 2-7); check for typing errors")
    try:
        packed = base64.b32decode(body + "=" * (-len(body) % 8))
    except ValueError:
        raise VerificationError("the code is incomplete or has extra letters; check for missing groups") from None
    if base64.b32encode(packed).decode("ascii").rstrip("=") != body:
        raise VerificationError("the code's last letters are not a valid ending; check for typing errors")
    return packed


def group_code(code: str, size: int = 5) -> str:
    """The code in groups for printing and typing (the groups are ignored when it is read back)."""
    return " ".join(code[i:i + size] for i in range(0, len(code), size))


_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def normalize_code(code: str) -> str:
    """Upper case without spaces and hyphens; digits that base32 lacks read as the letters they resemble."""
    text = re.sub(r"[\s\-]", "", code).upper()
    if text.startswith(CODE_PREFIX):
        return CODE_PREFIX + text[len(CODE_PREFIX):].translate(_LOOKALIKES)
    return text


def decode_code(code: str) -> tuple[bytes, bytes]:
    """The statement and signature carried by a code; :class:`VerificationError` when it is malformed."""
    text = normalize_code(code)
    if not text.startswith(CODE_PREFIX):
        raise VerificationError(f"not a cdassess certificate code (codes start with {CODE_PREFIX})")
    packed = b32_strict(text[len(CODE_PREFIX):])
    if len(packed) <= _SIG_LEN:
        raise VerificationError("the code is too short: part of it is missing")
    signature, compressed = packed[:_SIG_LEN], packed[_SIG_LEN:]
    try:
        inflater = zlib.decompressobj()
        statement = inflater.decompress(compressed, _MAX_STATEMENT)
    except zlib.error:
        raise VerificationError("the code is damaged (its statement cannot be read); check for typing "
                                "errors") from None
    if inflater.unconsumed_tail or not inflater.eof:
        raise VerificationError("the code is damaged or incomplete")
    return statement, signature


def short_code(code: str) -> str:
    """A short check code for the paper: 16 base32 characters of the code's SHA-256, in groups of four."""
    digest = hashlib.sha256(normalize_code(code).encode("ascii")).digest()
    text = base64.b32encode(digest).decode("ascii")[:16]
    return "-".join(text[i:i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True)
class SignedStatement:
    facts: dict[str, Any]
    code: str

    @property
    def short(self) -> str:
        return short_code(self.code)


def sign_statement(facts: dict[str, Any], keys: KeyStore | None = None) -> SignedStatement:
    """Sign ``facts`` with the installation's key; the key id is added to the facts as ``key``."""
    store = keys or KeyStore()
    own = store.own_public()
    signed = dict(facts)
    signed["key"] = own.key_id
    statement = canonical_json(signed)
    return SignedStatement(signed, encode_code(statement, store.sign(statement)))


@dataclass(frozen=True)
class Verified:
    facts: dict[str, Any]
    key: PublicKey
    own_key: bool
    code: str

    @property
    def short(self) -> str:
        return short_code(self.code)


def verify_code(code: str, keys: KeyStore | None = None) -> Verified:
    """Check a code's signature against the own and trusted keys; return its facts or raise."""
    store = keys or KeyStore()
    statement, signature = decode_code(code)
    try:
        facts = json.loads(statement.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise VerificationError("the code is damaged: its statement is not readable") from None
    if not isinstance(facts, dict):
        raise VerificationError("the code is damaged: its statement is not a set of facts")
    if canonical_json(facts) != statement:
        raise VerificationError("the statement is not in canonical form: it was not written by cdassess")
    candidates = store.verifiers()
    claimed = str(facts.get("key", ""))
    for key_id, (key, own) in candidates.items():
        if key.verifies(signature, statement):
            if key_id != claimed:  # pragma: no cover - needs a SHA-256 collision
                break
            return Verified(facts, key, own, normalize_code(code))
    if claimed and claimed not in candidates:
        raise VerificationError(f"signed by key {claimed}, which this installation does not trust; if it is "
                                "your office's assessor, import their key with 'cdassess keys trust FILE'")
    raise VerificationError("the signature does not match the statement: the certificate or code was changed "
                            "after it was issued, or mistyped")
