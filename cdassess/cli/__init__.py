"""The ``cdassess`` command line: one parser; each command family registers itself from its module.

Exit codes: 0 success, 1 a user-facing error (one clear line on stderr, no traceback), 2 usage.

Command modules are listed statically in ``COMMAND_MODULES`` (imported module objects, so linters, mypy and
PyInstaller see them); each has ``register(subparsers)`` and imports heavy libraries (openpyxl, ReportLab,
cryptography) only inside the handlers that need them. The desktop window's ``gui`` command is not here: the
engine never imports ui. The ``cdassess`` console script is ``ui.entry:run``, which adds ``gui`` and calls
:func:`main`.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from cdassess.cli import catalogue, core, cycles, enterprise, excel, models, reports, team
from cdassess.errors import CdassessError, ValidationError


class CommandModule(Protocol):
    """A command family: a module (or object) with ``register(subparsers)``."""

    def register(self, sub: Any, /) -> None: ...


COMMAND_MODULES: tuple[CommandModule, ...] = (core, cycles, excel, models, reports, catalogue, enterprise, team)


def build_parser(modules: Sequence[CommandModule] | None = None) -> argparse.ArgumentParser:
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
    for module in COMMAND_MODULES if modules is None else modules:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, modules: Sequence[CommandModule] | None = None,
         default: Callable[[argparse.Namespace], int] | None = None,
         selftest: Callable[[], int] | None = None) -> int:
    """Parse ``argv`` with ``modules`` (default: every engine command) and run the command.

    ``default`` runs when no command is given (the launcher opens the window); without it the help is printed.
    ``selftest`` replaces the engine's self-test (the launcher adds the desktop's step).
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    given = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(modules)
    args = parser.parse_args(given)
    if args.version is True:  # a sub-command's own --version option uses another dest
        from cdassess.versions import version_report

        print(version_report())
        return 0
    if args.selftest:
        from cdassess.selftest import run_selftest

        check = selftest or run_selftest
        return run_handler(lambda _args: check(), args)
    handler = getattr(args, "handler", None)
    if handler is None:
        if args.command is None:
            if default is None:
                parser.print_help()
                return 0
            handler = default
        else:  # a command family called without its sub-command
            parser.parse_args([*given, "--help"])
            return 2
    return run_handler(handler, args)


def run_handler(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command; user-facing errors become one clear message on stderr and exit code 1.

    Whatever it prints passes through :class:`TerminalSafe`: text from a file someone else made (evidence names,
    audit values, lock contents) cannot send escape sequences to the terminal.
    """
    from cdassess.safetext import TerminalSafe

    out, err = sys.stdout, sys.stderr
    if not isinstance(out, TerminalSafe):
        sys.stdout = TerminalSafe(out)
    if not isinstance(err, TerminalSafe):
        sys.stderr = TerminalSafe(err)
    try:
        return _run_handler(handler, args)
    finally:
        sys.stdout, sys.stderr = out, err


def _run_handler(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
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
        print(f"cdassess: error: {_escape(exc)}", file=sys.stderr)
        return 1
    except (sqlite3.DatabaseError, UnicodeError, RecursionError, MemoryError) as exc:
        # a damaged or crafted file met where no check anticipated it: still one line, never a traceback
        where = getattr(args, "file", None)
        prefix = f"{where}: " if where else ""
        print(f"cdassess: error: {_escape(prefix)}the file is damaged or cannot be read "
              f"({_escape(type(exc).__name__)}: {_escape(str(exc))[:200]})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("cdassess: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one line naming the log, the traceback only in the log
        from cdassess.logsetup import print_cli_bug

        print_cli_bug(exc)
        return 1
    except OSError as exc:  # a read-only or full disk, a vanished folder: one line naming the file
        where = exc.filename or getattr(args, "file", None) or ""
        print(f"cdassess: error: {_escape(where)}: {_escape(exc.strerror or exc)}", file=sys.stderr)
        return 1


def _escape(value: object) -> str:
    from cdassess.safetext import escape

    return escape(value)


def run() -> None:
    """The engine's command line alone (no window): ``python -m cdassess.cli``."""
    sys.exit(main())
