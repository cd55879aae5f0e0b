"""OWASP SAMM v2: the core model repository (github.com/owaspsamm/core), as a folder or a zip of it.

``model/`` holds one YAML file per object, linked by GUIDs: business_functions (``id``, ``name``, ``order``),
security_practices (``function``, ``shortName``, ``name``, ``order``), streams (``practice``, ``letter``),
maturity_levels (``number``), practice_levels (``practice``, ``maturityLevel``), activities (``stream``,
``level`` = a practice level), questions (``activity``, ``answerSet``, ``text``, ``quality``) and answer_sets
(``values``: ``text``, ``value`` 0-1, ``order``).

Mapping:

- business function -> domain (id: its initial, as SAMM writes it: G, D, I, V, O), practice -> subdomain
  (G-SM), stream -> item (G-SM-A), question -> one requirement at its activity's maturity level
  (G-SM-A-1: function-practice-stream-level, as SAMM's own references write it). ``text_en`` is the question.
- the answer sets become the scale: one option per answer value (SAMM: 0, 0.25, 0.5, 1), weight = the value,
  labelled with the words of the most used answer set; every answer set's own words are accepted too
  ("Yes, for some of the training" is the 0.25 answer). The answers of a question's own set are in its
  guidance, with the quality criteria.
- scoring ``weighted``: a stream's score is the sum of its answers over the levels, a practice's the mean of
  its streams (0-3), averaged up to the functions and the whole model, as the SAMM toolbox computes it.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
    scalar_text,
    text,
)
from cdassess.importers.safe import (
    MAX_MODEL_BYTES,
    MAX_ZIP_MEMBERS,
    SafeTar,
    SafeZip,
    check_size,
    decode_text,
    load_yaml,
    refuse,
)

KIND = "samm"
MODEL_ID = "owasp-samm"
URL = "https://github.com/owaspsamm/core"
FOLDERS = ("business_functions", "security_practices", "streams", "maturity_levels", "practice_levels",
           "activities", "questions", "answer_sets")
REQUIRED = ("business_functions", "security_practices", "streams", "maturity_levels", "practice_levels",
            "activities", "questions", "answer_sets")
_STANDARD_IDS = {0.0: "no", 0.25: "some", 0.5: "half", 1.0: "most"}
_VERSION = re.compile(r"(?<![0-9])v?(\d+\.\d+(?:\.\d+)?)(?![0-9])")


@dataclass
class Source:
    """The core model's YAML files, from a folder or a zip: relative path -> bytes."""

    path: Path
    root: str
    """The folder (inside the zip or under ``path``) that holds business_functions/ and its siblings."""
    files: dict[str, list[str]]
    """folder name -> relative paths of its YAML files."""
    read: Callable[[str], bytes]


def _find_root(names: list[str]) -> str | None:
    """The directory whose ``business_functions`` folder holds YAML files (shallowest first)."""
    roots = sorted({posixpath.dirname(posixpath.dirname(n)) for n in names
                    if posixpath.basename(posixpath.dirname(n)) == "business_functions"
                    and n.endswith((".yml", ".yaml"))}, key=lambda r: (r.count("/"), r))
    return roots[0] if roots else None


def _index(root: str, names: list[str]) -> dict[str, list[str]]:
    files: dict[str, list[str]] = {f: [] for f in FOLDERS}
    prefix = f"{root}/" if root else ""
    for n in sorted(names):
        if not n.startswith(prefix) or not n.endswith((".yml", ".yaml")):
            continue
        rest = n[len(prefix):].split("/")
        if len(rest) == 2 and rest[0] in files:
            files[rest[0]].append(n)
    return files


def folder_root(path: Path) -> str | None:
    """The model folder's path relative to ``path`` when ``path`` is a SAMM core checkout or model folder."""
    names: list[str] = []
    for depth_glob in ("business_functions/*.y*ml", "*/business_functions/*.y*ml", "*/*/business_functions/*.y*ml"):
        names += [p.relative_to(path).as_posix() for p in path.glob(depth_glob)]
    return _find_root(names)


def open_folder(path: Path) -> Source:
    root = folder_root(path)
    if root is None:
        raise refuse(path, "", "no business_functions/ folder with YAML files (expected the OWASP SAMM core model "
                               "folder, or a checkout of github.com/owaspsamm/core)")
    base = path / root if root else path
    names: list[str] = []
    total = 0
    for folder in FOLDERS:
        d = base / folder
        if d.is_dir():
            for p in sorted(d.iterdir()):
                if p.suffix in (".yml", ".yaml") and p.is_file():
                    total += p.stat().st_size
                    names.append(p.relative_to(path).as_posix())
    if len(names) > MAX_ZIP_MEMBERS:
        raise refuse(path, "", f"{len(names):,} model files; at most {MAX_ZIP_MEMBERS:,} are accepted")
    check_size(path, total, MAX_MODEL_BYTES)

    def read(rel: str) -> bytes:
        p = path / rel
        check_size(p, p.stat().st_size)
        return p.read_bytes()

    return Source(path, root, _index(root, names), read)


def zip_root(zf: SafeZip | SafeTar) -> str | None:
    return _find_root(zf.names)


def open_zip(path: Path, zf: SafeZip | SafeTar) -> Source:
    root = zip_root(zf)
    if root is None:
        raise refuse(path, "", "the zip holds no business_functions/ folder with YAML files (expected a zip of the "
                               "OWASP SAMM core model folder)", summary=f"{path} is not a zip of a SAMM core model")
    return Source(path, root, _index(root, zf.names), zf.read)


def _load_all(src: Source, pr: Problems) -> dict[str, list[tuple[str, Mapping[str, Any]]]]:
    loaded: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for folder in FOLDERS:
        loaded[folder] = []
        if folder in REQUIRED and not src.files[folder]:
            where = f"{src.root}/{folder}/" if src.root else f"{folder}/"
            pr.add(where, f"missing: the SAMM core model needs its {folder} files")
        for rel in src.files[folder]:
            label = rel
            doc = load_yaml(decode_text(src.path, src.read(rel), f"{label}: "), src.path, f"{label}: ")
            if not isinstance(doc, Mapping):
                pr.add(label, f"expected a SAMM {folder[:-1].replace('_', ' ')} (a mapping), found "
                              f"{type(doc).__name__}")
                continue
            loaded[folder].append((label, doc))
    return loaded


def _by_id(entries: list[tuple[str, Mapping[str, Any]]], pr: Problems, folder: str) -> dict[str, tuple[str, Any]]:
    out: dict[str, tuple[str, Any]] = {}
    for label, doc in entries:
        ident = scalar_text(doc.get("id"))
        if not ident:
            pr.add(f"{label}: id", "missing (every SAMM object has a GUID id)")
            continue
        if ident in out:
            pr.add(f"{label}: id", f"duplicate id {ident} (also in {out[ident][0]})")
            continue
        out[ident] = (label, doc)
    return out


def _link(pr: Problems, label: str, doc: Mapping[str, Any], key: str, targets: dict[str, tuple[str, Any]],
          folder: str) -> tuple[str, Any] | None:
    ref = scalar_text(doc.get(key))
    if not ref:
        pr.add(f"{label}: {key}", f"missing (the id of its {folder[:-1].replace('_', ' ')})")
        return None
    found = targets.get(ref)
    if found is None:
        pr.add(f"{label}: {key}", f"{ref} matches no file in {folder}/ (is a {folder[:-1].replace('_', ' ')} file "
                                  "missing?)")
    return found


def _order(doc: Mapping[str, Any]) -> tuple[float, str]:
    o = doc.get("order")
    return (float(o) if isinstance(o, (int, float)) and not isinstance(o, bool) else 1e9, scalar_text(doc.get("name")))


def _answers(label: str, doc: Mapping[str, Any], pr: Problems) -> list[tuple[str, float]]:
    """An answer set's (text, value) pairs in its order; values outside [0, 1] are problems."""
    values = doc.get("values")
    if not isinstance(values, list) or not values:
        pr.add(f"{label}: values", "an answer set needs a list of values (text, value)")
        return []
    own: list[tuple[float, str, float]] = []
    for i, raw in enumerate(values):
        where = f"{label}: values[{i}]"
        if not isinstance(raw, Mapping):
            pr.add(where, "expected text and value")
            continue
        value = raw.get("value")
        words = scalar_text(raw.get("text"))
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            pr.add(f"{where}.value", f"{value!r} is not a number (accepted: an answer weight in [0, 1])")
        elif not 0 <= value <= 1:
            pr.add(f"{where}.value", f"answer weight {value} is outside [0, 1]")
        elif not words:
            pr.add(f"{where}.text", "the answer has no text")
        else:
            order = raw.get("order")
            own.append((float(order) if isinstance(order, (int, float)) else float(i), words, float(value)))
    own.sort()
    return [(w, v) for _o, w, v in own]


def _scale(sets: dict[str, tuple[str, Any]], used: Counter[str], pr: Problems,
           notes: list[str]) -> tuple[list[dict[str, Any]], dict[str, list[tuple[str, float]]]]:
    """One option per answer value; returns the scale and each answer set's own (text, value) list."""
    answers = {sid: _answers(label, doc, pr) for sid, (label, doc) in sets.items()}
    answers = {k: v for k, v in answers.items() if v}
    if not answers:
        return [], answers
    values = sorted({v for own in answers.values() for _w, v in own})
    main = max(answers, key=lambda s: (used[s], -len(answers[s])))
    words_of: dict[float, list[str]] = {v: [] for v in values}
    value_of_word: dict[str, set[float]] = {}
    for sid in sorted(answers, key=lambda s: -used[s]):
        for w, v in answers[sid]:
            value_of_word.setdefault(w.casefold(), set()).add(v)
            if w not in words_of[v]:
                words_of[v].append(w)
    ambiguous = {w for w, vs in value_of_word.items() if len(vs) > 1}
    if ambiguous:
        notes.append("answer words given for different values are not accepted as answer words: "
                     + ", ".join(sorted(ambiguous)))
    standard = set(values) == set(_STANDARD_IDS)
    scale: list[dict[str, Any]] = []
    for v in values:
        label = next((w for w, vv in answers[main] if vv == v), words_of[v][0])
        oid = _STANDARD_IDS[v] if standard else option_id(label, [o["id"] for o in scale])
        scale.append({"id": oid, "labels": text(label), "weight": v, "satisfies": v == values[-1],
                      "needs_justification": False, "not_applicable": False,
                      "words": [w for w in words_of[v] if w.casefold() not in ambiguous]})
    return scale, answers


def _version(path: Path, src: Source, functions: list[tuple[str, Any]]) -> str:
    for name in (path.name, src.root, path.resolve().name):
        m = _VERSION.search(name or "")
        if m:
            return m.group(1)
    tags = {scalar_text(doc.get("model")) for _label, doc in functions}
    m = re.fullmatch(r"SAMM(\d)(\d)", next(iter(tags), "") if len(tags) == 1 else "")
    return f"{m.group(1)}.{m.group(2)}" if m else "2.0"


Entry = tuple[str, Mapping[str, Any]]
"""A SAMM object: the file it came from (for messages) and its content."""


class _Model:
    """The core model's objects by GUID, checked for broken links before the tree is built."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.pr = Problems(src.path, "OWASP SAMM core model")
        self.notes: list[str] = []
        loaded = _load_all(src, self.pr)
        self.pr.raise_if_any()
        by = {folder: _by_id(loaded[folder], self.pr, folder) for folder in FOLDERS}
        self.functions, self.practices, self.streams = (by["business_functions"], by["security_practices"],
                                                        by["streams"])
        self.mlevels, self.plevels, self.activities = by["maturity_levels"], by["practice_levels"], by["activities"]
        self.questions, self.sets = by["questions"], by["answer_sets"]
        self.level_no: dict[str, int] = {}
        for mid, (label, doc) in self.mlevels.items():
            n = doc.get("number")
            if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 9:
                self.pr.add(f"{label}: number", f"{n!r} is not a maturity level number (accepted: 0-9)")
            else:
                self.level_no[mid] = n
        self.used: Counter[str] = Counter()
        self._check_links()
        used_sets = {k: v for k, v in self.sets.items() if self.used[k]} or self.sets
        self.scale, self.answers = _scale(used_sets, self.used, self.pr, self.notes)
        self.pr.raise_if_any()
        self.ids = Ids(self.pr)

    def _check_links(self) -> None:
        links = ((self.plevels, "practice", self.practices, "security_practices"),
                 (self.plevels, "maturityLevel", self.mlevels, "maturity_levels"),
                 (self.practices, "function", self.functions, "business_functions"),
                 (self.streams, "practice", self.practices, "security_practices"),
                 (self.activities, "stream", self.streams, "streams"),
                 (self.activities, "level", self.plevels, "practice_levels"),
                 (self.questions, "activity", self.activities, "activities"))
        for objects, key, targets, folder in links:
            for label, doc in objects.values():
                _link(self.pr, label, doc, key, targets, folder)
        for label, doc in self.questions.values():
            if _link(self.pr, label, doc, "answerSet", self.sets, "answer_sets"):
                self.used[scalar_text(doc.get("answerSet"))] += 1
            if not scalar_text(doc.get("text")):
                self.pr.add(f"{label}: text", "the question has no text")

    @staticmethod
    def children(objects: dict[str, Entry], key: str, parent: str) -> list[tuple[str, Entry]]:
        found = [(k, v) for k, v in objects.items() if scalar_text(v[1].get(key)) == parent]
        return sorted(found, key=lambda kv: (_order(kv[1][1]), scalar_text(kv[1][1].get("letter"))))

    def domains(self) -> list[dict[str, Any]]:
        initials = Counter(scalar_text(doc.get("name"))[:1].upper() for _l, doc in self.functions.values())
        out: list[dict[str, Any]] = []
        for fid, (flabel, fdoc) in sorted(self.functions.items(), key=lambda kv: _order(kv[1][1])):
            fname = scalar_text(fdoc.get("name")) or fid
            letter = fname[:1].upper()
            did = self.ids.take(letter if initials[letter] == 1 and letter.isalpha() else fname.replace(" ", "-"),
                                flabel)
            subs = [s for pid, entry in self.children(self.practices, "function", fid)
                    if (s := self.practice(did, pid, entry)) is not None]
            if subs:
                out.append(prune({"id": did, "names": text(fname),
                                  "description": text(scalar_text(fdoc.get("description")))}) | {"subdomains": subs})
        return out

    def practice(self, did: str, pid: str, entry: Entry) -> dict[str, Any] | None:
        label, doc = entry
        short = scalar_text(doc.get("shortName")) or pid[:8]
        sid = self.ids.take(f"{did}-{short}", label)
        items = [i for stid, st in self.children(self.streams, "practice", pid)
                 if (i := self.stream(sid, stid, st)) is not None]
        if not items:
            return None
        return prune({"id": sid, "names": text(scalar_text(doc.get("name")) or short),
                      "description": text(md_join(scalar_text(doc.get("shortDescription")),
                                                  scalar_text(doc.get("longDescription"))))}) | {"items": items}

    def stream(self, sid: str, stid: str, entry: Entry) -> dict[str, Any] | None:
        label, doc = entry
        letter = scalar_text(doc.get("letter")) or stid[:4]
        iid = self.ids.take(f"{sid}-{letter}", label)
        reqs: list[dict[str, Any]] = []
        for aid, (alabel, adoc) in self.children(self.activities, "stream", stid):
            pl = self.plevels.get(scalar_text(adoc.get("level")))
            n = self.level_no.get(scalar_text(pl[1].get("maturityLevel"))) if pl else None
            if n is None:
                self.pr.add(f"{alabel}: level", "its practice level names no maturity level")
                continue
            qs = self.children(self.questions, "activity", aid)
            if not qs:
                self.notes.append(f"{alabel}: an activity without a question; left out")
            for k, (_qid, (qlabel, qdoc)) in enumerate(qs, start=1):
                rid = self.ids.take(f"{iid}-{n}" if len(qs) == 1 else f"{iid}-{n}.{k}", qlabel)
                own = self.answers.get(scalar_text(qdoc.get("answerSet")), [])
                reqs.append(_requirement(rid, n, qdoc, adoc, own))
        if not reqs:
            return None
        reqs.sort(key=lambda r: (r["level"], r["id"]))
        return prune({"id": iid, "names": text(scalar_text(doc.get("name")) or f"Stream {letter}"),
                      "description": text(scalar_text(doc.get("description")))}) | {"requirements": reqs}

    def levels(self) -> list[dict[str, Any]]:
        found = sorted((self.level_no[m], d) for m, (_l, d) in self.mlevels.items() if m in self.level_no)
        return [prune({"n": n, "names": text(f"Maturity level {n}"),
                       "meaning": text(scalar_text(doc.get("description")))}) for n, doc in found]


def convert(src: Source) -> Converted:
    m = _Model(src)
    domains = m.domains()
    m.pr.raise_if_any()
    version = _version(src.path, src, list(m.functions.values()))
    data = {
        "format": FORMAT_V2,
        "id": MODEL_ID,
        "version": version,
        "languages": ["en"],
        "names": text("OWASP SAMM"),
        "description": text("OWASP Software Assurance Maturity Model v2: business functions, security practices "
                            "and streams, one question per stream and maturity level. Scored as the SAMM toolbox "
                            "does: 0-3 per practice."),
        "source": {"kind": KIND, "title": f"OWASP SAMM core model {version}", "url": URL,
                   "file": src.path.name, "imported_at": now_iso(), "license": "CC-BY-SA 4.0"},
        "scoring": {"rule": "weighted", "empty_levels": "pass"},
        "scale": m.scale,
        "levels": m.levels(),
        "domains": domains,
    }
    return Converted(KIND, data, m.notes)


def _requirement(rid: str, level: int, q: Mapping[str, Any], act: Mapping[str, Any],
                 own_answers: list[tuple[str, float]]) -> dict[str, Any]:
    quality = q.get("quality")
    criteria = "\n".join(f"- {scalar_text(c)}" for c in quality if scalar_text(c)) if isinstance(quality, list) else ""
    answers = "\n".join(f"- {w} ({v:g})" for w, v in own_answers)
    activity = scalar_text(act.get("title"))
    guidance = md_join(md_section("Quality criteria", criteria), md_section("Answers", answers))
    description = md_join(f"**Activity: {activity}**" if activity else "", scalar_text(act.get("shortDescription")),
                          scalar_text(act.get("longDescription")),
                          md_section("Benefit", scalar_text(act.get("benefit"))))
    return prune({"id": rid, "level": level, "text": text(scalar_text(q.get("text"))),
                  "guidance": text(guidance), "description": text(description)})
