"""Versions of the program and the libraries it runs on (for --version and the About dialog)."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from cdassess import __version__

LIBRARIES = ("PySide6-Essentials", "openpyxl", "sqlite-utils", "reportlab", "defusedxml", "cryptography")


def library_versions() -> dict[str, str]:
    out: dict[str, str] = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def version_report() -> str:
    import sqlite3

    frozen = ", frozen" if getattr(sys, "frozen", False) else ""
    lines = [f"cdassess {__version__}",
             f"Python {platform.python_version()} ({sys.platform}{frozen})",
             f"SQLite {sqlite3.sqlite_version}"]
    lines += [f"{k} {v}" for k, v in library_versions().items()]
    return "\n".join(lines)
