"""The gap (action) plan: one row per requirement below the target, ready for a workshop."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

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
)
_PRIORITY_ZH = {"high": "高", "medium": "中", "low": "低"}


def export_gap_plan(assessment: Assessment, path: str | Path, *, target: int | None = None,
                    progress: ProgressFn | None = None, profile: ExportProfile | None = None) -> Path:
    """Write every gap to the target level (default: the assessment's) with its findings.

    ``profile`` (see cdassess.export_profile) leaves out owners for a plan shared outside.
    """
    from cdassess.export_profile import redacted

    a = assessment if profile is None else redacted(assessment, profile)
    groups = a.gaps(target)
    ratings = a.statuses()
    findings = a.findings()
    total = sum(len(g.requirements) for g in groups)
    check_target(path, refuse=[a.path])
    bw = BookWriter(rows=total)
    ws = bw.sheet(SHEET, [c.width for c in COLUMNS])
    bw.autofilter(ws, total, len(COLUMNS))
    bw.header(ws, COLUMNS)
    done = 0
    for g in groups:
        for req in g.requirements:
            st = ratings.get(req.id, "unrated")
            fs = [f for f in findings if f.req_id == req.id]
            first = fs[0] if fs else None
            bw.append(ws, [
                bw.cell(ws, g.domain.names.both("\n"), STYLE_TEXT), bw.cell(ws, req.id, STYLE_TEXT),
                bw.cell(ws, req.level, STYLE_TEXT), bw.cell(ws, req.text.both("\n"), STYLE_TEXT),
                bw.cell(ws, a.model.scale.label(st, "both").replace(" / ", "\n"), STYLE_TEXT),
                bw.cell(ws, "\n".join(f.observation for f in fs), STYLE_ANSWER),
                bw.cell(ws, "\n".join(f.recommendation for f in fs if f.recommendation), STYLE_ANSWER),
                bw.cell(ws, first.owner if first else "", STYLE_ANSWER),
                bw.cell(ws, first.due_date if first else "", STYLE_ANSWER),
                bw.cell(ws, (f"{_PRIORITY_ZH[first.priority]} / {first.priority}" if first else ""), STYLE_ANSWER),
            ])
            done += 1
            if progress is not None and done % 50 == 0:
                progress(done, total)
    meta = a.meta
    bw.meta_sheet("gap-plan", [("model_id", a.model.id), ("model_version", a.model.version),
                               ("assessment_uuid", meta.uuid), ("target_level", target or meta.target_level)])
    out = bw.save(path, refuse=[a.path])
    if progress is not None:
        progress(total, total)
    return out
