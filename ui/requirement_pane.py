"""The requirement pane: bilingual text, guidance, provenance, the team's claim beside the assessor's rating,
rating buttons, note, N/A justification, needs-review flag and the findings of the requirement."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cdassess.errors import CdassessError
from cdassess.model import FORMAT_V2, Item, Requirement
from cdassess.records import Finding, Rating
from cdassess.scale import CAICT_SCALE, RatingScale
from cdassess.scoring import Status
from ui import icons, messages
from ui.commands import DeleteFindingCommand, RatingCommand, SaveFindingCommand
from ui.labels import (
    evidence_type_label,
    markdown_html,
    model_text,
    priority_label,
    provenance_label,
    rating_keys,
    status_label,
    when,
)
from ui.session import AssessmentSession

RATING_KEYS: tuple[tuple[str, str], ...] = tuple(rating_keys(CAICT_SCALE))  # CAICT's; others: rating_keys()
NOTE_SAVE_MS = 600


def _short(label: str, limit: int = 30) -> str:
    """A button's text: long answer labels (SAMM's) are cut; the tooltip and accessible name keep them whole."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


class FlowRow(QWidget):
    """Rating buttons in rows that wrap, so a scale with long labels never widens the pane."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(4)
        self._grid.setVerticalSpacing(4)
        self._widgets: list[QWidget] = []

    def set_widgets(self, widgets: list[QWidget]) -> None:
        for w in self._widgets:
            self._grid.removeWidget(w)
        self._widgets = widgets
        texts = [len(w.text()) for w in widgets if isinstance(w, QToolButton)]
        longest = max(texts, default=0)
        # CAICT's five fit one row; long answer labels (SAMM's) two or three to a row
        per_row = len(widgets) if sum(texts) <= 72 else 3 if longest <= 22 else 2
        for i, w in enumerate(widgets):
            self._grid.addWidget(w, i // per_row, i % per_row)
        self._grid.setColumnStretch(per_row, 1)


def _set_model_text(label: QLabel, text: str, markdown: bool) -> None:
    """Model text in a label: Markdown rendered (raw HTML in it shown as text, never run) or plain."""
    if not text:
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setText("—")
    elif markdown:
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setText(markdown_html(text))
    else:
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setText(text)


def _text_label(selectable: bool = True) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class RequirementPane(QWidget):
    """Shows one requirement and edits its rating and findings (through undoable commands)."""

    ratingApplied = Signal(str)  # noqa: N815 - a rating was stored (benchmarks, tests)

    def __init__(self, undo: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.undo = undo
        self.session: AssessmentSession | None = None
        self.req: Requirement | None = None
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_SAVE_MS)
        self._note_timer.timeout.connect(self.save_note)

        self.title = _text_label()
        tf = self.title.font()
        tf.setBold(True)
        tf.setPointSizeF(tf.pointSizeF() * 1.15)
        self.title.setFont(tf)
        self.path = _text_label()
        self.path.setStyleSheet("color: #555;")
        self.text_zh, self.text_en = _text_label(), _text_label()
        self.guidance_zh, self.guidance_en = _text_label(), _text_label()
        for lab in (self.text_zh, self.text_en):
            f = lab.font()
            f.setPointSizeF(f.pointSizeF() * 1.1)
            lab.setFont(f)
        self.meta = _text_label()
        self.meta.setStyleSheet("color: #555;")
        self.text_scroll = self._build_text_scroll()
        side = QHBoxLayout()
        side.addWidget(self._build_claim_box(), 1)
        side.addWidget(self._build_rating_box(), 2)
        findings_box = self._build_findings_box()

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.path)
        layout.addWidget(self.text_scroll, 3)
        layout.addWidget(line)
        layout.addLayout(side)
        layout.addWidget(findings_box, 1)
        self.placeholder = QLabel(self.tr("Choose a requirement in the tree on the left."))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.placeholder)
        self._other_editors: list[QWidget] = [self.review, self.justification, self.note,
                                              self.add_finding_button, self.edit_finding_button,
                                              self.delete_finding_button]
        self.set_requirement(None)

    def _build_text_scroll(self) -> QScrollArea:
        """Texts, guidance and details scroll on their own: long guidance never pushes the rating buttons away."""
        self.details = _text_label()
        self.details.setOpenExternalLinks(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 6, 0)
        body_layout.addLayout(self._build_texts())
        body_layout.addWidget(self.details)
        body_layout.addWidget(self.meta)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        scroll.setMinimumHeight(80)
        return scroll

    def _build_texts(self) -> QGridLayout:
        texts = QGridLayout()
        texts.setColumnStretch(0, 1)
        texts.setColumnStretch(1, 1)
        texts.setHorizontalSpacing(18)
        head_zh, head_en = QLabel(self.tr("中文")), QLabel(self.tr("English"))
        self.head_zh, self.head_en = head_zh, head_en
        for h in (head_zh, head_en):
            h.setStyleSheet("color: #777; font-weight: bold;")
        texts.addWidget(head_zh, 0, 0)
        texts.addWidget(head_en, 0, 1)
        self.texts_grid = texts
        texts.addWidget(self.text_zh, 1, 0)
        texts.addWidget(self.text_en, 1, 1)
        guid = QLabel(self.tr("What to look for"))
        guid.setStyleSheet("color: #777; font-weight: bold;")
        texts.addWidget(guid, 2, 0, 1, 2)
        texts.addWidget(self.guidance_zh, 3, 0)
        texts.addWidget(self.guidance_en, 3, 1)
        return texts

    def _build_claim_box(self) -> QGroupBox:
        self.claim_icon = QLabel()
        self.claim = _text_label()
        claim_box = QGroupBox(self.tr("Team's self-assessment claim"))
        cl = QHBoxLayout(claim_box)
        cl.addWidget(self.claim_icon, 0, Qt.AlignmentFlag.AlignTop)
        cl.addWidget(self.claim, 1)
        return claim_box

    def _build_rating_box(self) -> QGroupBox:
        rating_box = QGroupBox(self.tr("Assessor's rating"))
        rl = QVBoxLayout(rating_box)
        self.buttons_row = FlowRow()
        self.buttons: dict[str, QToolButton] = {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        self._scale: RatingScale | None = None
        self._build_buttons(CAICT_SCALE)
        rl.addWidget(self.buttons_row)
        self.rating_info = _text_label()
        self.rating_info.setStyleSheet("color: #555;")
        rl.addWidget(self.rating_info)
        self.review = QCheckBox(self.tr("Needs review"))
        self.review.toggled.connect(self._review_toggled)
        rl.addWidget(self.review)
        self.justification_label = QLabel(self.tr("N/A justification (required):"))
        self.justification = QLineEdit()
        self.justification.setPlaceholderText(self.tr("Why the requirement does not apply"))
        self.justification.editingFinished.connect(self.save_justification)
        rl.addWidget(self.justification_label)
        rl.addWidget(self.justification)
        rl.addWidget(QLabel(self.tr("Note")))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("What you saw; saved as you type"))
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(72)
        self.note.textChanged.connect(self._note_typed)
        rl.addWidget(self.note)
        return rating_box

    def _build_buttons(self, scale: RatingScale) -> None:
        """One button per option of the model's scale (keys 1..N) and Clear (key 0)."""
        if scale is self._scale:
            return
        self._scale = scale
        for b in self.buttons.values():
            self.group.removeButton(b)
            b.deleteLater()
        self.buttons = {}
        widgets: list[QWidget] = []
        for status, key in rating_keys(scale):
            b = QToolButton()
            b.setCheckable(True)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.setIcon(icons.status_icon(scale.kind(status)))
            b.setIconSize(QSize(18, 18))
            label = self.tr("Clear") if status == Status.UNRATED else status_label(status, scale)
            b.setText(f"{_short(label)}  [{key}]")
            b.setToolTip(self.tr("Rate as %1 (key %2)").replace("%1", label).replace("%2", key))
            b.setAccessibleName(label)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, st=status: self.rate(st))
            self.buttons[status] = b
            self.group.addButton(b)
            widgets.append(b)
        self.buttons_row.set_widgets(widgets)
        if hasattr(self, "req"):
            self.update_enabled()

    def _build_findings_box(self) -> QGroupBox:
        findings_box = QGroupBox(self.tr("Findings"))
        fl = QVBoxLayout(findings_box)
        self.findings = QTreeWidget()
        self.findings.setColumnCount(5)
        self.findings.setHeaderLabels([self.tr("Priority"), self.tr("Observation"), self.tr("Recommendation"),
                                       self.tr("Owner"), self.tr("Due")])
        self.findings.setRootIsDecorated(False)
        self.findings.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.findings.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.findings.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.findings.setMinimumHeight(90)
        self.findings.itemDoubleClicked.connect(lambda *_: self.edit_finding())
        fb = QHBoxLayout()
        self.add_finding_button = QPushButton(self.tr("Add finding…"))
        self.edit_finding_button = QPushButton(self.tr("Edit…"))
        self.delete_finding_button = QPushButton(self.tr("Delete"))
        self.add_finding_button.clicked.connect(self.add_finding)
        self.edit_finding_button.clicked.connect(self.edit_finding)
        self.delete_finding_button.clicked.connect(self.delete_finding)
        for b2 in (self.add_finding_button, self.edit_finding_button, self.delete_finding_button):
            fb.addWidget(b2)
        fb.addStretch(1)
        fl.addWidget(self.findings)
        fl.addLayout(fb)
        return findings_box

    # ------------------------------------------------------------------------------------ binding

    def set_session(self, session: AssessmentSession | None) -> None:
        self.flush()
        self.session = session
        self.req = None
        if session is not None:
            self._build_buttons(session.model.scale)
            session.ratingsChanged.connect(self._on_ratings_changed)
            session.findingsChanged.connect(self._on_findings_changed)
            session.reloaded.connect(lambda: self.set_requirement(self.req.id if self.req else None))
            session.metaChanged.connect(self.update_enabled)
        self.set_requirement(None)

    def _on_ratings_changed(self, req_ids: list[str]) -> None:
        if self.req is not None and self.req.id in req_ids:
            self._show_rating()

    def _on_findings_changed(self, req_ids: list[str]) -> None:
        if self.req is not None and self.req.id in req_ids:
            self._show_findings()

    def _error(self, exc: CdassessError) -> None:
        messages.show_error(self, self.tr("The change was not saved"), exc)

    @property
    def _editors(self) -> list[QWidget]:
        return [*self.buttons.values(), *getattr(self, "_other_editors", [])]

    def update_enabled(self) -> None:
        editable = self.session is not None and self.session.editable and self.req is not None
        for w in self._editors:
            w.setEnabled(editable)

    def set_requirement(self, req_id: str | None) -> None:
        self.flush()
        s = self.session
        self.req = s.model.requirements.get(req_id) if (s is not None and req_id) else None
        shown = self.req is not None
        for w in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            w.setVisible(shown)
        self.placeholder.setVisible(not shown)
        if self.req is None or s is None:
            self.update_enabled()
            return
        r = self.req
        d, sub, item, _ = s.model.path_of(r.id)
        self.title.setText(f"{r.id} — {s.model.level(r.level).names.both()}")
        parts = [d.names.both(), *([] if sub.implicit else [sub.names.both()]), item.names.both()]
        self.path.setText("  ›  ".join(parts))
        self._show_languages(s.model.languages)
        markdown = s.model.format == FORMAT_V2  # v2 model text may be Markdown (DSOMM); CAICT's is plain
        for label, text in ((self.text_zh, r.text.zh), (self.text_en, r.text.en), (self.guidance_zh, r.guidance.zh),
                            (self.guidance_en, r.guidance.en)):
            _set_model_text(label, text, markdown)
        self._show_details(r, item)
        self.text_scroll.verticalScrollBar().setValue(0)
        types = ", ".join(evidence_type_label(t) for t in r.evidence_types) or "—"
        # An imported model's text is the source's own: no mark against a standard ("—").
        self.meta.setText(self.tr("Expected evidence: %1    Text: %2").replace("%1", types)
                          .replace("%2", provenance_label(r.provenance) if r.provenance else "—"))
        self._show_rating()
        self._show_findings()
        self.update_enabled()

    def _show_languages(self, languages: tuple[str, ...]) -> None:
        """Only the model's languages get a column: an English-only model shows no empty Chinese one."""
        zh, en = "zh" in languages, "en" in languages
        for w in (self.head_zh, self.text_zh, self.guidance_zh):
            w.setVisible(zh)
        for w in (self.head_en, self.text_en, self.guidance_en):
            w.setVisible(en)
        both = zh and en
        self.head_zh.setVisible(both)
        self.head_en.setVisible(both)
        self.texts_grid.setColumnStretch(0, 1 if zh else 0)
        self.texts_grid.setColumnStretch(1, 1 if en else 0)

    def _show_details(self, r: Requirement, item: Item) -> None:
        """Descriptions, references, tags and dependencies of the requirement and its item (v2 models)."""
        s = self.session
        if s is None:
            return
        lang = s.model.languages[0] if len(s.model.languages) == 1 else "both"
        parts: list[str] = []
        for title, text in ((self.tr("About the item"), item.description), (self.tr("About the requirement"),
                                                                              r.description)):
            shown = text.both("\n\n") if lang == "both" else text.get(lang)
            if shown and s.model.format == FORMAT_V2:
                parts.append(f"<p><b>{_html(title)}</b></p>{markdown_html(shown)}")
        refs = [*r.references, *item.references]
        if refs:
            links = "<br>".join(
                (f'<a href="{html.escape(x.url, quote=True)}">{_html(x.title)}</a>' if x.url.startswith(("https://", "http://"))
                 else _html(x.title + (f" — {x.url}" if x.url else ""))) for x in refs)
            parts.append(f"<p><b>{_html(self.tr('References'))}</b><br>{links}</p>")
        deps = [*r.depends_on, *item.depends_on]
        if deps:
            names = []
            for dep in deps:
                req_dep, item_dep = s.model.requirements.get(dep), s.model.items.get(dep)
                named = req_dep.text if req_dep is not None else item_dep.names if item_dep is not None else None
                names.append(_html(dep + (f" — {model_text(named, lang)}" if named is not None else "")))
            parts.append(f"<p><b>{_html(self.tr('Depends on (shown, not enforced)'))}</b><br>"
                         + "<br>".join(names) + "</p>")
        tags = [*r.tags, *item.tags]
        if tags:
            parts.append(f"<p><b>{_html(self.tr('Tags'))}</b> {_html(', '.join(dict.fromkeys(tags)))}</p>")
        self.details.setText("".join(parts))
        self.details.setVisible(bool(parts))

    def _show_claim(self) -> None:
        s, r = self.session, self.req
        if s is None or r is None:
            return
        c = s.claim(r.id)
        if c is None or c.is_blank:
            self.claim_icon.clear()
            self.claim.setText(self.tr("No claim from the questionnaire."))
        else:
            scale = s.model.scale
            self.claim_icon.setPixmap(icons.status_icon(scale.kind(c.status)).pixmap(20, 20))
            lines = [f"<b>{_html(status_label(c.status, scale))}</b>"]
            for label, value in ((self.tr("Evidence"), c.evidence_text), (self.tr("References"), c.evidence_refs),
                                 (self.tr("Owner"), c.owner), (self.tr("Comment"), c.comment)):
                if value:
                    lines.append(f"{label}: {_html(value)}")
            rating = s.rating(r.id).status
            if Status.UNRATED not in (c.status, rating) and c.status != rating:
                differs = self.tr("Differs from the assessor's rating (%1)").replace("%1", status_label(rating, scale))
                lines.append('<span style="color:#c62828">' + _html(differs) + "</span>")
            self.claim.setText("<br>".join(lines))
        self._show_previous()

    def _show_previous(self) -> None:
        """Last cycle's rating (re-assessment or model upgrade) below the claim, while it is to re-confirm."""
        s, r = self.session, self.req
        if s is None or r is None:
            return
        prev = s.previous.get(r.id)
        if prev is None:
            return
        label = s.label(prev.status)
        head = (self.tr("Last cycle: %1") if prev.reason == "reassess" else
                self.tr("Before the model changed (%2): %1").replace("%2", prev.reason.replace("_", " ")))
        text = f"<b>{_html(head.replace('%1', label))}</b>"
        if prev.note:
            text += f"<br>{_html(prev.note)}"
        if r.id in s.reconfirm:
            text += '<br><span style="color:#b26a00">' + _html(self.tr("To re-confirm")) + "</span>"
        self.claim.setText(self.claim.text() + "<hr>" + text)

    def _show_rating(self) -> None:
        s, r = self.session, self.req
        if s is None or r is None:
            return
        self._show_claim()
        rating = s.rating(r.id)
        for st, b in self.buttons.items():
            b.setChecked(st == rating.status and st != Status.UNRATED)
        if rating.updated_at:
            self.rating_info.setText(self.tr("%1, set by %2 at %3").replace("%1", s.label(rating.status))
                                     .replace("%2", rating.updated_by).replace("%3", when(rating.updated_at)))
        else:
            self.rating_info.setText(self.tr("Not rated yet."))
        self.review.blockSignals(True)
        self.review.setChecked(rating.needs_review)
        self.review.blockSignals(False)
        is_na = s.model.scale.needs_justification(rating.status)
        self.justification_label.setVisible(is_na)
        self.justification.setVisible(is_na)
        if not self.justification.hasFocus():
            self.justification.setText(rating.justification)
        if not self._note_timer.isActive() and self.note.toPlainText() != rating.note:
            self.note.blockSignals(True)
            self.note.setPlainText(rating.note)
            self.note.blockSignals(False)

    def _show_findings(self) -> None:
        s, r = self.session, self.req
        self.findings.clear()
        if s is None or r is None:
            return
        for f in s.findings(r.id):
            due = f.due_date or ""
            it = QTreeWidgetItem([priority_label(f.priority), f.observation, f.recommendation, f.owner, due])
            it.setData(0, Qt.ItemDataRole.UserRole, f)
            for col in (1, 2):
                it.setToolTip(col, it.text(col))
            self.findings.addTopLevelItem(it)

    # ------------------------------------------------------------------------------------ rating edits

    def _store(self, new: Rating, text: str, *, mergeable: bool = False) -> bool:
        s = self.session
        if s is None:
            return False
        try:
            old = s.set_rating(new)
        except CdassessError as exc:
            self._error(exc)
            self._show_rating()
            return False
        self.undo.push(RatingCommand(s, old, s.rating(new.req_id), text, self._error, mergeable=mergeable))
        self.ratingApplied.emit(new.req_id)
        return True

    def rate(self, status: str) -> bool:
        """Rate the shown requirement; N/A asks for the justification when there is none."""
        s, r = self.session, self.req
        if s is None or r is None or not s.editable:
            return False
        self.flush()
        current = s.rating(r.id)
        justification = current.justification
        if s.model.scale.needs_justification(status) and not justification:
            text = messages.ask_multiline(self, self.tr("%1 needs a justification").replace("%1", s.label(status)),
                                          self.tr("Why does %1 not apply?").replace("%1", r.id), required=True)
            if text is None or not text.strip():
                self._show_rating()
                return False
            justification = text.strip()
        new = current.with_changes(status=status, justification=justification)
        if new == current:
            self._show_rating()
            return False
        return self._store(new, self.tr("Rate %1 %2").replace("%1", r.id).replace("%2", s.label(status)))

    def toggle_review(self) -> None:
        if self.req is not None and self.session is not None and self.session.editable:
            self.review.setChecked(not self.review.isChecked())

    def _review_toggled(self, flag: bool) -> None:
        s, r = self.session, self.req
        if s is None or r is None:
            return
        self._store(s.rating(r.id).with_changes(needs_review=flag),
                    self.tr("Needs review %1").replace("%1", r.id))

    def _note_typed(self) -> None:
        self._note_timer.start()

    def save_note(self) -> None:
        self._note_timer.stop()
        s, r = self.session, self.req
        if s is None or r is None or not s.editable:
            return
        current = s.rating(r.id)
        note = self.note.toPlainText().strip()
        if note != current.note:
            self._store(current.with_changes(note=note), self.tr("Note on %1").replace("%1", r.id), mergeable=True)

    def save_justification(self) -> None:
        s, r = self.session, self.req
        if s is None or r is None or not s.editable:
            return
        current = s.rating(r.id)
        text = self.justification.text().strip()
        if not s.model.scale.needs_justification(current.status) or text == current.justification:
            return
        if not text:
            messages.error(self, self.tr("N/A needs a justification"),
                           self.tr("The justification of an N/A rating cannot be empty; it was kept."))
            self.justification.setText(current.justification)
            return
        self._store(current.with_changes(justification=text), self.tr("Justification of %1").replace("%1", r.id))

    def flush(self) -> None:
        """Save a note still being typed (before the shown requirement changes)."""
        if self._note_timer.isActive():
            self.save_note()

    # ------------------------------------------------------------------------------------ findings

    def _selected_finding(self) -> Finding | None:
        it = self.findings.currentItem()
        if it is None:
            return None
        f: Finding = it.data(0, Qt.ItemDataRole.UserRole)
        return f

    def add_finding(self) -> None:
        if self.req is None:
            return
        self._edit(Finding(None, self.req.id, ""))

    def edit_finding(self) -> None:
        f = self._selected_finding()
        if f is not None:
            self._edit(f)

    def _edit(self, finding: Finding) -> None:
        s = self.session
        if s is None or not s.editable:
            return
        from ui.dialogs import FindingDialog  # loaded when first used (start-up speed)

        dlg = FindingDialog(finding, self)
        while dlg.exec():
            try:
                old, new = s.save_finding(dlg.result_finding())
            except CdassessError as exc:
                self._error(exc)
                continue
            self.undo.push(SaveFindingCommand(s, old, new, self._error))
            return

    def delete_finding(self) -> None:
        s, f = self.session, self._selected_finding()
        if s is None or f is None or f.id is None:
            return
        try:
            old = s.delete_finding(f.id)
        except CdassessError as exc:
            self._error(exc)
            return
        self.undo.push(DeleteFindingCommand(s, old, self._error))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
