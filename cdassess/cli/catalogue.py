"""``cdassess catalogue add/list/remove/report/serve``: the portfolio catalogue (SQLite file or PostgreSQL URL)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from cdassess.errors import InvalidValueError


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _date(value: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (write it as YYYY-MM-DD)")
    return value


def cmd_add(args: argparse.Namespace) -> int:
    from cdassess.catalogue import Catalogue
    from cdassess.export_profile import profile_named

    profile = profile_named(args.profile)
    with Catalogue.open(args.catalogue) as cat:
        result = cat.add(args.paths, profile=profile)
    for line in result.notes:
        print(f"cdassess: note: {line}", file=sys.stderr)
    for line in result.damaged:
        print(f"cdassess: skipped: {line}", file=sys.stderr)
    result.skipped += len(result.damaged)
    print(result.summary())
    return 0 if result.read else 1


def cmd_list(args: argparse.Namespace) -> int:
    from cdassess.catalogue import Catalogue

    with Catalogue.open(args.catalogue, readonly=True) as cat:
        rows = cat.assessments(model=args.model, unit=args.unit, since=args.since)
    if args.json:
        _print_json(rows)
        return 0
    for r in rows:
        print(f"{r['id'][:8]}  {r['assessed_on']}  {r['business_unit'] or '-':<14} {r['organization']} / "
              f"{r['project']}  {r['model_id']} {r['model_version']}  {r['status']:<9} L{r['overall_level']}"
              f"/{r['target_level']}")
    print(f"{len(rows)} assessment(s)")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from cdassess.catalogue import Catalogue

    with Catalogue.open(args.catalogue) as cat:
        n = cat.remove(args.ids)
    print(f"removed {n}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from cdassess.catalogue import Catalogue

    with Catalogue.open(args.catalogue, readonly=True) as cat:
        data = cat.report(model=args.model, unit=args.unit, since=args.since, top=args.top)
    if args.output:
        from cdassess.catalogue import is_postgres
        from cdassess.catalogue.output import write_report

        inputs = [] if is_postgres(args.catalogue) else [args.catalogue]
        out = write_report(data, args.output, lang=args.lang, force=args.force, inputs=inputs)
        print(f"wrote {out}")
    if args.json:
        _print_json(data)
        return 0
    if not args.output:
        print_report(data)
    return 0


def print_report(data: dict[str, Any]) -> None:
    print(f"{data['assessments']} assessment(s) of {data['projects_count']} project(s)")
    print()
    print("domain        p25   p50   p75   levels")
    for d in data["domains"]:
        dist = "  ".join(f"L{k}:{v}" for k, v in d["levels"].items())
        print(f"{d['id']:<12} {_num(d['p25'])} {_num(d['p50'])} {_num(d['p75'])}   {dist}   {d['name_en']}")
    print()
    print("most frequent gaps:")
    for g in data["frequent_gaps"]:
        print(f"  {g['count']:>4}  {g['requirement']:<18} {g['text_en'][:70]}")
    print()
    print("projects against their target:")
    for p in data["projects"]:
        mark = "met" if p["target_met"] else f"{p['gaps']} gaps"
        print(f"  {p['business_unit'] or '-':<14} {p['organization']} / {p['project']}: L{p['overall_level']} of "
              f"{p['target_level']} ({mark})")
    f = data["open_findings"]
    print()
    print(f"open findings: {f['total']}")
    for o in f["by_owner"]:
        print(f"  {o['owner'] or '(no owner recorded)'}: {o['open']} open, {o['overdue']} overdue"
              f"{', next due ' + o['next_due'] if o['next_due'] else ''}")


def _num(v: float | None) -> str:
    return "  -  " if v is None else f"{v:5.2f}"


def cmd_serve(args: argparse.Namespace) -> int:
    from cdassess.catalogue.serve import serve

    return serve(args.catalogue, port=args.port, host=args.host, open_browser=False)


def register(sub: Any) -> None:
    cat = sub.add_parser("catalogue", help="the portfolio catalogue of many assessments (SQLite or PostgreSQL)",
                         description="A catalogue of many assessments: a SQLite file (default) or a "
                         "postgresql:// URL.").add_subparsers(dest="catalogue_command", metavar="COMMAND")
    p = cat.add_parser("add", help="record assessment files (folders are searched for .cdassess files)")
    p.add_argument("catalogue", metavar="CATALOGUE", help="a SQLite file (created when absent) or postgresql:// URL")
    p.add_argument("paths", nargs="+", metavar="FILE_OR_FOLDER")
    p.add_argument("--profile", choices=["confidential", "full"], default="confidential",
                   help="what is recorded: confidential (default: no names of people, no internal notes) or full")
    p.set_defaults(handler=cmd_add)

    p = cat.add_parser("list", help="the assessments in the catalogue")
    p.add_argument("catalogue", metavar="CATALOGUE")
    _filters(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = cat.add_parser("remove", help="remove assessments (by id or a unique id prefix)")
    p.add_argument("catalogue", metavar="CATALOGUE")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(handler=cmd_remove)

    p = cat.add_parser("report", help="levels, percentiles, frequent gaps, projects, trends, open findings")
    p.add_argument("catalogue", metavar="CATALOGUE")
    _filters(p)
    p.add_argument("--top", type=_positive, default=10, help="how many frequent gaps (default 10)")
    p.add_argument("--json", action="store_true")
    p.add_argument("-o", "--output", metavar="REPORT.pdf|REPORT.xlsx", help="also write a PDF or workbook")
    p.add_argument("--lang", choices=["zh", "en", "both"], default="both", help="language of the PDF")
    p.add_argument("--force", action="store_true", help="replace an existing file of another kind")
    p.set_defaults(handler=cmd_report)

    p = cat.add_parser("serve", help="browse a SQLite catalogue with Datasette on this computer (read-only)")
    p.add_argument("catalogue", metavar="CATALOGUE")
    p.add_argument("--port", type=_port, default=8001)
    p.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_serve)


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="only assessments on this model id")
    p.add_argument("--unit", help="only this business unit")
    p.add_argument("--since", type=_date, help="only assessments on or after this date (YYYY-MM-DD)")


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return n


def _port(value: str) -> int:
    n = _positive(value)
    if n > 65535:
        raise argparse.ArgumentTypeError("a port is 1-65535")
    return n


__all__ = ["InvalidValueError", "register"]
