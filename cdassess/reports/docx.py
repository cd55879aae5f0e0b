"""The gap report as an editable Word document (python-docx): the same content as the PDF.

Headings use Word's heading styles (a table of contents works), tables are Word tables, the radar chart is a
PNG picture (the ReportLab drawing rendered to PDF and rasterized with pypdfium2), and every style names an
East Asian font Word and WPS have (Microsoft YaHei, with SimSun as Word's own fallback) through the styles'
``w:rFonts w:eastAsia`` attribute, so Chinese never falls back to a Western font.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdassess.reports.data import ReportData, build_report_data
from cdassess.reports.styles import (
    ACCENT,
    BAND,
    clean,
    heat_cell,
    model_text,
    pick,
    scale_statuses,
    status_label,
    status_look,
    status_text,
)

if TYPE_CHECKING:
    from cdassess.export_profile import ExportProfile
    from cdassess.services import Assessment

TEXT_WIDTH_CM = 17.0
DEFAULT_WIDTHS: dict[int, list[float]] = {2: [4.0, 13.0], 3: [3.9, 6.9, 6.2], 4: [3.9, 1.5, 2.6, 9.0],
                                          5: [2.0, 6.6, 2.8, 2.8, 2.8]}
EAST_ASIAN_FONT = "Microsoft YaHei"
LATIN_FONT = "Calibri"


def _set_fonts(style: Any) -> None:
    from docx.oxml.ns import qn

    style.font.name = LATIN_FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _no_split(row: Any) -> None:
    """Word keeps the row on one page (w:cantSplit); the hash row follows its evidence row."""
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(tr_pr.makeelement(qn("w:cantSplit"), {}))


def _shade(cell: Any, rgb: tuple[float, float, float] | None, ink: tuple[float, float, float] | None = None,
           *, bold: bool = False, center: bool = True) -> None:
    """A cell's fill (w:shd, python-docx's documented oxml access) and its text colour, as the PDF's."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import RGBColor

    if rgb is not None:
        _fill(cell, rgb)
    for para in cell.paragraphs:
        if center:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in para.runs:
            if ink is not None:
                run.font.color.rgb = RGBColor.from_string(_hex(ink))
            run.bold = bold or None


def _fill(cell: Any, rgb: tuple[float, float, float]) -> None:
    """A cell's background (w:shd in its w:tcPr: python-docx's documented oxml route for shading)."""
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(tc_pr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto",
                                                 qn("w:fill"): _hex(rgb)}))


def _hex(rgb: tuple[float, float, float]) -> str:
    return "{:02X}{:02X}{:02X}".format(*(int(c * 255) for c in rgb))


def radar_png(data: ReportData, width: float = 460, height: float = 300, dpi: int = 150) -> bytes:
    """The report's radar chart as PNG bytes."""
    import pypdfium2 as pdfium
    from reportlab.graphics import renderPDF

    from cdassess.reports.charts import level_radar_drawing
    from cdassess.reports.fonts import register_fonts

    register_fonts()
    drawing = level_radar_drawing(data.model, data.levels, data.target, data.lang, width=width, height=height,
                                  max_height=620)  # about an A4 page's text height in points
    pdf_bytes = renderPDF.drawToString(drawing)
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        image = pdf[0].render(scale=dpi / 72).to_pil()
    finally:
        pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class _Writer:
    def __init__(self, data: ReportData) -> None:
        from docx import Document

        self.d = data
        self.lang = data.lang
        self.doc = Document()
        self.widths: list[tuple[Any, list[float]]] = []  # each table made and its column widths (cm)
        from docx.shared import Mm

        for section in self.doc.sections:  # A4 with 2 cm margins, as the PDF (the template is US Letter)
            section.page_width, section.page_height = Mm(210), Mm(297)
            section.left_margin = section.right_margin = Mm(20)
            section.top_margin = section.bottom_margin = Mm(20)
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid"):
            try:
                _set_fonts(self.doc.styles[name])
            except KeyError:  # pragma: no cover - every default template has them
                continue

    def L(self, zh: str, en: str, sep: str = " ") -> str:  # noqa: N802 - the PDF builder's name
        return pick(self.lang, zh, en, sep)

    def text(self, t: Any) -> str:
        return clean(model_text(t, self.lang, " / "))

    def level_text(self, n: int) -> str:
        m = self.d.model
        if n < m.min_level:
            return f"{n} ({self.L('未达到', 'not reached')})"
        return f"{n} ({self.text(m.level(n).names)})"

    def table(self, head: list[str], rows: list[list[str]], widths: list[float] | None = None) -> Any:
        """A Word table; ``widths`` in cm (summing to :data:`TEXT_WIDTH_CM`), by default by the column count."""
        t = self.doc.add_table(rows=1, cols=len(head))
        t.style = self.doc.styles["Table Grid"]
        t.autofit = False
        self.widths.append((t, widths or DEFAULT_WIDTHS.get(len(head)) or [TEXT_WIDTH_CM / len(head)] * len(head)))
        for cell, text in zip(t.rows[0].cells, head, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = t.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = clean(text)
        return t

    def apply_widths(self) -> None:
        """Column widths in the table grid (LibreOffice reads w:tblGrid) and on every cell (Word reads w:tcW);
        a merged cell gets the sum of the columns it spans."""
        from docx.oxml.ns import qn
        from docx.shared import Cm

        for t, widths in self.widths:
            for col, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
                col.set(qn("w:w"), str(int(Cm(w).twips)))
            for row in t.rows:
                col = 0
                for tc in row._tr.tc_lst:
                    span = tc.grid_span
                    tc.width = Cm(sum(widths[col:col + span]))
                    col += span

    def status(self, req_id: str) -> str:
        return self.st_text(self.d.status(req_id))

    def st_text(self, status: str) -> str:
        return status_text(status, self.lang, self.d.model.scale)

    # ------------------------------------------------------------------------------------ sections

    def cover(self) -> None:
        d, meta = self.d, self.d.meta
        logo = d.options.logo
        if logo is not None:
            from docx.enum.text import WD_ALIGN_PARAGRAPH
            from docx.shared import Mm

            scale = min(60 / logo.width, 24 / logo.height)  # into 60 x 24 mm, as the PDF
            self.doc.add_picture(io.BytesIO(logo.data), width=Mm(logo.width * scale), height=Mm(logo.height * scale))
            self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.doc.add_heading(self.L("能力成熟度评估差距报告", "Capability assessment gap report"), 0)
        self.doc.add_paragraph(clean(meta.organization))
        self.doc.add_paragraph(clean(meta.project))
        dates = " – ".join(x for x in (meta.start_date, meta.end_date) if x) or "—"
        self.table([self.L("项目", "Item"), self.L("内容", "Value")], [
            [self.L("评估范围", "Scope"), clean(meta.scope) or "—"],
            [self.L("能力模型", "Model"), f"{self.text(d.model.names)} ({d.model.id} {d.model.version})"],
            [self.L("目标级别", "Target level"), self.level_text(d.target)],
            [self.L("评估师", "Assessors"), ", ".join(clean(x) for x in meta.assessors) or "—"],
            [self.L("评估日期", "Assessment dates"), dates],
            [self.L("报告日期", "Report date"), d.generated_on],
        ])
        status = self.L("终稿（已锁定）", "FINAL (locked)") if d.final else \
            self.L("草稿 — 评估尚未锁定，结果可能变化", "DRAFT — the assessment is not locked; results may change")
        self.doc.add_paragraph(status)
        if d.final:
            self.doc.add_paragraph(f"{self.L('结果摘要', 'Results digest')} SHA-256 {d.results_digest}")
        if d.options.cover_text:
            for line in d.options.cover_text.split("\n"):
                self.doc.add_paragraph(clean(line))
        if d.confidential:
            from cdassess.reports.gap import CONFIDENTIAL_NOTE

            self.doc.add_paragraph(self.L(*CONFIDENTIAL_NOTE, " · "))

    def summary(self) -> None:
        from docx.shared import Cm

        d = self.d
        self.doc.add_heading(self.L("总体结果", "Summary"), 1)
        self.doc.add_paragraph(f"{self.L('总体级别', 'Overall level')}: {self.level_text(d.levels.overall)} · "
                               f"{self.L('目标级别', 'Target level')}: {self.level_text(d.target)}")
        pa, pt = d.progress_all, d.progress_target
        self.doc.add_paragraph(
            f"{self.L('进度', 'Progress')}: {pa.rated}/{pa.total}; "
            f"{self.L('目标级别及以下', 'up to the target level')} {pt.rated}/{pt.total}. "
            f"{self.L('差距', 'Gaps to the target')}: {d.gap_count}.")
        png = radar_png(d)
        from PIL import Image

        w_px, h_px = Image.open(io.BytesIO(png)).size  # a chart of many domains is scaled to one page's height
        self.doc.add_picture(io.BytesIO(png), width=Cm(min(15.0, 21.0 * w_px / max(h_px, 1))))
        gap_ids = {r.id for g in d.gaps for r in g.requirements}
        rows = []
        for dom in d.model.domains:
            n = sum(1 for i in dom.items for r in i.requirements if r.id in gap_ids)
            rows.append([dom.id, self.text(dom.names), str(d.levels.domains[dom.id]), str(d.target), str(n)])
        self.table([self.L("编号", "ID"), self.L("领域", "Domain"), self.L("达到", "Achieved"),
                    self.L("目标", "Target"), self.L("差距数", "Gaps")], rows)

    def gaps(self) -> None:
        d = self.d
        self.doc.add_heading(self.L(f"距目标级别 {d.target} 的差距", f"Gaps to target level {d.target}"), 1)
        if not d.gaps:
            self.doc.add_paragraph(self.L("没有差距：目标级别及以下的所有要求均已满足。",
                                          "No gaps: every requirement up to the target level is satisfied."))
        for group in d.gaps:
            self.doc.add_heading(f"{group.domain.id} {self.text(group.domain.names)} — L{group.level}", 2)
            for req in group.requirements:
                self.doc.add_heading(f"{req.id} · L{req.level} · {self.status(req.id)}", 3)
                self.doc.add_paragraph(self.text(req.text))
                rating = d.ratings.get(req.id)
                if rating is not None and rating.note:
                    self.doc.add_paragraph(f"{self.L('备注', 'Note')}: {clean(rating.note)}")
                for f in d.findings.get(req.id, []):
                    self.finding(f)

    def finding(self, f: Any) -> None:
        """One finding, its own block: observation, recommendation, owner, due date, priority."""
        rows = [[self.L("发现", "Finding"), clean(f.observation)]]
        if f.recommendation:
            rows.append([self.L("建议", "Recommendation"), clean(f.recommendation)])
        rows.append([self.L("负责人", "Owner"), clean(f.owner) or "—"])
        rows.append([self.L("期限", "Due"), clean(f.due_date) or "—"])
        rows.append([self.L("优先级", "Priority"), pick(self.lang, {"high": "高", "medium": "中", "low": "低"}.get(
            f.priority, f.priority), f.priority)])
        self.table([self.L("项目", "Item"), self.L("内容", "Value")], rows)

    def not_applicable(self) -> None:
        d = self.d
        rows = [[r.id, self.text(r.text), clean(d.ratings[r.id].justification) if r.id in d.ratings else ""]
                for r in d.model.iter_requirements() if str(d.status(r.id)) == "na"]
        if not rows:
            return
        self.doc.add_heading(self.L("不适用的要求及理由", "Requirements not applicable, with justifications"), 1)
        self.table([self.L("编号", "ID"), self.L("要求", "Requirement"), self.L("理由", "Justification")], rows)

    def other_findings(self) -> None:
        shown = {r.id for g in self.d.gaps for r in g.requirements}
        other = [f for key, found in self.d.findings.items() if key is None or key not in shown for f in found]
        if not other:
            return
        self.doc.add_heading(self.L("其他发现", "Other findings"), 2)
        for f in other:
            self.doc.add_paragraph(f.req_id or "—")
            self.finding(f)

    def blockers(self) -> None:
        ex = self.d.next_level
        if ex is None:
            return
        self.doc.add_heading(self.L(f"达到第 {ex.level} 级的阻碍", f"What blocks level {ex.level}"), 1)
        shown = {r.id for g in self.d.gaps for r in g.requirements}
        reqs = [r for r in ex.blocking_requirements if r.id not in shown]
        if not reqs:
            self.doc.add_paragraph(self.L(
                f"上文“差距”一节所列的要求正是使总体级别无法达到 {ex.level} 的全部要求（当前为 {ex.overall}）。",
                f"The requirements in the gap list above are exactly what keeps the overall level below {ex.level} "
                f"(it is {ex.overall} now)."))
            return
        self.table([self.L("编号", "ID"), self.L("级别", "Level"), self.L("评定", "Rating"),
                    self.L("要求", "Requirement")],
                   [[r.id, f"L{r.level}", self.status(r.id), self.text(r.text)] for r in reqs])

    def heatmap(self) -> None:
        """One table per domain: item, name, a shaded cell per level (the rating's symbol, or "2/3" satisfied),
        the item's level; the target level's header in the accent colour. A legend table first."""
        m = self.d.model
        scale = m.scale
        self.doc.add_heading(self.L("能力项热力图", "Heat map of items by level"), 1)
        several = any(len(i.requirements_at(n)) > 1 for i in m.items.values() for n in i.levels_used)
        self.doc.add_paragraph(
            self.L("每格为该能力项在该级别的要求的评定；空白表示该级别无要求。",
                   "Each cell is the rating of the item's requirement at that level; "
                   "blank means the item has no requirement there.")
            + (self.L(" “2/3”：该级别 3 项要求中 2 项已满足。",
                      " “2/3”: 2 of the item's 3 requirements at that level are satisfied.") if several else ""))
        statuses = scale_statuses(scale)
        legend = self.table([f"{status_look(s, scale).symbol} {status_label(s, self.lang, scale)}"
                             for s in statuses], [], [TEXT_WIDTH_CM / len(statuses)] * len(statuses))
        for cell, st in zip(legend.rows[0].cells, statuses, strict=True):
            look = status_look(st, scale)
            _shade(cell, look.fill, look.ink, bold=True)
        levels = m.level_numbers
        lw, level_w, id_w = 0.9, 1.8, 3.4
        widths = [id_w, TEXT_WIDTH_CM - id_w - lw * len(levels) - level_w, *([lw] * len(levels)), level_w]
        head = [self.L("能力项", "Item"), self.L("名称", "Name"), *[f"L{n}" for n in levels],
                self.L("级别", "Level", "\n")]
        for dom in m.domains:
            self.doc.add_paragraph()  # Word and LibreOffice join tables with nothing between them into one
            self.heat_table(dom, head, widths)

    def heat_table(self, dom: Any, head: list[str], widths: list[float]) -> None:
        """One domain's heat-map table: header, the domain's band row, one row per item. Formatting is kept to
        what shows (alignment, white ink on dark fills): python-docx's paragraph-style setter costs more than
        the whole table."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import RGBColor

        d, m = self.d, self.d.model
        scale, levels, lenient = m.scale, m.level_numbers, d.meta.level_rule == "lenient"
        center = WD_ALIGN_PARAGRAPH.CENTER
        white = RGBColor(0xFF, 0xFF, 0xFF)
        items = list(dom.items)
        t = self.doc.add_table(rows=2 + len(items), cols=len(head))
        t.style = self.doc.styles["Table Grid"]
        t.autofit = False
        self.widths.append((t, widths))
        rows = t.rows
        for ci, (cell, text) in enumerate(zip(rows[0].cells, head, strict=True)):
            para = cell.paragraphs[0]
            para.paragraph_format.keep_with_next = True  # the header stays with the band and the first item
            run = para.add_run(text)
            run.bold = True
            if ci >= 2:
                para.alignment = center
            if 2 <= ci < 2 + len(levels) and levels[ci - 2] == d.target:
                _fill(cell, ACCENT)
                run.font.color.rgb = white
        band = rows[1].cells
        merged = band[0].merge(band[-1])
        band_para = merged.paragraphs[0]
        band_para.paragraph_format.keep_with_next = True
        band_para.add_run(clean(f"{dom.id}  {self.text(dom.names)}  (L{d.levels.domains[dom.id]})"))
        _fill(merged, BAND)
        for item, row in zip(items, rows[2:], strict=True):
            cells = row.cells
            cells[0].paragraphs[0].add_run(item.id)
            cells[1].paragraphs[0].add_run(clean(model_text(item.names, self.lang)))
            for ci, n in enumerate(levels, start=2):
                reqs = item.requirements_at(n)
                if not reqs:
                    continue
                look, mark = heat_cell(scale, [d.status(r.id) for r in reqs], lenient)
                para = cells[ci].paragraphs[0]
                para.alignment = center
                run = para.add_run(mark)
                if look.fill is not None:
                    _fill(cells[ci], look.fill)
                if min(look.ink) > 0.5:  # white on the dark fills; the dark inks read as the text colour
                    run.font.color.rgb = white
            il = d.levels.items[item.id]
            para = cells[-1].paragraphs[0]
            para.alignment = center
            para.add_run(str(il) if il >= m.min_level else "—")

    def disagreements(self) -> None:
        d = self.d
        self.doc.add_heading(self.L("自评与评定不一致", "Where the claim and the rating disagree"), 1)
        if not d.disagreements:
            self.doc.add_paragraph(self.L("自评与评估师评定全部一致（或尚未评定）。",
                                          "The team's claims and the assessor's ratings agree everywhere "
                                          "both are given."))
            return
        rows = []
        for r in d.disagreements:
            rating, claim = d.ratings.get(r.id), d.claims.get(r.id)
            note = "\n".join(clean(x) for x in ((rating.note if rating else ""), (claim.comment if claim else ""))
                             if x)
            rows.append([r.id, self.text(r.text), self.st_text(d.claim_status(r.id)), self.st_text(d.status(r.id)),
                         note or "—"])
        self.table([self.L("编号", "ID"), self.L("要求", "Requirement"), self.L("自评", "Claim"),
                    self.L("评定", "Rating"), self.L("备注", "Note")], rows, [2.8, 6.6, 2.4, 2.4, 2.8])

    def appendix(self) -> None:
        """Level rules, levels, rating scale (shaded symbols), model provenance and the results digest."""
        from cdassess.reports.gap import level_rules, scale_meanings

        d, m = self.d, self.d.model
        self.doc.add_page_break()  # type: ignore[no-untyped-call]
        self.doc.add_heading(self.L("附录", "Appendix"), 1)
        self.doc.add_heading(self.L("级别规则", "Level rules"), 2)
        for rule in level_rules(m, d.meta.level_rule, self.L):
            self.doc.add_paragraph(rule, style="List Bullet")
        self.doc.add_heading(self.L("级别", "Levels"), 2)
        self.table([self.L("级别", "Level"), self.L("名称", "Name"), self.L("含义", "Meaning")],
                   [[str(lv.n), self.text(lv.names), self.text(lv.meaning)] for lv in m.levels], [1.8, 4.0, 11.2])
        self.doc.add_heading(self.L("评定标度", "Rating scale"), 2)
        scale = m.scale
        meaning = scale_meanings(scale)
        statuses = scale_statuses(scale)
        t = self.table([self.L("符号", "Symbol"), self.L("评定", "Rating"), self.L("含义", "Meaning")],
                       [[status_look(st, scale).symbol, status_label(st, self.lang, scale), self.L(*meaning[st])]
                        for st in statuses], [1.8, 4.0, 11.2])
        for row, st in zip(t.rows[1:], statuses, strict=True):
            look = status_look(st, scale)
            _shade(row.cells[0], look.fill, look.ink)
        self.doc.add_heading(self.L("模型来源说明", "Model provenance"), 2)
        self.doc.add_paragraph(clean(f"{model_text(m.names, self.lang)} ({m.id} {m.version})"))
        for text in (m.source, m.provenance_note):
            if text.zh or text.en:
                self.doc.add_paragraph(self.text(text))
        prov: dict[str, int] = {}
        for r in m.iter_requirements():
            if r.provenance:
                prov[r.provenance] = prov.get(r.provenance, 0) + 1
        if prov:
            words = {"confirmed": "已确认", "paraphrased": "意译", "inferred": "推断"}
            sep = "，" if self.lang == "zh" else ", "
            self.doc.add_paragraph(self.L("要求文本来源：", "Requirement texts: ") + sep.join(
                f"{self.L(words.get(k, k), k)} {v}" for k, v in sorted(prov.items())))
        self.doc.add_paragraph(f"{self.L('结果摘要', 'Results digest')} (SHA-256): {d.results_digest}")

    def evidence(self) -> None:
        """One row per evidence item and, under it, its full SHA-256 across the row in a small monospaced font
        (a 64-character hash in a column of its own wrapped into four broken lines)."""
        from docx.shared import Pt

        d = self.d
        self.doc.add_heading(self.L("证据索引", "Evidence index"), 1)
        if not d.evidence:
            self.doc.add_paragraph(self.L("未附证据。", "No evidence is attached."))
            return
        from cdassess.reports.gap import _size

        t = self.table(["#", self.L("名称", "Name"), self.L("大小", "Size"), self.L("日期", "Date"),
                        self.L("提供人", "Provided by"), self.L("支持的要求", "Supports")], [],
                       [0.8, 4.6, 1.7, 2.9, 2.9, 4.1])
        for e in d.evidence:
            cells = t.add_row().cells
            for cell, text in zip(cells, [str(e.id), e.original_name, _size(e.size),
                                          e.collected_on or e.added_at[:10], e.provided_by or "—",
                                          ", ".join(e.req_ids) or "—"], strict=True):
                cell.text = clean(text)
            row = t.add_row()
            merged = row.cells[1].merge(row.cells[-1])
            para = merged.paragraphs[0]
            label = para.add_run("SHA-256 ")
            label.font.size = Pt(7)
            digest = para.add_run(e.sha256)
            digest.font.name = "Consolas"
            digest.font.size = Pt(7)
            _no_split(row)

    def signatures(self) -> None:
        """The assessor signature block: name, role, and empty cells to sign and date by hand."""
        from docx.shared import Pt

        sigs = self.d.options.signatures
        if not sigs:
            return
        self.doc.add_heading(self.L("签字", "Signatures"), 1)
        t = self.table([self.L("姓名", "Name"), self.L("角色", "Role"), self.L("签字", "Signature"),
                        self.L("日期", "Date")], [[s.name, s.role, "", ""] for s in sigs], [4.5, 4.5, 5.0, 3.0])
        for row in t.rows[1:]:
            row.height = Pt(40)
        if self.d.confidential and any(not s.name for s in sigs):
            self.doc.add_paragraph(self.L("机密副本：签字人姓名已删除。",
                                          "Confidential copy: the signatories' names are removed."))

    def footer(self) -> None:
        """The PDF's footer line: confidential for the assessed organization, or the confidential copy's note."""
        from docx.shared import Pt

        from cdassess.reports.gap import CONFIDENTIAL_NOTE

        text = self.L(*CONFIDENTIAL_NOTE, " · ") if self.d.confidential else self.L(
            "机密 · 仅供受评组织与评估方使用", "Confidential · for the assessed organization and the assessors only",
            " · ")
        for section in self.doc.sections:
            para = section.footer.paragraphs[0]
            para.text = text
            for run in para.runs:
                run.font.size = Pt(7.5)

    def write(self, dest: Path) -> None:
        on = self.d.options.includes
        self.footer()
        self.cover()
        self.doc.add_page_break()  # type: ignore[no-untyped-call]
        if on("summary"):
            self.summary()
        if on("heatmap"):
            self.heatmap()
        if on("gaps"):
            self.gaps()
            self.other_findings()
        for name, section in (("not_applicable", self.not_applicable), ("blockers", self.blockers),
                              ("disagreements", self.disagreements), ("evidence", self.evidence),
                              ("appendix", self.appendix), ("signatures", self.signatures)):
            if on(name):
                section()
        from cdassess.outputs import atomic_output

        self.apply_widths()
        with atomic_output(dest, force=True, kind="docx", suffix=".docx") as tmp:
            self.doc.save(str(tmp))


def write_gap_docx(a: Assessment, dest: str | Path, *, target: int | None = None, lang: str = "both",
                   profile: ExportProfile | None = None) -> Path:
    """Write the gap report of an open assessment as a Word document; return its path."""
    from dataclasses import replace

    from cdassess.errors import CdassessError
    from cdassess.reports.data import redact_report_data

    data = build_report_data(a, target=target, lang=lang)
    if profile is not None:
        data = replace(redact_report_data(data, profile), confidential=profile.redacts)
    target_path = Path(dest)
    if not target_path.parent.is_dir():
        raise CdassessError(f"{target_path.parent}: no such folder")
    _Writer(data).write(target_path)
    return target_path
