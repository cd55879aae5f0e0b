"""The comparison report (A4 PDF): assessments side by side, one radar with all of them, changed ratings."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdassess.errors import CdassessError
from cdassess.outputs import apply_umask
from cdassess.reports.fonts import register_fonts
from cdassess.reports.styles import ACCENT, BAND, RULE, Styles, esc, model_text, pick

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

    from cdassess.cycles import Comparison

MM = 72 / 25.4
PAGE_W, PAGE_H = 595.27, 841.89
MARGIN = 16 * MM
# one colour per assessment, distinguishable in black and white by dash pattern too
SERIES = [((0.55, 0.58, 0.64), [3, 2]), ((0.10, 0.16, 0.30), None), ((0.80, 0.33, 0.10), [6, 2]),
          ((0.10, 0.50, 0.35), [1.5, 1.5]), ((0.45, 0.20, 0.55), [8, 2, 2, 2])]
KIND = {"better": ("更好", "better"), "worse": ("变差", "worse"), "new": ("新评", "newly rated"),
        "gone": ("未再评", "no longer rated"), "changed": ("变化", "changed")}


def comparison_radar(cmp: Comparison, lang: str = "both", *, width: float = 460, height: float = 330) -> Drawing:
    """Every assessment's domain levels on one spider chart (a polyline per assessment, legend below)."""
    from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, PolyLine, String
    from reportlab.lib.colors import Color

    from cdassess.reports.charts import _domain_label, _spoke_label

    font = register_fonts()
    model = cmp.model
    drawing = Drawing(width, height)
    drawing.initialFontName = font
    g = Group()
    drawing.add(g)
    base, top = model.min_level - 1, model.max_level
    span = max(top - base, 1)
    n = max(len(model.domains), 3)
    legend_h = 16 * math.ceil(len(cmp.labels) / 2) + 6
    label_w = 96.0
    top_room = 34.0  # the top spoke's label sits above the outer ring: keep it inside the drawing
    cx, cy = width / 2, legend_h + (height - legend_h - top_room) / 2 + 8
    radius = min((width - 2 * label_w - 24) / 2, (height - legend_h - top_room - 40) / 2)
    angles = [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]

    def point(i: int, value: float) -> tuple[float, float]:
        r = radius * (min(max(value, base), top) - base) / span
        return cx + r * math.cos(angles[i]), cy + r * math.sin(angles[i])

    grey = Color(*RULE)
    for lv in range(base + 1, top + 1):
        ring = [c for i in range(n) for c in point(i, lv)]
        g.add(Polygon(ring, fillColor=None, strokeColor=grey, strokeWidth=0.5))
    for i in range(n):
        x, y = point(i, top)
        g.add(Line(cx, cy, x, y, strokeColor=grey, strokeWidth=0.5))
    for k, levels in enumerate(zip(*[lv for _d, lv in cmp.domains], strict=True)):
        rgb, dash = SERIES[k % len(SERIES)]
        pts = [c for i, v in enumerate(levels) for c in point(i, v)]
        g.add(PolyLine([*pts, pts[0], pts[1]], strokeColor=Color(*rgb), strokeWidth=1.8, strokeDashArray=dash))
    for i, d in enumerate(model.domains):
        lines = _domain_label(d, lang, font, 8.5, label_w)
        lines.append((" → ".join(str(v) for v in cmp.domains[i][1]), 8.0))
        _spoke_label(g, lines, cx + (radius + 9) * math.cos(angles[i]), cy + (radius + 9) * math.sin(angles[i]),
                     angles[i], font)
    for k, label in enumerate(cmp.labels):
        rgb, dash = SERIES[k % len(SERIES)]
        x = 20 + (k % 2) * (width / 2)
        y = legend_h - 14 - 16 * (k // 2)
        g.add(Line(x, y + 3, x + 22, y + 3, strokeColor=Color(*rgb), strokeWidth=1.8, strokeDashArray=dash))
        g.add(String(x + 28, y, f"#{k + 1} {label}"[:60], fontName=font, fontSize=8, fillColor=Color(*ACCENT)))
    return drawing


def build_story(cmp: Comparison, lang: str = "both") -> list[Any]:
    from reportlab.lib.colors import Color, white
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    st = Styles()
    body = st.cjk(st.cell) if lang != "en" else st.cell
    story: list[Any] = [Paragraph(esc(pick(lang, "评估对比", "Assessment comparison")), st.h1)]
    model = cmp.model
    story.append(Paragraph(esc(f"{model_text(model.names, lang)} ({model.id} {model.version})"), st.body))
    head = [pick(lang, "评估", "Assessment", " / "), pick(lang, "总体级别", "Overall level", " / ")]
    rows: list[list[Any]] = [[Paragraph(esc(h), st.cell_head) for h in head]]
    for k, (label, level) in enumerate(zip(cmp.labels, cmp.overall, strict=True)):
        rows.append([Paragraph(esc(f"#{k + 1} {label}"), body), Paragraph(esc(f"L{level}"), body)])
    story.append(_table(rows, [120 * MM, 50 * MM], Table, TableStyle, Color, white))
    story.append(Spacer(1, 6))
    story.append(comparison_radar(cmp, lang))
    story.append(Paragraph(esc(pick(lang, "各域级别", "Levels per domain")), st.h2))
    width = 178 * MM
    first = 70 * MM
    col = (width - first) / len(cmp.labels)
    rows = [[Paragraph(esc(pick(lang, "域 / 子域 / 能力项", "Domain / subdomain / item", " ")), st.cell_head),
             *[Paragraph(f"#{k + 1}", st.cell_head) for k in range(len(cmp.labels))]]]
    items = dict(cmp.items)
    subs = dict(cmp.subdomains)
    for d, levels in cmp.domains:
        dom = model.domain(d)
        rows.append([Paragraph(esc(f"{d} {model_text(dom.names, lang)}"), body),
                     *[Paragraph(f"L{v}", body) for v in levels]])
        for s in dom.subdomains:
            if len(dom.subdomains) > 1 or s.id != d:
                rows.append([Paragraph(esc(f"   {s.id} {model_text(s.names, lang)}"), st.cell_muted),
                             *[Paragraph(f"L{v}", st.cell_muted) for v in subs[s.id]]])
            for i in s.items:
                rows.append([Paragraph(esc(f"      {i.id} {model_text(i.names, lang)}"), st.cell_muted),
                             *[Paragraph(f"L{v}", st.cell_muted) for v in items[i.id]]])
    story.append(_table(rows, [first] + [col] * len(cmp.labels), Table, TableStyle, Color, white))
    story.append(Paragraph(esc(pick(lang, "评级变化（第一份到最后一份）", "Changed ratings (first to last)")),
                           st.h2))
    if not cmp.changed:
        story.append(Paragraph(esc(pick(lang, "没有评级变化。", "No rating changed.")), st.body))
    else:
        rows = [[Paragraph(esc(h), st.cell_head) for h in (
            pick(lang, "要求", "Requirement", " / "), pick(lang, "变化", "Change", " / "),
            pick(lang, "之前", "Before", " / "), pick(lang, "之后", "After", " / "))]]
        for c in cmp.changed:
            zh, en = KIND[c.kind]
            rows.append([Paragraph(esc(c.requirement), body), Paragraph(esc(pick(lang, zh, en, " / ")), body),
                         Paragraph(esc(_status_label(cmp, c.before, lang)), body),
                         Paragraph(esc(_status_label(cmp, c.after, lang)), body)])
        story.append(_table(rows, [52 * MM, 36 * MM, 45 * MM, 45 * MM], Table, TableStyle, Color, white))
    for title, found in ((pick(lang, "已关闭的发现", "Findings closed"), cmp.findings_closed),
                         (pick(lang, "新的发现", "Findings opened"), cmp.findings_opened)):
        story.append(Paragraph(esc(f"{title} ({len(found)})"), st.h2))
        for f in found:
            story.append(Paragraph(esc(f"{f.req_id or '-'}: {f.observation}"), body))
    return story


def _status_label(cmp: Comparison, status: str, lang: str) -> str:
    scale = getattr(cmp.model, "scale", None)
    if scale is not None and hasattr(scale, "label"):
        return str(scale.label(status, lang))
    from cdassess.reports.styles import status_label
    from cdassess.scoring import Status

    try:
        return status_label(Status(status), lang)
    except ValueError:
        return status


def _table(rows: list[list[Any]], widths: list[float], table: Any, style: Any, color: Any, white: Any) -> Any:
    t = table(rows, colWidths=widths, repeatRows=1)
    t.setStyle(style([
        ("BACKGROUND", (0, 0), (-1, 0), color(*ACCENT)),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [white, color(*BAND)]),
        ("GRID", (0, 0), (-1, -1), 0.3, color(*RULE)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return t


def write_compare_report(cmp: Comparison, dest: str | Path, *, lang: str = "both", force: bool = False) -> int:
    """Write the comparison as a PDF (atomically, never over an existing file unless ``force``); pages."""
    from reportlab.platypus import SimpleDocTemplate

    target = Path(dest)
    if not target.parent.is_dir():
        raise CdassessError(f"{target.parent}: no such folder")
    if target.exists() and not force:
        raise CdassessError(f"{target}: already exists (use --force to replace it)")
    if any(target.resolve() == f.resolve() for f in cmp.files):
        raise CdassessError(f"{target}: is one of the assessments being compared; choose another output name")
    font = register_fonts()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".cdassess-compare-", suffix=".pdf")
    os.close(fd)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    doc = SimpleDocTemplate(tmp, pagesize=(PAGE_W, PAGE_H), leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN, title="cdassess comparison",
                            creator="cdassess", initialFontName=font)

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.setFont(font, 7.5)
        canvas.drawRightString(PAGE_W - MARGIN, 9 * MM, f"{canvas.getPageNumber()}")

    try:
        doc.build(build_story(cmp, lang), onFirstPage=footer, onLaterPages=footer)
        apply_umask(tmp)  # mkstemp makes 0600: give it the permissions of any new file
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    pages: int = doc.page
    return pages
