"""Confidential export: a report or workbook to share outside names no person, no internal note and no
evidence detail. Canary strings are planted in every such field; the full profile must show them (so the
test can fail) and the confidential one must not, anywhere in the file."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

import pytest

from cdassess.errors import CdassessError, InvalidValueError
from cdassess.export_profile import CONFIDENTIAL, FULL, profile_named, redacted
from cdassess.records import Claim, Finding, Interview
from cdassess.reports.data import redact_report_data
from cdassess.reports.gap import write_gap_report as write_profiled_gap_report
from cdassess.scoring import Status
from cdassess.services import Assessment

REQ = "CD.CM.CH.03.L3"  # a level-3 gap in the demo: shown in the gap list with its claim and findings
REQ2 = "CD.TM.TA.03.L3"
PEOPLE = {
    "assessor": "Canarypersonassessor",
    "actor": "Canarypersonactor",
    "claim_owner": "Canarypersonclaimowner",
    "finding_owner": "Canarypersonfindingowner",
    "provided_by": "Canarypersonprovider",
    "interviewee": "Canarypersoninterviewee",
}
NOTES = {"rating_note": "Canarynoterating", "claim_comment": "Canarynotecomment",
         "interview_notes": "Canarynoteinterview", "na_justification": "Canarynotejustification",
         "interview_topic": "Canarynotetopic"}
FILE_NAME = "Canaryfilename"  # the assessment's own file name often names the client or a person
EVIDENCE = {"name": "Canaryevidencename", "description": "Canaryevidencedescription",
            "claim_text": "Canaryevidencetext", "claim_refs": "Canaryevidencerefs",
            "content": "Canaryevidencecontent"}
KEPT = {"observation": "Canarykeptobservation"}
SECRETS = {**PEOPLE, **NOTES, **EVIDENCE, "file_name": FILE_NAME}
REQ_NA = "CD.DM.TD.02.L3"


@pytest.fixture
def planted(demo_path: Path) -> Path:
    demo_path = demo_path.rename(demo_path.with_name(f"{FILE_NAME}.cdassess"))
    with Assessment.open(demo_path, actor=PEOPLE["actor"]) as a:
        a.rate(REQ_NA, "na", justification=NOTES["na_justification"])
        a.update_details(assessors=[PEOPLE["assessor"], "Sarah Chen"])
        a.rate(REQ, Status.NOT_MET, note=NOTES["rating_note"])
        a.set_claim(Claim(REQ, Status.MET, EVIDENCE["claim_text"], EVIDENCE["claim_refs"], PEOPLE["claim_owner"],
                          NOTES["claim_comment"]), source="questionnaire")
        a.save_finding(Finding(None, REQ, KEPT["observation"], "Automate it.", PEOPLE["finding_owner"],
                               "2027-01-31", "high"))
        a.add_evidence_bytes(EVIDENCE["name"] + ".pdf", EVIDENCE["content"].encode(), [REQ, REQ2],
                             provided_by=PEOPLE["provided_by"], description=EVIDENCE["description"])
        a.store.add_interview(Interview(None, "2026-11-25", PEOPLE["interviewee"], PEOPLE["assessor"],
                                        NOTES["interview_topic"], NOTES["interview_notes"]))
        a.lock()  # the report then names who locked it
    return demo_path


def pdf_text(path: Path) -> str:
    """Every text the PDF shows, its metadata and its outline, plus its raw (inflated) streams."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    parts = [page.extract_text() or "" for page in reader.pages]
    parts += [str(v) for v in (reader.metadata or {}).values()]
    raw = path.read_bytes()
    parts.append(raw.decode("latin-1"))
    for obj in reader.resolved_objects.values() if hasattr(reader, "resolved_objects") else []:
        parts.append(str(obj))
    for chunk in raw.split(b"stream")[1:]:
        body = chunk.split(b"endstream")[0].strip(b"\r\n")
        try:
            parts.append(zlib.decompress(body).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(parts)


def xlsx_text(path: Path) -> str:
    """Every part of the zip (sheets, shared strings, document properties docProps/*) and every member name."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        return "\n".join([*names, zf.comment.decode("utf-8", "replace"),
                          *(zf.read(n).decode("utf-8", "replace") for n in names)])


def leaked(text: str) -> list[str]:
    """Which canaries occur; whitespace is ignored, as a narrow table column wraps a long word."""
    flat = re.sub(r"\s+", "", text)
    return sorted(k for k, v in SECRETS.items() if v in flat)


def test_full_gap_report_shows_the_canaries(planted: Path, tmp_path: Path) -> None:
    """The control: without redaction the planted values do reach the report (else the test proves nothing)."""
    with Assessment.open(planted, readonly=True) as a:
        write_profiled_gap_report(a, tmp_path / "full.pdf", profile=FULL)
    text = pdf_text(tmp_path / "full.pdf")
    shown = leaked(text)
    # (the claim owner shows only where no finding names an owner; the data test covers it)
    for key in ("assessor", "actor", "finding_owner", "provided_by", "rating_note", "claim_comment", "name",
                "claim_text", "claim_refs", "file_name"):
        assert key in shown, (key, shown)


def test_confidential_gap_report_leaks_nothing(planted: Path, tmp_path: Path) -> None:
    from cdassess.reports.gap import write_gap_report

    with Assessment.open(planted, readonly=True) as a:
        pages = write_gap_report(a, tmp_path / "shared.pdf", profile=CONFIDENTIAL)
        ratings_before = a.ratings()
    assert pages > 3
    text = pdf_text(tmp_path / "shared.pdf")
    assert leaked(text) == []
    assert KEPT["observation"] in text  # the findings themselves are the point of the report
    with Assessment.open(planted, readonly=True) as a:
        assert a.ratings() == ratings_before  # exporting changes nothing


def test_report_data_redaction_is_a_copy(planted: Path) -> None:
    from cdassess.reports.data import build_report_data

    with Assessment.open(planted, readonly=True) as a:
        data = build_report_data(a)
        shared = redact_report_data(data, CONFIDENTIAL)
    assert PEOPLE["assessor"] in data.meta.assessors
    assert shared.meta.assessors == ()
    assert shared.meta.locked_by is None
    assert shared.ratings[REQ].note == ""
    assert shared.ratings[REQ].status == data.ratings[REQ].status
    assert shared.claims[REQ].status == Status.MET
    assert (shared.claims[REQ].owner, shared.claims[REQ].comment, shared.claims[REQ].evidence_text) == ("", "", "")
    assert all(not e.provided_by and not e.description and e.original_name == f"evidence-{e.id}"
               for e in shared.evidence)
    assert [e.sha256 for e in shared.evidence] == [e.sha256 for e in data.evidence]
    assert shared.levels == data.levels
    assert shared.results_digest == data.results_digest
    assert redact_report_data(data, FULL) is data


@pytest.mark.parametrize("exporter", ["workbook", "gap_plan"])
def test_confidential_workbooks_leak_nothing(planted: Path, tmp_path: Path, exporter: str) -> None:
    from cdassess.xlsx import export_gap_plan, export_workbook

    export = export_workbook if exporter == "workbook" else export_gap_plan
    with Assessment.open(planted, readonly=True) as a:
        export(a, tmp_path / "full.xlsx")
        export(a, tmp_path / "shared.xlsx", profile=CONFIDENTIAL)
        export(redacted(a, CONFIDENTIAL), tmp_path / "view.xlsx")  # any exporter can be given the view
    full, shared = xlsx_text(tmp_path / "full.xlsx"), xlsx_text(tmp_path / "shared.xlsx")
    assert leaked(xlsx_text(tmp_path / "view.xlsx")) == []
    demo_owner = "运维组 Ops team"  # the gap plan shows the owner of a gap's first finding: the demo's
    assert demo_owner in full  # the control
    if exporter == "workbook":
        assert {"assessor", "claim_owner", "finding_owner", "rating_note", "claim_comment", "name",
                "provided_by", "na_justification"} <= set(leaked(full))
    assert leaked(shared) == []
    assert demo_owner not in shared
    assert KEPT["observation"] in shared


def test_confidential_workbook_keeps_the_results(planted: Path, tmp_path: Path) -> None:
    """Same ratings, claim statuses and findings: a shared workbook is redacted, not emptied."""
    import openpyxl

    from cdassess.xlsx import export_workbook

    with Assessment.open(planted, readonly=True) as a:
        export_workbook(redacted(a, CONFIDENTIAL), tmp_path / "shared.xlsx")
        # in the scale's own words (the importer reads them back)
        expected = {k: a.model.scale.label(str(r.status), "both") for k, r in a.ratings().items()}
    wb = openpyxl.load_workbook(tmp_path / "shared.xlsx", read_only=True)
    ws = wb["评级 Ratings"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    id_col = next(i for i, h in enumerate(header) if h and "ID" in str(h))
    st_col = next(i for i, h in enumerate(header) if h and "Rating" in str(h))
    got = {r[id_col]: r[st_col] for r in rows[1:] if r[id_col] and r[st_col]}
    wb.close()
    assert got == expected


def test_redacted_view_refuses_edits_and_leaves_the_file_open(planted: Path) -> None:
    with Assessment.open(planted, actor="editor") as a:
        view = redacted(a, CONFIDENTIAL)
        assert view is not a
        with pytest.raises(InvalidValueError, match="read-only"):
            view.rate(REQ2, Status.MET)
        with pytest.raises(InvalidValueError, match="read-only"):
            view.save_finding(Finding(None, REQ, "x"))
        view.close()
        assert a.ratings()[REQ].note == NOTES["rating_note"]  # the source is still open and unredacted
        assert redacted(a, FULL) is a


def test_profile_by_name() -> None:
    assert profile_named("Confidential") is CONFIDENTIAL
    assert profile_named("full") is FULL
    with pytest.raises(InvalidValueError, match="accepted: full, confidential"):
        profile_named("public")


def test_the_confidential_view_cannot_write_and_redacts_interviews(demo: Assessment) -> None:
    demo.add_interview(Interview(None, "2026-11-20", "Wang Fang, Li Lei", "Zhang Wei", "pipelines",
                                 "said the gate is skipped on Fridays"))
    view = redacted(demo, CONFIDENTIAL)
    (i,) = [x for x in view.interviews() if x.topic == "pipelines"]
    assert "Wang" not in i.interviewees and i.interviewer == "" and i.notes == ""
    before = (demo.ratings(), demo.evidence_list(), demo.interviews(), demo.store.audit_head())
    for attempt in (lambda: view.update_evidence(demo.evidence_list()[0].id, description="x"),
                    lambda: view.add_interview(Interview(None, "2026-11-21", "x")),
                    lambda: view.rate("CD.CM.VC.01.L3", "met"),
                    lambda: view.switch_model(demo.model),
                    lambda: view.store.put_rating(demo.rating("CD.CM.VC.01.L3")),
                    lambda: view.store.db.execute("DELETE FROM interview"),
                    lambda: view.store.interviews(),  # noqa: PLW0108 - the attribute access itself is refused
                    ):
        with pytest.raises(CdassessError, match="read-only"):
            attempt()
    assert (demo.ratings(), demo.evidence_list(), demo.interviews(), demo.store.audit_head()) == before


def test_confidential_word_report_leaks_nothing(planted: Path, tmp_path: Path) -> None:
    """The DOCX gap report: every part of its zip (document, document properties) and every member name."""
    from cdassess.reports.docx import write_gap_docx

    with Assessment.open(planted, readonly=True) as a:
        write_gap_docx(a, tmp_path / "full.docx", profile=FULL)
        write_gap_docx(a, tmp_path / "shared.docx", profile=CONFIDENTIAL)
    full = leaked(xlsx_text(tmp_path / "full.docx"))
    assert {"rating_note", "name", "finding_owner"} <= set(full), full  # the control
    shared = xlsx_text(tmp_path / "shared.docx")
    assert leaked(shared) == []
    assert KEPT["observation"] in shared
