"""Generated portfolios of assessments (tests, benchmarks, demonstrations): fictitious units and projects.

``generate_portfolio(folder, units=5, projects_per_unit=5, cycles=2)`` writes one assessment file per project
and cycle on the built-in model, with ratings drawn from a seeded generator (each project has its own
strength, the second cycle improves on the first), a business unit, dates one year apart and a few findings.
"""

from __future__ import annotations

import random
from pathlib import Path

from cdassess.library import ModelLibrary
from cdassess.model import Model
from cdassess.records import Finding, Rating
from cdassess.scoring import Status
from cdassess.services import Assessment

UNITS = ("支付 Payments", "零售 Retail", "物流 Logistics", "风控 Risk", "平台 Platform", "数据 Data", "营销 Marketing")
OWNERS = ("运维组 Ops team", "测试组 QA team", "平台组 Platform team", "效能组 Engineering productivity")


def generate_portfolio(folder: Path, *, units: int = 5, projects_per_unit: int = 5, cycles: int = 2,
                       seed: int = 18, organization: str = "示例集团 Example Group",
                       model: Model | None = None) -> list[Path]:
    """Write ``units * projects_per_unit * cycles`` assessment files into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    model = model or ModelLibrary().builtin()
    rng = random.Random(seed)
    paths = []
    for u in range(units):
        unit = UNITS[u % len(UNITS)] + ("" if u < len(UNITS) else f" {u // len(UNITS) + 1}")
        for p in range(projects_per_unit):
            project = f"项目 Project {u + 1:02d}-{p + 1:02d}"
            base = rng.uniform(0.55, 0.9)  # this project's maturity: the chance a requirement is met
            domain_bias = {d.id: rng.uniform(-0.15, 0.1) for d in model.domains}
            for c in range(cycles):
                path = folder / f"unit{u + 1:02d}" / f"p{u + 1:02d}-{p + 1:02d}-c{c + 1}.cdassess"
                path.parent.mkdir(parents=True, exist_ok=True)
                year = 2025 + c
                month = 3 + (p % 9)
                write_assessment(path, model, rng, organization=organization, project=project, unit=unit,
                                 chance=min(0.98, base + 0.08 * c), domain_bias=domain_bias,
                                 date=f"{year}-{month:02d}-{10 + u:02d}")
                paths.append(path)
    return paths


def write_assessment(path: Path, model: Model, rng: random.Random, *, organization: str, project: str, unit: str,
                     chance: float, domain_bias: dict[str, float], date: str, target_level: int = 3) -> None:
    a = Assessment.create(path, organization=organization, project=project, target_level=target_level,
                          model=model, assessor="评估师 Assessor A", assessors=["评估师 Assessor A", "Assessor B"],
                          start_date=date, end_date=date)
    with a, a.store.batch("generate ratings"):
        a.update_details(business_unit=unit)
        for req in model.requirements.values():
            item = model.items[req.item_id]
            # level 1 is nearly always met, higher levels less and less often
            bias = domain_bias.get(item.domain_id, 0.0)
            p = {1: 0.998, 2: min(0.995, chance + 0.2 + bias / 2), 3: chance + bias}.get(
                req.level, chance + bias - 0.25 * (req.level - 3))
            x = rng.random()
            if x < p:
                status = Status.MET
            elif x < p + 0.1:
                status = Status.PARTIAL
            elif req.level <= target_level + 1:
                status = Status.NOT_MET
            else:
                continue
            a.store.put_rating(Rating(req.id, status, note="generated"))
        gaps = [r for g in a.gaps() for r in g.requirements]
        for req in gaps[:3]:
            a.store.save_finding(Finding(None, req.id, f"Gap found at {req.id}", "Close the gap.",
                                         rng.choice(OWNERS), f"{int(date[:4]) + 1}-0{rng.randint(1, 9)}-15",
                                         rng.choice(("high", "medium", "low"))))
