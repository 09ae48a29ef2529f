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
