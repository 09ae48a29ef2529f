"""A class as PDF: each page laid out once, and the class's files made of the sheets' own pages.

``all-sheets.pdf`` must hold exactly the pages of the students' ``worksheet-….pdf`` (the same content
streams, not the same text printed again), and the class's ``key.pdf`` exactly the pages of each sheet's key
as ``--code CODE`` prints it alone.  The pages are read with pikepdf (Chromium wrote them; the comparison
is of Chromium's bytes) and their text with poppler, as in tests/test_pdf.py.  The speed this buys is
measured by ``python benchmarks/pdf.py``, not here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from test_pdf import CODE, page_text, pages, printing, quizgen  # noqa: F401  (printing: a fixture)

pikepdf = pytest.importorskip("pikepdf")


def contents(path: Path) -> list[bytes]:
    """Each page's content stream (what Chromium drew on it), decompressed."""
    with pikepdf.Pdf.open(path) as pdf:
        out = []
        for page in pdf.pages:
            streams = page.obj.Contents
            parts = list(streams) if isinstance(streams, pikepdf.Array) else [streams]
            out.append(b"".join(s.read_bytes() for s in parts))
        return out


@pytest.fixture(scope="module")
def klass(printing, tmp_path_factory) -> tuple[Path, Path]:  # noqa: F811
    """--variants 2, printed by a Chromium that logs each start, and the same command again."""
    out = tmp_path_factory.mktemp("pdf-class")
    log = out / "launches.log"
    wrapper = out / "chromium-logged"
    wrapper.write_text(f'#!/bin/sh\necho start >> "{log}"\nexec /usr/bin/chromium "$@"\n')
    wrapper.chmod(0o755)
    for name in ("a", "b"):
        r = quizgen(
            "worksheet", "--seed", "5", "--variants", "2", "--format", "pdf", "-o", str(out / name),
            env={"QUIZGEN_CHROMIUM": str(wrapper)},
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
    return out, log


def sheet_codes(folder: Path) -> list[str]:
    return [re.search(CODE, page_text(folder / f"worksheet-{i}.pdf", 1))[0] for i in (1, 2)]


def test_all_sheets_pdf_is_the_sheets_own_pages(klass):
    out, _log = klass
    own = contents(out / "a" / "worksheet-1.pdf") + contents(out / "a" / "worksheet-2.pdf")
    joined = contents(out / "a" / "all-sheets.pdf")
    assert len(joined) == len(own) == pages(out / "a" / "worksheet-1.pdf") + pages(out / "a" / "worksheet-2.pdf")
    for n, (page, sheet_page) in enumerate(zip(joined, own), start=1):
        assert page == sheet_page, f"all-sheets.pdf page {n} was laid out again, not taken from the sheet's PDF"


def test_the_class_key_is_each_sheets_key_as_printed_alone(klass, tmp_path):
    out, _log = klass
    alone: list[bytes] = []
    for code in sheet_codes(out / "a"):
        r = quizgen("worksheet", "--code", code, "--format", "pdf", "-o", str(tmp_path / code))
        assert r.returncode == 0, r.stderr
        alone += contents(tmp_path / code / "key.pdf")
    assert contents(out / "a" / "key.pdf") == alone


def test_a_class_is_printed_by_one_chromium_and_gives_the_same_bytes_every_run(klass):
    out, log = klass
    assert log.read_text().splitlines() == ["start", "start"], "one Chromium per run (two runs here)"
    names = sorted(p.name for p in (out / "a").iterdir())
    assert names == sorted(["worksheet-1.pdf", "worksheet-2.pdf", "key.pdf", "all-sheets.pdf", "grid.pdf", "grid.csv"])
    for name in names:
        assert (out / "a" / name).read_bytes() == (out / "b" / name).read_bytes(), name


def test_a_progress_bar_on_a_terminal_and_nothing_when_piped(printing, tmp_path):  # noqa: F811
    pexpect = pytest.importorskip("pexpect")
    args = ["-m", "quizgen", "worksheet", "--variants", "2", "--format", "pdf"]
    child = pexpect.spawn(sys.executable, [*args, "-o", str(tmp_path / "tty")], encoding="utf-8", timeout=300)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    # two sheets and their keys, and the grid: five pages printed, the bar at 5/5
    assert re.search(r"PDF\s.*100%", child.before), child.before
    piped = quizgen(*args[2:], "-o", str(tmp_path / "piped"))
    assert piped.returncode == 0 and piped.stderr == ""
