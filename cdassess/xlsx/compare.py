"""The comparison workbook: levels side by side, changed ratings, findings closed and opened."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdassess.errors import CdassessError
from cdassess.outputs import apply_umask

if TYPE_CHECKING:
    from cdassess.cycles import Comparison


def export_comparison(cmp: Comparison, dest: str | Path, *, force: bool = False) -> Path:
    """Write the comparison workbook (every text a string cell: nothing is read as a formula)."""
    import os
    import tempfile

    import xlsxwriter

    target = Path(dest)
    if not target.parent.is_dir():
        raise CdassessError(f"{target.parent}: no such folder")
    if target.exists() and not force:
        raise CdassessError(f"{target}: already exists (use --force to replace it)")
    if any(target.resolve() == f.resolve() for f in cmp.files):
        raise CdassessError(f"{target}: is one of the assessments being compared; choose another output name")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".cdassess-compare-", suffix=".xlsx")
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, {"constant_memory": True, "strings_to_formulas": False,
                                       "strings_to_urls": False, "strings_to_numbers": False})
        _write_sheets(wb, cmp)
        wb.close()
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        apply_umask(tmp)  # mkstemp makes 0600: give it the permissions of any new file
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _write_sheets(wb: Any, cmp: Comparison) -> None:
    head = wb.add_format({"bold": True, "bg_color": "#1A294D", "font_color": "#FFFFFF", "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    model = cmp.model

    def sheet(name: str, headers: list[str], widths: list[int]) -> Any:
        ws = wb.add_worksheet(name)
        for c, (h, w) in enumerate(zip(headers, widths, strict=True)):
            ws.set_column(c, c, w)
            ws.write_string(0, c, h, head)
        ws.freeze_panes(1, 0)
        return ws

    nums = [f"#{k + 1} {lab}" for k, lab in enumerate(cmp.labels)]
    ws = sheet("评估 Assessments", ["# ", "文件 File", "总体级别 Overall level"], [6, 60, 18])
    for k, (file, lvl) in enumerate(zip(cmp.files, cmp.overall, strict=True), start=1):
        ws.write_number(k, 0, k)
        ws.write_string(k, 1, str(file), wrap)
        ws.write_number(k, 2, lvl)
    ws = sheet("级别 Levels", ["层级 Layer", "编号 ID", "名称 Name", *nums], [12, 16, 40, *[16] * len(nums)])
    row = 1
    names = {d.id: d.names for d in model.domains}
    names.update({k: v.names for k, v in model.subdomains.items()})
    names.update({k: v.names for k, v in model.items.items()})
    for layer, rows in (("domain", cmp.domains), ("subdomain", cmp.subdomains), ("item", cmp.items)):
        for node, levels in rows:
            ws.write_string(row, 0, layer)
            ws.write_string(row, 1, node)
            ws.write_string(row, 2, names[node].both(" / "), wrap)
            for c, v in enumerate(levels, start=3):
                ws.write_number(row, c, v)
            row += 1
    ws = sheet("评级变化 Changed", ["要求 Requirement", "变化 Change", "之前 Before", "之后 After"],
               [22, 12, 14, 14])
    for r, change in enumerate(cmp.changed, start=1):
        for col, text in enumerate((change.requirement, change.kind, change.before, change.after)):
            ws.write_string(r, col, text)
    ws = sheet("发现 Findings", ["状态 State", "要求 Requirement", "发现 Observation", "负责人 Owner",
                                 "完成日期 Due"], [10, 20, 60, 16, 12])
    r = 1
    for state, found in (("closed", cmp.findings_closed), ("opened", cmp.findings_opened)):
        for f in found:
            for col, text in enumerate((state, f.req_id or "", f.observation, f.owner, f.due_date)):
                ws.write_string(r, col, text, wrap)
            r += 1
