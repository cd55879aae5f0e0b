"""The report's quick paragraphs (plain text without the markup parser, repeated markup parsed once) break and
draw exactly as ReportLab's own: same fragments, same lines, same PDF page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cdassess.reports.styles import Styles, esc, paragraph_class

TEXTS = [
    "持续集成流水线在每次提交后自动运行单元测试，并在十分钟内给出结果。",
    "Every commit triggers the pipeline; results within ten minutes.",
    "混合 text：中文与 English 混排，带全角标点！以及（括号）",
    "  spaces   inside\tand\nnew lines  ",
    "a\xa0non-breaking space, an ideographic\u3000space",
    "<b>markup typed by a user</b> & ampersands > arrows",
    "x" * 300,
]


def _lines(p: Any, width: float) -> list[Any]:
    p.wrap(width, 10_000)
    bl = p.blPara
    if bl.kind == 0:
        return [(round(extra, 6), tuple(words)) for extra, words in bl.lines]
    return [(round(line.extraSpace, 6), tuple((w.text, w.fontName, w.fontSize, str(w.textColor)) for w in line.words))
            for line in bl.lines]


@pytest.mark.parametrize("text", TEXTS)
def test_a_plain_cell_breaks_as_the_parser_breaks_it(text: str) -> None:
    para, s = paragraph_class(), Styles()
    for style in (s.cell, s.cjk(s.cell), s.cell_tiny):
        markup = esc(text)
        quick, parsed = para.make(markup, style), para(markup, style)
        assert [vars(f) for f in quick.frags] == [vars(f) for f in parsed.frags]
        for width in (40.0, 150.0, 420.0):
            assert _lines(para.make(markup, style), width) == _lines(para(markup, style), width)


def test_repeated_markup_is_parsed_once_and_breaks_the_same_every_time() -> None:
    para, s = paragraph_class(), Styles()
    markup = '✗ 未满足 Not met<br/><font color="#606066">自评 Claim:</font> ✓ 满足 Met'
    style = s.cjk(s.cell)
    first = para.make(markup, style)
    assert _lines(first, 88.0) == _lines(para(markup, style), 88.0)  # laid out: its fragments are marked
    for _ in range(3):
        again = para.make(markup, style)
        assert again.frags is not first.frags
        assert [vars(f) for f in again.frags] == [vars(f) for f in para(markup, style).frags]
        assert _lines(again, 88.0) == _lines(para(markup, style), 88.0)


def test_a_page_of_quick_paragraphs_is_the_same_pdf_page(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    para, s = paragraph_class(), Styles()

    def build(make: Any, dest: Path) -> bytes:
        story = [make(esc(t), s.cjk(s.cell) if any("\u4e00" <= c <= "\u9fff" for c in t) else s.cell)
                 for t in TEXTS * 3]
        SimpleDocTemplate(str(dest), pagesize=A4, invariant=1).build(story)
        return dest.read_bytes()

    assert build(para.make, tmp_path / "quick.pdf") == build(para, tmp_path / "parsed.pdf")
