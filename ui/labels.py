"""Translated words shared by several views (ratings, priorities, provenance, model text language)."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QCoreApplication

from cdassess.model import Text
from cdassess.scale import CAICT_SCALE, UNRATED, RatingScale
from cdassess.scoring import Status


def status_label(status: str, scale: RatingScale | None = None) -> str:
    """A status in the window: CAICT's in the window's language, another scale's option by its own label."""
    if status == UNRATED:
        return QCoreApplication.translate("Labels", "Unrated")
    if scale is None or scale.is_caict:
        caict: dict[str, str] = {
            Status.MET: QCoreApplication.translate("Labels", "Met"),
            Status.PARTIAL: QCoreApplication.translate("Labels", "Partially met"),
            Status.NOT_MET: QCoreApplication.translate("Labels", "Not met"),
            Status.NA: QCoreApplication.translate("Labels", "N/A"),
        }
        if status in caict:
            return caict[status]
    return (scale or CAICT_SCALE).label(status, "en")


def rating_keys(scale: RatingScale) -> list[tuple[str, str]]:
    """(status, key) for the rating buttons and shortcuts: the scale's options on 1..9, "unrated" on 0."""
    return [*((o.id, str(i)) for i, o in enumerate(scale.options[:9], start=1)), (UNRATED, "0")]


def priority_label(priority: str) -> str:
    return {
        "high": QCoreApplication.translate("Labels", "High"),
        "medium": QCoreApplication.translate("Labels", "Medium"),
        "low": QCoreApplication.translate("Labels", "Low"),
    }.get(priority, priority)


def provenance_label(provenance: str) -> str:
    return {
        "confirmed": QCoreApplication.translate("Labels", "confirmed against the standard"),
        "paraphrased": QCoreApplication.translate("Labels", "paraphrased from the standard"),
        "inferred": QCoreApplication.translate("Labels", "inferred (not in the standard's text)"),
    }.get(provenance, provenance)


def evidence_type_label(kind: str) -> str:
    return {
        "document": QCoreApplication.translate("Labels", "document"),
        "demonstration": QCoreApplication.translate("Labels", "demonstration"),
        "record": QCoreApplication.translate("Labels", "record"),
        "report": QCoreApplication.translate("Labels", "report"),
        "metric": QCoreApplication.translate("Labels", "metric"),
        "interview": QCoreApplication.translate("Labels", "interview"),
        "configuration": QCoreApplication.translate("Labels", "configuration"),
    }.get(kind, kind)


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def when(iso: str) -> str:
    """A stored UTC timestamp as "YYYY-MM-DD HH:MM" (UTC)."""
    return iso[:16].replace("T", " ") + (" UTC" if len(iso) > 16 else "")


def score_figure(model: Any, report: Any, node_id: str | None = None) -> str:
    """The figure the model's rule defines for a node (None: overall): "1.43 / 3" (weighted), "62 %" (coverage);
    empty for the cumulative rule, whose figure is the level."""
    score = report.overall_score if node_id is None else report.scores.get(node_id)
    if score is None:
        return ""
    if model.scoring.rule == "coverage":
        return f"{score * 100:.0f} %"
    top = report.max_score
    return f"{score:.2f} / {top:g}" if top is not None else f"{score:.2f}"


def markdown_html(text: str) -> str:
    """Markdown model text (DSOMM writes it) as HTML for a rich-text label; HTML inside it is shown, not run."""
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    feature = QTextDocument.MarkdownFeature
    doc.setMarkdown(text, feature(feature.MarkdownDialectGitHub.value | feature.MarkdownNoHTML.value))
    body = re.search(r"<body[^>]*>(.*)</body>", doc.toHtml(), flags=re.S)
    html = body.group(1) if body else doc.toHtml()
    return re.sub(r"<img\b[^>]*>", "", html)  # a model never makes the window load a file


def model_text(text: Text, lang: str, sep: str = " / ") -> str:
    """Model text in the chosen language: "zh", "en" or "both"."""
    if lang == "both":
        return text.both(sep)
    return text.get(lang)


def review_label(status: str) -> str:
    """An evidence review status in the interface language."""
    return {"submitted": QCoreApplication.translate("Cycles", "Submitted"),
            "accepted": QCoreApplication.translate("Cycles", "Accepted"),
            "rejected": QCoreApplication.translate("Cycles", "Rejected"),
            "expired": QCoreApplication.translate("Cycles", "Expired")}.get(status, status)
