"""Shared look of the PDF reports: paragraph styles, safe text, status symbols, "page x of y" canvas."""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from cdassess.reports.fonts import register_fonts
from cdassess.scale import CAICT_SCALE, UNRATED, RatingScale
from cdassess.scoring import Status

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle

    from cdassess.model import Text

_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
# ReportLab breaks lines at spaces (and splits over-long runs anywhere): a Latin word glued to Chinese text
# would be cut mid-word, so give it a space on the Chinese side, as bilingual typesetting does anyway.
_SCRIPT_BOUNDARY = re.compile(rf"(?<=[{_CJK}])(?=[A-Za-z])|(?<=[A-Za-z])(?=[{_CJK}])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

ACCENT = (0.10, 0.16, 0.30)
MUTED = (0.38, 0.38, 0.40)
RULE = (0.75, 0.75, 0.78)
BAND = (0.93, 0.94, 0.96)


def clean(text: str | None) -> str:
    """User text without control characters (tabs become spaces; line breaks are kept)."""
    if not text:
        return ""
    t = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL.sub("", t)


# A user text longer than this is shown cut, with where the rest is: laying out one paragraph costs more than
# linear time in its length (a 100 KB note took 18 s, 10 MB never finished), a cut one costs a page or two.
TEXT_LIMIT = 4000


def clipped(text: str | None, lang: str) -> str:
    """``text`` cut to :data:`TEXT_LIMIT` characters, saying in the report's language where the rest is."""
    if not text or len(text) <= TEXT_LIMIT:
        return text or ""
    more = pick(lang, f"……（后续 {len(text) - TEXT_LIMIT:,} 字见工作簿）",
                f"… continued in the workbook ({len(text) - TEXT_LIMIT:,} more characters)", " / ")
    return f"{text[:TEXT_LIMIT]} {more}"


def esc(text: str | None) -> str:
    """User text made safe for a Paragraph: markup prints literally, line breaks stay line breaks.

    A text beyond :data:`TEXT_LIMIT` (and its marker) is cut here too, so no text can make the layout slow.
    """
    if text and len(text) > TEXT_LIMIT + 200:
        text = text[:TEXT_LIMIT] + " …"
    return _SCRIPT_BOUNDARY.sub(" ", escape(clean(text))).replace("\n", "<br/>")


_MD_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_ITALIC = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_MD_CODE = re.compile(r"`([^`]+)`")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_BULLET = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")


def md_markup(text: str | None) -> str:
    """Markdown model text (DSOMM writes it) as Paragraph markup: a safe subset, never parsed as ReportLab markup.

    Everything is escaped first, as :func:`esc` does; only then are bold, italic, code, links (text and URL),
    headings and list items turned into the few tags this function writes itself, so no tag in the text survives.
    """
    out: list[str] = []
    for raw in clean(text).split("\n"):
        line = escape(raw)
        heading = _MD_HEADING.match(line)
        bullet = _MD_BULLET.match(line)
        if heading:
            line = f"<b>{heading.group(1)}</b>"
        elif bullet:
            line = "&nbsp;" * (2 + len(bullet.group(1))) + "• " + bullet.group(2)
        line = _MD_LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(1) else m.group(2), line)
        line = _MD_CODE.sub(lambda m: m.group(1), line)
        plain = line
        line = _MD_BOLD.sub(lambda m: f"<b>{m.group(2)}</b>", line)
        line = _MD_ITALIC.sub(lambda m: f"<i>{m.group(2)}</i>", line)
        out.append(line if _balanced(line) else plain)  # odd emphasis ("***y**"): the words, unstyled
    return _SCRIPT_BOUNDARY.sub(" ", "<br/>".join(out).strip())


_TAG = re.compile(r"<(/?)([bi])>")


def _balanced(markup: str) -> bool:
    stack: list[str] = []
    for close, tag in _TAG.findall(markup):
        if not close:
            stack.append(tag)
        elif not stack or stack.pop() != tag:
            return False
    return not stack


def pick(lang: str, zh: str, en: str, sep: str = " ") -> str:
    """A fixed label in the report's language ("both": Chinese then English)."""
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return f"{zh}{sep}{en}" if zh != en else zh


def model_text(text: Text, lang: str, sep: str = " / ") -> str:
    """A model text (plain, not escaped) in the report's language."""
    return text.both(sep) if lang == "both" else text.get(lang)


@dataclass(frozen=True)
class StatusLook:
    symbol: str
    fill: tuple[float, float, float] | None
    ink: tuple[float, float, float]


# Symbols carry the meaning; fills differ in lightness too, so a black-and-white print still tells them apart.
STATUS_LOOK: dict[str, StatusLook] = {
    Status.MET: StatusLook("✓", (0.16, 0.40, 0.24), (1, 1, 1)),
    Status.PARTIAL: StatusLook("◐", (0.99, 0.89, 0.55), (0.1, 0.1, 0.1)),
    Status.NOT_MET: StatusLook("✘", (0.78, 0.25, 0.22), (1, 1, 1)),
    Status.NA: StatusLook("–", (0.86, 0.86, 0.86), (0.2, 0.2, 0.2)),
    Status.UNRATED: StatusLook("?", None, (0.3, 0.3, 0.3)),
}


def status_look(status: str, scale: RatingScale = CAICT_SCALE) -> StatusLook:
    """The symbol and colours of a status: CAICT's own, else by what the option means (weight, N/A)."""
    look = STATUS_LOOK.get(status) if scale.is_caict else None
    if look is not None:
        return look
    opt = scale.get(status)
    if opt is None or status == UNRATED:
        return STATUS_LOOK[Status.UNRATED]
    if opt.not_applicable:
        return STATUS_LOOK[Status.NA]
    if opt.weight >= 1:
        return STATUS_LOOK[Status.MET]
    if opt.weight <= 0:
        return STATUS_LOOK[Status.NOT_MET]
    return STATUS_LOOK[Status.PARTIAL]  # the embedded font has ◐ (not ◔ or ◕); the label tells the weight


def heat_cell(scale: RatingScale, statuses: list[str], lenient: bool) -> tuple[StatusLook, str]:
    """The look and text of one heat-map cell from the statuses of an item's requirements at one level: the
    rating's symbol, or "2/3" satisfied when there are several (the PDF and the Word document alike)."""
    if len(statuses) == 1:
        look = status_look(statuses[0], scale)
        return look, look.symbol
    done = sum(1 for s in statuses if scale.satisfies(s, lenient))
    rated = sum(1 for s in statuses if s != UNRATED)
    key = "met" if done == len(statuses) else "not_met" if done == 0 and rated else \
        "unrated" if not rated else "partial"
    return STATUS_LOOK[key], f"{done}/{len(statuses)}"


def status_label(status: str, lang: str, scale: RatingScale = CAICT_SCALE) -> str:
    zh, en = scale.label(status, "zh"), scale.label(status, "en")
    return zh if zh == en else pick(lang, zh, en)


def status_text(status: str, lang: str, scale: RatingScale = CAICT_SCALE) -> str:
    return f"{status_look(status, scale).symbol} {status_label(status, lang, scale)}"


def scale_statuses(scale: RatingScale) -> tuple[str, ...]:
    """Every status a report lists: the scale's options in order, then unrated."""
    return (*scale.ids, UNRATED)


HAS_CJK = re.compile(f"[{_CJK}]")


class Styles:
    """Paragraph styles of the reports, all in the embedded CJK font (wrapping between any two ideographs)."""

    def __init__(self) -> None:
        from reportlab.lib.colors import Color
        from reportlab.lib.enums import TA_CENTER
        from reportlab.lib.styles import ParagraphStyle

        font = register_fonts()
        self.font = font
        accent, muted = Color(*ACCENT), Color(*MUTED)

        def make(name: str, size: float, leading: float | None = None, **kw: Any) -> ParagraphStyle:
            return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.35,
                                  **kw)

        self.body = make("body", 9.5, spaceAfter=4)
        self.intro = make("intro", 9.5, spaceAfter=4, keepWithNext=1)  # a table's lead-in stays with it
        self.small = make("small", 8)
        self.tiny = make("tiny", 7, textColor=muted)
        self.cell = make("cell", 8, 10.4)
        self.cell_muted = make("cell_muted", 7.5, 9.6, textColor=muted)
        self.cell_en = make("cell_en", 7.8, 10, textColor=muted)
        self.cell_tiny = make("cell_tiny", 7, 9, textColor=muted)
        self.cell_block = make("cell_block", 8, 10.4, spaceBefore=5)  # the next finding's block in one cell
        self.cell_head = make("cell_head", 8, 10.4, textColor=Color(1, 1, 1))
        self.h1 = make("h1", 17, 22, textColor=accent, spaceBefore=4, spaceAfter=10, keepWithNext=1)
        self.h2 = make("h2", 12.5, 17, textColor=accent, spaceBefore=10, spaceAfter=5, keepWithNext=1)
        self.h3 = make("h3", 10.5, 14, textColor=accent, spaceBefore=8, spaceAfter=4, keepWithNext=1)
        self.title = make("title", 26, 34, textColor=accent, alignment=TA_CENTER)
        self.subtitle = make("subtitle", 14, 20, textColor=muted, alignment=TA_CENTER)
        self.center = make("center", 9.5, alignment=TA_CENTER)
        self.big = make("big", 13, 18, textColor=accent)
        self.big_center = make("big_center", 13, 18, textColor=accent, alignment=TA_CENTER)
        self._cjk: dict[str, ParagraphStyle] = {}

    def cjk(self, style: ParagraphStyle) -> ParagraphStyle:
        """The style with Chinese line breaking (no line starts with closing punctuation). It costs about three
        times as much as the plain breaking, so it is used only for paragraphs that hold Chinese."""
        found = self._cjk.get(style.name)
        if found is None:
            from reportlab.lib.styles import ParagraphStyle

            chinese_line_rules()
            found = self._cjk[style.name] = ParagraphStyle(style.name + "-cjk", parent=style, wordWrap="CJK")
        return found


def chinese_line_rules() -> None:
    """No closing punctuation at a line start in Chinese paragraphs (cdassess.reports.cjkwrap)."""
    from cdassess.reports.cjkwrap import install

    install()


PageDecorator = Callable[[Any, int, int], None]


def numbered_canvas(decorate: PageDecorator) -> type:
    """A canvas class that knows the page count when a page is finished, for "page x of y" footers.

    Each page ends by drawing a form XObject named after its number; the forms are defined when the document
    is saved and the count is known: ``decorate(canvas, page, total)`` draws each (ReportLab's public
    ``doForm`` allows a form to be used before it is defined).
    """
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # the page preamble selects the initial font; make it ours so no viewer-side font is referenced
            if not kwargs.get("initialFontName"):
                kwargs["initialFontName"] = register_fonts()
            super().__init__(*args, **kwargs)
            self.cdassess_pages = 0

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self.cdassess_pages += 1
            self.doForm(f"cdassess-page-{self.cdassess_pages}")
            super().showPage()

        def save(self) -> None:
            total = self.cdassess_pages
            for number in range(1, total + 1):
                self.beginForm(f"cdassess-page-{number}")
                decorate(self, number, total)
                self.endForm()
            super().save()

    return NumberedCanvas


@functools.cache
def paragraph_class() -> Any:
    """ReportLab's Paragraph, remembering its last wrap.

    A table measures each cell when it is laid out, again at every page split and once more when it draws;
    line breaking depends only on the width (ReportLab ignores the available height), so a repeat wrap at
    the same width reuses the lines already broken. This roughly halves the time of a long report.
    """
    from reportlab.platypus import Paragraph

    class CachedParagraph(Paragraph):  # type: ignore[misc]
        _wrapped: tuple[float, tuple[float, float]] | None = None

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
            if self._wrapped is not None and self._wrapped[0] == availWidth:
                return self._wrapped[1]
            size: tuple[float, float] = super().wrap(availWidth, availHeight)
            self._wrapped = (availWidth, size)
            return size

        def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803
            # splitting may discard the broken lines to force a fresh break: the next wrap breaks again
            self._wrapped = None
            parts: list[Any] = super().split(availWidth, availHeight)
            return parts

        @classmethod
        def make(cls, markup: str, style: Any) -> Any:
            """``cls(markup, style)``; markup without tags or entities (most cells: plain text) skips ReportLab's
            markup parser: its one fragment is a copy of the one the parser makes for the style, so lines,
            widths and drawing are the same. A third of a long report's story went to parsing plain text."""
            text = cleanBlockQuotedText(markup)
            if not text:
                return cls(markup, style)
            if "<" in text or "&" in text:
                return cls._parsed_once(markup, text, style)
            found = templates.get(id(style))
            if found is None or found[0] is not style:
                found = templates[id(style)] = (style, _frag_template(style))
            template = found[1]
            if template is None:
                return cls(markup, style)
            frag = _copy_frag(template)
            frag.text = text
            return cls(text, style, frags=[frag])

        @classmethod
        def _parsed_once(cls, markup: str, text: str, style: Any) -> Any:
            """Markup seen before in the same style (a rating cell "✗ 未满足<br/>自评: ✓ 满足" recurs on every
            gap) reuses copies of the fragments the parser made of it the first time."""
            key = (markup, id(style))
            found = parsed.get(key)
            if found is None or found[0] is not style:
                first = cls(markup, style)
                if getattr(first, "bulletText", None) is not getattr(style, "bulletText", None):
                    return first  # a <bullet> in the markup: not reused
                if len(parsed) >= 4096:
                    parsed.clear()
                # copies now: laying out a paragraph marks its fragments (``_fkind``)
                parsed[key] = (style, first.style, [_copy_frag(f) for f in first.frags], first.text)
                return first
            _, parsed_style, frags, cleaned = found
            return cls(cleaned, parsed_style, frags=[_copy_frag(f) for f in frags])

    from reportlab.platypus.paragraph import cleanBlockQuotedText

    templates: dict[int, tuple[Any, Any]] = {}
    parsed: dict[tuple[str, int], tuple[Any, Any, list[Any], str]] = {}
    return CachedParagraph


def _copy_frag(frag: Any) -> Any:
    """A fragment as the parser would make it again: its own lists (links, lines), the same values."""
    out = copy.copy(frag)
    for key, value in vars(frag).items():
        if isinstance(value, list):
            setattr(out, key, list(value))
    return out


def _frag_template(style: Any) -> Any:
    """The fragment ReportLab's parser makes of a plain text in ``style`` (None: the style changes text)."""
    from reportlab.platypus.paraparser import ParaParser

    if getattr(style, "textTransform", None) or getattr(style, "bulletText", None):
        return None
    parsed_style, frags, bullet = ParaParser().parse("x", style)
    if parsed_style is not style or bullet or not frags or len(frags) != 1 or frags[0].text != "x":
        return None
    return frags[0]
