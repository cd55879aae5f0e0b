"""Fixtures for the desktop tests: offscreen Qt, settings in tmp_path, recorded dialogs, an open window."""

from __future__ import annotations

import os
import re

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before PySide6 is imported anywhere

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from cdassess.model import Model
from cdassess.services import Assessment
from ui import messages
from ui.settings import Settings

# Messages Qt prints that say nothing about our code (each one explained).
QT_LOG_IGNORE = (
    "This plugin does not support propagateSizeHints",  # the offscreen platform cannot resize to hints
    "This plugin does not support raise()",  # ... nor raise a popup menu
    "This plugin does not support grabbing the keyboard",  # ... nor let a popup grab the keyboard
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*(re.escape(m) for m in QT_LOG_IGNORE)))


@pytest.fixture(autouse=True, scope="session")
def _no_chart_warm_up() -> None:
    """The window warms ReportLab up in a thread 1.5 s after start; tests draw charts directly and gain
    nothing from a stray thread importing modules while pytest rewrites test modules."""
    from ui import dashboard

    dashboard._warmed.set()


@dataclass
class Dialogs:
    """Records what the window told or asked the user; answers from the queues (default: cancel / no)."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, title, text)
    answers: list[bool] = field(default_factory=list)
    texts: list[str | None] = field(default_factory=list)
    read_only: list[bool] = field(default_factory=list)
    # answers to "who provided these files, collected when" (default: the offered values, as OK would)
    attach_details: list[dict[str, str] | None] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [k for k, _, _ in self.shown]

    def errors(self) -> list[str]:
        return [f"{t}: {x}" for k, t, x in self.shown if k == "error"]


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    rec = Dialogs()

    def error(parent: Any, title: str, text: str, details: str = "") -> None:
        rec.shown.append(("error", title, text + ("\n" + details if details else "")))

    def info(parent: Any, title: str, text: str) -> None:
        rec.shown.append(("info", title, text))

    def ask(parent: Any, title: str, text: str) -> bool:
        rec.shown.append(("ask", title, text))
        return rec.answers.pop(0) if rec.answers else False

    def ask_text(parent: Any, title: str, label: str, text: str = "", **_kw: Any) -> str | None:
        rec.shown.append(("ask_text", title, label))
        return rec.texts.pop(0) if rec.texts else None

    def ask_open_read_only(parent: Any, message: str) -> bool:
        rec.shown.append(("file_in_use", "", message))
        return rec.read_only.pop(0) if rec.read_only else False

    def ask_attach_details(parent: Any, title: str, names: Any, provider: str, collected_on: str,
                           providers: Any = ()) -> dict[str, str] | None:
        rec.shown.append(("attach_details", title, "\n".join(names)))
        if rec.attach_details:
            return rec.attach_details.pop(0)
        return {"provided_by": provider, "collected_on": collected_on}

    monkeypatch.setattr(messages, "error", error)
    monkeypatch.setattr(messages, "ask_attach_details", ask_attach_details)
    monkeypatch.setattr(messages, "info", info)
    monkeypatch.setattr(messages, "ask", ask)
    monkeypatch.setattr(messages, "ask_text", ask_text)
    monkeypatch.setattr(messages, "ask_multiline", ask_text)
    monkeypatch.setattr(messages, "ask_open_read_only", ask_open_read_only)
    return rec


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    s.ui_language = "en"
    s.assessor = "tester"
    s.scope_to_target = False  # the whole model, as most tests expect; tests of the scope switch it on
    return s


@pytest.fixture
def mini_path(tmp_path: Path, mini_model: Model) -> Path:
    path = tmp_path / "mini.cdassess"
    Assessment.create(path, organization="Org", project="Proj", model=mini_model, target_level=2).close()
    return path


@pytest.fixture
def window(qtbot: Any, settings: Settings, dialogs: Dialogs) -> Iterator[Any]:
    from ui.main_window import MainWindow

    w = MainWindow(settings)
    qtbot.addWidget(w)
    yield w
    if w.session is not None:
        w.session.close()
        w.session = None
