"""Model importers: a model file of any supported kind, detected by its content (never by its extension).

Kinds: cdassess model JSON (``cdassess-model/1`` and ``/2``), the cdassess model workbook (.xlsx), OWASP
DSOMM's generated model YAML, the OWASP SAMM v2 core model (folder or zip), and CISO Assistant framework
libraries (YAML). Each importer maps what its format means (see its module) into a ``cdassess-model/2``
dictionary, which the model loader then validates like any model file: nothing reaches the library unless
the whole model is valid.

Every refusal is one :class:`~cdassess.errors.ModelError` naming the file, the place and what is accepted.
No Qt here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdassess.errors import ModelError, Problem
from cdassess.importers.common import Converted
from cdassess.importers.safe import (
    MAX_MODEL_BYTES,
    SafeTar,
    SafeZip,
    check_size,
    decode_text,
    is_tar,
    load_yaml_documents,
    read_limited,
    refuse,
)

if TYPE_CHECKING:
    from cdassess.library import ModelLibrary
    from cdassess.model import Model

KINDS = {
    "cdassess-json": "cdassess model (JSON)",
    "model-workbook": "cdassess model workbook (.xlsx)",
    "dsomm": "OWASP DSOMM model (YAML)",
    "samm": "OWASP SAMM core model (folder)",
    "samm-zip": "OWASP SAMM core model (zip)",
    "samm-tar": "OWASP SAMM core model (tar.gz, as SAMM releases it)",
    "ciso-assistant": "CISO Assistant framework library (YAML)",
}
ACCEPTED = ("a cdassess model (.json or model workbook .xlsx), OWASP DSOMM's generated model.yaml, the OWASP "
            "SAMM core model folder (or a zip or tar.gz of it), or a CISO Assistant framework library (.yaml)")

_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


@dataclass
class ImportResult:
    model: Model
    kind: str
    path: Path | None = None
    """Where the model was stored in the library (None when only read)."""
    notes: list[str] = field(default_factory=list)


def _wrong_kind(path: Path, what: str) -> ModelError:
    return refuse(path, "", f"{what}; accepted: {ACCEPTED}", summary=f"{path} is not a model this program imports")


def detect(path: str | Path) -> str:
    """The kind of model at ``path`` (a key of :data:`KINDS`), from its content; refuses anything else."""
    return _identify(Path(path))[0]


def _identify(p: Path) -> tuple[str, Any]:
    """The kind, with the parsed content for the text kinds (None for folders, zips and workbooks)."""
    if p.is_dir():
        from cdassess.importers import samm

        if samm.folder_root(p) is not None:
            return "samm", None
        raise _wrong_kind(p, "a folder without the SAMM core model's business_functions/ folder")
    if not p.exists():
        raise refuse(p, "", "no such file or folder", summary=f"cannot read {p}")
    head = _head(p)
    if head.startswith((_ZIP, _EMPTY_ZIP)):
        with SafeZip(p) as zf:
            if "xl/workbook.xml" in zf.names:
                return "model-workbook", None
            from cdassess.importers import samm

            if samm.zip_root(zf) is not None:
                return "samm-zip", None
            what = "a zip document of another kind (Word, OpenDocument?)" if "[Content_Types].xml" in zf.names \
                or "mimetype" in zf.names else "a zip without the SAMM core model's business_functions/ folder"
        raise _wrong_kind(p, what)
    if is_tar(p, head):
        from cdassess.importers import samm

        if samm.zip_root(SafeTar(p)) is not None:
            return "samm-tar", None
        raise _wrong_kind(p, "an archive without the SAMM core model's business_functions/ folder")
    try:
        if head.startswith(_OLE):
            raise _wrong_kind(p, "a legacy Office (.xls/.doc) or encrypted file")
        return _classify_text(p)
    except ModelError:
        if p.suffix.lower() in _WORKBOOK_SUFFIXES:  # meant as a workbook: say what is wrong with it as one
            from cdassess.xlsx.safety import check_workbook_file

            check_workbook_file(p)
        raise


def _head(p: Path) -> bytes:
    try:
        with open(p, "rb") as fh:
            return fh.read(8)
    except OSError as exc:
        raise refuse(p, "", exc.strerror or str(exc), summary=f"cannot read {p}") from None


def _classify_text(p: Path) -> tuple[str, Any]:
    """JSON or YAML text: which kind it is, with its parsed content."""
    raw = read_limited(p)
    if b"\x00" in raw[:4096]:
        raise _wrong_kind(p, "a binary file")
    text = decode_text(p, raw)
    if text.lstrip().startswith(("{", "[")):
        found = _classify_json(p, text)
        if found is not None:
            return found
    return _classify_yaml(p, load_yaml_documents(text, p))


def _classify_json(p: Path, text: str) -> tuple[str, Any] | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if text.lstrip().startswith("["):
            raise refuse(p, f"line {exc.lineno}, column {exc.colno}", exc.msg,
                         summary=f"{p} is not valid JSON") from None
        return None  # YAML's flow style starts with "{" too
    if isinstance(data, dict) and (str(data.get("format", "")).startswith("cdassess-model/")
                                   or {"id", "levels", "domains"} <= set(data)):
        return "cdassess-json", data
    if isinstance(data, dict) and str(data.get("format", "")).startswith("cdassess"):
        raise _wrong_kind(p, f"a cdassess file of another kind ({str(data['format'])[:60]})")
    raise _wrong_kind(p, "JSON that is no cdassess model (it has no format, id, levels and domains)")


def _classify_yaml(p: Path, docs: list[Any]) -> tuple[str, Any]:
    from cdassess.importers import ciso, dsomm

    non_empty = [d for d in docs if d is not None]
    if not non_empty:
        raise _wrong_kind(p, "an empty file")
    if len(non_empty) == 1 and ciso.looks_like(non_empty[0]):
        return "ciso-assistant", non_empty[0]
    if dsomm.looks_like(non_empty):
        return "dsomm", non_empty
    first = non_empty[0]
    if isinstance(first, dict):
        if ciso.is_library(first):
            objects = ", ".join(sorted(str(k) for k in first["objects"])) or "nothing"
            raise _wrong_kind(p, f"a CISO Assistant library without a framework (it holds {objects})")
        if str(first.get("type", "")) in {"Function", "Practice", "Stream", "Activity", "Question", "AnswerSet",
                                         "MaturityLevel", "PracticeLevel"}:
            raise _wrong_kind(p, f"one file of the OWASP SAMM core model (a {first['type']}); import the whole "
                                 "core model folder (the one holding business_functions/), or a zip of it")
        keys = ", ".join(sorted(str(k) for k in first)[:8])
        raise _wrong_kind(p, f"YAML of another kind (top-level keys: {keys})")
    raise _wrong_kind(p, f"YAML of another kind (a {type(first).__name__} at the top)")


def convert(path: str | Path) -> Converted:
    """A DSOMM, SAMM or CISO Assistant model as a ``cdassess-model/2`` dictionary (not yet validated)."""
    p = Path(path)
    return _convert(p, *_identify(p))


def _convert(p: Path, kind: str, content: Any) -> Converted:
    if kind == "samm":
        from cdassess.importers import samm

        return samm.convert(samm.open_folder(p))
    if kind == "samm-zip":
        from cdassess.importers import samm

        with SafeZip(p) as zf:
            return samm.convert(samm.open_zip(p, zf))
    if kind == "samm-tar":
        from cdassess.importers import samm

        return samm.convert(samm.open_zip(p, SafeTar(p)))
    if kind in ("dsomm", "ciso-assistant"):
        if kind == "dsomm":
            from cdassess.importers import dsomm

            return dsomm.convert(content, p)
        from cdassess.importers import ciso

        return ciso.convert(content, p)
    raise refuse(p, "", f"a {KINDS[kind]} is read as it is, not converted", summary=f"{p} needs no conversion")


def read_model(path: str | Path) -> ImportResult:
    """Read and validate the model at ``path``, whatever its supported kind; nothing is stored."""
    from cdassess.model import parse_model

    p = Path(path)
    kind, content = _identify(p)
    if kind == "model-workbook":
        from cdassess.xlsx.modelbook import read_model_workbook

        return ImportResult(read_model_workbook(p), kind)
    if kind == "cdassess-json":
        return ImportResult(parse_model(content, p.name), kind)
    conv = _convert(p, kind, content)
    try:
        model = parse_model(conv.data, p.name)
    except ModelError as exc:
        raise ModelError(f"{p}: the {KINDS[kind]} converts to a model the loader refuses; nothing was added to "
                         "the library", exc.problems) from None
    return ImportResult(model, kind, notes=conv.notes)


def import_model(path: str | Path, *, replace: bool = False, library: ModelLibrary | None = None) -> ImportResult:
    """Read the model at ``path`` and store it in the user's library (refusing an existing id and version
    unless ``replace``)."""
    from cdassess.library import ModelLibrary

    result = read_model(path)
    lib = library or ModelLibrary()
    result.path = lib.add(result.model, replace=replace)
    return result


__all__ = ["ACCEPTED", "KINDS", "MAX_MODEL_BYTES", "Converted", "ImportResult", "Problem", "check_size", "convert",
           "detect", "import_model", "read_model"]
