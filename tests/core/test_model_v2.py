"""Model format v2 end to end on tests/fixtures/models/tiny-v2.json (English only, several requirements per
level, a 5-option scale with weights, the weighted rule): loading, validation, rating with every option, the
scoring rules, the CLI contract, a questionnaire round trip in the model's own words and the gap report."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from cdassess.cli import main
from cdassess.errors import InvalidValueError, ModelError
from cdassess.model import FORMAT_V2, Model, load_model_file, parse_model
from cdassess.records import Claim
from cdassess.reports.gap import write_gap_report
from cdassess.scoring import compute_levels, explain, gaps, what_if
from cdassess.services import Assessment
from cdassess.xlsx import export_questionnaire, read_questionnaire

TINY = Path(__file__).parents[1] / "fixtures" / "models" / "tiny-v2.json"
RATED = {"G.SM.A.1": "yes_all", "G.SM.A.1b": "yes_half", "G.SM.A.2": "yes_some", "G.SM.B.1": "yes_all",
         "G.SM.B.3": "no", "D.TA.1": "not_relevant", "D.TA.1b": "yes_half", "D.TA.2": "yes_all"}


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(TINY.read_text(encoding="utf-8"))
    return data


def _model(**scoring: str) -> Model:
    data = _raw()
    data["scoring"] = {**data["scoring"], **scoring}
    return parse_model(data, "tiny-v2.json")


@pytest.fixture
def tiny(tmp_path: Path) -> Iterator[Assessment]:
    a = Assessment.create(tmp_path / "tiny.cdassess", organization="Org", project="P", target_level=2,
                          model=load_model_file(TINY), assessor="tester")
    yield a
    a.close()


def test_v2_loads_with_languages_scale_scoring_and_node_extras() -> None:
    m = load_model_file(TINY)
    assert (m.format, m.languages, m.scoring.rule) == (FORMAT_V2, ("en",), "weighted")
    assert m.scale.ids == ("yes_all", "yes_half", "yes_some", "no", "not_relevant")
    item = m.items["G.SM.A"]
    assert [r.id for r in item.requirements_at(1)] == ["G.SM.A.1", "G.SM.A.1b"]
    assert item.tags == ("strategy",) and "**goals**" in item.description.en and item.description.zh == ""
    assert m.requirements["G.SM.A.2"].depends_on == ("G.SM.A.1",)
    assert m.items["G.SM.B"].depends_on == ("G.SM.A",)
    assert m.requirements["G.SM.A.1"].references[0].url.startswith("https://owaspsamm.org/")
    assert m.domain("G").references[0].title == "OWASP SAMM"
    assert m.names.zh == "" and m.names.both() == "Tiny v2 test model"  # no "/" and no empty Chinese
    # round trip: to_dict is v2 again and loads to an equal model
    again = parse_model(json.loads(m.to_json()), "again")
    assert again == m and again.scale.to_list() == m.scale.to_list() and again.languages == ("en",)


@pytest.mark.parametrize(("change", "where", "message"), [
    (lambda d: d["scale"][0].update(weight=1.5), "scale[0] (yes_all).weight", "in [0, 1]"),
    (lambda d: d["scale"][1].update(id="unrated"), "scale[1]", "reserved"),
    (lambda d: d["scale"][1].update(id="Yes Half"), "scale[1]", "[a-z0-9_]+"),
    (lambda d: d.update(scoring={"rule": "magic"}), "scoring.rule", "accepted: cumulative, weighted, coverage"),
    (lambda d: d["domains"][0]["names"].update(zh="治理"), "domains[0] (G).names", "add 'zh' to 'languages'"),
    (lambda d: d["domains"][1]["items"][0]["requirements"][2].update(depends_on=["NOPE"]), "D.TA.2.depends_on",
     "'NOPE' is not a requirement or item ID"),
    (lambda d: d["domains"][1]["items"][0].update(references=[{"note": "x"}]), "references[0]", "unknown key"),
])
def test_v2_problems_name_their_place(change: Any, where: str, message: str) -> None:
    data = copy.deepcopy(_raw())
    change(data)
    with pytest.raises(ModelError) as exc:
        parse_model(data, "tiny-v2.json")
    assert any(where in p.where and message in p.message for p in exc.value.problems), exc.value.problems


def test_v1_still_refuses_two_requirements_at_one_level() -> None:
    data = _raw()
    data["format"] = "cdassess-model/1"
    for key in ("languages", "scale", "scoring", "description"):
        data.pop(key)
    data["source"] = "x"
    with pytest.raises(ModelError) as exc:
        parse_model(data, "v1.json")
    assert any("already has a requirement at level 1" in p.message for p in exc.value.problems)


def test_rate_with_every_option_and_only_those(tiny: Assessment) -> None:
    for opt in tiny.model.scale.options:
        just = "no such system" if opt.needs_justification else None
        change = tiny.rate("G.SM.A.1", opt.id, justification=just)
        assert change.new.status == opt.id
        assert tiny.rating("G.SM.A.1").status == opt.id
    tiny.rate("G.SM.A.1", "Partly implemented")  # the option's own words
    assert tiny.rating("G.SM.A.1").status == "yes_half"
    tiny.rate("G.SM.A.1", "YES, FOR SOME OF THE APPLICATIONS")  # a label, any case
    assert tiny.rating("G.SM.A.1").status == "yes_some"
    with pytest.raises(InvalidValueError, match="accepted: yes_all"):
        tiny.rate("G.SM.A.1", "met")  # CAICT's ids are not this model's
    with pytest.raises(InvalidValueError, match="Not applicable here needs a justification"):
        tiny.rate("G.SM.A.2", "not_relevant")
    tiny.rate("G.SM.A.1", "unrated")
    assert tiny.rating("G.SM.A.1").status == "unrated"


def test_weighted_scores_are_sums_of_level_means_averaged_up_the_tree() -> None:
    m = _model()
    rep = compute_levels(m, RATED)
    # G.SM.A: L1 mean(1, .5) + L2 .25 + L3 0; G.SM.B: 1 + (empty L2: as L1) 1 + 0; D.TA: N/A left out
    assert rep.scores["G.SM.A"] == pytest.approx(1.0)
    assert rep.scores["G.SM.B"] == pytest.approx(2.0)
    assert rep.scores["D.TA"] == pytest.approx(0.5 + 1.0 + 0.5)
    assert rep.scores["G"] == pytest.approx(1.5) and rep.scores["D"] == pytest.approx(2.0)
    assert rep.overall_score == pytest.approx(1.75) and rep.max_score == 3
    assert (rep.items["G.SM.A"], rep.items["G.SM.B"], rep.domains["G"], rep.overall) == (1, 2, 1, 1)
    blank = compute_levels(m, {})
    assert blank.overall_score == 0 and set(blank.items.values()) == {0}
    full = compute_levels(m, dict.fromkeys(m.requirements, "yes_all"))
    assert full.overall_score == pytest.approx(3.0) and full.overall == 3


def test_coverage_rule_gives_shares_per_level_and_cumulative_levels() -> None:
    m = _model(rule="coverage", empty_levels="hold")
    rep = compute_levels(m, RATED)
    assert rep.overall_score == pytest.approx(4.25 / 8)  # N/A left out
    assert rep.overall_coverage == pytest.approx({1: 0.75, 2: 0.625, 3: 0.0})
    assert rep.coverage["G.SM.B"][2] is None  # no requirement there
    assert (rep.items["G.SM.A"], rep.items["G.SM.B"], rep.items["D.TA"]) == (0, 1, 0)


def test_cumulative_hold_and_pass_and_lenient() -> None:
    hold, passing = _model(rule="cumulative", empty_levels="hold"), _model(rule="cumulative")
    assert compute_levels(hold, RATED).items["G.SM.B"] == 1  # level 2 has nothing: never reached on its own
    assert compute_levels(passing, RATED).items["G.SM.B"] == 2
    assert compute_levels(hold, {}).overall == 0
    from cdassess.scoring import LevelRule

    lenient = compute_levels(hold, RATED, LevelRule("lenient"))  # yes_half (0.5) satisfies too
    assert (lenient.items["G.SM.A"], lenient.items["D.TA"]) == (1, 3)
    ex = explain(hold, RATED, 2)
    blocks = {b.item.id: [r.id for r in b.blocking] for b in ex.blocked_items}
    assert blocks["G.SM.B"] == ["G.SM.B.3"]  # reaching 2 needs the next level that has requirements
    assert [r.id for g in gaps(hold, RATED, 2) for r in g.requirements] == [
        "G.SM.A.1b", "G.SM.A.2", "G.SM.B.3", "D.TA.1b"]
    before, after = what_if(hold, RATED, {"G.SM.A.1b": "yes_all", "G.SM.A.2": "yes_all", "D.TA.1b": "yes_all"})
    assert (before.overall, after.overall) == (0, 1)
    with pytest.raises(InvalidValueError):
        what_if(hold, RATED, {"G.SM.A.1b": "met"})


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_rate_info_requirements(tiny: Assessment, capsys: pytest.CaptureFixture[str]) -> None:
    f = str(tiny.path)
    tiny.close()
    for req, opt in RATED.items():
        extra = ["--justification", "does not apply"] if opt == "not_relevant" else []
        assert _run(capsys, "rate", f, req, opt, *extra)[0] == 0
    code, _, err = _run(capsys, "rate", f, "G.SM.A.3", "partial")
    assert code == 1 and "unknown rating 'partial'" in err and "yes_all" in err and "Traceback" not in err
    code, out, _ = _run(capsys, "info", f, "--json")
    info = json.loads(out)
    assert info["overall_score"] == pytest.approx(1.75) and info["level"] == 1 == info["overall_level"]
    assert set(info["coverage"]) == {"1", "2", "3"}
    dom = info["domains"][0]
    assert (dom["name_en"], dom["name_zh"], dom["score"]) == ("Governance", "", 1.5)
    item = dom["subdomains"][0]["items"][1]
    assert (item["id"], item["score"], item["level"], item["coverage"]["2"]) == ("G.SM.B", 2.0, 2, None)
    code, out, _ = _run(capsys, "info", f)
    assert "1.75 / 3" in out and " / Governance" not in out
    code, out, _ = _run(capsys, "requirements", f, "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["G.SM.A.1b"] == {**rows["G.SM.A.1b"], "text_zh": None, "text_en": "Do the business owners know it?",
                                 "level": 1, "item": "G.SM.A", "status": "yes_half"}
    assert rows["G.SM.A.3"]["status"] == "unrated"
    code, out, _ = _run(capsys, "requirements", f, "--json", "--status", "Yes, for most or all of the applications")
    assert {r["id"] for r in json.loads(out)} == {"G.SM.A.1", "G.SM.B.1", "D.TA.2"}


@pytest.mark.parametrize("lang", ["en", "both"])
def test_questionnaire_round_trip_in_the_models_own_words(tiny: Assessment, tmp_path: Path, lang: str) -> None:
    tiny.set_claim(Claim("G.SM.A.1", "yes_half", "plan v2"))
    out = export_questionnaire(tiny, tmp_path / "q.xlsx", lang=lang)
    wb = openpyxl.load_workbook(out)
    ws = wb["Questionnaire"]
    assert ws.cell(1, 1).value == "ID"  # an English-only model gets an English questionnaire, even for "both"
    dv = ws.data_validations.dataValidation[0]
    assert dv.formula1.startswith("'_choices'!")  # labels with commas go on a hidden sheet
    choices = [c.value for c in wb["_choices"]["A"]]
    assert choices[0] == "Yes, for most or all of the applications" and len(choices) == 5
    head = [c.value for c in ws[1]]
    col = next(i for i, h in enumerate(head, 1) if "Self-assessment" in str(h))
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    assert ws.cell(rows["G.SM.A.1"], col).value == "Yes, for at least half of the applications"  # pre-filled
    words = {"G.SM.A.1": "partially_compliant", "G.SM.A.1b": "Fully implemented", "G.SM.A.2": "non_compliant",
             "D.TA.1": "Partly implemented", "D.TA.1b": choices[2], "D.TA.2": "YES_ALL"}
    for req, word in words.items():
        ws.cell(rows[req], col).value = word
    wb.save(out)
    preview = read_questionnaire(tiny, out)
    assert not preview.problems, [p.cells() for p in preview.problems]
    preview.apply(tiny)
    got = {k: c.status for k, c in tiny.claims().items()}
    assert got == {"G.SM.A.1": "yes_half", "G.SM.A.1b": "yes_all", "G.SM.A.2": "no", "D.TA.1": "yes_half",
                   "D.TA.1b": "yes_some", "D.TA.2": "yes_all"}
    ws.cell(rows["G.SM.B.1"], col).value = "met"  # CAICT's word is not this model's
    wb.save(out)
    bad = read_questionnaire(tiny, out)
    assert len(bad.problems) == 1 and "Yes, for most or all" in bad.problems[0].accepted


def test_gap_report_renders_scale_labels_scores_and_no_empty_chinese(tiny: Assessment, tmp_path: Path) -> None:
    for req, opt in RATED.items():
        tiny.rate(req, opt, justification="does not apply" if opt == "not_relevant" else None)
    out = tmp_path / "gap.pdf"
    write_gap_report(tiny, out, lang="en")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(str(out)).pages)
    flat = " ".join(text.split())
    assert "Yes, for at least half of the applications" in flat
    assert "Not applicable here" in flat and "G.SM.A.1b" in flat
    assert "2/2" in flat or "1/2" in flat  # two requirements at one level: a count in the heat map
    assert "1.75" in flat  # the weighted score, not only a level
    write_gap_report(tiny, tmp_path / "gap-both.pdf")  # "both" on an English-only model works too


def test_markdown_and_long_ids_in_the_gap_report(tmp_path: Path) -> None:
    data = _raw()
    reqs = data["domains"][1]["items"][0]["requirements"]
    reqs[0]["text"] = {"en": "Use **signed** builds and <font color='red'>no</font> *unsigned* ones\n- one\n- two"}
    long_id = "D.TA.THREAT-MODEL-REVIEW-0123456789-ABCDEFGH"
    reqs[2]["id"] = long_id
    a = Assessment.create(tmp_path / "md.cdassess", organization="O", project="P", target_level=2,
                          model=parse_model(data, "md.json"))
    with a:
        out = tmp_path / "md.pdf"
        write_gap_report(a, out, lang="en")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(str(out)).pages)
    assert "**" not in text and "Use signed builds" in " ".join(text.split())
    # markup in model text prints literally, never runs (the line may wrap inside it)
    assert "<font color='red'>no</font>" in " ".join(text.split())
    assert "• one" in text
    assert long_id in text  # on one line: never broken inside


def _label_boxes(drawing: Any) -> list[tuple[float, float, float, float]]:
    from reportlab.graphics.shapes import Group, String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    boxes = []

    def walk(node: Any, dx: float, dy: float) -> None:
        if isinstance(node, Group):
            t = node.transform
            for child in node.contents:
                walk(child, dx + t[4], dy + t[5])
        elif isinstance(node, String) and node.text.strip():
            w = stringWidth(node.text, node.fontName, node.fontSize)
            x = node.x + dx - {"start": 0, "middle": w / 2, "end": w}.get(node.textAnchor, 0)
            boxes.append((x, node.y + dy, x + w, node.y + dy + node.fontSize * 0.8))

    walk(drawing, 0, 0)
    return boxes


def test_a_chart_of_sixteen_domains_has_no_overlapping_labels() -> None:
    from cdassess.reports.charts import level_radar_drawing

    data = _raw()
    item = data["domains"][1]["items"][0]
    data["domains"] = [{"id": f"DOM{k}", "names": {"en": f"Domain number {k} with a longer name"},
                        "items": [{**item, "id": f"I{k}", "requirements": [
                            {**r, "id": f"I{k}.{j}"} for j, r in enumerate(item["requirements"])]}]}
                       for k in range(16)]
    m = parse_model(data, "wide.json")
    drawing = level_radar_drawing(m, compute_levels(m, {}), 2, "en", width=460, height=300)
    boxes = _label_boxes(drawing)
    names = [b for b in boxes if b[2] - b[0] > 60]
    assert len(names) >= 16
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5
            assert not overlap, (a, b)
