"""File > Portfolio…: a catalogue of many assessments (a SQLite catalogue, read directly, read-only).

The assessments table (filter, sort, double-click opens one in the main window), a heat map of domain levels
across projects, the radar of the domain percentiles, and the most frequent gaps. Every number comes from
cdassess.catalogue (the same answers as ``cdassess catalogue report``); this module only shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cdassess.errors import CdassessError
from ui import messages

# Heat map fills per level (light to dark, so a grey print still orders them); text turns white on dark fills.
HEAT = ["#f4d6d2", "#fbe7c6", "#fdf3c4", "#d9ecc9", "#9fd0a6", "#4f9c68", "#24613c"]
COLUMNS = ("unit", "organization", "project", "assessed_on", "model", "status", "overall_level", "target_level",
           "gaps")


def heat_colour(level: int | None, top: int = 5) -> tuple[QColor, QColor]:
    if level is None:
        return QColor("#ffffff"), QColor("#777777")
    i = max(0, min(level, len(HEAT) - 1, top + 1))
    return QColor(HEAT[i]), QColor("#ffffff" if i >= 5 else "#1a1a1a")


class PortfolioDialog(QDialog):
    """The portfolio of one catalogue. ``open_assessment(path)`` is called on a double-clicked row."""

    def __init__(self, parent: QWidget | None, catalogue: Path | None = None,
                 open_assessment: Callable[[Path], object] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Portfolio"))
        self.resize(1100, 720)
        self.open_assessment = open_assessment
        self.catalogue: Path | None = None
        self.report: dict[str, Any] | None = None
        self.rows: list[dict[str, Any]] = []

        self.path_label = QLabel(self.tr("No catalogue open"))
        choose = QPushButton(self.tr("Open catalogue…"))
        choose.clicked.connect(self.choose)
        self.unit = QComboBox()
        self.unit.currentIndexChanged.connect(lambda _i: self.refresh())
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter: organization, project, unit, model…"))
        self.filter.setClearButtonEnabled(True)
        top = QHBoxLayout()
        top.addWidget(self.path_label, 1)
        top.addWidget(QLabel(self.tr("Unit:")))
        top.addWidget(self.unit)
        top.addWidget(choose)
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._table_page(), self.tr("Assessments"))
        self.heat = QTableWidget()
        self.heat.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.tabs.addTab(self.heat, self.tr("Heat map"))
        self.tabs.addTab(self._radar_page(), self.tr("Percentiles"))
        self.gaps = QTableWidget()
        self.gaps.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.gaps.verticalHeader().setVisible(False)
        self.tabs.addTab(self.gaps, self.tr("Frequent gaps"))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(close)
        if catalogue is not None:
            self.load(catalogue)

    def _table_page(self) -> QWidget:
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels([self.tr("Unit"), self.tr("Organization"), self.tr("Project"),
                                              self.tr("Date"), self.tr("Model"), self.tr("Status"),
                                              self.tr("Level"), self.tr("Target"), self.tr("Gaps")])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open_row)
        table_page = QWidget()
        tl = QVBoxLayout(table_page)
        tl.setContentsMargins(0, 4, 0, 0)
        tl.addWidget(self.filter)
        tl.addWidget(self.table, 1)
        return table_page

    def _radar_page(self) -> QWidget:
        self.radar = QSvgWidget()
        self.radar_note = QLabel()
        page = QWidget()
        rl = QVBoxLayout(page)
        rl.addWidget(self.radar, 1)
        rl.addWidget(self.radar_note)
        return page

    # ------------------------------------------------------------------------------------ loading

    def choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Open a catalogue"), "",
                                              self.tr("Catalogues (*.sqlite *.db);;All files (*)"))
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> bool:
        from cdassess.catalogue import Catalogue

        try:
            Catalogue.open(path, readonly=True).close()
        except CdassessError as exc:
            messages.show_error(self, self.tr("Open a catalogue"), exc)
            return False
        self.catalogue = path
        self.path_label.setText(str(path))
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem(self.tr("All units"), None)
        with Catalogue.open(path, readonly=True) as cat:
            for u in sorted({r["business_unit"] for r in cat.assessments()}):
                self.unit.addItem(u or self.tr("(no unit)"), u)
        self.unit.blockSignals(False)
        return self.refresh()

    def refresh(self) -> bool:
        from cdassess.catalogue import Catalogue

        if self.catalogue is None:
            return False
        unit = self.unit.currentData()
        try:
            with Catalogue.open(self.catalogue, readonly=True) as cat:
                self.rows = cat.assessments(unit=unit)
                self.report = cat.report(unit=unit)
        except CdassessError as exc:
            messages.show_error(self, self.tr("Portfolio"), exc)
            return False
        self._fill_table()
        self._fill_heat()
        self._fill_radar()
        self._fill_gaps()
        rep = self.report
        met = sum(1 for p in rep["projects"] if p["target_met"])
        self.summary.setText(self.tr("%1 assessments of %2 projects; %3 projects meet their target; %4 open findings")
                             .replace("%1", str(rep["assessments"])).replace("%2", str(rep["projects_count"]))
                             .replace("%3", str(met)).replace("%4", str(rep["open_findings"]["total"])))
        return True

    # ------------------------------------------------------------------------------------ views

    def _fill_table(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for r in self.rows:
            values = [r["business_unit"], r["organization"], r["project"], r["assessed_on"],
                      f"{r['model_id']} {r['model_version']}", r["status"], r["overall_level"], r["target_level"],
                      r["gaps"]]
            items = []
            for v in values:
                it = QStandardItem(str(v))
                it.setData(v, Qt.ItemDataRole.UserRole)
                items.append(it)
            items[0].setData(r["source_path"], Qt.ItemDataRole.UserRole + 1)
            self.model.appendRow(items)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    def _fill_heat(self) -> None:
        from cdassess.catalogue.output import heat_map

        assert self.report is not None
        domains, rows = heat_map(self.report)
        self.heat.clear()
        self.heat.setColumnCount(len(domains) + 1)
        self.heat.setRowCount(len(rows))
        names = {d["id"]: d["name_en"] for d in self.report["domains"]}
        self.heat.setHorizontalHeaderLabels([self.tr("Unit"), *domains])
        for c, d in enumerate(domains, 1):
            head = self.heat.horizontalHeaderItem(c)
            if head is not None:
                head.setToolTip(names.get(d, d))
        for r, (label, unit, levels) in enumerate(rows):
            self.heat.setVerticalHeaderItem(r, QTableWidgetItem(label))
            self.heat.setItem(r, 0, QTableWidgetItem(unit))
            for c, lv in enumerate(levels, 1):
                it = QTableWidgetItem("—" if lv is None else str(lv))
                fill, ink = heat_colour(lv)
                it.setBackground(QBrush(fill))
                it.setForeground(QBrush(ink))
                it.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                it.setToolTip(self.tr("%1: %2 level %3").replace("%1", label).replace("%2", domains[c - 1])
                              .replace("%3", "—" if lv is None else str(lv)))
                self.heat.setItem(r, c, it)
        self.heat.resizeColumnsToContents()

    def _fill_radar(self) -> None:
        from cdassess.catalogue.output import percentile_radar_svg

        assert self.report is not None
        svg = percentile_radar_svg(self.report)
        if svg is None:
            self.radar.load(QByteArray())
            self.radar_note.setText(self.tr("The radar needs assessments of one model that this installation has."))
            return
        self.radar.load(QByteArray(svg))
        self.radar.renderer().setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self.radar_note.setText(self.tr("25th, 50th and 75th percentile of each domain's level over the selected "
                                        "assessments"))

    def _fill_gaps(self) -> None:
        assert self.report is not None
        gaps = self.report["frequent_gaps"]
        self.gaps.clear()
        self.gaps.setColumnCount(4)
        self.gaps.setRowCount(len(gaps))
        self.gaps.setHorizontalHeaderLabels([self.tr("Assessments"), self.tr("Requirement"), self.tr("Level"),
                                             self.tr("Text")])
        for r, g in enumerate(gaps):
            for c, v in enumerate((g["count"], g["requirement"], g["level"], f"{g['text_zh']}\n{g['text_en']}")):
                self.gaps.setItem(r, c, QTableWidgetItem(str(v)))
        self.gaps.horizontalHeader().setStretchLastSection(True)
        self.gaps.resizeColumnsToContents()
        self.gaps.resizeRowsToContents()

    def _open_row(self, index: Any) -> None:
        src = self.proxy.mapToSource(index)
        path = self.model.item(src.row(), 0).data(Qt.ItemDataRole.UserRole + 1)
        if not path or self.open_assessment is None:
            return
        if not Path(path).exists():
            messages.show_error(self, self.tr("Open"), CdassessError(f"{path}: the file is no longer there"))
            return
        self.open_assessment(Path(path))


def open_portfolio(window: Any) -> PortfolioDialog:
    """File > Portfolio…: a non-modal dialog; double-clicking an assessment opens it read-only."""
    dialog = PortfolioDialog(window, None, lambda p: window.open_path(p, readonly=True))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.choose()
    return dialog
