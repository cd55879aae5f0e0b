"""A realistic demo assessment on the built-in model (a fictitious organization and project)."""

from __future__ import annotations

import zlib
from pathlib import Path

from cdassess.library import ModelLibrary
from cdassess.paths import user_data_dir
from cdassess.records import Claim, Finding
from cdassess.scoring import Status
from cdassess.services import Assessment

ORGANIZATION = "云帆数字科技有限公司 (Yunfan Digital Technology Co., Ltd.)"
PROJECT = "智慧供应链平台 Smart Supply-Chain Platform"

# Level-3 gaps the demo team has: (requirement, rating, note, observation, recommendation, owner, due, priority)
GAPS: list[tuple[str, Status, str, str, str, str, str, str]] = [
    ("CD.CM.CH.03.L3", Status.NOT_MET,
     "回滚仍靠手工脚本，近半年未演练。Rollback is still a manual script, not rehearsed.",
     "Rollback of application and configuration is manual and was last rehearsed in 2025.",
     "Automate rollback in the deployment pipeline and rehearse it every quarter.", "运维组 Ops team",
     "2027-01-31", "high"),
    ("CD.TM.TA.03.L3", Status.NOT_MET, "回归套件每周手工触发一次。Regression suite triggered by hand once a week.",
     "Automated regression tests are not part of the pipeline; they run weekly on demand.",
     "Run the regression suite on every merge to main and track its pass rate.", "测试组 QA team",
     "2027-02-28", "high"),
    ("CD.DM.TD.02.L3", Status.PARTIAL, "有正常数据，缺少边界与安全用例数据。Normal cases only.",
     "Test data covers normal cases; boundary, abnormal and security cases are missing.",
     "Add boundary, abnormal and security data sets and link them to test cases.", "测试组 QA team",
     "2027-03-15", "medium"),
    ("CD.MF.MI.03.L3", Status.PARTIAL, "度量数据部分靠 Excel 手工汇总。Metrics partly compiled in Excel.",
     "Lead time and change failure rate are compiled by hand each month; no history before June.",
     "Collect DORA metrics automatically from the pipeline and keep their history.", "效能组 Engineering productivity",
     "2027-03-31", "medium"),
    ("CD.EM.EM.02.L3", Status.PARTIAL, "测试环境已脚本化，预发环境仍手工搭建。Staging still built by hand.",
     "Test environments are provisioned from scripts; staging is still built by hand and takes two days.",
     "Describe staging as code with the same templates as the test environments.", "运维组 Ops team",
     "2027-02-15", "medium"),
]
UNRATED = ["CD.MF.MD.03.L3", "CD.DM.DC.03.L3"]
NOT_APPLICABLE = {
    "CD.DM.DC.02.L3": "系统不使用关系型数据库，数据保存在外部 SaaS 中。The system has no database of its own; "
                      "its data lives in an external SaaS service.",
}
STRONG_DOMAINS = ("CD.BC",)  # the team's strength: these also meet level 4
NOTES = {
    "CD.CM.VC.01.L3": "抽查 20 次提交，全部关联需求单。Sampled 20 commits, all linked to tickets.",
    "CD.BC.CI.01.L3": "演示：提交后 3 分钟内触发流水线。Demo: pipeline starts within 3 minutes of a commit.",
    "CD.DR.PL.03.L3": "流水线看板全员可见。The pipeline board is visible to everyone.",
}
EVIDENCE: list[tuple[str, str, list[str]]] = [
    ("branching-strategy.md", "# 分支策略 Branching strategy\n\n- main 受保护，合并需两人评审。Main is protected; "
     "merges need two reviews.\n- 特性分支生命周期不超过 3 天。Feature branches live at most 3 days.\n",
     ["CD.CM.VC.02.L2", "CD.CM.VC.02.L3"]),
    ("build-history-2026-10.csv", "date,builds,success_rate,median_minutes\n" +
     "".join(f"2026-10-{d:02d},{30 + d % 7},{0.93 + (d % 5) / 100:.2f},{11 + d % 4}\n" for d in range(1, 31)),
     ["CD.BC.BP.01.L3", "CD.BC.BP.03.L3", "CD.BC.CI.04.L3"]),
    ("pipeline-run-4711.log", "".join(f"[{h:02d}:{m:02d}] stage {s}: ok\n" for h, m, s in
                                      [(9, 0, "checkout"), (9, 1, "build"), (9, 4, "unit-tests"), (9, 7, "scan"),
                                       (9, 9, "package"), (9, 12, "deploy-test"), (9, 20, "acceptance")]),
     ["CD.DR.PL.02.L3", "CD.DR.DM.02.L3"]),
    ("change-process.md", "# 变更流程 Change process\n\n每个变更关联需求或缺陷单，并经过代码评审。"
     "Every change is linked to a requirement or defect and reviewed.\n", ["CD.CM.CH.01.L2", "CD.CM.CH.01.L3"]),
    ("coverage-summary.txt", "module,lines,covered\norder,12034,9120\ninventory,8750,6011\nbilling,5402,4400\n",
     ["CD.TM.TA.04.L3"]),
]


def build_demo(path: Path, *, actor: str | None = None, library: ModelLibrary | None = None) -> Assessment:
    """Create the demo file at ``path`` (never overwrites) and return it open."""
    lib = library or ModelLibrary()
    model = lib.builtin()
    a = Assessment.create(path, organization=ORGANIZATION, project=PROJECT, target_level=3, model=model,
                          assessor=actor or "演示评估师 Demo Assessor",
                          scope="订单、库存、结算三个子系统 Order, inventory and billing subsystems",
                          assessors=["李明 Li Ming", "Sarah Chen"], start_date="2026-11-23", end_date="2026-11-27")
    try:
        _fill(a)
    except BaseException:
        a.close()
        path.unlink(missing_ok=True)
        raise
    return a


def _fill(a: Assessment) -> None:
    model = a.model
    gap_ids = {g[0] for g in GAPS}
    with a.store.batch("build the demo"):
        for req in model.iter_requirements():
            item = model.items[req.item_id]
            if req.id in gap_ids or req.id in UNRATED:
                continue
            if req.id in NOT_APPLICABLE:
                a.rate(req.id, Status.NA, justification=NOT_APPLICABLE[req.id])
            elif req.level <= 3 or (req.level == 4 and item.domain_id in STRONG_DOMAINS):
                a.rate(req.id, Status.MET, note=NOTES.get(req.id))
            elif req.level == 4 and zlib.crc32(req.id.encode()) % 3 == 0:
                a.rate(req.id, Status.PARTIAL)
        for req_id, status, note, obs, rec, owner, due, prio in GAPS:
            if req_id not in model.requirements:
                continue
            a.rate(req_id, status, note=note, needs_review=status == Status.PARTIAL)
            a.save_finding(Finding(None, req_id, obs, rec, owner, due, prio))
        a.save_finding(Finding(None, None, "Pipeline metrics are strong, but nobody owns the improvement backlog.",
                               "Name an owner for the improvement backlog and review it monthly.",
                               "CTO office", "2027-01-15", "low"))
        for req in model.iter_requirements(3):
            claimed = Status.MET
            evidence_text = "见流水线与文档截图 See pipeline and document screenshots"
            if req.id == "CD.DM.TD.02.L3":
                claimed = Status.PARTIAL
            elif req.id in UNRATED:
                claimed = Status.UNRATED
                evidence_text = ""
            a.set_claim(Claim(req.id, claimed, evidence_text, "Q-2026-11", "张伟 Zhang Wei"), source="demo")
        for name, content, req_ids in EVIDENCE:
            ids = [r for r in req_ids if r in model.requirements]
            a.add_evidence_bytes(name, content.encode("utf-8"), ids, provided_by="张伟 Zhang Wei",
                                 collected_on="2026-11-24")


DEMO_NAME = "demo.cdassess"


def demo_path() -> Path:
    """Where the demo assessment lives: the user data directory."""
    return user_data_dir() / DEMO_NAME


def ensure_demo() -> Path:
    """The demo assessment in the user data directory, built when it is absent."""
    path = demo_path()
    if not path.exists():
        build_demo(path).close()
    return path
