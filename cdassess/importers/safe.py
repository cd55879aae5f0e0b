"""Never trust an imported model: size limits, a YAML loader that refuses bombs, and zip reading that refuses
bombs and path tricks. Every refusal is a :class:`ModelError` naming the file, the place and what is accepted.

YAML: only ``yaml.safe_load`` semantics (no Python objects), with libyaml's C parser when available. Before a
document is built, its node graph is measured *with aliases expanded* (an anchor referenced a thousand times
counts a thousand times): a "billion laughs" file has a tiny graph but an astronomical expanded size, and is
refused before anything walks it. Recursive aliases are refused too.
"""

from __future__ import annotations

import posixpath
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from cdassess.errors import ModelError, Problem

MB = 1 << 20
MAX_MODEL_BYTES = 64 * MB
"""Largest model file read (CISO Assistant's largest library is 3.4 MB, DSOMM's model 0.35 MB)."""
MAX_YAML_NODES = 2_000_000
"""Most YAML nodes (scalars, lists, mappings) one file may hold once its aliases are expanded."""
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_MEMBER_BYTES = 16 * MB
MAX_ZIP_TOTAL_BYTES = 64 * MB
MAX_ZIP_RATIO = 100
"""Compression ratio above which a member larger than RATIO_FLOOR is taken for a zip bomb."""
RATIO_FLOOR = 1 * MB

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _mb(n: int) -> str:
    return f"{n / MB:,.0f} MB" if n >= MB else f"{n:,} bytes"


def refuse(path: str | Path, where: str, message: str, summary: str | None = None) -> ModelError:
    """One clear problem: ``summary`` (default: the file cannot be imported) and the place."""
    name = Path(path).name or str(path)
    return ModelError(summary or f"{path} cannot be imported as a model",
                      [Problem(f"{name}: {where}" if where else name, message)])


def check_size(path: Path, size: int, limit: int = MAX_MODEL_BYTES) -> None:
    if size > limit:
        raise refuse(path, "", f"the file is {_mb(size)}; a model file may be at most {_mb(limit)} "
                               "(the largest published models are a few MB: is this the right file?)",
                     summary=f"{path} is too large to be a model")


def read_limited(path: Path, limit: int = MAX_MODEL_BYTES) -> bytes:
    """The file's bytes, refusing a file over ``limit`` before reading it."""
    try:
        size = path.stat().st_size
        check_size(path, size, limit)
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise refuse(path, "", exc.strerror or str(exc), summary=f"cannot read {path}") from None
    check_size(path, len(data), limit)
    return data


def decode_text(path: Path, raw: bytes, where: str = "") -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise refuse(path, f"{where}byte {exc.start}", "invalid UTF-8 (a model file is UTF-8 text)",
                     summary=f"{path} is not UTF-8 text") from None


# ------------------------------------------------------------------------------------------------ YAML


def _expanded_size(root: yaml.Node, path: Path, where: str, limit: int) -> int:
    """The node count with aliases expanded, computed once per shared node; refuses cycles and bombs."""
    sizes: dict[int, int] = {}
    on_stack: set[int] = set()
    # Iterative post-order walk: real files are deep enough (nested Markdown lists) to make recursion fragile.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_stack.discard(key)
            total = 1
            for child in _children(node):
                total += sizes[id(child)]
                if total > limit:
                    line = node.start_mark.line + 1 if node.start_mark else 0
                    raise refuse(path, f"{where}line {line}",
                                 f"the YAML expands to more than {limit:,} nodes through its anchors and aliases "
                                 "(a \"YAML bomb\"); such files are refused",
                                 summary=f"{path} is refused: YAML that expands without bound")
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_stack:
            line = node.start_mark.line + 1 if node.start_mark else 0
            raise refuse(path, f"{where}line {line}", "a recursive YAML alias (a node that contains itself); "
                                                      "such files are refused")
        on_stack.add(key)
        stack.append((node, True))
        for child in _children(node):
            ck = id(child)
            if ck in on_stack:
                line = child.start_mark.line + 1 if child.start_mark else 0
                raise refuse(path, f"{where}line {line}", "a recursive YAML alias (a node that contains "
                                                          "itself); such files are refused")
            if ck not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        yield from node.value
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield k
            yield v


def load_yaml_documents(text: str, path: Path, where: str = "", *, limit: int = MAX_YAML_NODES) -> list[Any]:
    """Every document of a YAML text, with safe_load's types; refuses bombs, recursion and syntax errors."""
    loader = _BaseLoader(text)
    docs: list[Any] = []
    budget = limit
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            budget -= _expanded_size(node, path, where, budget)
            docs.append(loader.construct_document(node))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        place = f"{where}line {mark.line + 1}, column {mark.column + 1}" if mark else where.rstrip(": ")
        raise refuse(path, place, f"{exc.problem or exc.context or 'invalid YAML'}",
                     summary=f"{path} is not valid YAML") from None
    except yaml.YAMLError as exc:
        raise refuse(path, where.rstrip(": "), str(exc), summary=f"{path} is not valid YAML") from None
    except RecursionError:
        raise refuse(path, where.rstrip(": "), "the YAML is nested too deeply", summary=f"{path} is refused") from None
    finally:
        loader.dispose()
    return docs


def load_yaml(text: str, path: Path, where: str = "", *, limit: int = MAX_YAML_NODES) -> Any:
    """One YAML document (the first non-empty one when there are several)."""
    docs = [d for d in load_yaml_documents(text, path, where, limit=limit) if d is not None]
    return docs[0] if docs else None


# ------------------------------------------------------------------------------------------------- zip


class SafeZip:
    """Reads members of a zip into memory after checking the archive as a whole (never extracts to disk)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            check_size(path, path.stat().st_size)
            self._zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise refuse(path, "", f"a damaged zip ({exc})", summary=f"{path} is not a readable zip") from None
        except OSError as exc:
            raise refuse(path, "", exc.strerror or str(exc), summary=f"cannot read {path}") from None
        infos = self._zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise refuse(path, "", f"the zip holds {len(infos):,} members; at most {MAX_ZIP_MEMBERS:,} are accepted")
        total = 0
        self.names: list[str] = []
        for info in infos:
            name = info.filename
            norm = posixpath.normpath(name.replace("\\", "/"))
            if name.startswith(("/", "\\")) or norm.startswith("../") or norm == ".." or ":" in name.split("/")[0]:
                raise refuse(path, f"member {name!r}", "an absolute path or one that leaves the archive (..); "
                                                       "such zips are refused")
            if info.flag_bits & 0x1:
                raise refuse(path, f"member {name!r}", "is encrypted; give an unencrypted zip")
            if info.file_size > MAX_ZIP_MEMBER_BYTES:
                raise refuse(path, f"member {name!r}", f"inflates to {_mb(info.file_size)}; a member may be at "
                                                       f"most {_mb(MAX_ZIP_MEMBER_BYTES)}")
            if info.file_size > RATIO_FLOOR and info.compress_size and \
                    info.file_size / info.compress_size > MAX_ZIP_RATIO:
                raise refuse(path, f"member {name!r}", f"compresses {info.file_size / info.compress_size:,.0f} "
                                                       f"to 1 (a zip bomb?); at most {MAX_ZIP_RATIO} to 1 is accepted")
            total += info.file_size
            if not info.is_dir():
                self.names.append(norm)
        if total > MAX_ZIP_TOTAL_BYTES:
            raise refuse(path, "", f"the zip inflates to {_mb(total)}; at most {_mb(MAX_ZIP_TOTAL_BYTES)} is accepted")
        self._by_norm = {posixpath.normpath(i.filename.replace("\\", "/")): i for i in infos if not i.is_dir()}

    def read(self, name: str) -> bytes:
        info = self._by_norm[name]
        with self._zf.open(info) as fh:
            data = fh.read(MAX_ZIP_MEMBER_BYTES + 1)  # the header may lie about the size
        if len(data) > MAX_ZIP_MEMBER_BYTES:
            raise refuse(self.path, f"member {name!r}", f"inflates beyond {_mb(MAX_ZIP_MEMBER_BYTES)}")
        return data

    def close(self) -> None:
        self._zf.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SafeTar:
    """Reads the regular members of a (gzip/bzip2/xz) tar into memory with the zip's limits (SAMM's release is
    ``samm.tar.gz``); links, devices and paths leaving the archive are refused, nothing touches the disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            check_size(path, path.stat().st_size)
            tf = tarfile.open(path, "r:*")  # noqa: SIM115 - closed below after reading
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise refuse(path, "", f"a damaged archive ({exc})", summary=f"{path} is not a readable archive") from None
        self._data: dict[str, bytes] = {}
        total = 0
        try:
            for count, info in enumerate(tf, start=1):
                name = info.name
                norm = posixpath.normpath(name.replace("\\", "/"))
                if count > MAX_ZIP_MEMBERS:
                    raise refuse(path, "", f"the archive holds more than {MAX_ZIP_MEMBERS:,} members")
                if name.startswith(("/", "\\")) or norm.startswith("../") or norm == "..":
                    raise refuse(path, f"member {name!r}", "an absolute path or one that leaves the archive (..); "
                                                           "such archives are refused")
                if info.isdir():
                    continue
                if not info.isfile():
                    continue  # links and devices are never followed
                total += info.size
                if info.size > MAX_ZIP_MEMBER_BYTES:
                    raise refuse(path, f"member {name!r}", f"is {_mb(info.size)}; a member may be at most "
                                                           f"{_mb(MAX_ZIP_MEMBER_BYTES)}")
                if total > MAX_ZIP_TOTAL_BYTES:
                    raise refuse(path, "", f"the archive unpacks to more than {_mb(MAX_ZIP_TOTAL_BYTES)}")
                if norm.endswith((".yml", ".yaml")):
                    fh = tf.extractfile(info)
                    if fh is not None:
                        self._data[norm] = fh.read(MAX_ZIP_MEMBER_BYTES + 1)
        except (tarfile.TarError, EOFError, OSError, zlib_error()) as exc:
            raise refuse(path, "", f"a damaged archive ({exc})", summary=f"{path} is not a readable archive") from None
        finally:
            tf.close()
        self.names = list(self._data)

    def read(self, name: str) -> bytes:
        return self._data[name]


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def is_tar(path: Path, head: bytes) -> bool:
    """A tar, compressed or not: gzip, bzip2 and xz magic, or the ustar mark at offset 257."""
    if head.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")):
        return True
    try:
        with open(path, "rb") as fh:
            fh.seek(257)
            return fh.read(5) == b"ustar"
    except OSError:
        return False
