"""File > Portfolio…: the assessments table, the heat map, the percentile radar and the frequent gaps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from cdassess.catalogue import Catalogue
from cdassess.catalogue.sample import generate_portfolio
from ui.portfolio import PortfolioDialog


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("portfolio-ui")
    generate_portfolio(folder / "files", units=3, projects_per_unit=2, cycles=2)
    path = folder / "portfolio.sqlite"
    with Catalogue.open(path) as cat:
        cat.add([folder / "files"])
    return path


def test_portfolio_views(qtbot: Any, catalogue: Path, dialogs: Any) -> None:
    opened: list[Path] = []
    d = PortfolioDialog(None, catalogue, opened.append)
    qtbot.addWidget(d)
    with Catalogue.open(catalogue, readonly=True) as cat:
        report = cat.report()
    assert d.proxy.rowCount() == 12
    assert "12 assessments of 6 projects" in d.summary.text()
    # filter and sort
    d.filter.setText("Project 02-01")
    assert d.proxy.rowCount() == 2
    d.filter.setText("")
    d.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)  # level
    levels = [int(d.proxy.index(r, 6).data()) for r in range(d.proxy.rowCount())]
    assert levels == sorted(levels, reverse=True)
    # double-click opens the assessment file of that row
    index = d.proxy.index(0, 2)
    d._open_row(index)
    assert len(opened) == 1 and opened[0].suffix == ".cdassess" and opened[0].exists()
    # heat map: one row per project, one column per domain, the newest assessment's levels, coloured
    assert d.heat.rowCount() == 6 and d.heat.columnCount() == 8
    newest = {f"{t['organization']} / {t['project']}": t["assessments"][-1]["domains"] for t in report["trend"]}
    for r in range(6):
        label = d.heat.verticalHeaderItem(r).text()
        for c in range(1, 8):
            domain = d.heat.horizontalHeaderItem(c).text()
            assert d.heat.item(r, c).text() == str(newest[label][domain])
    fills = {d.heat.item(r, c).background().color().name() for r in range(6) for c in range(1, 8)}
    assert len(fills) > 1
    # the radar of the percentiles and the frequent gaps
    assert d.radar.renderer().isValid()
    assert d.gaps.rowCount() == len(report["frequent_gaps"]) > 0
    assert d.gaps.item(0, 1).text() == report["frequent_gaps"][0]["requirement"]
    # a unit filter narrows every view
    d.unit.setCurrentIndex(d.unit.findData("支付 Payments"))
    assert d.proxy.rowCount() == 4 and d.heat.rowCount() == 2
    assert dialogs.errors() == []


def test_portfolio_refuses_a_non_catalogue(qtbot: Any, tmp_path: Path, dialogs: Any) -> None:
    bad = tmp_path / "x.sqlite"
    bad.write_text("not a database")
    d = PortfolioDialog(None)
    qtbot.addWidget(d)
    assert d.load(bad) is False
    assert any("not a cdassess catalogue" in e for e in dialogs.errors())


def test_file_menu_has_portfolio(window: Any) -> None:
    texts = [a.text().replace("&", "") for a in window.menuBar().actions()[0].menu().actions()]
    assert "Portfolio…" in texts
