"""``cdassess --selftest`` from source, and the self-test runner's reporting (ok / FAILED / not available)."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest
from packhelpers import ROOT, clean_env, files_under, run

from cdassess import selftest
from cdassess.selftest import Context, NotAvailableError, Step, StepFailedError, run_selftest
from ui.selftest_desktop import DESKTOP_STEP

STEP_LINE = re.compile(r"^  \[\s*(ok|FAILED|not available)\s*\] (.+?) \([\d.]+ s\): ")


def test_selftest_from_source_passes_every_step_and_leaves_home_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = run([sys.executable, "-m", "ui", "--selftest"],
                 clean_env(home, PYTHONPATH=str(ROOT)), cwd=tmp_path, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    steps = [m.groups() for line in lines if (m := STEP_LINE.match(line))]
    every = (*selftest.STEPS, DESKTOP_STEP)  # the cdassess command adds the desktop's step to the engine's
    assert [title for _, title in steps] == [s.title for s in every]
    assert {state for state, _ in steps} == {"ok"}
    assert lines[-1] == f"self-test passed: all {len(every)} steps ok"
    out = result.stdout
    assert "240 requirements" in out and "read back as claims" in out and "printed facts match" in out
    assert files_under(home) == []  # the key pair, the model library, everything went to the temporary folder
    assert not Path(re.search(r"working in (\S+)", out).group(1)).exists()  # type: ignore[union-attr]


def _steps_ok(ctx: Context) -> str:
    return "fine"


def _steps_broken(ctx: Context) -> str:
    raise StepFailedError("the numbers do not add up")


def _steps_missing(ctx: Context) -> str:
    raise NotAvailableError("cdassess.reports.gap is not part of this build")


def _steps_bug(ctx: Context) -> str:
    return str(1 / 0)


def test_runner_reports_failed_missing_and_skipped_steps_and_exits_1() -> None:
    steps = (
        Step("environment: resources found", _steps_ok),
        Step("create an assessment on the built-in model", _steps_broken),
        Step("rate requirements", _steps_ok, ("create",)),
        Step("write the gap report (PDF)", _steps_missing),
        Step("a bug", _steps_bug),
    )
    out = io.StringIO()
    assert run_selftest(out, steps) == 1
    text = out.getvalue()
    assert re.search(r"\[\s*ok\s*\] environment: resources found \([\d.]+ s\): fine", text)
    assert re.search(r"\[FAILED\] create an assessment .*: the numbers do not add up", text)
    assert "[skipped] rate requirements: needs: create an assessment on the built-in model" in text
    assert "[not available] write the gap report (PDF)" in text
    assert "ZeroDivisionError: division by zero" in text and "Traceback" in text
    assert text.splitlines()[-1].startswith("self-test FAILED: 1 of 5 steps ok; not ok: create an assessment")


def test_runner_uses_a_temporary_home_and_restores_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    monkeypatch.setenv("CDASSESS_HOME", str(tmp_path / "mine"))
    seen: dict[str, str] = {}

    def look(ctx: Context) -> str:
        seen["home"] = os.environ["CDASSESS_HOME"]
        seen["folder"] = str(ctx.folder)
        return "looked"

    out = io.StringIO()
    assert run_selftest(out, (Step("look", look),)) == 0
    assert seen["home"] == str(Path(seen["folder"]) / "home")
    assert os.environ["CDASSESS_HOME"] == str(tmp_path / "mine")
    assert not Path(seen["folder"]).exists()
    assert not (tmp_path / "mine").exists()
