"""The ``cdassess`` console script: the desktop window, or the engine's command line.

``cdassess`` alone (or ``cdassess gui [FILE] [--demo] [--read-only]``) opens the window; any other command goes
to :mod:`cdassess.cli` with ``gui`` added, so ``cdassess --help`` lists it. The engine never imports ui: this
launcher lives in ui and imports the engine. Qt is imported only when the window opens, so the command line
stays as fast as ``python -m cdassess.cli``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cdassess import cli
from cdassess.errors import CdassessError


def register(sub: Any) -> None:
    """The ``gui`` command (a command module for :func:`cdassess.cli.build_parser`)."""
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
        from cdassess.demo import ensure_demo

        path = ensure_demo()
    from ui.app import main as window_main

    return window_main(path, readonly=bool(getattr(args, "read_only", False)), actor=getattr(args, "user", None))


def run_gui(args: argparse.Namespace) -> int:
    """``cdassess`` with no command: the window on the demo assessment."""
    args.demo = True
    args.file = None
    return handle_gui(args)


class _GuiCommand:
    """The ``gui`` command family, beside the engine's :data:`cdassess.cli.COMMAND_MODULES`."""

    @staticmethod
    def register(sub: Any, /) -> None:
        register(sub)


GUI_COMMAND: cli.CommandModule = _GuiCommand()


def wants_window(argv: Sequence[str]) -> bool:
    """No arguments, or ``gui`` without --help: only the window's parser is built (start-up speed)."""
    return not argv or (argv[0] == "gui" and not {"-h", "--help"} & set(argv))


def run_selftest() -> int:
    """``cdassess --selftest``: the engine's steps, then the desktop's."""
    from cdassess.selftest import STEPS
    from cdassess.selftest import run_selftest as run_steps
    from ui.selftest_desktop import DESKTOP_STEP

    return run_steps(steps=(*STEPS, DESKTOP_STEP))


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    modules = (GUI_COMMAND,) if wants_window(given) else (*cli.COMMAND_MODULES, GUI_COMMAND)
    return cli.main(given, modules=modules, default=run_gui, selftest=run_selftest)


def run() -> None:
    sys.exit(main())
