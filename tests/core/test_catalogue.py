"""The portfolio catalogue on SQLite and on a real PostgreSQL server (CDASSESS_TEST_PG, set by .ci/run).

Every test taking ``target`` runs on both: a SQLite file in tmp_path, and a fresh database on the PostgreSQL
server. Without CDASSESS_TEST_PG the PostgreSQL runs are skipped locally; in CI (CI=true) they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from cdassess.catalogue import Catalogue
from cdassess.catalogue import extract as extract_module
from cdassess.catalogue.report import percentile
from cdassess.catalogue.sample import generate_portfolio
from cdassess.cli import main
from cdassess.services import Assessment

PG = os.environ.get("CDASSESS_TEST_PG", "")


def _pg_database() -> Iterator[str]:
    if not PG:
        if os.environ.get("CI"):
            pytest.fail("CDASSESS_TEST_PG is not set in CI: .ci/run starts PostgreSQL (tools/pg_test_server.sh)")
        pytest.skip("no PostgreSQL server (start one: eval \"$(bash tools/pg_test_server.sh start)\")")
    import psycopg

    name = f"cat_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    parts = urlsplit(PG)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(PG, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "catalogue.sqlite")
    else:
        yield from _pg_database()


@pytest.fixture(scope="session")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50 generated assessments: 5 units x 5 projects x 2 cycles (generated once for the whole run)."""
    folder = tmp_path_factory.mktemp("portfolio")
    generate_portfolio(folder, units=5, projects_per_unit=5, cycles=2)
    return folder


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def _expected(folder: Path) -> dict[str, Any]:
    """The questions answered straight from the files, without the catalogue."""
    levels: dict[str, list[int]] = {}
    gaps: Counter[str] = Counter()
    n = 0
    for path in sorted(folder.rglob("*.cdassess")):
        with Assessment.open(path, readonly=True) as a:
            n += 1
            rep = a.levels()
            for d, lv in rep.domains.items():
                levels.setdefault(d, []).append(lv)
            for g in a.gaps():
                gaps.update(r.id for r in g.requirements)
    return {"assessments": n, "levels": levels, "gaps": gaps}


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k != "catalogue"}


# ------------------------------------------------------------------------------------------ the questions


def test_fifty_assessments_answer_the_questions(target: str, portfolio: Path,
                                                capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, out, _ = _cli(capsys, "catalogue", "add", target, str(portfolio))
    assert rc == 0
    assert out.strip() == "added 50, updated 0, skipped 0"
    rc, out, _ = _cli(capsys, "catalogue", "report", target, "--json")
    assert rc == 0
    report = json.loads(out)
    want = _expected(portfolio)
    assert report["assessments"] == 50
    assert report["projects_count"] == 25
    assert [u["assessments"] for u in report["units"]] == [10] * 5
    assert [d["id"] for d in report["domains"]] == ["CD.CM", "CD.BC", "CD.TM", "CD.DR", "CD.EM", "CD.DM", "CD.MF"]
    for d in report["domains"]:
        vals = want["levels"][d["id"]]
        assert d["levels"] == {str(n): vals.count(n) for n in range(0, 6)}
        assert sum(d["levels"].values()) == 50
        assert (d["p25"], d["p50"], d["p75"]) == (percentile(vals, .25), percentile(vals, .5), percentile(vals, .75))
    top = want["gaps"].most_common()
    top.sort(key=lambda kv: (-kv[1], kv[0]))
    assert [(g["requirement"], g["count"]) for g in report["frequent_gaps"]] == top[:10]
    assert report["frequent_gaps"][0]["text_en"]  # the requirement's text comes along
    # trend: every project has its two cycles in date order
    assert all(len(t["assessments"]) == 2 for t in report["trend"])
    assert all(t["assessments"][0]["assessed_on"] < t["assessments"][1]["assessed_on"] for t in report["trend"])
    # each project's newest assessment against its target
    assert all(p["assessed_on"].startswith("2026") for p in report["projects"])
    # open findings: the newest cycle's findings on still unsatisfied requirements; owners withheld by default
    assert report["open_findings"]["total"] > 0
    assert {o["owner"] for o in report["open_findings"]["by_owner"]} == {""}

    # filters
    rc, out, _ = _cli(capsys, "catalogue", "report", target, "--json", "--unit", "支付 Payments",
                      "--since", "2026-01-01")
    assert json.loads(out)["assessments"] == 5

    # the same answers from SQLite and from PostgreSQL
    other = tmp_path / "other.sqlite"
    if not target.endswith(".sqlite"):
        with Catalogue.open(other) as sq:
            sq.add([portfolio])
            sq_report = sq.report(today=report["open_findings"]["as_of"])
        with Catalogue.open(target, readonly=True) as pg:
            pg_report = pg.report(today=report["open_findings"]["as_of"])
        assert _comparable(pg_report) == _comparable(sq_report)


def test_report_pdf_and_workbook(target: str, portfolio: Path, capsys: pytest.CaptureFixture[str],
                                 tmp_path: Path) -> None:
    if not target.endswith(".sqlite"):
        pytest.skip("the outputs are the same code on both; the answers are compared above")
    with Catalogue.open(target) as cat:
        cat.add([portfolio])
    pdf = tmp_path / "report.pdf"
    rc, _, err = _cli(capsys, "catalogue", "report", target, "-o", str(pdf))
    assert rc == 0, err
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages)
    assert "CD.CM" in text
    assert "50" in text
    xlsx = tmp_path / "report.xlsx"
    rc, _out, err = _cli(capsys, "catalogue", "report", target, "-o", str(xlsx))
    assert rc == 0, err
    from openpyxl import load_workbook

    wb = load_workbook(xlsx, read_only=True)
    names = wb.sheetnames
    assert any("Domains" in n for n in names)
    assert any("Gaps" in n for n in names)


# ------------------------------------------------------------------------------------------ adding again


def test_readding_unchanged_files_opens_none(target: str, portfolio: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    with Catalogue.open(target) as cat:
        assert cat.add([portfolio]).summary() == "added 50, updated 0, skipped 0"
    opened: list[Path] = []
    real = extract_module.read_snapshot

    def counting(path: Path, profile: Any) -> Any:
        opened.append(path)
        return real(path, profile)

    monkeypatch.setattr("cdassess.catalogue.read_snapshot", counting)
    rc, out, _ = _cli(capsys, "catalogue", "add", target, str(portfolio))
    assert (rc, out.strip()) == (0, "added 0, updated 0, skipped 50")
    assert opened == []
    # one file edited: only that one is read again, and it updates its row
    one = sorted(portfolio.rglob("*.cdassess"))[0]
    copy_dir = portfolio.parent / f"{portfolio.name}-edit-{uuid.uuid4().hex[:6]}"
    copy_dir.mkdir()
    edited = copy_dir / one.name
    shutil.copyfile(one, edited)
    with Catalogue.open(target) as cat:
        assert cat.add([edited]).summary() == "added 0, updated 0, skipped 1"  # same audit position
        with Assessment.open(edited, actor="t") as a:
            a.rate("CD.CM.VC.01.L1", "not_met")
        res = cat.add([edited])
        assert res.summary() == "added 0, updated 1, skipped 0"
        row = next(r for r in cat.assessments() if r["source_path"] == str(edited.resolve()))
        assert row["overall_level"] == 0
    shutil.rmtree(copy_dir)


def test_an_older_copy_never_overwrites_a_newer_one(target: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "old" / "a.cdassess"
    new = tmp_path / "new" / "a.cdassess"
    old.parent.mkdir()
    new.parent.mkdir()
    with Assessment.create(old, organization="Org", project="Proj", assessor="t") as a:
        a.rate("CD.CM.VC.01.L1", "met")
    shutil.copyfile(old, new)
    with Assessment.open(new, actor="t") as a:
        a.rate("CD.CM.VC.01.L2", "met")
        a.rate("CD.CM.VC.01.L3", "met")
        newer_seq = a.store.audit_entries(limit=1)[0].seq
    rc, out, err = _cli(capsys, "catalogue", "add", target, str(new))
    assert out.strip() == "added 1, updated 0, skipped 0"
    rc, out, err = _cli(capsys, "catalogue", "add", target, str(old))
    assert rc == 0
    assert out.strip() == "added 0, updated 0, skipped 1"
    assert "an older copy" in err and str(old.resolve()) in err
    with Catalogue.open(target, readonly=True) as cat:
        (row,) = cat.assessments()
        assert row["audit_seq"] == newer_seq
    # both copies in one run, the older one last: the newer one is used, the older one named
    with Catalogue.open(target) as cat:
        cat.remove([row["id"][:8]])
    rc, out, err = _cli(capsys, "catalogue", "add", target, str(new), str(old))
    assert out.strip() == "added 1, updated 0, skipped 1"
    with Catalogue.open(target, readonly=True) as cat:
        assert cat.assessments()[0]["audit_seq"] == newer_seq


def test_two_machines_adding_at_once_keep_the_newest(target: str, tmp_path: Path) -> None:
    base = tmp_path / "base.cdassess"
    with Assessment.create(base, organization="Org", project="Proj", assessor="t"):
        pass
    copies = []
    for n in range(4):  # copy n has n more edits than the base
        p = tmp_path / f"c{n}" / "a.cdassess"
        p.parent.mkdir()
        shutil.copyfile(base, p)
        with Assessment.open(p, actor="t") as a:
            for i in range(n):
                a.set_note("CD.CM.VC.01.L1", f"edit {i}")
        copies.append(p)
    with Catalogue.open(target):
        pass  # the schema exists before the race (creating it concurrently is tested by the migration lock)
    errors: list[BaseException] = []

    def worker(paths: list[Path]) -> None:
        try:
            for _ in range(3):
                with Catalogue.open(target) as cat:
                    cat.add(paths)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(copies[i::2][::-1],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    with Catalogue.open(target, readonly=True) as cat:
        (row,) = cat.assessments()
        assert row["audit_seq"] == 4  # create + 3 edits: copy 3
        assert row["source_path"] == str(copies[3].resolve())


# ------------------------------------------------------------------------------------------ what is recorded


def test_confidential_by_default_full_on_request(target: str, tmp_path: Path) -> None:
    f = tmp_path / "a.cdassess"
    with Assessment.create(f, organization="Org", project="Proj", assessor="Zhang Wei") as a:
        a.update_details(business_unit="Payments")
        a.rate("CD.CM.VC.01.L1", "not_met", note="internal remark")
        from cdassess.records import Finding

        a.save_finding(Finding(None, "CD.CM.VC.01.L1", "No version control", owner="Li Na", due_date="2027-01-01"))
    from cdassess.export_profile import FULL

    with Catalogue.open(target) as cat:
        cat.add([f])
        (row,) = cat.assessments()
        assert row["business_unit"] == "Payments"
        assert row["assessors"] == ""
        assert row["profile"] == "confidential"
        dump = json.dumps(cat.db.query("SELECT * FROM findings") + cat.db.query("SELECT * FROM requirements"),
                          ensure_ascii=False)
        assert "Li Na" not in dump and "internal remark" not in dump
        assert "No version control" in dump
        assert cat.add([f], profile=FULL).summary() == "added 0, updated 1, skipped 0"
        (row,) = cat.assessments()
        assert row["assessors"] == "Zhang Wei"
        assert cat.db.query("SELECT owner FROM findings")[0]["owner"] == "Li Na"
        report = cat.report(today="2027-06-01")
        (owner,) = report["open_findings"]["by_owner"]
        assert (owner["owner"], owner["open"], owner["overdue"]) == ("Li Na", 1, 1)


def test_list_and_remove(target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = []
    for n, unit in enumerate(["A", "B"]):
        f = tmp_path / f"{n}.cdassess"
        rc, _, err = _cli(capsys, "new", str(f), "--org", "Org", "--project", f"P{n}", "--unit", unit)
        assert rc == 0, err
        files.append(f)
    _cli(capsys, "catalogue", "add", target, *map(str, files))
    rc, out, _ = _cli(capsys, "catalogue", "list", target, "--json", "--unit", "B")
    rows = json.loads(out)
    assert [r["project"] for r in rows] == ["P1"]
    rc, out, _ = _cli(capsys, "catalogue", "remove", target, rows[0]["id"][:8])
    assert (rc, out.strip()) == (0, "removed 1")
    rc, out, _ = _cli(capsys, "catalogue", "list", target)
    assert "P0" in out and "P1" not in out
    rc, _, err = _cli(capsys, "catalogue", "remove", target, "ffffffff")
    assert rc == 1 and "no assessment 'ffffffff'" in err


# ------------------------------------------------------------------------------------------ bad input


def test_damaged_and_foreign_files_are_named_and_skipped(target: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    good = folder / "good.cdassess"
    with Assessment.create(good, organization="Org", project="Proj", assessor="t"):
        pass
    (folder / "notes.txt").write_text("not an assessment")
    (folder / "sub" / "picture.png").write_bytes(b"\x89PNG....")
    truncated = folder / "sub" / "truncated.cdassess"
    data = good.read_bytes()
    shutil.copyfile(good, tmp_path / "spare.cdassess")
    with Assessment.open(tmp_path / "spare.cdassess", actor="t") as a:  # another id, then cut in half
        a.rate("CD.CM.VC.01.L1", "met")
    truncated.write_bytes((tmp_path / "spare.cdassess").read_bytes()[: len(data) // 2])
    fake = folder / "fake.cdassess"
    fake.write_text("hello")
    rc, out, err = _cli(capsys, "catalogue", "add", target, str(folder))
    assert rc == 0
    assert out.strip() == "added 1, updated 0, skipped 2"
    lines = [ln for ln in err.splitlines() if ln.startswith("cdassess: skipped:")]
    assert len(lines) == 2
    assert any(str(truncated) in ln for ln in lines)
    assert any(str(fake) in ln for ln in lines)
    assert "notes.txt" not in err and "Traceback" not in err
    # nothing readable at all: exit 1, each file named
    rc, out, err = _cli(capsys, "catalogue", "add", target, str(fake), str(truncated))
    assert rc == 1
    assert out.strip() == "added 0, updated 0, skipped 2"
    assert str(fake) in err and str(truncated) in err
    with Catalogue.open(target, readonly=True) as cat:
        assert len(cat.assessments()) == 1


def test_a_catalogue_of_a_newer_schema_is_refused(target: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with Catalogue.open(target) as cat:
        cat.db.execute("INSERT INTO catalogue_schema (name, applied_at) VALUES ('0099_future', 'x')")
    f = tmp_path / "a.cdassess"
    with Assessment.create(f, organization="Org", project="Proj", assessor="t"):
        pass
    for argv in (["add", target, str(f)], ["report", target, "--json"], ["list", target]):
        rc, _out, err = _cli(capsys, "catalogue", *argv)
        assert rc == 1
        assert "newer cdassess" in err and "0099_future" in err
        assert len(err.strip().splitlines()) == 1
    from cdassess.catalogue.db import CatalogueDb

    with CatalogueDb.open(target, readonly=True) as db:
        assert db.scalar("SELECT count(*) FROM assessments") == 0  # nothing was added


def test_sqlite_catalogue_refuses_other_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.cdassess"
    with Assessment.create(f, organization="Org", project="Proj", assessor="t"):
        pass
    before = f.read_bytes()
    rc, _, err = _cli(capsys, "catalogue", "add", str(f), str(f))
    assert rc == 1 and "is an assessment file, not a catalogue" in err
    assert f.read_bytes() == before
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.commit()
    rc, _, err = _cli(capsys, "catalogue", "report", str(other))
    assert rc == 1 and "another application" in err
    rc, _, err = _cli(capsys, "catalogue", "report", str(tmp_path / "missing.sqlite"))
    assert rc == 1 and "no such catalogue" in err
    assert not (tmp_path / "missing.sqlite").exists()


def test_unreachable_postgresql_and_wrong_password(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    url = f"postgresql://cdassess:secret@127.0.0.1:{port}/cat"
    rc, _, err = _cli(capsys, "catalogue", "list", url)
    assert rc == 1
    assert err.count("\n") == 1 and "cannot connect" in err and "secret" not in err and "***" in err
    if not PG:
        return
    parts = urlsplit(PG)
    wrong = urlunsplit(parts._replace(netloc=f"{parts.username}:wrong-password@{parts.hostname}:{parts.port}"))
    f = tmp_path / "a.cdassess"
    with Assessment.create(f, organization="Org", project="Proj", assessor="t"):
        pass
    rc, _out, err = _cli(capsys, "catalogue", "add", wrong, str(f))
    assert rc == 1
    assert "password authentication failed" in err and "wrong-password" not in err
    assert err.count("\n") == 1


def test_business_unit_is_an_assessment_detail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.cdassess"
    rc, _, err = _cli(capsys, "new", str(f), "--org", "Org", "--project", "P", "--unit", "支付 Payments")
    assert rc == 0, err
    rc, out, _ = _cli(capsys, "info", str(f), "--json")
    assert json.loads(out)["business_unit"] == "支付 Payments"
    rc, out, _ = _cli(capsys, "edit", str(f), "--unit", "Retail")
    assert rc == 0
    with Assessment.open(f, readonly=True) as a:
        assert a.meta.business_unit == "Retail"
        assert a.store.audit_entries()[-1].action == "update_meta"


def test_a_file_of_an_older_schema_is_read_from_an_upgraded_copy(target: str, tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "schemas" / "schema-1.cdassess"
    old = tmp_path / "old.cdassess"
    shutil.copyfile(fixture, old)
    before = old.read_bytes()
    with Catalogue.open(target) as cat:
        assert cat.add([old]).summary() == "added 1, updated 0, skipped 0"
        (row,) = cat.assessments()
    expected = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
    assert row["id"] == expected["meta"]["uuid"]
    assert row["overall_level"] == expected["levels"]["overall"]
    assert row["audit_seq"] == expected["audit"]["rows"] and row["audit_head"] == expected["audit"]["head"]
    assert old.read_bytes() == before  # the file itself was not upgraded


def test_report_output_never_destroys_an_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.cdassess"
    with Assessment.create(f, organization="Org", project="Proj", assessor="t"):
        pass
    cat = tmp_path / "cat.sqlite"
    with Catalogue.open(cat) as c:
        c.add([f])
    before = cat.read_bytes()
    notes = tmp_path / "notes.pdf"
    notes.write_text("my own notes, not a PDF")
    for target in (f, notes):
        rc, _, err = _cli(capsys, "catalogue", "report", str(cat), "-o", str(target.with_suffix(".pdf"))
                          if target == notes else str(target))
        assert rc == 1, err
    assert notes.read_text() == "my own notes, not a PDF"
    assert cat.read_bytes() == before


def test_status_certified_when_the_register_holds_a_certificate(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "c.cdassess"
    with Assessment.create(f, organization="Org", project="P", assessor="t", target_level=1) as a, \
            a.store.batch("rate"):
        for r in a.model.requirements.values():
            if r.level <= 1:
                a.rate(r.id, "met")
    cat = str(tmp_path / "cat.sqlite")
    _cli(capsys, "lock", str(f), "--force")
    _cli(capsys, "catalogue", "add", cat, str(f))
    with Catalogue.open(cat, readonly=True) as c:
        assert c.assessments()[0]["status"] == "locked"
    rc, _, err = _cli(capsys, "report", "certificate", str(f), "-o", str(tmp_path / "cert.pdf"), "--level", "1")
    assert rc == 0, err
    rc, out, _ = _cli(capsys, "catalogue", "add", cat, str(f))
    assert out.strip() == "added 0, updated 1, skipped 0"
    with Catalogue.open(cat, readonly=True) as c:
        (row,) = c.assessments()
        assert (row["status"], row["certificates"]) == ("certified", 1)
