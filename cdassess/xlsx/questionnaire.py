"""The self-assessment questionnaire: exported for the assessed team, imported back as claims.

Export: an instructions sheet, one row per requirement up to a level (default: the target) with locked ID
and text columns and unlocked answer cells, a claim dropdown, and a hidden metadata sheet (model id and
version, assessment id). Already received claims are pre-filled, so a questionnaire can go back and forth.

Import: ``read_questionnaire`` returns an :class:`ImportPreview` (changes, problems); its ``apply`` sets the
claims in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdassess.errors import InvalidValueError
from cdassess.records import Claim
from cdassess.scale import UNRATED
from cdassess.scoring import Status
from cdassess.xlsx.columns import (
    Column,
    cell_text,
    claim_choice,
    claim_choices,
    col_letter,
    parse_status_word,
    unread_columns,
)
from cdassess.xlsx.preview import ClaimEdit, ImportPreview, ProblemRow, add_change
from cdassess.xlsx.reading import (
    Table,
    check_identity,
    formula_problems,
    header_problems,
    open_workbook,
    read_meta,
    read_table,
    too_long,
)
from cdassess.xlsx.safety import MAX_CELL_CHARS
from cdassess.xlsx.writing import STYLE_ANSWER, STYLE_TEXT, STYLE_TITLE, BookWriter, check_target

if TYPE_CHECKING:
    from cdassess.model import Model, Text
    from cdassess.services import Assessment

ProgressFn = Callable[[int, int], None]
KIND = "questionnaire"
SHEET = "问卷 Questionnaire"
INSTRUCTIONS = "填写说明 Instructions"
SHEETS = {"both": SHEET, "zh": "问卷", "en": "Questionnaire"}
INSTRUCTION_SHEETS = {"both": INSTRUCTIONS, "zh": "填写说明", "en": "Instructions"}
CHOICES_SHEET = "_choices"  # hidden: the dropdown's values, when they are too long or hold commas

C_ID = Column("id", "编号", "ID", ("requirement id", "req id", "编号", "要求编号"), required=True, width=17)
C_DOMAIN = Column("domain", "能力域", "Domain", ("领域", "域"), width=16)
C_SUBDOMAIN = Column("subdomain", "能力子域", "Subdomain", ("sub domain", "子域", "子领域"), width=16)
C_ITEM = Column("item", "能力项", "Item", ("capability item", "项"), width=18)
C_LEVEL = Column("level", "级别", "Level", ("等级",), width=7)
C_TEXT = Column("text", "要求", "Requirement", ("requirement text", "text", "要求内容"), width=48)
C_GUIDANCE = Column("guidance", "评估指引", "Guidance", ("指引",), width=30)
C_CLAIM = Column("claim", "自评结果", "Self-assessment", ("self assessment", "claim", "自评", "自评估"),
                 required=True, width=18)
C_EV_TEXT = Column("evidence_text", "证据说明", "Evidence description",
                   ("evidence", "evidence description", "证据", "证据描述"), width=36)
C_EV_REFS = Column("evidence_refs", "证据索引", "Evidence references",
                   ("evidence references", "evidence reference", "evidence refs", "references", "证据引用",
                    "证据位置", "证据链接"), width=26)
C_OWNER = Column("owner", "负责人", "Owner", ("联系人", "责任人"), width=12)
C_COMMENT = Column("comment", "备注", "Comment", ("comments", "remarks", "remark", "注释"), width=24)

READ_COLUMNS = (C_ID, C_DOMAIN, C_SUBDOMAIN, C_ITEM, C_LEVEL, C_TEXT, C_GUIDANCE, C_CLAIM, C_EV_TEXT, C_EV_REFS,
                C_OWNER, C_COMMENT)
ANSWER_KEYS = ("claim", "evidence_text", "evidence_refs", "owner", "comment")
ANSWER_FIELDS = {"claim": "self-assessment", "evidence_text": "evidence description",
                 "evidence_refs": "evidence references", "owner": "owner", "comment": "comment"}


def _lang_text(t: Text, lang: str, sep: str = " / ") -> str:
    return t.both(sep) if lang == "both" else t.get(lang)


# --------------------------------------------------------------------------------------------- export


_INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("如何填写", "How to fill in"),
    ("请在“问卷”工作表中逐行回答：在“自评结果”列的下拉框中选择一项，并在“证据说明”中写明做法与证据，"
     "在“证据索引”中给出文档名称、链接、系统截图或记录编号。黄色单元格可以填写，其余单元格已锁定。",
     "Answer row by row on the Questionnaire sheet: pick a value in the Self-assessment dropdown, describe the "
     "practice and its evidence under Evidence description, and give document names, links, screenshots or "
     "record numbers under Evidence references. Yellow cells are for you; the others are locked."),
    ("请勿修改编号列、删除或合并行；可以调整列宽、筛选，并在最后一列右侧增加自己的列（会保留，但不会导入）。"
     "保存为 .xlsx 后发回评估人员。",
     "Do not change the ID column, delete or merge rows; you may resize, filter and add your own columns to the "
     "right of the last column (they are kept but not imported). Save as .xlsx and send it back to the "
     "assessors."),
    ("自评结果的含义", "What each self-assessment means"),
)
_CLAIM_MEANINGS: tuple[tuple[Status, str, str], ...] = (
    (Status.MET, "该要求已完全落实，并有证据可以证明。",
     "The requirement is fully in place and you can show evidence."),
    (Status.PARTIAL, "已部分落实：部分团队、系统或流程做到，或尚未形成制度。",
     "Partly in place: some teams, systems or steps do it, or it is not yet a routine."),
    (Status.NOT_MET, "尚未落实。", "Not in place yet."),
    (Status.NA, "该要求不适用于本项目，请在备注中说明原因。",
     "Does not apply to this project; say why under Comment."),
)
_EVIDENCE_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("证据示例", "Examples of evidence"),
    ("配置库或流水线配置截图、构建与部署记录、制度与规范文档、度量报表、评审记录、访谈纪要。",
     "Screenshots of repository or pipeline configuration, build and deployment records, policies and "
     "standards, metric reports, review records, interview notes."),
    ("也可以填写 Y、是、1 表示满足，P、部分 表示部分满足，N、否、0 表示不满足，NA 表示不适用。",
     "You may also type Y, yes or 1 for met, P or partial for partially met, N, no or 0 for not met, and NA "
     "for not applicable."),
)


def _lang_pick(lang: str, zh: str, en: str, sep: str = "\n") -> str:
    return {"zh": zh, "en": en}.get(lang, f"{zh}{sep}{en}")


def _write_instructions(bw: BookWriter, a: Assessment, lang: str, max_level: int) -> None:
    ws = bw.sheet(INSTRUCTION_SHEETS[lang], (26, 110), landscape=False)
    model = a.model
    scale = model.scale

    def pick(zh: str, en: str) -> str:
        return {"zh": zh, "en": en}.get(lang, f"{zh}\n{en}")

    bw.append(ws, [bw.cell(ws, pick("自评问卷", "Self-assessment questionnaire"), STYLE_TITLE)])
    for label, value in ((pick("组织", "Organization"), a.meta.organization), (pick("项目", "Project"), a.meta.project),
                         (pick("模型", "Model"), f"{_lang_text(model.names, lang)} ({model.id} {model.version})"),
                         (pick("范围", "Scope"), f"{pick('级别', 'levels')} {model.min_level}-{max_level}")):
        bw.append(ws, [bw.cell(ws, label, STYLE_TEXT), bw.cell(ws, value, STYLE_TEXT)])
    bw.append(ws, [])
    intro = _INSTRUCTIONS if scale.is_caict else (
        *_INSTRUCTIONS[:-1], ("回答选项", "The answer options"),
        ("请从下拉框中选择一项；也可以填写选项编号或下列任一词语。",
         "Pick a value from the dropdown; you may also type an option id or any of the words listed."))
    for zh, en in intro:
        if len(zh) < 12:
            bw.append(ws, [bw.cell(ws, pick(zh, en), STYLE_TITLE)])
        else:
            bw.append(ws, ["", bw.cell(ws, pick(zh, en), STYLE_TEXT)])
    if scale.is_caict:
        for status, zh, en in _CLAIM_MEANINGS:
            bw.append(ws, [bw.cell(ws, claim_choice(status, scale, lang), STYLE_TEXT),
                           bw.cell(ws, pick(zh, en), STYLE_TEXT)])
    else:
        for opt in scale.options:
            words = ", ".join(dict.fromkeys([opt.id, *opt.words]))
            extra = pick("（需在备注中说明理由）", " (say why under Comment)") if opt.needs_justification else ""
            bw.append(ws, [bw.cell(ws, claim_choice(opt.id, scale, lang), STYLE_TEXT),
                           bw.cell(ws, f"{words}{extra}", STYLE_TEXT)])
    bw.append(ws, [])
    for zh, en in _EVIDENCE_EXAMPLES:
        if len(zh) < 12:
            bw.append(ws, [bw.cell(ws, pick(zh, en), STYLE_TITLE)])
        else:
            bw.append(ws, ["", bw.cell(ws, pick(zh, en), STYLE_TEXT)])


def questionnaire_columns(model: Model) -> list[Column]:
    cols = [C_ID, C_DOMAIN, C_SUBDOMAIN, C_ITEM, C_LEVEL, C_TEXT, C_GUIDANCE, C_CLAIM, C_EV_TEXT, C_EV_REFS,
            C_OWNER, C_COMMENT]
    if not model.has_subdomains:
        cols.remove(C_SUBDOMAIN)
    return cols


def export_questionnaire(assessment: Assessment, path: str | Path, *, max_level: int | None = None,
                         lang: str = "both", progress: ProgressFn | None = None) -> Path:
    """Write the questionnaire for requirements up to ``max_level`` (default: the target level)."""
    a = assessment
    model = a.model
    if lang not in ("zh", "en", "both"):
        raise InvalidValueError(f"unknown language {lang!r} (accepted: zh, en, both)")
    if lang == "both" and len(model.languages) == 1:
        lang = model.languages[0]  # an English-only model gets an English questionnaire (no empty Chinese)
    top = a.meta.target_level if max_level is None else max_level
    if top not in model.level_numbers:
        raise InvalidValueError(f"level {top} is not a level of model {model.id} "
                                f"(accepted: {model.level_range_text()})")
    reqs = list(model.iter_requirements(top))
    claims = a.claims()
    cols = questionnaire_columns(model)
    check_target(path, refuse=[a.path])
    bw = BookWriter(rows=len(reqs))
    _write_instructions(bw, a, lang, top)
    ws = bw.sheet(SHEETS[lang], [c.width for c in cols])
    pos = {c.key: i for i, c in enumerate(cols)}
    choices = claim_choices(model.scale, lang)
    inline = '"' + ",".join(choices) + '"'
    source: list[str] | str = list(choices)
    if len(inline) > 255 or any("," in c or '"' in c for c in choices):
        # Excel's inline list holds 255 characters and splits at commas: long or comma labels go on a sheet
        lists = bw.sheet(CHOICES_SHEET, (60,), landscape=False)
        bw.hide(lists)
        for c in choices:
            bw.append(lists, [bw.cell(lists, c, STYLE_TEXT)])
        source = f"='{CHOICES_SHEET}'!$A$1:$A${len(choices)}"
    bw.list_validation(ws, pos["claim"], 2, len(reqs) + 1, source,
                       title=_lang_pick(lang, "自评结果", "Self-assessment", " / "),
                       error=_lang_pick(lang, "请从列表中选择", "Please pick a value from the list", " / "),
                       prompt=", ".join(choices))
    bw.autofilter(ws, len(reqs), len(cols))
    bw.protect(ws, free_from=len(cols))  # the team may add its own columns to the right, as the instructions say
    bw.header(ws, cols, lang)
    text_sep = " / " if lang != "both" else "\n"
    total = len(reqs)
    for n, req in enumerate(reqs, 1):
        domain, sub, item, _ = model.path_of(req.id)
        claim = claims.get(req.id, Claim(req.id))
        values: dict[str, Any] = {
            "id": req.id, "domain": _lang_text(domain.names, lang),
            "subdomain": "" if sub.implicit else _lang_text(sub.names, lang),
            "item": _lang_text(item.names, lang), "level": req.level,
            "text": _lang_text(req.text, lang, text_sep), "guidance": _lang_text(req.guidance, lang, text_sep),
            "claim": claim_choice(claim.status, model.scale, lang) if claim.status != UNRATED else None,
            "evidence_text": claim.evidence_text, "evidence_refs": claim.evidence_refs, "owner": claim.owner,
            "comment": claim.comment,
        }
        bw.append(ws, [bw.cell(ws, values[c.key], STYLE_ANSWER if c.key in ANSWER_FIELDS else STYLE_TEXT)
                   for c in cols])
        if progress is not None and (n % 50 == 0 or n == total):
            progress(n, total)
    bw.meta_sheet(KIND, [("model_id", model.id), ("model_version", model.version),
                         ("assessment_uuid", a.meta.uuid), ("organization", a.meta.organization),
                         ("project", a.meta.project), ("max_level", top), ("lang", lang)])
    return bw.save(path, refuse=[a.path])


# --------------------------------------------------------------------------------------------- import


def _status_text(s: str) -> str:
    return "" if s == UNRATED else str(s)


def read_questionnaire(assessment: Assessment, path: str | Path, *, force: bool = False) -> ImportPreview:
    """Read a filled-in questionnaire and work out what it changes; nothing is written."""
    p = Path(path)
    preview = ImportPreview(KIND, p)
    model = assessment.model
    with open_workbook(p) as (book, _scan):
        check_identity(preview, read_meta(book), assessment, KIND, force)
        table = read_table(book, READ_COLUMNS, prefer=("questionnaire", "问卷"))  # any of the three languages
        if table is None:
            preview.problems.append(ProblemRow(
                "", 0, "", "no sheet has a questionnaire header (a row with an ID column and a Self-assessment "
                "column)", "the questionnaire exported by cdassess, with its header row kept"))
            return preview
        preview.problems += header_problems(table, READ_COLUMNS)
        preview.problems += formula_problems(table, ("id", *ANSWER_KEYS))
        for pos, text in unread_columns(table.header, questionnaire_columns(model)):
            preview.notes.append(f"column {col_letter(pos)} {text[:60]!r} of sheet {table.sheet!r} was not read "
                                 "(a column added by the team; its values are not imported)")
    _read_rows(assessment, table, preview, f"questionnaire {p.name}")
    return preview


def _read_rows(assessment: Assessment, table: Table, preview: ImportPreview, source: str) -> None:
    """The changes (and problems) of every row, in one pass with the column positions looked up once (each
    distinct answer word is parsed once): a 1,000-row questionnaire takes a few milliseconds."""
    rows = _Rows(assessment, table, preview, source)
    for rnum, row in table.rows:
        rows.read(rnum, row)
    if not preview.problems:
        preview.edits = [_claim_edit(c) for c in rows.new_claims]


class _Rows:
    def __init__(self, assessment: Assessment, table: Table, preview: ImportPreview, source: str) -> None:
        self.model = assessment.model
        self.existing = assessment.claims()
        self.table = table
        self.preview = preview
        self.source = source
        self.seen: dict[str, int] = {}
        self.new_claims: list[Claim] = []
        index = table.header.index
        self.id_pos, self.claim_pos = index["id"], index["claim"]  # both required by the header match
        self.answer_pos = [index[k] for k in ANSWER_KEYS if k in index]
        self.text_pos = [(k, index.get(k), ANSWER_FIELDS[k], "added" if k.startswith("evidence") else "set")
                         for k in ANSWER_KEYS[1:]]
        self.statuses: dict[Any, str | None] = {}

    def _problem(self, rnum: int, key: str, message: str, accepted: str) -> None:
        self.preview.problems.append(ProblemRow(self.table.sheet, rnum, self.table.column(key), message, accepted))

    def _req_id(self, rnum: int, row: tuple[Any, ...]) -> str | None:
        """The row's requirement ID; None (with a problem where it matters) for a row that is not imported."""
        n = len(row)
        raw = row[self.id_pos] if self.id_pos < n else None
        req_id = raw.strip() if isinstance(raw, str) else ("" if raw is None else str(raw))
        model = self.model
        if req_id not in model.requirements:
            if any(pos < n and row[pos] is not None and str(row[pos]).strip() for pos in self.answer_pos):
                self._problem(rnum, "id", f"unknown requirement ID {req_id!r} in model {model.id} {model.version}"
                              if req_id else "answers in a row without an ID",
                              "the IDs of the exported questionnaire, unchanged")
            return None
        self.preview.rows_read += 1
        if req_id in self.seen:
            self._problem(rnum, "id", f"duplicate ID {req_id} (also in row {self.seen[req_id]})",
                          "each requirement once")
            return None
        self.seen[req_id] = rnum
        return req_id

    def read(self, rnum: int, row: tuple[Any, ...]) -> None:
        req_id = self._req_id(rnum, row)
        if req_id is None:
            return
        n = len(row)
        raw_claim = row[self.claim_pos] if self.claim_pos < n else None
        if raw_claim in self.statuses:
            status = self.statuses[raw_claim]
        else:
            status = self.statuses[raw_claim] = parse_status_word(raw_claim, self.model.scale)
        if status is None:
            self._problem(rnum, "claim", f"{req_id}: {str(raw_claim).strip()[:60]!r} is not a self-assessment "
                          "this program understands", self.model.scale.accepted_text())
            return
        old = self.existing.get(req_id) or Claim(req_id)
        changes = self.preview.changes
        before = len(changes)
        sheet = self.table.sheet
        add_change(changes, sheet, rnum, req_id, "self-assessment", _status_text(old.status), _status_text(status))
        texts: list[str] = []
        for key, pos, label, first in self.text_pos:
            if pos is None:  # a column the file does not have leaves that field as it was (not "cleared")
                texts.append(getattr(old, key))
                continue
            value = row[pos] if pos < n else None
            text = "" if value is None else value.strip() if type(value) is str else cell_text(value)
            if len(text) > MAX_CELL_CHARS:
                self.preview.problems.append(too_long(self.table, rnum, key, len(text)))
                text = ""
            texts.append(text)
            was = getattr(old, key)
            if was != text:
                add_change(changes, sheet, rnum, req_id, label, was, text, first=first)
        if len(changes) > before:
            self.new_claims.append(Claim(req_id, status, texts[0], texts[1], texts[2], texts[3], source=self.source))


def _claim_edit(claim: Claim) -> ClaimEdit:
    return ClaimEdit(claim)


def import_questionnaire(assessment: Assessment, path: str | Path, *, force: bool = False) -> ImportPreview:
    """Read and apply in one go (all or nothing); raises ValidationError listing every problem."""
    preview = read_questionnaire(assessment, path, force=force)
    preview.apply(assessment)
    return preview
