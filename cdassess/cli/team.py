"""Team commands: ``copy`` (hand out a working copy), ``merge`` (bring copies back, three-way per field) and
``copies`` (where a copy came from; what a lead handed out)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cdassess.errors import AssessmentFileError


def register(sub: Any) -> None:
    p = sub.add_parser("copy", help="hand out a working copy of an assessment to an assessor",
                       description="Write a working copy of LEAD for one assessor (never overwrites COPY). The "
                       "copy records where it came from, so 'cdassess merge' can bring its edits back.")
    p.add_argument("file", metavar="LEAD", help="the lead assessment file")
    p.add_argument("-o", "--output", required=True, metavar="COPY", help="the copy to write")
    p.add_argument("--assessor", required=True, metavar="NAME", help="who works on the copy")
    p.add_argument("--domains", nargs="+", default=[], metavar="ID",
                   help="the assessor's share: domain ids (edits outside it are flagged at merge)")
    p.set_defaults(handler=cmd_copy)

    p = sub.add_parser("merge", help="merge working copies back into the lead assessment",
                       description="Three-way merge per field against the common ancestor. A change made in one "
                       "place is applied; fields changed differently in two places are conflicts: without --take "
                       "the merge exits 1 naming them and writes nothing.")
    p.add_argument("file", metavar="LEAD", help="the lead assessment file")
    p.add_argument("copies", nargs="+", metavar="COPY", help="working copies made with 'cdassess copy'")
    p.add_argument("--dry-run", action="store_true", help="show what would be merged; write nothing")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--take", metavar="lead|COPY_FILE|newest",
                   help="decide every conflict the same way: the lead's value, that copy's, or the newest")
    p.add_argument("--report", metavar="FILE.xlsx", help="also write a merge report workbook")
    p.set_defaults(handler=cmd_merge)

    p = sub.add_parser("copies", help="a file's place in its team: where a copy came from, what a lead handed out",
                       description="For a working copy: its assessor, share and origin chain. For a lead: the "
                       "copies it handed out and how far each was merged.")
    p.add_argument("file", metavar="FILE", help="an assessment file")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_copies)


def cmd_copies(args: argparse.Namespace) -> int:
    from cdassess.services import Assessment
    from cdassess.team import handed_out, origin_of

    with Assessment.open(args.file, readonly=True, actor=args.user) as a:
        origin = origin_of(a)
        records = handed_out(a)
    data: dict[str, Any] = {
        "file": args.file,
        "copy": None if origin is None else {
            "copy_id": origin.copy_id, "assessor": origin.assessor, "domains": list(origin.domains),
            "copied_at": origin.copied_at, "copied_by": origin.copied_by,
            "chain": [{"id": c["id"], "seq": c["seq"], "assessor": c.get("assessor", "")} for c in origin.chain]},
        "copies": [{"copy_id": r.copy_id, "assessor": r.assessor, "domains": list(r.domains), "file": r.file_name,
                    "handed_out_at": r.handed_out_at, "merged_seq": r.merged_seq, "merged_at": r.merged_at}
                   for r in records],
    }
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if origin is not None:
        share = " ".join(origin.domains) or "all domains"
        print(f"{args.file}: working copy for {origin.assessor} ({share}), made {origin.copied_at} by "
              f"{origin.copied_by} from audit row {origin.chain[-1]['seq']} of {origin.parent_id[:8]}")
    if not records:
        print(f"{args.file}: no copies handed out or merged")
    for r in records:
        merged = f"merged up to its row {r.merged_seq} at {r.merged_at}" if r.merged_seq else "not merged yet"
        print(f"  {r.file_name or r.copy_id[:8]}: {r.assessor} ({' '.join(r.domains) or 'all domains'}), "
              f"handed out {r.handed_out_at or '-'}, {merged}")
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    from cdassess.services import Assessment
    from cdassess.team import make_copy

    with Assessment.open(args.file, actor=args.user) as lead:
        made = make_copy(lead, args.output, assessor=args.assessor, domains=args.domains)
    share = f", share {' '.join(made.domains)}" if made.domains else ""
    print(f"copied {args.file} to {made.path} for {made.assessor}{share} (copy {made.copy_id[:8]}, "
          f"from audit row {made.from_seq})")
    return 0


def _open_lead(path: str, actor: str | None, *, readonly: bool) -> Any:
    from cdassess.services import Assessment

    if readonly:
        try:
            return Assessment.open(path, readonly=True, actor=actor)
        except AssessmentFileError as exc:
            if "older cdassess" not in str(exc):
                raise
    return Assessment.open(path, actor=actor)


def cmd_merge(args: argparse.Namespace) -> int:
    from cdassess.team import plan_merge

    # Plan on a read-only lead: a refused merge leaves the lead byte for byte as it was.
    with _open_lead(args.file, args.user, readonly=True) as lead, plan_merge(lead, args.copies) as plan:
        if args.take:
            plan.decide_all(args.take)
        if args.dry_run or plan.undecided:
            _print_plan(args, plan)
            if args.report:
                _report(plan, args.report, applied=False)
            if plan.undecided and not args.dry_run:
                from cdassess.team import _pending_message

                print(f"cdassess: error: {args.file}: {_pending_message(plan.undecided)}", file=sys.stderr)
                return 1
            return 0
    with _open_lead(args.file, args.user, readonly=False) as lead, plan_merge(lead, args.copies) as plan:
        if args.take:
            plan.decide_all(args.take)
        result = plan.apply()
        if args.report:
            _report(plan, args.report, applied=True)
        if args.json:
            data = plan.as_json()
            data["applied"] = result.applied
            json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        elif result.nothing_to_do:
            print(f"{args.file}: nothing new to merge (every copy was merged as it is)")
        else:
            print(f"merged {len(plan.sources)} cop{'y' if len(plan.sources) == 1 else 'ies'} into {args.file}: "
                  f"{result.applied} change(s) applied, {result.decided} conflict(s) decided")
            for c in plan.outside_share():
                print(f"  flagged: {Path(c.sources[0]).name} changed {c.requirement} {c.label} outside its share")
    return 0


def _print_plan(args: argparse.Namespace, plan: Any) -> None:
    if args.json:
        json.dump(plan.as_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    print(f"{plan.applied_count} change(s) to apply, {len(plan.conflicts)} conflict(s)"
          + (" (dry run: nothing written)" if args.dry_run else ""))
    for c in plan.changes:
        flag = "  [outside share]" if c.outside_share else ""
        who = ", ".join(c.assessors)
        print(f"  {c.requirement or '-'}  {c.label}: {_show(c.old)} -> {_show(c.value)}  ({who}){flag}")
    for c in plan.conflicts:
        sides = "; ".join(f"{s.assessor} ({Path(s.source).name}) {_show(s.value)}" for s in c.copies)
        print(f"  CONFLICT {c.requirement or '-'}  {c.label}: lead {_show(c.lead.value)}; {sides}")


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={v!r}" for k, v in value.items() if v not in ("", None)) + "}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


def _report(plan: Any, path: str, *, applied: bool) -> None:
    from cdassess.team_report import write_merge_report

    out = write_merge_report(plan, path, applied=applied)
    print(f"merge report written to {out}", file=sys.stderr)
