"""The self-test's desktop step: Qt, a platform plugin, the translations and the window's code load.

The engine's steps are :data:`cdassess.selftest.STEPS`; the ``cdassess`` launcher (ui.entry) appends this one.
"""

from __future__ import annotations

from cdassess.selftest import Context, Step, StepFailedError

SAMPLE_TEXT = "能力成熟度 capability maturity"
"""Drawn off screen to prove the fonts and the platform plugin work (never shown)."""


def step_desktop(ctx: Context) -> str:
    """Qt's libraries, a platform plugin and the translations load, and so does the window's code (not shown)."""
    try:
        from PySide6.QtCore import qVersion
        from PySide6.QtWidgets import QApplication, QLabel
    except ImportError as exc:
        raise StepFailedError(f"Qt cannot be loaded: {exc}") from None
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(
        ["cdassess-selftest", "-platform", "offscreen"])
    label = QLabel(SAMPLE_TEXT)
    label.adjustSize()
    if label.grab().isNull():
        raise StepFailedError("Qt could not draw a label")
    import ui.main_window  # noqa: F401 - the window's code loads
    from ui.app import install_translations

    translators = install_translations(app, "zh")
    try:
        if len(translators) != 2:
            raise StepFailedError(f"{len(translators)} of 2 Chinese translations loaded (cdassess_zh_CN.qm in "
                                  "resources/translations, qtbase_zh_CN.qm in Qt's translations)")
    finally:
        for t in translators:
            app.removeTranslator(t)
    return f"Qt {qVersion()} ({app.platformName()} platform), Chinese translations, the window's code"


DESKTOP_STEP = Step("desktop: Qt, translations and the window's code load", step_desktop)
