"""Capability models: types, the loader that validates a model file, and the model library.

A model is data (JSON, format ``cdassess-model/1`` or ``cdassess-model/2``, see /work/coord/model-v2.md and
the README). The loader accepts any model that follows the format: other level counts (1-4, 0-5) and no
subdomain layer (a domain may hold ``items`` directly; they are put in one implicit subdomain so every consumer
sees the same four-layer tree). Version 2 adds any number of requirements per level, descriptions, references,
tags and dependencies on every node, texts in one or both languages, a rating scale and a scoring rule.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdassess.errors import ModelError, NotFoundError, Problem
from cdassess.scale import CAICT_SCALE, RatingScale, parse_scale

FORMAT = "cdassess-model/1"
FORMAT_V2 = "cdassess-model/2"
FORMATS = (FORMAT, FORMAT_V2)
SCORING_RULES = ("cumulative", "weighted", "coverage")
EMPTY_LEVELS = ("pass", "hold")
PROVENANCES = ("confirmed", "paraphrased", "inferred")
EVIDENCE_TYPES = ("document", "demonstration", "record", "report", "metric", "interview", "configuration")
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Text:
    """A text in Chinese and English; either may be empty (``get`` falls back to the other)."""

    zh: str = ""
    en: str = ""

    def get(self, lang: str) -> str:
        """The text in ``lang`` ("zh" or "en"), or in the other language when that one is empty."""
        first, second = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        return first or second

    def both(self, sep: str = " / ") -> str:
        """Chinese and English together (one of them when they are equal or one is empty)."""
        if self.zh and self.en and self.zh != self.en:
            return f"{self.zh}{sep}{self.en}"
        return self.zh or self.en

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Reference:
    title: str
    url: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url}


@dataclass(frozen=True)
class Scoring:
    """How ratings become levels and scores: ``rule`` (cumulative, weighted, coverage) and ``empty_levels``.

    ``empty_levels`` "pass": a level at which an item has no requirement is passed as soon as the levels below
    are (CAICT, v1); "hold": it is never reached on its own (an item's level is the highest level that has
    requirements, with every requirement up to it satisfied).
    """

    rule: str = "cumulative"
    empty_levels: str = "pass"

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "empty_levels": self.empty_levels}


@dataclass(frozen=True)
class Level:
    n: int
    names: Text
    meaning: Text = Text()


@dataclass(frozen=True)
class Requirement:
    id: str
    level: int
    text: Text
    item_id: str
    guidance: Text = Text()
    evidence_types: tuple[str, ...] = ()
    provenance: str = "confirmed"
    description: Text = Text()
    references: tuple[Reference, ...] = ()
    tags: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    id: str
    names: Text
    subdomain_id: str
    domain_id: str
    description: Text = Text()
    requirements: tuple[Requirement, ...] = ()
    references: tuple[Reference, ...] = ()
    tags: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()

    def requirements_at(self, level: int) -> tuple[Requirement, ...]:
        """Every requirement of the item at ``level`` (v2 models may have several, or none)."""
        return self._by_level.get(level, ())

    @functools.cached_property
    def _by_level(self) -> dict[int, tuple[Requirement, ...]]:
        out: dict[int, list[Requirement]] = {}
        for r in self.requirements:
            out.setdefault(r.level, []).append(r)
        return {n: tuple(rs) for n, rs in out.items()}

    @property
    def levels_used(self) -> tuple[int, ...]:
        return tuple(sorted({r.level for r in self.requirements}))


@dataclass(frozen=True)
class Subdomain:
    id: str
    names: Text
    domain_id: str
    description: Text = Text()
    items: tuple[Item, ...] = ()
    implicit: bool = False
    """True when the model file had no subdomain layer here (the domain held items directly)."""
    references: tuple[Reference, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Domain:
    id: str
    names: Text
    description: Text = Text()
    subdomains: tuple[Subdomain, ...] = ()
    references: tuple[Reference, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for s in self.subdomains for i in s.items)


@dataclass(frozen=True)
class Model:
    id: str
    version: str
    names: Text
    levels: tuple[Level, ...]
    domains: tuple[Domain, ...]
    source: Text = Text()
    provenance_note: Text = Text()
    format: str = FORMAT
    languages: tuple[str, ...] = LANGS
    description: Text = Text()
    origin: Mapping[str, str] = field(default_factory=dict, compare=False)
    """v2 ``source`` object (kind, title, url, file, imported_at, license); empty for v1 models."""
    scale: RatingScale = field(default=CAICT_SCALE, compare=False)
    scoring: Scoring = Scoring()
    requirements: Mapping[str, Requirement] = field(default_factory=dict, compare=False, repr=False)
    items: Mapping[str, Item] = field(default_factory=dict, compare=False, repr=False)
    subdomains: Mapping[str, Subdomain] = field(default_factory=dict, compare=False, repr=False)
    domain_index: Mapping[str, Domain] = field(default_factory=dict, compare=False, repr=False)

    @property
    def min_level(self) -> int:
        return self.levels[0].n

    @property
    def max_level(self) -> int:
        return self.levels[-1].n

    @functools.cached_property
    def level_numbers(self) -> tuple[int, ...]:  # asked once per item by the scoring: computed once
        return tuple(lv.n for lv in self.levels)

    @property
    def has_subdomains(self) -> bool:
        return any(not s.implicit for d in self.domains for s in d.subdomains)

    @property
    def bilingual(self) -> bool:
        return len(self.languages) > 1

    def has_lang(self, lang: str) -> bool:
        return lang in self.languages

    def level(self, n: int) -> Level:
        for lv in self.levels:
            if lv.n == n:
                return lv
        raise NotFoundError(f"model {self.id} has no level {n} (levels are {self.level_range_text()})")

    def level_range_text(self) -> str:
        return f"{self.min_level}-{self.max_level}"

    def requirement(self, req_id: str) -> Requirement:
        try:
            return self.requirements[req_id]
        except KeyError:
            raise NotFoundError(
                f"unknown requirement ID {req_id!r} in model {self.id} {self.version} "
                f"(IDs look like {next(iter(self.requirements), '?')!r})"
            ) from None

    def item_of(self, req_id: str) -> Item:
        return self.items[self.requirement(req_id).item_id]

    def domain(self, domain_id: str) -> Domain:
        try:
            return self.domain_index[domain_id]
        except KeyError:
            raise NotFoundError(f"unknown domain {domain_id!r} in model {self.id}") from None

    def path_of(self, req_id: str) -> tuple[Domain, Subdomain, Item, Requirement]:
        req = self.requirement(req_id)
        item = self.items[req.item_id]
        return (self.domain_index[item.domain_id], self.subdomains[item.subdomain_id], item, req)

    def iter_requirements(self, max_level: int | None = None) -> Iterator[Requirement]:
        """Requirements in tree order (domain, subdomain, item, level), optionally up to ``max_level``."""
        for req in self.requirements.values():
            if max_level is None or req.level <= max_level:
                yield req

    def to_dict(self) -> dict[str, Any]:
        """The model as a model-file dictionary (the loader reads it back to an equal model)."""
        if self.format == FORMAT_V2:
            return _v2_dict(self)

        def req_dict(r: Requirement) -> dict[str, Any]:
            return {
                "id": r.id,
                "level": r.level,
                "text": r.text.as_dict(),
                "guidance": r.guidance.as_dict(),
                "evidence_types": list(r.evidence_types),
                "provenance": r.provenance,
            }

        def item_dict(i: Item) -> dict[str, Any]:
            return {
                "id": i.id,
                "names": i.names.as_dict(),
                "description": i.description.as_dict(),
                "requirements": [req_dict(r) for r in i.requirements],
            }

        def domain_dict(d: Domain) -> dict[str, Any]:
            out: dict[str, Any] = {"id": d.id, "names": d.names.as_dict(), "description": d.description.as_dict()}
            if len(d.subdomains) == 1 and d.subdomains[0].implicit:
                out["items"] = [item_dict(i) for i in d.subdomains[0].items]
            else:
                out["subdomains"] = [
                    {
                        "id": s.id,
                        "names": s.names.as_dict(),
                        "description": s.description.as_dict(),
                        "items": [item_dict(i) for i in s.items],
                    }
                    for s in d.subdomains
                ]
            return out

        return {
            "format": FORMAT,
            "id": self.id,
            "version": self.version,
            "names": self.names.as_dict(),
            "source": self.source.as_dict(),
            "provenance_note": self.provenance_note.as_dict(),
            "levels": [{"n": lv.n, "names": lv.names.as_dict(), "meaning": lv.meaning.as_dict()} for lv in self.levels],
            "domains": [domain_dict(d) for d in self.domains],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)


# --------------------------------------------------------------------------------------------- loading


class _Checker:
    """Collects every problem with its location instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.v2 = False
        self.languages: tuple[str, ...] = LANGS

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def keys(self, obj: Mapping[str, Any], where: str, allowed: set[str], required: set[str]) -> None:
        names = obj.keys()
        if names <= allowed and required <= names:  # the usual case, in C
            return
        for key in obj:
            if key not in allowed:
                self.add(where, f"unknown key {key!r} (accepted: {', '.join(sorted(allowed))})")
        for key in sorted(required - set(obj)):
            self.add(where, f"missing {key!r}")

    def mapping(self, value: Any, where: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.add(where, f"expected an object, found {type(value).__name__}")
            return None
        return value

    def sequence(self, value: Any, where: str, what: str) -> list[Any]:
        if not isinstance(value, list):
            self.add(where, f"{what} must be a list, found {type(value).__name__}")
            return []
        return value

    def text(self, value: Any, where: str, *, required: bool) -> Text:
        if value is None:
            if required:
                self.add(where, f"missing (give at least one of {self._langs()})")
            return Text()
        if isinstance(value, str):  # a plain string is the same text in every language of the model
            if required and not value.strip():
                self.add(where, "is empty")
            v = value.strip() if self.v2 else value
            return Text(v if "zh" in self.languages else "", v if "en" in self.languages else "")
        obj = self.mapping(value, where)
        if obj is None:
            return Text()
        for key in obj:
            if key not in LANGS:
                self.add(where, f"unknown language key {key!r} (accepted: zh, en)")
        zh, en = obj.get("zh", ""), obj.get("en", "")
        if not isinstance(zh, str) or not isinstance(en, str):
            self.add(where, "zh and en must be strings")
            return Text()
        if self.v2:
            for lang, val in (("zh", zh), ("en", en)):
                if val.strip() and lang not in self.languages:
                    self.add(where, f"has a {lang!r} text but the model's languages are "
                                    f"{', '.join(self.languages)} (add {lang!r} to 'languages')")
        if required and not (zh.strip() or en.strip()):
            self.add(where, f"is empty (give at least one of {self._langs()})")
        return Text(zh.strip(), en.strip())

    def _langs(self) -> str:
        return " or ".join(self.languages) if self.v2 else "zh, en"

    def ident(self, value: Any, where: str, seen: dict[str, str]) -> str:
        if not isinstance(value, str) or not value.strip():
            self.add(where, "missing or empty 'id'")
            return ""
        ident = value.strip()
        if len(ident.split()) > 1:  # stripped and not empty: more than one part is white space inside
            self.add(where, f"id {ident!r} contains white space")
        if ident in seen:
            self.add(where, f"duplicate id {ident!r} (first used at {seen[ident]})")
        else:
            seen[ident] = where
        return ident

    def strings(self, value: Any, where: str, what: str) -> tuple[str, ...]:
        out: list[str] = []
        for v in self.sequence(value, where, what):
            if not isinstance(v, str) or not v.strip():
                self.add(where, f"each of {what} must be a non-empty string, found {v!r}")
            else:
                out.append(v.strip())
        return tuple(out)

    def references(self, value: Any, where: str) -> tuple[Reference, ...]:
        out: list[Reference] = []
        for i, ref in enumerate(self.sequence(value, where, "references")):
            w = f"{where}[{i}]"
            if isinstance(ref, str) and ref.strip():
                out.append(Reference(ref.strip(), ref.strip() if "://" in ref else ""))
                continue
            obj = self.mapping(ref, w)
            if obj is None:
                continue
            self.keys(obj, w, {"title", "url"}, set())
            title, url = obj.get("title", ""), obj.get("url", "")
            if not isinstance(title, str) or not isinstance(url, str) or not (title.strip() or url.strip()):
                self.add(w, "a reference needs a title or a url (strings)")
                continue
            out.append(Reference(title.strip() or url.strip(), url.strip()))
        return tuple(out)

    def extras(self, obj: Mapping[str, Any], where: str) -> dict[str, Any]:
        """The v2 node extras (references, tags, depends_on) that exist on ``obj``."""
        out: dict[str, Any] = {}
        if "references" in obj:
            out["references"] = self.references(obj["references"], f"{where}.references")
        if "tags" in obj:
            out["tags"] = self.strings(obj["tags"], f"{where}.tags", "tags")
        if "depends_on" in obj:
            out["depends_on"] = self.strings(obj["depends_on"], f"{where}.depends_on", "depends_on")
        return out


_V1_ROOT = {"format", "id", "version", "names", "source", "provenance_note", "levels", "domains"}
_V2_ROOT = _V1_ROOT | {"languages", "description", "scale", "scoring"}
_V2_NODE = {"description", "references", "tags"}


def parse_model(data: Any, source: str = "<model>") -> Model:
    """Validate a model dictionary and build the model; raise :class:`ModelError` listing every problem."""
    ck = _Checker()
    root = ck.mapping(data, source)
    if root is None:
        raise ModelError(f"{source} is not a capability model", ck.problems)
    fmt = root.get("format", FORMAT)
    if fmt not in FORMATS:
        ck.add(f"{source}: format", f"unsupported format {fmt!r} (this program reads {', '.join(map(repr, FORMATS))})")
    ck.v2 = fmt == FORMAT_V2
    ck.keys(root, source, _V2_ROOT if ck.v2 else _V1_ROOT, {"id", "version", "names", "levels", "domains"})
    if ck.v2:
        ck.languages = _parse_languages(ck, root, source)
    model_id, version = _parse_identity(ck, root, source)
    scale = CAICT_SCALE
    scoring = Scoring()
    if ck.v2 and "scale" in root:
        scale = parse_scale(root["scale"], f"{source}: scale", ck.add, ck.languages) or CAICT_SCALE
    if ck.v2 and "scoring" in root:
        scoring = _parse_scoring(ck, root["scoring"], f"{source}: scoring")
    levels = _parse_levels(ck, root, source)
    valid_levels = {lv.n for lv in levels}
    domains = _parse_domains(ck, root, source, valid_levels)
    if "domains" in root and not domains and not ck.problems:
        ck.add(f"{source}: domains", "a model needs at least one domain")
    if ck.v2 and not ck.problems:
        _check_depends_on(ck, domains, source)

    if ck.problems:
        n = len(ck.problems)
        raise ModelError(f"{source} is not a valid capability model ({n} problem{'s' if n > 1 else ''})",
                         ck.problems)
    return _build(model_id.strip(), version.strip(), root, levels, domains, ck, scale, scoring)


def _parse_identity(ck: _Checker, root: Mapping[str, Any], source: str) -> tuple[str, str]:
    model_id = root.get("id")
    if not isinstance(model_id, str) or not model_id.strip():
        ck.add(f"{source}: id", "missing or empty model id")
        model_id = ""
    version = root.get("version")
    if isinstance(version, (int, float)):
        version = str(version)
    if not isinstance(version, str) or not version.strip():
        ck.add(f"{source}: version", "missing or empty model version")
        version = ""
    return model_id, version


def _parse_languages(ck: _Checker, root: Mapping[str, Any], source: str) -> tuple[str, ...]:
    raw = root.get("languages")
    if raw is None:  # not given: the languages the model's names are in
        names = root.get("names")
        if isinstance(names, Mapping):
            found = tuple(lang for lang in LANGS if isinstance(names.get(lang), str) and names[lang].strip())
            return found or LANGS
        return LANGS
    if not isinstance(raw, list) or not raw or any(x not in LANGS for x in raw) or len(set(raw)) != len(raw):
        ck.add(f"{source}: languages", f"languages must be a list of one or both of zh, en, found {raw!r}")
        return LANGS
    return tuple(lang for lang in LANGS if lang in raw)


def _parse_scoring(ck: _Checker, raw: Any, where: str) -> Scoring:
    obj = ck.mapping(raw, where)
    if obj is None:
        return Scoring()
    ck.keys(obj, where, {"rule", "empty_levels"}, set())
    rule = obj.get("rule", "cumulative")
    empty = obj.get("empty_levels", "pass")
    if rule not in SCORING_RULES:
        ck.add(f"{where}.rule", f"unknown scoring rule {rule!r} (accepted: {', '.join(SCORING_RULES)})")
        rule = "cumulative"
    if empty not in EMPTY_LEVELS:
        ck.add(f"{where}.empty_levels", f"unknown empty_levels {empty!r} (accepted: {', '.join(EMPTY_LEVELS)})")
        empty = "pass"
    return Scoring(str(rule), str(empty))


def _check_depends_on(ck: _Checker, domains: list[Domain], source: str) -> None:
    known = {i.id for d in domains for s in d.subdomains for i in s.items}
    known |= {r.id for d in domains for s in d.subdomains for i in s.items for r in i.requirements}
    for d in domains:
        for s in d.subdomains:
            for i in s.items:
                for node_id, deps in ((i.id, i.depends_on), *((r.id, r.depends_on) for r in i.requirements)):
                    for dep in deps:
                        if dep not in known:
                            ck.add(f"{source}: {node_id}.depends_on",
                                   f"{dep!r} is not a requirement or item ID of this model")


def _parse_levels(ck: _Checker, root: Mapping[str, Any], source: str) -> list[Level]:
    levels: list[Level] = []
    for i, raw in enumerate(ck.sequence(root.get("levels", []), f"{source}: levels", "levels")):
        where = f"{source}: levels[{i}]"
        obj = ck.mapping(raw, where)
        if obj is None:
            continue
        ck.keys(obj, where, {"n", "names", "meaning"}, {"n", "names"})
        n = obj.get("n")
        if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 9:
            ck.add(where, f"level number n must be a whole number 0-9, found {n!r}")
            continue
        levels.append(Level(n, ck.text(obj.get("names"), f"{where}.names", required=True),
                            ck.text(obj.get("meaning"), f"{where}.meaning", required=False)))
    numbers = [lv.n for lv in levels]
    if "levels" in root and not levels:
        ck.add(f"{source}: levels", "a model needs at least one level")
    elif numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        ck.add(f"{source}: levels", f"level numbers must be consecutive and ascending, found {numbers}")
    return levels


def _parse_domains(ck: _Checker, root: Mapping[str, Any], source: str, valid_levels: set[int]) -> list[Domain]:
    seen: dict[str, str] = {}
    domains: list[Domain] = []
    extra = _V2_NODE if ck.v2 else set()
    for di, raw_d in enumerate(ck.sequence(root.get("domains", []), f"{source}: domains", "domains")):
        dwhere = f"{source}: domains[{di}]"
        dobj = ck.mapping(raw_d, dwhere)
        if dobj is None:
            continue
        ck.keys(dobj, dwhere, {"id", "names", "description", "subdomains", "items"} | extra, {"id", "names"})
        did = ck.ident(dobj.get("id"), dwhere, seen)
        dwhere = f"{dwhere} ({did})" if did else dwhere
        dnames = ck.text(dobj.get("names"), f"{dwhere}.names", required=True)
        ddesc = ck.text(dobj.get("description"), f"{dwhere}.description", required=False)
        dextra = ck.extras(dobj, dwhere)
        subdomains: list[Subdomain] = []
        if "subdomains" in dobj and "items" in dobj:
            ck.add(dwhere, "give either 'subdomains' or 'items', not both")
        if "subdomains" in dobj:
            for si, raw_s in enumerate(ck.sequence(dobj["subdomains"], f"{dwhere}.subdomains", "subdomains")):
                swhere = f"{dwhere} > subdomains[{si}]"
                sobj = ck.mapping(raw_s, swhere)
                if sobj is None:
                    continue
                ck.keys(sobj, swhere, {"id", "names", "description", "items"} | extra, {"id", "names", "items"})
                sid = ck.ident(sobj.get("id"), swhere, seen)
                swhere = f"{swhere} ({sid})" if sid else swhere
                sextra = ck.extras(sobj, swhere)
                sextra.pop("depends_on", None)
                items = _parse_items(ck, sobj.get("items", []), swhere, did, sid, seen, valid_levels)
                subdomains.append(Subdomain(sid, ck.text(sobj.get("names"), f"{swhere}.names", required=True), did,
                                            ck.text(sobj.get("description"), f"{swhere}.description", required=False),
                                            tuple(items), **sextra))
        elif "items" in dobj:
            items = _parse_items(ck, dobj["items"], dwhere, did, did, seen, valid_levels)
            subdomains.append(Subdomain(did, dnames, did, ddesc, tuple(items), implicit=True))
        else:
            ck.add(dwhere, "a domain needs 'subdomains' or 'items'")
        dextra.pop("depends_on", None)
        domains.append(Domain(did, dnames, ddesc, tuple(subdomains), **dextra))
    return domains


def _parse_items(ck: _Checker, raw_items: Any, where: str, domain_id: str, subdomain_id: str,
                 seen: dict[str, str], valid_levels: set[int]) -> list[Item]:
    items: list[Item] = []
    item_extra = (_V2_NODE | {"depends_on"}) if ck.v2 else {"description"}
    for ii, raw_i in enumerate(ck.sequence(raw_items, f"{where}.items", "items")):
        iwhere = f"{where} > items[{ii}]"
        iobj = ck.mapping(raw_i, iwhere)
        if iobj is None:
            continue
        ck.keys(iobj, iwhere, {"id", "names", "requirements"} | item_extra, {"id", "names", "requirements"})
        iid = ck.ident(iobj.get("id"), iwhere, seen)
        iwhere = f"{iwhere} ({iid})" if iid else iwhere
        iextra = ck.extras(iobj, iwhere)
        reqs: list[Requirement] = []
        levels_used: dict[int, str] = {}
        for ri, raw_r in enumerate(ck.sequence(iobj.get("requirements", []), f"{iwhere}.requirements",
                                               "requirements")):
            req = _parse_requirement(ck, raw_r, f"{iwhere} > requirements[{ri}]", iid, seen, valid_levels,
                                     levels_used)
            if req is not None:
                reqs.append(req)
        if not reqs and "requirements" in iobj:
            ck.add(iwhere, "an item needs at least one requirement")
        reqs.sort(key=lambda r: r.level)
        items.append(Item(iid, ck.text(iobj.get("names"), f"{iwhere}.names", required=True), subdomain_id,
                          domain_id, ck.text(iobj.get("description"), f"{iwhere}.description", required=False),
                          tuple(reqs), **iextra))
    return items


def _parse_requirement(ck: _Checker, raw_r: Any, rwhere: str, iid: str, seen: dict[str, str],
                       valid_levels: set[int], levels_used: dict[int, str]) -> Requirement | None:
    req_extra = {"description", "references", "tags", "depends_on"} if ck.v2 else set()
    robj = ck.mapping(raw_r, rwhere)
    if robj is None:
        return None
    ck.keys(robj, rwhere, {"id", "level", "text", "guidance", "evidence_types", "provenance"} | req_extra,
            {"id", "level", "text"})
    rid = ck.ident(robj.get("id"), rwhere, seen)
    rwhere = f"{rwhere} ({rid})" if rid else rwhere
    level = robj.get("level")
    if not isinstance(level, int) or isinstance(level, bool) or level not in valid_levels:
        accepted = f"{min(valid_levels)}-{max(valid_levels)}" if valid_levels else "none defined"
        ck.add(f"{rwhere}.level", f"level {level!r} is out of range (the model's levels are {accepted})")
        level = -1
    elif level in levels_used and not ck.v2:
        ck.add(f"{rwhere}.level", f"item {iid} already has a requirement at level {level} "
                                  f"({levels_used[level]}); an item has at most one per level in "
                                  f"{FORMAT} (use {FORMAT_V2} for several)")
    else:
        levels_used[level] = rid
    ev_types: list[str] = []
    for e in ck.sequence(robj.get("evidence_types", []), f"{rwhere}.evidence_types", "evidence_types"):
        if not isinstance(e, str) or not e.strip():
            ck.add(f"{rwhere}.evidence_types", f"evidence type must be a non-empty string, found {e!r}")
        else:
            ev_types.append(e.strip())
    # Only CAICT's texts are marked against their standard; a v2 requirement has no mark unless it gives one.
    prov = robj.get("provenance", "" if ck.v2 else "confirmed")
    if prov not in PROVENANCES and not (ck.v2 and prov == ""):
        ck.add(f"{rwhere}.provenance", f"unknown provenance {prov!r} (accepted: {', '.join(PROVENANCES)})")
    rextra: dict[str, Any] = ck.extras(robj, rwhere)
    if "description" in robj:
        rextra["description"] = ck.text(robj.get("description"), f"{rwhere}.description", required=False)
    return Requirement(rid, level, ck.text(robj.get("text"), f"{rwhere}.text", required=True), iid,
                       ck.text(robj.get("guidance"), f"{rwhere}.guidance", required=False),
                       tuple(ev_types), str(prov), **rextra)


def _build(model_id: str, version: str, root: Mapping[str, Any], levels: list[Level], domains: list[Domain],
           ck: _Checker, scale: RatingScale = CAICT_SCALE, scoring: Scoring | None = None) -> Model:
    requirements: dict[str, Requirement] = {}
    items: dict[str, Item] = {}
    subdomains: dict[str, Subdomain] = {}
    for d in domains:
        for s in d.subdomains:
            subdomains[s.id] = s
            for i in s.items:
                items[i.id] = i
                for r in i.requirements:
                    requirements[r.id] = r
    origin: dict[str, str] = {}
    raw_source = root.get("source")
    if ck.v2 and isinstance(raw_source, Mapping):
        origin = {str(k): str(v) for k, v in raw_source.items() if isinstance(v, (str, int, float))}
        title = origin.get("title") or origin.get("url") or origin.get("kind", "")
        source = Text(title if "zh" in ck.languages else "", title if "en" in ck.languages else "")
    else:
        source = ck.text(raw_source, "source", required=False)
    return Model(
        id=model_id,
        version=version,
        names=ck.text(root.get("names"), "names", required=True),
        levels=tuple(levels),
        domains=tuple(domains),
        source=source,
        provenance_note=ck.text(root.get("provenance_note"), "provenance_note", required=False),
        format=FORMAT_V2 if ck.v2 else FORMAT,
        languages=ck.languages,
        description=ck.text(root.get("description"), "description", required=False),
        origin=origin,
        scale=scale,
        scoring=scoring or Scoring(),
        requirements=requirements,
        items=items,
        subdomains=subdomains,
        domain_index={d.id: d for d in domains},
    )


def _lang_dict(t: Text, languages: tuple[str, ...]) -> dict[str, str]:
    return {lang: getattr(t, lang) for lang in languages if getattr(t, lang)}


def _v2_dict(m: Model) -> dict[str, Any]:
    """The v2 model-file dictionary: only the languages the model has, optional keys only when set."""
    langs = m.languages

    def txt(t: Text) -> dict[str, str]:
        return _lang_dict(t, langs)

    def extras(node: Any, out: dict[str, Any]) -> dict[str, Any]:
        if getattr(node, "description", Text()) != Text():
            out["description"] = txt(node.description)
        if getattr(node, "references", ()):
            out["references"] = [r.as_dict() for r in node.references]
        if getattr(node, "tags", ()):
            out["tags"] = list(node.tags)
        if getattr(node, "depends_on", ()):
            out["depends_on"] = list(node.depends_on)
        return out

    def req_dict(r: Requirement) -> dict[str, Any]:
        out: dict[str, Any] = {"id": r.id, "level": r.level, "text": txt(r.text)}
        if r.guidance != Text():
            out["guidance"] = txt(r.guidance)
        if r.evidence_types:
            out["evidence_types"] = list(r.evidence_types)
        if r.provenance:
            out["provenance"] = r.provenance
        return extras(r, out)

    def item_dict(i: Item) -> dict[str, Any]:
        out = extras(i, {"id": i.id, "names": txt(i.names)})
        out["requirements"] = [req_dict(r) for r in i.requirements]
        return out

    def domain_dict(d: Domain) -> dict[str, Any]:
        out = extras(d, {"id": d.id, "names": txt(d.names)})
        if len(d.subdomains) == 1 and d.subdomains[0].implicit:
            out["items"] = [item_dict(i) for i in d.subdomains[0].items]
        else:
            out["subdomains"] = [
                extras(s, {"id": s.id, "names": txt(s.names), "items": [item_dict(i) for i in s.items]})
                for s in d.subdomains]
        return out

    out: dict[str, Any] = {"format": FORMAT_V2, "id": m.id, "version": m.version, "languages": list(langs),
                           "names": txt(m.names)}
    if m.description != Text():
        out["description"] = txt(m.description)
    if m.origin:
        out["source"] = dict(m.origin)
    elif m.source != Text():
        out["source"] = {"title": m.source.get(langs[0])}
    if m.provenance_note != Text():
        out["provenance_note"] = txt(m.provenance_note)
    out["scoring"] = m.scoring.as_dict()
    out["scale"] = m.scale.to_list()
    out["levels"] = [{"n": lv.n, "names": txt(lv.names),
                      **({"meaning": txt(lv.meaning)} if lv.meaning != Text() else {})} for lv in m.levels]
    out["domains"] = [domain_dict(d) for d in m.domains]
    return out


def parse_model_json(text: str, source: str = "<model>") -> Model:
    # a large model is hundreds of thousands of new objects and no garbage: collections while they are made
    # only walk them again and again (a third of the parse at 50,000 requirements)
    enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"{source} is not valid JSON",
                             [Problem(f"{source}: line {exc.lineno}, column {exc.colno}", exc.msg)]) from None
        return parse_model(data, source)
    finally:
        if enabled:
            gc.enable()


class _SnapshotCache:
    """Models parsed from snapshot texts, by the SHA-256 of the text (a few, most recently used first).

    A model is immutable, so one parsed model serves every open of the same snapshot in this process: a reopen,
    copies of one assessment, a compare of five, a catalogue of a thousand files of one model. The key is
    computed from the text read now: a snapshot changed by anyone (another process, another version of
    cdassess, a hidden edit) has another hash and is parsed and validated afresh."""

    MAX_ENTRIES = 8
    MAX_REQUIREMENTS = 120_000  # together; the newest model is always kept

    def __init__(self) -> None:
        self._models: OrderedDict[str, Model] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Model | None:
        with self._lock:
            model = self._models.get(key)
            if model is not None:
                self._models.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return model

    def put(self, key: str, model: Model) -> None:
        with self._lock:
            self._models[key] = model
            self._models.move_to_end(key)
            total = sum(len(m.requirements) for m in self._models.values())
            while len(self._models) > 1 and (len(self._models) > self.MAX_ENTRIES or total > self.MAX_REQUIREMENTS):
                _, old = self._models.popitem(last=False)
                total -= len(old.requirements)

    def clear(self) -> None:
        with self._lock:
            self._models.clear()
            self.hits = self.misses = 0


SNAPSHOTS = _SnapshotCache()


def snapshot_key(text: str) -> str:
    """The SHA-256 of a model snapshot's text (what :data:`SNAPSHOTS` is keyed by)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def parse_snapshot(text: str, source: str = "<model>") -> Model:
    """:func:`parse_model_json` of an assessment's model snapshot, parsed once per text in this process."""
    key = snapshot_key(text)
    model = SNAPSHOTS.get(key)
    if model is None:
        model = parse_model_json(text, source)
        SNAPSHOTS.put(key, model)
    return model


def load_model_file(path: str | Path) -> Model:
    """Read and validate a model file; every problem is reported with its location."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read model file {p}", [Problem(str(p), exc.strerror or str(exc))]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ModelError(f"{p} is not UTF-8 text", [Problem(f"{p}: byte {exc.start}", "invalid UTF-8")]) from None
    return parse_model_json(text, p.name)
