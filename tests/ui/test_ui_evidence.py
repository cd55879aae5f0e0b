"""Attaching evidence (worker thread, own connection) links it and stores its hash; bad drops change nothing."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from uihelpers import select

from cdassess.services import Assessment


def _attach(window: Any, qtbot: Any, files: list[Path]) -> list[int]:
    pane = window.evidence_pane
    with qtbot.waitSignal(pane.attachFinished, timeout=10_000) as blocker:
        assert pane.attach(files)
    ids: list[int] = blocker.args[0]
    return ids


def test_attaching_files_links_them_and_stores_their_hash(window: Any, mini_path: Path, qtbot: Any,
                                                          tmp_path: Path) -> None:
    a = tmp_path / "rollback-drill.log"
    a.write_bytes(b"drill ok\n" * 1000)
    b = tmp_path / "runbook.md"
    b.write_text("# Runbook\n", encoding="utf-8")
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    ids = _attach(window, qtbot, [a, b])
    assert len(ids) == 2
    pane = window.evidence_pane
    assert pane.list.topLevelItemCount() == 2
    names = {pane.list.topLevelItem(i).text(0) for i in range(2)}
    assert names == {"rollback-drill.log", "runbook.md"}
    digest = hashlib.sha256(a.read_bytes()).hexdigest()
    shown = [pane.list.topLevelItem(i).text(3) for i in range(2)]
    assert digest[:12] in shown
    assert window.tree_model.index_of("A.X.1.L1", 3).data() == "2"
    with Assessment.open(mini_path, readonly=True) as check:
        stored = {e.original_name: e for e in check.evidence_for("A.X.1.L1")}
        assert stored["rollback-drill.log"].sha256 == digest
        assert stored["rollback-drill.log"].size == a.stat().st_size
    # undo takes the links back, and the content this attach stored (nothing else links to it) leaves the file
    window.undo.undo()
    window.undo.undo()
    with Assessment.open(mini_path, readonly=True) as check:
        assert check.evidence_for("A.X.1.L1") == []
        assert check.evidence_list() == []
    # redo attaches the files again from where they are
    window.undo.redo()
    window.undo.redo()
    with Assessment.open(mini_path, readonly=True) as check:
        assert {e.original_name for e in check.evidence_for("A.X.1.L1")} == {"rollback-drill.log", "runbook.md"}
        assert check.check() == []


def test_undoing_an_attach_keeps_content_that_something_else_links(window: Any, mini_path: Path, qtbot: Any,
                                                                   tmp_path: Path) -> None:
    f = tmp_path / "shared.txt"
    f.write_text("shared evidence", encoding="utf-8")
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    (eid,) = _attach(window, qtbot, [f])
    window.session.link_evidence(eid, ["A.X.1.L2"])
    window.undo.undo()
    with Assessment.open(mini_path, readonly=True) as check:
        assert [e.req_ids for e in check.evidence_list()] == [("A.X.1.L2",)]


def test_link_existing_evidence_to_another_requirement(window: Any, mini_path: Path, qtbot: Any,
                                                       tmp_path: Path) -> None:
    f = tmp_path / "plan.txt"
    f.write_text("plan", encoding="utf-8")
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    (eid,) = _attach(window, qtbot, [f])
    select(window, "B.1.L1")
    from ui.commands import LinkEvidenceCommand

    s = window.session
    linked = s.link_evidence(eid, ["B.1.L1"])
    window.undo.push(LinkEvidenceCommand(s, eid, linked, "link"))
    assert window.evidence_pane.list.topLevelItemCount() == 1
    with Assessment.open(mini_path, readonly=True) as check:
        assert check.evidence_list()[0].req_ids == ("A.X.1.L1", "B.1.L1")


def test_dropping_a_folder_shows_a_dialog_and_changes_nothing(window: Any, mini_path: Path, qtbot: Any,
                                                              tmp_path: Path, dialogs: Any) -> None:
    folder = tmp_path / "screenshots"
    folder.mkdir()
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.evidence_pane.attachFinished, timeout=10_000):
        window.evidence_pane.dropEvent(event)
    assert dialogs.kinds() == ["error"]
    assert "folder" in dialogs.errors()[0]
    with Assessment.open(mini_path, readonly=True) as check:
        assert check.evidence_list() == []
    assert window.evidence_pane.attach_button.isEnabled()  # the window stays usable


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_is_reported_and_the_others_attached(window: Any, mini_path: Path, qtbot: Any,
                                                             tmp_path: Path, dialogs: Any) -> None:
    bad = tmp_path / "secret.txt"
    bad.write_text("x", encoding="utf-8")
    bad.chmod(0)
    good = tmp_path / "good.txt"
    good.write_text("y", encoding="utf-8")
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    ids = _attach(window, qtbot, [bad, good])
    assert len(ids) == 1
    assert "permission denied" in dialogs.errors()[0]


def test_open_a_copy_extracts_the_stored_content(window: Any, mini_path: Path, qtbot: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    f = tmp_path / "coverage.csv"
    f.write_text("module,lines\norder,120\n", encoding="utf-8")
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    _attach(window, qtbot, [f])
    pane = window.evidence_pane
    pane.list.topLevelItem(0).setSelected(True)
    pane.open_copy()
    assert len(opened) == 1
    copy = Path(opened[0].toLocalFile())
    assert copy.name == "coverage.csv" and copy.read_bytes() == f.read_bytes()
    assert copy.parent.parent != f.parent  # a copy in a temporary folder, not the original


def test_large_file_shows_progress_and_is_stored(window: Any, mini_path: Path, qtbot: Any,
                                                 tmp_path: Path) -> None:
    from ui.evidence_pane import BIG_FILE

    big = tmp_path / "pipeline-video.bin"
    big.write_bytes(os.urandom(1024) * (BIG_FILE // 1024 + 512))
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    seen: list[int] = []
    from PySide6.QtWidgets import QProgressDialog

    original = QProgressDialog.setValue

    def spy(self: QProgressDialog, value: int) -> None:
        seen.append(value)
        original(self, value)

    import unittest.mock

    with unittest.mock.patch.object(QProgressDialog, "setValue", spy):
        assert len(_attach(window, qtbot, [big])) == 1
    assert seen and max(seen) == 1000  # progress reached the end
    with Assessment.open(mini_path, readonly=True) as check:
        assert check.evidence_for("A.X.1.L1")[0].sha256 == hashlib.sha256(big.read_bytes()).hexdigest()


def test_unlink_and_undo(window: Any, mini_path: Path, qtbot: Any, tmp_path: Path) -> None:
    f = tmp_path / "screenshot.png"
    f.write_bytes(b"\x89PNG fake")
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    _attach(window, qtbot, [f])
    pane = window.evidence_pane
    pane.list.topLevelItem(0).setSelected(True)
    pane.unlink()
    assert pane.list.topLevelItemCount() == 0
    assert window.tree_model.index_of("A.X.1.L1", 3).data() == ""
    window.undo.undo()
    assert pane.list.topLevelItemCount() == 1
    with Assessment.open(mini_path, readonly=True) as check:
        assert [e.original_name for e in check.evidence_for("A.X.1.L1")] == ["screenshot.png"]


def test_dropping_files_on_a_tree_row_attaches_them_to_that_requirement(window: Any, mini_path: Path,
                                                                         qtbot: Any, tmp_path: Path) -> None:
    f1, f2 = tmp_path / "a.txt", tmp_path / "b.txt"
    f1.write_text("a", encoding="utf-8")
    f2.write_text("b", encoding="utf-8")
    assert window.open_path(mini_path)
    window.show()
    qtbot.waitExposed(window)
    select(window, "A.X.1.L1")
    window.tree.expandAll()
    row = window.tree.visualRect(window.proxy.mapFromSource(window.tree_model.index_of("B.1.L2")))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f1)), QUrl.fromLocalFile(str(f2))])
    event = QDropEvent(QPointF(row.center()), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.evidence_pane.attachFinished, timeout=10_000):
        window.tree.dropEvent(event)
    assert window.current_requirement() == "B.1.L2"
    with Assessment.open(mini_path, readonly=True) as check:
        assert sorted(e.original_name for e in check.evidence_for("B.1.L2")) == ["a.txt", "b.txt"]
        assert check.evidence_for("A.X.1.L1") == []
