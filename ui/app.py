"""The GUI entry point: QApplication, the shipped CJK font, translations, settings, the main window."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from cdassess.paths import resource
from ui.settings import Settings

if TYPE_CHECKING:
    from ui.main_window import MainWindow

CJK_FAMILY = "WenQuanYi Micro Hei"
LOG_SETUP_MS = 300  # after start: the rotating log file is set up once the window is painted


def load_cjk_font(app: QApplication) -> str | None:
    """Load the shipped font and make it the fallback for Chinese (the machine may have no CJK font)."""
    font_id = QFontDatabase.addApplicationFont(str(resource("fonts", "wqy-microhei.ttc")))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return None
    family = families[0]
    base = app.font()
    # Latin text keeps the platform's UI font; characters it lacks fall back to the shipped one.
    for name in {base.family(), *base.families(), "Sans Serif", "DejaVu Sans", "Helvetica", "Arial"}:
        QFont.insertSubstitution(name, family)
    font = QFont(base)
    font.setFamilies([*(base.families() or [base.family()]), family])
    app.setFont(font)
    return family


def install_translations(app: QApplication, lang: str) -> list[QTranslator]:
    """Our .qm for ``lang`` plus Qt's own (standard buttons); English needs none."""
    installed: list[QTranslator] = []
    if lang != "zh":
        return installed
    ours = QTranslator(app)
    if ours.load(str(resource("translations", "cdassess_zh_CN.qm"))):
        app.installTranslator(ours)
        installed.append(ours)
    qt = QTranslator(app)
    if qt.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
               QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return installed


def create_app(argv: Sequence[str] | None = None, settings: Settings | None = None) -> tuple[QApplication, Settings]:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv or sys.argv[:1]))
    app.setOrganizationName("cdassess")
    app.setApplicationName("cdassess")
    app.setDesktopFileName("cdassess")  # Wayland/X11 match the window to cdassess.desktop
    app.setWindowIcon(QIcon(str(resource("icons", "cdassess.png"))))
    settings = settings or Settings()
    load_cjk_font(app)
    install_translations(app, settings.ui_language)
    from ui import error_text

    error_text.set_language(settings.ui_language)
    return app, settings


def os_full_name() -> str:
    """The account's full name (GECOS on Unix, the login name elsewhere), to prefill the assessor's name."""
    import getpass

    try:
        import pwd

        gecos = pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
        if gecos:
            return gecos
    except (ImportError, KeyError, AttributeError):
        pass
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def ask_assessor_name(settings: Settings, actor: str | None) -> None:
    """First start: ask who the assessor is (it goes into the audit log with every edit). Not asked when a
    name is already set in Settings, given with --user or in CDASSESS_USER, so scripts and tests run."""
    if settings.assessor or os.environ.get("CDASSESS_QUIT_WHEN_SHOWN"):  # (a timed start asks nothing)
        return
    given = actor or os.environ.get("CDASSESS_USER", "").strip()
    if given:
        settings.assessor = given
        return
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QInputDialog

    name, ok = QInputDialog.getText(
        None, QCoreApplication.translate("App", "Welcome to cdassess"),
        QCoreApplication.translate("App", "Your name, as it will be written into the audit log with every edit "
                                          "(you can change it later in Settings):"), text=os_full_name())
    if ok and name.strip():
        settings.assessor = name.strip()


def main(path: str | Path | None = None, *, readonly: bool = False, actor: str | None = None) -> int:
    """Open the window (on ``path`` when given) and run the event loop; returns the exit code."""
    app, settings = create_app()
    from ui import crash

    crash.install(log_now=False)  # never die silently: uncaught exceptions go to the log and a dialog
    ask_assessor_name(settings, actor)
    from ui.main_window import MainWindow

    window = MainWindow(settings)
    window.show()
    if path is not None:
        window.open_path(path, readonly=readonly)
    # the log file once the window is up (its module loads the socket and logging handler modules: ~15 ms)
    from cdassess import logsetup

    QTimer.singleShot(LOG_SETUP_MS, logsetup.install)
    quit_when = os.environ.get("CDASSESS_QUIT_WHEN_SHOWN", "")
    if quit_when == "1":  # benchmarks/: time process start to window shown
        QTimer.singleShot(0, app.quit)
    elif quit_when == "interactive":  # ... to the tree painted with the first requirement selected
        _quit_when_interactive(app, window)
    return app.exec()


def _quit_when_interactive(app: QApplication, window: MainWindow) -> None:
    """Quit at the first paint of the tree that shows the opened assessment with a requirement selected (what
    a user can click or rate), or the empty window when nothing was opened."""
    from PySide6.QtCore import QEvent, QObject

    viewport = window.tree.viewport()

    class Painted(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint and (
                    window.session is None or window.current_requirement() is not None):
                viewport.removeEventFilter(self)
                QTimer.singleShot(0, app.quit)
            return False

    watcher = Painted(window)
    viewport.installEventFilter(watcher)
