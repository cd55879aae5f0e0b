"""The model library: the models shipped in resources/models plus those the user imported."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cdassess.errors import ModelError, NotFoundError, Problem
from cdassess.model import Model, load_model_file
from cdassess.outputs import apply_umask
from cdassess.paths import model_library_dir, resource

BUILTIN_MODEL_ID = "caict-devops-cd"


@dataclass(frozen=True)
class ModelEntry:
    id: str
    version: str
    name_zh: str
    name_en: str
    path: Path
    builtin: bool


@dataclass(frozen=True)
class InvalidModelFile:
    """A file in the user's model library that does not load, with its problem (listed, never skipped)."""

    path: Path
    problem: str


class ModelLibrary:
    """Finds models by id (and optionally version). Pass ``user_dir`` to use another library folder."""

    def __init__(self, user_dir: Path | None = None, builtin_dir: Path | None = None) -> None:
        self._user_dir = user_dir
        self.builtin_dir = builtin_dir or resource("models")

    @property
    def user_dir(self) -> Path:
        return self._user_dir if self._user_dir is not None else model_library_dir()

    def _files(self) -> list[tuple[Path, bool]]:
        out = [(p, True) for p in sorted(self.builtin_dir.glob("*.json"))]
        if self.user_dir.is_dir():
            out += [(p, False) for p in sorted(self.user_dir.glob("*.json"))]
        return out

    def scan(self) -> tuple[list[tuple[ModelEntry, Model]], list[InvalidModelFile]]:
        """Every model with its loaded content, and every user-library file that does not load (with why)."""
        found: list[tuple[ModelEntry, Model]] = []
        invalid: list[InvalidModelFile] = []
        for path, builtin in self._files():
            try:
                m = load_model_file(path)
            except ModelError as exc:
                if builtin:
                    raise
                invalid.append(InvalidModelFile(path, str(exc)))
                continue
            found.append((ModelEntry(m.id, m.version, m.names.zh, m.names.en, path, builtin), m))
        return found, invalid

    def entries(self) -> list[ModelEntry]:
        """Every loadable model (a broken file in the user library is not fatal: :meth:`scan` lists it)."""
        return [e for e, _m in self.scan()[0]]

    def remove(self, model_id: str, version: str | None = None) -> list[ModelEntry]:
        """Delete an imported model (every version, or ``version``) from the user library; returns what went.

        Assessments keep working: each holds its own snapshot of its model.
        """
        entries = [e for e in self.entries() if e.id == model_id]
        mine = [e for e in entries if not e.builtin and (version is None or e.version == version)]
        if not mine:
            if any(e.builtin and (version is None or e.version == version) for e in entries):
                raise ModelError(f"model {model_id} is built in and cannot be removed",
                                 [Problem(str(self.builtin_dir), "only imported models can be removed")])
            known = ", ".join(sorted({f"{e.id} {e.version}" for e in self.entries() if not e.builtin})) or "none"
            wanted = f"{model_id} {version}" if version else model_id
            raise NotFoundError(f"no imported model {wanted!r} in the library (imported: {known})")
        for e in mine:
            e.path.unlink()
        return mine

    def load(self, model_id: str, version: str | None = None) -> Model:
        candidates = [e for e in self.entries() if e.id == model_id and (version is None or e.version == version)]
        if not candidates:
            known = ", ".join(sorted({f"{e.id} {e.version}" for e in self.entries()})) or "none"
            wanted = f"{model_id} {version}" if version else model_id
            raise NotFoundError(f"no model {wanted!r} in the library (known: {known})")
        # An imported model wins over the shipped one (it may carry the licensed text); then the newest version.
        candidates.sort(key=lambda e: e.version, reverse=True)
        candidates.sort(key=lambda e: e.builtin)
        return load_model_file(candidates[0].path)

    def builtin(self) -> Model:
        return self.load(BUILTIN_MODEL_ID)

    def _same_id_and_version(self, model_id: str, version: str) -> list[Path]:
        """User-library files holding ``model_id`` ``version`` (read for their id and version only)."""
        found: list[Path] = []
        if self.user_dir.is_dir():
            for path in sorted(self.user_dir.glob("*.json")):
                try:
                    data = json.loads(path.read_text(encoding="utf-8-sig"))
                except (OSError, ValueError):
                    continue
                if isinstance(data, dict) and (data.get("id"), str(data.get("version"))) == (model_id, version):
                    found.append(path)
        return found

    def add(self, model: Model, *, replace: bool = False) -> Path:
        """Store ``model`` in the user library (atomically); refuse to overwrite unless ``replace``."""
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in f"{model.id}-{model.version}")
        if len(safe.encode("utf-8")) > 120:  # a file name holds 255 bytes; an id from a workbook cell may not
            digest = hashlib.sha256(safe.encode("utf-8")).hexdigest()[:16]
            safe = safe.encode("utf-8")[:100].decode("utf-8", "ignore") + "-" + digest
        target = self.user_dir / f"{safe}.json"
        same = [p for p in self._same_id_and_version(model.id, model.version) if p != target]
        if (target.exists() or same) and not replace:
            raise ModelError(f"model {model.id} {model.version} is already in the library",
                             [Problem(str(target if target.exists() else same[0]),
                                      "exists; import with --replace to overwrite it")])
        self.user_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.user_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            # Compact: json's C encoder (indenting is pure Python, 5x slower on a 1,200-control model);
            # `cdassess model export ID -o FILE.json` writes an indented copy for people.
            fh.write(json.dumps(model.to_dict(), ensure_ascii=False, separators=(",", ":")))
        apply_umask(tmp)  # mkstemp makes 0600: give it the permissions of any new file
        os.replace(tmp, target)
        for other in same:  # the same id and version under another file name (copied in by hand)
            if other != target:
                other.unlink(missing_ok=True)
        return target
