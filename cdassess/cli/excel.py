"""Excel commands: questionnaire and workbook export/import and the gap plan (model workbooks: cli/models.py).

openpyxl is imported only inside the handlers (through cdassess.xlsx), so ``cdassess --help`` stays light.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from cdassess.cli.common import force_option, level_number, opened, output_path

if TYPE_CHECKING:
    from cdassess.xlsx.preview import ImportPreview


def _print_preview(preview: ImportPreview, *, as_json: bool, limit: int = 60) -> None:
    if as_json:
        json.dump(preview.as_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    for note in preview.notes:
        print(f"note: {note}")
    if preview.changes:
        print(f"{len(preview.changes)} change(s):")
        for c in preview.changes[:limit]:
            old = f"{c.old[:40]!r} -> " if c.old else ""
            print(f"  {c.sheet} row {c.row:<5} {c.target:<18} {c.field:<22} {c.action:<8} {old}{c.new[:60]!r}")
        if len(preview.changes) > limit:
            print(f"  ... and {len(preview.changes) - limit} more")


def _import(args: argparse.Namespace, kind: str) -> int:
    from cdassess.xlsx import read_questionnaire, read_workbook

    reader = read_questionnaire if kind == "questionnaire" else read_workbook
    with opened(args, readonly=args.dry_run) as a:
        preview = reader(a, args.xlsx, force=args.force)
        _print_preview(preview, as_json=args.json)
        if preview.problems:
            raise preview.error()
        if args.dry_run:
            if not args.json:
                print(f"dry run: {preview.summary()}; nothing was written")
            return 0
        done = preview.apply(a)
        if not args.json:
            print(f"imported {args.xlsx} into {a.path}: {len(preview.changes)} change(s) in {len(done)} record(s)")
    return 0


def cmd_questionnaire_export(args: argparse.Namespace) -> int:
    from cdassess.xlsx import export_questionnaire

    output_path(args, "xlsx")
    with opened(args, readonly=True) as a:
        out = export_questionnaire(a, args.output, max_level=args.max_level, lang=args.lang)
        top = args.max_level or a.meta.target_level
        n = sum(1 for _ in a.model.iter_requirements(top))
    print(f"wrote {out}: {n} requirements up to level {top}")
    return 0


def cmd_questionnaire_import(args: argparse.Namespace) -> int:
    return _import(args, "questionnaire")


def cmd_workbook_export(args: argparse.Namespace) -> int:
    from cdassess.export_profile import profile_named
    from cdassess.xlsx import export_workbook

    profile = profile_named(args.profile)
    output_path(args, "xlsx")
    with opened(args, readonly=True) as a:
        out = export_workbook(a, args.output, profile=profile)
    print(f"wrote {out}")
    return 0


def cmd_workbook_import(args: argparse.Namespace) -> int:
    return _import(args, "workbook")


def gaps_export(args: argparse.Namespace) -> int:
    """``cdassess gaps export FILE -o plan.xlsx`` (called by cdassess.cli.core)."""
    from cdassess.export_profile import profile_named
    from cdassess.xlsx import export_gap_plan

    profile = profile_named(getattr(args, "profile", None) or "full")
    output_path(args, "xlsx")
    with opened(args, readonly=True) as a:
        target = getattr(args, "target", None)
        out = export_gap_plan(a, args.output, target=target, profile=profile)
        n = sum(len(g.requirements) for g in a.gaps(target))
    print(f"wrote {out}: {n} gaps to level {target or a.meta.target_level}")
    return 0


def _import_args(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("file", metavar="FILE", help="the assessment file (.cdassess)")
    p.add_argument("xlsx", metavar=f"{what.upper()}.xlsx")
    p.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    p.add_argument("--json", action="store_true", help="the preview as JSON")
    p.add_argument("--force", action="store_true",
                   help=f"import a {what} exported for another assessment or model version")


def register(sub: Any) -> None:
    q = sub.add_parser("questionnaire", help="self-assessment questionnaire: export, import").add_subparsers(
        dest="questionnaire_command", metavar="ACTION")
    p = q.add_parser("export", help="write the questionnaire for the assessed team")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="Q.xlsx")
    force_option(p)
    p.add_argument("--max-level", type=level_number, help="requirements up to this level (default: the target)")
    p.add_argument("--lang", choices=["zh", "en", "both"], default="both")
    p.set_defaults(handler=cmd_questionnaire_export)
    p = q.add_parser("import", help="read a filled-in questionnaire (preview, then all or nothing)")
    _import_args(p, "questionnaire")
    p.set_defaults(handler=cmd_questionnaire_import)

    w = sub.add_parser("workbook", help="full workbook of everything an assessor edits: export, import"
                       ).add_subparsers(dest="workbook_command", metavar="ACTION")
    p = w.add_parser("export", help="write ratings, notes, claims, findings and the evidence index")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="W.xlsx")
    force_option(p)
    p.add_argument("--profile", choices=["full", "confidential"], default="full",
                   help="confidential leaves out people, internal notes and evidence details (not for re-import)")
    p.set_defaults(handler=cmd_workbook_export)
    p = w.add_parser("import", help="read a full workbook back (preview, then all or nothing)")
    _import_args(p, "workbook")
    p.set_defaults(handler=cmd_workbook_import)

