"""The full workbook: everything an assessor edits, in sheets a person can read, and back without loss.

Sheets: Overview (read only), Ratings (rating, note, justification, review flag), Claims (the self-assessment),
Findings, Evidence (the index: files stay in the assessment; links to requirements can be edited).
Import makes the assessment equal to the workbook: findings missing from the Findings sheet are deleted,
evidence links missing from the Evidence sheet are removed, and evidence details (description, provided by,
collected on) are updated; the preview lists every such change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdassess.errors import InvalidValueError
from cdassess.records import PRIORITIES, Claim, Finding, Rating
from cdassess.rules import check_rating, is_date
from cdassess.scale import UNRATED
from cdassess.xlsx.columns import Column, cell_text, parse_flag, parse_status_word
from cdassess.xlsx.preview import ChangeRow, ClaimEdit, ImportPreview, ProblemRow, add_change
from cdassess.xlsx.questionnaire import C_CLAIM, C_EV_REFS, C_EV_TEXT, C_ID, C_OWNER
from cdassess.xlsx.reading import (
    META_SHEET,
    check_identity,
    formula_problems,
    header_problems,
    open_workbook,
    read_meta,
    read_table,
    text_value,
)
from cdassess.xlsx.safety import cut_stem
from cdassess.xlsx.writing import STYLE_ANSWER, STYLE_TEXT, STYLE_TITLE, BookWriter, check_target

if TYPE_CHECKING:
    from cdassess.changes import Change
    from cdassess.export_profile import ExportProfile
    from cdassess.services import Assessment

ProgressFn = Callable[[int, int], None]
Edit = Callable[["Assessment"], "Change"]
KIND = "workbook"

S_OVERVIEW = "概况 Overview"
S_RATINGS = "评级 Ratings"
S_CLAIMS = "自评 Claims"
S_FINDINGS = "发现 Findings"
S_EVIDENCE = "证据 Evidence"

C_DOMAIN = Column("domain", "能力域", "Domain", width=16)
C_ITEM = Column("item", "能力项", "Item", width=18)
C_LEVEL = Column("level", "级别", "Level", width=7)
C_TEXT = Column("text", "要求", "Requirement", ("requirement text",), width=44)
C_RATING = Column("rating", "评级", "Rating", ("status", "评估结果"), required=True, width=14)
C_NOTE = Column("note", "评估记录", "Note", ("notes", "笔记"), width=34)
C_JUST = Column("justification", "不适用理由", "Justification", ("理由",), width=24)
C_REVIEW = Column("needs_review", "需复核", "Needs review", ("review", "复核"), width=10)
RATING_COLUMNS = (C_ID, C_DOMAIN, C_ITEM, C_LEVEL, C_TEXT, C_RATING, C_NOTE, C_JUST, C_REVIEW)

C_COMMENT = Column("comment", "备注", "Comment", ("comments",), width=24)
C_SOURCE = Column("source", "来源", "Source", width=20)
CLAIM_COLUMNS = (C_ID, C_CLAIM, C_EV_TEXT, C_EV_REFS, C_OWNER, C_COMMENT, C_SOURCE)

C_FID = Column("finding_id", "发现编号", "Finding ID", ("finding no", "序号", "id"), required=True, width=10)
C_FREQ = Column("req_id", "要求编号", "Requirement ID", ("requirement",), width=17)
C_OBS = Column("observation", "发现", "Observation", ("finding", "问题"), required=True, width=40)
C_REC = Column("recommendation", "改进建议", "Recommendation", ("建议",), width=40)
C_FOWNER = Column("owner", "负责人", "Owner", width=12)
C_DUE = Column("due_date", "完成日期", "Due date", ("due", "截止日期"), width=12)
C_PRIO = Column("priority", "优先级", "Priority", width=10)
FINDING_COLUMNS = (C_FID, C_FREQ, C_OBS, C_REC, C_FOWNER, C_DUE, C_PRIO)

C_EID = Column("evidence_id", "证据编号", "Evidence ID", ("id",), required=True, width=10)
C_ENAME = Column("name", "文件名", "File name", ("file", "name"), width=28)
C_ESHA = Column("sha256", "SHA-256", "SHA-256", ("sha256", "hash"), width=20)
C_ESIZE = Column("size", "大小(字节)", "Size (bytes)", ("size",), width=12)
C_ETYPE = Column("media_type", "类型", "Type", ("media type",), width=16)
C_ECOLL = Column("collected_on", "收集日期", "Collected on", ("collected",), width=12)
C_EPROV = Column("provided_by", "提供人", "Provided by", ("provided",), width=14)
C_EDESC = Column("description", "说明", "Description", width=30)
C_ELINKS = Column("links", "关联要求", "Requirements", ("requirement ids", "linked requirements"), required=True,
                  width=30)
EVIDENCE_COLUMNS = (C_EID, C_ENAME, C_ESHA, C_ESIZE, C_ETYPE, C_ECOLL, C_EPROV, C_EDESC, C_ELINKS)

PRIORITY_WORDS = {"high": "high", "高": "high", "medium": "medium", "中": "medium", "med": "medium",
                  "normal": "medium", "low": "low", "低": "low", "": "medium"}


# --------------------------------------------------------------------------------------------- export


def export_workbook(assessment: Assessment, path: str | Path, *, progress: ProgressFn | None = None,
                    profile: ExportProfile | None = None) -> Path:
    """Write every editable record of the assessment to a workbook that imports back without loss.

    ``profile`` (see cdassess.export_profile) writes a redacted copy to share outside instead.
    """
    from cdassess.export_profile import redacted

    a = assessment if profile is None else redacted(assessment, profile)
    model = a.model
    meta = a.meta
    check_target(path, refuse=[a.path])
    reqs = list(model.iter_requirements())
    bw = BookWriter(rows=len(reqs))
    ratings, claims, findings, evidence = a.ratings(), a.claims(), a.findings(), a.evidence_list()
    total = len(reqs) * 2 + len(findings) + len(evidence)
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None and (done % 100 == 0 or done == total):
            progress(done, total)

    ws = bw.sheet(S_OVERVIEW, (24, 80), landscape=False)
    rep = a.levels()
    bw.append(ws, [bw.cell(ws, "评估概况 / Assessment overview", STYLE_TITLE)])
    for label, value in (("组织 / Organization", meta.organization), ("项目 / Project", meta.project),
                         ("业务单元 / Business unit", meta.business_unit), ("范围 / Scope", meta.scope),
                         ("评估人员 / Assessors", ", ".join(meta.assessors)),
                         ("模型 / Model", f"{model.names.both()} ({model.id} {model.version})"),
                         ("目标级别 / Target level", meta.target_level), ("当前级别 / Overall level", rep.overall),
                         ("状态 / Status", meta.status)):
        bw.append(ws, [label, bw.value(ws, value)])
    bw.append(ws, [])
    bw.append(ws, ["说明 / Note", "评级、自评、发现和证据关联可在对应工作表中修改后导入 / Ratings, claims, findings "
               "and evidence links can be edited in their sheets and imported back."])

    ws = bw.sheet(S_RATINGS, [c.width for c in RATING_COLUMNS])
    bw.autofilter(ws, len(reqs), 9)
    bw.header(ws, RATING_COLUMNS)
    for req in reqs:
        domain, _, item, _ = model.path_of(req.id)
        r = ratings.get(req.id, Rating(req.id))
        bw.append(ws, [req.id, bw.value(ws, domain.names.both()), bw.value(ws, item.names.both()), req.level,
                   bw.cell(ws, req.text.both("\n"), STYLE_TEXT),
                   _word(model, r.status),
                   bw.cell(ws, r.note, STYLE_ANSWER), bw.cell(ws, r.justification, STYLE_ANSWER),
                   "yes" if r.needs_review else ""])
        tick()

    ws = bw.sheet(S_CLAIMS, [c.width for c in CLAIM_COLUMNS])
    bw.header(ws, CLAIM_COLUMNS)
    for req in reqs:
        c = claims.get(req.id, Claim(req.id))
        bw.append(ws, [req.id, _word(model, c.status),
                   *(bw.value(ws, v) for v in (c.evidence_text, c.evidence_refs, c.owner, c.comment, c.source))])
        tick()

    ws = bw.sheet(S_FINDINGS, [c.width for c in FINDING_COLUMNS])
    bw.header(ws, FINDING_COLUMNS)
    for f in findings:
        bw.append(ws, [f.id, f.req_id or "", *(bw.value(ws, v) for v in (f.observation, f.recommendation, f.owner,
                                                                      f.due_date)), f.priority])
        tick()

    ws = bw.sheet(S_EVIDENCE, [c.width for c in EVIDENCE_COLUMNS])
    bw.header(ws, EVIDENCE_COLUMNS)
    for e in evidence:
        bw.append(ws, [e.id, *(bw.value(ws, v) for v in (e.original_name, e.sha256)), e.size,
                   *(bw.value(ws, v) for v in (e.media_type, e.collected_on, e.provided_by, e.description)),
                   ", ".join(e.req_ids)])
        tick()
    bw.meta_sheet(KIND, [("model_id", model.id), ("model_version", model.version), ("assessment_uuid", meta.uuid),
                         ("organization", meta.organization), ("project", meta.project),
                         ("profile", "full" if profile is None else profile.name)])
    out = bw.save(path, refuse=[a.path])
    if progress is not None:
        progress(total, total)
    return out


# --------------------------------------------------------------------------------------------- import


def read_workbook(assessment: Assessment, path: str | Path, *, force: bool = False) -> ImportPreview:
    """Read a full workbook and work out what it changes; nothing is written."""
    p = Path(path)
    preview = ImportPreview(KIND, p)
    with open_workbook(p) as (book, _scan):
        book_meta = read_meta(book)
        check_identity(preview, book_meta, assessment, KIND, force)
        shared, row = book_meta.get("profile", ("full", 0))
        if shared != "full":
            # A redacted copy has blanks where people and notes were: importing it would erase them.
            preview.problems.append(ProblemRow(META_SHEET, row, "B", f"this workbook is a {shared[:40]} export with "
                                               "people, notes and evidence details left out",
                                               "a full (not confidential) workbook export of this assessment"))
        sheets = {}
        for key, columns, prefer in (("ratings", RATING_COLUMNS, ("ratings", "评级")),
                                     ("claims", CLAIM_COLUMNS, ("claims", "自评")),
                                     ("findings", FINDING_COLUMNS, ("findings", "发现")),
                                     ("evidence", EVIDENCE_COLUMNS, ("evidence", "证据"))):
            table = read_table(book, columns, prefer=prefer)
            sheets[key] = table
            if table is not None:
                preview.problems += header_problems(table, columns)
                preview.problems += formula_problems(table, [c.key for c in columns])
    if sheets["ratings"] is None:
        preview.problems.append(ProblemRow(S_RATINGS, 0, "", "no Ratings sheet with a header holding ID and Rating",
                                           "the workbook exported by cdassess"))
        return preview
    edits: list[Edit] = []
    edits += _read_ratings(assessment, sheets["ratings"], preview)
    if sheets["claims"] is not None:
        edits += _read_claims(assessment, sheets["claims"], preview)
    else:
        preview.notes.append("no Claims sheet: self-assessment claims are left as they are")
    if sheets["findings"] is not None:
        edits += _read_findings(assessment, sheets["findings"], preview)
    else:
        preview.notes.append("no Findings sheet: findings are left as they are")
    if sheets["evidence"] is not None:
        edits += _read_evidence(assessment, sheets["evidence"], preview)
    if not preview.problems:
        preview.edits = edits
    return preview


def _req_rows(assessment: Assessment, table: Any, preview: ImportPreview,
              answer_keys: tuple[str, ...]) -> list[tuple[int, str, tuple[Any, ...]]]:
    """Rows with a known requirement ID (unknown or duplicate IDs are problems; blank rows skipped)."""
    out = []
    seen: dict[str, int] = {}
    model = assessment.model
    for rnum, row in table.rows:
        req_id = cell_text(table.value(row, "id"))
        if req_id not in model.requirements:
            if any(cell_text(table.value(row, k)) for k in answer_keys):
                preview.problems.append(ProblemRow(
                    table.sheet, rnum, table.column("id"),
                    f"unknown requirement ID {req_id!r}" if req_id else "values in a row without an ID",
                    f"IDs of model {model.id} {model.version}"))
            continue
        if req_id in seen:
            preview.problems.append(ProblemRow(table.sheet, rnum, table.column("id"),
                                               f"duplicate ID {req_id} (also in row {seen[req_id]})",
                                               "each requirement once"))
            continue
        seen[req_id] = rnum
        preview.rows_read += 1
        out.append((rnum, req_id, row))
    return out


def _read_ratings(a: Assessment, table: Any, preview: ImportPreview) -> list[Edit]:
    edits: list[Edit] = []
    existing = a.ratings()
    idx = table.header.index
    for rnum, req_id, row in _req_rows(a, table, preview, ("rating", "note", "justification", "needs_review")):
        old = existing.get(req_id, Rating(req_id))
        scale = a.model.scale
        status = parse_status_word(table.value(row, "rating"), scale)
        if status is None:
            preview.problems.append(ProblemRow(table.sheet, rnum, table.column("rating"),
                                               f"{req_id}: {cell_text(table.value(row, 'rating'))[:60]!r} is not "
                                               "a rating", f"{', '.join(scale.ids)}, or empty for unrated"))
            continue
        note = text_value(table, rnum, row, "note", preview.problems) if "note" in idx else old.note
        just = (text_value(table, rnum, row, "justification", preview.problems) if "justification" in idx
                else old.justification)
        flag = parse_flag(table.value(row, "needs_review")) if "needs_review" in idx else old.needs_review
        if flag is None:
            preview.problems.append(ProblemRow(table.sheet, rnum, table.column("needs_review"),
                                               f"{req_id}: {cell_text(table.value(row, 'needs_review'))!r} is not "
                                               "yes or no", "yes / 是 / 1, or empty for no"))
            continue
        try:  # the services' rule (cdassess/rules.py), shown here with its place before anything is applied
            check_rating(Rating(req_id, status, justification=just), scale)
        except InvalidValueError as exc:
            preview.problems.append(ProblemRow(table.sheet, rnum, table.column("justification") or
                                               table.column("rating"), str(exc),
                                               "say why the requirement does not apply"))
            continue
        note = _whole(old.note, note, preview, table, rnum, f"the note of {req_id}")
        just = _whole(old.justification, just, preview, table, rnum, f"the justification of {req_id}")
        new = Rating(req_id, status, note, just, flag)
        before = len(preview.changes)
        sheet = table.sheet
        add_change(preview.changes, sheet, rnum, req_id, "rating", _st(old.status), _st(new.status))
        add_change(preview.changes, sheet, rnum, req_id, "note", old.note, new.note)
        add_change(preview.changes, sheet, rnum, req_id, "justification", old.justification, new.justification)
        add_change(preview.changes, sheet, rnum, req_id, "needs review", "yes" if old.needs_review else "",
                   "yes" if new.needs_review else "")
        if len(preview.changes) > before:
            edits.append(_rating_edit(new))
    return edits


def _whole(old: str, new: str, preview: ImportPreview, table: Any, rnum: int, what: str) -> str:
    """A text the export had to cut (longer than a workbook cell) comes back whole, and the preview says so;
    a cut text edited in the workbook is a problem (saving it would cut the stored text)."""
    stem = cut_stem(new)
    if stem is None:
        return new
    if old.startswith(stem) and len(old) > len(stem):
        preview.notes.append(f"sheet {table.sheet!r} row {rnum}: {what} has {len(old):,} characters, more than a "
                             f"workbook cell holds; the workbook showed the first {len(stem):,} and the whole "
                             "text is kept unchanged")
        return old
    preview.problems.append(ProblemRow(table.sheet, rnum, "", f"{what} was cut on export (longer than a cell) "
                                       "and then edited in the workbook", "edit such a long text in cdassess"))
    return old


def _word(model: Any, s: str) -> str:
    """A status in the scale's own words ("满足 / Met"), read back by the importer; blank for unrated."""
    return "" if s == UNRATED else str(model.scale.label(s, "both"))


def _st(s: str) -> str:
    return "" if s == UNRATED else str(s)


def _rating_edit(rating: Rating) -> Edit:
    return lambda a: a.set_rating(rating)


def _read_claims(a: Assessment, table: Any, preview: ImportPreview) -> list[Edit]:
    edits: list[Edit] = []
    existing = a.claims()
    idx = table.header.index
    fields = ("evidence_text", "evidence_refs", "owner", "comment")
    for rnum, req_id, row in _req_rows(a, table, preview, ("claim", *fields)):
        old = existing.get(req_id, Claim(req_id))
        status = parse_status_word(table.value(row, "claim"), a.model.scale)
        if status is None:
            preview.problems.append(ProblemRow(table.sheet, rnum, table.column("claim"),
                                               f"{req_id}: {cell_text(table.value(row, 'claim'))[:60]!r} is not a "
                                               "self-assessment", a.model.scale.accepted_text()))
            continue
        vals = {k: (text_value(table, rnum, row, k, preview.problems) if k in idx else getattr(old, k))
                for k in fields}
        vals = {k: _whole(getattr(old, k), v, preview, table, rnum, f"the claim's {k.replace('_', ' ')} of {req_id}")
                for k, v in vals.items()}
        source = cell_text(table.value(row, "source")) if "source" in idx else f"workbook {preview.path.name}"
        new = Claim(req_id, status, vals["evidence_text"], vals["evidence_refs"], vals["owner"], vals["comment"],
                    source=source)
        before = len(preview.changes)
        add_change(preview.changes, table.sheet, rnum, req_id, "self-assessment", _st(old.status), _st(status))
        for k in fields:
            add_change(preview.changes, table.sheet, rnum, req_id, k.replace("_", " "), getattr(old, k),
                       getattr(new, k), first="added" if k.startswith("evidence") else "set")
        if len(preview.changes) > before:
            edits.append(_claim_edit(new))
    return edits


def _claim_edit(claim: Claim) -> Edit:
    return ClaimEdit(claim)


def _read_findings(a: Assessment, table: Any, preview: ImportPreview) -> list[Edit]:
    existing = {f.id: f for f in a.findings()}
    seen: dict[int, int] = {}
    edits: list[Edit] = []
    sheet = table.sheet
    keys = ("req_id", "observation", "recommendation", "owner", "due_date", "priority")
    for rnum, row in table.rows:
        texts = {k: text_value(table, rnum, row, k, preview.problems) for k in keys}
        raw_id = cell_text(table.value(row, "finding_id"))
        if not raw_id and not any(texts.values()):
            continue
        preview.rows_read += 1
        fid: int | None = None
        if raw_id:
            if not (raw_id.isascii() and raw_id.isdigit() and len(raw_id) <= 18):  # '²' is a digit too
                preview.problems.append(ProblemRow(sheet, rnum, table.column("finding_id"),
                                                   f"finding ID {raw_id!r} is not a number",
                                                   "the number exported, or empty for a new finding"))
                continue
            fid = int(raw_id)
            if fid in seen:
                preview.problems.append(ProblemRow(sheet, rnum, table.column("finding_id"),
                                                   f"duplicate finding ID {fid} (also in row {seen[fid]})",
                                                   "each finding once; leave the ID empty for a new one"))
                continue
            seen[fid] = rnum
        bad = _finding_problems(a, table, rnum, texts)
        if bad:
            preview.problems += bad
            continue
        prio = PRIORITY_WORDS[texts["priority"].lower()]
        new = Finding(fid, texts["req_id"] or None, texts["observation"], texts["recommendation"], texts["owner"],
                      texts["due_date"], prio)
        old = existing.get(fid) if fid is not None else None
        target = f"finding {fid}" if fid is not None else "new finding"
        if old is None:
            preview.changes.append(ChangeRow(sheet, rnum, target, "finding", "added", "", new.observation))
            edits.append(_finding_restore(new) if fid is not None else _finding_save(new))
            continue
        before = len(preview.changes)
        for k in keys:
            add_change(preview.changes, sheet, rnum, target, k.replace("_", " "), getattr(old, k) or "",
                       getattr(new, k) or "")
        if len(preview.changes) > before:
            edits.append(_finding_save(new))
    for fid, old in existing.items():
        if fid not in seen and fid is not None:
            preview.changes.append(ChangeRow(sheet, 0, f"finding {fid}", "finding", "removed", old.observation, ""))
            edits.insert(0, _finding_delete(fid))
    return edits


def _finding_problems(a: Assessment, table: Any, rnum: int, texts: dict[str, str]) -> list[ProblemRow]:
    out = []
    sheet = table.sheet
    if texts["req_id"] and texts["req_id"] not in a.model.requirements:
        out.append(ProblemRow(sheet, rnum, table.column("req_id"), f"unknown requirement ID {texts['req_id']!r}",
                              f"an ID of model {a.model.id}, or empty"))
    if not texts["observation"]:
        out.append(ProblemRow(sheet, rnum, table.column("observation"), "a finding needs an observation",
                              "what was observed"))
    if texts["priority"].lower() not in PRIORITY_WORDS:
        out.append(ProblemRow(sheet, rnum, table.column("priority"), f"unknown priority {texts['priority']!r}",
                              ", ".join(PRIORITIES) + " (高 / 中 / 低)"))
    if texts["due_date"] and not is_date(texts["due_date"]):
        out.append(ProblemRow(sheet, rnum, table.column("due_date"), f"{texts['due_date']!r} is not a date",
                              "YYYY-MM-DD"))
    return out


def _finding_save(f: Finding) -> Edit:
    return lambda a: a.save_finding(f)


def _finding_restore(f: Finding) -> Edit:
    return lambda a: a.restore_finding(f)


def _finding_delete(fid: int) -> Edit:
    return lambda a: a.delete_finding(fid)


def _read_evidence(a: Assessment, table: Any, preview: ImportPreview) -> list[Edit]:
    existing = {e.id: e for e in a.evidence_list()}
    edits: list[Edit] = []
    sheet = table.sheet
    seen: set[int] = set()
    for rnum, row in table.rows:
        raw_id = cell_text(table.value(row, "evidence_id"))
        if not raw_id:
            continue
        ev = existing.get(int(raw_id)) if raw_id.isascii() and raw_id.isdigit() else None
        if ev is None:
            preview.notes.append(f"sheet {sheet!r} row {rnum}: evidence {raw_id} is not in this assessment "
                                 "(files travel in the assessment file, not in the workbook); skipped")
            continue
        seen.add(ev.id)
        preview.rows_read += 1
        links_text = text_value(table, rnum, row, "links", preview.problems)
        wanted = [w for w in re.split(r"[\s,;，；、]+", links_text) if w]
        unknown = [w for w in wanted if w not in a.model.requirements]
        if unknown:
            preview.problems.append(ProblemRow(sheet, rnum, table.column("links"),
                                               f"unknown requirement ID(s) {', '.join(unknown)}",
                                               "requirement IDs separated by commas"))
            continue
        details: dict[str, str] = {}
        for key in ("description", "provided_by", "collected_on"):
            if key in table.header.index:
                value = text_value(table, rnum, row, key, preview.problems)
                if value != getattr(ev, key):
                    details[key] = value
                    preview.changes.append(ChangeRow(sheet, rnum, f"evidence {ev.id}", key, "changed",
                                                     getattr(ev, key), value))
        if details.get("collected_on") and not is_date(details["collected_on"]):
            preview.problems.append(ProblemRow(sheet, rnum, table.column("collected_on"),
                                               f"{details['collected_on']!r} is not a date", "a date, YYYY-MM-DD"))
        elif details:
            edits.append(_details(ev.id, details))
        add = [r for r in dict.fromkeys(wanted) if r not in ev.req_ids]
        remove = [r for r in ev.req_ids if r not in wanted]
        for r in add:
            preview.changes.append(ChangeRow(sheet, rnum, f"evidence {ev.id}", "link", "added", "", r))
        for r in remove:
            preview.changes.append(ChangeRow(sheet, rnum, f"evidence {ev.id}", "link", "removed", r, ""))
        if add:
            edits.append(_link(ev.id, add))
        edits.extend(_unlink(ev.id, r) for r in remove)
    return edits


def _details(eid: int, details: dict[str, str]) -> Edit:
    return lambda a: a.update_evidence(eid, **details)


def _link(eid: int, req_ids: list[str]) -> Edit:
    return lambda a: a.link_evidence(eid, req_ids)


def _unlink(eid: int, req_id: str) -> Edit:
    return lambda a: a.unlink_evidence(eid, req_id)
