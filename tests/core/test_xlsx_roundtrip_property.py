"""Any text a user can type survives the full workbook (writer and reader are ours): property-based."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdassess.records import Claim
from cdassess.scoring import Status
from cdassess.services import Assessment
from cdassess.xlsx import export_workbook, read_workbook
from cdassess.xlsx.safety import clean_text

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=120)
STATUS = st.sampled_from([Status.MET, Status.PARTIAL, Status.NOT_MET, Status.NA, Status.UNRATED])


def expected(text: str) -> str:
    return clean_text(text).strip()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=TEXT, evidence=TEXT, owner=TEXT, claim=STATUS)
def test_any_text_round_trips(tmp_path_factory: object, mini_assessment: Assessment, note: str, evidence: str,
                              owner: str, claim: Status) -> None:
    a = mini_assessment
    a.rate("A.X.1.L1", "met", note=note)
    a.set_claim(Claim("A.X.1.L1", claim, evidence, owner=owner, comment="=" + evidence))
    folder = Path(tmp_path_factory.mktemp("w"))  # type: ignore[attr-defined]
    w = export_workbook(a, folder / "w.xlsx")
    preview = read_workbook(a, w)
    assert preview.ok, preview.problems
    # the only differences: what a cell cannot hold (control characters) and what import trims (outer spaces)
    for change in preview.changes:
        assert change.action in ("changed", "cleared"), change
        assert change.new == expected(change.old), change
        assert change.new != change.old
