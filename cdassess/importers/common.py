"""Shared pieces of the importers: the converted result, IDs, texts, and problem collection."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdassess.errors import ModelError, Problem

FORMAT_V2 = "cdassess-model/2"
_OPTION_ID = re.compile(r"^[a-z0-9_]+$")


@dataclass
class Converted:
    """A source file turned into a ``cdassess-model/2`` dictionary, with what the importer had to decide."""

    kind: str
    """dsomm, samm, ciso-assistant (the native kinds do not go through a dictionary)."""
    data: dict[str, Any]
    notes: list[str] = field(default_factory=list)


class Problems:
    """Collects every problem with its place, then raises one :class:`ModelError` naming the file."""

    def __init__(self, path: Path, what: str) -> None:
        self.path = path
        self.what = what
        self.items: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(Problem(f"{self.path.name}: {where}" if where else self.path.name, message))

    def raise_if_any(self) -> None:
        if self.items:
            n = len(self.items)
            raise ModelError(f"{self.path} is not a valid {self.what} ({n} problem{'s' if n > 1 else ''}); "
                             "nothing was added to the library", self.items)


class Ids:
    """Every id given out in one model (domains, subdomains, items and requirements share one namespace)."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.seen: dict[str, str] = {}

    def take(self, ident: str, where: str) -> str:
        if ident in self.seen:
            self.problems.add(where, f"duplicate id {ident!r} after import (also used by {self.seen[ident]}); "
                                     "every node of a model needs its own identifier")
        else:
            self.seen[ident] = where
        return ident


def slug(text: str, sep: str = "-") -> str:
    """Lower-case ASCII words joined by ``sep`` ("Build and Deployment" -> "build-and-deployment")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return sep.join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def option_id(text: str, taken: Iterable[str] = ()) -> str:
    """A scale option id (``^[a-z0-9_]+$``, never ``unrated``) made from a label, unique among ``taken``."""
    base = slug(text, "_")[:40].strip("_") or "option"
    if base == "unrated":
        base = "unrated_answer"
    used = set(taken)
    ident, n = base, 2
    while ident in used:
        ident, n = f"{base}_{n}", n + 1
    assert _OPTION_ID.match(ident)
    return ident


def scalar_text(value: Any) -> str:
    """A YAML scalar as the words its author wrote (YAML 1.1 reads a bare ``No`` as false)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def first_words(text: str, n: int = 8, limit: int = 60) -> str:
    """The first ``n`` words of ``text`` (at most ``limit`` characters), with an ellipsis when cut."""
    words = " ".join(text.split()).split(" ")
    out = " ".join(words[:n])
    cut = len(words) > n
    if len(out) > limit:
        out, cut = out[:limit].rsplit(" ", 1)[0] or out[:limit], True
    out = out.rstrip(" ,;:.-")
    return out + "…" if cut else out


def md_join(*parts: str) -> str:
    """Markdown paragraphs, empty ones left out."""
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def plain_to_md(value: str) -> str:
    """Plain text whose single line breaks are meant (CISO Assistant's texts) as Markdown: hard line breaks."""
    paragraphs = re.split(r"\n\s*\n", value.strip())
    return "\n\n".join("  \n".join(line.rstrip() for line in p.splitlines()) for p in paragraphs)


def md_section(title: str, body: str) -> str:
    body = body.strip()
    return f"**{title}**\n\n{body}" if body else ""


def text(en: str, zh: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if en.strip():
        out["en"] = en.strip()
    if zh.strip():
        out["zh"] = zh.strip()
    return out


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def reference(title: str, url: str = "") -> dict[str, str]:
    ref = {"title": title.strip()}
    if url and is_url(url.strip()):
        ref["url"] = url.strip()
    return ref


def prune(obj: dict[str, Any]) -> dict[str, Any]:
    """Drop optional keys whose value is empty (an empty text, list or dict)."""
    return {k: v for k, v in obj.items() if v not in ({}, [], "", None)}
