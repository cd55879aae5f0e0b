"""The gap (action) plan: one row per finding on a requirement below the target (one per gap without a finding),
ready for a workshop; findings elsewhere on their own sheet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdassess.xlsx.columns import Column
from cdassess.xlsx.writing import STYLE_ANSWER, STYLE_TEXT, BookWriter, check_target

if TYPE_CHECKING:
    from cdassess.export_profile import ExportProfile
    from cdassess.services import Assessment

ProgressFn = Callable[[int, int], None]
SHEET = "改进计划 Gap plan"

COLUMNS = (
    Column("domain", "能力域", "Domain", width=16),
    Column("id", "要求编号", "Requirement ID", width=19),
    Column("level", "级别", "Level", width=7),
    Column("text", "要求", "Requirement", width=44),
    Column("rating", "评级", "Rating", width=14),
    Column("finding", "发现", "Finding", width=36),
    Column("recommendation", "改进建议", "Recommendation", width=36),
    Column("owner", "负责人", "Owner", width=12),
    Column("due_date", "完成日期", "Due date", width=12),
    Column("priority", "优先级", "Priority", width=10),
    Column("status", "进展", "Status", width=12),
)
OTHER_SHEET = "其他发现 Other findings"
_PRIORITY_ZH = {"high": "高", "medium": "中", "low": "低"}
PRIORITY_CHOICES = ("高 / high", "中 / medium", "低 / low")
STATUS_CHOICES = ("未开始 / open", "进行中 / in progress", "已完成 / done")
DUE_COLUMN = 8


def _due(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def export_gap_plan(assessment: Assessment, path: str | Path, *, target: int | None = None,
                    progress: ProgressFn | None = None, profile: ExportProfile | None = None) -> Path:
    """Write every gap to the target level (default: the assessment's): one row per finding (a gap with two
    findings has two rows) and one per gap without a finding; findings on requirements that are not gaps (and
    general findings) on a second sheet. Due dates are Excel dates; status and priority have drop-downs.

    ``profile`` (see cdassess.export_profile) leaves out owners for a plan shared outside.
    """
    from cdassess.export_profile import redacted

    a = assessment if profile is None else redacted(assessment, profile)
    groups = a.gaps(target)
    ratings = a.statuses()
    findings = a.findings()
    gap_ids = {r.id for g in groups for r in g.requirements}
    by_req: dict[str | None, list[Any]] = {}
    for f in findings:
        by_req.setdefault(f.req_id, []).append(f)
    total = sum(max(1, len(by_req.get(r.id, []))) for g in groups for r in g.requirements)
    others = [f for f in findings if f.req_id not in gap_ids]
    check_target(path, refuse=[a.path])
    bw = BookWriter(rows=total + len(others))
    date_format = bw.wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top", "locked": False,
                                    "bg_color": "#FFF9E6", "border": 1, "border_color": "#D9D9D9"})

    def write_rows(ws: Any, rows: list[tuple[Any, Any, Any]]) -> None:
        bw.autofilter(ws, len(rows), len(COLUMNS))
        bw.header(ws, COLUMNS)
        for n, (domain, req, f) in enumerate(rows, start=1):
            st = ratings.get(req.id, "unrated") if req is not None else ""
            due = _due(f.due_date) if f is not None else None
            bw.append(ws, [
                bw.cell(ws, domain.names.both("\n") if domain is not None else "", STYLE_TEXT),
                bw.cell(ws, req.id if req is not None else (f.req_id or "—"), STYLE_TEXT),
                bw.cell(ws, req.level if req is not None else "", STYLE_TEXT),
                bw.cell(ws, req.text.both("\n") if req is not None else "", STYLE_TEXT),
                bw.cell(ws, a.model.scale.label(st, "both").replace(" / ", "\n") if st else "", STYLE_TEXT),
                bw.cell(ws, f.observation if f is not None else "", STYLE_ANSWER),
                bw.cell(ws, f.recommendation if f is not None else "", STYLE_ANSWER),
                bw.cell(ws, f.owner if f is not None else "", STYLE_ANSWER),
                bw.cell(ws, "" if due is not None or f is None else f.due_date, STYLE_ANSWER),
                bw.cell(ws, f"{_PRIORITY_ZH[f.priority]} / {f.priority}" if f is not None else "", STYLE_ANSWER),
                bw.cell(ws, STATUS_CHOICES[0] if f is not None else "", STYLE_ANSWER),
            ])
            if due is not None:  # a real date: Excel sorts, filters and formats it
                ws.ws.write_datetime(n, DUE_COLUMN, datetime(due.year, due.month, due.day), date_format)
        last = max(len(rows), 1) + 1
        bw.list_validation(ws, 9, 2, last, PRIORITY_CHOICES, title="优先级 Priority",
                           error="选择 高/中/低 · choose high, medium or low",
                           prompt="高 / 中 / 低 · high, medium, low")
        bw.list_validation(ws, 10, 2, last, STATUS_CHOICES, title="进展 Status",
                           error="选择列表中的进展 · choose a status from the list",
                           prompt="未开始 / 进行中 / 已完成 · open, in progress, done")

    main: list[tuple[Any, Any, Any]] = []
    for g in groups:
        for req in g.requirements:
            for f in by_req.get(req.id, []) or [None]:
                main.append((g.domain, req, f))
    write_rows(bw.sheet(SHEET, [c.width for c in COLUMNS]), main)
    if progress is not None:
        progress(len(main) // 2, total)
    rest: list[tuple[Any, Any, Any]] = []
    for f in others:
        known = a.model.requirements.get(f.req_id) if f.req_id else None
        rest.append((a.model.path_of(known.id)[0] if known is not None else None, known, f))
    write_rows(bw.sheet(OTHER_SHEET, [c.width for c in COLUMNS]), rest)
    meta = a.meta
    bw.meta_sheet("gap-plan", [("model_id", a.model.id), ("model_version", a.model.version),
                               ("assessment_uuid", meta.uuid), ("target_level", target or meta.target_level)])
    out = bw.save(path, refuse=[a.path])
    if progress is not None:
        progress(total, total)
    return out
