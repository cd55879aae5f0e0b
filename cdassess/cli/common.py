"""What every command module shares: opening the assessment, printing results, argument types.

Command modules import from here (never from each other), so no two of them import each other.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def print_json(data: Any) -> None:
    # one write: json.dump writes each token on its own, and every write is escaped for the terminal
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_records(args: argparse.Namespace, rows: Sequence[Any], line: Callable[[Any], str]) -> None:
    """Records as JSON (--json) or one readable line each."""
    if args.json:
        print_json([r.__dict__ for r in rows])
        return
    for r in rows:
        print(line(r))


@contextmanager
def opened(args: argparse.Namespace, *, readonly: bool = False, unsafe: bool = False) -> Iterator[Any]:
    """The assessment named by ``args.file``, edits attributed to ``args.user``; closed afterwards.

    ``unsafe`` (or ``--unsafe-read-only``), read-only only: a file that is not genuine is read anyway.
    """
    from cdassess.services import Assessment

    unsafe = readonly and (unsafe or bool(getattr(args, "unsafe_read_only", False)))
    a = Assessment.open(args.file, readonly=readonly, actor=getattr(args, "user", None), unsafe=unsafe)
    if a.store.lock_note:
        print(f"cdassess: note: {a.store.lock_note}", file=sys.stderr)
    try:
        yield a
    finally:
        a.close()


def output_path(args: argparse.Namespace, kind: str | None) -> Any:
    """``args.output``, refused when writing it could destroy an input: the assessment(s) named in ``args``, any
    assessment file, or an existing file of another kind than ``kind`` (unless ``--force``); see outputs.py."""
    from cdassess.outputs import guard_output

    inputs = [getattr(args, "file", None), *(getattr(args, "files", None) or [])]
    return guard_output(args.output, force=bool(getattr(args, "force", False)), inputs=inputs, kind=kind)


def force_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true",
                   help="replace an existing file of another kind, or another assessment file")


def level_name(model: Any, n: int) -> str:
    """A level's bilingual name, or "not reached" below the model's lowest level."""
    if n < model.min_level:
        return "not reached / 未达到"
    lv = model.level(n)
    return str(lv.names.both())  # one name for a one-language model


def file_arg(p: argparse.ArgumentParser) -> None:
    """The positional FILE argument (an assessment)."""
    p.add_argument("file", metavar="FILE", help="the assessment file (.cdassess)")


def unsafe_option(p: argparse.ArgumentParser) -> None:
    """``--unsafe-read-only`` for commands that only read: a file that is not genuine is read anyway, with only
    cdassess's own SQL allowed to run (never edited)."""
    p.add_argument("--unsafe-read-only", action="store_true",
                   help="read a file refused as not genuine (its own SQL is never run; it is never edited)")


def level_number(value: str) -> int:
    """argparse type for level options (shared by every command module)."""
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a level number") from None
