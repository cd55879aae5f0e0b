"""Columns found by their header, not their position, and the words accepted in answer cells.

A header cell holds Chinese and English together ("自评 / Self-assessment"); a column is recognised by
English words or Chinese fragments in it, so reordered, renamed-a-little, extra and missing optional columns
all work. When a header matches several columns the most specific pattern wins ("Evidence references" is the
references column even though it also says "Evidence").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from cdassess.scale import CAICT_ACCEPTED, CAICT_SCALE, RatingScale, norm_word

_WORD = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    patterns: tuple[str, ...] = ()
    """Each pattern: English words separated by spaces (all must appear as words), or a Chinese fragment."""
    required: bool = False
    width: float = 14

    @property
    def header(self) -> str:
        return f"{self.zh}\n{self.en}"

    @property
    def label(self) -> str:
        return f"{self.zh} / {self.en}"

    def score(self, words: frozenset[str], text: str) -> int:
        best = 0
        for pat in (self.zh, self.en.lower(), *self.patterns):
            if _CJK.search(pat):
                hit = pat in text
            else:
                need = _WORD.findall(pat.lower())
                hit = bool(need) and all(w in words for w in need)
            if hit:
                best = max(best, len(pat))
        return best


def header_words(text: str) -> tuple[frozenset[str], str]:
    low = unicodedata.normalize("NFKC", text).lower()
    return frozenset(_WORD.findall(low)), low


@dataclass(frozen=True)
class HeaderMatch:
    row: int
    """1-based row of the header."""
    index: dict[str, int]
    """Column key -> 0-based position."""
    duplicates: list[tuple[str, list[int]]]
    missing: list[Column]
    cells: tuple[object, ...] = ()
    """The header row as read (to name the columns that were not read)."""


def match_header(cells: Sequence[object], columns: Sequence[Column]) -> tuple[dict[str, int],
                                                                             list[tuple[str, list[int]]]]:
    """Column key -> position. When several headers fit one column the best fitting one is used (an extra
    "内部备注 Internal" column does not displace "备注 / Comment"); equally good ones are duplicates."""
    found: dict[str, list[tuple[int, int]]] = {}
    for pos, value in enumerate(cells):
        if not isinstance(value, str) or not value.strip():
            continue
        words, low = header_words(value)
        scored = [(c.score(words, low), -i, c.key) for i, c in enumerate(columns)]
        best = max(scored)
        if best[0] > 0:
            found.setdefault(best[2], []).append((best[0], pos))
    index: dict[str, int] = {}
    dups: list[tuple[str, list[int]]] = []
    for key, hits in found.items():
        top = max(score for score, _ in hits)
        tied = [pos for score, pos in hits if score == top]
        index[key] = tied[0]
        if len(tied) > 1:
            dups.append((key, tied))
    return index, dups


def find_header(rows: Sequence[Sequence[object]], columns: Sequence[Column]) -> HeaderMatch | None:
    """The first of ``rows`` that holds every required column, or None."""
    required = [c for c in columns if c.required]
    for r, cells in enumerate(rows, 1):
        index, dups = match_header(cells, columns)
        if all(c.key in index for c in required) and len(index) >= min(2, len(columns)):
            return HeaderMatch(r, index, dups, [c for c in columns if c.key not in index], tuple(cells))
    return None


def col_letter(pos: int) -> str:
    """0-based position -> Excel column letters."""
    n, out = pos + 1, ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


# --------------------------------------------------------------------------------------------- answer words

CLAIM_ACCEPTED = CAICT_ACCEPTED


def claim_choice(status: str, scale: RatingScale = CAICT_SCALE, lang: str = "both") -> str:
    """The text the dropdown offers for a status (and that is read back): "满足 / Met" in both languages."""
    return scale.label(status, lang)


def claim_choices(scale: RatingScale = CAICT_SCALE, lang: str = "both") -> tuple[str, ...]:
    return tuple(claim_choice(o.id, scale, lang) for o in scale.options)


CLAIM_CHOICES = claim_choices()


def _norm(text: str) -> str:
    """Case, width (Ｙ typed with a Chinese input method is Y) and white space do not matter."""
    return norm_word(text)


def parse_status_word(value: object, scale: RatingScale = CAICT_SCALE) -> str | None:
    """A claim or rating from a cell: an option id of ``scale``; "unrated" for a blank; None when not understood.

    Accepts the option ids, labels in either language and the scale's own answer words (CAICT: every word the
    questionnaire has always accepted, "Y", "部分", "否", ...).
    """
    return scale.parse(value)


_YES = {"yes", "y", "true", "1", "是", "需要", "x", "√", "✓", "needs review", "需复核"}
_NO = {"", "no", "n", "false", "0", "否", "不需要", "-"}


def parse_flag(value: object) -> bool | None:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value) if value in (0, 1) else None
    text = _norm(str(value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def cell_text(value: object) -> str:
    """A cell value as the text the user sees: whole floats without '.0', dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value).strip()


def unread_columns(header: HeaderMatch, known: Sequence[Column]) -> list[tuple[int, str]]:
    """Headed columns that neither the reader nor the exporter knows (a team's own additions), by position."""
    index, _ = match_header(header.cells, known)
    used = set(index.values()) | set(header.index.values())
    return [(pos, str(v).strip()) for pos, v in enumerate(header.cells)
            if isinstance(v, str) and v.strip() and pos not in used]
