"""The gap report: parsed back with pypdf; content, fonts, escaping, other level counts, long texts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from cdassess.cli import main
from cdassess.errors import CdassessError, InvalidValueError
from cdassess.records import Claim, Finding
from cdassess.reports.data import build_report_data
from cdassess.reports.gap import build_story, render, write_gap_report
from cdassess.scoring import Status
from cdassess.services import Assessment

BASE14 = {"Helvetica", "Times-Roman", "Courier", "Symbol", "ZapfDingbats"}


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def fonts_of(path: Path) -> list[dict[str, Any]]:
    """Every font dictionary used by any page (descendants of Type0 fonts included)."""
    out = []
    for page in PdfReader(str(path)).pages:
        res = page.get("/Resources")
        fonts = res.get_object().get("/Font") if res is not None else None
        for ref in (fonts or {}).values():
            font = ref.get_object()
            out.append(font)
            for desc in font.get("/DescendantFonts", []) or []:
                out.append(desc.get_object())
    return out


def assert_fonts_embedded(path: Path) -> None:
    fonts = fonts_of(path)
    assert fonts
    for font in fonts:
        name = str(font.get("/BaseFont", ""))
        assert not any(b in name for b in BASE14), f"viewer-side font {name} referenced"
        if font.get("/Subtype") in ("/TrueType", "/CIDFontType2"):
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"{name} is not embedded"


@pytest.fixture
def demo_report(demo: Assessment, tmp_path: Path) -> tuple[Path, Assessment]:
    out = tmp_path / "gap.pdf"
    pages = write_gap_report(demo, out)
    assert pages == len(PdfReader(str(out)).pages)
    return out, demo


def test_demo_report_holds_organization_levels_gaps_and_evidence_hashes(
        demo_report: tuple[Path, Assessment]) -> None:
    out, demo = demo_report
    text = pdf_text(out)
    ftext = flat(text)
    assert flat(demo.meta.organization) in ftext
    assert flat(demo.meta.project) in ftext
    assert "Overalllevel:2" in ftext
    assert "Targetlevel:3" in ftext
    gaps = [r.id for g in demo.gaps() for r in g.requirements]
    assert len(gaps) == 7
    for req_id in gaps:
        assert req_id in ftext, req_id
    evidence = demo.evidence_list()
    assert evidence
    for ev in evidence:
        assert ev.sha256 in ftext, ev.original_name
    # Chinese extracts as Chinese: headings and model texts
    assert "距目标级别3的差距" in ftext
    assert "配置管理" in text
    assert "回滚仍靠手工脚本" in ftext
    # every page carries "page x of y"
    n = len(PdfReader(str(out)).pages)
    for i in range(1, n + 1):
        assert f"page{i}of{n}" in ftext
    assert "DRAFT" in text


def test_report_fonts_are_embedded_truetype_only(demo_report: tuple[Path, Assessment]) -> None:
    assert_fonts_embedded(demo_report[0])


def test_report_sections_appear_in_order(demo_report: tuple[Path, Assessment]) -> None:
    ftext = flat(pdf_text(demo_report[0]))
    order = ["Summary", "Heatmapofitemsbylevel", "Gapstotargetlevel3", "Whatblockslevel3",
             "Wheretheclaimandtheratingdisagree", "Evidenceindex", "Appendix", "Levelrules", "Ratingscale",
             "Modelprovenance"]
    positions = [ftext.index(h) for h in order]
    assert positions == sorted(positions)


def test_user_markup_prints_literally_and_control_characters_are_dropped(mini_assessment: Assessment,
                                                                         tmp_path: Path) -> None:
    a = mini_assessment
    a.update_details(organization="A&B <Corp> <b>bold</b>", scope="<font size=40>big</font>")
    a.rate("A.X.1.L1", Status.NOT_MET, note="<b>not bold</b> & <font color='red'>x</font> a<b \x07bell")
    a.set_claim(Claim("A.X.1.L1", Status.MET, "see <i>doc</i>", "", "<owner>", "<br/> comment"))
    a.save_finding(Finding(None, "A.X.1.L1", "obs <para>x</para>", "rec &amp; more", "me & you", "2027-01-01",
                           "high"))
    out = tmp_path / "markup.pdf"
    write_gap_report(a, out, lang="en")
    text = pdf_text(out)
    ftext = flat(text)
    for literal in ("A&B<Corp><b>bold</b>", "<b>notbold</b>&<fontcolor='red'>x</font>a<b", "see<i>doc</i>",
                    "obs<para>x</para>", "rec&amp;more", "me&you", "<br/>comment", "<fontsize=40>big</font>"):
        assert literal in ftext, literal
    assert "\x07" not in text


def test_mini_model_with_three_levels_gets_a_correct_report(mini_assessment: Assessment, tmp_path: Path) -> None:
    a = mini_assessment
    for req in a.model.iter_requirements(1):
        a.rate(req.id, Status.MET)
    a.rate("A.X.1.L2", Status.PARTIAL)
    out = tmp_path / "mini.pdf"
    write_gap_report(a, out, lang="en")
    text = pdf_text(out)
    ftext = flat(text)
    assert "Overalllevel:1" in ftext
    assert "Targetlevel:2" in ftext
    assert "L3" in text
    assert "L4" not in text
    for g in a.gaps():
        for r in g.requirements:
            assert r.id in ftext
    # two domains: the chart falls back to bars with ticks 0..3; the heat map has columns L1..L3
    assert "Whatblockslevel2" in ftext
    assert_fonts_embedded(out)


def test_target_option_changes_the_gap_list(mini_assessment: Assessment, tmp_path: Path) -> None:
    a = mini_assessment
    for req in a.model.iter_requirements(2):
        a.rate(req.id, Status.MET)
    out = tmp_path / "t3.pdf"
    write_gap_report(a, out, target=3, lang="en")
    ftext = flat(pdf_text(out))
    assert "Gapstotargetlevel3" in ftext
    for req in a.model.iter_requirements():
        if req.level == 3:
            assert req.id in ftext
    with pytest.raises(InvalidValueError):
        write_gap_report(a, tmp_path / "t9.pdf", target=9)
    assert not (tmp_path / "t9.pdf").exists()


def test_long_texts_wrap_and_split_across_pages(mini_assessment: Assessment, tmp_path: Path) -> None:
    a = mini_assessment
    words = " ".join(f"word{i}" for i in range(2500))
    chinese = "持续交付流水线需要自动化回滚与演练。" * 200
    a.rate("A.X.1.L1", Status.NOT_MET, note=words + " END-OF-NOTE")
    a.save_finding(Finding(None, "A.X.1.L1", chinese + "观察结束", "x" * 3000 + " END-OF-REC"))
    out = tmp_path / "long.pdf"
    pages = write_gap_report(a, out, lang="en")
    assert pages >= 3
    ftext = flat(pdf_text(out))
    # a note beyond 4,000 characters is cut, saying where the rest is (issue #12: layout stays linear)
    assert "END-OF-NOTE" not in ftext
    assert "continuedintheworkbook" in ftext
    assert "END-OF-REC" in ftext
    assert "观察结束" in ftext
    assert "word234" in ftext


def test_languages_select_the_labels(mini_assessment: Assessment, tmp_path: Path) -> None:
    zh, en = tmp_path / "zh.pdf", tmp_path / "en.pdf"
    write_gap_report(mini_assessment, zh, lang="zh")
    write_gap_report(mini_assessment, en, lang="en")
    tzh, ten = flat(pdf_text(zh)), flat(pdf_text(en))
    assert "总体结果" in tzh
    assert "Summary" not in tzh
    assert "Summary" in ten
    assert "总体结果" not in ten
    assert "领域A" in tzh
    assert "DomainA" in ten


def test_build_story_is_separate_from_render(demo: Assessment, tmp_path: Path) -> None:
    data = build_report_data(demo, lang="zh")
    story = build_story(data)
    assert len(story) > 20
    seen: list[tuple[int, int]] = []
    pages = render(story, tmp_path / "r.pdf", data, progress=lambda d, t: seen.append((d, t)))
    assert pages > 3
    assert seen[-1][0] == seen[-1][1]
    with pytest.raises(CdassessError, match="no such folder"):
        render(build_story(data), tmp_path / "missing" / "r.pdf", data)


def test_cancelled_report_leaves_no_file(demo: Assessment, tmp_path: Path) -> None:
    out = tmp_path / "c.pdf"
    with pytest.raises(CdassessError, match="cancelled"):
        write_gap_report(demo, out, cancelled=lambda: True)
    assert not out.exists()
    assert list(tmp_path.glob("*.pdf")) == []


def test_cli_report_gap(demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.pdf"
    assert main(["report", "gap", str(demo_path), "-o", str(out), "--lang", "en", "--target", "2"]) == 0
    assert "pages" in capsys.readouterr().out
    assert "Gapstotargetlevel2" in flat(pdf_text(out))
    assert main(["report", "gap", str(demo_path), "-o", str(out), "--target", "7"]) == 1
    assert "not a level" in capsys.readouterr().err


def test_model_with_a_level_zero_gets_a_correct_report(tmp_path: Path) -> None:
    """Levels 0-2 instead of 1-3: the centre of the chart is -1, item levels can be 0, gaps still listed."""
    import json

    from cdassess.model import parse_model
    from tests.conftest import MINI_MODEL

    raw = json.loads(MINI_MODEL.read_text(encoding="utf-8"))
    for lv in raw["levels"]:
        lv["n"] -= 1
    for dom in raw["domains"]:
        for sub in dom.get("subdomains", [dom]):
            for item in sub["items"]:
                for req in item["requirements"]:
                    req["level"] -= 1
    model = parse_model(raw)
    assert model.level_numbers == (0, 1, 2)
    a = Assessment.create(tmp_path / "zero.cdassess", organization="Zero Org", project="P", model=model,
                          target_level=1)
    try:
        for req in model.iter_requirements(0):
            a.rate(req.id, Status.MET)
        out = tmp_path / "zero.pdf"
        write_gap_report(a, out, lang="en")
        ftext = flat(pdf_text(out))
        assert "Overalllevel:0" in ftext
        assert "Targetlevel:1" in ftext
        assert "Whatblockslevel1" in ftext
        for g in a.gaps():
            for r in g.requirements:
                assert r.id in ftext
    finally:
        a.close()


def test_report_has_an_outline_of_its_sections(demo_report: tuple[Path, Assessment]) -> None:
    outline = PdfReader(str(demo_report[0])).outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles[:3] == ["总体结果 Summary", "能力项热力图 Heat map of items by level",
                          "距目标级别 3 的差距 Gaps to target level 3"]


def test_findings_on_satisfied_requirements_are_not_lost(mini_assessment: Assessment, tmp_path: Path) -> None:
    a = mini_assessment
    a.rate("A.X.1.L1", Status.MET)
    a.save_finding(Finding(None, "A.X.1.L1", "Met, but only since last week", "Keep records", "QA"))
    a.save_finding(Finding(None, None, "Nobody owns the backlog", "Name an owner", "CTO"))
    out = tmp_path / "f.pdf"
    write_gap_report(a, out, lang="en")
    ftext = flat(pdf_text(out))
    assert "Otherfindings" in ftext
    assert "Met,butonlysincelastweek" in ftext
    assert "Nobodyownsthebacklog" in ftext
