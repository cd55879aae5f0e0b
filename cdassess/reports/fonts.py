"""The one CJK TrueType font every report embeds, registered once with ReportLab."""

from __future__ import annotations

import threading

from cdassess.errors import CdassessError
from cdassess.paths import resource

FONT = "WenQuanYi Micro Hei"
"""Registration name; also the family Qt knows, so charts rendered to SVG draw with the app's font."""
FONT_FILE = ("fonts", "wqy-microhei.ttc")

_lock = threading.Lock()
_registered = False


def register_fonts() -> str:
    """Register the shipped CJK font (TTC, sub-font 0) with ReportLab once; return its name."""
    global _registered  # noqa: PLW0603 - ReportLab's font registry is itself process-global
    if _registered:
        return FONT
    with _lock:
        if _registered:
            return FONT
        from reportlab import rl_config
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        path = resource(*FONT_FILE)
        if not path.is_file():
            raise CdassessError(f"the report font is missing: {path} (reinstall cdassess)")
        pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
        # The font has no bold or italic face; map them to the regular face so <b> in our own markup is safe.
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(FONT, bold, italic, FONT)
        # binary (not ASCII85) compressed streams: smaller files, and about 5% faster on long reports
        rl_config.useA85 = 0
        _registered = True
    return FONT
