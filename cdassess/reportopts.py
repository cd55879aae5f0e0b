"""Report options saved per assessment: which sections the gap report prints, the organization's logo, a cover
text and the assessor signature block.

They are presentation only: they are kept in the assessment file (schema step 0007_report_options), each
change is an audited edit that ``check`` replays, but they are not part of the results digest a lock freezes
(a logo or a signature line changes no result), so they can be set on a locked assessment too.

This module has no store or services dependency: the records and the validation of user input (a logo must be
a PNG or JPEG image of at most :data:`LOGO_MAX_BYTES` and :data:`LOGO_MAX_PIXELS` per side).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cdassess.errors import InvalidValueError

# The gap report's optional sections, in report order (the cover is always printed). The DOCX has no heat map,
# no claim/rating disagreements and no appendix: those ids are accepted and simply have nothing to leave out.
SECTIONS: tuple[str, ...] = ("summary", "heatmap", "gaps", "not_applicable", "blockers", "disagreements",
                             "evidence", "appendix", "signatures")
SECTION_TITLES: dict[str, tuple[str, str]] = {
    "summary": ("总体结果", "Summary"),
    "heatmap": ("能力项热力图", "Heat map"),
    "gaps": ("差距与其他发现", "Gaps and other findings"),
    "not_applicable": ("不适用的要求", "Requirements not applicable"),
    "blockers": ("下一级别的阻碍", "What blocks the next level"),
    "disagreements": ("自评与评定不一致", "Claim and rating disagreements"),
    "evidence": ("证据索引", "Evidence index"),
    "appendix": ("附录", "Appendix"),
    "signatures": ("签字栏", "Signature block"),
}
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 4000
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
COVER_TEXT_MAX = 2000
SIGNATURES_MAX = 8
NAME_MAX = 120


@dataclass(frozen=True)
class Signatory:
    """One line of the signature block: who signs and in which role (name or role may be empty)."""

    name: str = ""
    role: str = ""


@dataclass(frozen=True)
class Logo:
    """The organization's logo as stored in the file."""

    data: bytes = field(repr=False)
    media_type: str  # image/png | image/jpeg
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class ReportOptions:
    """What the gap report of one assessment prints beyond its results."""

    omitted: tuple[str, ...] = ()  # section ids left out (a section added by a later version is printed)
    cover_text: str = ""
    signatures: tuple[Signatory, ...] = ()
    logo: Logo | None = None

    def includes(self, section: str) -> bool:
        return section not in self.omitted

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(s for s in SECTIONS if s not in self.omitted)

    @property
    def is_default(self) -> bool:
        return self == ReportOptions()

    def as_audit(self) -> dict[str, Any]:
        """What an audit row records (the logo by its hash, type and size, never its bytes)."""
        logo = None if self.logo is None else {"sha256": self.logo.sha256, "media_type": self.logo.media_type,
                                               "size": len(self.logo.data)}
        return {"omitted": list(self.omitted), "cover_text": self.cover_text,
                "signatures": [[s.name, s.role] for s in self.signatures], "logo": logo}

    def as_json(self) -> dict[str, Any]:
        logo = None if self.logo is None else {"sha256": self.logo.sha256, "media_type": self.logo.media_type,
                                               "size": len(self.logo.data), "width": self.logo.width,
                                               "height": self.logo.height}
        return {"sections": list(self.sections), "omitted": list(self.omitted), "cover_text": self.cover_text,
                "signatures": [{"name": s.name, "role": s.role} for s in self.signatures], "logo": logo}


@dataclass(frozen=True)
class ReportOptionsChange:
    """The report options before and after a save."""

    old: ReportOptions
    new: ReportOptions

    @property
    def changed(self) -> bool:
        return self.old != self.new


# ------------------------------------------------------------------------------------ validation


def parse_sections(values: Iterable[str]) -> tuple[str, ...]:
    """Section ids (comma- or space-separated parts allowed) -> the ids, each checked."""
    out: list[str] = []
    for value in values:
        for part in value.replace(",", " ").split():
            key = part.strip().lower().replace("-", "_")
            if key not in SECTIONS:
                raise InvalidValueError(f"unknown report section {part!r} (accepted: {', '.join(SECTIONS)})")
            if key not in out:
                out.append(key)
    return tuple(out)


def omitted_from(included: Iterable[str]) -> tuple[str, ...]:
    keep = set(parse_sections(included))
    return tuple(s for s in SECTIONS if s not in keep)


def parse_signature(text: str) -> Signatory:
    """``"Name|Role"`` (either part may be empty, e.g. ``"|Lead assessor"`` for a line to sign by hand)."""
    name, _, role = text.partition("|")
    return Signatory(name.strip(), role.strip())


def _one_line(text: str, what: str, limit: int) -> str:
    text = text.strip()
    if any(c in text for c in "\r\n\t") or any(ord(c) < 32 for c in text):
        raise InvalidValueError(f"{what} {text[:40]!r} holds a line break or a control character (one line only)")
    if len(text) > limit:
        raise InvalidValueError(f"{what} is {len(text)} characters long (at most {limit})")
    return text


def validated(options: ReportOptions) -> ReportOptions:
    """The options with whitespace trimmed; InvalidValueError naming what is wrong and what is accepted."""
    omitted = tuple(s for s in SECTIONS if s in set(parse_sections(options.omitted)))
    cover = options.cover_text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(cover) > COVER_TEXT_MAX:
        raise InvalidValueError(f"the cover text is {len(cover)} characters long (at most {COVER_TEXT_MAX})")
    if any(ord(c) < 32 and c not in "\n\t" for c in cover):
        raise InvalidValueError("the cover text holds a control character")
    if len(options.signatures) > SIGNATURES_MAX:
        raise InvalidValueError(f"{len(options.signatures)} signature lines (at most {SIGNATURES_MAX})")
    sigs = []
    for i, s in enumerate(options.signatures, start=1):
        sig = Signatory(_one_line(s.name, f"signature line {i}: the name", NAME_MAX),
                        _one_line(s.role, f"signature line {i}: the role", NAME_MAX))
        if sig.name or sig.role:
            sigs.append(sig)
    return replace(options, omitted=omitted, cover_text=cover, signatures=tuple(sigs))


def read_logo(data: bytes, where: str = "the logo") -> Logo:
    """A PNG or JPEG image, size-limited, decoded once to prove it is one (Pillow)."""
    if len(data) > LOGO_MAX_BYTES:
        raise InvalidValueError(f"{where} is {len(data) / 1024:.0f} KB; a logo may be at most "
                                f"{LOGO_MAX_BYTES // 1024} KB (save it smaller, e.g. 600 pixels wide)")
    if not data:
        raise InvalidValueError(f"{where} is empty (accepted: a PNG or JPEG image)")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            kind = img.format or ""
            width, height = img.size
            if kind not in LOGO_TYPES:
                raise InvalidValueError(f"{where} is a {kind or 'unknown'} image (accepted: PNG or JPEG)")
            if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS or width < 1 or height < 1:
                raise InvalidValueError(f"{where} is {width}×{height} pixels (at most {LOGO_MAX_PIXELS} per side)")
            img.load()  # decodes every pixel: a truncated or damaged image fails here
    except InvalidValueError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidValueError(f"{where} is not a readable PNG or JPEG image") from None
    return Logo(data, LOGO_TYPES[kind], width, height)


def read_logo_file(path: str | Path) -> Logo:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > LOGO_MAX_BYTES:
            raise InvalidValueError(f"{p} is {size / 1024:.0f} KB; a logo may be at most {LOGO_MAX_BYTES // 1024} KB "
                                    "(save it smaller, e.g. 600 pixels wide)")
        data = p.read_bytes()
    except OSError as exc:
        raise InvalidValueError(f"{p}: cannot read the logo ({exc.strerror or exc})") from None
    return read_logo(data, str(p))
