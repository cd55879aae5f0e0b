"""Imported DSOMM, SAMM and CISO Assistant models end to end: import into the library, assess with the model's
own options, questionnaire round trip in the model's own answer words, and scores as the authors' tools give."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from cdassess.cli import main
from cdassess.importers import import_model
from cdassess.library import ModelLibrary
from cdassess.services import Assessment
from cdassess.xlsx import export_questionnaire, read_questionnaire
from tests.core.samm_sample import write_samm
from tests.core.test_importers import ASVS, CONTROLS, CSF, DSOMM

# SAMM example computed by hand (the SAMM toolbox's rule: a stream scores the sum of its answers over the three
# levels, a practice the mean of its two streams, a business function the mean of its practices):
#   G-SM-A 1 + 0.5 + 0 = 1.5, G-SM-B 1 + 0.25 + 0 = 1.25       -> Strategy and Metrics 1.375
#   G-PC-A 1 + 1 + 0.25 = 2.25, G-PC-B 0.5 + 0.25 + 0 = 0.75   -> Policy and Compliance 1.5
#   Governance (1.375 + 1.5) / 2 = 1.4375
#   D-TA-A 1 + 0.5 + 0 = 1.5, D-TA-B 1 + 0 + 0 = 1             -> Threat Assessment 1.25
#   D-SR-A 1 + 0.5 + 0.25 = 1.75, D-SR-B 1 + 0.5 + 0.25 = 1.75 -> Security Requirements 1.75 (leaves Design at 1.5)
#   overall (1.4375 + 1.5) / 2 = 1.46875
SAMM_ANSWERS = {
    "G-SM-A": ("most", "half", "no"), "G-SM-B": ("most", "some", "no"),
    "G-PC-A": ("most", "most", "some"), "G-PC-B": ("half", "some", "no"),
    "D-TA-A": ("most", "half", "no"), "D-TA-B": ("most", "no", "no"),
    "D-SR-A": ("most", "half", "some"), "D-SR-B": ("most", "half", "some"),
}


@pytest.fixture
def library(tmp_path: Path) -> ModelLibrary:
    return ModelLibrary(user_dir=tmp_path / "library")


def new_assessment(tmp_path: Path, library: ModelLibrary, model_id: str) -> Assessment:
    return Assessment.create(tmp_path / f"{model_id}.cdassess", organization="Org", project="Proj",
                             model=library.load(model_id), assessor="tester", target_level=1)


def fill_questionnaire(a: Assessment, path: Path, answers: dict[str, str]) -> None:
    out = export_questionnaire(a, path, max_level=a.model.max_level, lang="en")
    wb = openpyxl.load_workbook(out)
    ws = wb["Questionnaire"]
    head = [c.value for c in ws[1]]
    col = next(i for i, h in enumerate(head, 1) if "Self-assessment" in str(h))
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for req, word in answers.items():
        ws.cell(rows[req], col).value = word
    wb.save(out)
    preview = read_questionnaire(a, out)
    assert not preview.problems, [p.cells() for p in preview.problems]
    preview.apply(a)


def test_samm_imports_rates_and_scores_as_the_samm_toolbox(tmp_path: Path, library: ModelLibrary) -> None:
    result = import_model(write_samm(tmp_path / "core"), library=library)
    assert (result.model.id, result.model.version, result.kind) == ("owasp-samm", "2.0", "samm")
    with new_assessment(tmp_path, library, "owasp-samm") as a:
        for stream, answers in SAMM_ANSWERS.items():
            for level, option in enumerate(answers, start=1):
                a.rate(f"{stream}-{level}", option)
        rep = a.levels()
        assert rep.scores["G-SM"] == pytest.approx(1.375)
        assert rep.scores["G-PC"] == pytest.approx(1.5)
        assert rep.scores["G"] == pytest.approx(1.4375)
        assert rep.scores["D"] == pytest.approx(1.5)
        assert rep.overall_score == pytest.approx(1.46875)
        assert rep.max_score == 3
        assert rep.domains["G"] == 1 and rep.items["G-PC-A"] == 2  # the level is the score's whole part


def test_samm_questionnaire_in_samms_own_answer_words(tmp_path: Path, library: ModelLibrary) -> None:
    import_model(write_samm(tmp_path / "core"), library=library)
    with new_assessment(tmp_path, library, "owasp-samm") as a:
        fill_questionnaire(a, tmp_path / "q.xlsx", {
            "G-SM-A-1": "Yes, for at least half of the applications",
            "D-TA-B-1": "Yes, for some of the training",  # the words of that question's own answer set
            "G-SM-A-2": "No",
            "G-PC-A-1": "Yes, for most or all of the applications",
        })
        assert {k: c.status for k, c in a.claims().items()} == {"G-SM-A-1": "half", "D-TA-B-1": "some",
                                                                "G-SM-A-2": "no", "G-PC-A-1": "most"}


def test_dsomm_coverage_and_levels_that_hold(tmp_path: Path, library: ModelLibrary) -> None:
    import_model(DSOMM, library=library)
    with new_assessment(tmp_path, library, "owasp-dsomm") as a:
        assert a.levels().overall == 0  # a blank DSOMM assessment is 0 everywhere
        a.rate("f6f7737f", "fully_implemented")  # Build, level 1
        a.rate("f3c4971e", "partly_implemented")  # Build, level 2
        a.rate("2d1fe9f6", "started")  # Build, level 2
        a.rate("44f2c8a4", "fully_implemented")  # Static depth, level 2 (next at 5)
        rep = a.levels()
        build = "BD.BU"
        # DSOMM's sector progress: the mean progress of the activities of one sub-dimension at one level
        assert rep.coverage[build][1] == pytest.approx(1.0)
        assert rep.coverage[build][2] == pytest.approx((0.5 + 0.2) / 2)
        assert rep.items[build] == 1
        assert rep.items["TV.SDA"] == 2  # levels 3-4 are empty: 2, not 4
        assert rep.items["BD.DE"] == 0


def test_dsomm_questionnaire_in_its_own_words_and_the_cli_contract(tmp_path: Path, library: ModelLibrary,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import_model(DSOMM, library=library)
    with new_assessment(tmp_path, library, "owasp-dsomm") as a:
        fill_questionnaire(a, tmp_path / "q.xlsx", {"f6f7737f": "Partly implemented",
                                                    "74938a3f": "Fully implemented"})
        assert {k: c.status for k, c in a.claims().items()} == {
            "f6f7737f": "partly_implemented",
            "74938a3f": "fully_implemented"}
        path = a.path
    capsys.readouterr()
    assert main(["requirements", str(path), "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    first = rows["f6f7737f"]
    assert first["text_en"].startswith("Defined build process") and first["text_zh"] is None
    assert (first["level"], first["item"], first["status"]) == (1, "BD.BU", "unrated")


def test_ciso_scores_definition_not_applicable_and_words(tmp_path: Path, library: ModelLibrary) -> None:
    import_model(CSF, library=library)
    with new_assessment(tmp_path, library, "test-csf-2.0") as a:
        a.rate("GV.OC-01", "repeatable")
        a.rate("GV.OC-02", "not_applicable", justification="no external stakeholders")
        rep = a.levels()
        assert rep.scores["GV.OC"] == pytest.approx(2 / 3)  # the N/A requirement is left out of the share
        assert rep.items["GV.OC"] == 0  # only the top score satisfies
        fill_questionnaire(a, tmp_path / "q.xlsx", {"ID.AM-01": "Risk informed"})
        assert a.claims()["ID.AM-01"].status == "risk_informed"


def test_ciso_compliance_results_and_implementation_group_levels(tmp_path: Path, library: ModelLibrary) -> None:
    import_model(CONTROLS, library=library)
    with new_assessment(tmp_path, library, "test-controls") as a:
        fill_questionnaire(a, tmp_path / "q.xlsx", {"AC-1": "partially_compliant", "AC-2": "compliant",
                                                    "AU-1": "Non-compliant"})
        assert {k: c.status for k, c in a.claims().items()} == {"AC-1": "partially_compliant",
                                                                "AC-2": "compliant", "AU-1": "non_compliant"}
    import_model(ASVS, library=library)
    with new_assessment(tmp_path, library, "test-asvs-4.0.3") as a:
        a.rate("V1.1.3", "compliant")  # L1
        assert a.levels().items["V1.1"] == 1
        a.rate("V1.1.1", "compliant")  # L2
        assert a.levels().items["V1.1"] == 2


def test_reimport_keeps_ids_and_ratings(tmp_path: Path, library: ModelLibrary) -> None:
    import_model(DSOMM, library=library)
    with new_assessment(tmp_path, library, "owasp-dsomm") as a:
        a.rate("f6f7737f", "fully_implemented")
        before = set(a.model.requirements)
    again = import_model(DSOMM, library=library, replace=True)
    assert set(again.model.requirements) == before


@pytest.mark.parametrize("source", ["dsomm", "samm", "ciso"])
def test_imported_models_round_trip_through_a_model_workbook(tmp_path: Path, source: str) -> None:
    from cdassess.importers import read_model
    from cdassess.importers.export import export_model
    from cdassess.xlsx.modelbook import read_model_workbook

    path = {"dsomm": DSOMM, "ciso": ASVS}.get(source) or write_samm(tmp_path / "core")
    model = read_model(path).model
    out = export_model(model, tmp_path / "model.xlsx")
    wb = openpyxl.load_workbook(out)
    assert "评分选项 Scale" in wb.sheetnames  # the model's own scale travels with it
    back = read_model_workbook(out)
    assert back.to_dict() == model.to_dict()


def test_imported_requirements_carry_no_provenance_mark(tmp_path: Path, library: ModelLibrary) -> None:
    from pypdf import PdfReader

    from cdassess.reports.gap import write_gap_report

    import_model(write_samm(tmp_path / "core"), library=library)
    with new_assessment(tmp_path, library, "owasp-samm") as a:
        assert {r.provenance for r in a.model.requirements.values()} == {""}
        a.rate("G-SM-A-1", "half")
        out = tmp_path / "gap.pdf"
        write_gap_report(a, out, lang="en")
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(str(out)).pages).split())
    assert "Requirement texts:" not in text and "confirmed" not in text
    assert "Do you strategy and metrics at level 1 in stream A?" in text or "G-SM-A-1" in text
    assert ModelLibrary().builtin().requirement("CD.CM.VC.01.L1").provenance in ("confirmed", "paraphrased",
                                                                                  "inferred")
