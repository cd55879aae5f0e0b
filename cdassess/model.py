"""Capability models: types, the loader that validates a model file, and the model library.

A model is data (JSON, format ``cdassess-model/1``). The loader accepts any model that follows the format:
other level counts (1-4, 0-5) and no subdomain layer (a domain may hold ``items`` directly; they are put in
one implicit subdomain so every consumer sees the same four-layer tree).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdassess.errors import ModelError, NotFoundError, Problem

FORMAT = "cdassess-model/1"
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


@dataclass(frozen=True)
class Item:
    id: str
    names: Text
    subdomain_id: str
    domain_id: str
    description: Text = Text()
    requirements: tuple[Requirement, ...] = ()

    def requirement_at(self, level: int) -> Requirement | None:
        return next((r for r in self.requirements if r.level == level), None)


@dataclass(frozen=True)
class Subdomain:
    id: str
    names: Text
    domain_id: str
    description: Text = Text()
    items: tuple[Item, ...] = ()
    implicit: bool = False
    """True when the model file had no subdomain layer here (the domain held items directly)."""


@dataclass(frozen=True)
class Domain:
    id: str
    names: Text
    description: Text = Text()
    subdomains: tuple[Subdomain, ...] = ()

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

    @property
    def level_numbers(self) -> tuple[int, ...]:
        return tuple(lv.n for lv in self.levels)

    @property
    def has_subdomains(self) -> bool:
        return any(not s.implicit for d in self.domains for s in d.subdomains)

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

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def keys(self, obj: Mapping[str, Any], where: str, allowed: set[str], required: set[str]) -> None:
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
                self.add(where, "missing (give at least one of zh, en)")
            return Text()
        if isinstance(value, str):  # a plain string is taken as the same text in both languages
            if required and not value.strip():
                self.add(where, "is empty")
            return Text(value, value)
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
        if required and not (zh.strip() or en.strip()):
            self.add(where, "is empty (give at least one of zh, en)")
        return Text(zh.strip(), en.strip())

    def ident(self, value: Any, where: str, seen: dict[str, str]) -> str:
        if not isinstance(value, str) or not value.strip():
            self.add(where, "missing or empty 'id'")
            return ""
        ident = value.strip()
        if any(ch.isspace() for ch in ident):
            self.add(where, f"id {ident!r} contains white space")
        if ident in seen:
            self.add(where, f"duplicate id {ident!r} (first used at {seen[ident]})")
        else:
            seen[ident] = where
        return ident


def parse_model(data: Any, source: str = "<model>") -> Model:
    """Validate a model dictionary and build the model; raise :class:`ModelError` listing every problem."""
    ck = _Checker()
    root = ck.mapping(data, source)
    if root is None:
        raise ModelError(f"{source} is not a capability model", ck.problems)
    ck.keys(
        root,
        source,
        {"format", "id", "version", "names", "source", "provenance_note", "levels", "domains"},
        {"id", "version", "names", "levels", "domains"},
    )
    fmt = root.get("format", FORMAT)
    if fmt != FORMAT:
        ck.add(f"{source}: format", f"unsupported format {fmt!r} (this program reads {FORMAT!r})")
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

    levels = _parse_levels(ck, root, source)
    valid_levels = {lv.n for lv in levels}
    domains = _parse_domains(ck, root, source, valid_levels)
    if "domains" in root and not domains and not ck.problems:
        ck.add(f"{source}: domains", "a model needs at least one domain")

    if ck.problems:
        n = len(ck.problems)
        raise ModelError(f"{source} is not a valid capability model ({n} problem{'s' if n > 1 else ''})",
                         ck.problems)
    return _build(model_id.strip(), version.strip(), root, levels, domains, ck)


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
    for di, raw_d in enumerate(ck.sequence(root.get("domains", []), f"{source}: domains", "domains")):
        dwhere = f"{source}: domains[{di}]"
        dobj = ck.mapping(raw_d, dwhere)
        if dobj is None:
            continue
        ck.keys(dobj, dwhere, {"id", "names", "description", "subdomains", "items"}, {"id", "names"})
        did = ck.ident(dobj.get("id"), dwhere, seen)
        dwhere = f"{dwhere} ({did})" if did else dwhere
        dnames = ck.text(dobj.get("names"), f"{dwhere}.names", required=True)
        ddesc = ck.text(dobj.get("description"), f"{dwhere}.description", required=False)
        subdomains: list[Subdomain] = []
        if "subdomains" in dobj and "items" in dobj:
            ck.add(dwhere, "give either 'subdomains' or 'items', not both")
        if "subdomains" in dobj:
            for si, raw_s in enumerate(ck.sequence(dobj["subdomains"], f"{dwhere}.subdomains", "subdomains")):
                swhere = f"{dwhere} > subdomains[{si}]"
                sobj = ck.mapping(raw_s, swhere)
                if sobj is None:
                    continue
                ck.keys(sobj, swhere, {"id", "names", "description", "items"}, {"id", "names", "items"})
                sid = ck.ident(sobj.get("id"), swhere, seen)
                swhere = f"{swhere} ({sid})" if sid else swhere
                items = _parse_items(ck, sobj.get("items", []), swhere, did, sid, seen, valid_levels)
                subdomains.append(Subdomain(sid, ck.text(sobj.get("names"), f"{swhere}.names", required=True), did,
                                            ck.text(sobj.get("description"), f"{swhere}.description", required=False),
                                            tuple(items)))
        elif "items" in dobj:
            items = _parse_items(ck, dobj["items"], dwhere, did, did, seen, valid_levels)
            subdomains.append(Subdomain(did, dnames, did, ddesc, tuple(items), implicit=True))
        else:
            ck.add(dwhere, "a domain needs 'subdomains' or 'items'")
        domains.append(Domain(did, dnames, ddesc, tuple(subdomains)))
    return domains


def _parse_items(ck: _Checker, raw_items: Any, where: str, domain_id: str, subdomain_id: str,
                 seen: dict[str, str], valid_levels: set[int]) -> list[Item]:
    items: list[Item] = []
    for ii, raw_i in enumerate(ck.sequence(raw_items, f"{where}.items", "items")):
        iwhere = f"{where} > items[{ii}]"
        iobj = ck.mapping(raw_i, iwhere)
        if iobj is None:
            continue
        ck.keys(iobj, iwhere, {"id", "names", "description", "requirements"}, {"id", "names", "requirements"})
        iid = ck.ident(iobj.get("id"), iwhere, seen)
        iwhere = f"{iwhere} ({iid})" if iid else iwhere
        reqs: list[Requirement] = []
        levels_used: dict[int, str] = {}
        for ri, raw_r in enumerate(ck.sequence(iobj.get("requirements", []), f"{iwhere}.requirements",
                                               "requirements")):
            rwhere = f"{iwhere} > requirements[{ri}]"
            robj = ck.mapping(raw_r, rwhere)
            if robj is None:
                continue
            ck.keys(robj, rwhere, {"id", "level", "text", "guidance", "evidence_types", "provenance"},
                    {"id", "level", "text"})
            rid = ck.ident(robj.get("id"), rwhere, seen)
            rwhere = f"{rwhere} ({rid})" if rid else rwhere
            level = robj.get("level")
            if not isinstance(level, int) or isinstance(level, bool) or level not in valid_levels:
                accepted = f"{min(valid_levels)}-{max(valid_levels)}" if valid_levels else "none defined"
                ck.add(f"{rwhere}.level", f"level {level!r} is out of range (the model's levels are {accepted})")
                level = -1
            elif level in levels_used:
                ck.add(f"{rwhere}.level", f"item {iid} already has a requirement at level {level} "
                                          f"({levels_used[level]}); an item has at most one per level")
            else:
                levels_used[level] = rid
            ev = robj.get("evidence_types", [])
            ev_types: list[str] = []
            for e in ck.sequence(ev, f"{rwhere}.evidence_types", "evidence_types"):
                if not isinstance(e, str) or not e.strip():
                    ck.add(f"{rwhere}.evidence_types", f"evidence type must be a non-empty string, found {e!r}")
                else:
                    ev_types.append(e.strip())
            prov = robj.get("provenance", "confirmed")
            if prov not in PROVENANCES:
                ck.add(f"{rwhere}.provenance", f"unknown provenance {prov!r} (accepted: {', '.join(PROVENANCES)})")
            reqs.append(Requirement(rid, level, ck.text(robj.get("text"), f"{rwhere}.text", required=True), iid,
                                    ck.text(robj.get("guidance"), f"{rwhere}.guidance", required=False),
                                    tuple(ev_types), str(prov)))
        if not reqs and "requirements" in iobj:
            ck.add(iwhere, "an item needs at least one requirement")
        reqs.sort(key=lambda r: r.level)
        items.append(Item(iid, ck.text(iobj.get("names"), f"{iwhere}.names", required=True), subdomain_id,
                          domain_id, ck.text(iobj.get("description"), f"{iwhere}.description", required=False),
                          tuple(reqs)))
    return items


def _build(model_id: str, version: str, root: Mapping[str, Any], levels: list[Level], domains: list[Domain],
           ck: _Checker) -> Model:
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
    return Model(
        id=model_id,
        version=version,
        names=ck.text(root.get("names"), "names", required=True),
        levels=tuple(levels),
        domains=tuple(domains),
        source=ck.text(root.get("source"), "source", required=False),
        provenance_note=ck.text(root.get("provenance_note"), "provenance_note", required=False),
        requirements=requirements,
        items=items,
        subdomains=subdomains,
        domain_index={d.id: d for d in domains},
    )


def parse_model_json(text: str, source: str = "<model>") -> Model:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"{source} is not valid JSON",
                         [Problem(f"{source}: line {exc.lineno}, column {exc.colno}", exc.msg)]) from None
    return parse_model(data, source)


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
