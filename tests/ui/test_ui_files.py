"""Files: in use elsewhere, locked, not an assessment, missing from the recent list; the CLI entry."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from uihelpers import press, select, visible_requirements

from cdassess.scoring import Status
from cdassess.services import Assessment
from cdassess.store.connection import lock_path


@contextlib.contextmanager
def held_by_another_program(path: Path) -> Iterator[None]:
    """Hold the editing lock the way another cdassess process does (flock on the sidecar lock file)."""
    if sys.platform == "win32":
        pytest.skip("flock is POSIX")
    import fcntl

    with open(lock_path(path), "a+", encoding="utf-8") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        fh.write('{"pid": 1, "host": "other-laptop", "user": "li"}')
        fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def test_file_in_use_is_explained_and_can_be_opened_read_only(window: Any, mini_path: Path,
                                                              dialogs: Any) -> None:
    with held_by_another_program(mini_path):
        assert not window.open_path(mini_path)  # refused: the dialog's answer is "cancel"
        assert dialogs.kinds() == ["file_in_use"]
        assert "already open for editing" in dialogs.shown[0][2]
        assert window.session is None
        dialogs.read_only = [True]
        assert window.open_path(mini_path)
        assert window.session.readonly
        assert window.banner.isVisibleTo(window)
        assert "Read-only" in window.banner.text()
        select(window, "A.X.1.L1")
        assert not window.requirement_pane.buttons[Status.MET].isEnabled()
        assert not window.evidence_pane.attach_button.isEnabled()
        press(window.tree, Qt.Key.Key_1)  # ignored, no error
        assert window.session.status("A.X.1.L1") == Status.UNRATED


def test_locked_assessment_opens_read_only_with_a_banner(window: Any, mini_path: Path, dialogs: Any) -> None:
    with Assessment.open(mini_path) as a:
        a.rate("A.X.1.L1", Status.MET)
        a.lock()
    assert window.open_path(mini_path)
    assert "locked" in window.banner.text()
    select(window, "A.X.1.L1")
    assert not window.requirement_pane.buttons[Status.NOT_MET].isEnabled()
    assert not window.rating_actions[0].isEnabled()
    dialogs.texts = ["client asked for a re-check"]
    window.unlock()
    assert not window.banner.isVisibleTo(window)
    assert window.requirement_pane.buttons[Status.NOT_MET].isEnabled()
    press(window.tree, Qt.Key.Key_3)
    assert dialogs.kinds() == ["ask_text"], dialogs.shown
    with Assessment.open(mini_path, readonly=True) as a:
        assert a.rating("A.X.1.L1").status == Status.NOT_MET


def test_bad_files_show_a_dialog_and_keep_the_window_usable(window: Any, mini_path: Path, tmp_path: Path,
                                                            dialogs: Any) -> None:
    assert window.open_path(mini_path)
    text = tmp_path / "notes.cdassess"
    text.write_text("not a database", encoding="utf-8")
    other = tmp_path / "other.cdassess"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    newer = tmp_path / "newer.cdassess"
    newer.write_bytes(mini_path.read_bytes())
    window.session.close()  # (reopened below)
    with sqlite3.connect(newer) as db:
        db.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                   "VALUES ('cdassess', '0099_future', 'x')")
    for bad in (text, other, newer, tmp_path / "missing.cdassess"):
        assert not window.open_path(bad)
    assert len(dialogs.errors()) == 4
    assert "newer version" in dialogs.errors()[2]
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    press(window.tree, Qt.Key.Key_1)
    assert window.session.status("A.X.1.L1") == Status.MET


def test_missing_recent_file_is_explained_and_removed(window: Any, mini_path: Path, tmp_path: Path,
                                                      settings: Any, dialogs: Any) -> None:
    gone = tmp_path / "gone.cdassess"
    gone.write_bytes(b"")
    settings.add_recent(gone)
    settings.add_recent(mini_path)
    gone.unlink()
    assert not window.open_recent(str(gone.resolve()))
    assert dialogs.kinds() == ["error"]
    assert "no longer exists" in dialogs.shown[0][2]
    assert settings.recent_files() == [str(mini_path.resolve())]
    assert window.open_recent(settings.recent_files()[0])


def test_open_demo_builds_it_in_the_user_data_directory(window: Any) -> None:
    from cdassess.paths import user_data_dir

    assert window.open_demo()
    assert window.session.assessment.path == user_data_dir() / "demo.cdassess"
    assert window.session.model.id == "caict-devops-cd"


def test_cdassess_registers_gui_and_keeps_qt_out_of_the_import() -> None:
    code = ("import sys; from cdassess import cli; from ui import entry; "
            "p = cli.build_parser((*cli.COMMAND_MODULES, entry.GUI_COMMAND)); "
            "a = p.parse_args(['gui', 'x.cdassess']); assert a.file == 'x.cdassess' and a.handler; "
            "a = p.parse_args(['gui', '--demo']); assert a.demo; assert callable(entry.run_gui); "
            "assert 'PySide6' not in sys.modules, 'Qt was imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_guard_void_qt_calls_do_not_corrupt_none(qtbot: Any) -> None:
    """PySide6 6.12.0 drops None's refcount on every void call and aborts after ~5,200 calls."""
    from PySide6.QtWidgets import QWidget

    w = QWidget()
    qtbot.addWidget(w)
    for i in range(10_000):
        w.setEnabled(i % 2 == 0)
        w.setObjectName("guard")
    assert w.objectName() == "guard"


def test_model_text_language_setting(window: Any, mini_path: Path) -> None:
    assert window.open_path(mini_path)
    index = window.tree_model.index_of("A.X.1.L1")
    assert index.data() == "L1  A.X.1 第1级要求 / A.X.1 level 1 requirement"
    window.set_text_language("en")
    assert index.data() == "L1  A.X.1 level 1 requirement"
    window.set_text_language("zh")
    assert index.data() == "L1  A.X.1 第1级要求"
    assert window.settings.text_language == "zh"


def test_views_reload_after_an_import(window: Any, mini_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    def import_questionnaire_interactive(parent: Any, assessment: Assessment) -> bool:
        with assessment.store.batch("fake import"):
            assessment.rate("B.1.L1", Status.NOT_MET)
            assessment.rate("B.1.L2", Status.PARTIAL)
        return True

    fake = types.ModuleType("ui.import_dialog")
    fake.import_questionnaire_interactive = import_questionnaire_interactive  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ui.import_dialog", fake)  # the menu action imports it on first use
    assert window.open_path(mini_path)
    select(window, "A.X.1.L1")
    press(window.tree, Qt.Key.Key_1)
    action = next(a for a in window._plugged if "questionnaire" in a.text() and "Import" in a.text())
    action.trigger()
    assert window.session.status("B.1.L1") == Status.NOT_MET
    assert window.tree_model.index_of("B.1.L2", 1).data() == "Partially met"
    assert window.current_requirement() == "A.X.1.L1"  # the shown requirement stays
    assert window.undo.count() == 0  # edits before an import cannot be undone across it


def test_gui_without_a_display_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    from ui.entry import main

    monkeypatch.setattr(sys, "platform", "linux")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    assert main(["gui", "--demo"]) == 1
    assert "no display" in capsys.readouterr().err


def test_search_escape_clears_it(window: Any, mini_path: Path) -> None:
    assert window.open_path(mini_path)
    window.show()
    window.search.setText("level 3")
    window._search_changed()
    assert len(visible_requirements(window)) == 3
    window.search.setFocus()
    window._search_escape()
    assert window.search.text() == ""
    assert len(visible_requirements(window)) == 8
