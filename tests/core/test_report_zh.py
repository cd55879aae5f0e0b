"""`--lang zh`: the report prints no English of its own (only IDs, proper names and units), and Chinese line
breaking keeps closing punctuation off line starts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from cdassess.services import Assessment

TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[./-][A-Za-z0-9]+)*")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
# what stays Latin in a Chinese report: proper names, standards, units, the digest's name
ALLOWED = {"DevOps", "CAICT", "SHA-256", "B", "KB", "MB", "GB", "YD/T", "PDF", "Excel", "Word"}
CLOSING = "，。；：、）」』”’》？！"


def _user_words(a: Assessment) -> set[str]:
    """Latin words the assessor or the team typed (their text is theirs, not the report's)."""
    m = a.meta
    texts = [m.organization, m.project, m.scope, *m.assessors, m.locked_by or "", m.business_unit, a.path.name]
    texts += [t for r in a.ratings().values() for t in (r.note, r.justification, r.updated_by)]
    texts += [t for c in a.claims().values() for t in (c.evidence_text, c.evidence_refs, c.owner, c.comment)]
    texts += [t for f in a.findings() for t in (f.observation, f.recommendation, f.owner, f.due_date)]
    texts += [t for e in a.evidence_list() for t in (e.original_name, e.provided_by, e.description)]
    o = a.report_options()
    texts += [o.cover_text, *(s.name for s in o.signatures), *(s.role for s in o.signatures)]
    return {w for t in texts for w in WORD.findall(t or "")}


def _model_words(a: Assessment) -> tuple[set[str], set[str]]:
    """(every node ID and the model's id, Latin words in the model's own Chinese texts). The provenance note
    is left out: it glosses its codes ("confirmed（已确认）"), which :func:`_english` allows as glossed terms."""
    m = a.model
    ids = {m.id, m.version, *m.requirements, *m.items}
    texts = [m.names.zh, m.source.zh]
    for d in m.domains:
        ids.add(d.id)
        texts.append(d.names.zh)
        for sub in d.subdomains:
            ids.add(sub.id)
            texts.append(sub.names.zh)
    for lv in m.levels:
        texts += [lv.names.zh, lv.meaning.zh]
    for r in m.iter_requirements():
        texts.append(r.text.zh)
    for i in m.items.values():
        texts.append(i.names.zh)
    return ids, {w for t in texts for w in WORD.findall(t or "")}


def _english(text: str, a: Assessment) -> list[str]:
    user = _user_words(a)
    ids, model = _model_words(a)
    left = []
    for found in TOKEN.finditer(text):
        token = found.group().rstrip(".")
        if re.match(r"\s*（[\u4e00-\u9fff]", text[found.end():found.end() + 4]):
            continue  # a term glossed in Chinese right after it: "paraphrased（意译）"
        if token in ALLOWED or token in ids or re.fullmatch(r"L\d+|[0-9a-f]{16,}|[A-Z]", token):
            continue
        if any(i.startswith(token + ".") for i in ids):  # an ID's first parts (a domain's "CD.BC")
            continue
        words = WORD.findall(token)
        if all(w in user or w in model or w in ALLOWED or re.fullmatch(r"[0-9a-f]{16,}|L\d+", w) for w in words):
            continue
        left.append(token)
    return sorted(set(left))


def test_zh_pdf_has_no_english_of_its_own(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.reports.gap import write_gap_report

    out = tmp_path / "zh.pdf"
    write_gap_report(demo, out, lang="zh")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(str(out)).pages)
    assert "总体结果" in text and "Summary" not in text
    assert _english(text, demo) == []


def test_zh_docx_has_no_english_of_its_own(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.reports.docx import write_gap_docx

    out = write_gap_docx(demo, tmp_path / "zh.docx", lang="zh")
    doc = Document(str(out))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    for heading in ("总体结果", "能力项热力图", "自评与评定不一致", "附录", "级别规则", "评定标度", "模型来源说明"):
        assert heading in text  # the heat map, disagreements and appendix are checked too
    assert _english(text, demo) == []


def test_the_check_itself_finds_english(demo: Assessment) -> None:
    req = next(iter(demo.model.requirements))
    assert _english(f"总体结果 Summary {req} SHA-256 DevOps L3 要求文本来源：confirmed 14", demo) == ["Summary",
                                                                                                  "confirmed"]


def _lines(text: str, width: float, mixed: bool) -> list[str]:
    from cdassess.reports.styles import Styles, esc, paragraph_class

    s = Styles()
    markup = (f'<font color="#888888">备注:</font> {esc(text)}' if mixed else esc(text))
    p = paragraph_class()(markup, s.cjk(s.cell))
    p.wrap(width, 10_000)
    bl = p.blPara
    if bl.kind == 0:
        return ["".join(words) for _, words in bl.lines]
    return ["".join(getattr(f, "text", "") for f in line.words) for line in bl.lines]


SAMPLE = ("建议采用“蓝绿部署”。团队已有回滚脚本（未演练）；负责人（张伟）。发现：“流水线（Jenkins CI）”、“制品库”"
          "均已就绪（见证据 3）！是否每周演练？结论：部分满足，需复核。") * 2


@pytest.mark.parametrize("mixed", [False, True])
def test_no_line_starts_with_closing_punctuation(mixed: bool) -> None:
    starts = []
    for width in range(60, 320, 2):  # every width a table cell of the report can have, and narrower
        lines = _lines(SAMPLE, width, mixed)
        assert len(lines) > 1
        assert "".join(x.replace(" ", "") for x in lines).endswith("需复核。")
        starts += [(width, line[:6]) for line in lines[1:] if line.lstrip()[:1] in CLOSING]
    assert starts == []


def test_rendered_lines_keep_punctuation_off_line_starts(tmp_path: Path) -> None:
    """The same paragraph drawn on a page: the PDF's text lines, as a reader's tool extracts them."""
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame

    from cdassess.reports.fonts import register_fonts
    from cdassess.reports.styles import Styles, esc, paragraph_class

    register_fonts()
    s = Styles()
    out = tmp_path / "lines.pdf"
    canvas = Canvas(str(out))
    for width in (97, 123, 151, 188):
        frame = Frame(40, 40, width + 12, 760, showBoundary=0)
        frame.addFromList([paragraph_class()(esc(SAMPLE), s.cjk(s.cell))], canvas)
        canvas.showPage()
    canvas.save()
    for page in PdfReader(str(out)).pages:
        lines = [x for x in (page.extract_text() or "").splitlines() if x.strip()]
        assert len(lines) > 3
        assert [x for x in lines[1:] if x.lstrip()[:1] in CLOSING] == []
