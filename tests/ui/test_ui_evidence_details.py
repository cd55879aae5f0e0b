"""Evidence details (description, who provided it, when collected): edited in a dialog through undo, asked
once when files are attached; every value reaches the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from uihelpers import select

from cdassess.records import Evidence
from cdassess.services import Assessment
from ui import messages
from ui.dialogs import EvidenceDetailsDialog


def _attach(window: Any, qtbot: Any, files: list[Path], **details: str) -> list[int]:
    with qtbot.waitSignal(window.evidence_pane.attachFinished, timeout=10_000) as blocker:
        assert window.evidence_pane.attach(files, **details)
    ids: list[int] = blocker.args[0]
    return ids


def _stored(path: Path, name: str) -> Evidence:
    with Assessment.open(path, readonly=True) as check:
        return next(e for e in check.evidence_list() if e.original_name == name)


def _fill(monkeypatch: pytest.MonkeyPatch, *answers: dict[str, str] | None) -> list[EvidenceDetailsDialog]:
    """Each exec() of the details dialog types one answer (None: cancel)."""
    queue = list(answers)
    seen: list[EvidenceDetailsDialog] = []

    def exec_(dlg: EvidenceDetailsDialog) -> int:
        seen.append(dlg)
        answer = queue.pop(0)
        if answer is None:
            return 0
        if "description" in answer:
            assert dlg.description is not None
            dlg.description.setPlainText(answer["description"])
        if "provided_by" in answer:
            dlg.provider.setText(answer["provided_by"])
        if "collected_on" in answer:
            dlg.collected.unknown.setChecked(not answer["collected_on"])
            if answer["collected_on"]:
                dlg.collected.date.setDate(QDate.fromString(answer["collected_on"], "yyyy-MM-dd"))
        return 1

    monkeypatch.setattr(EvidenceDetailsDialog, "exec", exec_)
    return seen


def test_double_click_edits_the_details_in_the_file_and_undo_restores_them(
        window: Any, mini_path: Path, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "pipeline-run-4711.log"
    f.write_text("deploy ok\n", encoding="utf-8")
    assert window.open_path(mini_path)
    window.show()
    qtbot.waitExposed(window)
    select(window, "A.X.1.L1")
    _attach(window, qtbot, [f], provided_by="Ops", collected_on="2026-11-01")
    before = _stored(mini_path, f.name)
    pane = window.evidence_pane
    assert not pane.details_button.isEnabled()  # nothing chosen yet
    seen = _fill(monkeypatch, {"description": "Deployment log of release 4.7 (rollback tested)",
                               "provided_by": "王芳 (release manager)", "collected_on": "2026-11-20"})
    item = pane.list.topLevelItem(0)
    at = pane.list.visualItemRect(item).center()
    assert pane.list.viewport().rect().contains(at)
    # a real double-click: Qt's item views want the first click before the double-click event
    QTest.mouseClick(pane.list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    assert pane.details_button.isEnabled()
    QTest.mouseDClick(pane.list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    assert len(seen) == 1
    assert seen[0].provider.text() == "王芳 (release manager)"
    after = _stored(mini_path, f.name)
    assert (after.description, after.provided_by, after.collected_on) == (
        "Deployment log of release 4.7 (rollback tested)", "王芳 (release manager)", "2026-11-20")
    assert (after.sha256, after.size) == (before.sha256, before.size)  # the content never changes
    shown = pane.list.topLevelItem(0)
    assert [shown.text(c) for c in (2, 4, 5)] == ["2026-11-20", "王芳 (release manager)",
                                                   "Deployment log of release 4.7 (rollback tested)"]
    assert shown.isSelected()  # the repaint keeps the row chosen
    assert window.settings.last_provider == "王芳 (release manager)"
    with Assessment.open(mini_path, readonly=True) as check:
        entry = check.store.audit_entries("evidence:")[-1]
        assert entry.action == "update_evidence"

    # the keyboard way: F2 or Enter on the chosen row opens the same dialog
    seen = _fill(monkeypatch, None, None)
    pane.list.setFocus()
    QTest.keyClick(pane.list, Qt.Key.Key_F2)
    QTest.keyClick(pane.list, Qt.Key.Key_Return)
    assert len(seen) == 2 and seen[0].provider.text() == "王芳 (release manager)"

    window.undo.undo()
    restored = _stored(mini_path, f.name)
    assert (restored.description, restored.provided_by, restored.collected_on) == ("", "Ops", "2026-11-01")
    assert pane.list.topLevelItem(0).text(4) == "Ops"
    window.undo.redo()
    assert _stored(mini_path, f.name).provided_by == "王芳 (release manager)"


def test_edit_details_button_a_refused_value_brings_the_dialog_back(
        window: Any, mini_path: Path, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        dialogs: Any) -> None:
    f = tmp_path / "test-report.html"
    f.write_text("<p>ok</p>", encoding="utf-8")
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    _attach(window, qtbot, [f])
    pane = window.evidence_pane
    pane.list.topLevelItem(0).setSelected(True)
    assert pane.details_button.isEnabled()
    # the file is locked (elsewhere) while the dialog is open: the edit is refused, the dialog comes back
    # with what was typed, and goes through once the file is unlocked
    a = window.session.assessment
    seen = _fill(monkeypatch, {"description": "Unit test report"}, {})
    original = EvidenceDetailsDialog.exec

    def exec_(dlg: EvidenceDetailsDialog) -> int:
        if not seen:
            a.lock()
        else:
            a.unlock("typo in the evidence description")
        return original(dlg)

    monkeypatch.setattr(EvidenceDetailsDialog, "exec", exec_)
    pane.details_button.click()
    assert len(seen) == 2
    assert "locked" in dialogs.errors()[0]
    assert seen[1].description is not None and seen[1].description.toPlainText() == "Unit test report"
    assert _stored(mini_path, f.name).description == "Unit test report"
    assert window.undo.count() == 2  # the attach and one details change (the refused one is not there)
    # nothing changed in the dialog: nothing stored, no undo step
    _fill(monkeypatch, {})
    assert pane.edit_details() is False
    assert window.undo.count() == 2


def test_a_locked_file_double_click_opens_a_copy_instead(window: Any, mini_path: Path, qtbot: Any,
                                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         dialogs: Any) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    f = tmp_path / "evidence.txt"
    f.write_text("x", encoding="utf-8")
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    _attach(window, qtbot, [f])
    dialogs.answers.append(True)
    window.lock()
    assert window.session.locked
    pane = window.evidence_pane
    item = pane.list.topLevelItem(0)
    item.setSelected(True)
    assert not pane.details_button.isEnabled()
    seen = _fill(monkeypatch)
    pane.list.itemDoubleClicked.emit(item, 0)
    assert seen == [] and len(opened) == 1
    pane.remove_copies()


def test_one_question_for_a_multi_file_drop_and_the_provider_is_remembered(
        window: Any, mini_path: Path, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        dialogs: Any) -> None:
    files = [tmp_path / n for n in ("a.log", "b.png", "c.pdf")]
    for i, f in enumerate(files):
        f.write_bytes(bytes([i]) * 10)
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    dialogs.attach_details.append({"provided_by": "运维组 Ops team", "collected_on": "2026-11-20"})
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.evidence_pane.attachFinished, timeout=10_000):
        window.evidence_pane.dropEvent(event)
    asked = [(t, x) for k, t, x in dialogs.shown if k == "attach_details"]
    assert asked == [("Attach evidence to A.X.1.L1", "a.log\nb.png\nc.pdf")]
    with Assessment.open(mini_path, readonly=True) as check:
        stored = check.evidence_for("A.X.1.L1")
    assert sorted(e.original_name for e in stored) == ["a.log", "b.png", "c.pdf"]
    assert {(e.provided_by, e.collected_on) for e in stored} == {("运维组 Ops team", "2026-11-20")}
    assert window.settings.last_provider == "运维组 Ops team"

    # the next attach offers the last provider and today's date; cancel attaches nothing
    offered: list[tuple[str, str, list[str]]] = []

    def cancel(parent: Any, title: str, names: Any, provider: str, collected_on: str,
               providers: Any = ()) -> None:
        offered.append((provider, collected_on, list(providers)))

    monkeypatch.setattr(messages, "ask_attach_details", cancel)
    extra = tmp_path / "d.txt"
    extra.write_text("d", encoding="utf-8")
    assert window.evidence_pane.ask_and_attach([extra]) is False
    assert offered == [("运维组 Ops team", QDate.currentDate().toString("yyyy-MM-dd"), ["运维组 Ops team"])]
    with Assessment.open(mini_path, readonly=True) as check:
        assert len(check.evidence_list()) == 3


def test_the_details_dialog_values(qtbot: Any) -> None:
    attach = EvidenceDetailsDialog("Attach", names=[f"f{i}.txt" for i in range(9)], provider="Ops",
                                   collected_on="2026-11-27", providers=["Ops", "QA team"])
    qtbot.addWidget(attach)
    assert attach.description is None  # one description for many files would be wrong for most of them
    assert "Files (9)" in attach.about.text() and "f5.txt" in attach.about.text() and "f6.txt" not in \
        attach.about.text()
    assert attach.values() == {"provided_by": "Ops", "collected_on": "2026-11-27"}
    attach.collected.unknown.setChecked(True)
    assert not attach.collected.date.isEnabled()
    assert attach.values()["collected_on"] == ""
    completer = attach.provider.completer()
    assert completer is not None and completer.model().rowCount() == 2

    ev = Evidence(7, "ab" * 32, 2048, "<b>plan</b>.docx", "application/msword", collected_on="",
                  provided_by="PMO", description="Release plan", added_at="2026-11-27T08:00:00Z",
                  added_by="tester", req_ids=("A.X.1.L1",))
    edit = EvidenceDetailsDialog("Details", evidence=ev)
    qtbot.addWidget(edit)
    assert "&lt;b&gt;plan&lt;/b&gt;.docx" in edit.about.text()  # a file name is shown as text, not markup
    assert edit.collected.unknown.isChecked()
    assert edit.changes() == {}
    edit.provider.setText("  PMO office ")
    assert edit.changes() == {"provided_by": "PMO office"}


def test_a_file_stored_before_keeps_its_details_and_only_blanks_are_filled(window: Any, mini_path: Path,
                                                                            qtbot: Any, tmp_path: Path) -> None:
    log = tmp_path / "deploy.log"
    log.write_text("deployed 4.7\n", encoding="utf-8")
    plan = tmp_path / "plan.md"
    plan.write_text("# plan\n", encoding="utf-8")
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    _attach(window, qtbot, [log])  # no details known then
    _attach(window, qtbot, [plan], provided_by="PMO", collected_on="2026-10-01")
    select(window, "B.1.L1")
    steps = window.undo.count()
    # the same contents again, under other names, with new details
    again_log, again_plan = tmp_path / "copy-of-deploy.log", tmp_path / "plan-v1.md"
    again_log.write_bytes(log.read_bytes())
    again_plan.write_bytes(plan.read_bytes())
    _attach(window, qtbot, [again_log, again_plan], provided_by="Ops", collected_on="2026-11-20")
    with Assessment.open(mini_path, readonly=True) as check:
        stored = {e.original_name: e for e in check.evidence_list()}
    assert len(stored) == 2  # stored once each
    assert (stored["deploy.log"].provided_by, stored["deploy.log"].collected_on) == ("Ops", "2026-11-20")
    assert (stored["plan.md"].provided_by, stored["plan.md"].collected_on) == ("PMO", "2026-10-01")
    assert stored["deploy.log"].req_ids == ("A.X.1.L1", "B.1.L1")
    assert window.undo.count() == steps + 3  # two links and one filling of blank details
    for _ in range(3):
        window.undo.undo()
    with Assessment.open(mini_path, readonly=True) as check:
        stored = {e.original_name: e for e in check.evidence_list()}
    assert (stored["deploy.log"].provided_by, stored["deploy.log"].req_ids) == ("", ("A.X.1.L1",))


def test_attaching_a_file_linked_here_already_adds_no_undo_step(window: Any, mini_path: Path, qtbot: Any,
                                                                tmp_path: Path) -> None:
    f = tmp_path / "evidence.txt"
    f.write_text("x", encoding="utf-8")
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    _attach(window, qtbot, [f])
    steps = window.undo.count()
    _attach(window, qtbot, [f])  # nothing changes, so nothing to undo (an undo would take the link away)
    assert window.undo.count() == steps
    with Assessment.open(mini_path, readonly=True) as check:
        assert [e.original_name for e in check.evidence_for("A.X.1.L1")] == ["evidence.txt"]
