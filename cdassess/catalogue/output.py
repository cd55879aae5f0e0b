"""The catalogue report as a PDF (ReportLab, the reports' styles and embedded font) or a workbook (the project's
xlsx writer). Both render the dictionary :func:`cdassess.catalogue.report.build_report` returns."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cdassess.errors import CdassessError, InvalidValueError


def write_report(data: dict[str, Any], dest: str | Path, *, lang: str = "both", force: bool = False,
                 inputs: Sequence[str | Path] = ()) -> Path:
    """The report as PDF or workbook; an output that would destroy an input (the catalogue, an assessment, a
    file of another kind) is refused before any work unless ``force`` (cdassess.outputs)."""
    from cdassess.outputs import guard_output

    path = Path(dest)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise InvalidValueError(f"{path}: the report is written as .pdf or .xlsx (got {suffix or 'no extension'!r})")
    guard_output(path, force=force, inputs=inputs, kind=suffix[1:])
    if suffix == ".pdf":
        return write_pdf(data, path, lang=lang)
    return write_xlsx(data, path)


def _level_keys(data: dict[str, Any]) -> list[str]:
    keys: list[str] = []
    for d in data["domains"]:
        for k in d["levels"]:
            if k not in keys:
                keys.append(k)
    return sorted(keys, key=int)


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"


# ------------------------------------------------------------------------------------------ PDF


class ReportPdf:
    """The report's flowables in the reports' styles and embedded font."""

    def __init__(self, lang: str, footer: tuple[str, str] = ("cdassess 评估组合报告", "cdassess portfolio report")
                 ) -> None:
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.lib.units import mm

        from cdassess.reports.styles import Styles, paragraph_class

        self.lang = lang
        self.footer = footer
        self.s = Styles()
        self.para = paragraph_class()
        self.mm = mm
        self.page = landscape(A4)
        self.width = self.page[0] - 30 * mm

    def pick(self, zh: str, en: str) -> str:
        from cdassess.reports.styles import pick

        return pick(self.lang, zh, en)

    def p(self, text: str, style: Any = None) -> Any:
        from cdassess.reports.styles import esc

        return self.para(esc(text), self.s.cjk(style or self.s.cell))

    def head(self, *labels: tuple[str, str]) -> list[Any]:
        from cdassess.reports.styles import esc, pick

        return [self.para(esc(pick(self.lang, zh, en, "\n")), self.s.cjk(self.s.cell_head)) for zh, en in labels]

    def table(self, rows: list[list[Any]], widths: list[float]) -> Any:
        from reportlab.lib.colors import Color
        from reportlab.platypus import Table, TableStyle

        from cdassess.reports.styles import ACCENT, BAND, RULE

        t = Table(rows, colWidths=widths, repeatRows=1)
        t.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), Color(*ACCENT)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, Color(*RULE)),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [Color(1, 1, 1), Color(*BAND)]),
            ("FONTNAME", (0, 0), (-1, -1), self.s.font),
        ]))
        return t

    def both(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en if self.lang == "en" else f"{zh} {en}"

    # ------------------------------------------------------------------------------------ sections

    def summary(self, data: dict[str, Any]) -> list[Any]:
        f = data["filters"]
        chosen = ", ".join(f"{k} {v}" for k, v in f.items() if v) or self.pick("全部", "all")
        units = ", ".join(f"{u['unit'] or '—'} ({u['assessments']})" for u in data["units"])
        return [self.p(self.pick("评估组合报告", "Portfolio report"), self.s.h1),
                self.p(f"{self.pick('评估数', 'Assessments')}: {data['assessments']}    "
                       f"{self.pick('项目数', 'Projects')}: {data['projects_count']}    "
                       f"{self.pick('筛选', 'Filters')}: {chosen}", self.s.body),
                self.p(f"{self.pick('业务单元', 'Business units')}: {units or '—'}", self.s.body)]

    def domains(self, data: dict[str, Any]) -> list[Any]:
        keys = _level_keys(data)
        rows = [self.head(("领域", "Domain"), ("P25", "P25"), ("P50", "P50"), ("P75", "P75"),
                          *((f"{k}级", f"L{k}") for k in keys), ("低于目标", "Below target"))]
        for d in data["domains"]:
            rows.append([self.p(f"{d['id']} {self.both(d['name_zh'], d['name_en'])}"), self.p(_num(d["p25"])),
                         self.p(_num(d["p50"])), self.p(_num(d["p75"])),
                         *(self.p(str(d["levels"].get(k, 0))) for k in keys), self.p(str(d["below_target"]))])
        mm = self.mm
        rest = (self.width - 70 * mm) / (4 + len(keys))
        return [self.p(self.pick("各领域级别分布与百分位", "Level distribution and percentiles per domain"), self.s.h2),
                self.table(rows, [70 * mm, *[rest] * (4 + len(keys))])]

    def gaps(self, data: dict[str, Any]) -> list[Any]:
        rows = [self.head(("次数", "Count"), ("要求", "Requirement"), ("级别", "Level"), ("内容", "Text"))]
        for g in data["frequent_gaps"]:
            rows.append([self.p(str(g["count"])), self.p(g["requirement"]), self.p(str(g["level"])),
                         self.p(self.both(g["text_zh"], g["text_en"]))])
        mm = self.mm
        return [self.p(self.pick("最常见的差距", "Most frequent gaps"), self.s.h2),
                self.table(rows, [18 * mm, 38 * mm, 14 * mm, self.width - 70 * mm])]

    def projects(self, data: dict[str, Any]) -> list[Any]:
        rows = [self.head(("业务单元", "Unit"), ("组织 / 项目", "Organization / project"), ("日期", "Date"),
                          ("级别", "Level"), ("目标", "Target"), ("差距", "Gaps"),
                          ("未达目标的领域", "Domains below target"))]
        for pr in data["projects"]:
            rows.append([self.p(pr["business_unit"] or "—"), self.p(f"{pr['organization']} / {pr['project']}"),
                         self.p(pr["assessed_on"]), self.p(str(pr["overall_level"])), self.p(str(pr["target_level"])),
                         self.p(str(pr["gaps"])), self.p(", ".join(pr["domains_below_target"]) or "—")])
        trend = [self.head(("组织 / 项目", "Organization / project"),
                           ("评估（日期：级别）", "Assessments (date: level)"), ("变化", "Change"))]
        for t in data["trend"]:
            points = "   ".join(f"{x['assessed_on']}: L{x['overall_level']}" for x in t["assessments"])
            trend.append([self.p(f"{t['organization']} / {t['project']}"), self.p(points), self.p(f"{t['change']:+d}")])
        mm = self.mm
        return [self.p(self.pick("各项目与目标", "Each project against its target"), self.s.h2),
                self.table(rows, [35 * mm, 80 * mm, 22 * mm, 14 * mm, 14 * mm, 14 * mm, self.width - 179 * mm]),
                self.p(self.pick("各项目趋势", "Trend per project"), self.s.h2),
                self.table(trend, [90 * mm, self.width - 110 * mm, 20 * mm])]

    def findings(self, data: dict[str, Any]) -> list[Any]:
        from reportlab.platypus import Spacer

        of = data["open_findings"]
        owners = [self.head(("负责人", "Owner"), ("未关闭", "Open"), ("已逾期", "Overdue"), ("无期限", "No due date"),
                            ("最近期限", "Next due"))]
        for o in of["by_owner"]:
            owners.append([self.p(o["owner"] or self.pick("（未记录）", "(not recorded)")), self.p(str(o["open"])),
                           self.p(str(o["overdue"])), self.p(str(o["no_due_date"])), self.p(o["next_due"] or "—")])
        items = [self.head(("期限", "Due"), ("项目", "Project"), ("要求", "Requirement"), ("负责人", "Owner"),
                           ("优先级", "Priority"), ("发现", "Observation"))]
        for it in of["items"][:300]:
            items.append([self.p(it["due_date"] or "—"), self.p(it["project"]), self.p(it["requirement"] or "—"),
                          self.p(it["owner"] or "—"), self.p(it["priority"]), self.p(it["observation"])])
        mm = self.mm
        return [self.p(self.pick("未关闭的发现（按负责人）", "Open findings by owner"), self.s.h2),
                self.p(f"{self.pick('截至', 'As of')} {of['as_of']}: {of['total']}", self.s.body),
                self.table(owners, [80 * mm, 25 * mm, 25 * mm, 25 * mm, 30 * mm]), Spacer(1, 4 * mm),
                self.table(items, [22 * mm, 55 * mm, 36 * mm, 35 * mm, 18 * mm, self.width - 166 * mm])]

    def decorate(self, canvas: Any, page: int, total: int) -> None:
        from reportlab.lib.colors import Color

        from cdassess.reports.styles import MUTED

        mm = self.mm
        canvas.saveState()
        canvas.setFont(self.s.font, 7.5)
        canvas.setFillColor(Color(*MUTED))
        canvas.drawString(15 * mm, 8 * mm, self.pick(*self.footer))
        canvas.drawRightString(self.page[0] - 15 * mm, 8 * mm,
                               self.pick(f"第 {page} 页，共 {total} 页", f"page {page} of {total}"))
        canvas.restoreState()


def write_pdf(data: dict[str, Any], path: Path, *, lang: str = "both") -> Path:
    from reportlab.platypus import SimpleDocTemplate

    from cdassess.outputs import apply_umask
    from cdassess.reports.styles import numbered_canvas

    if not path.parent.is_dir():
        raise CdassessError(f"{path}: the folder {path.parent} does not exist")
    pdf = ReportPdf(lang)
    story = [*pdf.summary(data), *pdf.domains(data), *pdf.gaps(data), *pdf.projects(data), *pdf.findings(data)]
    mm = pdf.mm
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cdassess-", suffix=".pdf.tmp")
    os.close(fd)
    try:
        doc = SimpleDocTemplate(tmp, pagesize=pdf.page, leftMargin=15 * mm, rightMargin=15 * mm,
                                topMargin=14 * mm, bottomMargin=16 * mm, title="cdassess portfolio report",
                                author="cdassess")
        doc.build(story, canvasmaker=numbered_canvas(pdf.decorate))
        apply_umask(tmp)  # mkstemp makes 0600: give it the permissions of any new file
        os.replace(tmp, path)
    except OSError as exc:
        raise CdassessError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


# ------------------------------------------------------------------------------------------ workbook


def write_xlsx(data: dict[str, Any], path: Path) -> Path:
    from cdassess.xlsx.writing import STYLE_HEADER, STYLE_TEXT, STYLE_TITLE, BookWriter

    bw = BookWriter()

    def header(ws: Any, labels: list[str]) -> None:
        bw.freeze(ws, rows=1)
        bw.append(ws, [bw.cell(ws, h, STYLE_HEADER) for h in labels])

    ws = bw.sheet("概况 Summary", (28, 60), landscape=False)
    bw.append(ws, [bw.cell(ws, "评估组合报告 / Portfolio report", STYLE_TITLE)])
    for label, value in (("评估数 / Assessments", data["assessments"]), ("项目数 / Projects", data["projects_count"]),
                         *((f"筛选 / Filter: {k}", v or "") for k, v in data["filters"].items())):
        bw.append(ws, [label, bw.value(ws, value)])
    for u in data["units"]:
        bw.append(ws, [bw.value(ws, f"业务单元 / Unit: {u['unit'] or '—'}"), u["assessments"]])

    keys = _level_keys(data)
    ws = bw.sheet("领域 Domains", (12, 30, 30, 8, 8, 8, *([8] * len(keys)), 12))
    header(ws, ["领域 Domain", "名称", "Name", "P25", "P50", "P75", *(f"L{k}" for k in keys), "低于目标 Below target"])
    for d in data["domains"]:
        bw.append(ws, [d["id"], bw.value(ws, d["name_zh"]), bw.value(ws, d["name_en"]), d["p25"], d["p50"], d["p75"],
                       *(d["levels"].get(k, 0) for k in keys), d["below_target"]])

    ws = bw.sheet("差距 Gaps", (8, 18, 10, 8, 50, 50))
    header(ws, ["次数 Count", "要求 Requirement", "领域 Domain", "级别 Level", "内容", "Text"])
    for g in data["frequent_gaps"]:
        bw.append(ws, [g["count"], g["requirement"], g["domain"], g["level"],
                       bw.cell(ws, g["text_zh"], STYLE_TEXT), bw.cell(ws, g["text_en"], STYLE_TEXT)])

    ws = bw.sheet("项目 Projects", (18, 30, 30, 12, 8, 8, 8, 30))
    header(ws, ["业务单元 Unit", "组织 Organization", "项目 Project", "日期 Date", "级别 Level", "目标 Target",
                "差距 Gaps", "未达目标的领域 Domains below target"])
    for pr in data["projects"]:
        bw.append(ws, [bw.value(ws, pr["business_unit"]), bw.value(ws, pr["organization"]),
                       bw.value(ws, pr["project"]), pr["assessed_on"], pr["overall_level"], pr["target_level"],
                       pr["gaps"], ", ".join(pr["domains_below_target"])])

    domain_ids = [d["id"] for d in data["domains"]]
    ws = bw.sheet("趋势 Trend", (30, 30, 12, 8, 8, *([8] * len(domain_ids))))
    header(ws, ["组织 Organization", "项目 Project", "日期 Date", "级别 Level", "差距 Gaps", *domain_ids])
    for t in data["trend"]:
        for x in t["assessments"]:
            bw.append(ws, [bw.value(ws, t["organization"]), bw.value(ws, t["project"]), x["assessed_on"],
                           x["overall_level"], x["gaps"], *(x["domains"].get(d, "") for d in domain_ids)])

    ws = bw.sheet("发现 Findings", (12, 30, 18, 20, 10, 8, 60, 60))
    header(ws, ["期限 Due", "项目 Project", "要求 Requirement", "负责人 Owner", "优先级 Priority", "逾期 Overdue",
                "发现 Observation", "建议 Recommendation"])
    for it in data["open_findings"]["items"]:
        bw.append(ws, [it["due_date"], bw.value(ws, it["project"]), it["requirement"] or "",
                       bw.value(ws, it["owner"]), it["priority"], "yes" if it["overdue"] else "",
                       bw.cell(ws, it["observation"], STYLE_TEXT), bw.cell(ws, it["recommendation"], STYLE_TEXT)])
    bw.meta_sheet("catalogue-report", [("assessments", data["assessments"])])
    return bw.save(path)


# ------------------------------------------------------------------------------------------ window views


def heat_map(data: dict[str, Any]) -> tuple[list[str], list[tuple[str, str, list[int | None]]]]:
    """Domain ids and, per project (its newest assessment), its label, unit and level in each domain."""
    domain_ids = [d["id"] for d in data["domains"]]
    rows = []
    for t in data["trend"]:
        newest = t["assessments"][-1]["domains"]
        rows.append((f"{t['organization']} / {t['project']}", t["business_unit"],
                     [newest.get(d) for d in domain_ids]))
    return domain_ids, rows


def percentile_radar_svg(data: dict[str, Any], *, lang: str = "both", width: float = 620,
                         height: float = 440) -> bytes | None:
    """The radar of the 25th, 50th and 75th percentile per domain (the comparison radar's drawing), or None
    when the catalogue mixes models or its model is not in this installation's library."""
    from types import SimpleNamespace

    from cdassess.library import ModelLibrary
    from cdassess.reports.charts import drawing_svg
    from cdassess.reports.compare import comparison_radar

    models = {p["model"] for p in data["projects"]}
    if len(models) != 1 or not data["domains"]:
        return None
    try:
        model = ModelLibrary().load(models.pop())
    except CdassessError:
        return None
    by_id = {d["id"]: d for d in data["domains"]}
    if [d.id for d in model.domains] != list(by_id):
        return None
    view = SimpleNamespace(model=model, labels=["P25", "P50 (median)", "P75"],
                           domains=[(d.id, [by_id[d.id][k] for k in ("p25", "p50", "p75")]) for d in model.domains])
    return bytes(drawing_svg(comparison_radar(view, lang, width=width, height=height)))  # type: ignore[arg-type]
