"""The ``cdassess`` command line: one entry point; each command family registers itself from its module.

Exit codes: 0 success, 1 a user-facing error (one clear line on stderr, no traceback), 2 usage.
Command modules import heavy libraries (openpyxl, reportlab, Qt) only inside the handlers that need them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from cdassess.errors import CdassessError, ValidationError

# Each module has register(subparsers); keep them light to import.
COMMAND_MODULES = ("cdassess.cli.core", "cdassess.cli.cycles")
OPTIONAL_COMMAND_MODULES = ("cdassess.cli.excel", "cdassess.cli.reports", "cdassess.cli.app")


GUI_MODULE = "cdassess.cli.app"


def build_parser(modules: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command-line parser with every command family, or only ``modules`` (the window starts faster)."""
    parser = argparse.ArgumentParser(
        prog="cdassess",
        description="DevOps capability-maturity assessments (CAICT DevOps CMM Part 3: Continuous Delivery). "
        "Without a command, opens the desktop window.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--selftest", action="store_true",
                        help="create a temporary assessment, run every file format through it, and report")
    parser.add_argument("--user", metavar="NAME", help="who makes the edits (written to the audit log); "
                        "default: $CDASSESS_USER or the login name")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES + OPTIONAL_COMMAND_MODULES if modules is None else modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name and name not in COMMAND_MODULES:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    given = list(sys.argv[1:] if argv is None else argv)
    # Opening the window needs only the window's command: building every parser costs start-up time.
    window_only = not given or (given[0] == "gui" and not {"-h", "--help"} & set(given))
    parser = build_parser((GUI_MODULE,) if window_only else None)
    args = parser.parse_args(given)
    if args.version is True:  # a sub-command's own --version option uses another dest
        from cdassess.versions import version_report

        print(version_report())
        return 0
    if args.selftest:
        from cdassess.selftest import run_selftest

        return run_handler(lambda _args: run_selftest(), args)
    handler = getattr(args, "handler", None)
    if handler is None:
        if args.command is None:
            gui = _default_gui_handler()
            if gui is None:
                parser.print_help()
                return 0
            handler = gui
        else:  # a command family called without its sub-command
            parser.parse_args([*given, "--help"])
            return 2
    return run_handler(handler, args)


def run_handler(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command; user-facing errors become one clear message on stderr and exit code 1."""
    try:
        return int(handler(args) or 0)
    except ValidationError as exc:
        print(f"cdassess: error: {exc.summary}", file=sys.stderr)
        for problem in exc.problems[:200]:
            print(f"  - {problem}", file=sys.stderr)
        if len(exc.problems) > 200:
            print(f"  ... and {len(exc.problems) - 200} more", file=sys.stderr)
        return 1
    except CdassessError as exc:
        print(f"cdassess: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("cdassess: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _default_gui_handler() -> Callable[[argparse.Namespace], int] | None:
    try:
        module = importlib.import_module("cdassess.cli.app")
    except ModuleNotFoundError:
        return None
    handler: Callable[[argparse.Namespace], int] | None = getattr(module, "run_gui", None)
    return handler


def run() -> None:
    sys.exit(main())
