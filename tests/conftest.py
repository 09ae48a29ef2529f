"""Shared fixtures: run the real CLI in-process (CliRunner) or as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import cli

ROOT = Path(__file__).resolve().parent.parent


class Run:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code, self.stdout, self.stderr = exit_code, stdout, stderr


@pytest.fixture
def run():
    """Invoke ``quizgen ARGS`` through click's CliRunner; stdout and stderr kept apart."""

    def invoke(*args: str, input: str | None = None) -> Run:
        result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def sh():
    """Run ``python -m quizgen ARGS`` as a real process."""

    def invoke(*args: str, input: str | None = None, cwd: Path | None = None) -> Run:
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        env.pop("QUIZGEN_DEBUG", None)
        proc = subprocess.run(
            [sys.executable, "-m", "quizgen", *args],
            input=input,
            capture_output=True,
            text=True,
            cwd=cwd,
            env=env,
            timeout=120,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return invoke


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="Rewrite tests/golden/ from the current output.")


@pytest.fixture
def golden(request):
    """Compare text with tests/golden/NAME; ``pytest --update-golden`` rewrites the file instead."""
    update = request.config.getoption("--update-golden")

    def compare(name: str, text: str) -> None:
        path = ROOT / "tests" / "golden" / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"missing golden file {path}; run pytest --update-golden and review the diff"
        assert text == path.read_text(encoding="utf-8"), (
            f"{name} differs from its golden file; if the change is "
            "intended, run pytest --update-golden and review the diff"
        )

    return compare


@pytest.fixture(autouse=True)
def _language_restored():
    """The CLI sets the process's language (``--lang zh`` through CliRunner); no test may leave it set."""
    yield
    from quizgen.i18n import language, set_language

    if language() != "en":
        set_language("en")
