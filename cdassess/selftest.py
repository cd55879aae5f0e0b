"""``cdassess --selftest``: run every file format through a temporary assessment and say what worked.

Meant for the assessor's laptop (and the frozen build): it needs no network, touches none of the user's data
(a temporary folder serves as the user data directory, so even the signing key is a throw-away one), and
exits 0 only when every step passed. Each step calls the same public functions the CLI handlers call.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from cdassess import __version__
from cdassess.errors import CdassessError

if TYPE_CHECKING:
    from cdassess.services import Assessment

ACTOR = "selftest"
EVIDENCE_TEXT = "流水线配置截图说明 / pipeline configuration notes\nbuild #42 green\n".encode()


class StepFailedError(Exception):
    """A step ran but its result was wrong; the message says what was expected."""


class NotAvailableError(Exception):
    """A module the step needs is not part of this build."""


@dataclass
class Context:
    """What the steps share: the temporary folder, the open assessment and the files written so far."""

    folder: Path
    assessment: Assessment | None = None
    files: dict[str, Path] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def a(self) -> Assessment:
        if self.assessment is None:
            raise StepFailedError("no assessment (the step that creates it failed)")
        return self.assessment


@dataclass(frozen=True)
class Step:
    title: str
    run: Callable[[Context], str]
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    title: str
    state: str  # "ok", "FAILED", "not available", "skipped"
    detail: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def _require(module: str) -> Any:
    """Import a module of this program, or raise NotAvailableError when this build does not have it."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise NotAvailableError(f"{module} is not part of this build") from None
        raise


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailedError(message)


# ------------------------------------------------------------------------------------------ steps


def step_environment(ctx: Context) -> str:
    from cdassess.paths import resources_dir

    res = resources_dir()
    models = sorted(p.name for p in (res / "models").glob("*.json")) if (res / "models").is_dir() else []
    fonts = sorted(p.name for p in (res / "fonts").glob("*.tt[cf]")) if (res / "fonts").is_dir() else []
    _check(bool(models), f"no built-in model in {res / 'models'}")
    _check(bool(fonts), f"no font in {res / 'fonts'} (reports need a CJK font)")
    return f"resources in {res}: {len(models)} model(s), font {', '.join(fonts)}"


def step_create(ctx: Context) -> str:
    from cdassess.library import ModelLibrary
    from cdassess.services import Assessment

    model = ModelLibrary().builtin()
    ctx.assessment = Assessment.create(ctx.folder / "selftest.cdassess", organization="自检组织 Self-test Org",
                                       project="持续交付 Self-test", target_level=2, model=model,
                                       assessor=ACTOR, scope="self-test")
    return f"{model.id} {model.version}: {len(model.requirements)} requirements, target level 2"


def step_rate(ctx: Context) -> str:
    a = ctx.a
    model = a.model
    first = model.min_level
    reqs = list(model.iter_requirements(first))
    with a.store.batch("self-test ratings"):
        for req in reqs:
            a.rate(req.id, "met", note="自检 self-test")
        upper = [r for r in model.iter_requirements(first + 1) if r.level > first]
        _check(len(upper) >= 3, "the built-in model has fewer than 3 requirements above level 1")
        a.rate(upper[0].id, "partial", note="部分满足")
        a.rate(upper[1].id, "not_met")
        a.rate(upper[2].id, "na", justification="不适用 not applicable to the self-test")
    levels = a.levels()
    _check(levels.overall == first, f"overall level is {levels.overall}; expected {first} after rating every "
                                    f"level-{first} requirement met and a level-{first + 1} one not met")
    ctx.values["rated"] = len(reqs) + 3
    return f"{len(reqs) + 3} ratings (all level-{first} met, a partial, a not met, an N/A); overall level " \
           f"{levels.overall}"


def step_evidence(ctx: Context) -> str:
    a = ctx.a
    src = ctx.folder / "pipeline-notes.txt"
    src.write_bytes(EVIDENCE_TEXT)
    req_ids = [r.id for r in a.model.iter_requirements(a.model.min_level)][:2]
    evidence, added = a.add_evidence_file(src, req_ids, provided_by="self-test", description="自检证据")
    _check(added, "the evidence was not added")
    _check(evidence.sha256 == hashlib.sha256(EVIDENCE_TEXT).hexdigest(), "stored SHA-256 differs from the file's")
    out = ctx.folder / "extracted"
    out.mkdir()
    back = a.extract_evidence(evidence.id, out)
    _check(back.read_bytes() == EVIDENCE_TEXT, "the extracted evidence differs from the attached file")
    return f"{evidence.original_name} ({evidence.size} bytes) linked to {', '.join(req_ids)}, extracted back intact"


def step_questionnaire_export(ctx: Context) -> str:
    xlsx = _require("cdassess.xlsx.questionnaire")
    path = ctx.folder / "questionnaire.xlsx"
    xlsx.export_questionnaire(ctx.a, path, max_level=ctx.a.meta.target_level)
    _check(path.is_file() and path.read_bytes()[:2] == b"PK", f"{path.name} is not an xlsx file")
    ctx.files["questionnaire"] = path
    n = sum(1 for _ in ctx.a.model.iter_requirements(ctx.a.meta.target_level))
    return f"{path.name}: {n} requirements up to level {ctx.a.meta.target_level} ({path.stat().st_size} bytes)"


def _fill_questionnaire(path: Path) -> dict[str, str]:
    """Answer the questionnaire the way the assessed team would (openpyxl, synonyms); return id -> status."""
    from openpyxl import load_workbook

    from cdassess.xlsx.questionnaire import SHEET

    wb = load_workbook(path)
    ws = wb[SHEET]
    header = {str(c.value or "").split("\n")[-1].strip().lower(): c.column for c in ws[1]}
    id_col, claim_col = header.get("id"), header.get("self-assessment")
    ev_col = header.get("evidence description")
    _check(id_col is not None and claim_col is not None and ev_col is not None,
           f"questionnaire header lacks ID / Self-assessment / Evidence description: {sorted(header)}")
    answers = {"Y": "met", "部分": "partial", "否": "not_met", "满足 / Met": "met"}
    expected: dict[str, str] = {}
    for row, word in zip(range(2, 2 + len(answers)), answers, strict=True):
        req_id = str(ws.cell(row, id_col).value)
        ws.cell(row, claim_col).value = word
        ws.cell(row, ev_col).value = f"自评证据 evidence for {req_id}"
        expected[req_id] = answers[word]
    wb.save(path)
    return expected


def step_questionnaire_import(ctx: Context) -> str:
    xlsx = _require("cdassess.xlsx.questionnaire")
    _check(_require("cdassess.xlsx.calread").available(),
           "python-calamine (the fast sheet reader) cannot be imported; imports fall back to the slower reader")
    path = ctx.files["questionnaire"]
    expected = _fill_questionnaire(path)
    preview = xlsx.read_questionnaire(ctx.a, path)
    if preview.problems:
        raise StepFailedError("; ".join(str(p.cells()) for p in preview.problems[:3]))
    preview.apply(ctx.a)
    claims = ctx.a.claims()
    got = {k: str(claims[k].status) for k in expected if k in claims}
    _check(got == expected, f"claims after import {got}; expected {expected}")
    return f"{len(expected)} answers (Y, 部分, 否, dropdown) read back as claims: {preview.summary()}"


def step_workbook_roundtrip(ctx: Context) -> str:
    xlsx = _require("cdassess.xlsx")
    path = ctx.folder / "workbook.xlsx"
    xlsx.export_workbook(ctx.a, path)
    preview = xlsx.read_workbook(ctx.a, path)
    _check(not preview.problems, f"problems reading the unchanged workbook: {preview.problems[:3]}")
    _check(not preview.changes, f"an unchanged workbook would change {len(preview.changes)} field(s), e.g. "
                                f"{preview.changes[:2]}")
    return f"{path.name} exported and read back: no changes ({preview.rows_read} rows)"


def step_gap_plan(ctx: Context) -> str:
    xlsx = _require("cdassess.xlsx")
    path = ctx.folder / "gap-plan.xlsx"
    xlsx.export_gap_plan(ctx.a, path)
    n = sum(len(g.requirements) for g in ctx.a.gaps())
    _check(path.is_file() and path.read_bytes()[:2] == b"PK", f"{path.name} is not an xlsx file")
    return f"{path.name}: {n} gaps to level {ctx.a.meta.target_level}"


def step_gap_report(ctx: Context) -> str:
    gap = _require("cdassess.reports.gap")
    path = ctx.folder / "gap-report.pdf"
    pages = gap.write_gap_report(ctx.a, path, lang="both")
    _check(path.read_bytes()[:5] == b"%PDF-", f"{path.name} is not a PDF")
    _check(int(pages) >= 1, f"{path.name} has {pages} pages")
    return f"{path.name}: {pages} pages ({path.stat().st_size // 1024} KB)"


def step_lock(ctx: Context) -> str:
    ctx.a.lock()
    _check(ctx.a.meta.locked, "the assessment is not locked after lock()")
    return f"results digest {ctx.a.meta.frozen_digest[:16]}..." if ctx.a.meta.frozen_digest else "locked"


def step_certificate(ctx: Context) -> str:
    cert = _require("cdassess.reports.certificate")
    path = ctx.folder / "certificate.pdf"
    level = ctx.a.levels().overall
    signed = cert.write_certificate(ctx.a, path, level=level)
    _check(path.read_bytes()[:5] == b"%PDF-", f"{path.name} is not a PDF")
    ctx.files["certificate"] = path
    ctx.values["certificate"] = signed.facts
    return f"{path.name}: level {level}, number {signed.facts.get('no')}, signed by key {signed.facts.get('key')}"


def step_verify(ctx: Context) -> str:
    """What ``cdassess verify CERT.pdf`` does: read the code, check the signature and the printed facts."""
    cert = _require("cdassess.reports.certificate")
    signing = _require("cdassess.signing")
    path = ctx.files["certificate"]
    code = cert.code_from_pdf(path)
    verified = signing.verify_code(code, signing.KeyStore())
    issued: dict[str, Any] = ctx.values["certificate"]
    _check(verified.facts == issued, "the verified facts differ from the issued ones")
    _check(verified.facts.get("type") == cert.STATEMENT_TYPE, f"statement type {verified.facts.get('type')!r}")
    _check(verified.facts.get("digest") == ctx.a.meta.frozen_digest,
           "the certificate's digest is not the digest frozen in the assessment")
    printed = "printed facts not compared (pypdf missing)"
    if importlib.util.find_spec("pypdf") is not None:
        mismatch = cert.check_printed_facts(path, verified.facts)
        _check(not mismatch, f"the printed certificate does not match its signed statement: {mismatch}")
        printed = "printed facts match"
    tampered = code[:-6] + ("A" if code[-6] != "A" else "B") + code[-5:]
    try:
        signing.verify_code(tampered)
    except signing.VerificationError:
        pass
    else:
        raise StepFailedError("a code with one character changed still verified")
    return f"signature valid (own key {verified.key.key_id}); {printed}; a changed code is rejected"


def step_check(ctx: Context) -> str:
    from cdassess.services import Assessment

    problems = ctx.a.check()
    _check(not problems, "; ".join(str(p) for p in problems[:5]))
    path = ctx.a.path
    ctx.a.close()
    ctx.assessment = None
    with Assessment.open(path, readonly=True, actor=ACTOR) as again:
        problems = again.check()
        _check(not problems, "after reopening: " + "; ".join(str(p) for p in problems[:5]))
        _check(again.meta.locked, "the lock did not survive closing and reopening the file")
        n = len(again.ratings())
    return f"{path.name}: no problems; reopened read-only with {n} ratings, still locked"


STEPS: tuple[Step, ...] = (
    Step("environment: resources found", step_environment),
    Step("create an assessment on the built-in model", step_create),
    Step("rate requirements", step_rate, ("create",)),
    Step("attach evidence and extract it back", step_evidence, ("create",)),
    Step("export the questionnaire (Excel)", step_questionnaire_export, ("create",)),
    Step("import the filled-in questionnaire", step_questionnaire_import, ("questionnaire",)),
    Step("full workbook: export and read back unchanged", step_workbook_roundtrip, ("create",)),
    Step("export the gap plan (Excel)", step_gap_plan, ("create",)),
    Step("write the gap report (PDF)", step_gap_report, ("rate",)),
    Step("lock the assessment", step_lock, ("rate",)),
    Step("issue the certificate (PDF, signed)", step_certificate, ("lock",)),
    Step("verify the certificate", step_verify, ("certificate",)),
    Step("check the assessment file", step_check, ("create",)),
)
# The desktop's own step (Qt, translations, the window's code) is ui.selftest_desktop.DESKTOP_STEP: the
# ``cdassess`` launcher (ui.entry) appends it; the engine never imports Qt or ui.
# Which step provides what a later step needs.
_PROVIDES = {"create": "create an assessment on the built-in model", "rate": "rate requirements",
             "questionnaire": "export the questionnaire (Excel)", "lock": "lock the assessment",
             "certificate": "issue the certificate (PDF, signed)"}


@contextmanager
def _temporary_home() -> Iterator[Path]:
    """A temporary folder that is also the user data directory while the self-test runs."""
    folder = Path(tempfile.mkdtemp(prefix="cdassess-selftest-"))
    saved = {k: os.environ.get(k) for k in ("CDASSESS_HOME", "CDASSESS_USER")}
    os.environ["CDASSESS_HOME"] = str(folder / "home")
    os.environ["CDASSESS_USER"] = ACTOR
    try:
        yield folder
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(folder, ignore_errors=True)


def _run_step(step: Step, ctx: Context, failed: set[str]) -> Outcome:
    blocked = [_PROVIDES[n] for n in step.needs if _PROVIDES[n] in failed]
    if blocked:
        return Outcome(step.title, "skipped", f"needs: {blocked[0]}", 0.0)
    started = time.perf_counter()
    try:
        detail = step.run(ctx)
        state = "ok"
    except NotAvailableError as exc:
        state, detail = "not available", str(exc)
    except (StepFailedError, CdassessError) as exc:
        state, detail = "FAILED", str(exc)
    except Exception as exc:  # a bug: keep the traceback, it is what a bug report needs
        tb = traceback.format_exc(limit=8).rstrip().replace("\n", "\n        ")
        state, detail = "FAILED", f"{type(exc).__name__}: {exc}\n        {tb}"
    return Outcome(step.title, state, detail, time.perf_counter() - started)


def run_selftest(out: TextIO | None = None, steps: tuple[Step, ...] = STEPS) -> int:
    """Run the self-test, printing each step with ok/FAILED; 0 when every step passed, else 1."""
    stream = out if out is not None else sys.stdout
    frozen = ", frozen" if getattr(sys, "frozen", False) else ""

    def say(text: str) -> None:
        print(text, file=stream, flush=True)

    say(f"cdassess {__version__} self-test (Python {platform.python_version()}, {sys.platform}{frozen})")
    outcomes: list[Outcome] = []
    failed: set[str] = set()
    with _temporary_home() as folder:
        say(f"working in {folder} (a temporary folder, removed afterwards; your own data is not touched)")
        ctx = Context(folder)
        try:
            for step in steps:
                outcome = _run_step(step, ctx, failed)
                outcomes.append(outcome)
                if not outcome.ok:
                    failed.add(step.title)
                mark = "ok" if outcome.ok else outcome.state
                say(f"  [{mark:^6}] {step.title} ({outcome.seconds:.1f} s): {outcome.detail}"
                    if outcome.ok or outcome.state != "skipped" else f"  [{mark:^6}] {step.title}: "
                    f"{outcome.detail}")
        finally:
            if ctx.assessment is not None:
                ctx.assessment.close()
    passed = sum(o.ok for o in outcomes)
    if passed == len(outcomes):
        say(f"self-test passed: all {passed} steps ok")
        return 0
    say(f"self-test FAILED: {passed} of {len(outcomes)} steps ok; "
        f"not ok: {', '.join(o.title for o in outcomes if not o.ok)}")
    return 1
