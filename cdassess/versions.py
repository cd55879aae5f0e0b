"""Versions of the program and the libraries it runs on (for --version and the About dialog)."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from cdassess import __version__

LIBRARIES = ("PySide6-Essentials", "openpyxl", "xlsxwriter", "sqlite-utils", "reportlab", "defusedxml", "cryptography",
             "python-calamine")


def library_versions() -> dict[str, str]:
    out: dict[str, str] = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def qt_version() -> str:
    """Qt's run-time version when Qt is loaded (the window); else the version PySide6 ships (they are equal)."""
    qtcore = sys.modules.get("PySide6.QtCore")  # never imported here: the engine does not load Qt
    if qtcore is not None:
        return str(qtcore.qVersion())
    try:
        return metadata.version("PySide6-Essentials")
    except metadata.PackageNotFoundError:
        return "not installed"


def version_report() -> str:
    import sqlite3

    frozen = ", frozen" if getattr(sys, "frozen", False) else ""
    lines = [f"cdassess {__version__}",
             f"Python {platform.python_version()} ({sys.platform}{frozen})",
             f"SQLite {sqlite3.sqlite_version}", f"Qt {qt_version()}"]
    lines += [f"{k} {v}" for k, v in library_versions().items()]
    return "\n".join(lines)
