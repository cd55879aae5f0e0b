"""The dashboard: overall and per-domain level against the target (chart and table), progress, gaps and the
requirements that block the next level, each clickable to jump to it in the tree."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen, QPixmap, QShowEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cdassess.model import Model
from cdassess.scoring import LevelReport
from ui import icons
from ui.labels import model_text, priority_label, score_figure, status_label
from ui.session import AssessmentSession

IdRole = Qt.ItemDataRole.UserRole
CHART_CACHE = 16  # recent chart pictures kept (each a parsed SVG of a few kB)
WARM_UP_DELAY_MS = 1500  # after start-up, while the assessor reads the first requirement

_CLIP_PATH = re.compile(rb"<clipPath\b.*?</clipPath>", re.DOTALL)

SvgFn = Callable[..., bytes]  # (model, report, target, lang, **size) -> SVG


def chart_svg_function() -> SvgFn | None:
    """The report's radar chart (imported on first use: it loads ReportLab), or None when ReportLab is absent."""
    try:
        from cdassess.reports.charts import level_radar_svg
    except ImportError:
        return None
    return level_radar_svg


_warmed = threading.Event()


def warm_up_chart(model: Model, report: LevelReport, target: int) -> None:
    """Draw one chart in a background thread and throw it away: importing ReportLab and registering the CJK
    font take a few hundred ms once, which would otherwise freeze the window when the dashboard is first
    opened. (Pure computation on frozen objects; the font registry is guarded by a lock.)"""
    if _warmed.is_set():
        return
    _warmed.set()

    def run() -> None:
        fn = chart_svg_function()
        if fn is not None:
            with contextlib.suppress(Exception):  # only a warm-up; the real draw reports problems
                fn(model, report, target, "both")

    threading.Thread(target=run, name="cdassess-chart-warm-up").start()


class LevelChart(QWidget):
    """The report's radar chart rendered from SVG; a simple bar chart drawn here when that is unavailable."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(280, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.renderer: QSvgRenderer | None = None
        self.bars: list[tuple[str, int]] = []
        self.target = 0
        self.max_level = 5
        self.svg_error = ""
        self._pixmap: QPixmap | None = None
        self._generation = 0  # which picture the pixmap shows
        self._pixmap_key: tuple[object, ...] = ()

    def set_svg(self, svg: bytes) -> QSvgRenderer | None:
        """Show an SVG chart; returns its renderer (to keep for the same picture later) or None if invalid."""
        # QtSvg draws ReportLab's <clipPath> rectangle as a filled black box; the clip is a no-op anyway.
        svg = _CLIP_PATH.sub(b"", svg).replace(b' style="clip-path: url(#clip)"', b"")
        renderer = QSvgRenderer(QByteArray(svg), self)
        if not renderer.isValid():
            return None
        self.set_renderer(renderer)
        return renderer

    def set_renderer(self, renderer: QSvgRenderer) -> None:
        if renderer is not self.renderer:
            self.renderer = renderer
            self._generation += 1
        self.update()

    def set_bars(self, bars: list[tuple[str, int]], target: int, max_level: int) -> None:
        self.renderer = None
        self.bars, self.target, self.max_level = bars, target, max_level
        self.update()

    def _picture(self, renderer: QSvgRenderer) -> QPixmap:
        """The chart drawn at the widget's size, kept until the picture or the size changes (repaints are
        frequent: every rating repaints the dashboard)."""
        ratio = self.devicePixelRatioF()
        key = (self._generation, self.width(), self.height(), ratio)
        if self._pixmap is None or self._pixmap_key != key:
            pm = QPixmap(int(self.width() * ratio), int(self.height() * ratio))
            pm.setDevicePixelRatio(ratio)
            pm.fill(QColor("white"))
            painter = QPainter(pm)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            size = renderer.defaultSize().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = (self.width() - size.width()) / 2
            y = (self.height() - size.height()) / 2
            renderer.render(painter, QRectF(x, y, size.width(), size.height()))
            painter.end()
            self._pixmap, self._pixmap_key = pm, key
        return self._pixmap

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 380)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        if self.renderer is not None:
            p.drawPixmap(0, 0, self._picture(self.renderer))
            p.end()
            return
        self._paint_bars(p)
        p.end()

    def _paint_bars(self, p: QPainter) -> None:
        if not self.bars:
            return
        fm = p.fontMetrics()
        label_w = min(max(fm.horizontalAdvance(name) for name, _ in self.bars) + 12, self.width() // 2)
        top, row_h = 12, max(fm.height() + 8, (self.height() - 24) // max(len(self.bars), 1))
        span = max(self.width() - label_w - 30, 50)
        scale = span / max(self.max_level, 1)
        for i, (name, level) in enumerate(self.bars):
            y = top + i * row_h
            p.setPen(QColor("#222"))
            p.drawText(QRectF(4, y, label_w - 8, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(name, Qt.TextElideMode.ElideRight, label_w - 8))
            reached = level >= self.target
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QBrush(QColor(icons.REACHED if reached else icons.BELOW)))
            p.drawRect(QRectF(label_w, y + row_h * 0.2, max(level, 0) * scale, row_h * 0.6))
            p.setPen(QColor("#222"))
            p.drawText(QRectF(label_w + max(level, 0) * scale + 4, y, 30, row_h), Qt.AlignmentFlag.AlignVCenter,
                       str(level))
        x = label_w + self.target * scale
        p.setPen(QPen(QColor("#8c2119"), 2, Qt.PenStyle.DashLine))
        p.drawLine(int(x), top, int(x), top + row_h * len(self.bars))


class Dashboard(QWidget):
    """Overall and per-domain levels; gaps and blockers. ``requirementActivated`` / ``nodeActivated`` jump."""

    requirementActivated = Signal(str)  # noqa: N815
    nodeActivated = Signal(str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: AssessmentSession | None = None
        self.text_language = "both"
        self.ui_language = "en"  # the table names domains in one language when model text is "both"
        self._dirty = True
        self._findings_dirty = True
        self._rows: dict[int, tuple[object, ...]] = {}  # what each table row shows (unchanged rows are skipped)
        self._blockers_shown: tuple[object, ...] = ()
        self._blockers_lang = ""
        self._chart_key: tuple[object, ...] = ()
        self._charts: dict[tuple[object, ...], QSvgRenderer] = {}  # recent pictures, least recent first
        self._svg_fn: SvgFn | bool | None = False  # looked up when the first chart is drawn (start-up speed)
        self._chart_timer = QTimer(self, singleShot=True, interval=0)
        self._chart_timer.timeout.connect(self._update_chart)

        self._build_head()

        self.chart = LevelChart()
        self._build_table()
        self._build_blockers()
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.chart)
        top.addWidget(self.table)
        top.setStretchFactor(0, 1)
        top.setStretchFactor(1, 1)
        top.setSizes([520, 480])
        blockers_page = QWidget()
        bl = QVBoxLayout(blockers_page)
        bl.setContentsMargins(4, 4, 4, 4)
        bl.addWidget(self.blockers_label)
        bl.addWidget(self.blockers)
        self._build_findings()
        bottom = QTabWidget()
        bottom.addTab(blockers_page, self.tr("Blocking the next level"))
        bottom.addTab(self.findings, self.tr("All findings"))
        self.bottom_tabs = bottom
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        head = QHBoxLayout()
        head.addWidget(self.headline, 3)
        head.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.gap_label)
        layout.addWidget(split, 1)

    def _build_head(self) -> None:
        self.headline = QLabel()
        self.headline.setObjectName("dashboardHeadline")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.headline.setFont(font)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.gap_label = QLabel()
        self.gap_label.setWordWrap(True)

    def _build_table(self) -> None:
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("Domain"), self.tr("Level"), self.tr("Target"),
                                              self.tr("Progress"), self.tr("Gaps")])
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)  # full domain names, wrapped (the tooltip has both languages)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, 5):
            self.table.horizontalHeader().setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemActivated.connect(self._table_activated)
        self.table.itemClicked.connect(self._table_activated)

    def _build_findings(self) -> None:
        self.findings = QTreeWidget()
        self.findings.setColumnCount(5)
        self.findings.setHeaderLabels([self.tr("Priority"), self.tr("Requirement"), self.tr("Observation"),
                                       self.tr("Owner"), self.tr("Due")])
        self.findings.setRootIsDecorated(False)
        self.findings.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.findings.header().setStretchLastSection(False)
        self.findings.itemActivated.connect(self._blocker_activated)
        self.findings.itemDoubleClicked.connect(self._blocker_activated)

    def _show_findings(self) -> None:
        s = self.session
        self.findings.clear()
        if s is None:
            return
        rank = {"high": 0, "medium": 1, "low": 2}
        items = []
        for f in sorted(s.assessment.findings(), key=lambda f: (rank.get(f.priority, 3), f.req_id or "")):
            it = QTreeWidgetItem([priority_label(f.priority), f.req_id or self.tr("(general)"), f.observation,
                                  f.owner, f.due_date])
            it.setData(0, IdRole, f.req_id or "")
            it.setToolTip(2, f"{f.observation}\n\n{f.recommendation}")
            items.append(it)
        self.findings.addTopLevelItems(items)
        for col in (0, 1, 3, 4):
            self.findings.resizeColumnToContents(col)
        self.bottom_tabs.setTabText(1, self.tr("All findings (%1)").replace("%1", str(len(items))))

    def _build_blockers(self) -> None:
        self.blockers_label = QLabel()
        self.blockers_label.setWordWrap(True)
        self.blockers = QTreeWidget()
        self.blockers.setColumnCount(3)
        self.blockers.setHeaderLabels([self.tr("Requirement"), self.tr("Rating"), self.tr("Text")])
        self.blockers.setRootIsDecorated(False)
        self.blockers.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.blockers.header().setStretchLastSection(True)
        self.blockers.itemActivated.connect(self._blocker_activated)
        self.blockers.itemClicked.connect(self._blocker_activated)

    def set_session(self, session: AssessmentSession | None) -> None:
        self.session = session
        self._rows.clear()
        self._blockers_shown = ()
        self._chart_key = ()
        self._charts.clear()
        self._findings_dirty = True
        if session is not None:
            s = session
            QTimer.singleShot(WARM_UP_DELAY_MS, self, lambda: warm_up_chart(s.model, s.report, s.target))
            session.ratingsChanged.connect(self.mark_dirty)
            session.reloaded.connect(self._findings_changed)
            session.metaChanged.connect(self.mark_dirty)
            session.findingsChanged.connect(self._findings_changed)
        self.mark_dirty()

    def set_text_language(self, lang: str) -> None:
        self.text_language = lang
        self._rows.clear()
        self._chart_key = ()
        self.mark_dirty()

    def _findings_changed(self, *_: object) -> None:
        self._findings_dirty = True
        self.mark_dirty()

    def mark_dirty(self, *_: object) -> None:
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    # ------------------------------------------------------------------------------------ content

    def refresh(self) -> None:
        s = self.session
        self._dirty = False
        if s is None:
            return
        model, report, target = s.model, s.report, s.target
        # gaps, progress and blockers from the session's LiveLevels: kept per item by the engine, so a rating
        # costs its own item, not a pass over every requirement
        missing = s.live.unsatisfied(target)
        per_domain: dict[str, int] = {}
        for r in missing:
            dom_id = model.items[r.item_id].domain_id
            per_domain[dom_id] = per_domain.get(dom_id, 0) + 1
        dom_progress = s.live.progress_by_domain(target)
        rated = sum(a for a, _ in dom_progress.values())
        total = sum(b for _, b in dom_progress.values())

        reached = report.overall >= target
        headline = (self.tr("Overall level L%1 of target L%2").replace("%1", str(report.overall))
                    .replace("%2", str(target)))
        figure = score_figure(model, report)
        if figure:  # SAMM: 1.43 / 3, DSOMM: 62 % - the figure the model's rule defines, before the level
            headline = self.tr("Score %1 · %2").replace("%1", figure).replace("%2", headline)
        self.headline.setText(headline)
        self.headline.setStyleSheet(f"color: {icons.REACHED if reached else icons.BELOW};")
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(rated)
        self.progress.setFormat(self.tr("%1 of %2 rated").replace("%1", str(rated)).replace("%2", str(total)))
        self.gap_label.setText(self.tr("%1 gaps to the target level (requirements up to L%2 not satisfied)")
                               .replace("%1", str(len(missing))).replace("%2", str(target)))

        if self.table.rowCount() != len(model.domains) + 1:
            self.table.setRowCount(len(model.domains) + 1)
            self._rows.clear()
        changed = self._set_row(0, self.tr("Overall"), "", report.overall, target, rated, total, len(missing),
                                bold=True)
        for i, d in enumerate(model.domains, start=1):
            a, b = dom_progress.get(d.id, (0, 0))
            lang = self.ui_language if self.text_language == "both" else self.text_language
            if self._set_row(i, f"{d.id}  {model_text(d.names, lang)}", d.id, report.domains[d.id],
                             target, a, b, per_domain.get(d.id, 0)):
                changed = True
                name_item = self.table.item(i, 0)
                if name_item is not None:
                    name_item.setToolTip("\n".join(x for x in (d.id, d.names.zh, d.names.en) if x))
        if changed:
            self.table.resizeRowsToContents()
        self._show_blockers()
        if self._findings_dirty:
            self._findings_dirty = False
            self._show_findings()
        key = (tuple(report.domains.items()), target, self.text_language)
        if key != self._chart_key:
            self._chart_key = key
            self._chart_timer.start()

    def _show_blockers(self) -> None:
        s = self.session
        assert s is not None
        model, report = s.model, s.report
        nxt = min(report.overall + 1, model.max_level)
        if report.overall >= model.max_level:
            self._blockers_shown = ()
            self.blockers.clear()
            self.blockers_label.setText(self.tr("The top level is reached; nothing blocks."))
        else:
            blocking = s.live.blockers(nxt)
            shown = (nxt, *((r.id, s.status(r.id)) for r in blocking))
            if shown == self._blockers_shown and self.text_language == self._blockers_lang:
                return  # the same list: no rebuild
            self._blockers_shown, self._blockers_lang = shown, self.text_language
            self.blockers.clear()
            self.blockers_label.setText(self.tr("%1 requirements block level L%2 (double-click to open):")
                                        .replace("%1", str(len(blocking))).replace("%2", str(nxt)))
            items = []
            for r in blocking:
                st = s.status(r.id)
                it = QTreeWidgetItem([r.id, status_label(st, s.model.scale), model_text(r.text, self.text_language)])
                it.setIcon(1, icons.status_icon(s.model.scale.kind(st)))
                it.setData(0, IdRole, r.id)
                it.setToolTip(2, f"{r.text.zh}\n{r.text.en}")
                items.append(it)
            self.blockers.addTopLevelItems(items)
            self.blockers.resizeColumnToContents(0)
            self.blockers.resizeColumnToContents(1)

    def _set_row(self, row: int, name: str, node_id: str, level: int, target: int, rated: int, total: int,
                 n_gaps: int, *, bold: bool = False) -> bool:
        """Fill one row of the table; False (and nothing touched) when it already shows these values."""
        s = self.session
        figure = score_figure(s.model, s.report, node_id or None) if s is not None else ""
        shown = f"{figure} (L{level})" if figure else f"L{level}"
        values = [name, shown, f"L{target}", f"{rated}/{total}", str(n_gaps)]
        key = (*values, node_id, level >= target)
        old = self._rows.get(row)
        if old == key:
            return False
        self._rows[row] = key
        for col, text in enumerate(values):
            item = self.table.item(row, col)
            if item is None:
                item = QTableWidgetItem()
                self.table.setItem(row, col, item)
            elif old is not None and old[col] == text and old[5:] == key[5:]:
                continue  # this cell shows the same (a rating usually changes one count)
            item.setText(text)
            item.setData(IdRole, node_id)
            if bold:
                f = item.font()
                f.setBold(True)
                item.setFont(f)
            if col == 1:
                item.setForeground(QBrush(QColor(icons.REACHED if level >= target else icons.BELOW)))
                item.setIcon(icons.level_icon(level >= target))
        return True

    def _update_chart(self) -> None:
        s = self.session
        if s is None:
            return
        lang = self.text_language
        key = (s.model.id, s.model.version, tuple(s.report.domains.items()), s.target, lang)
        cached = self._charts.pop(key, None)
        if cached is not None:  # the same picture again (a rating toggled back, undo): no new drawing
            self._charts[key] = cached
            self.chart.set_renderer(cached)
            return
        if self._svg_fn is False:
            self._svg_fn = chart_svg_function()
        if callable(self._svg_fn):
            try:
                # labels at about the body font size once the picture is scaled into its pane (a projector
                # shows them): bigger label type and room for it in a slightly taller drawing
                renderer = self.chart.set_svg(self._svg_fn(s.model, s.report, s.target, lang, width=480,
                                                           height=440, label_size=14.0, label_w=124.0))
                if renderer is not None:
                    self._charts[key] = renderer
                    while len(self._charts) > CHART_CACHE:
                        self._charts.pop(next(iter(self._charts))).deleteLater()
                return
            except Exception as exc:  # the chart is decoration; fall back to bars, keep working
                self.chart.svg_error = str(exc)
        bars = [(model_text(d.names, "en" if lang == "both" else lang), s.report.domains[d.id])
                for d in s.model.domains]
        self.chart.set_bars(bars, s.target, s.model.max_level)

    def _table_activated(self, item: QTableWidgetItem) -> None:
        node_id = item.data(IdRole)
        if node_id:
            self.nodeActivated.emit(str(node_id))

    def _blocker_activated(self, item: QTreeWidgetItem, _col: int = 0) -> None:
        rid = item.data(0, IdRole)
        if rid:
            self.requirementActivated.emit(str(rid))
