"""Translated words shared by several views (ratings, priorities, provenance, model text language)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from cdassess.model import Text
from cdassess.scoring import Status


def tr(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def status_label(status: Status) -> str:
    return {
        Status.MET: tr("Met"),
        Status.PARTIAL: tr("Partially met"),
        Status.NOT_MET: tr("Not met"),
        Status.NA: tr("N/A"),
        Status.UNRATED: tr("Unrated"),
    }[status]


def priority_label(priority: str) -> str:
    return {"high": tr("High"), "medium": tr("Medium"), "low": tr("Low")}.get(priority, priority)


def provenance_label(provenance: str) -> str:
    return {
        "confirmed": tr("confirmed against the standard"),
        "paraphrased": tr("paraphrased from the standard"),
        "inferred": tr("inferred (not in the standard's text)"),
    }.get(provenance, provenance)


def model_text(text: Text, lang: str, sep: str = " / ") -> str:
    """Model text in the chosen language: "zh", "en" or "both"."""
    if lang == "both":
        return text.both(sep)
    return text.get(lang)
