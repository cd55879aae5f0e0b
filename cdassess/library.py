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

    def entries(self) -> list[ModelEntry]:
        """Every loadable model; a broken file in the user library is skipped, not fatal."""
        found: list[ModelEntry] = []
        for path, builtin in self._files():
            try:
                m = load_model_file(path)
            except ModelError:
                if builtin:
                    raise
                continue
            found.append(ModelEntry(m.id, m.version, m.names.zh, m.names.en, path, builtin))
        return found

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

    def add(self, model: Model, *, replace: bool = False) -> Path:
        """Store ``model`` in the user library (atomically); refuse to overwrite unless ``replace``."""
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in f"{model.id}-{model.version}")
        if len(safe.encode("utf-8")) > 120:  # a file name holds 255 bytes; an id from a workbook cell may not
            digest = hashlib.sha256(safe.encode("utf-8")).hexdigest()[:16]
            safe = safe.encode("utf-8")[:100].decode("utf-8", "ignore") + "-" + digest
        target = self.user_dir / f"{safe}.json"
        if target.exists() and not replace:
            raise ModelError(f"model {model.id} {model.version} is already in the library",
                             [Problem(str(target), "exists; import with --replace to overwrite it")])
        self.user_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.user_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(model.to_dict(), fh, ensure_ascii=False, indent=1)
        apply_umask(tmp)  # mkstemp makes 0600: give it the permissions of any new file
        os.replace(tmp, target)
        return target
