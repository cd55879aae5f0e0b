"""Model workbooks: a capability model as sheets (to replace requirement texts with the licensed standard's,
or to write a custom model), validated exactly like a model file, with sheet, row and column in each problem.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdassess.errors import ModelError, Problem
from cdassess.model import Model, parse_model
from cdassess.xlsx.columns import Column, cell_text
from cdassess.xlsx.fastread import Book
from cdassess.xlsx.preview import ProblemRow
from cdassess.xlsx.reading import Table, header_problems, open_workbook, read_meta, read_table, text_value
from cdassess.xlsx.writing import STYLE_ANSWER, BookWriter, check_target

if TYPE_CHECKING:
    from cdassess.library import ModelLibrary

KIND = "model"
S_MODEL, S_LEVELS, S_DOMAINS = "模型 Model", "级别 Levels", "能力域 Domains"
S_SUBDOMAINS, S_ITEMS, S_REQS = "能力子域 Subdomains", "能力项 Items", "要求 Requirements"


def _zh_en(key: str, zh: str, en: str, width: float = 30) -> tuple[Column, Column]:
    return (Column(f"{key}_zh", f"{zh}（中文）", f"{en} (zh)", width=width),
            Column(f"{key}_en", f"{zh}（英文）", f"{en} (en)", width=width))


C_FIELD = Column("field", "字段", "Field", required=True, width=22)
C_VALUE = Column("value", "值", "Value", required=True, width=70)
MODEL_COLUMNS = (C_FIELD, C_VALUE)
MODEL_FIELDS = ("id", "version", "name_zh", "name_en", "source_zh", "source_en", "provenance_note_zh",
                "provenance_note_en")

C_N = Column("n", "级别", "Level", ("n", "level number"), required=True, width=8)
LEVEL_COLUMNS = (C_N, *_zh_en("name", "名称", "Name", 20), *_zh_en("meaning", "含义", "Meaning", 50))

C_DID = Column("domain_id", "能力域编号", "Domain ID", required=True, width=14)
C_SID = Column("subdomain_id", "能力子域编号", "Subdomain ID", width=14)
C_IID = Column("item_id", "能力项编号", "Item ID", width=16)
C_RID = Column("req_id", "要求编号", "Requirement ID", required=True, width=18)
NAMES = _zh_en("name", "名称", "Name", 24)
DESCS = _zh_en("description", "描述", "Description", 36)
DOMAIN_COLUMNS = (C_DID, *NAMES, *DESCS)
SUBDOMAIN_COLUMNS = (Column("subdomain_id", "能力子域编号", "Subdomain ID", required=True, width=14), C_DID, *NAMES,
                     *DESCS)
ITEM_COLUMNS = (Column("item_id", "能力项编号", "Item ID", required=True, width=16), C_DID, C_SID, *NAMES, *DESCS)
C_RLEVEL = Column("level", "级别", "Level", required=True, width=7)
REQ_COLUMNS = (C_RID, Column("item_id", "能力项编号", "Item ID", required=True, width=16), C_RLEVEL,
               *_zh_en("text", "要求", "Text", 50), *_zh_en("guidance", "评估指引", "Guidance", 36),
               Column("evidence_types", "证据类型", "Evidence types", ("evidence",), width=20),
               Column("provenance", "来源", "Provenance", width=12))

# cdassess-model/2 (written only for v2 models; a v1 workbook has none of these and reads as before)
FORMAT_V1, FORMAT_V2 = "cdassess-model/1", "cdassess-model/2"
S_SCALE = "评分选项 Scale"
V2_FIELDS = ("format", "languages", "description_zh", "description_en", "scoring_rule", "empty_levels")
C_REFS = Column("references", "参考", "References", ("references",), width=30)
C_TAGS = Column("tags", "标签", "Tags", ("tags",), width=16)
C_DEPS = Column("depends_on", "依赖", "Depends on", ("depends on",), width=20)
REQ_V2_COLUMNS = (*_zh_en("req_description", "说明", "Description", 36), C_REFS, C_TAGS, C_DEPS)
NODE_V2_COLUMNS = (C_REFS, C_TAGS)
SCALE_COLUMNS = (Column("option_id", "选项编号", "Option ID", ("option id",), required=True, width=16),
                 *_zh_en("label", "标签名", "Label", 28),
                 Column("weight", "权重", "Weight", ("weight",), required=True, width=8),
                 Column("satisfies", "满足要求", "Satisfies", ("satisfies",), width=10),
                 Column("needs_justification", "需说明理由", "Needs justification", ("justification",), width=12),
                 Column("not_applicable", "不适用", "Not applicable", ("not applicable",), width=10),
                 Column("words", "可接受的答案", "Answer words", ("words",), width=40))
_YES_WORDS = {"yes", "y", "true", "1", "是", "x", "√", "✓"}


def _refs_cell(refs: Any) -> str:
    return "\n".join(f"{r.title} | {r.url}" if r.url and r.url != r.title else (r.url or r.title) for r in refs)


def _refs_value(text: str) -> list[dict[str, str]]:
    out = []
    for line in text.splitlines():
        title, _, url = (part.strip() for part in line.partition(" | "))
        if not title:
            continue
        if not url and "://" in title:
            url = title
        out.append({"title": title, "url": url} if url else {"title": title})
    return out


def _list_value(text: str) -> list[str]:
    return [x.strip() for x in re.split(r"[,;\n]", text) if x.strip()]


def _text(row: Any, table: Table, key: str, problems: list[ProblemRow], rnum: int) -> dict[str, str]:
    return {"zh": text_value(table, rnum, row, f"{key}_zh", problems),
            "en": text_value(table, rnum, row, f"{key}_en", problems)}


# --------------------------------------------------------------------------------------------- export


def export_model_workbook(model: Model, path: str | Path) -> Path:
    """Write ``model`` as a model workbook (imports back to an equal model; v2 models get their scale, scoring,
    descriptions, references, tags and dependencies too)."""
    check_target(path)
    bw = BookWriter(rows=len(model.requirements))
    v2 = str(getattr(model, "format", FORMAT_V1)) == FORMAT_V2

    def sheet(title: str, columns: Sequence[Column], rows: list[list[Any]]) -> None:
        ws = bw.sheet(title, [c.width for c in columns])
        bw.header(ws, columns)
        for r in rows:
            bw.append(ws, [bw.cell(ws, v, STYLE_ANSWER) if isinstance(v, str) else v for v in r])

    def extra(node: Any, deps: bool = False) -> list[Any]:
        if not v2:
            return []
        out = [_refs_cell(node.references), ", ".join(node.tags)]
        return [*out, ", ".join(node.depends_on)] if deps else out

    info: dict[str, Any] = {"id": model.id, "version": model.version, "name_zh": model.names.zh,
                            "name_en": model.names.en, "source_zh": model.source.zh, "source_en": model.source.en,
                            "provenance_note_zh": model.provenance_note.zh,
                            "provenance_note_en": model.provenance_note.en}
    fields = list(MODEL_FIELDS)
    if v2:
        m: Any = model
        info |= {"format": FORMAT_V2, "languages": ", ".join(m.languages), "description_zh": m.description.zh,
                 "description_en": m.description.en, "scoring_rule": m.scoring.rule,
                 "empty_levels": m.scoring.empty_levels}
        info |= {f"source.{k}": v for k, v in dict(m.origin).items()}
        fields += [*V2_FIELDS, *(f"source.{k}" for k in dict(m.origin))]
    sheet(S_MODEL, MODEL_COLUMNS, [[k, info[k]] for k in fields])
    sheet(S_LEVELS, LEVEL_COLUMNS, [[lv.n, lv.names.zh, lv.names.en, lv.meaning.zh, lv.meaning.en]
                                    for lv in model.levels])
    node_cols = NODE_V2_COLUMNS if v2 else ()
    sheet(S_DOMAINS, (*DOMAIN_COLUMNS, *node_cols),
          [[d.id, d.names.zh, d.names.en, d.description.zh, d.description.en, *extra(d)] for d in model.domains])
    sheet(S_SUBDOMAINS, (*SUBDOMAIN_COLUMNS, *node_cols),
          [[s.id, d.id, s.names.zh, s.names.en, s.description.zh, s.description.en, *extra(s)]
           for d in model.domains for s in d.subdomains if not s.implicit])
    sheet(S_ITEMS, (*ITEM_COLUMNS, *((*node_cols, C_DEPS) if v2 else ())),
          [[i.id, d.id, "" if s.implicit else s.id, i.names.zh, i.names.en, i.description.zh, i.description.en,
            *extra(i, deps=True)] for d in model.domains for s in d.subdomains for i in s.items])
    sheet(S_REQS, (*REQ_COLUMNS, *(REQ_V2_COLUMNS if v2 else ())),
          [[r.id, r.item_id, r.level, r.text.zh, r.text.en, r.guidance.zh, r.guidance.en, ", ".join(r.evidence_types),
            r.provenance, *([r.description.zh, r.description.en] if v2 else []),
            *extra(r, deps=True)] for r in model.requirements.values()])
    if v2:
        scale: Any = model.scale
        sheet(S_SCALE, SCALE_COLUMNS,
              [[o.id, o.labels.get("zh", ""), o.labels.get("en", ""), o.weight, "yes" if o.satisfies else "no",
                "yes" if o.needs_justification else "no", "yes" if o.not_applicable else "no", "\n".join(o.words)]
               for o in scale.options])
    bw.meta_sheet(KIND, [("model_id", model.id), ("model_version", model.version)])
    return bw.save(path)


# --------------------------------------------------------------------------------------------- import


@dataclass
class _Where:
    """Where each model node came from, to put sheet, row and column on the loader's problems."""

    rows: dict[str, tuple[Table, int]] = field(default_factory=dict)
    levels: list[tuple[Table, int]] = field(default_factory=list)
    model_rows: dict[str, int] = field(default_factory=dict)
    model_sheet: str = S_MODEL


_FIELD_KEYS = {"names": "name_zh", "description": "description_zh", "text": "text_zh", "guidance": "guidance_zh",
               "level": "level", "evidence_types": "evidence_types", "provenance": "provenance",
               "meaning": "meaning_zh", "n": "n"}


def _locate(problem: Problem, where: _Where) -> ProblemRow:
    text = problem.where
    fld_match = re.search(r"[.:]\s*(\w+)$", text)
    fld = fld_match.group(1) if fld_match else ""
    ids = re.findall(r"\(([^()]*)\)", text)
    if ids and ids[-1] in where.rows:
        table, row = where.rows[ids[-1]]
        return ProblemRow(table.sheet, row, table.column(_FIELD_KEYS.get(fld, "")), problem.message)
    lv = re.search(r"levels\[(\d+)\]", text)
    if lv and int(lv.group(1)) < len(where.levels):
        table, row = where.levels[int(lv.group(1))]
        return ProblemRow(table.sheet, row, table.column(_FIELD_KEYS.get(fld, "")), problem.message)
    if fld == "levels":
        sheet = where.levels[0][0].sheet if where.levels else S_LEVELS
        return ProblemRow(sheet, 0, "A", problem.message)
    key = {"names": "name_zh", "source": "source_zh", "provenance_note": "provenance_note_zh"}.get(fld, fld)
    return ProblemRow(where.model_sheet, where.model_rows.get(key, 0), "B" if key in where.model_rows else "",
                      problem.message)


class _Reader:
    def __init__(self, book: Book) -> None:
        self.book = book
        self.problems: list[ProblemRow] = []
        self.where = _Where()
        self.ids: dict[str, str] = {}

    def table(self, title: str, columns: Sequence[Column], prefer: tuple[str, ...]) -> Table | None:
        t = read_table(self.book, columns, prefer=prefer)
        if t is None:
            need = ", ".join(c.label for c in columns if c.required)
            self.problems.append(ProblemRow(title, 0, "", f"no sheet {title!r} with a header holding {need}",
                                            "the sheets of an exported model workbook"))
            return None
        self.problems.extend(header_problems(t, columns))
        return t

    def rows(self, t: Table, key: str) -> list[tuple[int, str, tuple[Any, ...]]]:
        """Rows with an ID in ``key``; a blank ID with other text is a problem, duplicates are problems."""
        out = []
        for rnum, row in t.rows:
            ident = cell_text(t.value(row, key))
            if not ident:
                if any(cell_text(v) for v in row):
                    self.problems.append(ProblemRow(t.sheet, rnum, t.column(key), "a row without an ID",
                                                    "an ID in every row that holds anything"))
                continue
            first = self.ids.get(ident)
            if first is not None:
                self.problems.append(ProblemRow(t.sheet, rnum, t.column(key), f"duplicate ID {ident!r} (also at "
                                                f"{first})", "every domain, subdomain, item and requirement ID "
                                                "once"))
                continue
            self.ids[ident] = f"sheet {t.sheet!r} row {rnum}"
            self.where.rows[ident] = (t, rnum)
            out.append((rnum, ident, row))
        return out

    def parent(self, t: Table, rnum: int, row: Any, key: str, known: dict[str, Any], what: str,
               required: bool = True) -> str:
        value = cell_text(t.value(row, key))
        if not value and not required:
            return ""
        if value not in known:
            self.problems.append(ProblemRow(t.sheet, rnum, t.column(key),
                                            f"unknown {what} {value!r}" if value else f"the {what} is missing",
                                            f"an ID from the {what} sheet"))
            return ""
        return value

    def integer(self, t: Table, rnum: int, row: Any, key: str) -> int | None:
        raw = t.value(row, key)
        text = cell_text(raw)
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        self.problems.append(ProblemRow(t.sheet, rnum, t.column(key), f"{text!r} is not a whole number",
                                        "a level number such as 1"))
        return None


def read_model_workbook(path: str | Path) -> Model:
    """Read and validate a model workbook; raise ModelError with sheet, row and column in every problem."""
    p = Path(path)
    with open_workbook(p) as (book, _scan):
        meta = read_meta(book)
        fmt = meta.get("format", ("", 0))[0]
        if fmt and fmt != f"cdassess-{KIND}/1":
            raise ModelError(f"{p}: this is not a model workbook", [Problem(f"{p.name}: sheet _cdassess",
                                                                            f"its format is {fmt[:80]}")])
        rd = _Reader(book)
        tables = (rd.table(S_MODEL, MODEL_COLUMNS, ("model", "模型")), rd.table(S_LEVELS, LEVEL_COLUMNS,
                                                                              ("levels", "级别")),
                  rd.table(S_DOMAINS, (*DOMAIN_COLUMNS, *NODE_V2_COLUMNS), ("domains", "能力域")),
                  rd.table(S_SUBDOMAINS, (*SUBDOMAIN_COLUMNS, *NODE_V2_COLUMNS), ("subdomains", "子域")),
                  rd.table(S_ITEMS, (*ITEM_COLUMNS, *NODE_V2_COLUMNS, C_DEPS), ("items", "能力项")),
                  rd.table(S_REQS, (*REQ_COLUMNS, *REQ_V2_COLUMNS), ("requirements", "要求")))
        t_scale = read_table(book, SCALE_COLUMNS, prefer=("scale", "评分"))
    if rd.problems or any(t is None for t in tables):
        raise _error(p, rd.problems)
    t_model, t_levels, t_domains, t_subs, t_items, t_reqs = (t for t in tables if t is not None)
    data = _build_dict(rd, t_model, t_levels, t_domains, t_subs, t_items, t_reqs)
    if data["format"] == FORMAT_V2 and t_scale is not None:
        data["scale"] = _read_scale(rd, t_scale)
    if rd.problems:
        raise _error(p, rd.problems)
    try:
        return parse_model(data, p.name)
    except ModelError as exc:
        raise _error(p, [_locate(pr, rd.where) for pr in exc.problems]) from None


def _error(p: Path, problems: list[ProblemRow]) -> ModelError:
    n = len(problems)
    return ModelError(f"{p} is not a valid model workbook ({n} problem{'s' if n != 1 else ''})",
                      [pr.as_problem(p.name) for pr in problems])


def _read_info(rd: _Reader, t_model: Table) -> dict[str, str]:
    info: dict[str, str] = {}
    rd.where.model_sheet = t_model.sheet
    for rnum, row in t_model.rows:
        key = cell_text(t_model.value(row, "field")).lower()
        if key:
            info[key] = text_value(t_model, rnum, row, "value", rd.problems)
            rd.where.model_rows[key] = rnum
    return info


def _read_scale(rd: _Reader, t: Table) -> list[dict[str, Any]]:
    """The v2 rating scale sheet: one option per row (the loader checks ids, weights and labels)."""
    out: list[dict[str, Any]] = []
    for rnum, row in t.rows:
        oid = cell_text(t.value(row, "option_id"))
        if not oid:
            continue
        raw = t.value(row, "weight")
        try:
            weight: Any = float(raw) if not isinstance(raw, bool) else raw
        except (TypeError, ValueError):
            rd.problems.append(ProblemRow(t.sheet, rnum, t.column("weight"), f"{cell_text(raw)!r} is not a number",
                                          "a weight from 0 to 1"))
            continue
        flags = {k: cell_text(t.value(row, k)).lower() in _YES_WORDS
                 for k in ("satisfies", "needs_justification", "not_applicable")}
        words = [w.strip() for w in text_value(t, rnum, row, "words", rd.problems).splitlines() if w.strip()]
        out.append({"id": oid, "labels": {k: v for k, v in _text(row, t, "label", rd.problems, rnum).items() if v},
                    "weight": weight, **flags, "words": words})
    return out


def _read_levels(rd: _Reader, t_levels: Table) -> list[dict[str, Any]]:
    levels = []
    for rnum, row in t_levels.rows:
        if not any(cell_text(v) for v in row):
            continue
        n = rd.integer(t_levels, rnum, row, "n")
        if n is None:
            continue
        rd.where.levels.append((t_levels, rnum))
        levels.append({"n": n, "names": _text(row, t_levels, "name", rd.problems, rnum),
                       "meaning": _text(row, t_levels, "meaning", rd.problems, rnum)})
    return levels


def _build_dict(rd: _Reader, t_model: Table, t_levels: Table, t_domains: Table, t_subs: Table, t_items: Table,
                t_reqs: Table) -> dict[str, Any]:
    info = _read_info(rd, t_model)
    levels = _read_levels(rd, t_levels)
    extras: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def extra(node: dict[str, Any], t: Table, rnum: int, row: Any, *, deps: bool = False,
              desc: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"references": _refs_value(text_value(t, rnum, row, "references", rd.problems)),
                               "tags": _list_value(text_value(t, rnum, row, "tags", rd.problems))}
        if deps:
            out["depends_on"] = _list_value(text_value(t, rnum, row, "depends_on", rd.problems))
        if desc:
            out["description"] = _text(row, t, "req_description", rd.problems, rnum)
            if not cell_text(t.value(row, "provenance")):
                out["provenance"] = None  # v2: only given provenances are kept
        extras.append((node, out))
        return node

    domains: dict[str, dict[str, Any]] = {}
    for rnum, ident, row in rd.rows(t_domains, "domain_id"):
        domains[ident] = extra({"id": ident, "names": _text(row, t_domains, "name", rd.problems, rnum),
                                "description": _text(row, t_domains, "description", rd.problems, rnum)},
                               t_domains, rnum, row)
    subs: dict[str, dict[str, Any]] = {}
    for rnum, ident, row in rd.rows(t_subs, "subdomain_id"):
        did = rd.parent(t_subs, rnum, row, "domain_id", domains, "domain")
        sub = extra({"id": ident, "names": _text(row, t_subs, "name", rd.problems, rnum),
                     "description": _text(row, t_subs, "description", rd.problems, rnum), "items": []},
                    t_subs, rnum, row)
        subs[ident] = sub
        if did:
            domains[did].setdefault("subdomains", []).append(sub)
    items: dict[str, dict[str, Any]] = {}
    for rnum, ident, row in rd.rows(t_items, "item_id"):
        did = rd.parent(t_items, rnum, row, "domain_id", domains, "domain")
        sid = rd.parent(t_items, rnum, row, "subdomain_id", subs, "subdomain", required=False)
        item = extra({"id": ident, "names": _text(row, t_items, "name", rd.problems, rnum),
                      "description": _text(row, t_items, "description", rd.problems, rnum), "requirements": []},
                     t_items, rnum, row, deps=True)
        items[ident] = item
        if sid:
            if did and sid in subs and subs[sid] not in domains[did].get("subdomains", []):
                rd.problems.append(ProblemRow(t_items.sheet, rnum, t_items.column("subdomain_id"),
                                              f"subdomain {sid} does not belong to domain {did}",
                                              "a subdomain of the item's domain"))
            subs[sid]["items"].append(item)
        elif did:
            domains[did].setdefault("items", []).append(item)
    for rnum, ident, row in rd.rows(t_reqs, "req_id"):
        iid = rd.parent(t_reqs, rnum, row, "item_id", items, "item")
        level = rd.integer(t_reqs, rnum, row, "level")
        ev = [e.strip() for e in re.split(r"[,;，；、\n]", cell_text(t_reqs.value(row, "evidence_types")))
              if e.strip()]
        req = extra({"id": ident, "level": level, "text": _text(row, t_reqs, "text", rd.problems, rnum),
                     "guidance": _text(row, t_reqs, "guidance", rd.problems, rnum), "evidence_types": ev,
                     "provenance": cell_text(t_reqs.value(row, "provenance")) or "confirmed"},
                    t_reqs, rnum, row, deps=True, desc=True)
        if iid:
            items[iid]["requirements"].append(req)
    data: dict[str, Any] = {
        "format": FORMAT_V1, "id": info.get("id", ""), "version": info.get("version", ""),
        "names": {"zh": info.get("name_zh", ""), "en": info.get("name_en", "")},
        "source": {"zh": info.get("source_zh", ""), "en": info.get("source_en", "")},
        "provenance_note": {"zh": info.get("provenance_note_zh", ""), "en": info.get("provenance_note_en", "")},
        "levels": levels, "domains": list(domains.values()),
    }
    if info.get("format", "").strip() == FORMAT_V2:
        _add_v2(data, info, extras)
    return data


def _add_v2(data: dict[str, Any], info: dict[str, str], extras: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """The v2 model fields from the Model sheet, and the node extras read from the optional v2 columns."""
    data["format"] = FORMAT_V2
    data["languages"] = [x for x in ("zh", "en") if x in _list_value(info.get("languages", "zh, en"))]
    data["description"] = {"zh": info.get("description_zh", ""), "en": info.get("description_en", "")}
    data["scoring"] = {"rule": info.get("scoring_rule", "") or "cumulative",
                       "empty_levels": info.get("empty_levels", "") or "pass"}
    origin = {k[len("source."):]: v for k, v in info.items() if k.startswith("source.") and v}
    if origin:
        data["source"] = origin
    for node, more in extras:
        if "provenance" in more:
            node.pop("provenance", None)
        node.update({k: v for k, v in more.items() if v and v != {"zh": "", "en": ""}})


def import_model_workbook(path: str | Path, *, replace: bool = False,
                          library: ModelLibrary | None = None) -> tuple[Model, Path]:
    """Validate a model workbook and keep the model in the user's library (usable by ``new --model``)."""
    from cdassess.library import ModelLibrary

    model = read_model_workbook(path)
    lib = library or ModelLibrary()
    return model, lib.add(model, replace=replace)
