"""CISO Assistant libraries (github.com/intuitem/ciso-assistant-community, backend/library/libraries/*.yaml).

A library: ``urn``, ``ref_id``, ``name``, ``locale``, ``version``, ``provider``, ``copyright``, and
``objects.framework`` with ``requirement_nodes`` (a flat list: ``urn``, ``ref_id``, ``name``, ``description``,
``annotation``, ``depth``, ``parent_urn``, ``assessable``, ``implementation_groups``, ``typical_evidence``,
``translations``), optional ``scores_definition`` (score, name, description) with ``min_score`` /
``max_score``, and ``implementation_groups_definition`` (ref_id, name, description).

Mapping:

- assessable nodes are requirements (id = their ref_id, else the end of their urn). The non-assessable nodes
  above them are the tree: the first is the domain, the nearest the item, a middle one the subdomain (deeper
  layers are joined into the subdomain's name). When a requirement's only ancestor is its domain (NIST SP
  800-53: family > control), each control is an item of its own holding its one requirement.
- non-assessable nodes below a requirement (NIST SSDF's examples) become its guidance; nodes with nothing
  assessable under them are left out.
- a node without a name is named from its ref_id and the first words of its description (never a copy of
  the whole text).
- the scale: ``scores_definition`` when present (weight = (score - min) / (max - min), the top score
  satisfies), plus "Not applicable"; else CISO Assistant's results compliant 1 / partially_compliant 0.5 /
  non_compliant 0 / not_applicable (needs a justification).
- levels: nested ``implementation_groups`` (ASVS L1 < L2 < L3, CIS IG1 < IG2 < IG3) become levels, a
  requirement sitting at its lowest group; otherwise one level. Scoring ``coverage`` (CISO Assistant's share
  of compliance) with ``empty_levels: hold``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cdassess.importers.common import (
    FORMAT_V2,
    Converted,
    Ids,
    Problems,
    first_words,
    md_join,
    md_section,
    now_iso,
    option_id,
    plain_to_md,
    prune,
    scalar_text,
    slug,
    text,
)

KIND = "ciso-assistant"
URL = "https://github.com/intuitem/ciso-assistant-community"
RESULTS = [
    {"id": "compliant", "labels": {"en": "Compliant"}, "weight": 1.0, "satisfies": True,
     "needs_justification": False, "not_applicable": False, "words": ["compliant", "Compliant"]},
    {"id": "partially_compliant", "labels": {"en": "Partially compliant"}, "weight": 0.5, "satisfies": False,
     "needs_justification": False, "not_applicable": False,
     "words": ["partially_compliant", "Partially compliant", "partially compliant"]},
    {"id": "non_compliant", "labels": {"en": "Non-compliant"}, "weight": 0.0, "satisfies": False,
     "needs_justification": False, "not_applicable": False,
     "words": ["non_compliant", "Non-compliant", "non compliant", "Not compliant"]},
    {"id": "not_applicable", "labels": {"en": "Not applicable"}, "weight": 0.0, "satisfies": True,
     "needs_justification": True, "not_applicable": True, "words": ["not_applicable", "Not applicable", "N/A"]},
]
"""CISO Assistant's requirement assessment results (``not_assessed`` is cdassess's ``unrated``)."""


def looks_like(doc: Any) -> bool:
    objects = doc.get("objects") if isinstance(doc, Mapping) else None
    return isinstance(objects, Mapping) and isinstance(objects.get("framework"), Mapping)


def is_library(doc: Any) -> bool:
    """A CISO Assistant library of another kind (threats, reference controls, mappings: no framework)."""
    return isinstance(doc, Mapping) and isinstance(doc.get("objects"), Mapping) and \
        str(doc.get("urn", "")).startswith("urn:")


def _lang_text(node: Mapping[str, Any], key: str, locale: str) -> dict[str, str]:
    """The node's ``key`` in en/zh: the library's own locale, or its translations (line breaks kept)."""
    out = _lang_raw(node, key, locale)
    return {lang: plain_to_md(v) for lang, v in out.items()} if key in ("description", "annotation") else out


def _lang_raw(node: Mapping[str, Any], key: str, locale: str) -> dict[str, str]:
    own = scalar_text(node.get(key))
    raw_tr = node.get("translations")
    tr: Mapping[str, Any] = raw_tr if isinstance(raw_tr, Mapping) else {}
    out: dict[str, str] = {}
    for lang in ("en", "zh"):
        if locale == lang and own:
            out[lang] = own
        elif isinstance(tr.get(lang), Mapping) and scalar_text(tr[lang].get(key)):
            out[lang] = scalar_text(tr[lang][key])
    if not out and own:
        out["en"] = own  # another locale without an English translation: kept as written (see notes)
    return out


def _first(t: dict[str, str]) -> str:
    return t.get("en") or t.get("zh") or ""


class _Tree:
    """The framework's flat node list as a tree: parents, children, ids and names."""

    def __init__(self, fw: Mapping[str, Any], locale: str, pr: Problems) -> None:
        self.locale = locale
        self.pr = pr
        raw_nodes = fw.get("requirement_nodes")
        if not isinstance(raw_nodes, list) or not raw_nodes:
            pr.add("objects > framework > requirement_nodes", "missing or empty (a framework lists its nodes)")
            pr.raise_if_any()
            raw_nodes = []
        self.nodes: list[Mapping[str, Any]] = []
        self.by_urn: dict[str, int] = {}
        for i, n in enumerate(raw_nodes):
            self._add(i, n)
        pr.raise_if_any()
        self.parent = self._parents()
        pr.raise_if_any()
        self.assessable = [n.get("assessable") is True for n in self.nodes]
        self.children: dict[int, list[int]] = {}
        for i, p in enumerate(self.parent):
            if p is not None:
                self.children.setdefault(p, []).append(i)
        self.ref_counts = Counter(scalar_text(n.get("ref_id")) for n in self.nodes)
        self.prefix = _urn_prefix([scalar_text(n.get("urn")) for n in self.nodes])

    def _add(self, i: int, n: Any) -> None:
        where = f"requirement_nodes[{i}]"
        if not isinstance(n, Mapping):
            self.pr.add(where, "expected a requirement node (urn, ref_id, name, description, ...)")
            return
        urn = scalar_text(n.get("urn"))
        if not urn:
            self.pr.add(f"{where}: urn", "missing (every node has a urn)")
        elif urn in self.by_urn:
            self.pr.add(f"{where}: urn", f"duplicate urn {urn} (also requirement_nodes[{self.by_urn[urn]}])")
        else:
            self.by_urn[urn] = len(self.nodes)
            self.nodes.append(n)

    def _parents(self) -> list[int | None]:
        """parent_urn, else the nearest earlier node one depth up (the files list nodes in tree order)."""
        parent: list[int | None] = []
        last_at_depth: dict[int, int] = {}
        for i, n in enumerate(self.nodes):
            p = scalar_text(n.get("parent_urn"))
            depth = n.get("depth") if isinstance(n.get("depth"), int) else None
            if p:
                if p not in self.by_urn:
                    self.pr.add(f"{scalar_text(n.get('urn'))}: parent_urn", f"{p} is no node of this framework")
                parent.append(self.by_urn.get(p))
            elif depth is not None and depth > 1 and depth - 1 in last_at_depth:
                parent.append(last_at_depth[depth - 1])
            else:
                parent.append(None)
            if depth is not None:
                last_at_depth[depth] = i
        return parent

    def node_id(self, i: int) -> str:
        """The ref_id when it is unique in the framework, else the end of the urn."""
        ref = scalar_text(self.nodes[i].get("ref_id"))
        if ref and self.ref_counts[ref] == 1 and not any(ch.isspace() for ch in ref):
            return ref
        urn = scalar_text(self.nodes[i].get("urn"))
        return urn[len(self.prefix):] or urn

    def name(self, i: int) -> dict[str, str]:
        """The node's name, or its ref_id and the first words of its description."""
        name = _lang_text(self.nodes[i], "name", self.locale)
        if name:
            return name
        ref = scalar_text(self.nodes[i].get("ref_id"))
        desc = _lang_raw(self.nodes[i], "description", self.locale)
        out = {lang: " ".join(p for p in (ref, first_words(d, 6)) if p) for lang, d in desc.items()}
        return out or {"en": ref or self.node_id(i)}

    def text(self, i: int, key: str) -> dict[str, str]:
        return _lang_text(self.nodes[i], key, self.locale)

    def chain(self, i: int) -> list[int]:
        out: list[int] = []
        p = self.parent[i]
        while p is not None:
            out.append(p)
            p = self.parent[p]
        return out[::-1]

    def layer(self, i: int) -> dict[str, Any]:
        return prune({"id": self.node_id(i), "names": self.name(i),
                      "description": _desc_if_named(self.nodes[i], self.locale)})

    def has_assessable_below(self, i: int) -> bool:
        stack = list(self.children.get(i, []))
        while stack:
            c = stack.pop()
            if self.assessable[c]:
                return True
            stack += self.children.get(c, [])
        return False


class _Builder:
    """Places every requirement under its domain, subdomain and item."""

    def __init__(self, tree: _Tree, fw: Mapping[str, Any], level_of: dict[int, int], tag_groups: bool,
                 pr: Problems) -> None:
        self.t = tree
        self.ids = Ids(pr)
        self.level_of = level_of
        self.tag_groups = tag_groups
        self.fw_ref = scalar_text(fw.get("ref_id")) or slug(scalar_text(fw.get("name"))) or "framework"
        self.fw_name = _lang_text(fw, "name", tree.locale) or {"en": self.fw_ref}
        self.domains: dict[str, dict[str, Any]] = {}
        self.subs: dict[tuple[str, str], dict[str, Any]] = {}
        self.items: dict[tuple[str, ...], dict[str, Any]] = {}
        self.folded = 0

    def domain(self, outer: list[int]) -> str:
        key = self.t.node_id(outer[0]) if outer else self.fw_ref
        if key not in self.domains:
            self.domains[key] = self.t.layer(outer[0]) if outer else {"id": self.fw_ref, "names": self.fw_name}
            self.ids.take(self.domains[key]["id"], f"node {key}")
        return key

    def item(self, dkey: str, outer: list[int], anchor: int) -> dict[str, Any]:
        """The item holding ``anchor``'s requirements: the nearest layer, or the node itself under a domain."""
        own_item = len(outer) <= 1
        ikey = (dkey, "node", self.t.node_id(anchor)) if own_item else (dkey, *(self.t.node_id(a) for a in outer[1:]))
        if ikey in self.items:
            return self.items[ikey]
        item: dict[str, Any]
        if own_item:
            item = {"id": f"{self.t.node_id(anchor)}.item", "names": self.t.name(anchor), "requirements": []}
        else:
            item = self.t.layer(outer[-1]) | {"requirements": []}
        self.ids.take(str(item["id"]), f"node {self.t.node_id(anchor if own_item else outer[-1])}")
        self.items[ikey] = item
        dom = self.domains[dkey]
        if len(outer) >= 3:
            self.subdomain(dkey, outer[1:-1])["items"].append(item)
        else:
            dom.setdefault("items", []).append(item)
        return item

    def subdomain(self, dkey: str, mids: list[int]) -> dict[str, Any]:
        sid = "/".join(self.t.node_id(m) for m in mids)
        if (dkey, sid) not in self.subs:
            names = [self.t.name(m) for m in mids]
            sub = prune({"id": sid, "names": {lang: " > ".join(nm.get(lang, _first(nm)) for nm in names)
                                              for lang in names[-1]},
                         "description": _desc_if_named(self.t.nodes[mids[-1]], self.t.locale)}) | {"items": []}
            self.ids.take(sid, f"node {sid}")
            self.subs[(dkey, sid)] = sub
            self.domains[dkey].setdefault("subdomains", []).append(sub)
        return self.subs[(dkey, sid)]

    def requirement(self, i: int) -> None:
        t = self.t
        anc = t.chain(i)
        inner_req = next((a for a in reversed(anc) if t.assessable[a]), None)
        # A requirement below another requirement shares its item.
        outer = [a for a in t.chain(inner_req if inner_req is not None else i) if not t.assessable[a]]
        dkey = self.domain(outer)
        anchor = inner_req if inner_req is not None else i
        item = self.item(dkey, outer, anchor)
        node = t.nodes[i]
        examples = [t.nodes[c] for c in t.children.get(i, []) if not t.assessable[c]]
        self.folded += len(examples)
        guidance = [_first(t.text(i, "annotation"))]
        for e in examples:
            words = _first(_lang_text(e, "description", t.locale)) or _first(_lang_text(e, "name", t.locale))
            guidance.append(words if words.lower().startswith("example") else md_section("Example", words))
        ev = node.get("typical_evidence")
        if isinstance(ev, str) and ev.strip():
            guidance.append(md_section("Typical evidence", plain_to_md(ev)))
        groups = node.get("implementation_groups")
        tags = [scalar_text(g) for g in groups] if self.tag_groups and isinstance(groups, list) else []
        ident = t.node_id(i)
        named_item = len(outer) <= 1 and inner_req is None
        item["requirements"].append(prune({
            "id": self.ids.take(ident, f"node {ident}"), "level": self.level_of.get(i, 1),
            "text": _requirement_text(node, t.locale, named_item=named_item), "guidance": text(md_join(*guidance)),
            "tags": tags}))

    def finish(self) -> list[dict[str, Any]]:
        # A domain holds either subdomains or items: items next to subdomains go into one named as the domain.
        for d in self.domains.values():
            if "subdomains" in d and "items" in d:
                sub = {"id": self.ids.take(f"{d['id']}/general", f"node {d['id']}"), "names": d["names"],
                       "items": d.pop("items")}
                d["subdomains"].insert(0, sub)
        return list(self.domains.values())


def convert(doc: Mapping[str, Any], path: Path) -> Converted:
    pr = Problems(path, "CISO Assistant framework library")
    notes: list[str] = []
    fw = doc["objects"]["framework"]
    locale = scalar_text(doc.get("locale")) or "en"
    if locale not in ("en", "zh"):
        notes.append(f"the library's locale is {locale!r}: English translations are used where it has them, "
                     "the rest is kept as written")
    tree = _Tree(fw, locale, pr)
    levels, level_of, groups_note = _levels(fw, tree.nodes, tree.assessable)
    if groups_note:
        notes.append(groups_note)
    scale = _scale(fw, pr)
    pr.raise_if_any()
    b = _Builder(tree, fw, level_of, tag_groups=len(levels) == 1, pr=pr)
    for i in range(len(tree.nodes)):
        if tree.assessable[i]:
            b.requirement(i)
    domains = b.finish()
    if not domains:
        pr.add("objects > framework > requirement_nodes", "no assessable node (nothing to assess)")
    pr.raise_if_any()
    if b.folded:
        notes.append(f"{b.folded} non-assessable nodes under requirements became their guidance")
    dropped = sum(1 for i in range(len(tree.nodes)) if not tree.assessable[i] and not tree.has_assessable_below(i)
                  and not any(tree.assessable[a] for a in tree.chain(i)))
    if dropped:
        notes.append(f"{dropped} non-assessable nodes with nothing to assess under them were left out")
    lib_ref = scalar_text(doc.get("ref_id")) or b.fw_ref
    langs = [lang for lang in ("en", "zh") if any(lang in d["names"] for d in domains)]
    data = {
        "format": FORMAT_V2,
        "id": re.sub(r"[^a-z0-9._-]+", "-", lib_ref.lower()).strip("-.") or slug(scalar_text(doc.get("urn"))),
        "version": scalar_text(doc.get("version")) or "1",
        "languages": langs or ["en"],
        "names": _lang_text(doc, "name", locale) or b.fw_name,
        "description": _lang_text(doc, "description", locale),
        "source": prune({"kind": KIND, "title": _first(_lang_text(doc, "name", locale)) or lib_ref,
                         "url": URL, "urn": scalar_text(doc.get("urn")), "file": path.name,
                         "provider": scalar_text(doc.get("provider")), "packager": scalar_text(doc.get("packager")),
                         "publication_date": scalar_text(doc.get("publication_date")), "imported_at": now_iso(),
                         "license": scalar_text(doc.get("copyright"))}),
        "scoring": {"rule": "coverage", "empty_levels": "hold"},
        "scale": scale,
        "levels": levels,
        "domains": domains,
    }
    return Converted(KIND, prune(data), notes)


def _urn_prefix(urns: list[str]) -> str:
    """``urn:intuitem:risk:req_node:<framework>:`` (the part every node's urn shares)."""
    if not urns:
        return ""
    first = urns[0]
    cut = first.rfind(":") + 1
    prefix = first[:cut]
    while prefix and not all(u.startswith(prefix) for u in urns):
        prefix = prefix[:prefix[:-1].rfind(":") + 1]
    return prefix


def _desc_if_named(node: Mapping[str, Any], locale: str) -> dict[str, str]:
    """A layer's description, unless its name was made from it (never the same words twice)."""
    if not scalar_text(node.get("name")):
        return {}
    return _lang_text(node, "description", locale)


def _requirement_text(node: Mapping[str, Any], locale: str, *, named_item: bool) -> dict[str, str]:
    desc = _lang_text(node, "description", locale)
    name = _lang_text(node, "name", locale)
    if not desc:
        return name or {"en": scalar_text(node.get("ref_id"))}
    if name and not named_item:
        return {lang: f"{name.get(lang, _first(name))}: {d}" for lang, d in desc.items()}
    return desc


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _scale(fw: Mapping[str, Any], pr: Problems) -> list[dict[str, Any]]:
    defs = fw.get("scores_definition")
    if not defs:
        return [dict(o) for o in RESULTS]
    if not isinstance(defs, list):
        pr.add("objects > framework > scores_definition", "expected a list of {score, name, description}")
        return []
    scores: list[tuple[float, str, str]] = []
    for k, d in enumerate(defs):
        where = f"objects > framework > scores_definition[{k}]"
        score = _number(d.get("score")) if isinstance(d, Mapping) else None
        if score is None:
            pr.add(where, "needs a numeric score and a name")
            continue
        scores.append((score, scalar_text(d.get("name")) or f"Score {score:g}", scalar_text(d.get("description"))))
    if not scores:
        return []
    lo = _number(fw.get("min_score"))
    hi = _number(fw.get("max_score"))
    lo = min(s for s, _n, _d in scores) if lo is None else lo
    hi = max(s for s, _n, _d in scores) if hi is None else hi
    if hi <= lo:
        pr.add("objects > framework > max_score", f"max_score {hi:g} must be above min_score {lo:g}")
        return []
    out: list[dict[str, Any]] = []
    for score, name, _desc in sorted(scores):
        weight = (score - lo) / (hi - lo)
        if not 0 <= weight <= 1:
            pr.add("objects > framework > scores_definition",
                   f"score {score:g} ({name}) is outside min_score {lo:g} - max_score {hi:g}: its answer weight "
                   f"{weight:g} is outside [0, 1]")
            continue
        oid = option_id(name, [o["id"] for o in out] + ["not_applicable"])
        out.append({"id": oid, "labels": text(name), "weight": round(weight, 6), "satisfies": score == hi,
                    "needs_justification": False, "not_applicable": False, "words": [name, f"{score:g}"]})
    out.append(dict(RESULTS[-1]))
    return out


def _levels(fw: Mapping[str, Any], nodes: list[Mapping[str, Any]],
            assessable: list[bool]) -> tuple[list[dict[str, Any]], dict[int, int], str]:
    one = [{"n": 1, "names": {"en": "Implemented"},
            "meaning": {"en": "every requirement of the node is satisfied"}}]
    defs = fw.get("implementation_groups_definition")
    if not isinstance(defs, list) or not defs:
        return one, {}, ""
    groups = [scalar_text(d.get("ref_id")) for d in defs if isinstance(d, Mapping)]
    if len(groups) > 9 or len(set(groups)) != len(groups) or not all(groups):
        return one, {}, "implementation groups kept as tags (more than 9, or without distinct ref_ids)"
    index = {g: k for k, g in enumerate(groups)}
    level_of: dict[int, int] = {}
    for i, n in enumerate(nodes):
        if not assessable[i]:
            continue
        raw = n.get("implementation_groups")
        mine = sorted({index[g] for g in (scalar_text(x) for x in raw or []) if g in index}) if isinstance(raw, list) \
            else []
        if not mine:
            level_of[i] = 1
            continue
        # Nested groups: a requirement of group k belongs to every group after k (L1 -> L1, L2, L3).
        if mine != list(range(mine[0], len(groups))):
            return one, {}, ("implementation groups kept as tags: they are not nested levels (a requirement in "
                             f"{', '.join(groups[k] for k in mine)} only)")
        level_of[i] = mine[0] + 1
    levels = [prune({"n": k + 1, "names": text(scalar_text(d.get("name")) or groups[k]),
                     "meaning": text(scalar_text(d.get("description")))}) for k, d in enumerate(defs)]
    return levels, level_of, f"levels from the implementation groups {', '.join(groups)}"
