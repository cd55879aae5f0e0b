"""``cdassess enterprise new/add/remove/info/report``: enterprise assessments by sampled projects."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def cmd_new(args: argparse.Namespace) -> int:
    from cdassess.enterprise import Enterprise, load_sampling_table

    table = load_sampling_table(args.sampling_table) if args.sampling_table else None
    e = Enterprise.create(args.file, organization=args.org, applications=args.applications, sampling=table,
                          sample=args.sample, rule=args.rule, scope=args.scope or "")
    print(f"created {e.path}: {e.organization}, {e.applications} applications; sample {e.sample_size} projects "
          f"({e.sample_source}); rule {e.rule}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from cdassess.enterprise import Enterprise

    e = Enterprise.open(args.file)
    for line in e.add(args.assessments, force=args.force):
        print(line)
    print(f"{len(e.projects)} of {e.sample_size} sampled projects registered")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from cdassess.enterprise import Enterprise

    e = Enterprise.open(args.file)
    print(f"removed {e.remove(args.project)}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from cdassess.enterprise import Enterprise

    info = Enterprise.open(args.file).info()
    if args.json:
        json.dump(info, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"{info['organization']}: {info['applications']} applications, sample {info['sample_size']} "
          f"({info['sample_source']}); {info['sampled']} registered{'' if info['complete'] else ' (incomplete)'}")
    print(f"rule:     {info['rule']}: {info['rule_text']}")
    overall = info["overall_level"]
    print(f"overall:  level {overall if overall is not None else '-'}")
    for d in info["domains"]:
        lows = ", ".join(h["project"] for h in d["lowest"])
        print(f"  L{d['level']}  {d['id']:<8} {d['name_en']:<36} lowest: {lows}")
    for line in info["explain"]:
        print(line)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from cdassess.enterprise import Enterprise, write_report

    out = write_report(Enterprise.open(args.file), args.output, lang=args.lang, force=args.force)
    print(f"wrote {out}")
    return 0


def register(sub: Any) -> None:
    ent = sub.add_parser("enterprise", help="enterprise (business-domain) assessments by sampled projects")
    ent = ent.add_subparsers(dest="enterprise_command", metavar="COMMAND")
    p = ent.add_parser("new", help="start an enterprise assessment; proposes the sample size")
    p.add_argument("file", metavar="E.cdassess-enterprise")
    p.add_argument("--org", required=True)
    p.add_argument("--applications", type=int, required=True, help="how many applications the enterprise runs")
    p.add_argument("--sample", type=int, help="sample size to use instead of the table's proposal")
    p.add_argument("--sampling-table", metavar="TABLE.json",
                   help='rows [{"max_applications": M|null, "projects": K|null}, ...] (default: CAICT published rows)')
    p.add_argument("--rule", choices=["minimum", "median"], default="minimum",
                   help="how domain levels are derived from the sampled projects (default minimum)")
    p.add_argument("--scope")
    p.set_defaults(handler=cmd_new)

    p = ent.add_parser("add", help="register sampled project assessments (read read-only)")
    p.add_argument("file", metavar="E.cdassess-enterprise")
    p.add_argument("assessments", nargs="+", metavar="FILE.cdassess")
    p.add_argument("--force", action="store_true", help="register an assessment of another organization")
    p.set_defaults(handler=cmd_add)

    p = ent.add_parser("remove", help="unregister a sampled project (by id prefix or project name)")
    p.add_argument("file", metavar="E.cdassess-enterprise")
    p.add_argument("project", metavar="ID_OR_PROJECT")
    p.set_defaults(handler=cmd_remove)

    p = ent.add_parser("info", help="the enterprise level per domain and overall, and what holds it back")
    p.add_argument("file", metavar="E.cdassess-enterprise")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_info)

    p = ent.add_parser("report", help="the enterprise report (PDF) naming the sampled projects")
    p.add_argument("file", metavar="E.cdassess-enterprise")
    p.add_argument("-o", "--output", required=True, metavar="REPORT.pdf")
    p.add_argument("--lang", choices=["zh", "en", "both"], default="both")
    p.add_argument("--force", action="store_true", help="replace an existing file of another kind")
    p.set_defaults(handler=cmd_report)
