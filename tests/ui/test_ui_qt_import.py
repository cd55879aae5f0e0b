"""ui.qt_import: PySide6's per-import check gives the same answers, from the file's bytes (start-up speed)."""

from __future__ import annotations

import json
import sys

import ui.app  # installs the check before PySide6 is loaded
import ui.tree_model
from ui import qt_import


def test_the_check_is_installed_and_answers_as_pysides_own() -> None:
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        return  # a PySide6 without the hook: nothing to make cheaper
    assert ui.app.CJK_FAMILY  # (ui.app is what installs it)
    check = feature._mod_uses_pyside
    assert getattr(check, "_cdassess", False)
    assert check(ui.tree_model) is True  # imports PySide6
    assert check(json) is False  # does not
    assert check(sys) is False  # no source file: PySide's own answer
    qt_import._install()  # a second call keeps the one installed
    assert feature._mod_uses_pyside is check
