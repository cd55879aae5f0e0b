"""Writing a library model back out: as model JSON, or as a model workbook (every text must fit in a cell)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cdassess.errors import ModelError, Problem
from cdassess.model import Model

MAX_CELL_CHARS = 32_767
"""Excel's limit for one cell (the same as cdassess.xlsx.safety.MAX_CELL_CHARS)."""


def _texts(model: Model) -> Iterator[tuple[str, str, str]]:
    """(place, field, text) for every text of the model."""

    def pairs(where: str, name: str, t: Any) -> Iterator[tuple[str, str, str]]:
        for lang in ("zh", "en"):
            value = getattr(t, lang, "")
            if value:
                yield where, f"{name} ({lang})", value

    yield from pairs(f"model {model.id}", "name", model.names)
    yield from pairs(f"model {model.id}", "description", getattr(model, "description", None))
    yield from pairs(f"model {model.id}", "source", model.source)
    yield from pairs(f"model {model.id}", "provenance note", model.provenance_note)
    for lv in model.levels:
        yield from pairs(f"level {lv.n}", "name", lv.names)
        yield from pairs(f"level {lv.n}", "meaning", lv.meaning)
    for d in model.domains:
        yield from pairs(f"domain {d.id}", "name", d.names)
        yield from pairs(f"domain {d.id}", "description", d.description)
        for s in d.subdomains:
            if not s.implicit:
                yield from pairs(f"subdomain {s.id}", "name", s.names)
                yield from pairs(f"subdomain {s.id}", "description", s.description)
            for i in s.items:
                yield from pairs(f"item {i.id}", "name", i.names)
                yield from pairs(f"item {i.id}", "description", i.description)
                for r in i.requirements:
                    yield from pairs(f"requirement {r.id}", "text", r.text)
                    yield from pairs(f"requirement {r.id}", "guidance", r.guidance)
                    yield from pairs(f"requirement {r.id}", "description", getattr(r, "description", None))


def cell_problems(model: Model) -> list[Problem]:
    """Every text longer than an Excel cell holds, with its place (a workbook would have to cut it)."""
    return [Problem(where, f"its {field} has {len(value):,} characters; an Excel cell holds at most "
                           f"{MAX_CELL_CHARS:,} (export as .json to keep it whole)")
            for where, field, value in _texts(model) if len(value) > MAX_CELL_CHARS]


def export_model(model: Model, path: str | Path, *, force: bool = False) -> Path:
    """Write ``model`` to ``path``: ``.json`` (the model file) or ``.xlsx`` (a model workbook, v1 or v2, with
    every text whole: a text longer than a cell is refused with its place, never cut)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".json", ".xlsx"):
        raise ModelError(f"cannot export model {model.id} to {p}",
                         [Problem(p.name, f"the extension {p.suffix or '(none)'} is not accepted (accepted: .json, "
                                          ".xlsx)")])
    if not p.parent.is_dir():
        raise ModelError(f"cannot export model {model.id} to {p}",
                         [Problem(str(p.parent), "the folder does not exist")])
    if suffix == ".xlsx":
        problems = cell_problems(model)
        if problems:
            raise ModelError(f"model {model.id} {model.version} has texts too long for a workbook; nothing was "
                             "written", problems)
        from cdassess.xlsx import export_model_workbook

        return Path(export_model_workbook(model, p))
    from cdassess.outputs import atomic_output

    with atomic_output(p, force=force, kind="json") as tmp, open(tmp, "w", encoding="utf-8") as fh:
        json.dump(model.to_dict(), fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return p
