"""Nothing half-done: ``quizgen worksheet`` writes a whole class or leaves its folder as it was.

The failures are real ones, made the way a user meets them (the tests run as root, so a read-only folder
would not stop them):
- a target that cannot be a folder, because its parent is a regular file;
- a disk that fills up, injected in-process as ``OSError(ENOSPC)`` from the system call that writes;
- a file-size limit (``RLIMIT_FSIZE``) on a real process, which the kernel enforces with ``EFBIG``;
- Ctrl-C, sent as a terminal sends it (``SIGINT`` to the process group) to a real process mid-run.
Each time: one line, exit status 2, the target byte for byte as before, and no hidden folder left behind.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quizgen.problems.sheet import MAX_SHEETS


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too), by its path inside it."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    """Hidden staging folders beside or inside ``folder``."""
    places = [folder.parent, folder] if folder.is_dir() else [folder.parent]
    return [p.name for place in places for p in place.iterdir() if p.name.startswith(".quizgen-")]


@pytest.fixture
def earlier_class(run, tmp_path) -> Path:
    """A folder holding a class made earlier (seed 1), and a file of the teacher's own."""
    out = tmp_path / "class"
    r = run("worksheet", "--variants", "3", "--format", "html", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    (out / "notes.txt").write_text("marks due Friday\n", encoding="utf-8")
    return out


def one_line(stderr: str) -> str:
    assert stderr.count("\n") == 1 and stderr.startswith("Error: "), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    return stderr


def test_an_unwritable_target_is_refused_before_anything_is_drawn(run, tmp_path, monkeypatch):
    from quizgen.problems import sheet

    drawn = []
    real = sheet.build_sheet
    monkeypatch.setattr(sheet, "build_sheet", lambda *a, **k: drawn.append(1) or real(*a, **k))
    blocker = tmp_path / "report.txt"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    r = run("worksheet", "--variants", "5", "--format", "html", "-o", str(blocker / "class"))
    assert r.exit_code == 2
    assert one_line(r.stderr) == f"Error: -o {blocker / 'class'}: cannot write there (Not a directory)\n"
    assert drawn == [], "sheets were drawn before the target was found unwritable"
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder\n"
    assert leftovers(blocker) == []


def test_an_unwritable_target_is_refused_before_chromium_starts(tmp_path):
    """--format pdf: the refusal comes before any printing (a Chromium that logs each start never starts)."""
    log = tmp_path / "launches.log"
    wrapper = tmp_path / "chromium-logged"
    wrapper.write_text(f'#!/bin/sh\necho start >> "{log}"\nexec /usr/bin/chromium "$@"\n')
    wrapper.chmod(0o755)
    blocker = tmp_path / "report.txt"
    blocker.write_text("x\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "quizgen", "worksheet", "--variants", "3", "--format", "pdf", "-o", str(blocker / "c")],
        capture_output=True,
        text=True,
        env={**os.environ, "QUIZGEN_CHROMIUM": str(wrapper), "PYTHONIOENCODING": "utf-8"},
        timeout=300,
    )
    if "needs Playwright" in r.stderr or "needs pikepdf" in r.stderr:
        pytest.skip("the 'pdf' extra is not installed")
    assert r.returncode == 2
    assert one_line(r.stderr) == f"Error: -o {blocker / 'c'}: cannot write there (Not a directory)\n"
    assert not log.exists(), "Chromium started before the target was found unwritable"


def test_a_full_disk_leaves_the_earlier_class_as_it_was(run, earlier_class, monkeypatch):
    before = snapshot(earlier_class)
    budget = [300_000]  # the disk fills after 300 KB: several sheets in, before the key
    real_write = os.write

    def write(fd: int, data) -> int:  # type: ignore[no-untyped-def]
        budget[0] -= len(data)
        if budget[0] < 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    r = run("worksheet", "--variants", "6", "--seed", "2", "--format", "html", "--force", "-o", str(earlier_class))
    monkeypatch.setattr(os, "write", real_write)
    assert r.exit_code == 2
    line = one_line(r.stderr)
    assert line.startswith(f"Error: -o {earlier_class}: cannot write ")
    assert line.endswith("(No space left on device); nothing was changed\n")
    assert snapshot(earlier_class) == before
    assert leftovers(earlier_class) == []


def test_a_file_that_cannot_be_moved_into_place_puts_back_the_ones_already_moved(run, tmp_path):
    """The files are moved into the folder one by one (the folder exists); when one cannot be (here ``key-figures``
    is a file, so the key's figures have no folder to go to), those already moved give way to what was there."""
    out = tmp_path / "sheet"
    out.mkdir()
    (out / "worksheet.md").write_text("my own notes\n", encoding="utf-8")
    (out / "key-figures").write_text("not a folder\n", encoding="utf-8")
    before = snapshot(out)
    r = run("worksheet", "--format", "md", "--seed", "4", "--force", "-o", str(out))
    assert r.exit_code == 2
    assert (
        one_line(r.stderr) == f"Error: -o {out}: cannot move the files into place (File exists); nothing was changed\n"
    )
    assert snapshot(out) == before  # worksheet.md as it was; no figures/ folder, no key.md
    assert sorted(p.name for p in out.iterdir()) == ["key-figures", "worksheet.md"]
    assert leftovers(out) == []


def test_a_file_size_limit_on_a_real_process_leaves_no_half_written_class(tmp_path):
    """The kernel refuses a write past RLIMIT_FSIZE with EFBIG (Python ignores SIGXFSZ): a key larger than the
    limit fails after the sheets, which are smaller, were written."""
    out = tmp_path / "class"

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000))

    r = subprocess.run(
        [sys.executable, "-m", "quizgen", "worksheet", "--variants", "6", "--format", "html", "-o", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=300,
    )
    assert r.returncode == 2, r.stderr
    assert one_line(r.stderr).endswith("(File too large); nothing was changed\n")
    assert not out.exists()
    assert leftovers(out) == []


def _interrupt(args: list[str], cwd: Path, wait_for: str) -> tuple[subprocess.CompletedProcess, int]:
    """Run quizgen in a session of its own, and once a staged file matching ``wait_for`` exists, press
    Ctrl-C (SIGINT to the whole process group, as a terminal does).  Returns the run and its group's id."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "quizgen", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if list(cwd.rglob(f".quizgen-*/{wait_for}")):
            break
        time.sleep(0.02)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), proc.pid


def test_ctrl_c_while_a_large_class_is_drawn_leaves_the_folder_as_it_was(earlier_class):
    """60 sheets are drawn by a pool of processes; Ctrl-C reaches every one of them."""
    before = snapshot(earlier_class)
    r, _group = _interrupt(
        ["worksheet", "--variants", "60", "--seed", "3", "--format", "html", "--force", "-o", "class"],
        earlier_class.parent,
        "worksheet-05.html",
    )
    assert r.returncode == 2, r.stderr
    assert one_line(r.stderr) == "Error: -o class: interrupted; nothing was changed\n"
    assert r.stdout == ""
    assert snapshot(earlier_class) == before
    assert leftovers(earlier_class) == []


def test_ctrl_c_while_a_class_is_printed_leaves_no_folder_and_no_chromium(tmp_path):
    pytest.importorskip("playwright.async_api")
    pytest.importorskip("pikepdf")
    r, group = _interrupt(
        ["worksheet", "--variants", "6", "--format", "pdf", "-o", "class"], tmp_path, "worksheet-1.pdf"
    )
    assert r.returncode == 2, r.stderr
    assert one_line(r.stderr) == "Error: -o class: interrupted; nothing was changed\n"
    assert not (tmp_path / "class").exists()
    assert leftovers(tmp_path / "class") == []
    time.sleep(1)  # Chromium's helpers end once the browser has
    alive = subprocess.run(["pgrep", "-g", str(group)], capture_output=True, text=True).stdout
    assert alive == "", f"processes of the run outlived it: {alive}"


def test_ctrl_c_while_one_large_sheet_is_drawn_ends_its_second_process_too(tmp_path):
    """A sheet of 48 problems or more has a second process draw its figures meanwhile
    (``quizgen.render.figures_ahead``); Ctrl-C while the problems are drawn ends both, with one line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "quizgen", "worksheet", "--kind", "spot-error", "--kind", "pool-ops"]
        + ["--problems", "600", "--format", "md", "-o", "big"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "QUIZGEN_WORKERS": "2"},
    )
    deadline, members = time.monotonic() + 60, ""
    while time.monotonic() < deadline and proc.poll() is None:
        members = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout
        if len(members.split()) >= 2:  # the second process has started: the sheet is being drawn
            break
        time.sleep(0.02)
    assert proc.poll() is None and len(members.split()) >= 2, f"no second process while drawing: {members!r}"
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert one_line(err) == "Error: -o big: interrupted; nothing was changed\n"
    assert out == ""
    assert not (tmp_path / "big").exists()
    assert leftovers(tmp_path / "big") == []
    time.sleep(0.5)
    alive = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout
    assert alive == "", f"processes of the run outlived it: {alive}"


def test_more_variants_than_the_limit_are_refused_at_once(run, tmp_path):
    r = run("worksheet", "--variants", "100000", "-o", str(tmp_path / "out"))
    assert r.exit_code == 2
    assert one_line(r.stderr).startswith(f"Error: --variants 100000: at most {MAX_SHEETS} sheets are made in one run")
    assert not (tmp_path / "out").exists()
    r = run("worksheet", "--variants", str(MAX_SHEETS + 1), "-o", str(tmp_path / "out"))
    assert r.exit_code == 2 and f"--variants {MAX_SHEETS + 1}: at most {MAX_SHEETS} sheets" in r.stderr


def test_a_roster_longer_than_the_limit_is_refused_naming_the_limit(run, tmp_path):
    roster = tmp_path / "year.csv"
    roster.write_text("id,name\n" + "".join(f"{i},Student {i}\n" for i in range(MAX_SHEETS + 1)), encoding="utf-8")
    r = run("worksheet", "--roster", str(roster), "-o", str(tmp_path / "out"))
    assert r.exit_code == 2
    assert one_line(r.stderr) == (
        f"Error: --roster {roster}: {MAX_SHEETS + 1} students; at most {MAX_SHEETS} sheets are made in one run "
        f"(memory grows with every sheet); split the roster into files of at most {MAX_SHEETS} students\n"
    )
    assert not (tmp_path / "out").exists()
