"""OWASP DevSecOps Maturity Model (DSOMM): the generated single-file model YAML.

The file (``generated/model.yaml`` in DevSecOps-MaturityModel-data, ``src/assets/YAML/default/model.yaml`` in the
application) holds an optional ``meta`` document, then ``dimension: {sub-dimension: {activity name: {...}}}``.
An activity has ``uuid``, ``level``, Markdown ``description`` / ``risk`` / ``measure`` / ``assessment``,
``meta.implementationGuide``, ``implementation`` (tools), ``references`` (samm2, iso27001-*, openCRE),
``dependsOn`` (uuids; older files use activity names) and ``tags``.

Mapping (what DSOMM means, not only where it is):

- dimension -> domain, sub-dimension -> item (DSOMM scores a "sector": one sub-dimension at one level);
  DSOMM gives them no identifiers, so their IDs are the initials of their names (Build and Deployment > Build:
  BD > BD.BU; a clash gets a number),
  activity -> one requirement (id = the first 8 characters of its uuid, longer if two activities share them;
  the full uuid and DSOMM's page for it are its first reference; text starts with the activity's name, then
  its measure);
  description and risk -> the requirement's description, assessment and implementation guide -> guidance.
- levels 1..the highest level in the file, named as DSOMM's application names them.
- the scale is DSOMM's progress definition (``progressDefinition`` in the application's meta.yaml: a score in
  0-100 % per state); the file carries none, so DSOMM's shipped default is used: Not implemented 0 %,
  Started 20 %, Partly implemented 50 %, Fully implemented 100 %. A ``progressDefinition`` in the file wins.
- scoring ``coverage`` (DSOMM's sector progress: the mean progress of the activities) with levels that have
  no activity never reached on their own (``empty_levels: hold``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cdassess.importers.common import (
    FORMAT_V2,
    Converted,
    Ids,
    Problems,
    md_join,
    md_section,
    now_iso,
    option_id,
    prune,
    reference,
    scalar_text,
    slug,
    text,
)

KIND = "dsomm"
MODEL_ID = "owasp-dsomm"
URL = "https://github.com/devsecopsmaturitymodel/DevSecOps-MaturityModel-data"

DEFAULT_PROGRESS: dict[str, dict[str, Any]] = {
    "Not implemented": {"score": "0%", "definition": "Activity not started and not planned"},
    "Started": {"score": "20%", "definition": "Activity has been started, or completed for a few applications"},
    "Partly implemented": {"score": "50%",
                           "definition": "Activity has been implemented for at least half of the applications"},
    "Fully implemented": {"score": "100%", "definition": "Fully implemented for (almost) all applications"},
}
"""DSOMM's default progress definition (src/assets/YAML/meta.yaml of the DSOMM application)."""

LEVEL_NAMES = {
    1: "Basic understanding of security practices",
    2: "Adoption of basic security practices",
    3: "High adoption of security practices",
    4: "Very high adoption of security practices",
    5: "Advanced deployment of security practices at scale",
}
"""``strings.en.maturityLevels`` of the DSOMM application."""

ACTIVITY_URL = "https://dsomm.owasp.org/activity-description?uuid="


def _short_ids(uuids: set[str]) -> dict[str, str]:
    """uuid -> its shortest prefix of at least 8 characters that no other activity shares (f6f7737f): a uuid is
    36 characters, too long for a report's ID column, and its first 8 are already unique in DSOMM."""
    for n in range(8, 37):
        prefixes = {u[:n] for u in uuids}
        if len(prefixes) == len(uuids):
            return {u: u[:n] for u in uuids}
    return {u: u for u in uuids}


_SMALL_WORDS = {"a", "an", "and", "for", "in", "of", "on", "the", "to", "with"}


def abbreviation(name: str) -> str:
    """A short ID from a name, as CAICT's IDs are: the initials of its words ("Static depth for applications" ->
    SDA), or the first two letters of a single word ("Build" -> BU)."""
    words: list[str] = [w for w in re.findall(r"[A-Za-z0-9]+", name) if w.lower() not in _SMALL_WORDS]
    if not words:
        return slug(name).upper() or "X"
    if len(words) == 1:
        return words[0][:2].upper()
    return "".join(w[0] for w in words).upper()


def _unique(base: str, taken: set[str]) -> str:
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}{n}", n + 1
    taken.add(ident)
    return ident


_NOT_DIMENSIONS = {"meta", "progressDefinition", "strings", "teams", "teamGroups", "browserSettings"}
_ACTIVITY_KEYS = {"uuid", "level", "measure", "risk", "description"}


def _dimensions(docs: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for doc in docs:
        if isinstance(doc, Mapping):
            for key, value in doc.items():
                if key not in _NOT_DIMENSIONS and isinstance(value, Mapping):
                    out[str(key)] = value
    return out


def looks_like(docs: list[Any]) -> bool:
    """True when some dimension > sub-dimension > activity mapping carries activity keys."""
    for dim in _dimensions(docs).values():
        for sub in dim.values():
            if isinstance(sub, Mapping):
                for act in sub.values():
                    if isinstance(act, Mapping) and len(_ACTIVITY_KEYS & set(act)) >= 2:
                        return True
    return False


def _meta(docs: list[Any]) -> Mapping[str, Any]:
    for doc in docs:
        if isinstance(doc, Mapping) and isinstance(doc.get("meta"), Mapping):
            meta: Mapping[str, Any] = doc["meta"]
            return meta
    return {}


def _score(score: Any) -> float | None:
    """DSOMM's progress score: "50%", 0.5 or "0.5"."""
    if isinstance(score, bool):
        return None
    if isinstance(score, (int, float)):
        return float(score)
    if isinstance(score, str) and score.strip():
        s = score.strip()
        try:
            return float(s.rstrip("%")) / (100 if s.endswith("%") else 1)
        except ValueError:
            return None
    return None


def _progress(docs: list[Any], pr: Problems) -> tuple[list[dict[str, Any]], bool, list[str]]:
    """The scale from the progress definition (the file's, else DSOMM's default), with each state's meaning."""
    given = [doc["progressDefinition"] for doc in docs if isinstance(doc, Mapping) and "progressDefinition" in doc]
    definition = given[-1] if given else DEFAULT_PROGRESS
    if not isinstance(definition, Mapping) or not definition:
        pr.add("progressDefinition", "must map each state's name to {score: 0-100%, definition}")
        return [], bool(given), []
    states: list[tuple[float, str, str]] = []
    for name, raw in definition.items():
        title = scalar_text(name)
        where = f"progressDefinition > {title} > score"
        score = raw.get("score") if isinstance(raw, Mapping) else None
        value = _score(score)
        if value is None:
            pr.add(where, f"score {score!r} is not a number or a percentage (accepted: 0%-100%)")
        elif not 0 <= value <= 1:
            pr.add(where, f"score {score!r} is outside 0%-100% (answer weights are in [0, 1])")
        else:
            states.append((value, title, scalar_text(raw.get("definition"))))
    states.sort(key=lambda s: s[0])
    if states and (states[0][0] != 0 or states[-1][0] != 1):
        pr.add("progressDefinition", "needs a state for 0% and one for 100% (as DSOMM itself requires)")
    scale: list[dict[str, Any]] = []
    meanings: list[str] = []
    for value, title, meaning in states:
        oid = option_id(title, [o["id"] for o in scale])
        scale.append({"id": oid, "labels": text(title), "weight": round(value, 6), "satisfies": value == 1,
                      "needs_justification": False, "not_applicable": False, "words": [title]})
        if meaning:
            meanings.append(f"{title} ({value:.0%}): {meaning}")
    return scale, bool(given), meanings


def _level(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    return None


def _references(act: Mapping[str, Any]) -> list[dict[str, str]]:
    refs: list[dict[str, str]] = []
    raw = act.get("references")
    if isinstance(raw, Mapping):
        for scheme, values in raw.items():
            for v in values if isinstance(values, list) else [values]:
                value = scalar_text(v)
                if not value:
                    continue
                if value.startswith(("http://", "https://")):
                    refs.append(reference(scalar_text(scheme), value))
                else:
                    label = {"samm2": "OWASP SAMM 2"}.get(str(scheme), str(scheme))
                    refs.append(reference(f"{label}: {value}"))
    tools = act.get("implementation")
    if isinstance(tools, list):
        for tool in tools:
            if isinstance(tool, Mapping) and scalar_text(tool.get("name")):
                refs.append(reference(f"Tool: {scalar_text(tool.get('name'))}", scalar_text(tool.get("url"))))
    return refs


class _Reader:
    """Walks dimension > sub-dimension > activity, collecting problems and notes."""

    def __init__(self, docs: list[Any], path: Path) -> None:
        self.path = path
        self.pr = Problems(path, "DSOMM model")
        self.ids = Ids(self.pr)
        self.notes: list[str] = []
        self.dims = _dimensions(docs)
        self.by_name: dict[str, str] = {}
        for dim in self.dims.values():
            for sub in dim.values():
                if isinstance(sub, Mapping):
                    for name, act in sub.items():
                        if isinstance(act, Mapping) and act.get("uuid"):
                            self.by_name[scalar_text(name)] = scalar_text(act.get("uuid"))
        self.uuids = set(self.by_name.values())
        self.short = _short_ids(self.uuids)
        self.max_level = 0
        self.unresolved = 0
        self.item_ids: set[str] = set()

    def domains(self) -> list[dict[str, Any]]:
        if not self.dims:
            self.pr.add("", "no dimension > sub-dimension > activity found (is this DSOMM's generated model.yaml?)")
        out: list[dict[str, Any]] = []
        taken: set[str] = set()
        for dim_name, dim in self.dims.items():
            did = self.ids.take(_unique(abbreviation(dim_name), taken), dim_name)
            items = [item for sub_name, sub in dim.items()
                     if (item := self.sub_dimension(did, dim_name, str(sub_name), sub)) is not None]
            if items:
                out.append({"id": did, "names": text(dim_name), "items": items})
        if self.unresolved:
            self.notes.append(f"{self.unresolved} dependsOn entries name no activity of this file; left out")
        return out

    def sub_dimension(self, did: str, dim_name: str, sub_name: str, sub: Any) -> dict[str, Any] | None:
        where = f"{dim_name} > {sub_name}"
        if not isinstance(sub, Mapping):
            self.pr.add(where, f"a sub-dimension must map activity names to activities, found {type(sub).__name__}")
            return None
        iid = self.ids.take(_unique(f"{did}.{abbreviation(sub_name)}", self.item_ids), where)
        reqs = [r for name, act in sub.items()
                if (r := self.activity(iid, f"{where} > {scalar_text(name)}", scalar_text(name), act)) is not None]
        return {"id": iid, "names": text(sub_name), "requirements": reqs} if reqs else None

    def activity(self, iid: str, where: str, name: str, act: Any) -> dict[str, Any] | None:
        if not isinstance(act, Mapping):
            self.pr.add(where, f"an activity must be a mapping, found {type(act).__name__}")
            return None
        if act.get("ignore") is True:  # DSOMM's custom files remove an activity this way
            return None
        level = _level(act.get("level"))
        if level is None or not 1 <= level <= 9:
            found = "no level" if "level" not in act else f"level {act.get('level')!r}"
            self.pr.add(f"{where}: level", f"the activity has {found} (accepted: a whole number 1-9; DSOMM 4 uses 1-5)")
            return None
        self.max_level = max(self.max_level, level)
        uuid = scalar_text(act.get("uuid"))
        if not uuid:
            uuid = f"{iid}.{slug(name)}"
            self.notes.append(f"{where}: no uuid; id {uuid} made from its names")
        measure = scalar_text(act.get("measure"))
        guide = scalar_text(act["meta"].get("implementationGuide")) if isinstance(act.get("meta"), Mapping) else ""
        tags = act.get("tags")
        raw_tags: list[Any] = tags if isinstance(tags, list) else []
        return prune({
            "id": self.ids.take(self.short.get(uuid, uuid), where), "level": level,
            "text": text(f"{name}: {measure}" if measure else name),
            "description": text(md_join(scalar_text(act.get("description")),
                                        md_section("Risk", scalar_text(act.get("risk"))))),
            "guidance": text(md_join(md_section("Assessment", scalar_text(act.get("assessment"))),
                                     md_section("Implementation guide", guide), _difficulty(act))),
            "references": ([reference(f"DSOMM activity {uuid}", ACTIVITY_URL + uuid)] if uuid in self.uuids else [])
            + _references(act),
            "tags": [t for t in (scalar_text(x) for x in raw_tags) if t and t != "none"],
            "depends_on": self.depends_on(act.get("dependsOn")),
        })

    def depends_on(self, raw: Any) -> list[str]:
        out: list[str] = []
        for dep in raw if isinstance(raw, list) else [raw] if raw else []:
            dep_text = scalar_text(dep)
            target = dep_text if dep_text in self.uuids else self.by_name.get(dep_text)  # older files: names
            if target:
                out.append(self.short.get(target, target))
            elif dep_text:
                self.unresolved += 1
        return out


def convert(docs: list[Any], path: Path) -> Converted:
    rd = _Reader(docs, path)
    scale, given, meanings = _progress(docs, rd.pr)
    if not given:
        rd.notes.append("scale: DSOMM's default progress definition (Not implemented 0 %, Started 20 %, Partly "
                        "implemented 50 %, Fully implemented 100 %); the file carries none")
    domains = rd.domains()
    rd.pr.raise_if_any()
    meta = _meta(docs)
    version = scalar_text(meta.get("version")) or "sha-" + hashlib.sha256(
        repr(sorted(rd.uuids)).encode()).hexdigest()[:10]
    levels = [{"n": n, "names": text(LEVEL_NAMES.get(n, f"Level {n}"))} for n in range(1, rd.max_level + 1)]
    states = "\n".join(f"- {m}" for m in meanings)
    data = {
        "format": FORMAT_V2,
        "id": MODEL_ID,
        "version": version,
        "languages": ["en"],
        "names": text("OWASP DevSecOps Maturity Model (DSOMM)"),
        "description": text(md_join(f"Activities that harden software delivery, by dimension and sub-dimension, at "
                                    f"levels 1-{rd.max_level}; imported from DSOMM's model file.",
                                    md_section("Progress states", states))),
        "source": prune({"kind": KIND, "title": "OWASP DevSecOps Maturity Model " + version,
                         "url": scalar_text(meta.get("publisher")) or URL, "file": path.name,
                         "released": scalar_text(meta.get("released")), "imported_at": now_iso(),
                         "license": "GPL-3.0"}),
        "scoring": {"rule": "coverage", "empty_levels": "hold"},
        "scale": scale,
        "levels": levels,
        "domains": domains,
    }
    return Converted(KIND, data, rd.notes)


def _difficulty(act: Mapping[str, Any]) -> str:
    diff = act.get("difficultyOfImplementation")
    parts: list[str] = []
    if isinstance(diff, Mapping):
        for key in ("knowledge", "time", "resources"):
            if isinstance(diff.get(key), int):
                parts.append(f"{key} {diff[key]}/5")
    if isinstance(act.get("usefulness"), int):
        parts.append(f"usefulness {act['usefulness']}/5")
    return f"*Difficulty of implementation:* {', '.join(parts)}" if parts else ""
