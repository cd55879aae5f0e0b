"""``cdassess gui [FILE] [--demo]``: the desktop window. Qt is imported only inside the handler."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Any

from cdassess.errors import CdassessError
from cdassess.paths import user_data_dir

DEMO_NAME = "demo.cdassess"


def demo_path() -> Path:
    return user_data_dir() / DEMO_NAME


def ensure_demo() -> Path:
    """The demo assessment in the user data directory, built when it is absent."""
    path = demo_path()
    if not path.exists():
        from cdassess.demo import build_demo

        build_demo(path).close()
    return path


def register(sub: Any) -> None:
    p = sub.add_parser("gui", help="open the desktop window (the demo assessment with --demo)",
                       description="Open the desktop window, on FILE when given.")
    p.add_argument("file", nargs="?", metavar="FILE", help="an assessment file (.cdassess) to open")
    p.add_argument("--demo", action="store_true", help="open the demo assessment (built on first use)")
    p.add_argument("--read-only", action="store_true", help="open FILE without changing it")
    p.set_defaults(handler=handle_gui)


def _check_display() -> None:
    """Qt aborts the process without a display; say so plainly instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise CdassessError("no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set); run it "
                            "in a desktop session, or use the command line (cdassess --help)")


def handle_gui(args: argparse.Namespace) -> int:
    _check_display()
    path: Path | None = Path(args.file) if getattr(args, "file", None) else None
    if path is None and getattr(args, "demo", False):
        path = ensure_demo()
    ui_app = importlib.import_module("ui.app")
    result: int = ui_app.main(path, readonly=bool(getattr(args, "read_only", False)),
                              actor=getattr(args, "user", None))
    return result


def run_gui(args: argparse.Namespace) -> int:
    """``cdassess`` with no command: the window on the demo assessment."""
    args.demo = True
    args.file = None
    return handle_gui(args)
