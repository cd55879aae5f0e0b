"""Core commands: create, inspect, rate, gaps, explain, evidence, lock, check, models, audit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cdassess.cli.common import Handler, force_option, level_number, opened, unsafe_option
from cdassess.cli.common import file_arg as _file
from cdassess.cli.common import level_name as _level_name
from cdassess.cli.common import print_json as _print_json
from cdassess.cli.common import print_records as _print_records
from cdassess.errors import CdassessError, InvalidValueError


def _opt(text: str) -> str | None:
    """A text of the model, or None when the model has none in that language."""
    return text or None


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _cov(cov: Any) -> dict[str, float | None]:
    return {str(n): _round(v) for n, v in cov.items()}


def _node(rep: Any, node_id: str) -> dict[str, Any]:
    """The figures of one node: score (None for the cumulative rule) and coverage per level."""
    return {"score": _round(rep.scores.get(node_id)), "coverage": _cov(rep.coverage.get(node_id, {}))}


# ------------------------------------------------------------------------------------------ handlers


def cmd_new(args: argparse.Namespace) -> int:
    from cdassess.services import Assessment

    a = Assessment.create(args.file, organization=args.org, project=args.project, target_level=args.target_level,
                          model_id=args.model, assessor=args.assessor or args.user, scope=args.scope or "",
                          assessors=[args.assessor] if args.assessor else [])
    with a:
        if getattr(args, "unit", None):
            a.update_details(business_unit=args.unit.strip())
        print(f"created {a.path} ({a.model.id} {a.model.version}, target level {a.meta.target_level}, "
              f"{len(a.model.requirements)} requirements)")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from cdassess.demo import build_demo

    with build_demo(Path(args.file), actor=args.user) as a:
        rep = a.levels()
        print(f"created demo assessment {a.path}: {a.meta.organization} / {a.meta.project}, overall level "
              f"{rep.overall}, target {a.meta.target_level}")
    return 0


def info_dict(a: Any) -> dict[str, Any]:
    st = a.statuses()  # read once for every figure
    rep = a.levels(st)
    prog_all = a.progress(statuses=st)
    prog_target = a.progress(a.meta.target_level, statuses=st)
    m = a.model
    return {
        "file": str(a.path),
        "model": {"id": m.id, "version": m.version, "name_zh": m.names.zh, "name_en": m.names.en},
        "languages": list(m.languages),
        "scoring": m.scoring.as_dict(),
        "max_score": rep.max_score,
        "organization": a.meta.organization,
        "project": a.meta.project,
        "scope": a.meta.scope,
        "business_unit": a.meta.business_unit,
        "assessors": list(a.meta.assessors),
        "status": a.meta.status,
        "level_rule": a.meta.level_rule,
        "target_level": a.meta.target_level,
        "overall_level": rep.overall,
        "level": rep.overall,
        "overall_score": _round(rep.overall_score),
        "score": _round(rep.overall_score),
        "coverage": _cov(rep.overall_coverage),
        "target_met": rep.overall >= a.meta.target_level,
        "progress": {"rated": prog_all.rated, "total": prog_all.total},
        "progress_to_target": {"rated": prog_target.rated, "total": prog_target.total},
        "gaps_to_target": sum(len(g.requirements) for g in a.gaps(statuses=st, report=rep)),
        "certificates": [c.as_json() for c in a.certificates()],
        "domains": [
            {
                "id": d.id, "name_zh": d.names.zh, "name_en": d.names.en, "level": rep.domains[d.id],
                **_node(rep, d.id),
                "subdomains": [
                    {"id": s.id, "name_zh": s.names.zh, "name_en": s.names.en, "level": rep.subdomains[s.id],
                     **_node(rep, s.id),
                     "items": [{"id": i.id, "name_zh": i.names.zh, "name_en": i.names.en,
                                "level": rep.items[i.id], **_node(rep, i.id)} for i in s.items]}
                    for s in d.subdomains
                ],
            }
            for d in m.domains
        ],
    }


def cmd_info(args: argparse.Namespace) -> int:
    with opened(args, readonly=True) as a:
        data = info_dict(a)
        if args.json:
            _print_json(data)
            return 0
        m = a.model
        print(f"{data['organization']} / {data['project']}  [{data['status']}]")
        if data["business_unit"]:
            print(f"unit:     {data['business_unit']}")
        print(f"model:    {m.names.both()} ({m.id} {m.version})")
        print(f"target:   level {data['target_level']} ({_level_name(m, data['target_level'])})")
        print(f"overall:  level {data['overall_level']} ({_level_name(m, data['overall_level'])})"
              f"{'  - target met' if data['target_met'] else ''}")
        if data["overall_score"] is not None:
            print(f"score:    {_score_text(m, data['overall_score'], data['max_score'])}")
        p, pt = data["progress"], data["progress_to_target"]
        print(f"progress: {p['rated']}/{p['total']} rated; {pt['rated']}/{pt['total']} up to the target; "
              f"{data['gaps_to_target']} gaps to the target")
        for c in data["certificates"]:
            state = "valid" if c["status"] == "valid" else f"superseded {str(c['superseded_at'] or '')[:10]}"
            print(f"certificate: {c['number']}  level {c['level']}  issued {c['issued']}  valid until "
                  f"{c['valid_until']}  [{state}]")
        print()
        for d in data["domains"]:
            fig = _figure(m, d)
            print(f"  {fig}  {d['id']:<8} {_names(d)}")
            for s in d["subdomains"]:
                if len(d["subdomains"]) > 1 or s["id"] != d["id"]:
                    print(f"      {_figure(m, s)}  {s['id']:<10} {_names(s)}")
    return 0


def _names(node: dict[str, Any]) -> str:
    return " ".join(n for n in (node["name_zh"], node["name_en"]) if n)


def _score_text(m: Any, score: float, top: float | None) -> str:
    if m.scoring.rule == "coverage":
        return f"{score * 100:.0f} %"
    return f"{score:.2f} / {top:g}" if top is not None else f"{score:.2f}"


def _figure(m: Any, node: dict[str, Any]) -> str:
    """What the model's rule shows for a node: L3 (cumulative), 1.43 (weighted), L2 62 % (coverage)."""
    if m.scoring.rule == "weighted" and node["score"] is not None:
        return f"{node['score']:.2f}"
    if m.scoring.rule == "coverage" and node["score"] is not None:
        return f"L{node['level']} {node['score'] * 100:3.0f} %"
    return f"L{node['level']}"


def cmd_requirements(args: argparse.Namespace) -> int:
    with opened(args, readonly=True) as a:
        from cdassess.cycles import previous_ratings

        ratings = a.ratings()
        claims = a.claims()
        previous = previous_ratings(a)
        rows = []
        for req in a.model.iter_requirements(args.max_level):
            r = ratings.get(req.id)
            prev = previous.get(req.id)
            rows.append({
                "id": req.id, "item": req.item_id, "level": req.level,
                "status": str(r.status) if r else "unrated",
                "claim": str(claims[req.id].status) if req.id in claims else "unrated",
                "needs_review": bool(r and r.needs_review),
                "text_zh": _opt(req.text.zh), "text_en": _opt(req.text.en), "provenance": req.provenance,
                **({"previous": {"status": prev.status, "note": prev.note}} if prev else {}),
            })
        if args.status:
            wanted = {a.model.scale.parse_or_raise(s) for s in args.status}
            rows = [r for r in rows if r["status"] in wanted]
        if args.json:
            _print_json(rows)
            return 0
        for r in rows:
            text = (r["text_en"] if args.lang == "en" else r["text_zh"]) or r["text_zh"] or r["text_en"]
            print(f"{r['id']:<18} L{r['level']}  {r['status']:<8} {text}")
    return 0


def cmd_rate(args: argparse.Namespace) -> int:
    with opened(args) as a:
        status = a.parse_status(args.status)
        change = a.rate(args.req_id, status, note=args.note, justification=args.justification,
                        needs_review=args.needs_review)
        rep = a.levels()
        old, new = change.old, change.new
        print(f"{args.req_id}: {old.status} -> {new.status}; overall level {rep.overall} "
              f"(target {a.meta.target_level})")
    return 0


def _req_row(a: Any, req: Any, ratings: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    item = a.model.items[req.item_id]
    r = ratings.get(req.id)
    c = claims.get(req.id)
    return {"id": req.id, "item": item.id, "item_zh": item.names.zh, "item_en": item.names.en,
            "level": req.level, "status": str(r.status) if r else "unrated",
            "claim": str(c.status) if c else "unrated", "text_zh": req.text.zh, "text_en": req.text.en,
            "note": r.note if r else ""}


def cmd_gaps(args: argparse.Namespace) -> int:
    parts = list(args.parts)
    if parts and parts[0] == "export":
        if len(parts) != 2:
            raise InvalidValueError("usage: cdassess gaps export FILE -o PLAN.xlsx")
        if not args.output:
            raise InvalidValueError("gaps export needs -o PLAN.xlsx")
        from cdassess.cli import excel

        args.file = parts[1]
        return int(excel.gaps_export(args))
    if len(parts) != 1:
        raise InvalidValueError("usage: cdassess gaps FILE [--target N] [--json]")
    args.file = parts[0]
    with opened(args, readonly=True) as a:
        target = a.meta.target_level if args.target is None else args.target
        groups = a.gaps(target)
        ratings, claims = a.ratings(), a.claims()
        rep = a.levels()
        data = {
            "target_level": target, "overall_level": rep.overall,
            "count": sum(len(g.requirements) for g in groups),
            "domains": [{"id": g.domain.id, "name_zh": g.domain.names.zh, "name_en": g.domain.names.en,
                         "level": g.level, "gaps": [_req_row(a, r, ratings, claims) for r in g.requirements]}
                        for g in groups],
        }
        if args.json:
            _print_json(data)
            return 0
        if not groups:
            print(f"no gaps to level {target}: overall level {rep.overall}")
            return 0
        print(f"{data['count']} gaps to level {target} (overall level {rep.overall}):")
        for g in data["domains"]:
            print(f"\n{g['id']} {g['name_zh']} {g['name_en']} (level {g['level']})")
            for row in g["gaps"]:
                print(f"  {row['id']:<18} L{row['level']} {row['status']:<8} {row['text_zh']}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    with opened(args, readonly=True) as a:
        ex = a.explain(args.level)
        ratings = a.statuses()
        if args.json:
            _print_json({
                "level": ex.level, "overall_level": ex.overall, "reached": ex.reached,
                "blocked_items": [{"item": b.item.id, "item_level": b.level,
                                   "blocking": [{"id": r.id, "level": r.level,
                                                 "status": str(ratings.get(r.id, "unrated"))}
                                                for r in b.blocking]} for b in ex.blocked_items],
            })
            return 0
        lv = _level_name(a.model, ex.level)
        if ex.reached:
            print(f"level {ex.level} ({lv}) is reached: overall level is {ex.overall}")
            return 0
        n = len(ex.blocking_requirements)
        print(f"level {ex.level} ({lv}) is not reached (overall level {ex.overall}); "
              f"{len(ex.blocked_items)} items are below it, blocked by {n} requirements:")
        for b in ex.blocked_items:
            item = b.item
            print(f"\n  {item.id} {item.names.both(' ')} (item level {b.level})")
            for r in b.blocking:
                st = str(ratings.get(r.id, "unrated"))
                print(f"    {r.id:<18} L{r.level} {st:<8} {r.text.get('zh')}")
    return 0


def cmd_whatif(args: argparse.Namespace) -> int:
    changes: dict[str, str] = {}
    for spec in args.changes:
        req, sep, st = spec.partition("=")
        if not sep:
            raise InvalidValueError(f"{spec!r}: write changes as REQ_ID=STATUS, for example CD.CM.VC.01.L3=met")
        changes[req.strip()] = st.strip()
    with opened(args, readonly=True) as a:
        before, after = a.what_if(changes)
        print(f"overall level: {before.overall} -> {after.overall}")
        for d in a.model.domains:
            if before.domains[d.id] != after.domains[d.id]:
                print(f"  {d.id}: {before.domains[d.id]} -> {after.domains[d.id]}")
    return 0


def cmd_evidence_add(args: argparse.Namespace) -> int:
    with opened(args) as a:
        limit = None if getattr(args, "max_size", None) is None else int(args.max_size * 2**20)
        ev, is_new = a.add_evidence_file(args.path, args.req or [], max_bytes=limit,
                                         provided_by=args.provided_by or "",
                                         collected_on=args.collected_on or "", description=args.description or "")
        state = "added" if is_new else "already stored (same content); linked"
        print(f"evidence {ev.id} {state}: {ev.original_name}, {ev.size} bytes, sha256 {ev.sha256}, "
              f"linked to {', '.join(ev.req_ids) or 'no requirement'}")
    return 0


def cmd_evidence_list(args: argparse.Namespace) -> int:
    with opened(args, readonly=True) as a:
        items = a.evidence_list()
        if args.json:
            _print_json([{"id": e.id, "name": e.original_name, "size": e.size, "sha256": e.sha256,
                          "media_type": e.media_type, "provided_by": e.provided_by, "collected_on": e.collected_on,
                          "added_at": e.added_at, "description": e.description, "requirements": list(e.req_ids)}
                         for e in items])
            return 0
        if not items:
            print("no evidence")
        for e in items:
            print(f"{e.id:>4}  {e.sha256[:12]}  {e.size:>10}  {e.original_name}  -> {', '.join(e.req_ids) or '-'}")
    return 0


def cmd_evidence_extract(args: argparse.Namespace) -> int:
    from cdassess.outputs import guard_output

    if not Path(args.output).is_dir():  # into a folder: the evidence's own name, never over an existing file
        guard_output(args.output, force=args.force, inputs=[args.file])
    with opened(args, readonly=True) as a:
        out = a.extract_evidence(args.evidence_id, args.output, overwrite=args.force)
        print(f"wrote {out}")
    return 0


def cmd_evidence_link(args: argparse.Namespace) -> int:
    with opened(args) as a:
        ch = a.link_evidence(args.evidence_id, args.req)
        print(f"evidence {args.evidence_id} linked to {', '.join(ch.req_ids) or 'nothing new'}")
    return 0


def cmd_evidence_unlink(args: argparse.Namespace) -> int:
    with opened(args) as a:
        ch = a.unlink_evidence(args.evidence_id, args.req)
        print(f"evidence {args.evidence_id} " + ("unlinked from " + args.req if ch.req_ids else "was not linked"))
    return 0


def cmd_evidence_edit(args: argparse.Namespace) -> int:
    with opened(args) as a:
        ch = a.update_evidence(args.evidence_id, description=args.description, provided_by=args.provided_by,
                               collected_on=args.collected_on)
        print(f"evidence {args.evidence_id} ({ch.new.original_name}) updated")
    return 0


def cmd_evidence_remove(args: argparse.Namespace) -> int:
    with opened(args) as a:
        ch = a.remove_evidence(args.evidence_id)
        print(f"evidence {args.evidence_id} ({ch.old.original_name}) removed")
    return 0


def cmd_finding_add(args: argparse.Namespace) -> int:
    from cdassess.records import Finding

    with opened(args) as a:
        ch = a.save_finding(Finding(None, args.req, args.observation, args.recommendation or "", args.owner or "",
                                    args.due or "", args.priority))
        print(f"finding {ch.new.id} added")
    return 0


def cmd_finding_list(args: argparse.Namespace) -> int:
    with opened(args, readonly=True) as a:
        _print_records(args, a.findings(), lambda f: f"{f.id:>4} [{f.priority}] {f.req_id or '-'}: {f.observation}"
                       + (f" -> {f.recommendation}" if f.recommendation else ""))
    return 0


def cmd_interview_add(args: argparse.Namespace) -> int:
    from cdassess.records import Interview

    with opened(args) as a:
        ch = a.add_interview(Interview(None, args.date, args.people, args.interviewer or args.user or "",
                                       args.topic or "", args.notes or ""))
        print(f"interview {ch.new.id} recorded")
    return 0


def cmd_interview_list(args: argparse.Namespace) -> int:
    with opened(args, readonly=True) as a:
        _print_records(args, a.interviews(), lambda i: f"{i.id:>4} {i.held_on} {i.interviewees}: {i.topic}")
    return 0


def cmd_lock(args: argparse.Namespace) -> int:
    from cdassess.readiness import NotReadyError

    with opened(args) as a:
        try:
            a.lock(require_ready=not args.force)
        except NotReadyError as exc:
            print(f"cdassess: error: {exc}", file=sys.stderr)
            _print_not_ready(exc.items)
            return 1
        from cdassess.signing import KeyStore

        print(f"locked {a.path}; results digest {a.meta.frozen_digest}; signed with key "
              f"{KeyStore().own_public().key_id}")
    return 0


def _print_not_ready(items: list[Any]) -> None:
    """The completeness check grouped by kind, up to 12 subjects each."""
    from cdassess.readiness import KINDS, LABELS

    for kind in KINDS:
        group = [it for it in items if it.kind == kind]
        if not group:
            continue
        print(f"  {LABELS[kind][1]} ({len(group)}):", file=sys.stderr)
        for it in group[:12]:
            print(f"    - {it}", file=sys.stderr)
        if len(group) > 12:
            print(f"    ... and {len(group) - 12} more", file=sys.stderr)


def cmd_unlock(args: argparse.Namespace) -> int:
    with opened(args) as a:
        valid = a.valid_certificates()
        a.unlock(args.reason)
        print(f"unlocked {a.path}")
        for c in valid:
            print(f"certificate {c.number} (level {c.level}, issued {c.issued}) was issued on these results; "
                  f"it is now marked superseded ({args.reason.strip()})")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    # read-only, and a file that is not genuine is read with only cdassess's own SQL allowed to run: check
    # names every difference of its schema along with everything else it finds
    with opened(args, readonly=True, unsafe=True) as a:
        problems = a.check()
        if not problems:
            from cdassess.sealing import lock_rows

            n_ev, n_audit = len(a.evidence_list()), a.store.audit_count()
            n_locks = len(lock_rows(a)[0])
            print(f"ok: {a.path} (SQLite integrity, {n_ev} evidence hashes, {n_audit} audit rows in an unbroken chain, "
                  f"{n_locks} lock signature(s))")
            return 0
    print(f"cdassess: error: {args.file}: {len(problems)} problem(s) found", file=sys.stderr)
    for p in problems:
        print(f"  - {p}", file=sys.stderr)
    return 1


def cmd_audit(args: argparse.Namespace) -> int:
    with opened(args, readonly=True) as a:
        rows = a.store.audit_entries(args.target, args.last)
        if args.json:
            _print_json([e.__dict__ for e in rows])
            return 0
        for e in rows:
            print(f"{e.seq:>5} {e.at} {e.actor:<12} {e.action:<16} {e.target:<28} {e.old or ''} -> {e.new or ''}")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {}
    for key in ("organization", "project", "scope", "target_level", "start_date", "end_date", "level_rule",
                "business_unit"):
        value = getattr(args, key)
        if value is not None:
            changes[key] = value
    if args.assessors is not None:
        changes["assessors"] = [a.strip() for a in args.assessors.split(",") if a.strip()]
    if not changes:
        raise InvalidValueError("nothing to change: give at least one option (see cdassess edit --help)")
    with opened(args) as a:
        a.update_details(**changes)
        print(f"updated {', '.join(sorted(changes))} of {a.path}")
    return 0


def cmd_use_model(args: argparse.Namespace) -> int:
    from cdassess.cli.cycles import cmd_upgrade

    return cmd_upgrade(args)


# ------------------------------------------------------------------------------------------ parser


def register(sub: Any) -> None:
    _register_assessment(sub)
    _register_evidence(sub)
    _register_findings_and_lock(sub)
    for name in ("info", "requirements", "audit"):
        unsafe_option(sub.choices[name])
    force_option(sub.choices["gaps"])


def _register_assessment(sub: Any) -> None:
    p = sub.add_parser("new", help="create a new assessment (never overwrites a file)")
    _file(p)
    p.add_argument("--org", required=True, help="the assessed organization")
    p.add_argument("--project", required=True, help="the assessed project or system")
    p.add_argument("--target-level", type=level_number, default=3, help="target level (default 3)")
    p.add_argument("--model", help="model id from 'cdassess models' (default: the built-in CAICT model)")
    p.add_argument("--assessor", help="lead assessor name")
    p.add_argument("--scope", help="scope of the assessment")
    p.add_argument("--unit", help="the business unit (division) the project belongs to")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("demo", help="create a realistic demo assessment on the built-in model")
    _file(p)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("info", help="levels, progress and gaps of an assessment")
    _file(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_info)

    p = sub.add_parser("requirements", help="every requirement with its rating")
    _file(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--max-level", type=level_number)
    p.add_argument("--status", action="append", help="only these ratings (repeatable)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.set_defaults(handler=cmd_requirements)

    p = sub.add_parser("rate", help="rate a requirement with an option of the model's scale (CAICT: met, partial, "
                                    "not_met, na), or unrated")
    _file(p)
    p.add_argument("req_id", metavar="REQ_ID")
    p.add_argument("status", metavar="OPTION_ID",
                   help="an option id of the model's rating scale (CAICT: met, partial, not_met, na with "
                        "--justification), a label of one, or unrated")
    p.add_argument("--note")
    p.add_argument("--justification", help="why the requirement does not apply (required for na)")
    review = p.add_mutually_exclusive_group()
    review.add_argument("--needs-review", dest="needs_review", action="store_true", default=None)
    review.add_argument("--reviewed", dest="needs_review", action="store_false")
    p.set_defaults(handler=cmd_rate)

    p = sub.add_parser("gaps", help="requirements below the target (or: gaps export FILE -o plan.xlsx)")
    p.add_argument("parts", nargs="+", metavar="FILE", help="FILE, or 'export FILE' with -o")
    p.add_argument("--target", type=level_number)
    p.add_argument("--json", action="store_true")
    p.add_argument("-o", "--output", help="with 'export': the gap plan workbook to write")
    p.add_argument("--profile", choices=["full", "confidential"], default="full",
                   help="with 'export': confidential leaves out people and internal notes")
    p.set_defaults(handler=cmd_gaps)

    p = sub.add_parser("explain", help="why a level is (not) reached: the exact blocking requirements")
    _file(p)
    p.add_argument("--level", type=level_number, help="default: the next level above the overall level")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_explain)

    p = sub.add_parser("what-if", help="levels after hypothetical ratings, nothing stored")
    _file(p)
    p.add_argument("changes", nargs="+", metavar="REQ_ID=STATUS")
    p.set_defaults(handler=cmd_whatif)


def _register_evidence(sub: Any) -> None:
    ev = sub.add_parser("evidence", help="attach, list, extract, link evidence").add_subparsers(
        dest="evidence_command", metavar="ACTION")
    p = ev.add_parser("add", help="attach a file (stored inside the assessment, SHA-256)")
    _file(p)
    p.add_argument("path", metavar="PATH")
    p.add_argument("--req", action="append", help="requirement to link (repeatable)")
    p.add_argument("--provided-by")
    p.add_argument("--collected-on", help="date collected (YYYY-MM-DD)")
    p.add_argument("--description")
    p.add_argument("--max-size", type=float, metavar="MB",
                   help="refuse a file larger than this many MB (default 4096, or $CDASSESS_MAX_EVIDENCE_MB)")
    p.set_defaults(handler=cmd_evidence_add)
    p = ev.add_parser("list", help="all stored evidence")
    _file(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_evidence_list)
    p = ev.add_parser("extract", help="write stored evidence to a file or folder")
    _file(p)
    p.add_argument("evidence_id", metavar="EVIDENCE_ID", type=int)
    p.add_argument("-o", "--output", required=True, metavar="PATH")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_evidence_extract)
    p = ev.add_parser("link", help="link stored evidence to more requirements")
    _file(p)
    p.add_argument("evidence_id", metavar="EVIDENCE_ID", type=int)
    p.add_argument("--req", action="append", required=True)
    p.set_defaults(handler=cmd_evidence_link)
    p = ev.add_parser("unlink", help="unlink evidence from a requirement")
    _file(p)
    p.add_argument("evidence_id", metavar="EVIDENCE_ID", type=int)
    p.add_argument("--req", required=True)
    p.set_defaults(handler=cmd_evidence_unlink)
    p = ev.add_parser("edit", help="change the description, provider or collection date of evidence")
    _file(p)
    p.add_argument("evidence_id", metavar="EVIDENCE_ID", type=int)
    p.add_argument("--description")
    p.add_argument("--provided-by")
    p.add_argument("--collected-on", help="YYYY-MM-DD")
    p.set_defaults(handler=cmd_evidence_edit)
    p = ev.add_parser("remove", help="delete stored evidence and its links")
    _file(p)
    p.add_argument("evidence_id", metavar="EVIDENCE_ID", type=int)
    p.set_defaults(handler=cmd_evidence_remove)
    from cdassess.cli.cycles import register_evidence_review

    register_evidence_review(ev)


def _register_findings_and_lock(sub: Any) -> None:
    fd = sub.add_parser("finding", help="add or list findings").add_subparsers(dest="finding_command",
                                                                              metavar="ACTION")
    p = fd.add_parser("add")
    _file(p)
    p.add_argument("--req", help="the requirement it concerns")
    p.add_argument("--observation", required=True)
    p.add_argument("--recommendation")
    p.add_argument("--owner")
    p.add_argument("--due", help="due date YYYY-MM-DD")
    p.add_argument("--priority", choices=["high", "medium", "low"], default="medium")
    p.set_defaults(handler=cmd_finding_add)
    p = fd.add_parser("list")
    _file(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_finding_list)

    iv = sub.add_parser("interview", help="record or list interviews").add_subparsers(dest="interview_command",
                                                                                       metavar="ACTION")
    p = iv.add_parser("add")
    _file(p)
    p.add_argument("--date", required=True, help="YYYY-MM-DD")
    p.add_argument("--people", required=True, help="who was interviewed")
    p.add_argument("--interviewer")
    p.add_argument("--topic")
    p.add_argument("--notes")
    p.set_defaults(handler=cmd_interview_add)
    p = iv.add_parser("list")
    _file(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_interview_list)
    _register_lock_and_admin(sub)


def _register_lock_and_admin(sub: Any) -> None:
    p = sub.add_parser("lock", help="freeze the assessment and sign its results (refused while the completeness "
                       "check lists open points, unless --force)")
    _file(p)
    p.add_argument("--force", action="store_true", help="lock although the completeness check lists open points")
    p.set_defaults(handler=cmd_lock)
    p = sub.add_parser("unlock", help="unlock with a reason (audited; issued certificates become superseded)")
    _file(p)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_unlock)

    p = sub.add_parser("check", help="SQLite integrity, evidence hashes, the audit chain")
    _file(p)
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("audit", help="the audit log")
    _file(p)
    p.add_argument("--target", help="only entries about this target prefix, e.g. requirement:CD.CM")
    p.add_argument("--last", type=int, help="only the last N entries")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_audit)

    p = sub.add_parser("edit", help="change the assessment's details")
    _file(p)
    p.add_argument("--org", dest="organization")
    p.add_argument("--project")
    p.add_argument("--scope")
    p.add_argument("--target-level", type=level_number)
    p.add_argument("--unit", dest="business_unit", help="the business unit (division) the project belongs to")
    p.add_argument("--assessors", help="comma-separated names")
    p.add_argument("--start-date", help="YYYY-MM-DD")
    p.add_argument("--end-date", help="YYYY-MM-DD")
    p.add_argument("--rule", dest="level_rule", choices=["strict", "lenient"],
                   help="strict: met or N/A satisfy a requirement; lenient: partial does too")
    p.set_defaults(handler=cmd_edit)

    p = sub.add_parser("use-model", help="move the assessment to another model version: a reviewed migration "
                       "(ratings kept by ID or through a mapping; changed ones flagged to re-confirm)")
    _file(p)
    p.add_argument("model_id", metavar="MODEL_ID[@VERSION]")
    p.add_argument("--version", dest="model_version", help="model version (default: the newest in the library)")
    p.add_argument("--mapping", metavar="MAP.json", help="which old requirement becomes which new one(s)")
    p.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    p.add_argument("--json", action="store_true", help="the plan as JSON")
    p.add_argument("--force", action="store_true", help="go ahead although requirements in use are removed "
                   "(their records stay in the file, listed)")
    p.set_defaults(handler=cmd_use_model)


__all__ = ["CdassessError", "Handler", "level_number", "opened", "register"]
