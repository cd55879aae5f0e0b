"""Where things live: shipped resources (source tree or frozen bundle) and the user's data directory.

The user data directory follows the platform (XDG on Linux, Application Support on macOS, %APPDATA% on
Windows). ``CDASSESS_HOME`` overrides it (tests, kiosks). A file named ``portable.txt`` beside a frozen
executable switches to portable mode: data is kept in ``cdassess-data`` beside the executable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PORTABLE_MARKER = "portable.txt"


def resources_dir() -> Path:
    """The ``resources/`` folder, from the source tree or from a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def _executable_dir() -> Path | None:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def is_portable() -> bool:
    exe = _executable_dir()
    return exe is not None and (exe / PORTABLE_MARKER).exists()


def user_data_dir() -> Path:
    """Settings, keys and the model library; created on first use."""
    override = os.environ.get("CDASSESS_HOME")
    if override:
        base = Path(override)
    elif is_portable():
        exe = _executable_dir()
        assert exe is not None
        base = exe / "cdassess-data"
    elif sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / "cdassess"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support" / "cdassess"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "cdassess"
    base.mkdir(parents=True, exist_ok=True)
    return base


def model_library_dir() -> Path:
    d = user_data_dir() / "models"
    d.mkdir(parents=True, exist_ok=True)
    return d
