"""A non-editable install finds its banks and templates: build the wheel, install it into a fresh venv."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_in_a_fresh_venv(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(wheels.glob("quizgen-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    subprocess.run([bin_dir / "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    out = subprocess.run(
        [bin_dir / "quizgen", "solve", "--network", "alexnet"], cwd=elsewhere, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "62,378,344" in out.stdout

    where = subprocess.run(
        [
            bin_dir / "python",
            "-c",
            "import quizgen, quizgen.banks; print(quizgen.__file__); print(quizgen.banks.__file__)",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert str(ROOT) not in where.stdout, "the fresh venv must use the installed copy, not the checkout"

    version = subprocess.run(
        [bin_dir / "python", "-m", "quizgen", "--version"], cwd=elsewhere, capture_output=True, text=True
    )
    assert version.stdout.startswith("quizgen ")

    # the main job: templates and the default recipe come from the installed package
    sheet = subprocess.run(
        [bin_dir / "quizgen", "worksheet", "--format", "html"], cwd=elsewhere, capture_output=True, text=True
    )
    assert sheet.returncode == 0, sheet.stderr
    assert (elsewhere / "worksheets" / "worksheet.html").read_text(encoding="utf-8").count("Problem ") >= 10
    assert "<math" in (elsewhere / "worksheets" / "key.html").read_text(encoding="utf-8")

    # the Chinese catalogue ships with the package
    zh = subprocess.run(
        [bin_dir / "quizgen", "check", "--lang", "zh", "maxpool2d in=55x55x96 k=3 s=2", "--claim", "windows=196"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PATH": str(bin_dir), "PYTHONIOENCODING": "utf-8"},
    )
    assert zh.returncode == 1 and "通道" in zh.stdout, zh.stdout + zh.stderr
