"""The merge report: a workbook for the lead's records, per assessor what they changed and how conflicts went."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cdassess.team import EXISTS, RECORD, MergePlan


def _text(value: Any) -> str:
    if value is None:
        return "(none / removed)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items() if v not in ("", None))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _field(kind: str, fld: str) -> str:
    if fld == EXISTS:
        return f"{kind} added or removed"
    if fld == RECORD:
        return f"{kind} removed / changed"
    return fld if kind == "rating" else f"{kind}.{fld}"


def write_merge_report(plan: MergePlan, path: str | Path, *, applied: bool) -> Path:
    """Write the report to ``path`` (.xlsx): sheets Copies, Changes (per assessor) and Conflicts."""
    from cdassess.xlsx.writing import STYLE_HEADER, STYLE_TEXT, STYLE_TITLE, BookWriter, check_target

    target = check_target(path, refuse=[plan.lead.path, *[s.path for s in plan.sources]])
    book = BookWriter()
    ws = book.sheet("Copies", (28, 22, 26, 12, 12, 40))
    meta = plan.lead.meta
    book.append(ws, [book.cell(ws, f"Merge report / 合并报告: {meta.organization} / {meta.project}", STYLE_TITLE)])
    book.append(ws, [book.cell(ws, f"lead file: {plan.lead.path.name}; "
                                   f"{'applied' if applied else 'preview, nothing written'}; "
                                   f"{plan.applied_count} change(s), {len(plan.conflicts)} conflict(s)", STYLE_TEXT)])
    book.append(ws, [])
    book.append(ws, [book.cell(ws, h, STYLE_HEADER) for h in
                     ("Copy file", "Assessor", "Share (domains)", "From audit row", "To audit row", "Copy id")])
    for s in plan.sources:
        book.append(ws, [book.cell(ws, s.path.name), book.cell(ws, s.assessor),
                         book.cell(ws, ", ".join(s.origin.domains) or "(all)"), s.since_seq, s.seq,
                         book.cell(ws, s.origin.copy_id)])
    ws = book.sheet("Changes", (20, 18, 18, 24, 30, 30, 18, 24, 14))
    book.freeze(ws, 1, 0)
    book.append(ws, [book.cell(ws, h, STYLE_HEADER) for h in
                     ("Assessor", "Copy file", "Requirement", "Field", "Before", "After", "Changed by",
                      "Changed at", "Outside share")])
    rows = []
    for c in plan.changes:
        for src, who in zip(c.sources, _assessors_of(plan, c.sources), strict=True):
            rows.append((who, Path(src).name, c.requirement or "", _field(c.kind, c.field), _text(c.old),
                         _text(c.value), c.who, c.when, "yes" if c.outside_share else ""))
    for r in sorted(rows):
        book.append(ws, [book.cell(ws, v, STYLE_TEXT) for v in r])
    ws = book.sheet("Conflicts", (18, 24, 28, 44, 18, 28, 16))
    book.freeze(ws, 1, 0)
    book.append(ws, [book.cell(ws, h, STYLE_HEADER) for h in
                     ("Requirement", "Field", "Lead's value", "Copies' values", "Decision", "Value taken",
                      "Decided by")])
    for k in plan.conflicts:
        copies = "\n".join(f"{s.assessor} ({Path(s.source).name}, {s.who} {s.when}): {_text(s.value)}"
                           for s in k.copies)
        d = k.decision
        taken = "" if d is None else ("the lead's" if d.take == "lead" else "a third value" if d.take == "value"
                                      else Path(d.take).name)
        book.append(ws, [book.cell(ws, v, STYLE_TEXT) for v in
                         (k.requirement or "", _field(k.kind, k.field), _text(k.lead.value), copies,
                          taken or "(undecided)", "" if d is None else _text(d.value),
                          "" if d is None else d.decided_by)])
    return book.save(target)


def _assessors_of(plan: MergePlan, sources: tuple[str, ...]) -> list[str]:
    names = {str(s.path): s.assessor for s in plan.sources}
    return [names.get(p, "") for p in sources]
