"""Model library commands: ``models``, ``validate-model``, ``model import / remove / export``.

``model import PATH`` reads any supported kind, detected by content (cdassess JSON v1/v2, the model workbook,
OWASP DSOMM, the OWASP SAMM core model folder or zip, CISO Assistant libraries): see cdassess.importers.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cdassess.cli.common import force_option
from cdassess.errors import CdassessError


def _scale_of(model: Any) -> list[dict[str, Any]]:
    scale = getattr(model, "scale", None)
    options = getattr(scale, "options", None)
    if options is None:  # a model loader without scales: the CAICT scale
        return [{"id": "met", "labels": {"zh": "满足", "en": "Met"}, "weight": 1.0, "satisfies": True,
                 "needs_justification": False},
                {"id": "partial", "labels": {"zh": "部分满足", "en": "Partially met"}, "weight": 0.5,
                 "satisfies": False, "needs_justification": False},
                {"id": "not_met", "labels": {"zh": "不满足", "en": "Not met"}, "weight": 0.0, "satisfies": False,
                 "needs_justification": False},
                {"id": "na", "labels": {"zh": "不适用", "en": "Not applicable"}, "weight": None, "satisfies": True,
                 "needs_justification": True}]
    keys = ("id", "labels", "weight", "satisfies", "needs_justification", "not_applicable")
    out: list[dict[str, Any]] = []
    for o in options:
        d = o.to_dict()
        out.append({k: d.get(k) for k in keys})
    return out


def model_summary(model: Any, *, builtin: bool, path: str) -> dict[str, Any]:
    """One model as ``models --json`` lists it."""
    langs = list(getattr(model, "languages", ("zh", "en")))
    scoring = getattr(model, "scoring", None)
    origin = dict(getattr(model, "origin", {}) or {})
    return {
        "id": model.id,
        "version": model.version,
        "names": {lang: getattr(model.names, lang) for lang in langs if getattr(model.names, lang)},
        "languages": langs,
        "levels": [lv.n for lv in model.levels],
        "requirements": len(model.requirements),
        "scoring": scoring.as_dict() if scoring is not None else {"rule": "cumulative", "empty_levels": "pass"},
        "scale": _scale_of(model),
        "source": origin or None,
        "builtin": builtin,
        "valid": True,
        "problem": None,
        "path": path,
    }


def cmd_models(args: argparse.Namespace) -> int:
    from cdassess.library import ModelLibrary

    found, invalid = ModelLibrary().scan()
    if args.json:
        rows = [model_summary(m, builtin=e.builtin, path=str(e.path)) for e, m in found]
        rows += [{"id": None, "version": None, "names": {}, "languages": [], "levels": [], "requirements": 0,
                  "scoring": None, "scale": [], "source": None, "builtin": False, "valid": False,
                  "problem": bad.problem, "path": str(bad.path)} for bad in invalid]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for e, m in found:
        rule = getattr(getattr(m, "scoring", None), "rule", "cumulative")
        print(f"{e.id:<24} {e.version:<10} {'built-in' if e.builtin else 'imported':<9} "
              f"{len(m.requirements):>5} requirements  {rule:<10} {m.names.both()}")
    for bad in invalid:
        print(f"INVALID  {bad.path}: {bad.problem}")
    return 0


def cmd_validate_model(args: argparse.Namespace) -> int:
    from cdassess.importers import KINDS, read_model

    result = read_model(args.path)
    m = result.model
    print(f"ok: {m.id} {m.version} ({KINDS[result.kind]}): {len(m.domains)} domains, {len(m.subdomains)} "
          f"subdomains, {len(m.items)} items, {len(m.requirements)} requirements, levels {m.level_range_text()}")
    for note in result.notes:
        print(f"  note: {note}")
    return 0


def cmd_model_import(args: argparse.Namespace) -> int:
    from cdassess.importers import KINDS, import_model

    result = import_model(args.path, replace=args.replace)
    m = result.model
    print(f"imported model {m.id} {m.version} ({len(m.requirements)} requirements, {KINDS[result.kind]}) into the "
          f"library: {result.path}; use it with: cdassess new FILE --model {m.id}")
    for note in result.notes:
        print(f"  note: {note}", file=sys.stderr)
    return 0


def cmd_model_remove(args: argparse.Namespace) -> int:
    from cdassess.library import ModelLibrary

    removed = ModelLibrary().remove(args.model_id, args.version)
    for e in removed:
        print(f"removed model {e.id} {e.version} ({e.path}); assessments made with it keep their own copy")
    return 0


def cmd_model_export(args: argparse.Namespace) -> int:
    from cdassess.cli.common import output_path
    from cdassess.importers.export import export_model
    from cdassess.library import ModelLibrary

    model = ModelLibrary().load(args.model_id, args.version)
    output_path(args, "xlsx" if str(args.output).lower().endswith(".xlsx") else "json")
    out = export_model(model, args.output, force=bool(args.force))
    print(f"wrote {out}: model {model.id} {model.version}, {len(model.requirements)} requirements")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("models", help="the built-in and imported models (invalid library files too)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_models)

    p = sub.add_parser("validate-model", help="validate a model file of any importable kind and report every "
                                              "problem (nothing is stored)")
    p.add_argument("path", metavar="PATH")
    p.set_defaults(handler=cmd_validate_model)

    m = sub.add_parser("model", help="the model library: import, remove, export"
                       ).add_subparsers(dest="model_command", metavar="ACTION")
    p = m.add_parser("import", help="add a model to the library: cdassess JSON, a model workbook, OWASP DSOMM "
                                    "(model.yaml), the OWASP SAMM core model (folder or zip), a CISO Assistant "
                                    "library (.yaml); the kind is read from the content")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--replace", action="store_true", help="overwrite a model of the same id and version")
    p.set_defaults(handler=cmd_model_import)
    p = m.add_parser("remove", help="remove an imported model from the library")
    p.add_argument("model_id", metavar="ID")
    p.add_argument("--version", help="only this version (default: every imported version)")
    p.set_defaults(handler=cmd_model_remove)
    p = m.add_parser("export", help="write a model as model JSON or a model workbook")
    p.add_argument("model_id", metavar="ID")
    p.add_argument("--version", help="model version (default: the library's choice)")
    p.add_argument("-o", "--output", required=True, metavar="FILE.json|FILE.xlsx")
    force_option(p)
    p.set_defaults(handler=cmd_model_export)


__all__ = ["CdassessError", "model_summary", "register"]
