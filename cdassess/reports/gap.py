"""The workshop gap report (A4 PDF): cover, summary with the radar chart, heat map, gaps, blockers of the
next level, claim/rating disagreements, evidence index and appendix.

``build_story(data)`` turns :class:`ReportData` into flowables; ``render(story, dest, data)`` lays them out
with the running header and footer. Every user text goes through :func:`esc` before it meets a Paragraph.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdassess.model import FORMAT_V2
from cdassess.outputs import apply_umask
from cdassess.reports.data import ReportData, build_report_data, redact_report_data
from cdassess.reports.styles import (
    ACCENT,
    BAND,
    HAS_CJK,
    MUTED,
    RULE,
    Styles,
    clean,
    clipped,
    esc,
    heat_cell,
    md_markup,
    model_text,
    numbered_canvas,
    paragraph_class,
    pick,
    scale_statuses,
    status_label,
    status_look,
    status_text,
)

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

    from cdassess.export_profile import ExportProfile
    from cdassess.model import Domain, Item, Model, Requirement
    from cdassess.scale import RatingScale
    from cdassess.services import Assessment

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]

MM = 72 / 25.4
PAGE_W, PAGE_H = 595.2756, 841.8898  # A4 in points
MARGIN_X = 18 * MM
MARGIN_TOP = 22 * MM
MARGIN_BOTTOM = 18 * MM
BODY_W = PAGE_W - 2 * MARGIN_X
CHUNK = 40  # rows per table: ReportLab re-measures every remaining row at each page split
MUTED_HEX = "#{:02x}{:02x}{:02x}".format(*(int(c * 255) for c in MUTED))


CONFIDENTIAL_NOTE = ("机密副本：已删除人员、备注和证据名称",
                     "confidential copy: people, notes and evidence names removed")


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 255) for c in rgb))


def level_rules(m: Model, level_rule: str, L: Callable[[str, str], str]) -> list[str]:  # noqa: N803
    """The appendix's level rules, in the report's language (``L`` picks zh, en or both)."""
    strict = level_rule == "strict"
    return [
        (L("要求评定为“满足”或“不适用”时视为已满足", "A requirement counts as satisfied when rated met or N/A")
         + ("" if strict else L("（宽松规则：“部分满足”也计为满足）", " (lenient rule: partial counts too)"))
         + "."),
        L(f"能力项级别：该项在 L 及以下各级的要求全部满足时的最高级别 L（第 {m.min_level} 级要求未满足时为 "
          f"{m.min_level - 1}）。",
          f"Item level: the highest level L such that every requirement of the item at a level up to L is "
          f"satisfied ({m.min_level - 1} when its level-{m.min_level} requirement is not)."),
        L("子域、领域与总体级别：取其下各部分级别的最小值（所有领域均为必需）。",
          "Subdomain, domain and overall level: the lowest level among their parts (every domain counts)."),
        L("距目标级别 T 的差距：T 及以下所有未满足的要求，按领域分组。",
          "Gaps to target T: every requirement at a level up to T that is not satisfied, by domain."),
        L("进度：已评定的要求数 / 要求总数。", "Progress: rated requirements / all requirements."),
    ]


def scale_meanings(scale: RatingScale) -> dict[str, tuple[str, str]]:
    """What each rating of ``scale`` means, (zh, en), for the appendix's rating-scale table."""
    meaning = {
        "met": ("证据表明要求已完全满足。", "Evidence shows the requirement is fully met."),
        "partial": ("部分满足，仍有缺口。", "Partly met; a gap remains."),
        "not_met": ("未满足或无证据。", "Not met, or no evidence."),
        "na": ("不适用（需说明理由），计为满足。", "Does not apply (with a justification); counts as met."),
        "unrated": ("尚未评定，计为未满足。", "Not rated yet; counts as not satisfied."),
    } if scale.is_caict else {"unrated": ("尚未评定，计为未满足。", "Not rated yet; counts as not satisfied.")}
    for opt in scale.options:
        if opt.id not in meaning:
            zh = (f"权重 {opt.weight:g}；" + ("计为满足" if opt.satisfies else "不计为满足")
                  + ("；需说明理由" if opt.needs_justification else "")
                  + ("；不计入平均" if opt.not_applicable else "") + "。")
            en = (f"Weight {opt.weight:g}; " + ("counts as satisfied" if opt.satisfies else "does not satisfy")
                  + ("; needs a justification" if opt.needs_justification else "")
                  + ("; left out of averages" if opt.not_applicable else "") + ".")
            meaning[opt.id] = (zh, en)
    return meaning


class _Builder:
    """Builds the story of one report; small methods, one per section."""

    def __init__(self, data: ReportData, styles: Styles) -> None:
        self.d = data
        self.s = styles
        self.lang = data.lang
        self.model = data.model
        self.Para = paragraph_class()

    # ------------------------------------------------------------------------------------ helpers

    def st_text(self, status: str) -> str:
        return status_text(status, self.lang, self.model.scale)

    def st_label(self, status: str) -> str:
        return status_label(status, self.lang, self.model.scale)

    def L(self, zh: str, en: str, sep: str = " ") -> str:  # noqa: N802 - reads like a label lookup
        return pick(self.lang, zh, en, sep)

    def level_name(self, n: int) -> str:
        if n < self.model.min_level:
            return self.L("未达到", "not reached")
        return model_text(self.model.level(n).names, self.lang, " ")

    def level_text(self, n: int) -> str:
        if n < self.model.min_level:
            return f"{n} ({self.level_name(n)})" if n >= 0 else self.level_name(n)
        return f"{n} ({self.level_name(n)})"

    def long(self, text: str | None) -> str:
        """A user's long text (note, justification, finding) as markup, cut with where the rest is."""
        return esc(clipped(text, self.lang))

    def para(self, text: str, style: Any) -> Any:
        return self.Para.make(text, self.s.cjk(style) if HAS_CJK.search(text) else style)

    def mesc(self, text: str) -> str:
        """Model text as markup: a v2 model's Markdown (a safe subset), CAICT's plain text escaped."""
        return md_markup(text) if self.model.format == FORMAT_V2 else esc(text)

    def model_paras(self, text: Any, style: Any) -> list[Any]:
        """A model text as paragraphs: in "both", Chinese then English (grey), each broken by its own rules."""
        if self.lang != "both" or not text.zh or not text.en or text.zh == text.en:
            return [self.para(self.mesc(text.get(self.lang if self.lang != "both" else "zh")), style)]
        return [self.para(self.mesc(text.zh), style), self.para(self.mesc(text.en), self.s.cell_en)]

    @functools.cached_property
    def id_width(self) -> float:
        """The ID column: 76 points (CAICT's IDs), wider (up to 140) for a model with longer requirement IDs."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        longest = max((stringWidth(r, self.s.font, 8) for r in self.model.requirements), default=0.0)
        return max(76.0, min(140.0, longest + 10))

    def id_cell(self, ident: str, width: float, suffix: str = "") -> Any:
        """An ID on one line, never broken inside: set smaller when it is too long for its column."""
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.pdfbase.pdfmetrics import stringWidth

        plain = clean(ident)
        need = stringWidth(plain, self.s.font, 8)
        room = width - 8
        if need <= room:
            return self.para(esc(plain) + suffix, self.s.cell)
        size = max(5.0, 8 * room / need)
        style = ParagraphStyle(f"id{size:.1f}", parent=self.s.cell, fontSize=size, leading=size * 1.25,
                               splitLongWords=0)
        text = esc(plain)
        if size == 5.0 and need * 5 / 8 > room:  # still too long: it may break after a separator, never in a part
            text = re.sub(r"([./:_-])", "\\1\u200b", text)
            style.splitLongWords = 0
        return self.Para.make(text + suffix, style)

    def fit_id(self, ident: str, width: float, style: Any = None) -> Any:
        """An ID cell: plain when it fits, else :meth:`id_cell` (smaller, never broken inside)."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        if stringWidth(clean(ident), self.s.font, 8) <= width - 8:
            return self.fit(ident, width, style)
        return self.id_cell(ident, width)

    def fit(self, text: str, width: float, style: Any = None) -> Any:
        """A plain string cell when the text fits on one line (no markup parsing, no wrapping: much cheaper),
        else a wrapping Paragraph. ``text`` is plain (not escaped)."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        plain = clean(text)
        if "\n" not in plain and stringWidth(plain, self.s.font, 8) <= width - 8:
            return plain
        return self.para(esc(plain), style or self.s.cell)

    def heading(self, text: str, level: int = 1) -> Any:
        style = {1: self.s.h1, 2: self.s.h2, 3: self.s.h3}[level]
        p = self.para(esc(text), style)
        p._bookmark = (text, level)  # read back in afterFlowable: the PDF outline
        return p

    def model_para(self, text: Any) -> str:
        """Model text as Paragraph markup; in "both" the English follows in grey on its own line."""
        if self.lang != "both" or not text.zh or not text.en or text.zh == text.en:
            return self.mesc(text.get(self.lang if self.lang != "both" else "zh"))
        return f'{self.mesc(text.zh)}<br/><font color="{MUTED_HEX}">{self.mesc(text.en)}</font>'

    def table(self, rows: list[list[Any]], widths: list[float], *, header_rows: int = 1,
              extra: list[tuple[Any, ...]] | None = None) -> Any:
        from reportlab.lib.colors import Color
        from reportlab.platypus import Table, TableStyle

        # A row is split across pages only when it is too tall to move whole to the next page: splitting
        # every row that straddles a break would cut words and sentences in two for no reason.
        in_row = _has_tall_row(rows[header_rows:], widths)
        t = Table(rows, colWidths=widths, repeatRows=header_rows, splitByRow=1, splitInRow=int(in_row),
                  hAlign="LEFT")
        cmds: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.s.font),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, Color(*RULE)),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if header_rows:
            cmds += [("BACKGROUND", (0, 0), (-1, header_rows - 1), Color(*ACCENT)),
                     ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), Color(1, 1, 1))]
        t.setStyle(TableStyle(cmds + (extra or [])))
        return t

    def head(self, *labels: str) -> list[Any]:
        # plain breaking: a label pair breaks between its Chinese and English words, never inside "Level"
        return [self.Para.make(esc(x), self.s.cell_head) for x in labels]

    # ------------------------------------------------------------------------------------ sections

    def cover(self) -> list[Any]:
        from reportlab.lib.colors import Color
        from reportlab.platypus import Spacer, Table, TableStyle

        d, meta = self.d, self.d.meta
        logo = self.logo()
        out: list[Any] = [Spacer(1, 6 * MM), logo, Spacer(1, 4 * MM)] if logo is not None else [Spacer(1, 18 * MM)]
        out.append(self.para(esc(meta.organization), self.s.title))
        out.append(Spacer(1, 4 * MM))
        out.append(self.para(esc(meta.project), self.s.subtitle))
        out.append(Spacer(1, 14 * MM))
        dates = " – ".join(x for x in (meta.start_date, meta.end_date) if x) or "—"
        rows = [
            (self.L("评估范围", "Scope"), esc(meta.scope) or "—"),
            (self.L("能力模型", "Model"),
             f"{esc(model_text(self.model.names, self.lang))}<br/>"
             f'<font color="{MUTED_HEX}">{esc(self.model.id)} · {self.L("版本", "version")} '
             f"{esc(self.model.version)}</font>"),
            (self.L("目标级别", "Target level"), esc(self.level_text(d.target))),
            (self.L("评估师", "Assessors"), esc(", ".join(meta.assessors)) or "—"),
            (self.L("评估日期", "Assessment dates"), esc(dates)),
            (self.L("报告日期", "Report date"), esc(d.generated_on)),
            (self.L("文件", "File"), esc(d.file_name) or "—"),
        ]
        table = Table([[self.para(esc(k), self.s.cell_muted), self.para(v, self.s.body)] for k, v in rows],
                      colWidths=[42 * MM, BODY_W - 62 * MM], hAlign="CENTER")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), self.s.font),
                                   ("LINEBELOW", (0, 0), (-1, -1), 0.4, Color(*RULE)),
                                   ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
        out.append(table)
        out.append(Spacer(1, 12 * MM))
        if d.final:
            status = self.L("终稿（已锁定）", "FINAL (locked)")
            detail = self.L("锁定于", "locked on") + f" {esc((meta.locked_at or '')[:19].replace('T', ' '))}"
            if meta.locked_by:
                detail += f" · {esc(meta.locked_by)}"
            detail += f'<br/><font size="7">{self.L("结果摘要", "results digest")} SHA-256 ' \
                      f"{esc(d.results_digest)}</font>"
        else:
            status = self.L("草稿 — 评估尚未锁定，结果可能变化",
                            "DRAFT — the assessment is not locked; results may change")
            detail = self.L("本报告仅用于研讨", "for workshop use")
        box = Table([[self.para(esc(status), self.s.big_center)], [self.para(detail, self.s.center)]],
                    colWidths=[BODY_W - 40 * MM], hAlign="CENTER")
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2 if d.final else 0.8, Color(*ACCENT)),
                                 ("FONTNAME", (0, 0), (-1, -1), self.s.font),
                                 ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                                 ("BACKGROUND", (0, 0), (-1, -1), Color(*BAND)),
                                 ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        out.append(box)
        if d.options.cover_text:
            out.append(Spacer(1, 8 * MM))
            out.append(self.para(esc(d.options.cover_text), self.s.body))
        if d.confidential:
            out.append(Spacer(1, 6 * MM))
            out.append(self.para(esc(self.L(CONFIDENTIAL_NOTE[0], CONFIDENTIAL_NOTE[1], " · ")), self.s.center))
        return out

    def logo(self) -> Any:
        """The organization's logo (report options) scaled into 60 x 24 mm, or None."""
        logo = self.d.options.logo
        if logo is None:
            return None
        import io

        from reportlab.platypus import Image

        scale = min(60 * MM / logo.width, 24 * MM / logo.height)
        return Image(io.BytesIO(logo.data), width=logo.width * scale, height=logo.height * scale, hAlign="CENTER")

    def signatures(self) -> list[Any]:
        """The assessor signature block: a row per signatory with lines to sign and date by hand."""
        from reportlab.lib.colors import Color
        from reportlab.platypus import CondPageBreak, KeepTogether

        sigs = self.d.options.signatures
        if not sigs:
            return []
        out: list[Any] = [CondPageBreak(30 * MM + 16 * MM * len(sigs)),
                          self.heading(self.L("签字", "Signatures"))]
        head = self.head(self.L("姓名", "Name"), self.L("角色", "Role"), self.L("签字", "Signature"),
                         self.L("日期", "Date"))
        rows: list[list[Any]] = [head]
        for sig in sigs:
            rows.append([self.para(esc(sig.name) or "", self.s.cell), self.para(esc(sig.role) or "", self.s.cell),
                         "", ""])
        widths = [BODY_W * 0.26, BODY_W * 0.26, BODY_W * 0.30, BODY_W * 0.18]
        extra: list[tuple[Any, ...]] = [("VALIGN", (0, 1), (-1, -1), "BOTTOM"),
                                        ("TOPPADDING", (0, 1), (-1, -1), 26),
                                        ("LINEBELOW", (0, 1), (-1, -1), 0.8, Color(*MUTED))]
        out.append(KeepTogether([self.table(rows, widths, extra=extra)]))
        if self.d.confidential and any(not s.name for s in sigs):
            out.append(self.para(esc(self.L("机密副本：签字人姓名已删除。", "Confidential copy: the signatories' names "
                                            "are removed.")), self.s.small))
        return out

    def summary(self) -> list[Any]:
        from reportlab.platypus import KeepTogether, Spacer

        from cdassess.reports.charts import RADAR_MAX_SPOKES, level_bar_pages, level_radar_drawing

        d = self.d
        out: list[Any] = [self.heading(self.L("总体结果", "Summary"))]
        reached = d.levels.overall >= d.target
        verdict = (self.L("已达到目标级别", "the target level is reached") if reached
                   else self.L("尚未达到目标级别", "the target level is not reached yet"))
        out.append(self.para(
            f"{self.L('总体级别', 'Overall level')}: {esc(self.level_text(d.levels.overall))} &nbsp; · &nbsp; "
            f"{self.L('目标级别', 'Target level')}: {esc(self.level_text(d.target))}<br/>"
            f'<font size="10">{"✓" if reached else "↓"} {esc(verdict)}</font>', self.s.big))
        if d.levels.overall_score is not None:
            out.append(self.para(f"{esc(self.score_label())}: {esc(self.score_text(d.levels.overall_score))}",
                                 self.s.big))
        pa, pt = d.progress_all, d.progress_target
        statuses = scale_statuses(self.model.scale)
        counts = dict.fromkeys(statuses, 0)
        for req in self.model.iter_requirements(d.target):  # counts are up to the target, as the gaps are
            st = d.status(req.id)
            counts[st if st in counts else "unrated"] += 1
        count_text = self.L(f"目标级别 {d.target} 及以下：", f"Up to target level {d.target}: ", "") + \
            ", ".join(f"{self.st_text(s)} {counts[s]}" for s in statuses)
        out.append(self.para(
            f"{self.L('进度', 'Progress')}: {pa.rated}/{pa.total} {self.L('项要求已评定', 'requirements rated')} "
            f"({pa.fraction:.0%}); {self.L('目标级别及以下', 'up to the target level')} {pt.rated}/{pt.total} "
            f"({pt.fraction:.0%}). {self.L('差距', 'Gaps to the target')}: {d.gap_count}. "
            f"{self.L('需复核', 'Needs review')}: {sum(1 for r in d.ratings.values() if r.needs_review)}.",
            self.s.body))
        out.append(self.para(esc(count_text), self.s.small))
        out.append(Spacer(1, 3 * MM))
        if len(self.model.domains) > RADAR_MAX_SPOKES:  # bars, over as many pages as the domains need
            out.extend(level_bar_pages(self.model, d.levels, d.target, self.lang, width=BODY_W,
                                       max_height=FRAME_H - 12))
        else:
            out.append(KeepTogether([level_radar_drawing(self.model, d.levels, d.target, self.lang, width=BODY_W,
                                                         height=300)]))
        out.append(Spacer(1, 3 * MM))
        out.append(self.level_table())
        return out

    def level_table(self) -> Any:
        from reportlab.lib.colors import Color

        d = self.d
        rows: list[list[Any]] = [self.head(self.L("编号", "ID"), self.L("领域 / 子域", "Domain / subdomain"),
                                           self.L("达到", "Achieved"), self.L("目标", "Target"),
                                           self.L("差距数", "Gaps"))]
        extra: list[tuple[Any, ...]] = []
        gap_ids = {r.id for g in d.gaps for r in g.requirements}
        for dom in self.model.domains:
            row = len(rows)
            n_gaps = sum(1 for i in dom.items for r in i.requirements if r.id in gap_ids)
            rows.append([self.id_cell(dom.id, 66), self.para(esc(model_text(dom.names, self.lang)),
                                                                         self.s.cell),
                         self._level_cell(d.levels.domains[dom.id], dom.id), str(d.target), str(n_gaps)])
            extra.append(("BACKGROUND", (0, row), (-1, row), Color(*BAND)))
            for sub in dom.subdomains:
                if sub.implicit:
                    continue
                n_sub = sum(1 for i in sub.items for r in i.requirements if r.id in gap_ids)
                rows.append([self.id_cell(sub.id, 66),
                             self.para("&nbsp;&nbsp;&nbsp;" + esc(model_text(sub.names, self.lang)), self.s.cell),
                             self._level_cell(d.levels.subdomains[sub.id], sub.id), str(d.target), str(n_sub)])
        extra += [("ALIGN", (2, 0), (-1, -1), "CENTER")]
        achieved = 96 if d.levels.scores else 64  # "1 (1.50 / 3) ↓" needs the room
        return self.table(rows, [66, BODY_W - 66 - achieved - 2 * 64, achieved, 64, 64], extra=extra)

    def _level_cell(self, n: int, node_id: str | None = None) -> str:
        mark = "✓" if n >= self.d.target else "↓"
        score = self.d.levels.scores.get(node_id) if node_id is not None else None
        figure = f" ({self.score_text(score)})" if score is not None else ""
        return f"{n if n >= self.model.min_level else '—'}{figure} {mark}"

    def score_label(self) -> str:
        if self.model.scoring.rule == "coverage":
            return self.L("覆盖率", "Coverage")
        return self.L("得分", "Score")

    def score_text(self, score: float) -> str:
        """The figure the model's rule defines: 1.43 / 3 (weighted), 62 % (coverage)."""
        if self.model.scoring.rule == "coverage":
            return f"{score * 100:.0f} %"
        top = self.d.levels.max_score
        return f"{score:.2f} / {top:g}" if top is not None else f"{score:.2f}"

    def heatmap(self) -> list[Any]:
        from reportlab.platypus import Spacer

        out: list[Any] = [self.heading(self.L("能力项热力图", "Heat map of items by level"))]
        scale = self.model.scale
        legend = " &nbsp; ".join(f"{status_look(s, scale).symbol} {esc(self.st_label(s))}"
                                 for s in scale_statuses(scale))
        out.append(self.para(self.L("每格为该能力项在该级别的要求的评定；空白表示该级别无要求。",
                                    "Each cell is the rating of the item's requirement at that level; "
                                    "blank means the item has no requirement there.")
                             + (self.L(" “2/3”：该级别 3 项要求中 2 项已满足。",
                                       " “2/3”: 2 of the item's 3 requirements at that level are satisfied.")
                                if any(len(i.requirements_at(n)) > 1 for i in self.model.items.values()
                                       for n in i.levels_used) else "")
                             + "<br/>" + legend,
                             self.s.small))
        out.append(Spacer(1, 2 * MM))
        for dom in self.model.domains:
            items = list(dom.items)
            for start in range(0, max(len(items), 1), CHUNK):
                out.append(self.heat_table(dom, items[start:start + CHUNK], continued=start > 0))
        return out

    def heat_table(self, dom: Domain, items: list[Item], *, continued: bool) -> Any:
        """One domain's items (a slice of them) as a heat-map table; small tables keep splitting cheap."""
        from reportlab.lib.colors import Color

        d = self.d
        levels = self.model.level_numbers
        lw = 27.0
        widths = [74.0, BODY_W - 74 - lw * len(levels) - 40, *([lw] * len(levels)), 40.0]
        rows: list[list[Any]] = [[*self.head(self.L("能力项", "Item"), self.L("名称", "Name")),
                                  *[f"L{n}" for n in levels], self.L("级别", "Level")]]
        extra: list[tuple[Any, ...]] = [("ALIGN", (2, 0), (-1, -1), "CENTER"), ("VALIGN", (2, 1), (-1, -1), "MIDDLE"),
                                        ("FONTSIZE", (2, 2), (-2, -1), 10)]
        more = self.L("（续）", " (continued)", "") if continued else ""
        rows.append([self.para(f"{esc(dom.id)} &nbsp; {esc(model_text(dom.names, self.lang))} &nbsp; "
                               f"(L{d.levels.domains[dom.id]}){more}", self.s.cell), *[""] * (len(levels) + 2)])
        extra += [("SPAN", (0, 1), (-1, 1)), ("BACKGROUND", (0, 1), (-1, 1), Color(*BAND))]
        for item in items:
            r = len(rows)
            cells: list[Any] = [self.fit_id(item.id, widths[0], self.s.cell_muted),
                                self.fit(model_text(item.names, self.lang), widths[1])]
            for ci, n in enumerate(levels, start=2):
                reqs = item.requirements_at(n)
                if not reqs:
                    cells.append("")
                    continue
                look, mark = self.heat_cell(reqs)
                cells.append(mark)
                if look.fill is not None:
                    extra.append(("BACKGROUND", (ci, r), (ci, r), Color(*look.fill)))
                extra.append(("TEXTCOLOR", (ci, r), (ci, r), Color(*look.ink)))
            il = d.levels.items[item.id]
            cells.append(str(il) if il >= self.model.min_level else "—")
            rows.append(cells)
        # the target column gets a heavier frame so the eye finds it
        if d.target in levels:
            tc = 2 + levels.index(d.target)
            extra.append(("BOX", (tc, 0), (tc, -1), 1.2, Color(*ACCENT)))
        extra.append(("GRID", (2, 2), (-2, -1), 0.4, Color(1, 1, 1)))
        return self.table(rows, widths, extra=extra)

    def heat_cell(self, reqs: tuple[Requirement, ...]) -> tuple[Any, str]:
        """The look and text of one heat-map cell: the rating's symbol, or "2/3" satisfied when several."""
        return heat_cell(self.model.scale, [self.d.status(r.id) for r in reqs],
                         self.d.meta.level_rule == "lenient")

    def chunked(self, header: list[Any], rows: list[list[Any]], widths: list[float]) -> list[Any]:
        """Long lists as several tables with the same header: each split re-measures only its own rows."""
        return [self.table([header, *rows[i:i + CHUNK]], widths) for i in range(0, len(rows), CHUNK)]

    def gap_row(self, req: Requirement) -> list[Any]:
        d, s = self.d, self.s
        item = self.model.items[req.item_id]
        rating = d.ratings.get(req.id)
        claim = d.claims.get(req.id)
        findings = d.findings.get(req.id, [])
        text: list[Any] = [self.para(esc(model_text(item.names, self.lang)), s.cell_tiny),
                           *self.model_paras(req.text, s.cell)]
        if rating is not None and rating.note:
            text.append(self.para(f'<font color="{MUTED_HEX}">{self.L("备注", "Note")}:</font> '
                                  f"{self.long(rating.note)}", s.cell))
        if rating is not None and rating.justification:
            text.append(self.para(f'<font color="{MUTED_HEX}">{self.L("理由", "Justification")}:</font> '
                                  f"{self.long(rating.justification)}", s.cell))
        verdict = esc(self.st_text(d.status(req.id)))
        if rating is not None and rating.needs_review:
            verdict += f'<br/><font color="{MUTED_HEX}">{self.L("需复核", "needs review")}</font>'
        verdict += f'<br/><font color="{MUTED_HEX}">{self.L("自评", "Claim")}:</font> ' \
                   f"{esc(self.st_text(d.claim_status(req.id)))}"
        if claim is not None:
            for part in (claim.evidence_text, claim.evidence_refs, claim.comment):
                if part:
                    verdict += f'<br/><font color="{MUTED_HEX}" size="7">{self.long(part)}</font>'
        blocks: list[Any] = []
        for i, f in enumerate(findings):  # one block per finding, each with its own owner, due date, priority
            mark = f"{i + 1}. " if len(findings) > 1 else ""
            body = mark + self.long(f.observation)
            if f.recommendation:
                body += f'<br/><font color="{MUTED_HEX}">{self.L("建议", "Recommendation")}:</font> ' \
                        f"{self.long(f.recommendation)}"
            who = " · ".join(x for x in (
                f'{self.L("负责人", "Owner")}: {esc(f.owner) or "—"}',
                f'{self.L("期限", "Due")}: {esc(f.due_date) or "—"}',
                esc(self.priority(f.priority))) if x)
            body += f'<br/><font color="{MUTED_HEX}" size="7">{who}</font>'
            blocks.append(self.para(body, s.cell if i == 0 else self.s.cell_block))
        if not blocks:
            owner = f'<br/><font color="{MUTED_HEX}" size="7">{self.L("自评负责人", "Claim owner")}: ' \
                    f"{esc(claim.owner)}</font>" if claim is not None and claim.owner else ""
            blocks.append(self.para(f'<font color="{MUTED_HEX}">—</font>{owner}', s.cell))
        return [self.id_cell(req.id, self.id_width, f"<br/>L{req.level}"), text, self.para(verdict, s.cell),
                blocks]

    def gaps(self) -> list[Any]:
        from reportlab.platypus import CondPageBreak

        d = self.d
        out: list[Any] = [self.heading(self.L(f"距目标级别 {d.target} 的差距", f"Gaps to target level {d.target}"))]
        if not d.gaps:
            out.append(self.para(esc(self.L("没有差距：目标级别及以下的所有要求均已满足。",
                                             "No gaps: every requirement up to the target level is satisfied.")),
                                 self.s.body))
        idw = self.id_width
        widths = [idw, 152, 88, BODY_W - idw - 152 - 88]
        for group in d.gaps:
            out.append(CondPageBreak(40 * MM))
            n = len(group.requirements)
            count = self.L(f"差距 {n} 项", f"{n} gap{'' if n == 1 else 's'}", " · ")
            out.append(self.heading(f"{group.domain.id}  {model_text(group.domain.names, self.lang)}  "
                                    f"— L{group.level} · {count}", 2))
            head = self.head(self.L("编号", "ID"), self.L("要求", "Requirement"),
                             self.L("评定 / 自评", "Rating / claim"),
                             self.L("发现、建议、负责人与期限", "Findings: recommendation, owner, due date"))
            out += self.chunked(head, [self.gap_row(r) for r in group.requirements], widths)
        # findings not shown with a gap above: general ones, and those on requirements that are not gaps
        shown = {r.id for g in d.gaps for r in g.requirements}
        other = [f for key, found in d.findings.items() if key is None or key not in shown for f in found]
        if other:
            out.append(self.heading(self.L("其他发现", "Other findings"), 2))
            head = self.head(self.L("要求", "Requirement"), self.L("发现", "Finding"), self.L("建议", "Recommendation"),
                             self.L("负责人 / 期限 / 优先级", "Owner / due / priority"))
            widths = [idw, 170, BODY_W - idw - 170 - 90, 90]
            rows = [[self.fit_id(f.req_id or "—", widths[0]), self.para(self.long(f.observation), self.s.cell),
                     self.para(self.long(f.recommendation) or "—", self.s.cell),
                     self.para("<br/>".join(x for x in (esc(f.owner), esc(f.due_date), esc(self.priority(f.priority)))
                                            if x), self.s.cell)] for f in other]
            out += self.chunked(head, rows, widths)
        return out

    def not_applicable(self) -> list[Any]:
        """N/A requirements with their justifications, in their own section (they count as satisfied)."""
        d = self.d
        rows_of = [r for r in self.model.iter_requirements() if str(d.status(r.id)) == "na"]
        if not rows_of:
            return []
        out: list[Any] = [self.heading(self.L("不适用的要求及理由",
                                              "Requirements not applicable, with justifications"))]
        out.append(self.para(esc(self.L(f"以下 {len(rows_of)} 项要求评定为“不适用”，计为满足。",
                                        f"These {len(rows_of)} requirements are rated N/A and count as satisfied.")),
                             self.s.intro))
        head = self.head(self.L("编号", "ID"), self.L("要求", "Requirement"), self.L("理由", "Justification"))
        idw = self.id_width
        widths = [idw, (BODY_W - idw) / 2, (BODY_W - idw) / 2]
        rows = []
        for r in rows_of:
            rating = d.ratings.get(r.id)
            why = rating.justification if rating is not None else ""
            rows.append([self.fit_id(r.id, widths[0]), self.model_paras(r.text, self.s.cell),
                         self.para(self.long(why) or f'<font color="{MUTED_HEX}">—</font>', self.s.cell)])
        out += self.chunked(head, rows, widths)
        return out

    def priority(self, value: str) -> str:
        return pick(self.lang, {"high": "高", "medium": "中", "low": "低"}.get(value, value), value) if value else ""

    def blockers(self) -> list[Any]:
        ex = self.d.next_level
        if ex is None:
            return []
        out: list[Any] = [self.heading(self.L(f"达到第 {ex.level} 级的阻碍", f"What blocks level {ex.level}"))]
        shown = {r.id for g in self.d.gaps for r in g.requirements}
        reqs = [r for r in ex.blocking_requirements if r.id not in shown]
        if not reqs:  # the gap list above already says it all
            out.append(self.para(esc(self.L(
                f"上文“差距”一节所列的要求正是使总体级别无法达到 {ex.level} 的全部要求（当前为 {ex.overall}）。",
                f"The requirements in the gap list above are exactly what keeps the overall level below {ex.level} "
                f"(it is {ex.overall} now).")), self.s.intro))
            return out
        if shown:
            out.append(self.para(esc(self.L(
                f"除上文差距外，以下 {len(reqs)} 项要求也使总体级别无法达到 {ex.level}。",
                f"Besides the gaps above, these {len(reqs)} requirements also keep the overall level below "
                f"{ex.level}.")), self.s.intro))
        else:
            out.append(self.para(esc(self.L(
                f"当前总体级别为 {ex.overall}。以下 {len(reqs)} 项要求（{len(ex.blocked_items)} 个能力项）"
                f"未满足，使总体级别无法达到 {ex.level}。",
                f"The overall level is {ex.overall}. These {len(reqs)} requirements ({len(ex.blocked_items)} items) "
                f"are not satisfied and keep the overall level below {ex.level}.")), self.s.intro))
        head = self.head(self.L("编号", "ID"), self.L("级别", "Level"), self.L("评定", "Rating"),
                         self.L("要求", "Requirement"))
        widths = [self.id_width, 44, 84, BODY_W - self.id_width - 128]
        rows = [[self.fit_id(r.id, widths[0]), f"L{r.level}",
                 self.fit(self.st_text(self.d.status(r.id)), widths[2]),
                 self.model_paras(r.text, self.s.cell)] for r in reqs]
        out += self.chunked(head, rows, widths)
        return out

    def disagreements(self) -> list[Any]:
        d = self.d
        out: list[Any] = [self.heading(self.L("自评与评定不一致", "Where the claim and the rating disagree"))]
        if not d.disagreements:
            out.append(self.para(esc(self.L("自评与评估师评定全部一致（或尚未评定）。",
                                             "The team's claims and the assessor's ratings agree everywhere "
                                             "both are given.")), self.s.body))
            return out
        head = self.head(self.L("编号", "ID"), self.L("要求", "Requirement"), self.L("自评", "Claim"),
                         self.L("评定", "Rating"), self.L("备注", "Note"))
        rows: list[list[Any]] = []
        widths = [self.id_width, BODY_W - self.id_width - 80 - 84 - 120, 80, 84, 120]
        for r in d.disagreements:
            rating = d.ratings.get(r.id)
            claim = d.claims.get(r.id)
            note = "<br/>".join(esc(x) for x in ((rating.note if rating else ""),
                                                  (claim.comment if claim else "")) if x)
            rows.append([self.fit_id(r.id, widths[0]), self.model_paras(r.text, self.s.cell),
                         self.fit(self.st_text(d.claim_status(r.id)), widths[2]),
                         self.fit(self.st_text(d.status(r.id)), widths[3]),
                         self.para(note or "—", self.s.cell)])
        out += self.chunked(head, rows, widths)
        return out

    def evidence(self) -> list[Any]:
        from reportlab.lib.colors import Color

        d = self.d
        out: list[Any] = [self.heading(self.L("证据索引", "Evidence index"))]
        if not d.evidence:
            out.append(self.para(esc(self.L("未附证据。", "No evidence is attached.")), self.s.body))
            return out
        head = self.head("#", self.L("名称", "Name"), self.L("大小", "Size"), self.L("日期", "Date"),
                         self.L("提供人", "Provided by"), self.L("支持的要求", "Supports"))
        per_table = CHUNK // 2  # two rows per evidence
        for start in range(0, len(d.evidence), per_table):
            rows: list[list[Any]] = [head]
            extra: list[tuple[Any, ...]] = []
            for ev in d.evidence[start:start + per_table]:
                r = len(rows)
                rows.append([str(ev.id), self.para(esc(ev.original_name), self.s.cell), _size(ev.size),
                             clean(ev.collected_on or ev.added_at[:10]),
                             self.para(esc(ev.provided_by) or "—", self.s.cell),
                             self.para(esc(", ".join(ev.req_ids)) or "—", self.s.cell)])
                rows.append(["", self.para(f'<font color="{MUTED_HEX}">SHA-256</font> {ev.sha256}', self.s.cell),
                             "", "", "", ""])
                # the hash row stays with its evidence row
                extra += [("SPAN", (1, r + 1), (-1, r + 1)), ("LINEBELOW", (0, r), (-1, r), 0, Color(1, 1, 1)),
                          ("TOPPADDING", (0, r + 1), (-1, r + 1), 0), ("NOSPLIT", (0, r), (-1, r + 1))]
            out.append(self.table(rows, [22, 150, 48, 58, 80, BODY_W - 358], extra=extra))
        return out

    def appendix(self) -> list[Any]:
        from reportlab.platypus import PageBreak

        m, d = self.model, self.d
        out: list[Any] = [PageBreak(), self.heading(self.L("附录", "Appendix"))]
        out.append(self.heading(self.L("级别规则", "Level rules"), 2))
        rules = level_rules(m, d.meta.level_rule, self.L)
        for rule in rules:
            out.append(self.para("• " + esc(rule), self.s.body))
        out.append(self.heading(self.L("级别", "Levels"), 2))
        rows = [self.head(self.L("级别", "Level"), self.L("名称", "Name"), self.L("含义", "Meaning"))]
        for lv in m.levels:
            rows.append([str(lv.n), self.para(self.model_para(lv.names), self.s.cell),
                         self.para(self.model_para(lv.meaning), self.s.cell)])
        out.append(self.table(rows, [50, 110, BODY_W - 160]))
        out.append(self.heading(self.L("评定标度", "Rating scale"), 2))
        scale = m.scale
        meaning = scale_meanings(scale)
        rows = [self.head(self.L("符号", "Symbol"), self.L("评定", "Rating"), self.L("含义", "Meaning"))]
        extra: list[tuple[Any, ...]] = [("ALIGN", (0, 1), (0, -1), "CENTER")]
        from reportlab.lib.colors import Color

        for i, st in enumerate(scale_statuses(scale), start=1):
            look = status_look(st, scale)
            rows.append([look.symbol, self.para(esc(self.st_label(st)), self.s.cell),
                         self.para(esc(self.L(*meaning[st])), self.s.cell)])
            if look.fill is not None:
                extra.append(("BACKGROUND", (0, i), (0, i), Color(*look.fill)))
            extra.append(("TEXTCOLOR", (0, i), (0, i), Color(*look.ink)))
        out.append(self.table(rows, [50, 110, BODY_W - 160], extra=extra))
        out.append(self.heading(self.L("模型来源说明", "Model provenance"), 2))
        out.append(self.para(f"{esc(model_text(m.names, self.lang))} ({esc(m.id)} {esc(m.version)})", self.s.body))
        for text in (m.source, m.provenance_note):
            if text.zh or text.en:
                out.append(self.para(self.model_para(text), self.s.body))
        prov: dict[str, int] = {}
        for r in m.iter_requirements():
            if r.provenance:  # imported models' requirements carry no mark against a standard
                prov[r.provenance] = prov.get(r.provenance, 0) + 1
        if prov:
            words = {"confirmed": "已确认", "paraphrased": "意译", "inferred": "推断"}
            sep = "，" if self.lang == "zh" else ", "
            out.append(self.para(esc(self.L("要求文本来源：", "Requirement texts: ") + sep.join(
                f"{self.L(words.get(k, k), k)} {v}" for k, v in sorted(prov.items()))), self.s.small))
        out.append(self.para(
            f'{self.L("结果摘要", "Results digest")} (SHA-256): <font size="7">{esc(d.results_digest)}</font>',
            self.s.small))
        return out

    def story(self) -> list[Any]:
        from reportlab.platypus import CondPageBreak, NextPageTemplate, PageBreak

        on = self.d.options.includes
        out: list[Any] = [*self.cover(), NextPageTemplate("body"), PageBreak()]
        bare = len(out)
        if on("summary"):
            out += self.summary()
        if on("heatmap"):
            out += [CondPageBreak(90 * MM), *self.heatmap()]
        if on("gaps"):
            out += ([PageBreak()] if on("summary") or on("heatmap") else []) + self.gaps()
        for name, section in (("not_applicable", self.not_applicable), ("blockers", self.blockers),
                              ("disagreements", self.disagreements), ("evidence", self.evidence),
                              ("appendix", self.appendix), ("signatures", self.signatures)):
            if on(name):
                part = section()
                if name == "appendix" and len(out) == bare:
                    part = part[1:]  # no second page break right after the cover's
                out += part
        if len(out) == bare:  # every section left out: the cover page and a line saying so
            out.append(self.para(esc(self.L("（报告选项中所有章节均已省略。）",
                                            "(Every section is left out in the report options.)")), self.s.body))
        return out


FRAME_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
CELL_PADDING = 8  # left + right padding of every table cell


def _has_tall_row(rows: list[list[Any]], widths: list[float]) -> bool:
    """Whether a row needs more than half a page (measured at the cell widths the table will use; the
    paragraphs remember the result, so the table's own measuring costs nothing more)."""
    for row in rows:
        for cell, width in zip(row, widths, strict=False):
            parts = cell if isinstance(cell, list) else [cell]
            height = sum(p.wrap(width - CELL_PADDING, FRAME_H)[1] for p in parts if hasattr(p, "wrap"))
            if height > FRAME_H / 2:
                return True
    return False


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover


def build_story(data: ReportData, styles: Styles | None = None) -> list[Flowable]:
    """The report's flowables, in order (cover, summary, heat map, gaps, blockers, disagreements, evidence,
    appendix)."""
    return _Builder(data, styles or Styles()).story()


def _title(data: ReportData) -> str:
    return pick(data.lang, "能力成熟度评估差距报告", "Capability assessment gap report")


def _painters(data: ReportData, font: str) -> tuple[Callable[[Any, int, int], None], Callable[[Any, Any], None]]:
    """The running header/footer (drawn when the page count is known) and the cover's title band."""
    from reportlab.lib.colors import Color

    title = _title(data)
    project = clean(data.meta.project)
    confidential = pick(data.lang, "机密 · 仅供受评组织与评估方使用", "Confidential · for the assessed organization "
                        "and the assessors only", " · ")
    if data.confidential:
        confidential = pick(data.lang, *CONFIDENTIAL_NOTE, " · ")
    draft = "" if data.final else pick(data.lang, "草稿", "DRAFT")

    def decorate(canvas: Any, page: int, total: int) -> None:
        canvas.saveState()
        muted = Color(*MUTED)
        canvas.setFillColor(muted)
        canvas.setStrokeColor(Color(*RULE))
        canvas.setLineWidth(0.5)
        if page > 1:
            canvas.setFont(font, 8)
            head = project if len(project) <= 70 else project[:68] + "…"
            canvas.drawString(MARGIN_X, PAGE_H - 12 * MM, head)
            canvas.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 12 * MM, title + (f"  [{draft}]" if draft else ""))
            canvas.line(MARGIN_X, PAGE_H - 13.5 * MM, PAGE_W - MARGIN_X, PAGE_H - 13.5 * MM)
        canvas.line(MARGIN_X, 12.5 * MM, PAGE_W - MARGIN_X, 12.5 * MM)
        canvas.setFont(font, 7.5)
        canvas.drawString(MARGIN_X, 8.5 * MM, confidential)
        canvas.drawRightString(PAGE_W - MARGIN_X, 8.5 * MM,
                               pick(data.lang, f"第 {page} 页，共 {total} 页", f"page {page} of {total}", " · "))
        canvas.restoreState()

    def cover_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(Color(*ACCENT))
        canvas.rect(0, PAGE_H - 52 * MM, PAGE_W, 52 * MM, stroke=0, fill=1)
        canvas.setFillColor(Color(1, 1, 1))
        canvas.setFont(font, 22)
        first = "能力成熟度评估差距报告" if data.lang != "en" else "Capability Assessment Gap Report"
        canvas.drawCentredString(PAGE_W / 2, PAGE_H - 26 * MM, first)
        canvas.setFont(font, 12)
        sub = "Capability Assessment Gap Report" if data.lang == "both" else clean(data.model.names.get(data.lang))
        canvas.drawCentredString(PAGE_W / 2, PAGE_H - 36 * MM, sub)
        canvas.restoreState()

    return decorate, cover_page


def render(story: list[Flowable], dest: str | Path, data: ReportData, *, progress: ProgressFn | None = None,
           cancelled: CancelledFn | None = None) -> int:
    """Lay the story out on A4 pages with running header and footer; write ``dest`` atomically.

    Returns the number of pages.
    """
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    from cdassess.errors import CdassessError
    from cdassess.reports.fonts import register_fonts

    font = register_fonts()
    target = Path(dest)
    if not target.parent.is_dir():
        raise CdassessError(f"{target.parent}: no such folder")
    decorate, cover_page = _painters(data, font)
    body = Frame(MARGIN_X, MARGIN_BOTTOM, BODY_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    cover = Frame(MARGIN_X, MARGIN_BOTTOM, BODY_W, PAGE_H - 52 * MM - MARGIN_BOTTOM - 6 * MM, id="cover",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".cdassess-report-", suffix=".pdf")
    os.close(fd)
    total = len(story)
    state = {"done": 0}

    class Doc(BaseDocTemplate):  # type: ignore[misc]
        def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 - ReportLab's name
            mark = getattr(flowable, "_bookmark", None)
            if mark is not None:
                text, level = mark
                key = f"h{state['done']}"
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(text, key, level=level - 1, closed=level > 1)
            state["done"] += 1
            if cancelled is not None and cancelled():
                raise CdassessError("report cancelled; no file was written")
            if progress is not None:
                progress(min(state["done"], total), total)

    doc = Doc(tmp, pagesize=(PAGE_W, PAGE_H), leftMargin=MARGIN_X, rightMargin=MARGIN_X,
              topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
              title=f"{_title(data)} — {clean(data.meta.project)}",
              author=", ".join(clean(a) for a in data.meta.assessors),
              subject=f"{clean(data.meta.organization)} / {clean(data.meta.project)}",
              creator="cdassess", keywords=f"cdassess gap report; {data.model.id} {data.model.version}",
              pageTemplates=[PageTemplate("cover", [cover], onPage=cover_page),
                             PageTemplate("body", [body])])
    try:
        doc.build(story, canvasmaker=numbered_canvas(decorate))
        apply_umask(tmp)  # mkstemp makes 0600: give it the permissions of any new file
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    pages: int = doc.page
    return pages


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while a report is laid out: it makes a million short-lived objects and few
    cycles, and every collection walks the whole story again (a sixth of a long report's time); the collector's
    next run frees the cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def write_gap_report(a: Assessment, dest: str | Path, *, target: int | None = None, lang: str = "both",
                     progress: ProgressFn | None = None, cancelled: CancelledFn | None = None,
                     profile: ExportProfile | None = None) -> int:
    """Write the gap report of an open assessment to ``dest``; return the number of pages.

    ``profile`` (see cdassess.export_profile) leaves out what may not leave the team, e.g. CONFIDENTIAL.
    """
    data = build_report_data(a, target=target, lang=lang)
    if profile is not None:
        from dataclasses import replace

        data = replace(redact_report_data(data, profile), confidential=profile.redacts)
    with gc_paused():
        story = build_story(data)
        return render(story, dest, data, progress=progress, cancelled=cancelled)
