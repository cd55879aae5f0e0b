"""Rating through the window reaches the file; undo restores the earlier rating in the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from uihelpers import press, select

from cdassess.scoring import Status
from cdassess.services import Assessment


def _stored(path: Path, req_id: str) -> Any:
    with Assessment.open(path, readonly=True) as a:
        return a.rating(req_id)


def test_keyboard_rating_reaches_the_file(window: Any, mini_path: Path) -> None:
    assert window.open_path(mini_path)
    select(window, "A.X.1.L2")
    press(window.tree, Qt.Key.Key_1)
    assert window.session.status("A.X.1.L2") == Status.MET
    press(window.tree, Qt.Key.Key_3)
    window.close()
    assert window.session is None  # closed: the file is released
    stored = _stored(mini_path, "A.X.1.L2")
    assert stored.status == Status.NOT_MET
    assert stored.updated_by == "tester"


def test_undo_and_redo_restore_ratings_in_the_file(window: Any, mini_path: Path) -> None:
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    press(window.tree, Qt.Key.Key_2)
    window.requirement_pane.note.setPlainText("seen in the wiki")
    window.requirement_pane.save_note()
    press(window.tree, Qt.Key.Key_1)
    assert _stored(mini_path, "A.X.1.L1").status == Status.MET
    window.undo.undo()
    assert _stored(mini_path, "A.X.1.L1").status == Status.PARTIAL
    assert _stored(mini_path, "A.X.1.L1").note == "seen in the wiki"
    window.undo.undo()  # the note
    window.undo.undo()  # the first rating
    old = _stored(mini_path, "A.X.1.L1")
    assert old.status == Status.UNRATED and old.note == ""
    assert window.session.status("A.X.1.L1") == Status.UNRATED
    assert window.tree_model.index_of("A.X.1.L1", 1).data() == "Unrated"
    window.undo.redo()
    assert _stored(mini_path, "A.X.1.L1").status == Status.PARTIAL


def test_na_asks_for_a_justification_and_cancel_changes_nothing(window: Any, mini_path: Path,
                                                                dialogs: Any) -> None:
    assert window.open_path(mini_path)
    select(window, "B.1.L1")
    dialogs.texts = [None, "no such system here"]
    press(window.tree, Qt.Key.Key_4)
    assert window.session.status("B.1.L1") == Status.UNRATED
    press(window.tree, Qt.Key.Key_4)
    stored = _stored(mini_path, "B.1.L1")
    assert stored.status == Status.NA and stored.justification == "no such system here"
    assert dialogs.kinds() == ["ask_text", "ask_text"]


def test_needs_review_and_clear(window: Any, mini_path: Path) -> None:
    assert window.open_path(mini_path)
    select(window, "A.X.2.L1")
    press(window.tree, Qt.Key.Key_2)
    window.requirement_pane.toggle_review()
    assert _stored(mini_path, "A.X.2.L1").needs_review
    press(window.tree, Qt.Key.Key_0)
    stored = _stored(mini_path, "A.X.2.L1")
    assert stored.status == Status.UNRATED and stored.needs_review


def test_next_unrated_by_keyboard(window: Any, mini_path: Path, qtbot: Any) -> None:
    assert window.open_path(mini_path)
    window.show()
    qtbot.waitExposed(window)
    select(window, "A.X.1.L1")
    press(window.tree, Qt.Key.Key_1)
    press(window.tree, Qt.Key.Key_1)  # rated twice: still one requirement
    assert window.next_unrated(1)
    assert window.current_requirement() == "A.X.1.L2"
    select(window, "A.X.1.L1")
    assert window.next_unrated(-1)
    assert window.current_requirement() == "B.1.L3"  # wraps around


def test_findings_are_saved_and_undone(window: Any, mini_path: Path) -> None:
    from cdassess.records import Finding
    from ui.commands import DeleteFindingCommand, SaveFindingCommand

    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    s = window.session
    old, new = s.save_finding(Finding(None, "A.X.1.L1", "no rollback drill", "drill monthly", "ops",
                                      "2027-01-31", "high"))
    window.undo.push(SaveFindingCommand(s, old, new))
    assert window.requirement_pane.findings.topLevelItemCount() == 1
    assert window.requirement_pane.findings.topLevelItem(0).text(1) == "no rollback drill"
    removed = s.delete_finding(new.id)
    window.undo.push(DeleteFindingCommand(s, removed))
    assert window.requirement_pane.findings.topLevelItemCount() == 0
    window.undo.undo()
    with Assessment.open(mini_path, readonly=True) as a:
        assert [f.observation for f in a.findings("A.X.1.L1")] == ["no rollback drill"]
    window.undo.undo()
    with Assessment.open(mini_path, readonly=True) as a:
        assert a.findings("A.X.1.L1") == []


def test_undo_shows_the_requirement_it_changes(window: Any, mini_path: Path) -> None:
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    press(window.tree, Qt.Key.Key_1)
    select(window, "B.1.L2")
    window.undo.undo()
    assert window.current_requirement() == "A.X.1.L1"
    assert window.session.status("A.X.1.L1") == Status.UNRATED
    select(window, "B.1.L2")
    window.undo.redo()
    assert window.current_requirement() == "A.X.1.L1"
    assert window.session.status("A.X.1.L1") == Status.MET


def test_digits_typed_in_the_note_are_text_not_ratings(window: Any, mini_path: Path, qtbot: Any) -> None:
    from PySide6.QtTest import QTest

    assert window.open_path(mini_path)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    select(window, "A.X.1.L1")
    note = window.requirement_pane.note
    note.setFocus()
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
        QTest.keyClick(note, key)
    assert note.toPlainText() == "123"
    assert window.session.status("A.X.1.L1") == Status.UNRATED
    window.requirement_pane.flush()
    assert _stored(mini_path, "A.X.1.L1").note == "123"
    # the window's rating shortcut works once the focus is back on the tree
    window.tree.setFocus()
    QTest.keyClick(window.tree, Qt.Key.Key_3)
    assert window.session.status("A.X.1.L1") == Status.NOT_MET


def test_context_menu_on_a_requirement_rates_it(window: Any, mini_path: Path, qtbot: Any) -> None:
    from PySide6.QtWidgets import QMenu

    assert window.open_path(mini_path)
    window.show()
    qtbot.waitExposed(window)
    window.tree.expandAll()
    rect = window.tree.visualRect(window.proxy.mapFromSource(window.tree_model.index_of("B.1.L1")))
    window._tree_menu(rect.center())
    menu = next(m for m in window.findChildren(QMenu) if m.isVisible())
    assert window.current_requirement() == "B.1.L1"
    partial = next(a for a in menu.actions() if a.text().endswith("Partially met"))
    partial.trigger()
    menu.close()
    assert _stored(mini_path, "B.1.L1").status == Status.PARTIAL
