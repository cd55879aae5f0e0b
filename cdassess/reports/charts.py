"""Level charts (radar and bars) as ReportLab drawings, for the PDF report and, as SVG, for the dashboard.

Readable in black and white: the achieved series is a solid line with filled round markers over a light
grey area, the target a dashed line with open square markers; a legend says which is which. The same
drawing goes into the report and (through :func:`level_radar_svg`) into the desktop window, so both show
the same picture. Text uses the font registered as ``WenQuanYi Micro Hei``, the family the app loads into
Qt, so QtSvg draws the Chinese labels with the same glyphs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cdassess.reports.fonts import register_fonts

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing, Group

    from cdassess.model import Domain, Model
    from cdassess.scoring import LevelReport

INK = (0.10, 0.16, 0.30)  # achieved: dark navy, prints nearly black
AREA = (0.83, 0.87, 0.93)  # achieved area: light blue-grey, prints light grey
TARGET = (0.55, 0.13, 0.10)  # target: dark red, prints dark grey, dashed
GRID = (0.72, 0.72, 0.72)
TEXT = (0.12, 0.12, 0.12)

_CLIP_PATH = re.compile(r"<clipPath\b.*?</clipPath>\s*", re.DOTALL)
_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_TOKEN = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+|\s+")


def wrap_text(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Greedy line wrapping: Latin words stay whole, Chinese breaks between any two characters."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if token.isspace():
            if line:
                line += " "
            continue
        candidate = line + token
        if line and stringWidth(candidate.rstrip(), font, size) > max_width:
            lines.append(line.rstrip())
            line = token
        else:
            line = candidate
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _domain_label(domain: Domain, lang: str, font: str, size: float, width: float) -> list[tuple[str, float]]:
    """Wrapped lines of a domain's name with their font sizes (English smaller under Chinese in "both")."""
    zh, en = domain.names.zh, domain.names.en
    if lang == "zh":
        return [(s, size) for s in wrap_text(zh or en, font, size, width)]
    if lang == "en":
        return [(s, size) for s in wrap_text(en or zh, font, size, width)]
    out = [(s, size) for s in wrap_text(zh or en, font, size, width)]
    if en and zh and en != zh:
        small = size * 0.82
        out += [(s, small) for s in wrap_text(en, font, small, width)]
    return out


def _legend_labels(lang: str, target: int) -> tuple[str, str]:
    achieved = {"zh": "达到级别", "en": "Achieved level", "both": "达到级别 Achieved level"}[lang]
    tgt = {"zh": f"目标级别 ({target})", "en": f"Target level ({target})",
           "both": f"目标级别 Target level ({target})"}[lang]
    return achieved, tgt


def _check_lang(lang: str) -> None:
    if lang not in ("zh", "en", "both"):
        from cdassess.errors import InvalidValueError

        raise InvalidValueError(f"unknown language {lang!r} (accepted: zh, en, both)")


def _legend(group: Group, x: float, y: float, lang: str, target: int, font: str) -> None:
    from reportlab.graphics.shapes import Circle, Line, Rect, String
    from reportlab.lib.colors import Color, white

    achieved, tgt = _legend_labels(lang, target)
    ink, red = Color(*INK), Color(*TARGET)
    group.add(Line(x, y + 3, x + 26, y + 3, strokeColor=ink, strokeWidth=1.8))
    group.add(Circle(x + 13, y + 3, 2.8, fillColor=ink, strokeColor=ink))
    group.add(String(x + 32, y, achieved, fontName=font, fontSize=8, fillColor=Color(*TEXT)))
    from reportlab.pdfbase.pdfmetrics import stringWidth

    x2 = x + 32 + stringWidth(achieved, font, 8) + 22
    group.add(Line(x2, y + 3, x2 + 26, y + 3, strokeColor=red, strokeWidth=1.4, strokeDashArray=[4, 2.5]))
    group.add(Rect(x2 + 10.2, y + 0.2, 5.6, 5.6, fillColor=white, strokeColor=red, strokeWidth=1.1))
    group.add(String(x2 + 32, y, tgt, fontName=font, fontSize=8, fillColor=Color(*TEXT)))


def _legend_width(lang: str, target: int, font: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    achieved, tgt = _legend_labels(lang, target)
    return float(32 + stringWidth(achieved, font, 8) + 22 + 32 + stringWidth(tgt, font, 8))



def _spoke_label(g: Group, lines: list[tuple[str, float]], lx: float, ly: float, angle: float, font: str) -> None:
    """A block of lines beyond a spoke's end, anchored away from the centre; the last line in the ink colour."""
    from reportlab.graphics.shapes import String
    from reportlab.lib.colors import Color

    cos, sin = math.cos(angle), math.sin(angle)
    heights = [s * 1.18 for _, s in lines]
    block = sum(heights)
    anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
    if sin > 0.25:
        y0 = ly + block
    elif sin < -0.25:
        y0 = ly
    else:
        y0 = ly + block / 2
    for k, ((line, size), h) in enumerate(zip(lines, heights, strict=True)):
        y0 -= h
        g.add(String(lx, y0 + 0.2 * size, line, fontName=font, fontSize=size, textAnchor=anchor,
                     fillColor=Color(*(INK if k == len(lines) - 1 else TEXT))))

def _radar_grid(g: Group, model: Model, point: Callable[[int, float], tuple[float, float]], n: int) -> None:
    from reportlab.graphics.shapes import Line, Polygon
    from reportlab.lib.colors import Color

    base, top = model.min_level - 1, model.max_level
    cx, cy = point(0, base)
    grid = Color(*GRID)
    for lv in model.level_numbers:
        if lv == base:
            continue
        pts = [c for i in range(n) for c in point(i, lv)]
        g.add(Polygon(pts, fillColor=None, strokeColor=grid, strokeWidth=0.5 if lv != top else 0.9))
    for i in range(n):
        x, y = point(i, top)
        g.add(Line(cx, cy, x, y, strokeColor=grid, strokeWidth=0.5))


RADAR_MAX_SPOKES = 12  # beyond this, 96-point labels around the circle overlap: a bar chart is used


def fit_height(drawing: Drawing, max_height: float | None) -> Drawing:
    """The drawing scaled down as a whole (text included) when it is taller than ``max_height`` (a page's
    frame: a drawing cannot be split across pages); unchanged otherwise."""
    if max_height is None or drawing.height <= max_height:
        return drawing
    factor = max_height / drawing.height
    drawing.scale(factor, factor)
    drawing.width, drawing.height = drawing.width * factor, max_height
    return drawing


def level_radar_drawing(model: Model, levels: LevelReport, target: int, lang: str = "both", *,
                        width: float = 460, height: float = 340, label_size: float = 8.5,
                        label_w: float = 96.0, max_height: float | None = None) -> Drawing:
    """Spider chart of the achieved level against the target level, one spoke per domain.

    Models with fewer than three domains, or more than :data:`RADAR_MAX_SPOKES` (whose labels would overlap),
    get the bar chart instead, with rows as low as needed to keep it about as tall as the radar; a bar chart
    taller than ``max_height`` (dozens of domains) is scaled down to it.
    """
    _check_lang(lang)
    n_domains = len(model.domains)
    if n_domains < 3:
        return fit_height(level_bar_drawing(model, levels, target, lang, width=width), max_height)
    if n_domains > RADAR_MAX_SPOKES:
        return fit_height(level_bar_drawing(model, levels, target, lang, width=width,
                                            row_height=max(16.0, min(30.0, (height * 1.6) / n_domains))),
                          max_height)
    from reportlab.graphics.shapes import Circle, Drawing, Group, Polygon, Rect, String
    from reportlab.lib.colors import Color, white

    font = register_fonts()
    drawing = Drawing(width, height)
    drawing.initialFontName = font  # the renderers' initial state would select Helvetica (not embedded)
    g = Group()
    drawing.add(g)
    base = model.min_level - 1  # the centre: below the lowest level
    top = model.max_level
    span = max(top - base, 1)
    legend_h = 22
    cx = width / 2
    cy = legend_h + (height - legend_h) / 2
    radius = min((width - 2 * label_w - 24) / 2, (height - legend_h - 64) / 2)
    n = len(model.domains)
    angles = [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]

    def point(i: int, value: float) -> tuple[float, float]:
        r = radius * (min(max(value, base), top) - base) / span
        return cx + r * math.cos(angles[i]), cy + r * math.sin(angles[i])

    _radar_grid(g, model, point, n)
    ink, red = Color(*INK), Color(*TARGET)
    achieved = [c for i, d in enumerate(model.domains) for c in point(i, levels.domains.get(d.id, base))]
    g.add(Polygon(achieved, fillColor=Color(*AREA), strokeColor=None))
    tpts = [c for i in range(n) for c in point(i, target)]
    g.add(Polygon(tpts, fillColor=None, strokeColor=red, strokeWidth=1.4, strokeDashArray=[4, 2.5]))
    g.add(Polygon(achieved, fillColor=None, strokeColor=ink, strokeWidth=1.8))
    # level numbers where the rings cross the bisector of the first two spokes, away from every marker
    mid = math.pi / 2 - math.pi / n
    for lv in model.level_numbers:
        if lv == base:
            continue
        r = radius * (lv - base) / span * math.cos(math.pi / n)
        x, y = cx + r * math.cos(mid), cy + r * math.sin(mid)
        g.add(Rect(x - 4, y - 4.5, 8, 9, fillColor=white, strokeColor=None))
        g.add(String(x, y - 2.6, str(lv), fontName=font, fontSize=7, fillColor=Color(0.35, 0.35, 0.35),
                     textAnchor="middle"))
    for i, d in enumerate(model.domains):
        tx, ty = point(i, target)
        g.add(Rect(tx - 2.8, ty - 2.8, 5.6, 5.6, fillColor=white, strokeColor=red, strokeWidth=1.1))
        value = levels.domains.get(d.id, base)
        ax, ay = point(i, value)
        g.add(Circle(ax, ay, 3.0, fillColor=ink, strokeColor=white, strokeWidth=0.6))
        lines = _domain_label(d, lang, font, label_size, label_w)
        lines.append((f"{value if value >= model.min_level else '-'} / {target}", label_size * 0.94))
        _spoke_label(g, lines, cx + (radius + 9) * math.cos(angles[i]), cy + (radius + 9) * math.sin(angles[i]),
                     angles[i], font)
    lw = _legend_width(lang, target, font)
    _legend(g, max((width - lw) / 2, 0), 6, lang, target, font)
    return drawing


def level_bar_pages(model: Model, levels: LevelReport, target: int, lang: str = "both", *,
                    width: float = 460, row_height: float = 16, max_height: float = 700) -> list[Drawing]:
    """The bar chart of a model with many domains as several drawings, each at most ``max_height`` tall (a
    drawing cannot break across pages), domains in model order, text at its normal size."""
    domains = list(model.domains)
    out: list[Drawing] = []
    start, size = 0, len(domains)
    while start < len(domains):
        chunk = domains[start:start + size]
        drawing = level_bar_drawing(model, levels, target, lang, width=width, row_height=row_height, domains=chunk)
        if drawing.height > max_height and len(chunk) > 1:
            size = max(1, min(len(chunk) - 1, int(len(chunk) * max_height / drawing.height)))
            continue
        out.append(fit_height(drawing, max_height))
        start += len(chunk)
    return out


def level_bar_drawing(model: Model, levels: LevelReport, target: int, lang: str = "both", *,
                      width: float = 460, row_height: float = 30, domains: Sequence[Domain] | None = None) -> Drawing:
    """Horizontal bars: achieved level (filled) and target (dashed outline) per domain (``domains``: a part of
    the model's, for a chart across pages)."""
    doms = list(model.domains) if domains is None else list(domains)
    _check_lang(lang)
    from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
    from reportlab.lib.colors import Color, white

    font = register_fonts()
    label_w = 150.0
    labels = [_domain_label(d, lang, font, 8.5, label_w - 8) for d in doms]
    rows = [max(row_height, sum(s * 1.18 for _, s in lab) + 8) for lab in labels]
    legend_h, axis_h = 22, 18
    height = legend_h + axis_h + sum(rows) + 6
    drawing = Drawing(width, height)
    drawing.initialFontName = font  # the renderers' initial state would select Helvetica (not embedded)
    g = Group()
    drawing.add(g)
    base, top = model.min_level - 1, model.max_level
    x0, x1 = label_w, width - 14
    span = max(top - base, 1)

    def xpos(v: float) -> float:
        return x0 + (x1 - x0) * (min(max(v, base), top) - base) / span

    grid, ink, red, text = Color(*GRID), Color(*INK), Color(*TARGET), Color(*TEXT)
    y_top = height - 6
    y_axis = legend_h + axis_h
    for lv in range(base, top + 1):
        x = xpos(lv)
        g.add(Line(x, y_axis, x, y_top, strokeColor=grid, strokeWidth=0.5))
        g.add(String(x, y_axis - 11, str(lv), fontName=font, fontSize=7.5, fillColor=text, textAnchor="middle"))
    y = y_top
    for d, lab, h in zip(doms, labels, rows, strict=True):
        y -= h
        value = levels.domains.get(d.id, base)
        mid = y + h / 2
        block = sum(s * 1.18 for _, s in lab)
        ty = mid + block / 2
        for line, size in lab:
            ty -= size * 1.18
            g.add(String(x0 - 8, ty + 0.2 * size, line, fontName=font, fontSize=size, fillColor=text,
                         textAnchor="end"))
        bar_h = min(12.0, h - 10)
        g.add(Rect(x0, mid - bar_h / 2, xpos(target) - x0, bar_h, fillColor=white, strokeColor=red,
                   strokeWidth=1.1, strokeDashArray=[4, 2.5]))
        if value > base:
            g.add(Rect(x0, mid - bar_h / 2 + 2.5, xpos(value) - x0, bar_h - 5, fillColor=ink, strokeColor=None))
        g.add(String(xpos(max(value, base)) + 4, mid - 3, str(value) if value >= model.min_level else "-",
                     fontName=font, fontSize=8, fillColor=ink))
    g.add(Line(x0, y_axis, x0, y_top, strokeColor=text, strokeWidth=0.7))
    lw = _legend_width(lang, target, font)
    _legend(g, max((width - lw) / 2, 0), 4, lang, target, font)
    return drawing


def drawing_svg(drawing: Drawing) -> bytes:
    """An SVG document of a drawing (text drawn with the ``WenQuanYi Micro Hei`` family).

    Written directly from the drawing's shapes: ReportLab's ``renderSVG`` builds an ``xml.dom.minidom`` tree
    first, 3-11 ms per chart, which the window paid on every rating that changed a domain level. A drawing
    holding a shape or setting the writer does not handle goes through ``renderSVG`` instead.
    """
    try:
        return _SvgWriter().document(drawing).encode("utf-8")
    except _UnsupportedError:
        return reportlab_svg(drawing)


def reportlab_svg(drawing: Drawing) -> bytes:
    """The drawing through ReportLab's own ``renderSVG`` (the reference the direct writer is compared with)."""
    from reportlab.graphics import renderSVG

    svg: str = renderSVG.drawToString(drawing)
    # QtSvg fills ReportLab's page-sized <clipPath> rectangle black; the clip does nothing here, so drop it
    svg = _CLIP_PATH.sub("", svg).replace(' style="clip-path: url(#clip)"', "")
    return svg.encode("utf-8")


class _UnsupportedError(Exception):
    """A node or setting the direct SVG writer does not draw (the caller falls back to renderSVG)."""


_IDENTITY = (1, 0, 0, 1, 0, 0)
_LINE_CAPS = {0: "butt", 1: "round", 2: "square"}
_LINE_JOINS = {0: "miter", 1: "round", 2: "bevel"}


def _num(v: float) -> str:
    text = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _paint(color: object, what: str) -> str:
    """``fill:...;`` or ``stroke:...;`` for a ReportLab colour or None (with its opacity when not opaque)."""
    if color is None:
        return f"{what}:none;"
    try:
        r, g, b, a = color.red, color.green, color.blue, color.normalizedAlpha  # type: ignore[attr-defined]
    except AttributeError:
        raise _UnsupportedError(f"{what} colour {color!r}") from None
    out = f"{what}:#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x};"
    return out if a == 1 else f"{out}{what}-opacity:{_num(a)};"


def _stroke(shape: object) -> str:
    color = getattr(shape, "strokeColor", None)
    width = getattr(shape, "strokeWidth", 1)
    if color is None or not width:
        return "stroke:none;"
    cap, join = getattr(shape, "strokeLineCap", 0) or 0, getattr(shape, "strokeLineJoin", 0) or 0
    if cap not in _LINE_CAPS or join not in _LINE_JOINS:
        raise _UnsupportedError(f"line cap {cap!r} or join {join!r}")
    out = f"{_paint(color, 'stroke')}stroke-width:{_num(width)};stroke-linecap:{_LINE_CAPS[cap]};"
    if join:
        out += f"stroke-linejoin:{_LINE_JOINS[join]};"
    dash = getattr(shape, "strokeDashArray", None)
    if dash:
        phase = 0.0
        if len(dash) == 2 and isinstance(dash[1], (list, tuple)):  # ReportLab's (phase, [on, off, ...])
            phase, dash = dash
        out += f"stroke-dasharray:{','.join(_num(d) for d in dash)};"
        if phase:
            out += f"stroke-dashoffset:{_num(phase)};"
    return out


class _SvgWriter:
    """SVG text for the shapes the charts use, in the drawing's own coordinates (y up, flipped once).

    Where renderSVG strays from the drawing this follows the drawing, as the PDF does: a text's baseline is at
    its y (renderSVG mirrored text about ``int(2 * y)``, up to one unit low) and a Line is one stroke
    (renderSVG closed it into a there-and-back path, doubling a dashed line's pattern)."""

    def __init__(self) -> None:
        from reportlab.graphics.shapes import Circle, Group, Line, Polygon, PolyLine, Rect, String

        self.out: list[str] = []
        self.families: dict[str, str] = {}
        # exact types: a subclass (Wedge, a UserNode, ...) may draw differently, so it falls back to renderSVG
        self.draw: dict[type, Callable[[object], None]] = {
            Group: self.group, String: self.string, Line: self.line, Polygon: self.polygon,
            PolyLine: self.polyline, Rect: self.rect, Circle: self.circle,
        }

    def document(self, drawing: Drawing) -> str:
        if tuple(drawing.transform) != _IDENTITY:
            raise _UnsupportedError("a transformed drawing")
        w, h = drawing.width, drawing.height
        self.out = [f'<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
                    f'version="1.1" width="{_num(w)}" height="{_num(h)}" viewBox="0 0 {int(w)} {int(h)}" '
                    f'preserveAspectRatio="xMinYMin meet" fill-rule="evenodd">\n'
                    f'<g transform="scale(1,-1) translate(0,{_num(-h)})">\n']
        self.children(drawing)
        self.out.append("</g>\n</svg>\n")
        return "".join(self.out)

    def children(self, group: Group) -> None:
        for node in group.getContents():
            for name in ("fillOpacity", "strokeOpacity"):  # renderPDF would apply these; no chart sets them
                if getattr(node, name, None) not in (None, 1):
                    raise _UnsupportedError(name)
            draw = self.draw.get(type(node))
            if draw is None:
                raise _UnsupportedError(type(node).__name__)
            draw(node)

    def group(self, node: Any) -> None:
        if tuple(node.transform) == _IDENTITY:
            self.children(node)
            return
        self.out.append(f'<g transform="matrix({",".join(_num(v) for v in node.transform)})">\n')
        self.children(node)
        self.out.append("</g>\n")

    def string(self, node: Any) -> None:
        from xml.sax.saxutils import escape, quoteattr

        from reportlab.pdfbase.pdfmetrics import stringWidth

        if getattr(node, "textRenderMode", 0) != 0:
            raise _UnsupportedError("text render mode")
        font, size, x, anchor = node.fontName, node.fontSize, node.x, node.textAnchor
        if anchor in ("end", "middle"):  # ReportLab's metrics place the text, as in the PDF
            width = stringWidth(node.text, font, size)
            x -= width if anchor == "end" else width / 2
        elif anchor not in ("start", "inherited", "left"):
            raise _UnsupportedError(f"text anchor {anchor!r}")
        family = self.families.get(font)
        if family is None:
            family = self.families[font] = quoteattr(str(font))
        # y points up in the drawing: mirror each text back so its glyphs stand upright, baseline at y
        self.out.append(f'<text x="{_num(x)}" y="{_num(-node.y)}" transform="scale(1,-1)" font-family={family} '
                        f'font-size="{_num(size)}px" style="{_paint(node.fillColor, "fill")}stroke:none;">'
                        f"{escape(node.text)}</text>\n")

    def line(self, node: Any) -> None:
        if node.strokeColor is not None:
            self.out.append(f'<path d="M {_num(node.x1)},{_num(node.y1)} L {_num(node.x2)},{_num(node.y2)}" '
                            f'style="fill:none;{_stroke(node)}"/>\n')

    def _points(self, node: Any) -> str:
        pts = node.points
        return " ".join(f"{_num(pts[i])},{_num(pts[i + 1])}" for i in range(0, len(pts) - 1, 2))

    def polygon(self, node: Any) -> None:
        self.out.append(f'<polygon points="{self._points(node)}" '
                        f'style="{_paint(node.fillColor, "fill")}{_stroke(node)}"/>\n')

    def polyline(self, node: Any) -> None:
        self.out.append(f'<polyline points="{self._points(node)}" style="fill:none;{_stroke(node)}"/>\n')

    def rect(self, node: Any) -> None:
        x, y = min(node.x, node.x + node.width), min(node.y, node.y + node.height)
        corners = f' rx="{_num(node.rx)}" ry="{_num(node.ry or node.rx)}"' if node.rx or node.ry else ""
        self.out.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(abs(node.width))}" '
                        f'height="{_num(abs(node.height))}"{corners} '
                        f'style="{_paint(node.fillColor, "fill")}{_stroke(node)}"/>\n')

    def circle(self, node: Any) -> None:
        self.out.append(f'<circle cx="{_num(node.cx)}" cy="{_num(node.cy)}" r="{_num(node.r)}" '
                        f'style="{_paint(node.fillColor, "fill")}{_stroke(node)}"/>\n')


def level_radar_svg(model: Model, levels: LevelReport, target: int, lang: str = "both", **size: float) -> bytes:
    """The radar chart of :func:`level_radar_drawing` as SVG bytes, for QtSvg in the dashboard (``size``: its
    width, height, label_size and label_w)."""
    return drawing_svg(level_radar_drawing(model, levels, target, lang, **size))


def level_bar_svg(model: Model, levels: LevelReport, target: int, lang: str = "both") -> bytes:
    """The bar chart of :func:`level_bar_drawing` as SVG bytes."""
    return drawing_svg(level_bar_drawing(model, levels, target, lang))
