"""Cycle commands: reassess, compare, evidence review."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def cmd_reassess(args: argparse.Namespace) -> int:
    from cdassess.cycles import reassess, reconfirm_queue
    from cdassess.library import ModelLibrary

    model = None
    if args.model:
        model_id, _, version = args.model.partition("@")
        model = ModelLibrary().load(model_id, version or None)
    with reassess(args.file, args.output, model=model, actor=args.user) as new:
        queue = reconfirm_queue(new)
        print(f"wrote {new.path}: {new.meta.organization} / {new.meta.project} on {new.model.id} "
              f"{new.model.version}; {len(queue)} rating(s) to re-confirm, {len(new.evidence_list())} evidence "
              f"file(s) and {len(new.findings())} finding(s) carried over")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from cdassess.cycles import compare

    cmp = compare(args.files, mapping=args.mapping)
    if args.output:
        _write_output(cmp, args)
    if args.json:
        json.dump(cmp.as_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if args.output:
        return 0
    width = max(len(lab) for lab in cmp.labels)
    print(f"model: {cmp.model.id} {cmp.model.version}")
    for lab, lvl in zip(cmp.labels, cmp.overall, strict=True):
        print(f"  {lab:<{width}}  overall level {lvl}")
    print()
    print("domain      " + "  ".join(f"#{i + 1}" for i in range(len(cmp.labels))))
    for dom, levels in cmp.domains:
        print(f"  {dom:<10}" + "  ".join(f"L{v}" for v in levels))
    if cmp.changed:
        print()
        print(f"{len(cmp.changed)} rating(s) changed from the first to the last:")
        for c in cmp.changed:
            print(f"  {c.kind:<7} {c.requirement:<20} {c.before} -> {c.after}")
    print()
    print(f"findings closed: {len(cmp.findings_closed)}, opened: {len(cmp.findings_opened)}")
    return 0


def _write_output(cmp: Any, args: argparse.Namespace) -> None:
    from pathlib import Path

    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix in (".pdf", ".xlsx"):
        from cdassess.cli.common import output_path

        output_path(args, suffix[1:])
    if suffix == ".pdf":
        from cdassess.reports.compare import write_compare_report

        pages = write_compare_report(cmp, out, lang=args.lang, force=args.force)
        print(f"wrote {out} ({pages} page(s))", file=sys.stderr if args.json else sys.stdout)
    elif suffix == ".xlsx":
        from cdassess.xlsx.compare import export_comparison

        export_comparison(cmp, out, force=args.force)
        print(f"wrote {out}", file=sys.stderr if args.json else sys.stdout)
    else:
        from cdassess.errors import CdassessError

        raise CdassessError(f"{out}: write the comparison as .pdf or .xlsx")


def cmd_upgrade(args: argparse.Namespace) -> int:
    """``use-model``: preview the per-requirement diff, then apply it all or nothing."""
    from cdassess.cycles import apply_upgrade, load_mapping, plan_upgrade
    from cdassess.errors import InvalidValueError
    from cdassess.library import ModelLibrary
    from cdassess.services import Assessment

    model_id, _, version = args.model_id.partition("@")
    model = ModelLibrary().load(model_id, version or args.model_version)
    with Assessment.open(args.file, readonly=args.dry_run, actor=args.user) as a:
        mapping = load_mapping(args.mapping, a.model, model) if args.mapping else None
        plan = plan_upgrade(a, model, mapping)
        if args.json:
            json.dump(plan.as_json(), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            counts = plan.counts()
            print(f"{a.path.name}: {plan.from_model[0]} {plan.from_model[1]} -> {model.id} {model.version}: "
                  + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items() if n))
            for e in plan.entries:
                if e.kind == "same":
                    continue
                mark = "  re-confirm" if e.flags else ("  (in use: kept, listed)" if e.kind == "removed" and
                                                       e.in_use else "")
                print(f"  {e.kind:<12} {', '.join(e.old_ids) or '-'} -> {', '.join(e.new_ids) or '-'}{mark}")
        removed = [i for e in plan.of_kind("removed") if e.in_use for i in e.old_ids]
        if args.dry_run:
            return 0
        if removed and not args.force:
            shown = ", ".join(removed[:5]) + (f" and {len(removed) - 5} more" if len(removed) > 5 else "")
            raise InvalidValueError(
                f"model {model.id} {model.version} lacks {len(removed)} requirement(s) this assessment uses "
                f"({shown}); their records would be orphaned: kept in the file and listed, no longer scored "
                "(review with --dry-run; go ahead with --force)")
        apply_upgrade(a, model, plan)
        flagged = sum(len(e.new_ids) for e in plan.entries if e.flags)
        out = sys.stderr if args.json else sys.stdout
        print(f"{a.path}: now on model {model.id} {model.version} (was {plan.from_model[0]} "
              f"{plan.from_model[1]}); {flagged} rating(s) to re-confirm"
              + (f"; {len(removed)} orphaned requirement ids kept" if removed else ""), file=out)
    return 0


def cmd_evidence_review(args: argparse.Namespace) -> int:
    from cdassess.cycles import review_evidence
    from cdassess.services import Assessment

    with Assessment.open(args.file, actor=args.user) as a:
        old, new = review_evidence(a, args.evidence_id, status=args.status, reason=args.reason,
                                   represents_date=args.represents, valid_until=args.valid_until)
        extra = f" ({new.reason})" if new.reason else ""
        until = f"; valid until {new.valid_until}" if new.valid_until else ""
        print(f"evidence {args.evidence_id}: {old.status} -> {new.status}{extra}{until}")
    return 0


def register_evidence_review(ev: Any) -> None:
    """``evidence review`` (added to the evidence command family of cdassess.cli.core)."""
    p = ev.add_parser("review", help="accept, reject or expire evidence; dates it represents and is valid until")
    p.add_argument("file", metavar="FILE", help="the assessment file (.cdassess)")
    p.add_argument("evidence_id", metavar="EVIDENCE_ID", type=int)
    p.add_argument("--status", choices=("submitted", "accepted", "rejected", "expired"))
    p.add_argument("--reason", help="why (needed to reject)")
    p.add_argument("--represents", metavar="YYYY-MM-DD", help="the date the evidence represents")
    p.add_argument("--valid-until", metavar="YYYY-MM-DD", help="after this date the evidence counts as expired")
    p.set_defaults(handler=cmd_evidence_review)


def register(sub: Any) -> None:
    p = sub.add_parser("reassess", help="start the next cycle from last cycle's file (ratings to re-confirm)")
    p.add_argument("file", metavar="OLD", help="last cycle's assessment file")
    p.add_argument("-o", "--output", required=True, metavar="NEW", help="the new assessment file (never overwritten)")
    p.add_argument("--model", metavar="ID[@VERSION]", help="put the new cycle on another model (version)")
    p.set_defaults(handler=cmd_reassess)
    p = sub.add_parser("compare", help="compare assessments: levels side by side, changed ratings, findings")
    p.add_argument("files", metavar="FILE", nargs="+", help="two or more assessment files, oldest first")
    p.add_argument("--mapping", metavar="MAP.json", help="a model mapping, to compare assessments of two models")
    p.add_argument("--json", action="store_true")
    p.add_argument("-o", "--output", metavar="OUT.pdf|OUT.xlsx", help="also write the comparison as PDF or workbook")
    p.add_argument("--lang", choices=("zh", "en", "both"), default="both")
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.set_defaults(handler=cmd_compare)
