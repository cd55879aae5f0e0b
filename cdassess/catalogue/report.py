"""The questions a catalogue answers, computed the same way on SQLite and PostgreSQL.

The database selects and counts (plain SELECTs and one GROUP BY both dialects run alike); percentiles,
ordering and grouping are done here in Python, so the answer is identical on both.

- ``domains``: per domain, the distribution of its level over the selected assessments and the 25th, 50th and
  75th percentile (linear interpolation between closest ranks, as numpy's default and Excel's PERCENTILE.INC).
- ``frequent_gaps``: requirements most often among an assessment's gaps to its own target.
- ``projects``: each project's newest assessment against its target.
- ``trend``: per project, its assessments in date order with the overall and domain levels.
- ``open_findings``: findings of each project's newest assessment whose requirement is still not satisfied
  (or that name no requirement), by owner and due date.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from cdassess.catalogue.query import filters

if TYPE_CHECKING:
    from cdassess.catalogue.db import CatalogueDb

REPORT_FORMAT = "cdassess-catalogue-report/1"


def percentile(values: list[int] | list[float], p: float) -> float | None:
    """The p-th quantile (0..1) by linear interpolation between closest ranks; None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = p * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return round(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo), 4)


def build_report(db: CatalogueDb, *, model: str | None = None, unit: str | None = None, since: str | None = None,
                 top: int = 10, today: str | None = None) -> dict[str, Any]:
    where, params = filters(model=model, unit=unit, since=since)
    also = " AND" if where else " WHERE"
    rows = db.query(
        "SELECT id, organization, project, business_unit, model_id, model_version, status, target_level, "
        f"overall_level, target_met, gaps, assessed_on, audit_seq, min_level, max_level FROM assessments a{where}",
        params)
    rows.sort(key=lambda r: (r["business_unit"], r["organization"], r["project"], r["assessed_on"], r["audit_seq"],
                             r["id"]))
    by_id = {r["id"]: r for r in rows}
    # without a filter every row counts: no join (the covering indexes answer alone)
    join = "JOIN assessments a ON a.id = {}.assessment_id" + where + also if where else "WHERE"
    domain_rows = [d for d in db.query(
        f"SELECT n.assessment_id, n.node_id, n.level, n.score, n.position FROM nodes n {join.format('n')} "
        "n.kind = 'domain'", params) if d["assessment_id"] in by_id]
    names = {r["node_id"]: (r["name_zh"], r["name_en"]) for r in db.query(
        "SELECT node_id, name_zh, name_en FROM nodes WHERE kind = 'domain' AND assessment_id IN "
        f"(SELECT min(a.id) FROM assessments a{where} GROUP BY a.model_id, a.model_version)", params)}
    domains, level_of = _domains(domain_rows, by_id, names)
    gap_rows = db.query(
        f"SELECT r.req_id, r.domain_id, r.level, count(*) AS n FROM requirements r {join.format('r')} r.gap = 1 "
        "GROUP BY r.req_id, r.domain_id, r.level", params)
    texts = {(t["req_id"]): (t["text_zh"], t["text_en"]) for t in db.query(
        "SELECT DISTINCT m.req_id, m.text_zh, m.text_en FROM model_requirements m "
        "JOIN (SELECT DISTINCT model_id, model_version FROM assessments a" + where + ") s "
        "ON s.model_id = m.model_id AND s.model_version = m.model_version", params)}
    gap_rows.sort(key=lambda g: (-int(g["n"]), g["req_id"]))
    frequent = [{"requirement": g["req_id"], "count": int(g["n"]), "domain": g["domain_id"], "level": int(g["level"]),
                 "share": round(int(g["n"]) / len(rows), 4) if rows else 0.0,
                 "text_zh": texts.get(g["req_id"], ("", ""))[0], "text_en": texts.get(g["req_id"], ("", ""))[1]}
                for g in gap_rows[:top]]
    projects, trend, newest_ids = _projects(rows, level_of)
    findings = [f for f in db.query(
        "SELECT f.assessment_id, f.finding_id, f.req_id, f.observation, f.recommendation, f.owner, f.due_date, "
        f"f.priority FROM findings f {join.format('f')} f.is_open = 1", params) if f["assessment_id"] in newest_ids]
    units = Counter(r["business_unit"] for r in rows)
    return {
        "format": REPORT_FORMAT,
        "catalogue": db.name,
        "filters": {"model": model, "unit": unit, "since": since},
        "assessments": len(rows),
        "projects_count": len(projects),
        "units": [{"unit": u, "assessments": n} for u, n in sorted(units.items())],
        "domains": domains,
        "frequent_gaps": frequent,
        "projects": projects,
        "trend": trend,
        "open_findings": _open_findings(findings, by_id, today or _dt.date.today().isoformat()),
    }


def _domains(domain_rows: list[dict[str, Any]], by_id: dict[str, dict[str, Any]],
             names: dict[str, tuple[str, str]]) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    """Per domain: its level distribution, percentiles, mean score; and each assessment's domain levels."""
    order: dict[str, int] = {}
    levels: dict[str, list[int]] = defaultdict(list)
    scores: dict[str, list[float]] = defaultdict(list)
    below: Counter[str] = Counter()
    level_of: dict[str, dict[str, int]] = defaultdict(dict)
    lo_of: dict[str, int] = {}
    hi_of: dict[str, int] = {}
    # in (assessment, domain) order, so sums of floats are the same on every database
    domain_rows.sort(key=lambda d: (d["assessment_id"], d["node_id"]))
    for d in domain_rows:
        did, aid = d["node_id"], d["assessment_id"]
        pos = int(d["position"])
        if pos < order.get(did, 1 << 30):
            order[did] = pos
        lv = int(d["level"])
        levels[did].append(lv)
        scores[did].append(float(d["score"]))
        level_of[aid][did] = lv
        a = by_id[aid]
        if lv < int(a["target_level"]):
            below[did] += 1
        lo_of[did] = min(lo_of.get(did, 0), int(a["min_level"]) - 1, lv)
        hi_of[did] = max(hi_of.get(did, 0), int(a["max_level"]), lv)
    out = []
    for did in sorted(order, key=lambda x: (order[x], x)):
        vals = levels[did]
        counts = Counter(vals)
        zh, en = names.get(did, ("", ""))
        out.append({
            "id": did, "name_zh": zh, "name_en": en,
            "p25": percentile(vals, 0.25), "p50": percentile(vals, 0.5), "p75": percentile(vals, 0.75),
            "levels": {str(n): counts.get(n, 0) for n in range(lo_of[did], hi_of[did] + 1)},
            "assessments": len(vals), "mean_score": round(sum(scores[did]) / len(scores[did]), 4),
            "below_target": below[did],
        })
    return out, level_of


def _projects(rows: list[dict[str, Any]], level_of: dict[str, dict[str, int]]
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[str]]:
    """Each project's newest assessment against its target, its trend, and the newest assessments' ids."""
    by_project: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:  # rows are in date order within a project: the newest is the last
        by_project[(r["organization"], r["project"])].append(r)
    projects, trend = [], []
    newest_ids = set()
    for (org, proj), items in sorted(by_project.items(), key=lambda kv: (kv[1][-1]["business_unit"], kv[0])):
        last = items[-1]
        newest_ids.add(last["id"])
        doms = level_of.get(last["id"], {})
        projects.append({
            "organization": org, "project": proj, "business_unit": last["business_unit"], "assessment": last["id"],
            "assessed_on": last["assessed_on"], "model": last["model_id"], "status": last["status"],
            "target_level": int(last["target_level"]), "overall_level": int(last["overall_level"]),
            "target_met": bool(last["target_met"]), "gaps": int(last["gaps"]),
            "domains_below_target": sorted(d for d, lv in doms.items() if lv < int(last["target_level"])),
        })
        points = [{"assessment": r["id"], "assessed_on": r["assessed_on"], "overall_level": int(r["overall_level"]),
                   "target_level": int(r["target_level"]), "gaps": int(r["gaps"]),
                   "domains": dict(sorted(level_of.get(r["id"], {}).items()))} for r in items]
        trend.append({"organization": org, "project": proj, "business_unit": last["business_unit"],
                      "assessments": points, "change": points[-1]["overall_level"] - points[0]["overall_level"]})
    return projects, trend, newest_ids


def _open_findings(findings: list[dict[str, Any]], by_id: dict[str, dict[str, Any]], day: str) -> dict[str, Any]:
    items = []
    owners: dict[str, dict[str, Any]] = {}
    for f in findings:
        a = by_id[f["assessment_id"]]
        owner = f["owner"] or ""
        due = f["due_date"] or ""
        overdue = bool(due and due < day)
        items.append({"organization": a["organization"], "project": a["project"],
                      "business_unit": a["business_unit"], "assessment": a["id"], "finding": int(f["finding_id"]),
                      "requirement": f["req_id"], "owner": owner, "due_date": due, "priority": f["priority"],
                      "overdue": overdue, "observation": f["observation"], "recommendation": f["recommendation"]})
        o = owners.setdefault(owner, {"owner": owner, "open": 0, "overdue": 0, "no_due_date": 0, "next_due": None})
        o["open"] += 1
        o["overdue"] += int(overdue)
        o["no_due_date"] += int(not due)
        if due and (o["next_due"] is None or due < o["next_due"]):
            o["next_due"] = due
    items.sort(key=lambda f: (f["due_date"] or "9999", f["owner"], f["project"], f["finding"]))
    by_due: Counter[str] = Counter(f["due_date"][:7] or "" for f in items)
    return {
        "total": len(items),
        "as_of": day,
        "by_owner": sorted(owners.values(), key=lambda o: (-o["open"], o["owner"])),
        "by_due_month": [{"month": m, "count": n} for m, n in sorted(by_due.items())],
        "items": items,
    }
