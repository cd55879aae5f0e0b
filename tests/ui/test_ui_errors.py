"""Errors in the window: engine messages in the interface language by code, a crash never silent, the log."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from cdassess.errors import InvalidValueError
from cdassess.records import Rating
from cdassess.scoring import Status
from ui import crash, error_text, messages


@pytest.fixture
def zh() -> Any:
    error_text.set_language("zh")
    yield
    error_text.set_language("en")


def test_engine_messages_are_translated_by_code(zh: None) -> None:
    exc = InvalidValueError(code="na_needs_justification", params={"req_id": "CD.CM.VC.01.L3", "label": "N/A",
                                                                    "label_zh": "不适用"})
    assert "N/A needs a justification" in str(exc)  # English for the log and the CLI
    shown = error_text.message(exc)
    assert "不适用" in shown and "CD.CM.VC.01.L3" in shown and "N/A" not in shown
    # every code the engine defines has its Chinese text
    from cdassess.errors import MESSAGES

    assert set(MESSAGES) <= set(error_text.ZH)
    # a parameter the caller did not give reads as its default, never as "{label}"
    bare = InvalidValueError(code="na_needs_justification", params={"req_id": "X.1"})
    assert "{" not in str(bare) and "{" not in error_text.message(bare)
    # an error without a code keeps its English text
    assert error_text.message(InvalidValueError("plain text")) == "plain text"


def test_a_refused_edit_shows_the_chinese_message(window: Any, mini_path: Path, dialogs: Any, zh: None) -> None:
    assert window.open_path(mini_path)
    s = window.session
    try:
        s.set_rating(Rating("A.X.1.L1", Status.NA))  # the engine refuses it, whoever calls
    except InvalidValueError as exc:
        messages.show_error(window, "x", exc)
    assert any("必须填写理由" in e for e in dialogs.errors()), dialogs.shown


def test_a_crash_in_a_slot_or_a_thread_goes_to_the_log_and_a_dialog(qtbot: Any, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "log" / "cdassess.log"
    monkeypatch.setenv("CDASSESS_LOG", str(log))
    shown: list[tuple[str, str]] = []
    import sys

    saved = (sys.excepthook, threading.excepthook)
    crash.install(lambda summary, path: shown.append((summary, path)))
    try:
        def boom() -> None:
            raise ZeroDivisionError("slot failed")

        QTimer.singleShot(0, lambda: crash.report(*_info(boom), "a slot"))
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
        t = threading.Thread(target=lambda: 1 / 0, name="worker-x")
        t.start()
        t.join()
        qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)
    finally:
        sys.excepthook, threading.excepthook = saved
    assert "ZeroDivisionError" in shown[0][0] and shown[0][1] == str(log)
    text = log.read_text(encoding="utf-8")
    assert "slot failed" in text and "worker-x" in text and text.count("Traceback") == 2


def _info(fn: Any) -> tuple[type[BaseException], BaseException, Any]:
    try:
        fn()
    except BaseException as exc:
        return type(exc), exc, exc.__traceback__
    raise AssertionError


def test_help_open_log_folder(window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    actions = [a for m in window.menuBar().actions() for a in m.menu().actions() if m.menu() is not None]
    (act,) = [a for a in actions if a.text().replace("&", "") == "Open log folder"]
    act.trigger()
    from cdassess import logsetup

    assert opened == [str(logsetup.log_dir())]
