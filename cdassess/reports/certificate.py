"""The certificate (A4 landscape, Chinese and English) with a QR code carrying a signed statement.

A certificate is issued only for a locked assessment whose frozen results still match and whose overall level
is at least the level printed. The statement (facts + results digest) is signed with the installation's key
(:mod:`cdassess.signing`); its code is in the QR code, printed in small type, and stored in the PDF's
keywords, so :func:`code_from_pdf` can read it back for ``cdassess verify``.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import math
import os
import re
import struct
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdassess.errors import CdassessError, InvalidValueError
from cdassess.outputs import apply_umask
from cdassess.reports.fonts import register_fonts
from cdassess.reports.styles import clean
from cdassess.signing import (
    CODE_PREFIX,
    KeyStore,
    PublicKey,
    SignedStatement,
    VerificationError,
    b32_strict,
    decode_code,
    group_code,
    sign_statement,
)

if TYPE_CHECKING:
    from cdassess.model import Model
    from cdassess.services import Assessment

STATEMENT_TYPE = "cdassess-cert/1"
RENDER_VERSION = 2  # statements carrying "render": the PDF is drawn from the statement alone, reproducibly
PAGE_W, PAGE_H = 841.8898, 595.2756  # A4 landscape
MM = 72 / 25.4
NAVY = (0.09, 0.15, 0.29)
GOLD = (0.66, 0.53, 0.26)
SEAL = (0.72, 0.12, 0.12)
GREY = (0.35, 0.35, 0.38)
RULE_TEXT = {"strict": "严格：满足或不适用 · strict: met or N/A",
             "lenient": "宽松：部分满足也计入 · lenient: partially met counts"}


class CertificateRefused(CdassessError):  # noqa: N818 - reads as what happened to the request
    """The assessment does not qualify for the certificate asked for."""


@dataclass(frozen=True)
class CertificateFacts:
    """What the certificate states; these are exactly the signed facts."""

    number: str
    organization: str
    project: str
    scope: str
    model_id: str
    model_version: str
    level: int
    issued: str
    valid_until: str
    assessors: tuple[str, ...]
    digest: str
    rule: str = "strict"
    model_names: tuple[str, str] = ("", "")
    level_names: tuple[str, str] = ("", "")
    audit: tuple[int, str] = (0, "")

    def statement(self) -> dict[str, Any]:
        return {
            "type": STATEMENT_TYPE, "no": self.number, "org": self.organization, "project": self.project,
            "scope": self.scope, "model": [self.model_id, self.model_version], "level": self.level,
            "issued": self.issued, "valid_until": self.valid_until, "assessors": list(self.assessors),
            "digest": self.digest, "rule": self.rule, "model_name": list(self.model_names),
            "level_name": list(self.level_names), "audit": list(self.audit), "render": RENDER_VERSION,
        }

    @classmethod
    def from_statement(cls, facts: dict[str, Any]) -> CertificateFacts:
        """The facts of a signed statement (what the certificate is rendered from when it is verified)."""
        model = [*(facts.get("model") or ["", ""]), "", ""]
        names = [*(facts.get("model_name") or ["", ""]), "", ""]
        levels = [*(facts.get("level_name") or ["", ""]), "", ""]
        audit = [*(facts.get("audit") or [0, ""]), 0, ""]
        return cls(number=str(facts.get("no", "")), organization=str(facts.get("org", "")),
                   project=str(facts.get("project", "")), scope=str(facts.get("scope", "")),
                   model_id=str(model[0]), model_version=str(model[1]), level=int(facts.get("level", 0)),
                   issued=str(facts.get("issued", "")), valid_until=str(facts.get("valid_until", "")),
                   assessors=tuple(str(x) for x in facts.get("assessors") or ()), digest=str(facts.get("digest", "")),
                   rule=str(facts.get("rule", "strict")), model_names=(str(names[0]), str(names[1])),
                   level_names=(str(levels[0]), str(levels[1])), audit=(int(audit[0] or 0), str(audit[1])))


def certificate_number(assessment_uuid: str, digest: str, level: int, issued: str, lock_seq: int = 0) -> str:
    """A stable number: the same facts of the same lock give the same number (CDA-YYYY-XXXXXXXX); a new lock
    (after an unlock superseded the certificates) gives new numbers."""
    lock = f"|{lock_seq}" if lock_seq else ""
    h = hashlib.sha256(f"{assessment_uuid}|{digest}|{level}|{issued}{lock}".encode()).digest()
    return f"CDA-{issued[:4]}-{base64.b32encode(h[:5]).decode('ascii')}"


SHORT_PREFIX = "CDS1"
_SHORT_LAYOUT = struct.Struct(">B5sBHH8s8s")  # version, number, level, issued, valid until, digest, statement
_EPOCH = date(2000, 1, 1)


@dataclass(frozen=True)
class IssuedCertificate:
    """What :func:`write_certificate` signed: the facts, the full code (QR code, PDF keywords) and the short
    code printed for typing."""

    facts: dict[str, Any]
    code: str
    short: str


@dataclass(frozen=True)
class ShortVerified:
    """The facts a verified short code carries; the rest is compared with the paper by the reader."""

    number: str
    level: int
    issued: str
    valid_until: str
    digest_prefix: str
    statement_hash: str
    key: PublicKey
    own_key: bool


def _statement_hash(code: str) -> bytes:
    statement, _ = decode_code(code)
    return hashlib.sha256(statement).digest()[:8]


def short_payload(facts: dict[str, Any], code: str) -> bytes:
    """27 bytes that commit to the certificate: its number, level, dates, the results digest and (by hash)
    the full signed statement, so a short code belongs to exactly one full code."""
    number = str(facts["no"])
    issued = date.fromisoformat(str(facts["issued"]))
    until = date.fromisoformat(str(facts["valid_until"]))
    return _SHORT_LAYOUT.pack(1, base64.b32decode(number.rsplit("-", 1)[1]), int(facts["level"]),
                              (issued - _EPOCH).days, (until - _EPOCH).days, bytes.fromhex(str(facts["digest"]))[:8],
                              _statement_hash(code))


def make_short_code(facts: dict[str, Any], code: str, keys: KeyStore | None = None) -> str:
    """The short signed code: ``CDS1`` + base32 of the 27-byte payload and its Ed25519 signature (146 letters
    and digits, typed in groups of five)."""
    payload = short_payload(facts, code)
    signature = (keys or KeyStore()).sign(payload)
    return SHORT_PREFIX + base64.b32encode(payload + signature).decode("ascii").rstrip("=")


def verify_short_code(code: str, keys: KeyStore | None = None) -> ShortVerified:
    """Check a short code against the own and trusted keys; :class:`VerificationError` when it fails."""
    text = re.sub(r"[\s\-]", "", code).upper()
    if not text.startswith(SHORT_PREFIX):
        raise VerificationError(f"not a short certificate code (they start with {SHORT_PREFIX})")
    body = text[len(SHORT_PREFIX):].translate(str.maketrans("018", "OIB"))  # digits base32 lacks
    size = _SHORT_LAYOUT.size
    expected = math.ceil((size + 64) * 8 / 5)
    if len(body) != expected:
        raise VerificationError(f"the short code has {len(body)} characters after {SHORT_PREFIX}; it needs "
                                f"{expected}: check for missing or extra groups")
    packed = b32_strict(body)
    payload, signature = packed[:size], packed[size:]
    for key, own in (KeyStore() if keys is None else keys).verifiers().values():
        if key.verifies(signature, payload):
            version, number, level, issued, until, digest, stmt = _SHORT_LAYOUT.unpack(payload)
            if version != 1:  # pragma: no cover - only version 1 is ever signed
                raise VerificationError(f"short code version {version} is not known to this program")
            day = _EPOCH + timedelta(days=issued)
            return ShortVerified(f"CDA-{day.year}-{base64.b32encode(number).decode('ascii')}", level,
                                 day.isoformat(), (_EPOCH + timedelta(days=until)).isoformat(), digest.hex(),
                                 stmt.hex(), key, own)
    raise VerificationError("the short code does not verify: it was mistyped or changed, or it was signed by a "
                            "key this installation does not trust ('cdassess keys trust FILE' imports one)")


def short_matches(short: ShortVerified, facts: dict[str, Any], code: str) -> str:
    """"" when a verified short code belongs to the full statement, else what differs."""
    wrong = []
    if short.number != facts.get("no"):
        wrong.append("certificate number")
    if short.level != facts.get("level"):
        wrong.append("level")
    if (short.issued, short.valid_until) != (facts.get("issued"), facts.get("valid_until")):
        wrong.append("dates")
    if not str(facts.get("digest", "")).startswith(short.digest_prefix):
        wrong.append("results digest")
    if short.statement_hash != _statement_hash(code).hex():
        wrong.append("statement")
    return ", ".join(wrong)


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def certificate_facts(a: Assessment, *, level: int | None = None, valid_years: int = 3,
                      issued: date | None = None, keys: KeyStore | None = None) -> CertificateFacts:
    """Check that the assessment qualifies and gather the facts; raise :class:`CertificateRefused` if not."""
    from cdassess.sealing import frozen_matches, lock_rows, verify_locks

    meta, model = a.meta, a.model
    if not meta.locked:
        raise CertificateRefused(f"{a.path.name}: the assessment is not locked. A certificate is issued only for "
                                 "final results: review the ratings, then lock it ('cdassess lock FILE').")
    digest = a.results_digest()
    if meta.frozen_digest and not frozen_matches(a):
        raise CertificateRefused(f"{a.path.name}: the results no longer match the digest frozen when the assessment "
                                 "was locked; run 'cdassess check FILE', then unlock and lock it again")
    problems, seals = verify_locks(a, keys)
    last_lock = lock_rows(a)[0][-1:] if seals else []
    if problems:
        raise CertificateRefused(f"{a.path.name}: the lock does not verify ({problems[0]}); run 'cdassess check "
                                 "FILE'. No certificate is issued on results whose lock is in doubt.")
    if not seals or not seals[-1].signed or not last_lock or seals[-1].seq != last_lock[0].seq:
        raise CertificateRefused(f"{a.path.name}: the lock is not signed (it was made by an older cdassess); "
                                 "unlock and lock it again, then issue the certificate")
    overall = a.levels().overall
    if overall < model.min_level:
        raise CertificateRefused(f"{a.path.name}: no level is reached (overall level {overall}); "
                                 "there is nothing to certify")
    n = overall if level is None else level
    if n not in model.level_numbers:
        raise InvalidValueError(f"level {n} is not a level of model {model.id} "
                                f"(accepted: {model.level_range_text()})")
    if n > overall:
        raise CertificateRefused(f"{a.path.name}: level {n} is not reached; the overall level is {overall} "
                                 f"(see 'cdassess explain FILE --level {n}')")
    if not 1 <= valid_years <= 10:
        raise InvalidValueError(f"validity of {valid_years} years is not accepted (give 1 to 10)")
    day = issued or date.today()
    until = _add_years(day, valid_years) - timedelta(days=1)
    frozen = meta.frozen_digest or digest
    level_text = model.level(n).names
    entries = a.store.audit_entries(limit=1)
    facts = CertificateFacts(
        number=certificate_number(meta.uuid, frozen, n, day.isoformat(), last_lock[0].seq),
        organization=clean(meta.organization), project=clean(meta.project), scope=clean(meta.scope),
        model_id=model.id, model_version=model.version, level=n, issued=day.isoformat(),
        valid_until=until.isoformat(), assessors=tuple(clean(x) for x in meta.assessors), digest=frozen,
        rule=meta.level_rule, model_names=(model.names.zh, model.names.en), level_names=(level_text.zh, level_text.en),
        audit=(entries[-1].seq, entries[-1].hash) if entries else (0, ""),
    )
    refuse_unprintable(facts)
    return facts


_FIELDS = {"organization": "组织 organization", "project": "项目 project", "scope": "范围 scope",
           "assessors": "评估师 assessors", "model_names": "模型名称 model name", "level_names": "级别名称 level name"}


def unprintable(text: str) -> list[str]:
    """Characters of ``text`` the certificate cannot print faithfully: no glyph in the certificate's font,
    right-to-left letters (drawn without shaping they would read backwards) and invisible format characters
    (zero-width spaces and joiners: the printed name would not show what is signed)."""
    import unicodedata

    from reportlab.pdfbase import pdfmetrics

    glyphs = pdfmetrics.getFont(register_fonts()).face.charToGlyph
    bad: list[str] = []
    for ch in text:
        cp = ord(ch)
        if ch in "\n\t ":
            continue
        why = ""
        if unicodedata.category(ch) == "Cf":
            why = "invisible"
        elif unicodedata.bidirectional(ch) in ("R", "AL"):
            why = "right-to-left"
        elif cp not in glyphs:
            why = "no glyph in the certificate font"
        if why:
            name = unicodedata.name(ch, "")
            label = f"U+{cp:04X}{' ' + name if name else ''} ({why})"
            if label not in bad:
                bad.append(label)
    return bad


def refuse_unprintable(facts: CertificateFacts) -> None:
    """Refuse names the certificate cannot print as signed, naming the field and the characters."""
    problems = []
    for field_name, label in _FIELDS.items():
        value = getattr(facts, field_name)
        text = " ".join(value) if isinstance(value, tuple) else str(value)
        bad = unprintable(text)
        if bad:
            problems.append(f"{label}: {', '.join(bad[:4])}{' …' if len(bad) > 4 else ''}")
    if problems:
        raise CertificateRefused("the certificate cannot print these characters as they are signed, so it would "
                                 "not show what it certifies: " + "; ".join(problems) + ". The certificate font "
                                 "covers Chinese, Latin, Greek and Cyrillic; write the name in one of those (edit "
                                 "the assessment's details), then issue the certificate.")


# ------------------------------------------------------------------------------------------ drawing


class _Painter:
    def __init__(self, canvas: Any, facts: CertificateFacts, signed: IssuedCertificate, model: Model | None) -> None:
        self.c = canvas
        self.f = facts
        self.signed = signed
        self.model = model
        self.font = register_fonts()

    def color(self, rgb: tuple[float, float, float]) -> Any:
        from reportlab.lib.colors import Color

        return Color(*rgb)

    def centred(self, y: float, text: str, size: float, rgb: tuple[float, float, float] = NAVY,
                max_width: float = PAGE_W - 150 * MM, x: float = PAGE_W / 2) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        width = stringWidth(text, self.font, size)
        if width > max_width:  # shrink long names to fit rather than run into the frame
            size = max(size * max_width / width, 7)
        self.c.setFont(self.font, size)
        self.c.setFillColor(self.color(rgb))
        self.c.drawCentredString(x, y, text)

    def names(self, top: float, bottom: float) -> None:
        """Organization, project and scope between ``top`` and ``bottom``: the largest organization size at
        which all three fit (long names wrap onto up to three lines; only the scope is ever cut short, the
        full text being in the signed statement)."""
        from cdassess.reports.charts import wrap_text

        f, width = self.f, 225 * MM
        scope = f"评估范围 Scope: {f.scope}" if f.scope else ""
        plan: list[tuple[list[str], float, tuple[float, float, float], float]] = []
        for org_size in (23, 21, 19, 17, 15, 13, 11, 9):
            small = org_size < 17
            proj_size, scope_size = (11.0, 7.5) if small else (13.0, 8.5)
            org = wrap_text(f.organization, self.font, org_size, width)
            proj = wrap_text(f.project, self.font, proj_size, width)
            sc = wrap_text(scope, self.font, scope_size, width) if scope else []
            if len(sc) > 2:
                sc = [sc[0], sc[1][:-1] + "…"]
            plan = [(org, org_size, NAVY, 0.0), (proj, proj_size, NAVY, 3.3 * MM)]
            if sc:
                plan.append((sc, scope_size, GREY, 2.3 * MM))
            height = sum(len(lines) * size * 1.25 + gap for lines, size, _, gap in plan) - 0.25 * org_size
            if len(org) <= 3 and height <= top - bottom:
                break
        y = top + 0.25 * plan[0][1]
        for lines, size, rgb, gap in plan:
            y -= gap
            for line in lines:
                y -= size * 1.25
                self.centred(y, line, size, rgb, max_width=width)

    def frame(self) -> None:
        c = self.c
        c.setFillColor(self.color((0.995, 0.99, 0.975)))
        c.rect(0, 0, PAGE_W, PAGE_H, stroke=0, fill=1)
        c.setStrokeColor(self.color(NAVY))
        c.setLineWidth(5)
        c.rect(9 * MM, 9 * MM, PAGE_W - 18 * MM, PAGE_H - 18 * MM)
        c.setStrokeColor(self.color(GOLD))
        c.setLineWidth(1.2)
        c.rect(12.5 * MM, 12.5 * MM, PAGE_W - 25 * MM, PAGE_H - 25 * MM)
        c.setLineWidth(0.5)
        c.rect(14 * MM, 14 * MM, PAGE_W - 28 * MM, PAGE_H - 28 * MM)
        # corner ornaments: small gold diamonds where the inner lines meet
        for x in (13.25 * MM, PAGE_W - 13.25 * MM):
            for y in (13.25 * MM, PAGE_H - 13.25 * MM):
                p = c.beginPath()
                s = 4 * MM
                p.moveTo(x, y + s)
                p.lineTo(x + s, y)
                p.lineTo(x, y - s)
                p.lineTo(x - s, y)
                p.close()
                c.setFillColor(self.color(GOLD))
                c.drawPath(p, stroke=0, fill=1)

    def seal(self, cx: float, cy: float, r: float) -> None:
        """A round seal: two rings, text around the top, a star and the level in the middle."""
        c = self.c
        red = self.color(SEAL)
        c.saveState()
        c.setFillAlpha(0.88)
        c.setStrokeAlpha(0.88)
        c.setStrokeColor(red)
        c.setFillColor(red)
        c.setLineWidth(2.2)
        c.circle(cx, cy, r)
        c.setLineWidth(0.8)
        c.circle(cx, cy, r - 4)
        from reportlab.pdfbase.pdfmetrics import stringWidth

        text = "能力成熟度评估 · CAPABILITY ASSESSMENT ·"
        size = 7.2
        c.setFont(self.font, size)
        # place each glyph by its own width so wide Chinese glyphs do not crowd
        widths = [stringWidth(ch, self.font, size) + 0.8 for ch in text]
        radius = r - 11
        span = min(sum(widths) / radius, math.radians(320))
        scale = span / (sum(widths) / radius)
        angle = math.pi / 2 + span / 2
        for ch, w in zip(text, widths, strict=True):
            step = w / radius * scale
            mid = angle - step / 2
            x, y = cx + radius * math.cos(mid), cy + radius * math.sin(mid)
            c.saveState()
            c.translate(x, y)
            c.rotate(math.degrees(mid) - 90)
            c.drawCentredString(0, -2.5, ch)
            c.restoreState()
            angle -= step
        p = c.beginPath()
        star_r, inner = r * 0.26, r * 0.26 * 0.4
        for k in range(10):
            rad = star_r if k % 2 == 0 else inner
            ang = math.pi / 2 + k * math.pi / 5
            px, py = cx + rad * math.cos(ang), cy + 5 + rad * math.sin(ang)
            if k == 0:
                p.moveTo(px, py)
            else:
                p.lineTo(px, py)
        p.close()
        c.drawPath(p, stroke=0, fill=1)
        c.setFont(self.font, 9)
        c.drawCentredString(cx, cy - r * 0.42, f"LEVEL {self.f.level}")
        c.restoreState()

    def qr(self, x: float, y: float, size: float) -> None:
        """The QR code of the signed code, drawn as one path (one encode, no per-module shapes)."""
        from reportlab.graphics.barcode.qr import QrCodeWidget

        widget = QrCodeWidget(self.signed.code, barLevel="L")  # builds the encoder with ReportLab's options
        widget.qr.make()
        modules = widget.qr.modules
        count, border = len(modules), 2
        box = size / (count + 2 * border)
        c = self.c
        c.saveState()
        c.setFillColor(self.color((1, 1, 1)))
        c.rect(x, y, size, size, stroke=0, fill=1)
        c.setFillColor(self.color((0, 0, 0)))
        path = c.beginPath()
        for r, row in enumerate(modules):
            col = 0
            for dark, run in itertools.groupby(bool(m) for m in row):
                n = len(list(run))
                if dark:
                    path.rect(x + (col + border) * box, y + size - (r + border + 1) * box, n * box, box)
                col += n
        c.drawPath(path, stroke=0, fill=1)
        c.restoreState()

    def paint(self) -> None:
        f, c = self.f, self.c
        self.frame()
        self.rosette(PAGE_W / 2, 104 * MM)
        self.centred(174 * MM, "能力成熟度评估证书", 30)
        self.centred(164 * MM, "CERTIFICATE OF CAPABILITY MATURITY ASSESSMENT", 12.5, GOLD)
        c.setStrokeColor(self.color(GOLD))
        c.setLineWidth(0.8)
        c.line(PAGE_W / 2 - 60 * MM, 160 * MM, PAGE_W / 2 + 60 * MM, 160 * MM)
        self.centred(150 * MM, "兹证明  ·  This is to certify that", 10.5, GREY)
        self.names(145 * MM, 116.5 * MM)
        model_zh, model_en = f.model_names
        self.centred(112 * MM, f"在《{model_zh or f.model_id}》（{f.model_id} {f.model_version}）评估中达到", 11, GREY)
        self.centred(106 * MM, f"has been assessed against {model_en or f.model_id} and has achieved", 10, GREY)
        lv_zh, lv_en = self.level_names()
        self.centred(91 * MM, f"{f.level} 级" + (f" · {lv_zh}" if lv_zh else ""), 28, SEAL)
        self.centred(82 * MM, f"Level {f.level}" + (f" · {lv_en}" if lv_en else ""), 14, SEAL)
        self.details(66 * MM)
        self.signature(190 * MM, 226 * MM, 27 * MM)
        self.seal(209 * MM, 41 * MM, 16 * MM)
        qr_size = 40 * MM
        qr_x = PAGE_W - 22 * MM - qr_size
        self.qr(qr_x, 24 * MM, qr_size)
        self.centred(20 * MM, "扫码核验 · Scan to verify", 7, GREY, x=qr_x + qr_size / 2,
                     max_width=qr_size + 14 * MM)
        self.fine_print(right=184 * MM)

    def signature(self, x0: float, x1: float, y: float) -> None:
        """A line for the lead assessor's signature; the seal is stamped over its end."""
        c = self.c
        c.setStrokeColor(self.color(GREY))
        c.setLineWidth(0.6)
        c.line(x0, y, x1, y)
        c.setFillColor(self.color(GREY))
        c.setFont(self.font, 7.5)
        c.drawCentredString((x0 + x1) / 2, y - 4 * MM, "评估负责人签字 · Lead assessor")
        lead = self.f.assessors[0] if self.f.assessors else ""
        if lead:
            c.setFont(self.font, 7)
            c.drawCentredString((x0 + x1) / 2, y - 7.5 * MM, lead)

    def rosette(self, cx: float, cy: float) -> None:
        """A faint guilloche-like rosette behind the text, the way printed certificates are patterned."""
        c = self.c
        c.saveState()
        c.setStrokeColor(self.color((0.93, 0.89, 0.79)))
        c.setLineWidth(0.3)
        c.translate(cx, cy)
        for k in range(30):
            c.saveState()
            c.rotate(k * 6)
            c.ellipse(-80 * MM, -22 * MM, 80 * MM, 22 * MM, stroke=1, fill=0)
            c.restoreState()
        c.restoreState()

    def level_names(self) -> tuple[str, str]:
        return self.f.level_names

    def details(self, top: float) -> None:
        f, c = self.f, self.c
        rows = [
            ("证书编号", "Certificate No.", f.number),
            ("颁发日期", "Date of issue", f.issued),
            ("有效期至", "Valid until", f.valid_until),
            ("评估师", "Assessors", ", ".join(f.assessors) or "—"),
            ("级别规则", "Level rule", RULE_TEXT.get(f.rule, f.rule)),
            ("签名密钥", "Signing key", str(self.signed.facts.get("key", ""))),
        ]
        x_label, x_value = 28 * MM, 70 * MM
        y = top + 6.5 * MM
        from reportlab.pdfbase.pdfmetrics import stringWidth

        for zh, en, value in rows:
            c.setFillColor(self.color(GREY))
            c.setFont(self.font, 8.5)
            c.drawString(x_label, y, zh)
            c.setFont(self.font, 7)
            c.drawString(x_label + stringWidth(zh, self.font, 8.5) + 3, y, en)
            c.setFillColor(self.color(NAVY))
            size = 10.5
            while size > 6 and stringWidth(value, self.font, size) > 112 * MM:
                size -= 0.5
            c.setFont(self.font, size)
            c.drawString(x_value, y, value)
            y -= 5 * MM
        c.setStrokeColor(self.color(GOLD))
        c.setLineWidth(0.5)
        c.line(x_label, y + 3 * MM, 184 * MM, y + 3 * MM)

    def fine_print(self, right: float) -> None:
        """The short code to type, the results digest and the full signed statement in small type."""
        from reportlab.lib.utils import simpleSplit

        c = self.c
        left = 20 * MM
        y = 39.5 * MM
        if self.signed.short:
            c.setFillColor(self.color(GREY))
            c.setFont(self.font, 5.8)
            c.drawString(left, y, "核验码（输入 cdassess verify --code 核验）· Verification code "
                                  "(type it into 'cdassess verify --code'):")
            c.setFillColor(self.color(NAVY))
            for line in simpleSplit(group_code(self.signed.short, 5), self.font, 7, right - left):
                y -= 8.5
                c.setFont(self.font, 7)
                c.drawString(left, y, line)
        c.setFillColor(self.color(GREY))
        c.setFont(self.font, 5.6)
        y -= 8
        c.drawString(left, y, f"结果摘要 Results digest (SHA-256): {self.f.digest}")
        text = f"签名声明 Signed statement (key {self.signed.facts.get('key', '')}): " + group_code(self.signed.code, 8)
        c.setFillColor(self.color((0.55, 0.55, 0.58)))
        room = y - 2 - 16.5 * MM  # down to just above the inner frame
        for size in (4.2, 3.8, 3.4, 3.0, 2.6):
            lines = simpleSplit(text, self.font, size, right - left)
            if len(lines) * size * 1.2 <= room:
                break
        y -= 2
        c.setFont(self.font, size)
        for line in lines:
            y -= size * 1.2
            c.drawString(left, y, line)


def write_certificate(a: Assessment, dest: str | Path, *, level: int | None = None, valid_years: int = 3,
                      issued: date | None = None, keys: KeyStore | None = None) -> IssuedCertificate:
    """Check eligibility, sign the facts and write the certificate PDF atomically; return what was signed."""
    if a.readonly:
        raise CertificateRefused(f"{a.path.name}: opened read-only; issuing a certificate writes it into the "
                                 "file's certificate register (open the file for editing)")
    facts = certificate_facts(a, level=level, valid_years=valid_years, issued=issued, keys=keys)
    signed = sign_statement(facts.statement(), keys)
    issued_cert = IssuedCertificate(signed.facts, signed.code, make_short_code(signed.facts, signed.code, keys))
    target = Path(dest)
    existed = target.exists()
    render_certificate(facts, issued_cert, target, a.model)
    try:
        a.register_certificate(number=facts.number, level=facts.level, scope=facts.scope, issued=facts.issued,
                               valid_until=facts.valid_until, digest=facts.digest, audit=facts.audit,
                               key_id=str(signed.facts["key"]), code=signed.code)
    except BaseException:
        if not existed:
            target.unlink(missing_ok=True)
        raise
    return issued_cert


def render_certificate(facts: CertificateFacts, signed: IssuedCertificate | SignedStatement, dest: str | Path,
                       model: Model | None = None) -> None:
    """Draw the certificate of already signed facts (a :class:`SignedStatement` alone prints no short code)."""
    from reportlab.pdfgen.canvas import Canvas

    if not isinstance(signed, IssuedCertificate):
        signed = IssuedCertificate(signed.facts, signed.code, "")
    target = Path(dest)
    if not target.parent.is_dir():
        raise CdassessError(f"{target.parent}: no such folder")
    font = register_fonts()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".cdassess-cert-", suffix=".pdf")
    os.close(fd)
    try:
        # invariant: no creation time and a document ID from the content, so the same statement always gives
        # the same file (verify re-renders it and compares)
        c = Canvas(tmp, pagesize=(PAGE_W, PAGE_H), initialFontName=font, pageCompression=1, invariant=1)
        c.setTitle(f"能力成熟度评估证书 Certificate {facts.number} — {facts.organization}")
        c.setAuthor(", ".join(facts.assessors))
        c.setSubject(f"{facts.organization} / {facts.project}: level {facts.level} ({facts.model_id} "
                     f"{facts.model_version})")
        c.setCreator("cdassess")
        # ASCII only, so the code stays a plain PDF string that code_from_pdf finds without a PDF library
        c.setKeywords(f"cdassess-certificate {facts.number} {signed.code} {signed.short}".rstrip())
        _Painter(c, facts, signed, model).paint()
        c.showPage()
        c.save()
        apply_umask(tmp)  # mkstemp makes 0600: give it the permissions of any new file
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_CODE_RE = re.compile(rb"(" + CODE_PREFIX.encode("ascii") + rb"[A-Z2-7]{40,})")
_SHORT_RE = re.compile(rb"(" + SHORT_PREFIX.encode("ascii") + rb"[A-Z2-7]{100,})")


def short_code_from_pdf(path: str | Path) -> str | None:
    """The short code in a certificate's keywords (None for a certificate without one)."""
    found = _SHORT_RE.findall(Path(path).read_bytes())
    return str(found[0].decode("ascii")) if found else None


def code_from_pdf(path: str | Path) -> str:
    """The signed code stored in a certificate PDF (its keywords, else its printed text)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise CdassessError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    if not raw.startswith(b"%PDF"):
        raise CdassessError(f"{p}: not a PDF file")
    found = _CODE_RE.findall(raw)
    if found:
        return str(found[0].decode("ascii"))
    text = _pdf_text(p)  # a PDF rewritten by another tool may hold the keywords in compressed streams
    match = _CODE_RE.search(re.sub(r"[\s\-]", "", text).encode("ascii", "ignore"))
    if match:
        return str(match.group(1).decode("ascii"))
    raise CdassessError(f"{p}: no cdassess certificate code found (is this a certificate written by cdassess?)")


def _pdf_text(path: Path) -> str:
    """Keywords and page text through pypdf when it is installed (it is optional at run time)."""
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover
        return ""
    try:
        reader: Any = PdfReader(str(path))
        meta: Any = reader.metadata or {}
        parts = [str(meta.get("/Keywords", ""))]
        parts += [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many kinds of errors for damaged files
        raise CdassessError(f"{path}: the PDF cannot be read ({exc})") from None
    return "\n".join(parts)


def check_printed_facts(path: str | Path, facts: dict[str, Any]) -> str:
    """Compare what the certificate page shows with the signed facts; "" when they agree (or pypdf is absent).

    Catches a PDF whose visible text was edited while the signed code was left alone.
    """
    text = _pdf_text(Path(path))
    if not text:
        return ""
    flat = re.sub(r"\s+", "", text)
    expected = {
        "certificate number": str(facts.get("no", "")),
        "organization": str(facts.get("org", "")),
        "project": str(facts.get("project", "")),
        "level": f"Level{facts.get('level', '')}",
        "issue date": str(facts.get("issued", "")),
        "validity": str(facts.get("valid_until", "")),
    }
    model = facts.get("model") or []
    expected["model"] = "".join(str(part) for part in model) if isinstance(model, list) else str(model)
    expected["results digest"] = str(facts.get("digest", ""))
    if facts.get("scope"):
        expected["scope"] = str(facts["scope"])
    wrong = [name for name, value in expected.items() if re.sub(r"\s+", "", value) not in flat]
    assessors = facts.get("assessors") or []
    if any(re.sub(r"\s+", "", str(name)) not in flat for name in assessors):
        wrong.append("assessors")
    return ", ".join(f"{name} differs" for name in wrong)


@dataclass(frozen=True)
class RegisterStatus:
    """What an assessment file says about a certificate: valid, superseded or unknown, and why."""

    state: str  # valid | superseded | unknown
    message: str
    changed: tuple[str, ...] = ()


def status_against(a: Assessment, facts: dict[str, Any]) -> RegisterStatus:
    """Compare a verified certificate's facts with the assessment file's register and current results."""
    number = str(facts.get("no", ""))
    rec = next((c for c in a.certificates() if c.number == number), None)
    if rec is None or rec.digest != facts.get("digest"):
        return RegisterStatus("unknown", f"certificate {number} is unknown to this file ({a.path.name}): it was "
                                         "not issued from this assessment, or from another copy of it")
    before = rec.results.get("ratings", {}) if isinstance(rec.results, dict) else {}
    now = {k: [str(r.status), r.justification] for k, r in a.ratings().items()}
    changed = tuple(sorted(k for k in set(before) | set(now)
                           if list(before.get(k, ["unrated", ""])) != now.get(k, ["unrated", ""])))
    current = a.meta.frozen_digest if a.meta.locked else None
    if rec.superseded or changed or current != rec.digest:
        what = (f"the results of {len(changed)} requirement(s) changed after issue: {', '.join(changed[:20])}"
                f"{' …' if len(changed) > 20 else ''}") if changed else \
            "no requirement's rating changed, but the file's other records or its lock did"
        when = f" (unlocked {str(rec.superseded_at or '')[:10]}: {rec.superseded_reason})" if rec.superseded else ""
        return RegisterStatus("superseded", f"certificate {number} is superseded{when}; {what}", changed)
    return RegisterStatus("valid", f"certificate {number} is the current certificate of {a.path.name}: the results "
                                   "are those it was issued on")
