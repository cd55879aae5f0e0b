"""Rating and level icons drawn at run time, so a rating is told by shape as well as by colour."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from cdassess.scoring import Status

COLORS: dict[str, str] = {
    Status.MET: "#2e7d32",
    Status.PARTIAL: "#e08600",
    Status.NOT_MET: "#c62828",
    Status.NA: "#607d8b",
    Status.UNRATED: "#9e9e9e",
}
REACHED = "#2e7d32"
BELOW = "#c62828"


def color(status: str) -> QColor:
    """The colour of a status kind (CAICT's ids; see RatingScale.kind for other scales)."""
    return QColor(COLORS.get(status, COLORS[Status.UNRATED]))


def _canvas(size: int) -> tuple[QPixmap, QPainter]:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pm, p


@cache
def status_icon(status: str, size: int = 32) -> QIcon:
    """Met: check; partial: half-filled disc; not met: cross; N/A: dash; unrated: hollow ring."""
    pm, p = _canvas(size)
    c = color(status)
    s = float(size)
    disc = QRectF(s * 0.06, s * 0.06, s * 0.88, s * 0.88)
    white = QPen(QColor("white"), s * 0.12, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                 Qt.PenJoinStyle.RoundJoin)
    if status == Status.UNRATED:
        p.setPen(QPen(c, s * 0.1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(disc.adjusted(s * 0.05, s * 0.05, -s * 0.05, -s * 0.05))
    elif status == Status.PARTIAL:
        p.setPen(QPen(c, s * 0.08))
        p.setBrush(QBrush(QColor("white")))
        p.drawEllipse(disc)
        path = QPainterPath()
        path.moveTo(disc.center())
        path.arcTo(disc, 90, 180)
        path.closeSubpath()
        p.fillPath(path, QBrush(c))
    else:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(c))
        p.drawEllipse(disc)
        p.setPen(white)
        if status == Status.MET:
            path = QPainterPath(QPointF(s * 0.28, s * 0.52))
            path.lineTo(s * 0.44, s * 0.68)
            path.lineTo(s * 0.73, s * 0.34)
            p.drawPath(path)
        elif status == Status.NOT_MET:
            p.drawLine(QPointF(s * 0.33, s * 0.33), QPointF(s * 0.67, s * 0.67))
            p.drawLine(QPointF(s * 0.67, s * 0.33), QPointF(s * 0.33, s * 0.67))
        else:
            p.drawLine(QPointF(s * 0.3, s * 0.5), QPointF(s * 0.7, s * 0.5))
    p.end()
    return QIcon(pm)


@cache
def level_icon(reached: bool, size: int = 32) -> QIcon:
    """A flag for nodes: filled green square when the target is reached, red outlined one when below."""
    pm, p = _canvas(size)
    s = float(size)
    r = QRectF(s * 0.14, s * 0.14, s * 0.72, s * 0.72)
    if reached:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor(REACHED)))
        p.drawRoundedRect(r, s * 0.12, s * 0.12)
        p.setPen(QPen(QColor("white"), s * 0.1, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        path = QPainterPath(QPointF(s * 0.3, s * 0.52))
        path.lineTo(s * 0.45, s * 0.66)
        path.lineTo(s * 0.7, s * 0.36)
        p.drawPath(path)
    else:
        p.setPen(QPen(QColor(BELOW), s * 0.1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(r, s * 0.12, s * 0.12)
        p.drawLine(QPointF(s * 0.5, s * 0.3), QPointF(s * 0.5, s * 0.55))
        p.drawPoint(QPointF(s * 0.5, s * 0.68))
    p.end()
    return QIcon(pm)


@cache
def app_icon() -> QIcon:
    pm, p = _canvas(64)
    p.setPen(Qt.PenStyle.NoPen)
    for i, h in enumerate((18, 30, 42, 54)):
        p.setBrush(QBrush(QColor(("#90caf9", "#42a5f5", "#1e88e5", "#1565c0")[i])))
        p.drawRoundedRect(QRectF(6 + i * 14, 60 - h, 10, h), 2, 2)
    p.end()
    return QIcon(pm)
