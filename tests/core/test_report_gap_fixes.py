"""Gap report fixes of issue 16: N/A with justifications, blockers not repeating the gaps, confidential copy."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from cdassess.services import Assessment


def _text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(str(path)).pages))


def test_na_justifications_blockers_and_confidential_note(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.export_profile import CONFIDENTIAL
    from cdassess.reports.gap import write_gap_report

    req = next(iter(demo.model.iter_requirements(2))).id
    demo.rate(req, "na", justification="No mainframe in scope")
    out = tmp_path / "gap.pdf"
    write_gap_report(demo, out, lang="en")
    text = _text(out)
    assert "Requirements not applicable, with justifications" in text
    assert "No mainframe in scope" in text
    assert "confidential copy" not in text
    # the demo's next level is its target: the blockers are the gaps, said in one sentence, not a second list
    assert "exactly what keeps the overall level below 3" in text
    conf = tmp_path / "gap-conf.pdf"
    pages = write_gap_report(demo, conf, lang="en", profile=CONFIDENTIAL)
    ctext = _text(conf)
    assert ctext.count("confidential copy: people, notes and evidence names removed") >= pages + 1  # cover + footers


def test_one_finding_per_block_each_with_its_owner_and_due_date(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.records import Finding
    from cdassess.reports.gap import write_gap_report

    gap = next(r for g in demo.gaps() for r in g.requirements)
    demo.save_finding(Finding(None, gap.id, "Second finding here", owner="Zed Owner", due_date="2027-06-30"))
    out = tmp_path / "gap.pdf"
    write_gap_report(demo, out, lang="en")
    text = _text(out)
    assert "2. Second finding here" in text
    assert "Owner: Zed Owner · Due: 2027-06-30" in text


def test_status_counts_are_up_to_the_target(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.reports.gap import write_gap_report

    out = tmp_path / "gap.pdf"
    write_gap_report(demo, out, lang="en")
    text = _text(out)
    up_to = sum(1 for _ in demo.model.iter_requirements(demo.meta.target_level))
    assert "Up to target level 3:" in text
    line = text.split("Up to target level 3:")[1]
    statuses = len(demo.model.scale.ids) + 1  # the scale's options and "unrated"
    numbers = [int(x) for x in re.findall(r"\b(\d+)\b", line)][:statuses]
    assert sum(numbers) == up_to

