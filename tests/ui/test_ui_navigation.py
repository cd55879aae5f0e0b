"""Filters and search select the right requirements; the dashboard follows ratings and jumps to the tree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from uihelpers import press, select, visible_requirements

from cdassess.records import Claim
from cdassess.scoring import Status
from cdassess.services import Assessment


def _prepare(path: Path) -> None:
    with Assessment.open(path) as a:
        a.rate("A.X.1.L1", Status.MET)
        a.rate("A.X.1.L2", Status.NOT_MET, needs_review=True)
        a.rate("A.X.2.L1", Status.PARTIAL)
        a.rate("B.1.L1", Status.MET)
        a.set_claim(Claim("A.X.1.L2", Status.MET))  # differs from not met
        a.set_claim(Claim("A.X.1.L1", Status.MET))  # agrees
        a.set_claim(Claim("A.X.1.L3", Status.MET))  # not rated: nothing to differ from
        a.add_evidence_bytes("log.txt", b"build log", ["A.X.1.L1", "B.1.L1"])


def _choose(window: Any, key: str) -> list[str]:
    window.filter.setCurrentIndex(window.filter.findData(key))
    return visible_requirements(window)


def test_filters_select_the_right_requirements(window: Any, mini_path: Path) -> None:
    _prepare(mini_path)
    assert window.open_path(mini_path)
    all_ids = window.tree_model.requirement_ids()
    assert _choose(window, "all") == all_ids
    assert _choose(window, "unrated") == ["A.X.1.L3", "A.X.2.L3", "B.1.L2", "B.1.L3"]
    assert _choose(window, "not_met") == ["A.X.1.L2"]
    assert _choose(window, "partial") == ["A.X.2.L1"]
    assert _choose(window, "needs_review") == ["A.X.1.L2"]
    assert _choose(window, "claim_differs") == ["A.X.1.L2"]
    assert _choose(window, "no_evidence") == [r for r in all_ids if r not in ("A.X.1.L1", "B.1.L1")]
    assert window.match_label.text().startswith("6 ")
    # rating a requirement while filtered re-filters it away
    _choose(window, "unrated")
    select(window, "A.X.2.L3")
    press(window.tree, Qt.Key.Key_1)
    assert visible_requirements(window) == ["A.X.1.L3", "B.1.L2", "B.1.L3"]
    assert window.current_requirement() == "B.1.L2"  # carries on with the next one the filter shows
    press(window.tree, Qt.Key.Key_2)
    assert window.current_requirement() == "B.1.L3"


def test_search_in_chinese_and_english(window: Any, mini_path: Path) -> None:
    assert window.open_path(mini_path)
    window.search.setText("第2级")  # set programmatically: typing Chinese with QTest aborts Qt
    window._search_changed()
    assert visible_requirements(window) == ["A.X.1.L2", "B.1.L2"]
    window.search.clear()
    window.search.setFocus()
    for key in (Qt.Key.Key_B, Qt.Key.Key_Period, Qt.Key.Key_1, Qt.Key.Key_Period, Qt.Key.Key_L):
        QTest.keyClick(window.search, key)
    window._search_changed()
    assert visible_requirements(window) == ["B.1.L1", "B.1.L2", "B.1.L3"]
    window.search.setText("level 3 requirement A.X.2")
    window._search_changed()
    assert visible_requirements(window) == ["A.X.2.L3"]
    window.search.setText('"level 3 requirement" A.X')
    window._search_changed()
    assert visible_requirements(window) == ["A.X.1.L3", "A.X.2.L3"]
    window.search.setText('"3 level"')  # a quoted phrase must occur as written
    window._search_changed()
    assert visible_requirements(window) == []
    # search combines with a filter
    window.search.setText(".L1")
    window.filter.setCurrentIndex(window.filter.findData("unrated"))
    window._search_changed()
    assert visible_requirements(window) == ["A.X.1.L1", "A.X.2.L1", "B.1.L1"]


def test_dashboard_level_changes_when_a_blocker_is_rated_met(window: Any, mini_path: Path) -> None:
    with Assessment.open(mini_path) as a:
        for rid in a.model.requirements:
            if rid != "A.X.2.L1":
                a.rate(rid, Status.MET)
    assert window.open_path(mini_path)
    window.show()
    window.tabs.setCurrentIndex(1)
    dash = window.dashboard
    assert dash.table.item(0, 1).text() == "L0"
    assert "L0" in dash.headline.text()
    assert dash.blockers.topLevelItemCount() == 1
    blocker = dash.blockers.topLevelItem(0)
    assert blocker.text(0) == "A.X.2.L1"
    dash._blocker_activated(blocker)  # a click jumps to it in the tree
    assert window.current_requirement() == "A.X.2.L1"
    assert window.tabs.currentIndex() == 0
    press(window.tree, Qt.Key.Key_1)
    window.tabs.setCurrentIndex(1)
    assert dash.table.item(0, 1).text() == "L3"
    assert "L3" in dash.headline.text()
    assert window.tree_model.index_of("A", 1).data() == "L3 of L2"
    window.undo.undo()
    assert dash.table.item(0, 1).text() == "L0"


def test_dashboard_domain_row_jumps_to_the_domain(window: Any, mini_path: Path) -> None:
    assert window.open_path(mini_path)
    window.show()
    window.tabs.setCurrentIndex(1)
    window.dashboard._table_activated(window.dashboard.table.item(2, 0))
    idx = window.tree.currentIndex()
    assert idx.siblingAtColumn(0).data(Qt.ItemDataRole.UserRole).id == "B"


def test_dashboard_lists_every_finding_and_jumps(window: Any, demo_path: Path) -> None:
    assert window.open_path(demo_path)
    window.show()
    window.tabs.setCurrentIndex(1)
    findings = window.dashboard.findings
    with Assessment.open(demo_path, readonly=True) as a:
        assert findings.topLevelItemCount() == len(a.findings())
    rows = [findings.topLevelItem(i) for i in range(findings.topLevelItemCount())]
    assert rows[0].text(0) == "High"
    assert any(r.text(1) == "(general)" for r in rows)
    target = next(r for r in rows if r.text(1) == "CD.TM.TA.03.L3")
    window.dashboard._blocker_activated(target)
    assert window.current_requirement() == "CD.TM.TA.03.L3"


def test_a_2000_requirement_model_opens_without_a_widget_per_requirement(window: Any, tmp_path: Path) -> None:
    import measure_ui
    from PySide6.QtWidgets import QWidget

    from cdassess.model import load_model_file

    model_path = tmp_path / "synthetic.json"
    measure_ui._synthetic_model(model_path)
    model = load_model_file(model_path)
    assert len(model.requirements) == 2000
    big = tmp_path / "big.cdassess"
    with Assessment.create(big, organization="O", project="P", model=model, target_level=3) as a, \
            a.store.batch("rate some"):
        for k, rid in enumerate(model.requirements):
            if k % 4 == 0:
                a.rate(rid, Status.NOT_MET)
    assert window.open_path(big)
    widgets = len(window.findChildren(QWidget))
    assert widgets < 500, widgets  # views over item models, not a widget per requirement
    assert _choose(window, "not_met") == [r for k, r in enumerate(model.requirements) if k % 4 == 0]
    window.search.setText("I7.L")
    window._search_changed()
    shown = visible_requirements(window)  # not_met filter and search: items I7 rated not met
    assert shown == [r for k, r in enumerate(model.requirements) if k % 4 == 0 and r.split(".")[2] == "I7"]
    assert not window.next_unrated(1)  # the not-met filter shows no unrated requirement
    _choose(window, "all")
    window._search_escape()
    assert window.next_unrated(1)
    assert window.session.status(window.current_requirement()) == Status.UNRATED
