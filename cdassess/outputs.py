"""Writing an output file (a report, a workbook, extracted evidence) never destroys an input.

:func:`guard_output` refuses, before any work is done, an output path that is

* the assessment being read, its ``-wal``/``-shm`` companions or its lock file (always, even with ``force``),
* any assessment file (an SQLite file with cdassess's application id) or an assessment open for editing,
* an existing file of another kind than the one being written (a PDF over a workbook, a report over a
  database, anything over a file whose kind is not known),

unless ``force`` (the first point never). :func:`atomic_output` then gives a temporary file in the same folder
to write to and renames it into place only when it is complete, with the permissions the user's umask gives a
new file (``tempfile.mkstemp`` makes files 0600). A folder that is read-only or full gives one line naming the
file; nothing half-written is left behind.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from cdassess.errors import CdassessError

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x43444153  # cdassess.store.versions.APPLICATION_ID (this module is imported without the store)

# kind -> file name suffixes it is written as
KINDS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",), "xlsx": (".xlsx",), "docx": (".docx",), "json": (".json",), "png": (".png",),
    "text": (".txt", ".md", ".csv", ".pem", ".pub", ".key", ".asc"),
}


class OutputError(CdassessError):
    """An output path would destroy an input, or cannot be written."""


def file_kind(path: Path) -> str:
    """What an existing file is: assessment, sqlite, pdf, xlsx, docx, zip, json, png, text, empty or other."""
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError:
        return "other"
    if not head:
        return "empty"
    if head.startswith(SQLITE_MAGIC):
        app_id = int.from_bytes(head[68:72], "big") if len(head) >= 72 else 0
        return "assessment" if app_id == APPLICATION_ID else "sqlite"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\x89PNG"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except (OSError, zipfile.BadZipFile):
            return "zip"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        return "zip"
    stripped = head.lstrip()
    if stripped[:1] in (b"{", b"["):
        return "json"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "other"
    return "text"


def is_assessment_file(path: Path) -> bool:
    return file_kind(path) == "assessment"


def _same(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        if os.path.samefile(a, b):
            return True
    with contextlib.suppress(OSError):
        return a.resolve() == b.resolve()
    return False


def _companions(path: Path) -> list[Path]:
    """An input and what SQLite and cdassess keep beside it."""
    return [path, *(Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal")),
            path.parent / f".~lock.{path.name}#"]


def guard_output(path: str | Path, *, force: bool = False, inputs: Iterable[str | Path | None] = (),
                 kind: str | None = None) -> Path:
    """The output path, if writing it cannot destroy an input (see the module's description); else refuse.

    ``kind`` is what will be written ("pdf", "xlsx", ...): an existing file of that kind may be replaced (a report
    written again); None: any existing file is refused unless ``force``.
    """
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name")
    if not target.parent.is_dir():
        raise OutputError(f"{target}: the folder {target.parent} does not exist")
    _refuse_inputs(target, inputs)
    if not (target.exists() or target.is_symlink()):
        return target
    if target.is_symlink() and not target.exists():
        return target  # a dangling link: the rename replaces the link itself, never its target
    if not target.is_file():  # a device (/dev/full), a FIFO, a socket: never replaced, even with --force
        raise OutputError(f"{target}: is not a regular file; choose another name")
    found = file_kind(target)
    if found == "assessment":
        lock = target.parent / f".~lock.{target.name}#"
        if lock.exists():
            raise OutputError(f"{target}: is an assessment open for editing elsewhere; choose another name")
        if not force:
            raise OutputError(f"{target}: is an assessment file; cdassess does not write over one "
                              "(choose another name, or --force to replace it)")
        return target
    if found == "empty" or (kind is not None and found == kind):
        return target
    if not force:
        what = {"sqlite": "an SQLite database", "other": "a file of unknown kind"}.get(found, f"a {found} file")
        writing = f"the {kind} this command writes" if kind else "what this command writes"
        raise OutputError(f"{target}: already exists and is {what}, not {writing}; choose another name, or "
                          "--force to replace it")
    return target


def _refuse_inputs(target: Path, inputs: Iterable[str | Path | None]) -> None:
    for given in inputs:
        if given is None:
            continue
        source = Path(given)
        for companion in _companions(source):
            if ((companion.exists() or companion.is_symlink()) and _same(target, companion)) or \
                    target.absolute() == companion.absolute():
                raise OutputError(f"{target}: is the assessment being read ({source.name}); an output never "
                                  "replaces its input: choose another name")


# ------------------------------------------------------------------------------------ writing


_umask_guard = threading.Lock()


def current_umask() -> int:
    """The process's umask (read without changing it where the system allows)."""
    if sys.platform == "win32":
        return 0
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    with _umask_guard:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def apply_umask(path: str | Path) -> None:
    """Give a file made by ``mkstemp`` (0600) the permissions a new file gets: 0666 less the umask."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        os.chmod(path, 0o666 & ~current_umask())


def cannot_write(target: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(f"{target}: cannot be written ({reason}); nothing was written")


@contextlib.contextmanager
def atomic_output(path: str | Path, *, force: bool = False, inputs: Iterable[str | Path | None] = (),
                  kind: str | None = None, suffix: str = ".part") -> Iterator[Path]:
    """Guard ``path``, then yield a temporary path beside it; on success it is renamed into place with the
    umask's permissions, on any failure removed (the old file, if any, is untouched)."""
    target = guard_output(path, force=force, inputs=inputs, kind=kind)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
        os.close(fd)
    except OSError as exc:
        raise cannot_write(target, exc) from None
    try:
        yield Path(tmp)
        apply_umask(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise cannot_write(target, exc) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
