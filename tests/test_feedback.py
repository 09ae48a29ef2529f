"""Feedback that fits the actual mistake, the same in ``check``, the drill and the practice page (issue 21,
items 5-8), and the drill's text on a narrow terminal (item 10).

The layers are fixed in a problem bank, so the three tools meet the same problems; every right value and
every wrong one is worked out by hand in the comments:

- ``maxpool2d in=16x16x512 k=3 s=2 ceil=true``: ceil((16 - 3)/2) + 1 = ceil(6.5) + 1 = 8, so 8 × 8 × 512.
  Floor mode gives floor(6.5) + 1 = 7; ceil mode without the + 1 gives ceil(6.5) = 7 too: two causes.
- ``conv2d in=28x28x96 out=192 k=5 p=2``: weights 5·5·96·192 = 460,800, params 460,800 + 192 = 460,992,
  which is 461.0k to 4 figures; ``460.9k`` cuts it off.  (One bias per input channel, 460,800 + 96 =
  460,896, also rounds to 460.9k: the cut-off is said first.)  MACs: 460,800 · 28·28 = 361,267,200.
- ``conv2d in=24x24x1 out=16 k=3``: (24 - 3)/1 + 1 = 22, so 22 × 22 × 16; ``22x22x1`` keeps the input's 1 channel.
- ``conv2d in=122x127x3 out=64 k=3 s=2``: floor((122 - 3)/2) + 1 = floor(59.5) + 1 = 60 and
  (127 - 3)/2 + 1 = 63: 60 × 63 × 64; ``60.5x63x64`` is the division left unfloored.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BANK = """\
bank: feedback
title: Feedback
problems:
  - id: ceil
    spec: maxpool2d in=16x16x512 k=3 s=2 ceil=true
    ask: [output]
  - id: params
    spec: conv2d in=28x28x96 out=192 k=5 p=2
    ask: [params, macs]
  - id: channels
    spec: conv2d in=24x24x1 out=16 k=3
    ask: [output]
  - id: fraction
    spec: conv2d in=122x127x3 out=64 k=3 s=2
    ask: [output]
"""

#: (part id on the page, the answer typed, what the feedback must say, what it must not)
ANSWERS = [
    (
        "1.1",
        "7x7x512",
        ["floor was used, but ceil_mode=True rounds up", "Another mistake gives the same value: the + 1 is missing"],
        [],
    ),
    ("2.1", "460.9k", ["460.9k cuts the value off instead of rounding it"], ["bias per input", "460,900"]),
    ("2.2", "322M", ["322M is not right."], ["322,000,000"]),
    ("3.1", "22x22x1", ["the channels were taken from the input (1)", "out=16 channels"], []),
    ("4.1", "60.5x63x64", ["60.5 × 63 × 64: the fraction was kept"], ["couldn't read"]),
]


@pytest.fixture(scope="module")
def recipe(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("feedback")
    (folder / "bank.yaml").write_text(BANK, encoding="utf-8")
    path = folder / "recipe.yaml"
    path.write_text(f"recipe: feedback\nsections:\n  - bank: {folder / 'bank.yaml'}\n", encoding="utf-8")
    return path


def env() -> dict[str, str]:
    import os

    e = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "QUIZGEN_HOME", "QUIZGEN_LANG")}
    return {**e, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}


# --- quizgen check ------------------------------------------------------------------------------------


def test_check_names_both_causes_the_ceil_mode_first(run):
    r = run("check", "maxpool2d in=16x16x512 k=3 s=2 ceil=true", "--claim", "output=7x7x512")
    assert r.exit_code == 1
    assert "the right value is 8x8x512" in r.stdout
    assert 0 < r.stdout.index("ignored-ceil-mode —") < r.stdout.index("forgot-plus-one —"), r.stdout


def test_check_says_a_cut_off_before_the_misconception(run):
    r = run("check", "conv2d in=28x28x96 out=192 k=5 p=2", "--claim", "params=460.9k")
    lines = r.stdout.splitlines()
    assert lines[1].startswith("✗ params = 460.9k is wrong; the right value is 460,992.")
    assert lines[2].strip().startswith("460.9k cuts the value off instead of rounding it"), r.stdout


def test_check_names_the_input_channels_and_reads_a_fractional_shape(run):
    r = run("check", "conv2d in=24x24x1 out=16 k=3", "--claim", "output=22x22x1")
    assert "channels-from-input — the channels were taken from the input (1)" in r.stdout
    r = run("check", "conv2d in=122x127x3 out=64 k=3 s=2", "--claim", "output=60.5x63x64")
    assert r.exit_code == 1, r.stderr  # read and judged, not refused as unreadable
    assert "the right value is 60x63x64" in r.stdout and "no-floor — the fraction was kept" in r.stdout


# --- the drill ------------------------------------------------------------------------------------------


def test_the_drill_says_what_check_says(recipe):
    from quizgen.drill.progress import Progress
    from quizgen.drill.session import Drill, Finish
    from quizgen.problems import sheet as worksheet
    from quizgen.problems.bank import load_recipe

    problems = worksheet.build_sheet(load_recipe(str(recipe)), 1).problems
    typed = {pid: text for pid, text, _say, _not in ANSWERS}
    for n, problem in enumerate(problems, start=1):
        for i, part in enumerate(problem.parts, start=1):
            pid = f"{n}.{i}"
            answers = iter([typed.get(pid, "s"), "s"])
            said: list[str] = []

            def read(_prompt: str, answers=answers) -> str:
                try:
                    return next(answers)
                except StopIteration:
                    raise Finish from None

            drill = Drill(Progress(":memory:", defer=True), read=read, write=said.append)
            drill.ask_part(problem, part, "a")
            out = "".join(said)
            for want in next((w for p, _t, w, _n in ANSWERS if p == pid), []):
                assert want in out, (pid, out)
            for unwanted in next((w for p, _t, _w, w in ANSWERS if p == pid), []):
                assert unwanted not in out, (pid, out)


def drill_session(*args: str, answers: str = "", columns: int | None = None, lang: str = "en") -> str:
    """A drill's whole text: piped (``columns=None``), or on a pty of ``columns`` columns (pexpect)."""
    argv = ["-m", "quizgen", "drill", "--lang", lang, "--no-figures", *args]
    if columns is None:
        return subprocess.run(
            [sys.executable, *argv], input=answers, capture_output=True, text=True, env=env(), timeout=120
        ).stdout
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(sys.executable, argv, env=env(), encoding="utf-8", timeout=60, dimensions=(50, columns))
    child.setecho(False)
    out = []
    for line in answers.splitlines():
        if child.expect([r"\? $|？$", pexpect.EOF]) == 1:  # the session ended before every answer was used
            break
        out.append(child.before + child.after + line + "\n")
        child.sendline(line)
    else:
        child.expect(pexpect.EOF)
    out.append(child.before)
    return "".join(out).replace("\r\n", "\n")


def columns_of(line: str) -> int:
    from quizgen.render.text import display_width

    return display_width(line)


#: Wrong answers, a hint, skips: feedback, hints, worked steps and the summary all get written.
SESSIONS = [
    ("--kind", "macs-conv", "--difficulty", "3", "--count", "2", "--seed", "3"),
    ("--kind", "pool-ops", "--difficulty", "3", "--count", "2", "--seed", "5"),
    ("--kind", "spot-error", "--difficulty", "2", "--count", "1", "--seed", "2"),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("args", SESSIONS, ids=["macs", "pool-ops", "spot-error"])
def test_a_60_column_terminal_gets_every_line_wrapped_between_words(tmp_path, args, lang):
    """On a 60-column pty every line fits in 60 columns (display width: a CJK character takes two), and the
    text is the piped text with only line breaks moved: no word or number is split ("6,|400")."""
    answers = "1\n?\n2\n1\n1\n1\n1\n1\n1\n1\n1\n"
    tty_db, piped_db = str(tmp_path / "p.sqlite3"), str(tmp_path / "q.sqlite3")
    tty = drill_session(*args, "--db", tty_db, answers=answers, columns=60, lang=lang).replace(tty_db, "DB")
    piped = drill_session(*args, "--db", piped_db, answers=answers, lang=lang).replace(piped_db, "DB")
    assert "Hint" in piped or "提示" in piped
    assert "Session summary" in piped or "小结" in piped or "总结" in piped
    # only a single word wider than the line may pass it (the progress file's path), never a line of words
    wide = [line for line in tty.splitlines() if columns_of(line) > 60 and len(line.split()) > 1]
    assert not wide, wide
    if lang == "en":
        assert tty.split() == piped.split()  # the same words, in order, none split
    assert "".join(tty.split()) == "".join(piped.split())
    for before, after in wrap_breaks(tty, piped):  # where a line was wrapped: never inside a number
        assert not (re.search(r"[0-9][0-9,.]*$", before) and re.match(r"[0-9,.]", after)), (before, after)


def wrap_breaks(tty: str, piped: str) -> list[tuple[str, str]]:
    """The places where the terminal's text breaks a piped line: (the text before, the text after)."""
    lines = iter(tty.splitlines())
    breaks = []
    for line in piped.splitlines():
        want, got, parts = "".join(line.split()), "", []
        while len(got) < len(want):
            part = next(lines).strip()
            got += "".join(part.split())
            parts.append(part)
        assert got == want, (got, want)
        breaks += list(zip(parts, parts[1:]))
    return breaks


def test_the_zh_summary_counts_an_answered_then_skipped_question_once(tmp_path):
    out = drill_session(
        "--kind", "params-conv", "--count", "2", "--seed", "3", "--db", str(tmp_path / "p.sqlite3"),
        answers="1\ns\nq\n", lang="zh",
    )  # fmt: skip
    assert "作答的题目：1 道；跳过的题目：0 道" in out, out


def test_the_pool_operation_hints_do_not_repeat_the_feedback(tmp_path):
    out = drill_session(
        "--kind", "pool-ops", "--difficulty", "2", "--count", "4", "--seed", "1", "--db", str(tmp_path / "p.sqlite3"),
        answers="?\ns\n?\ns\n?\ns\n?\ns\n?\ns\n?\ns\n?\ns\n?\ns\n",
    )  # fmt: skip
    hints = [line for line in out.splitlines() if line.startswith("Hint:")]
    assert any("comparisons" in h or "additions" in h for h in hints), hints
    for h in hints:
        assert "takes n - 1" not in h, h


# --- zh sheets -----------------------------------------------------------------------------------------


def test_zh_sheets_have_no_english_words_in_the_working_and_no_space_after_a_full_stop(run, tmp_path):
    for seed in ("1", "2", "3"):
        out = tmp_path / seed
        r = run("worksheet", "--kind", "spot-error", "--problems", "10", "--difficulty", "3", "--seed", seed,
                "--lang", "zh", "--format", "md", "-o", str(out))  # fmt: skip
        assert r.exit_code == 0, r.stderr
        text = (out / "worksheet.md").read_text(encoding="utf-8") + (out / "key.md").read_text(encoding="utf-8")
        assert not re.findall(r"\b(?:weights|windows)\b", text)
    r = run("worksheet", "--kind", "inverse-padding", "--problems", "4", "--seed", "1", "--lang", "zh",
            "--format", "md", "-o", str(tmp_path / "pad"))  # fmt: skip
    text = (tmp_path / "pad" / "worksheet.md").read_text(encoding="utf-8")
    assert "。" in text and not re.search(r"。 +\S", text)


# --- the practice page, in Chromium ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(recipe, tmp_path_factory):
    from browser import chromium, require_browser
    from browser import quizgen as make

    require_browser()
    out = tmp_path_factory.mktemp("page")
    make("worksheet", str(recipe), "--seed", "1", "--format", "practice", "-o", str(out))
    with chromium() as browser:
        context = browser.new_context()
        opened = context.new_page()
        errors: list[str] = []
        opened.on("pageerror", lambda e: errors.append(str(e)))
        opened.goto((out / "practice.html").resolve().as_uri())
        from playwright.sync_api import expect

        expect(opened.locator("#practice")).to_have_attribute("data-ready", "1")
        yield opened
        assert errors == [], errors
        context.close()


@pytest.mark.parametrize(("pid", "typed", "wanted", "unwanted"), ANSWERS, ids=[a[0] for a in ANSWERS])
def test_the_page_says_what_the_drill_says(page, pid, typed, wanted, unwanted):
    from playwright.sync_api import expect

    box = page.locator(f'[data-feedback="{pid}"]')
    box.evaluate("e => e.replaceChildren()")
    page.locator(f'[data-part="{pid}"]').fill(typed)
    page.locator(f'[data-check="{pid}"]').click()
    expect(box).not_to_be_empty()
    text = box.inner_text()
    for want in wanted:
        assert want in text, text
    for word in unwanted:
        assert word not in text, text
