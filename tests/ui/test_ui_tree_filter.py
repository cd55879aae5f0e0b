"""What the tree shows under a filter or a search: the matching requirements unfolded with their ancestors,
kept in step with ratings (a rated row leaves "unrated", undo brings it back unfolded), folded back when the
filter is cleared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from uihelpers import press, select

from cdassess.scoring import Status
from cdassess.services import Assessment


def rows_on_screen(window: Any) -> list[str]:
    """The ids of the rows the tree shows unfolded, top to bottom (what a user scrolling it would read)."""
    tree = window.tree
    out = []
    idx = tree.model().index(0, 0)
    while idx.isValid():
        out.append(str(idx.data(Qt.ItemDataRole.UserRole).id))
        idx = tree.indexBelow(idx)
    return out


def _rate(path: Path) -> None:
    with Assessment.open(path) as a:
        a.rate("A.X.1.L1", Status.MET)
        a.rate("A.X.1.L2", Status.NOT_MET)
        a.rate("A.X.2.L1", Status.MET)
        a.rate("B.1.L1", Status.MET)


def test_a_filter_unfolds_exactly_the_matching_rows_and_folds_back(window: Any, mini_path: Path) -> None:
    _rate(mini_path)
    assert window.open_path(mini_path)
    folded = rows_on_screen(window)
    assert "A.X.1.L1" not in folded and "A" in folded  # at start: the domains unfolded, the items folded
    select(window, "B.1.L2")
    window.filter.setCurrentIndex(window.filter.findData("unrated"))
    assert rows_on_screen(window) == ["A", "A.X", "A.X.1", "A.X.1.L3", "A.X.2", "A.X.2.L3",
                                      "B", "B.1", "B.1.L2", "B.1.L3"]
    assert window.match_label.text() == "4 requirements match"
    assert window.current_requirement() == "B.1.L2"  # still selected: it is shown
    window.filter.setCurrentIndex(window.filter.findData("not_met"))
    assert rows_on_screen(window) == ["A", "A.X", "A.X.1", "A.X.1.L2"]
    window.filter.setCurrentIndex(0)
    shown = rows_on_screen(window)
    assert len(shown) < 6 + len(window.tree_model.requirement_ids())  # folded back, not everything unfolded
    assert set(window.tree_model.requirement_ids()) - set(shown)
    assert window.match_label.text() == ""


def test_search_finds_a_requirement_by_id_and_by_words(window: Any, mini_path: Path) -> None:
    assert window.open_path(mini_path)
    window.search.setText("b.1.l2")  # an id, in any case
    window._search_changed()
    assert rows_on_screen(window) == ["B", "B.1", "B.1.L2"]
    window.search.setText("level 3 A.X")  # words in any order, all of them
    window._search_changed()
    assert rows_on_screen(window) == ["A", "A.X", "A.X.1", "A.X.1.L3", "A.X.2", "A.X.2.L3"]
    window.search.setText('"3 requirement" item 2')  # quoted words together
    window._search_changed()
    assert rows_on_screen(window) == ["A", "A.X", "A.X.2", "A.X.2.L3"]
    window.search.setText("no such words")
    window._search_changed()
    assert rows_on_screen(window) == []
    assert window.match_label.text() == "0 requirements match"
    window._search_escape()
    assert "A" in rows_on_screen(window) and window.match_label.text() == ""


def _rate_with_dashboard_in_front(window: Any, rid: str, key: Qt.Key) -> None:
    select(window, rid)
    window.tabs.setCurrentWidget(window.dashboard)
    window.tree.setFocus()
    press(window.tree, key)


def _dashboard_row(window: Any, domain: str) -> list[str]:
    table = window.dashboard.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text().startswith(domain + " "))
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_rating_under_a_filter_updates_rows_levels_and_dashboard(window: Any, mini_path: Path) -> None:
    _rate(mini_path)
    assert window.open_path(mini_path)
    window.show()
    window.filter.setCurrentIndex(window.filter.findData("unrated"))
    _rate_with_dashboard_in_front(window, "A.X.2.L3", Qt.Key.Key_3)  # not met
    assert rows_on_screen(window) == ["A", "A.X", "A.X.1", "A.X.1.L3", "B", "B.1", "B.1.L2", "B.1.L3"]
    QApplication.processEvents()  # the count follows once per burst of changes
    assert window.match_label.text() == "3 requirements match"
    # rating the last unrated requirement of an item takes the item's row away, then its ancestors'
    _rate_with_dashboard_in_front(window, "A.X.1.L3", Qt.Key.Key_1)
    assert rows_on_screen(window) == ["B", "B.1", "B.1.L2", "B.1.L3"]
    assert window.tree_model.index_of("B", 1).data() == "L1 of L2"
    assert _dashboard_row(window, "B")[1:4] == ["L1", "L2", "1/2"]
    # B reaches its target L2 once B.1.L2 is met: in the tree and on the dashboard in front
    _rate_with_dashboard_in_front(window, "B.1.L2", Qt.Key.Key_1)
    assert window.tree_model.index_of("B", 1).data() == "L2 of L2"
    assert _dashboard_row(window, "B")[1:5] == ["L2", "L2", "2/2", "0"]
    # undo brings the requirements back into the filtered tree, unfolded, and the levels back down
    window.undo.undo()
    assert window.session.status("B.1.L2") == Status.UNRATED
    assert rows_on_screen(window) == ["B", "B.1", "B.1.L2", "B.1.L3"]
    window.tabs.setCurrentWidget(window.dashboard)  # undo showed the requirement: back to the dashboard
    assert _dashboard_row(window, "B")[1:5] == ["L1", "L2", "1/2", "1"]
    window.undo.undo()
    window.undo.undo()
    assert rows_on_screen(window) == ["A", "A.X", "A.X.1", "A.X.1.L3", "A.X.2", "A.X.2.L3",
                                      "B", "B.1", "B.1.L2", "B.1.L3"]


def test_a_large_match_unfolds_down_to_the_items(window: Any, mini_path: Path, monkeypatch: Any) -> None:
    import ui.main_window as mw

    monkeypatch.setattr(mw, "UNFOLD_LIMIT", 3)
    assert window.open_path(mini_path)
    window.search.setText("requirement")  # all 8 match
    window._search_changed()
    shown = rows_on_screen(window)
    assert "A.X.2" in shown and "A.X.2.L1" not in shown, shown  # items shown, folded
    assert window.current_requirement() == "A.X.1.L1" and "A.X.1.L1" in shown  # but the current one is shown
    assert "8 requirements match" in window.match_label.text() and "folded" in window.match_label.text()
    window.tree.expandAll()
    assert len(rows_on_screen(window)) == 6 + 8


def test_go_to_a_hidden_requirement_clears_the_filter(window: Any, mini_path: Path) -> None:
    _rate(mini_path)
    assert window.open_path(mini_path)
    window.filter.setCurrentIndex(window.filter.findData("not_met"))
    assert window.go_to("B.1.L3")
    assert window.filter.currentIndex() == 0
    assert window.current_requirement() == "B.1.L3"
    assert "B.1.L3" in rows_on_screen(window)
    assert window.proxy.mapFromSource(window.tree_model.index_of("B.1.L3")) != QModelIndex()
