"""``cdassess catalogue serve``: Datasette on this computer over a SQLite catalogue, read-only (immutable).

Datasette comes with the optional ``catalogue`` extra (``pip install 'cdassess[catalogue]'``); the desktop
bundle may leave it out. The metadata describes every table and column in Chinese and English, offers facets
by business unit, model and level, and canned queries answering the portfolio questions (the same as
``cdassess catalogue report``; the percentiles use the same linear interpolation between closest ranks).
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from cdassess.catalogue.db import CatalogueError, is_postgres


def _zh_en(zh: str, en: str) -> str:
    return f"{zh} / {en}"


TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "assessments": (_zh_en("每次评估一行（按评估编号，保留审计位置最新的副本）",
                           "One row per assessment (keyed by its id; the copy with the newest audit position)"), {
        "id": _zh_en("评估编号", "Assessment id (uuid)"),
        "organization": _zh_en("受评组织", "Assessed organization"),
        "project": _zh_en("受评项目", "Assessed project"),
        "business_unit": _zh_en("业务单元", "Business unit"),
        "model_id": _zh_en("能力模型", "Capability model id"),
        "model_version": _zh_en("模型版本", "Model version"),
        "status": _zh_en("状态：草稿、锁定、已发证书", "Status: draft, locked or certified"),
        "certificates": _zh_en("已签发证书数", "Certificates issued"),
        "assessors": _zh_en("评估人员（机密档案不记录）", "Assessors (empty in the confidential profile)"),
        "target_level": _zh_en("目标级别", "Target level"),
        "overall_level": _zh_en("总体级别", "Overall level"),
        "target_met": _zh_en("是否达到目标（1 是）", "Target met (1 yes)"),
        "rated": _zh_en("已评要求数", "Requirements rated"),
        "total": _zh_en("要求总数", "Requirements in the model"),
        "gaps": _zh_en("距目标的差距数", "Gaps to the target"),
        "assessed_on": _zh_en("评估日期（结束日期，或开始日期，或创建日期）",
                              "Assessment date (end date, else start date, else created)"),
        "audit_seq": _zh_en("审计日志位置（行号）", "Audit log position (last row number)"),
        "audit_head": _zh_en("审计日志末行哈希", "Hash of the audit log's last row"),
        "profile": _zh_en("记录档案：confidential 或 full", "Recorded with profile confidential or full"),
        "source_path": _zh_en("最近读取的文件", "File last read"),
    }),
    "nodes": (_zh_en("每次评估的领域、子域、能力项级别与得分", "Level and score of every domain, subdomain and item"), {
        "assessment_id": _zh_en("评估编号", "Assessment id"),
        "node_id": _zh_en("领域、子域或能力项编号", "Domain, subdomain or item id"),
        "kind": _zh_en("层级：domain、subdomain、item", "Layer: domain, subdomain or item"),
        "domain_id": _zh_en("所属领域", "Domain it belongs to"),
        "level": _zh_en("达到的级别（0 为未达到）", "Level reached (0: not reached)"),
        "score": _zh_en("满足的要求占比（0–1）", "Share of its requirements satisfied (0-1)"),
        "rule_score": _zh_en("模型评分规则的得分（累积规则无得分）",
                             "Score by the model's scoring rule (none for the cumulative rule)"),
    }),
    "requirements": (_zh_en("每次评估每条要求的评级", "Every requirement's rating in every assessment"), {
        "req_id": _zh_en("要求编号", "Requirement id"),
        "level": _zh_en("要求所在级别", "Level of the requirement"),
        "status": _zh_en("评级：met、partial、not_met、na、unrated", "Rating: met, partial, not_met, na, unrated"),
        "satisfied": _zh_en("是否满足（1 是）", "Satisfied (1 yes)"),
        "gap": _zh_en("是否为距目标的差距（1 是）", "A gap to the assessment's target (1 yes)"),
        "note": _zh_en("评估备注（机密档案不记录）", "Assessor's note (empty in the confidential profile)"),
    }),
    "findings": (_zh_en("评估发现与整改建议", "Findings and recommendations"), {
        "observation": _zh_en("发现", "Observation"),
        "recommendation": _zh_en("建议", "Recommendation"),
        "owner": _zh_en("负责人（机密档案不记录）", "Owner (empty in the confidential profile)"),
        "due_date": _zh_en("期限", "Due date"),
        "priority": _zh_en("优先级", "Priority"),
        "is_open": _zh_en("未关闭：其要求仍未满足（1 是）", "Open: its requirement is still not satisfied (1 yes)"),
    }),
    "model_requirements": (_zh_en("模型要求的文本", "Requirement texts of the models"), {
        "text_zh": _zh_en("中文文本", "Chinese text"), "text_en": _zh_en("英文文本", "English text"),
    }),
}


def _percentile_sql(p: float) -> str:
    pos = f"({p} * (cnt - 1))"
    lo = f"(CAST({pos} AS INTEGER) + 1)"
    lo_v = f"max(CASE WHEN rn = {lo} THEN level END)"
    hi_v = f"coalesce(max(CASE WHEN rn = {lo} + 1 THEN level END), {lo_v})"
    return f"round({lo_v} + ({pos} - CAST({pos} AS INTEGER)) * ({hi_v} - {lo_v}), 4)"


_FILTER = ("(:unit = '' OR a.business_unit = :unit) AND (:model = '' OR a.model_id = :model) "
           "AND (:since = '' OR a.assessed_on >= :since)")
_LATEST = ("SELECT * FROM (SELECT a.*, row_number() OVER (PARTITION BY a.organization, a.project "
           "ORDER BY a.assessed_on DESC, a.audit_seq DESC, a.id DESC) AS newest FROM assessments a WHERE "
           f"{_FILTER}) WHERE newest = 1")

QUERIES: dict[str, dict[str, str]] = {
    "domain_percentiles": {
        "title": _zh_en("各领域级别百分位", "Domain level percentiles"),
        "description": _zh_en("所选评估中各领域级别的 P25/P50/P75（与 catalogue report 相同的插值）",
                              "P25, P50 and P75 of each domain's level over the selected assessments "
                              "(the interpolation catalogue report uses)"),
        "sql": "WITH d AS (SELECT n.node_id AS domain, n.name_en, n.position, n.level, row_number() OVER "
               "(PARTITION BY n.node_id ORDER BY n.level) AS rn, count(*) OVER (PARTITION BY n.node_id) AS cnt "
               f"FROM nodes n JOIN assessments a ON a.id = n.assessment_id WHERE n.kind = 'domain' AND {_FILTER}) "
               f"SELECT domain, name_en, max(cnt) AS assessments, {_percentile_sql(0.25)} AS p25, "
               f"{_percentile_sql(0.5)} AS p50, {_percentile_sql(0.75)} AS p75 FROM d GROUP BY domain, name_en, cnt "
               "ORDER BY min(position), domain",
    },
    "domain_levels": {
        "title": _zh_en("各领域级别分布", "Level distribution per domain"),
        "description": _zh_en("每个领域每个级别的评估数", "How many assessments reach each level, per domain"),
        "sql": "SELECT n.node_id AS domain, n.name_en, n.level, count(*) AS assessments FROM nodes n JOIN assessments "
               f"a ON a.id = n.assessment_id WHERE n.kind = 'domain' AND {_FILTER} GROUP BY n.node_id, n.name_en, "
               "n.level ORDER BY min(n.position), n.level",
    },
    "frequent_gaps": {
        "title": _zh_en("最常见的差距", "Most frequent gaps"),
        "description": _zh_en("最常未满足（低于各自目标）的要求", "Requirements most often not satisfied up to "
                              "each assessment's target"),
        "sql": "SELECT r.req_id AS requirement, count(*) AS count, r.level, (SELECT m.text_en FROM model_requirements "
               "m WHERE m.req_id = r.req_id LIMIT 1) AS text_en, (SELECT m.text_zh FROM model_requirements m WHERE "
               "m.req_id = r.req_id LIMIT 1) AS text_zh FROM requirements r JOIN assessments a ON a.id = "
               f"r.assessment_id WHERE r.gap = 1 AND {_FILTER} GROUP BY r.req_id, r.level "
               "ORDER BY count(*) DESC, r.req_id LIMIT 20",
    },
    "projects_vs_target": {
        "title": _zh_en("各项目与目标", "Projects against their target"),
        "description": _zh_en("每个项目最新一次评估的级别、目标与差距", "Each project's newest assessment: level, "
                              "target and gaps"),
        "sql": "SELECT business_unit, organization, project, assessed_on, overall_level, target_level, target_met, "
               f"gaps, status, id FROM ({_LATEST}) ORDER BY business_unit, organization, project",
    },
    "trend": {
        "title": _zh_en("各项目趋势", "Trend per project"),
        "description": _zh_en("每个项目历次评估的总体级别", "Every project's assessments in date order"),
        "sql": "SELECT a.business_unit, a.organization, a.project, a.assessed_on, a.overall_level, a.target_level, "
               f"a.gaps FROM assessments a WHERE {_FILTER} ORDER BY a.business_unit, a.organization, a.project, "
               "a.assessed_on, a.audit_seq",
    },
    "open_findings_by_owner": {
        "title": _zh_en("未关闭的发现（按负责人）", "Open findings by owner"),
        "description": _zh_en("各项目最新评估中仍未满足的要求上的发现", "Findings of each project's newest "
                              "assessment whose requirement is still not satisfied"),
        "sql": "SELECT f.owner, count(*) AS open, sum(CASE WHEN f.due_date <> '' AND f.due_date < date('now') THEN 1 "
               "ELSE 0 END) AS overdue, min(CASE WHEN f.due_date <> '' THEN f.due_date END) AS next_due FROM findings "
               f"f JOIN ({_LATEST}) a ON a.id = f.assessment_id WHERE f.is_open = 1 GROUP BY f.owner "
               "ORDER BY count(*) DESC, f.owner",
    },
    "open_findings": {
        "title": _zh_en("未关闭的发现（按期限）", "Open findings by due date"),
        "description": _zh_en("各项目最新评估中未关闭的发现", "Open findings of each project's newest assessment"),
        "sql": "SELECT f.due_date, f.owner, a.business_unit, a.project, f.req_id, f.priority, f.observation, "
               f"f.recommendation FROM findings f JOIN ({_LATEST}) a ON a.id = f.assessment_id WHERE f.is_open = 1 "
               "ORDER BY CASE WHEN f.due_date = '' THEN 1 ELSE 0 END, f.due_date, f.owner, a.project",
    },
}


def metadata(db_name: str) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for name, (description, columns) in TABLES.items():
        tables[name] = {"description": description, "columns": columns}
    tables["assessments"]["facets"] = ["business_unit", "model_id", "overall_level", "status"]
    tables["assessments"]["sort"] = "assessed_on"
    tables["nodes"]["facets"] = ["kind", "node_id", "level"]
    tables["requirements"]["facets"] = ["status", "level", "gap"]
    tables["findings"]["facets"] = ["owner", "priority", "is_open"]
    tables["source_files"] = {"hidden": True}
    tables["catalogue_schema"] = {"hidden": True}
    return {
        "title": _zh_en("cdassess 评估组合目录", "cdassess portfolio catalogue"),
        "description": _zh_en("只读浏览：各领域级别、百分位、常见差距、项目趋势与未关闭发现",
                              "Read-only: domain levels, percentiles, frequent gaps, trends and open findings"),
        "databases": {db_name: {"tables": tables, "queries": QUERIES}},
    }


def datasette_command(path: Path, *, port: int, host: str, metadata_file: Path) -> list[str]:
    return [sys.executable, "-m", "datasette", "serve", "-i", str(path), "--host", host, "--port", str(port),
            "--metadata", str(metadata_file), "--setting", "default_page_size", "100",
            "--setting", "sql_time_limit_ms", "5000"]


def serve(target: str | Path, *, port: int, host: str = "127.0.0.1", open_browser: bool = False) -> int:
    """Run Datasette in the foreground until interrupted; returns its exit status."""
    if is_postgres(target):
        raise CatalogueError("Datasette browses SQLite catalogues only; for a PostgreSQL catalogue use cdassess "
                             "catalogue report (or copy it: cdassess catalogue add FILE.sqlite FOLDER)")
    path = Path(target)
    from cdassess.catalogue import Catalogue

    Catalogue.open(path, readonly=True).close()  # ours, readable, not newer: one clear line otherwise
    if importlib.util.find_spec("datasette") is None:
        raise CatalogueError("Datasette is not installed: pip install 'cdassess[catalogue]' (or python3 tools/dev.py "
                             "cli ..., whose environment has it)")
    with tempfile.TemporaryDirectory(prefix="cdassess-datasette-") as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(metadata(path.stem), ensure_ascii=False, indent=1), encoding="utf-8")
        cmd = datasette_command(path, port=port, host=host, metadata_file=meta)
        if open_browser:
            cmd.append("--open")
        print(f"serving {path} read-only at http://{host}:{port}/ (Ctrl+C stops)", flush=True)
        proc = subprocess.Popen(cmd, env={**os.environ, "PYTHONUNBUFFERED": "1"})

        def stop(_sig: int, _frame: object) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, stop)  # stopping cdassess stops Datasette too
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            return 0
        finally:
            signal.signal(signal.SIGTERM, previous)
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
