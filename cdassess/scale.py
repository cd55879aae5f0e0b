"""A model's rating scale: the answer options an assessor (or a questionnaire) may give a requirement.

A status is a string everywhere: an option id of the assessment's model scale, or ``"unrated"`` (no rating).
The scale says what an option means: its labels, its weight in [0, 1], whether it satisfies a requirement for
the cumulative rule, whether it needs a justification, and whether it is left out of averages (N/A).
:meth:`RatingScale.parse` turns what people type (ids, labels in either language, the model's own answer
words) into an option id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cdassess.errors import InvalidValueError

UNRATED = "unrated"
OPTION_ID = re.compile(r"^[a-z0-9_]+$")
UNRATED_LABELS = {"zh": "未评", "en": "Unrated"}
UNRATED_WORDS = ("unrated", "未评", "未评估", "-", "—", "none")


def norm_word(text: str) -> str:
    """Case, width (Ｙ typed with a Chinese input method is Y) and white space do not matter."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).lower()


@dataclass(frozen=True)
class ScaleOption:
    id: str
    labels: Mapping[str, str]
    weight: float
    satisfies: bool
    needs_justification: bool = False
    not_applicable: bool = False
    words: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        """The label in ``lang`` ("zh"/"en"), else in the other language, else the id."""
        other = "en" if lang == "zh" else "zh"
        return self.labels.get(lang) or self.labels.get(other) or self.id

    def both(self, sep: str = " / ") -> str:
        zh, en = self.labels.get("zh", ""), self.labels.get("en", "")
        if zh and en and zh != en:
            return f"{zh}{sep}{en}"
        return zh or en or self.id

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "labels": dict(self.labels), "weight": self.weight, "satisfies": self.satisfies,
                "needs_justification": self.needs_justification, "not_applicable": self.not_applicable,
                "words": list(self.words)}


@dataclass(frozen=True)
class RatingScale:
    """The options in display order, with a word index for :meth:`parse`."""

    options: tuple[ScaleOption, ...]
    _by_id: dict[str, ScaleOption] = field(default_factory=dict, compare=False, repr=False)
    _words: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        by_id = {o.id: o for o in self.options}
        words: dict[str, str] = {}
        ambiguous: set[str] = set()

        def add(word: str, opt_id: str) -> None:
            key = norm_word(word)
            if not key or key in ambiguous:
                return
            if key in words and words[key] != opt_id:
                ambiguous.add(key)
                del words[key]
                return
            words[key] = opt_id

        # Ids first, then labels and combined labels, then the extra words: an earlier meaning is kept.
        for o in self.options:
            add(o.id, o.id)
            add(o.id.replace("_", " "), o.id)
        for o in self.options:
            for label in o.labels.values():
                add(label, o.id)
            add(o.both(), o.id)
            add(o.both("/"), o.id)
        for o in self.options:
            for w in o.words:
                if norm_word(w) not in words:
                    add(w, o.id)
        for w in UNRATED_WORDS:
            words.setdefault(norm_word(w), UNRATED)
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_words", words)

    # ------------------------------------------------------------------------------------ lookups

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    def get(self, status: str) -> ScaleOption | None:
        return self._by_id.get(str(status))

    def option(self, status: str) -> ScaleOption:
        opt = self._by_id.get(str(status))
        if opt is None:
            raise InvalidValueError(f"unknown rating {status!r} (accepted: {', '.join(self.ids)}, unrated)")
        return opt

    def __contains__(self, status: object) -> bool:
        return str(status) in self._by_id

    def label(self, status: str, lang: str) -> str:
        """The option's label in ``lang`` ("zh", "en" or "both"); ``unrated`` has its own label."""
        if str(status) == UNRATED:
            return UNRATED_LABELS["en" if lang == "en" else "zh"] if lang != "both" else \
                f"{UNRATED_LABELS['zh']} / {UNRATED_LABELS['en']}"
        opt = self.get(status)
        if opt is None:
            return str(status)
        return opt.both() if lang == "both" else opt.label(lang)

    def satisfies(self, status: str, lenient: bool = False) -> bool:
        """Whether the status satisfies a requirement (lenient: also any option weighing 0.5 or more)."""
        opt = self._by_id.get(str(status))
        if opt is None:
            return False
        return opt.satisfies or (lenient and opt.weight >= 0.5)

    def weight(self, status: str) -> float | None:
        """The answer's weight for averages; None for an N/A option (left out); 0 for unrated or unknown."""
        opt = self._by_id.get(str(status))
        if opt is None:
            return 0.0
        return None if opt.not_applicable else opt.weight

    def needs_justification(self, status: str) -> bool:
        opt = self._by_id.get(str(status))
        return bool(opt and opt.needs_justification)

    def kind(self, status: str) -> str:
        """What a status looks like: one of CAICT's ids (met, partial, not_met, na) or unrated.

        CAICT's own options are themselves; another scale's option is "na" when not applicable, "met" at weight
        1, "not_met" at weight 0 and "partial" in between (icons, colours and report symbols use this).
        """
        opt = self._by_id.get(str(status))
        if opt is None:
            return UNRATED
        if opt.id in CAICT_IDS and self.is_caict:
            return opt.id
        if opt.not_applicable:
            return "na"
        if opt.weight >= 1:
            return "met"
        if opt.weight <= 0:
            return "not_met"
        return "partial"

    @property
    def is_caict(self) -> bool:
        return self.ids == CAICT_IDS

    def words_for(self, status: str) -> tuple[str, ...]:
        return tuple(w for w, s in self._words.items() if s == status)

    # ------------------------------------------------------------------------------------ parsing

    def parse(self, value: object) -> str | None:
        """An option id (or ``unrated`` for a blank) from a cell or a typed word; None when not understood.

        Accepts the option ids, the labels in either language ("满足 / Met" too), the options' extra words,
        case- and width-insensitive; booleans and numbers map to the option with that weight.
        """
        if value is None:
            return UNRATED
        if isinstance(value, bool):
            return self._by_weight(1.0 if value else 0.0)
        if isinstance(value, (int, float)):
            return self._by_weight(float(value))
        text = norm_word(str(value))
        if not text:
            return UNRATED
        hit = self._words.get(text)
        if hit is not None:
            return hit
        for sep in (" / ", "/"):  # "满足 / Met": every part must be understood and say the same thing
            if sep in text:
                parts = {self._words.get(p.strip()) for p in text.split(sep) if p.strip()}
                if len(parts) == 1 and None not in parts:
                    return parts.pop()
        hit = self._words.get(text.replace(" ", "_").replace("-", "_"))
        if hit is not None:
            return hit
        return None

    def _by_weight(self, weight: float) -> str | None:
        hits = [o.id for o in self.options if not o.not_applicable and o.weight == weight]
        return hits[0] if len(hits) == 1 else None

    def parse_or_raise(self, value: object, what: str = "rating") -> str:
        """:meth:`parse`, raising a message that lists what is accepted."""
        hit = self.parse(value)
        if hit is None:
            raise InvalidValueError(f"unknown {what} {value!r} (accepted: {self.accepted_text()})")
        return hit

    def accepted_text(self) -> str:
        """What a user may type, one group per option (for error messages and instructions)."""
        if self.is_caict:
            return CAICT_ACCEPTED
        groups = []
        for o in self.options:
            seen: list[str] = []
            for w in (o.id, *o.labels.values(), *o.words):
                if w and w not in seen:
                    seen.append(w)
            groups.append(" / ".join(seen[:4]))
        return "; ".join(groups) + "; or leave it empty"

    def to_list(self) -> list[dict[str, Any]]:
        return [o.to_dict() for o in self.options]


# --------------------------------------------------------------------------------------------- CAICT

CAICT_IDS = ("met", "partial", "not_met", "na")
CAICT_ACCEPTED = ("met / 满足 / 是 / Y / yes / 1 / true; partial / 部分满足 / 部分 / P; "
                  "not met / 不满足 / 否 / N / no / 0 / false; N/A / 不适用 / NA; or leave it empty")
CAICT_SCALE = RatingScale((
    ScaleOption("met", {"zh": "满足", "en": "Met"}, 1.0, True,
                words=("满足", "是", "y", "yes", "1", "true", "fully met", "符合", "已满足", "√", "✓", "✔")),
    ScaleOption("partial", {"zh": "部分满足", "en": "Partially met"}, 0.5, False,
                words=("partially met", "partly met", "部分满足", "部分", "p", "部分符合", "0.5")),
    ScaleOption("not_met", {"zh": "不满足", "en": "Not met"}, 0.0, False,
                words=("not met", "notmet", "not-met", "不满足", "否", "n", "no", "0", "false", "未满足",
                       "不符合", "×", "✗")),
    ScaleOption("na", {"zh": "不适用", "en": "N/A"}, 1.0, True, needs_justification=True, not_applicable=True,
                words=("n/a", "n / a", "na", "n.a.", "n.a", "not applicable", "不适用", "无关", "n_a")),
))


def parse_scale(raw: Any, where: str, add: Any, languages: Iterable[str]) -> RatingScale | None:
    """Validate a model file's ``scale`` list; ``add(where, message)`` records each problem."""
    if not isinstance(raw, list) or not raw:
        add(where, "scale must be a non-empty list of options")
        return None
    langs = tuple(languages)
    options: list[ScaleOption] = []
    seen: set[str] = set()
    for i, o in enumerate(raw):
        opt = _parse_option(o, f"{where}[{i}]", add, langs, seen)
        if opt is not None:
            options.append(opt)
    if options and not any(o.satisfies for o in options):
        add(where, "no option satisfies a requirement (give at least one option \"satisfies\": true)")
    return RatingScale(tuple(options)) if options else None


_OPTION_KEYS = {"id", "labels", "weight", "satisfies", "needs_justification", "not_applicable", "words"}


def _parse_option(o: Any, w: str, add: Any, langs: tuple[str, ...], seen: set[str]) -> ScaleOption | None:
    if not isinstance(o, Mapping):
        add(w, f"expected an object, found {type(o).__name__}")
        return None
    for key in o:
        if key not in _OPTION_KEYS:
            add(w, f"unknown key {key!r} (accepted: {', '.join(sorted(_OPTION_KEYS))})")
    oid = o.get("id")
    if not isinstance(oid, str) or not OPTION_ID.match(oid):
        add(w, f"option id {oid!r} must match [a-z0-9_]+")
        return None
    w = f"{w} ({oid})"
    if oid == UNRATED:
        add(w, "'unrated' is reserved (it is the absence of a rating)")
        return None
    if oid in seen:
        add(w, f"duplicate option id {oid!r}")
        return None
    seen.add(oid)
    labels = _parse_labels(o.get("labels", {}), f"{w}.labels", add, langs)
    weight = o.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
        add(f"{w}.weight", f"weight must be a number in [0, 1], found {weight!r}")
        weight = 0.0
    flags: dict[str, bool] = {}
    for key, default in (("satisfies", None), ("needs_justification", False), ("not_applicable", False)):
        val = o.get(key, default)
        if not isinstance(val, bool):
            add(f"{w}.{key}", f"{key} must be true or false, found {val!r}")
            val = False
        flags[key] = val
    words_raw = o.get("words", [])
    words: list[str] = []
    if not isinstance(words_raw, list) or not all(isinstance(x, str) for x in words_raw):
        add(f"{w}.words", "words must be a list of strings")
    else:
        words = [x.strip() for x in words_raw if x.strip()]
    return ScaleOption(oid, labels, float(weight), flags["satisfies"], flags["needs_justification"],
                       flags["not_applicable"], tuple(words))


def _parse_labels(raw: Any, where: str, add: Any, langs: tuple[str, ...]) -> dict[str, str]:
    if isinstance(raw, str):
        return {lang: raw.strip() for lang in langs}
    if not isinstance(raw, Mapping):
        add(where, "labels must be an object over zh/en")
        return {}
    labels: dict[str, str] = {}
    for k, v in raw.items():
        if k not in ("zh", "en") or not isinstance(v, str):
            add(where, f"labels must map zh/en to strings, found {k!r}: {v!r}")
        elif v.strip():
            labels[k] = v.strip()
    return labels
