"""The Word report prints what the PDF prints: heat map (shaded, level per item), claim/rating disagreements
and the appendix, honouring the saved sections, --lang, --target and --profile confidential."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from cdassess.reports.data import build_report_data
from cdassess.reports.styles import ACCENT, heat_cell, scale_statuses, status_look
from cdassess.services import Assessment


def _hex(rgb: tuple[float, float, float]) -> str:
    return "{:02X}{:02X}{:02X}".format(*(int(c * 255) for c in rgb))


def _fill(cell: object) -> str | None:
    shd = cell._tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")  # type: ignore[attr-defined]
    return None if shd is None else shd.get(qn("w:fill"))


def _tables(doc: object, first: str, second: str | None = None) -> list[object]:
    return [t for t in doc.tables if t.rows and t.rows[0].cells[0].text == first  # type: ignore[attr-defined]
            and (second is None or t.rows[0].cells[1].text == second)]


def _headings(doc: object) -> list[str]:
    return [p.text for p in doc.paragraphs  # type: ignore[attr-defined]
            if p.style is not None and p.style.name.startswith("Heading")]


def _text(doc: object) -> str:
    return "\n".join([p.text for p in doc.paragraphs]  # type: ignore[attr-defined]
                     + [c.text for t in doc.tables for r in t.rows for c in r.cells])  # type: ignore[attr-defined]


def test_heat_map_has_every_item_with_its_level_and_the_pdfs_marks_and_colours(demo: Assessment,
                                                                               tmp_path: Path) -> None:
    from cdassess.reports.docx import write_gap_docx
    from cdassess.reports.gap import write_gap_report

    doc = Document(str(write_gap_docx(demo, tmp_path / "gap.docx", lang="en")))
    data = build_report_data(demo, lang="en")
    model = data.model
    levels = model.level_numbers
    tables = _tables(doc, "Item", "Name")
    assert len(tables) == len(model.domains)  # one per domain, as the PDF
    seen: dict[str, str] = {}
    shaded = 0
    for t in tables:
        head = [c.text for c in t.rows[0].cells]
        assert head[2:-1] == [f"L{n}" for n in levels]
        assert _fill(t.rows[0].cells[2 + levels.index(data.target)]) == _hex(ACCENT)  # the target column
        for row in t.rows[2:]:
            cells = row.cells
            item = model.items[cells[0].text]
            seen[item.id] = cells[-1].text
            for ci, n in enumerate(levels, start=2):
                reqs = item.requirements_at(n)
                if not reqs:
                    assert cells[ci].text == "" and _fill(cells[ci]) is None
                    continue
                look, mark = heat_cell(model.scale, [data.status(r.id) for r in reqs], False)
                assert cells[ci].text == mark
                assert _fill(cells[ci]) == (_hex(look.fill) if look.fill else None)
                shaded += look.fill is not None
    assert seen == {i: str(n) if n >= model.min_level else "—" for i, n in data.levels.items.items()}
    assert shaded > 50
    # the PDF's heat map lists the same items
    write_gap_report(demo, tmp_path / "gap.pdf", lang="en")
    pdf = "\n".join(p.extract_text() or "" for p in PdfReader(str(tmp_path / "gap.pdf")).pages)
    assert "Heat map of items by level" in pdf and all(i in pdf for i in seen)
    # the legend: every rating of the scale, shaded as in the PDF
    legend = next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("✓"))
    looks = [status_look(s, model.scale) for s in scale_statuses(model.scale)]
    assert [_fill(c) for c in legend.rows[0].cells] == [_hex(k.fill) if k.fill else None for k in looks]
    assert len({_fill(c) for c in legend.rows[0].cells}) == 5  # met, partial, not met, N/A, unrated


def test_disagreements_and_appendix_carry_the_pdfs_facts(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.reports.docx import write_gap_docx

    doc = Document(str(write_gap_docx(demo, tmp_path / "gap.docx", lang="en")))
    data = build_report_data(demo, lang="en")
    heads = _headings(doc)
    for h in ("Where the claim and the rating disagree", "Appendix", "Level rules", "Levels", "Rating scale",
              "Model provenance"):
        assert h in heads
    (dis,) = [t for t in _tables(doc, "ID") if t.rows[0].cells[2].text == "Claim"]
    rows = dis.rows[1:]
    assert len(rows) == len(data.disagreements) == 5
    assert [r.cells[0].text for r in rows] == [r.id for r in data.disagreements]
    for row, req in zip(rows, data.disagreements, strict=True):
        assert data.claim_status(req.id) != data.status(req.id)
        assert row.cells[2].text.endswith(demo.model.scale.label(data.claim_status(req.id), "en"))
        assert row.cells[3].text.endswith(demo.model.scale.label(data.status(req.id), "en"))
        note = data.ratings[req.id].note
        assert (note.split("。")[0] in row.cells[4].text) if note else True
    levels = [t for t in _tables(doc, "Level") if t.rows[0].cells[2].text == "Meaning"]
    assert [r.cells[0].text for r in levels[0].rows[1:]] == [str(lv.n) for lv in demo.model.levels]
    scale = next(t for t in _tables(doc, "Symbol"))
    assert len(scale.rows) - 1 == len(demo.model.scale.ids) + 1  # every option and "not rated"
    text = _text(doc)
    assert data.results_digest in text and "Requirement texts: " in text
    assert "Item level: the highest level L" in text


def test_sections_left_out_in_the_options_are_left_out(demo: Assessment, tmp_path: Path) -> None:
    from cdassess.reports.docx import write_gap_docx

    demo.set_report_options(replace(demo.report_options(), omitted=("heatmap", "disagreements", "appendix")))
    doc = Document(str(write_gap_docx(demo, tmp_path / "gap.docx", lang="en")))
    heads = _headings(doc)
    assert "Summary" in heads and any(h.startswith("Gaps to target") for h in heads)
    for gone in ("Heat map of items by level", "Where the claim and the rating disagree", "Appendix",
                 "Rating scale"):
        assert gone not in heads
    assert _tables(doc, "Item", "Name") == [] and _tables(doc, "Symbol") == []


@pytest.mark.parametrize("lang", ["zh", "both"])
def test_target_moves_the_highlighted_column(demo: Assessment, tmp_path: Path, lang: str) -> None:
    from cdassess.reports.docx import write_gap_docx

    doc = Document(str(write_gap_docx(demo, tmp_path / "gap.docx", lang=lang, target=2)))
    first = "能力项" if lang == "zh" else "能力项 Item"
    for t in _tables(doc, first, "名称" if lang == "zh" else "名称 Name"):
        fills = [_fill(c) for c in t.rows[0].cells]
        assert fills.count(_hex(ACCENT)) == 1 and t.rows[0].cells[fills.index(_hex(ACCENT))].text == "L2"
    assert ("距目标级别 2 的差距" if lang == "zh" else "距目标级别 2 的差距 Gaps to target level 2") in _headings(doc)


def test_confidential_copy_leaves_names_and_notes_out_of_the_new_sections(demo: Assessment,
                                                                           tmp_path: Path) -> None:
    from cdassess.export_profile import CONFIDENTIAL
    from cdassess.reports.docx import write_gap_docx

    data = build_report_data(demo, lang="both")
    doc = Document(str(write_gap_docx(demo, tmp_path / "gap.docx", lang="both", profile=CONFIDENTIAL)))
    text = _text(doc)
    for name in (*demo.meta.assessors, *(e.provided_by for e in demo.evidence_list() if e.provided_by)):
        assert name not in text
    notes = [data.ratings[r.id].note for r in data.disagreements if data.ratings[r.id].note]
    assert notes and not any(n[:12] in text for n in notes)
    (dis,) = [t for t in _tables(doc, "编号 ID") if "Claim" in t.rows[0].cells[2].text]
    assert len(dis.rows) - 1 == len(data.disagreements)
    assert {r.cells[4].text for r in dis.rows[1:]} == {"—"}
    assert _tables(doc, "能力项 Item", "名称 Name")  # the heat map stays: results are not redacted
