"""``cdassess --version`` (and the About dialog) name the program, Python, Qt and every library."""

from __future__ import annotations

import sys
import types
from importlib import metadata

import pytest

from cdassess import __version__
from cdassess.versions import LIBRARIES, qt_version, version_report


def test_report_lists_program_python_qt_and_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "PySide6.QtCore", raising=False)
    lines = version_report().splitlines()
    assert lines[0] == f"cdassess {__version__}"
    assert lines[1].startswith("Python 3.")
    assert f"Qt {metadata.version('PySide6-Essentials')}" in lines
    for name in LIBRARIES:
        assert any(line.startswith(f"{name} ") and "not installed" not in line for line in lines), name


def test_qt_version_is_the_running_one_when_qt_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("PySide6.QtCore")
    fake.qVersion = lambda: "6.99.1"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "PySide6.QtCore", fake)
    assert qt_version() == "6.99.1"
    assert "Qt 6.99.1" in version_report().splitlines()
