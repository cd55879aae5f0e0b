"""Workshop mode (View > Workshop, F11): the current requirement at projector size, for the room to see.

Shows the requirement's text and guidance, the team's claim and the names of its evidence, with big rating
buttons and the same keys as the window (1-4, 0; PgDn / PgUp or the arrow keys for the next and previous
requirement; Esc or F11 to leave). The assessor's notes, the findings and every person's name stay on the
laptop. Between two domains a summary slide shows the domain's level and its gaps. With a second screen the
workshop view goes there and the laptop keeps the full window.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from cdassess.scale import UNRATED
from ui import icons
from ui.labels import model_text, rating_keys, status_label


class WorkshopView(QWidget):
    """A full-screen view of the window's current requirement; it rates through the window."""

    def __init__(self, window: Any) -> None:  # the main window (which imports this module when F11 is pressed)
        super().__init__(None, Qt.WindowType.Window)
        self.window_ = window
        self.setWindowTitle(self.tr("cdassess workshop"))
        # sizes in the style sheet: a style sheet on the window stops fonts set with setFont from reaching children
        self.setStyleSheet("WorkshopView { background: #ffffff; } QLabel { color: #1a294d; font-size: 22pt; } "
                           "QPushButton { font-size: 22pt; padding: 12px; }")
        self.slide_domain: str | None = None  # a domain summary is shown instead of a requirement
        base = QFont(self.font())
        base.setPointSizeF(max(base.pointSizeF(), 10) * 2.0)
        self.setFont(base)
        self.head = QLabel()
        self.head.setStyleSheet("color: #5a6275; font-size: 16pt;")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setStyleSheet("font-size: 30pt;")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        bl = QVBoxLayout(body)
        bl.addWidget(self.text)
        bl.addSpacing(16)
        bl.addWidget(self.details)
        bl.addStretch(1)
        scroll.setWidget(body)
        row = self._build_buttons(base)
        self.hint = QLabel(self.tr("PgDn / PgUp: next / previous · 1-4 rate · 0 clear · Esc: back to the window"))
        self.hint.setStyleSheet("color: #8a8f9c; font-size: 12pt;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 32, 48, 24)
        lay.addWidget(self.head)
        lay.addWidget(scroll, 1)
        lay.addLayout(row)
        lay.addWidget(self.hint)
        window.tree.selectionModel().currentChanged.connect(lambda *_: self.refresh())
        if window.session is not None:
            window.session.ratingsChanged.connect(lambda _ids: self.refresh())
        self.refresh()

    def _build_buttons(self, base: QFont) -> QHBoxLayout:
        self.buttons: dict[str, QPushButton] = {}
        self.keys: dict[str, str] = {}  # key -> option id (the window's keys: 1..n, 0 clears)
        row = QHBoxLayout()
        s = self.window_.session
        scale = s.model.scale if s is not None else None
        for st, key in (rating_keys(scale) if scale is not None else []):
            self.keys[key] = st
            if st == UNRATED:
                continue
            b = QPushButton(f"{status_label(st, scale)}  [{key}]")
            b.setIcon(icons.status_icon(scale.kind(st) if scale is not None else st))
            b.setMinimumHeight(int(base.pointSizeF() * 3.2))
            b.setIconSize(b.iconSize() * 2)
            b.setCheckable(True)
            b.clicked.connect(lambda _c=False, s=st: self.rate(s))
            row.addWidget(b)
            self.buttons[st] = b
        return row

    # ------------------------------------------------------------------------------------ showing

    def show_on_best_screen(self) -> None:
        """Full screen on a second screen when there is one (the laptop keeps the window), else on this one."""
        screens = QGuiApplication.screens()
        mine = self.window_.screen()
        other = next((sc for sc in screens if sc is not mine), None)
        target = other or mine
        self.setGeometry(target.geometry())
        self.showFullScreen()
        self.raise_()
        self.activateWindow()

    def refresh(self) -> None:
        w = self.window_
        s = w.session
        lang = w.settings.text_language
        if s is None:
            return
        if self.slide_domain is not None:
            self._show_domain(self.slide_domain)
            return
        rid = w.current_requirement()
        if rid is None:
            self.head.setText(self.tr("Choose a requirement in the window."))
            self.text.setText("")
            self.details.setText("")
            return
        req = s.model.requirements[rid]
        domain, _sub, item, _r = s.model.path_of(rid)
        self.head.setText(f"{model_text(domain.names, lang)}  ›  {model_text(item.names, lang)}  ·  {rid}  ·  "
                          + self.tr("Level %1").replace("%1", str(req.level)))
        self.text.setText(_html(model_text(req.text, lang, "\n\n")))
        parts = []
        guidance = model_text(req.guidance, lang, "\n\n")
        if guidance.strip():
            parts.append(f"<p><b>{escape(self.tr('What to look for'))}</b><br>{_html(guidance)}</p>")
        claim = s.claim(rid)
        if claim is not None and not claim.is_blank:
            lines = [f"<b>{escape(self.tr('The team says'))}: {escape(s.label(claim.status))}</b>"]
            lines += [_html(t) for t in (claim.evidence_text, claim.evidence_refs) if t]
            parts.append("<p>" + "<br>".join(lines) + "</p>")
        names = [e.original_name for e in s.evidence_for(rid)]
        if names:
            parts.append(f"<p><b>{escape(self.tr('Evidence'))}</b><br>" + "<br>".join(escape(n) for n in names)
                         + "</p>")
        self.details.setText("".join(parts))
        current = s.status(rid)
        for st, b in self.buttons.items():
            b.setVisible(True)
            b.setEnabled(s.editable)
            b.setChecked(st == current)

    def _show_domain(self, domain_id: str) -> None:
        w = self.window_
        s = w.session
        assert s is not None
        lang = w.settings.text_language
        d = s.model.domain(domain_id)
        level = s.report.domains[domain_id]
        gaps = [r for g in s.assessment.gaps() if g.domain.id == domain_id for r in g.requirements]
        self.head.setText(self.tr("Summary of the domain"))
        self.text.setText(f"<b>{escape(model_text(d.names, lang))}</b>")
        lines = [escape(self.tr("Level L%1 of target L%2").replace("%1", str(level)).replace("%2", str(s.target))),
                 escape(self.tr("%1 gaps to the target").replace("%1", str(len(gaps))))]
        lines += [f"· {escape(r.id)}  {_html(model_text(r.text, lang))}" for r in gaps[:8]]
        if len(gaps) > 8:
            lines.append(escape(self.tr("… and %1 more").replace("%1", str(len(gaps) - 8))))
        self.details.setText("<p>" + "<br>".join(lines) + "</p>")
        for b in self.buttons.values():
            b.setVisible(False)

    # ------------------------------------------------------------------------------------ acting

    def rate(self, status: str) -> bool:
        if self.slide_domain is not None:
            return False
        return bool(self.window_.rate_current(status))

    def step(self, direction: int) -> None:
        """Next / previous requirement; a summary slide of the domain being left comes between two domains."""
        w = self.window_
        s = w.session
        if s is None:
            return
        if self.slide_domain is not None:
            self.slide_domain = None
            if direction > 0:
                w.step(1)
            self.refresh()
            return
        before = w.current_requirement()
        w.step(direction)
        after = w.current_requirement()
        if direction > 0 and before and after and before != after:
            d0, d1 = s.model.items[s.model.requirements[before].item_id].domain_id, \
                s.model.items[s.model.requirements[after].item_id].domain_id
            if d0 != d1:
                w.step(-1)  # stay on the last requirement of the domain until the summary is passed
                self.slide_domain = d0
        self.refresh()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Escape, Qt.Key.Key_F11):
            self.close()
            return
        if key in (Qt.Key.Key_PageDown, Qt.Key.Key_Down, Qt.Key.Key_Right, Qt.Key.Key_Space):
            self.step(1)
            return
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_Up, Qt.Key.Key_Left):
            self.step(-1)
            return
        text = event.text()
        if text in self.keys:
            self.rate(self.keys[text])
            return
        super().keyPressEvent(event)


def _html(text: str) -> str:
    return escape(text).replace("\n", "<br>")
