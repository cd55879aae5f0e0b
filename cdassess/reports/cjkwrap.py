"""Chinese line breaking for ReportLab's ``wordWrap="CJK"``: no line starts with closing punctuation.

ReportLab (5.1) breaks CJK text "like a knife" between characters and hangs one character that cannot start
a line at the end of the previous one. Two things let closing punctuation start lines in Chinese text:

* its "cannot start a line" set is the Japanese one: it lacks the full-width comma, colon, semicolon, question
  and exclamation marks and the closing quotes (，：；？！”’》), the commonest marks in Chinese;
* only one character hangs: after "”。" or "）；" the second mark starts the next line, and a space before a
  mark (cdassess puts one between Chinese and Latin text) lets the mark start the line after the space.

:func:`install` adds the missing marks and replaces ReportLab's two splitting loops (``textsplit.dumbSplit``
for a paragraph of one font, ``paragraph.cjkFragSplit`` for mixed fonts and colours) with copies that, when the
next line would start with such a mark, break before the last character that may start a line instead (that
character, or the Latin word, moves down with its marks). Everything else is ReportLab's algorithm unchanged.
The certificate draws strings, not paragraphs: its rendering does not depend on this.
"""

from __future__ import annotations

from typing import Any

NO_LINE_START = "，：；？！．”’》〉〗〙〛｝｠｣·・‥…"
_STATE = {"installed": False}
_FUZZ = 1e-6  # the width tolerance of ReportLab's own splitters (reportlab.rl_config, not public)


def install() -> None:
    """Idempotent: the marks added once, the splitters replaced once."""
    if _STATE["installed"]:
        return
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    current: str = textsplit.ALL_CANNOT_START
    textsplit.ALL_CANNOT_START = current + "".join(c for c in NO_LINE_START if c not in current)
    paragraph.ALL_CANNOT_START = textsplit.ALL_CANNOT_START  # imported by name there
    textsplit.dumbSplit = dumb_split
    paragraph.cjkFragSplit = cjk_frag_split
    _STATE["installed"] = True


def _cannot_start() -> str:
    from reportlab.lib import textsplit

    return str(textsplit.ALL_CANNOT_START)


def _back_to_starter(chars: Any, line_start: int, i: int, cannot: str) -> int | None:
    """The line is to end before ``chars[i]``: when the next line would start (after spaces) with a mark that
    cannot start a line, the index to break before instead: the last character before the marks that may
    start a line (the whole Latin word when it is one, never after an opening bracket); None to keep ``i``."""
    from reportlab.lib.textsplit import ALL_CANNOT_END

    def mark(k: int) -> bool:
        return bool(chars[k]) and chars[k] in cannot

    def space(k: int) -> bool:
        return bool(chars[k]) and chars[k].isspace()

    def latin(k: int) -> bool:
        return len(chars[k]) == 1 and ord(chars[k]) < 0x3000 and not space(k) and not mark(k)

    n = len(chars)
    k = i
    while k < n and space(k):
        k += 1
    if k >= n or not mark(k):
        return None
    j = i - 1
    while j > line_start and (mark(j) or space(j)):
        j -= 1
    if latin(j):
        while j > line_start and latin(j - 1):
            j -= 1
    while j > line_start and chars[j - 1] and chars[j - 1] in ALL_CANNOT_END:
        j -= 1
    return j if j > line_start else None


def dumb_split(word: str, widths: list[float], maxWidths: Any) -> list[list[Any]]:  # noqa: N803
    """``reportlab.lib.textsplit.dumbSplit`` with the two-mark rule (see the module docstring)."""
    from unicodedata import category


    cannot = _cannot_start()
    if not isinstance(maxWidths, (list, tuple)):
        maxWidths = [maxWidths]  # noqa: N806
    lines: list[list[Any]] = []
    i = line_start = 0
    width_used = 0.0
    max_width = maxWidths[0]
    n = len(word)
    while i < n:
        w = widths[i]
        c = word[i]
        width_used += w
        i += 1
        if width_used > max_width + _FUZZ and width_used > 0:
            extra = max_width - width_used
            if ord(c) < 0x3000:  # inside a non-Asian run: break at a space or where Chinese resumes
                limit = (line_start + i) >> 1
                for j in range(i - 1, limit, -1):
                    cj = word[j]
                    if category(cj) == "Zs" or ord(cj) >= 0x3000:
                        k = j + 1
                        if k < i:
                            start = k + 1
                            extra += sum(widths[start:i])
                            w = widths[k]
                            c = word[k]
                            i = start
                            break
            if c not in cannot and i > line_start + 1:
                i -= 1
                extra += w
            back = _back_to_starter(word, line_start, i, cannot)
            if back is not None:
                extra += sum(widths[back:i])
                i = back
            lines.append([extra, word[line_start:i].strip()])
            try:
                max_width = maxWidths[len(lines)]
            except IndexError:
                max_width = maxWidths[-1]
            line_start = i
            width_used = 0
    if width_used > 0:
        lines.append([max_width - width_used, word[line_start:]])
    return lines


def cjk_frag_split(frags: Any, maxWidths: Any, calcBounds: Any, encoding: str = "utf8") -> Any:  # noqa: N803, PLR0912, PLR0915
    """``reportlab.platypus.paragraph.cjkFragSplit`` with the two-mark rule (see the module docstring)."""
    from unicodedata import category

    from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine

    cannot = _cannot_start()
    chars: list[Any] = []
    for f in frags:
        text = f.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            chars.extend([cjkU(t, f, encoding) for t in text])
        else:
            chars.append(cjkU(text, f, encoding))
    lines: list[Any] = []
    i = line_start = 0
    width_used: Any = 0
    max_width = maxWidths[0]
    n = len(chars)
    while i < n:
        u = chars[i]
        i += 1
        w = u.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        width_used += w
        line_break = hasattr(u.frag, "lineBreak")
        if (width_used > max_width + _FUZZ and width_used > 0) or line_break:
            extra = max_width - width_used
            if not line_break:
                if ord(u) < 0x3000:
                    limit = (line_start + i) >> 1
                    for j in range(i - 1, limit, -1):
                        uj = chars[j]
                        if (uj and category(uj) == "Zs") or ord(uj) >= 0x3000:
                            k = j + 1
                            if k < i:
                                start = k + 1
                                extra += sum(chars[ii].width for ii in range(start, i))
                                w = chars[k].width
                                u = chars[k]
                                i = start
                                break
                if u not in cannot and i > line_start + 1:
                    i -= 1
                    extra += w
                back = _back_to_starter(chars, line_start, i, cannot)
                if back is not None:
                    extra += sum(chars[ii].width for ii in range(back, i))
                    i = back
            lines.append(makeCJKParaLine(chars[line_start:i], max_width, width_used, extra, line_break, calcBounds))
            try:
                max_width = maxWidths[len(lines)]
            except IndexError:
                max_width = maxWidths[-1]
            line_start = i
            width_used = 0
    if width_used > 0:
        lines.append(makeCJKParaLine(chars[line_start:], max_width, width_used, max_width - width_used, False,
                                     calcBounds))
    return ParaLines(kind=1, lines=lines)
