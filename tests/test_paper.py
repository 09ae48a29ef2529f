"""Paper: working space, marks, the class file all-sheets.html, and what the printed pages hold.

The CLI tests run everywhere. The printing tests drive Debian's chromium through Playwright (as
tests/browser.py, with its skip logic: under CI=true a missing piece fails) and read each
PDF page's text with poppler's pdftotext.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import partial
from pathlib import Path

import pytest
from browser import IN_CI, chromium, require_browser
from browser import quizgen as _quizgen

CODE = re.compile(r"\b[0-9A-F]{3}-[0-9A-F]{8}-[0-9A-F]{2,}\b")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def code_of(folder: Path, name: str = "worksheet.md") -> str:
    return CODE.search((folder / name).read_text(encoding="utf-8")).group(0)


# --- working space ------------------------------------------------------------------------------


def test_space_sets_the_working_area_and_is_part_of_the_code(run, tmp_path):
    codes = {}
    for space in ("none", "small", "large"):
        r = run("worksheet", "--space", space, "--format", "html", "-o", str(tmp_path / space))
        assert r.exit_code == 0, r.stderr
        html = (tmp_path / space / "worksheet.html").read_text(encoding="utf-8")
        problems = html.count('<article class="problem"')
        assert problems == 10
        # one working area per problem, of the size asked; none at all with --space none
        for other in ("small", "large"):
            assert html.count(f'class="work work-{other}"') == (problems if other == space else 0)
        codes[space] = code_of(tmp_path / space, "worksheet.html")
    assert len(set(codes.values())) == 3, codes
    # small is the default, and the first value of the option in the code: codes made before --space
    # existed keep their meaning (D12-7C049FFB-02 is the default sheet's code on main before this change)
    assert codes["small"] == "D12-7C049FFB-02"
    assert run("worksheet", "--format", "html", "-o", str(tmp_path / "default")).exit_code == 0
    assert files_of(tmp_path / "default") == files_of(tmp_path / "small")


def test_a_code_restores_its_space(run, tmp_path):
    assert (
        run("worksheet", "--space", "large", "--seed", "5", "--format", "html", "-o", str(tmp_path / "a")).exit_code
        == 0
    )
    code = code_of(tmp_path / "a", "worksheet.html")
    r = run("worksheet", "--code", code, "--format", "html", "-o", str(tmp_path / "b"))
    assert r.exit_code == 0, r.stderr
    assert files_of(tmp_path / "b") == files_of(tmp_path / "a")
    r = run("worksheet", "--code", code, "--space", "small", "-o", str(tmp_path / "c"))
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: --space small: the sheet with code {code} was made with --space large; "
        "leave out --space (the code restores it)\n"
    )


def test_bad_space_option_is_exit_2(run, tmp_path):
    r = run("worksheet", "--space", "huge", "-o", str(tmp_path / "out"))
    assert r.exit_code == 2
    assert "'--space'" in r.stderr and "'huge'" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


RECIPE = """\
recipe: spaced
title: "Spaced"
{space}sections:
  - kind: output-conv
    count: 2
"""


@pytest.mark.parametrize("bad", ["huge", "1", "true", "[small]"])
def test_bad_space_in_a_recipe_is_one_line_exit_2(run, tmp_path, bad):
    recipe = tmp_path / "r.yaml"
    recipe.write_text(RECIPE.format(space=f"space: {bad}\n"), encoding="utf-8")
    r = run("worksheet", str(recipe), "-o", str(tmp_path / "out"))
    assert r.exit_code == 2
    line = r.stderr.strip()
    assert "\n" not in line and "Traceback" not in r.stderr
    assert str(recipe) in line and "'space'" in line and "none, small, large" in line
    assert not (tmp_path / "out").exists()


def test_space_in_a_recipe_and_the_command_line_wins(run, tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text(RECIPE.format(space="space: none\n"), encoding="utf-8")
    assert run("worksheet", str(recipe), "--format", "html", "-o", str(tmp_path / "recipe")).exit_code == 0
    html = (tmp_path / "recipe" / "worksheet.html").read_text(encoding="utf-8")
    assert 'class="work' not in html
    assert (
        run("worksheet", str(recipe), "--space", "large", "--format", "html", "-o", str(tmp_path / "cli")).exit_code
        == 0
    )
    html = (tmp_path / "cli" / "worksheet.html").read_text(encoding="utf-8")
    assert html.count('class="work work-large"') == 2
    # the code holds the space used, so it regenerates the sheet with the recipe alone
    code = code_of(tmp_path / "cli", "worksheet.html")
    assert (
        run("worksheet", str(recipe), "--code", code, "--format", "html", "-o", str(tmp_path / "again")).exit_code == 0
    )
    assert files_of(tmp_path / "again") == files_of(tmp_path / "cli")


def test_markdown_space_is_blank_lines(run, tmp_path):
    lines = {}
    for space in ("none", "small", "large"):
        assert run("worksheet", "--space", space, "-o", str(tmp_path / space)).exit_code == 0
        text = (tmp_path / space / "worksheet.md").read_text(encoding="utf-8")
        # the longest run of empty lines between the last part and the next problem's heading
        gaps = [len(m.group(1)) for m in re.finditer(r"\n(\n*)### ", text)]
        lines[space] = max(gaps)
    assert lines["none"] < lines["small"] < lines["large"], lines


# --- marks ---------------------------------------------------------------------------------------

MARKED = """\
recipe: marked
title: "Marked"
sections:
  - kind: output-conv
    count: 2
    marks: 2
  - kind: params-conv
    count: 1
    marks: 1
  - kind: pool-ops
    count: 1
    marks: 1.5
"""


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_marks_on_sheet_and_key(run, tmp_path, fmt):
    recipe = tmp_path / "r.yaml"
    recipe.write_text(MARKED, encoding="utf-8")
    r = run("worksheet", str(recipe), "--format", fmt, "-o", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    # 2 + 2 + 1 + 1.5 = 6.5
    bracket = (r"\[", r"\]") if fmt == "html" else (r"\\\[", r"\\\]")
    key_text = (tmp_path / "out" / f"key.{fmt}").read_text(encoding="utf-8")
    shown = re.findall(bracket[0] + r"([\d.]+ marks?)" + bracket[1], key_text)
    assert shown == ["2 marks", "2 marks", "1 mark", "1.5 marks"], shown
    # the student's sheet has a mark box per problem, "__ / 2", and the total on page 1
    sheet_text = (tmp_path / "out" / f"worksheet.{fmt}").read_text(encoding="utf-8")
    box = r'<span class="mark-blank"></span> / ([\d.]+)</span>' if fmt == "html" else r"\\\[(?:\\_)+ / ([\d.]+)\\\]"
    assert re.findall(box, sheet_text) == ["2", "2", "1", "1.5"]
    for text in (sheet_text, key_text):
        assert "Total: 6.5 marks" in text
    # the key shares a problem's marks among its parts: pool-ops asks 2 or 3 things, 1.5 / 2 or 1.5 / 3
    assert run("worksheet", str(recipe), "--format", "json", "-o", str(tmp_path / "json")).exit_code == 0
    pool = json.loads((tmp_path / "json" / "key.json").read_text())["keys"][0]["problems"][3]
    share = {2: "0.75 marks", 3: "0.5 marks"}[len(pool["parts"])]
    key = (tmp_path / "out" / f"key.{fmt}").read_text(encoding="utf-8")
    assert key.count(f"({share})") == len(pool["parts"])


def test_marks_in_json(run, tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text(MARKED, encoding="utf-8")
    assert run("worksheet", str(recipe), "--format", "json", "-o", str(tmp_path / "out")).exit_code == 0
    sheet = json.loads((tmp_path / "out" / "worksheet.json").read_text())["worksheet"]
    key = json.loads((tmp_path / "out" / "key.json").read_text())["keys"][0]
    for data in (sheet, key):
        marks = [p["marks"] for p in data["problems"]]
        assert marks == [2, 2, 1, 1.5] and isinstance(marks[0], int)
        assert data["total_marks"] == 6.5
    # whole totals are ints: the default recipe gives one mark per part
    assert run("worksheet", "--format", "json", "-o", str(tmp_path / "default")).exit_code == 0
    data = json.loads((tmp_path / "default" / "worksheet.json").read_text())["worksheet"]
    assert data["total_marks"] == sum(len(p["parts"]) for p in data["problems"])
    assert isinstance(data["total_marks"], int)


# --- all-sheets.html ----------------------------------------------------------------------------


def test_all_sheets_html_for_variants_and_roster_only(run, tmp_path):
    r = run("worksheet", "--variants", "3", "--format", "html", "-o", str(tmp_path / "v"))
    assert r.exit_code == 0, r.stderr
    assert str(tmp_path / "v" / "all-sheets.html") in r.stdout.splitlines()
    combined = (tmp_path / "v" / "all-sheets.html").read_text(encoding="utf-8")
    codes = [code_of(tmp_path / "v", f"worksheet-{i}.html") for i in (1, 2, 3)]
    assert len(set(codes)) == 3
    # every sheet, in order, each on its own named page whose margin carries that sheet's code
    starts = [m.start() for m in re.finditer(r'<main class="sheet" style="page: sheet-(\d)">', combined)]
    assert len(starts) == 3
    for i, code in enumerate(codes):
        assert code in combined[starts[i] : starts[i + 1] if i < 2 else None]
        assert re.search(rf'@page sheet-{i + 1} \{{[^@]*@top-left \{{ content: "Sheet {code}"', combined)
    assert len(set(re.findall(r'id="([^"]+)"', combined))) == len(re.findall(r'id="', combined)), "duplicate ids"

    roster = tmp_path / "students.csv"
    roster.write_text('name\nAda Lovelace\nO"Brien </style>\n', encoding="utf-8")
    assert run("worksheet", "--roster", str(roster), "--format", "html", "-o", str(tmp_path / "r")).exit_code == 0
    combined = (tmp_path / "r" / "all-sheets.html").read_text(encoding="utf-8")
    unfigured = re.sub(r"<svg.*?</svg>", "", combined, flags=re.S)  # a figure's own <style> ends inside it
    assert unfigured.count("</style>") == 1, "a student's name must not end the style sheet"
    assert "Ada Lovelace" in combined and "O&#34;Brien &lt;/style&gt;" in combined

    for args in ((), ("--variants", "3")):
        assert run("worksheet", *args, "-o", str(tmp_path / f"md{len(args)}")).exit_code == 0
        assert not (tmp_path / f"md{len(args)}" / "all-sheets.html").exists()
    assert run("worksheet", "--format", "html", "-o", str(tmp_path / "one")).exit_code == 0
    assert not (tmp_path / "one" / "all-sheets.html").exists()


# --- printing (Chromium) ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright (tests/browser.py); skipped without it, except under CI."""
    require_browser()

    if shutil.which("pdftotext") is None:
        if IN_CI:
            pytest.fail("CI is set but pdftotext is missing; .ci/run should apt-get install poppler-utils")
        pytest.skip("pdftotext is missing (apt-get install poppler-utils)")
    with chromium() as b:
        yield b


@pytest.fixture
def printer(browser, tmp_path):
    """print(path, paper, extra_css=None) -> the text of each printed page, first to last."""
    counter = iter(range(1000))
    context = browser.new_context()
    page = context.new_page()

    def print_(path: Path, paper: str, extra_css: str | None = None) -> list[str]:
        page.goto(path.resolve().as_uri(), wait_until="load")
        if extra_css:
            page.add_style_tag(content=extra_css)
        pdf = tmp_path / f"print-{next(counter)}.pdf"
        pdf.write_bytes(page.pdf(format=paper))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        return [
            subprocess.run(
                ["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for i in range(1, pages + 1)
        ]

    yield print_
    context.close()


quizgen = partial(_quizgen, timeout=300)  # 30 variants, printed


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def default_sheet(tmp_path_factory) -> Path:
    """The built-in default recipe, as `quizgen worksheet --format html` makes it."""
    out = tmp_path_factory.mktemp("default")
    quizgen("worksheet", "--format", "html", "-o", str(out))
    quizgen("worksheet", "--format", "json", "-o", str(out))
    return out


# The limits: the default 10-problem sheet on at most 3 pages, its key on at most 4.
LIMITS = {"worksheet.html": 3, "key.html": 4}


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("name", ["worksheet.html", "key.html"])
def test_default_sheet_and_key_fit_and_every_page_is_labelled(printer, default_sheet, name, paper):
    code = code_of(default_sheet, "worksheet.html")
    pages = printer(default_sheet / name, paper)
    assert 1 < len(pages) <= LIMITS[name], f"{name} on {paper}: {len(pages)} pages"
    for i, text in enumerate(pages, start=1):
        assert code in lines(text)[0], f"{name} {paper} page {i} has no code at the top: {lines(text)[:1]}"
        assert lines(text)[-1] == f"page {i} of {len(pages)}", f"{name} {paper} page {i}: {lines(text)[-1:]}"
        if name == "key.html":
            assert "Answer key" in lines(text)[0]


def test_chinese_pages_carry_the_code_and_the_chinese_page_numbers(printer, tmp_path):
    from quizgen.i18n import _, set_language

    quizgen("worksheet", "--lang", "zh", "--format", "html", "-o", str(tmp_path))
    code = code_of(tmp_path, "worksheet.html")
    for name in ("worksheet.html", "key.html"):
        pages = printer(tmp_path / name, "A4")
        assert len(pages) <= LIMITS[name]
        set_language("zh")
        try:
            expected = [_("page {n} of {total}").format(n=i, total=len(pages)) for i in range(1, len(pages) + 1)]
            header = _("Sheet")
        finally:
            set_language("en")
        for i, text in enumerate(pages):
            assert code in lines(text)[0] and header in lines(text)[0]
            assert lines(text)[-1] == expected[i]


def test_a_problem_never_splits_across_pages(printer, default_sheet):
    """Each problem's heading and its last part's label print on the same page, in that order."""
    problems = json.loads((default_sheet / "worksheet.json").read_text())["worksheet"]["problems"]
    for paper in ("A4", "Letter"):
        pages = printer(default_sheet / "worksheet.html", paper)
        for p in problems:
            n, last = p["number"], p["parts"][-1]
            label = f"{'abcdefghij'[len(p['parts']) - 1]}) {last['label']}"
            holding = [text for text in pages if re.search(rf"^\s*Problem {n}\b", text, re.M)]
            assert len(holding) == 1, f"Problem {n} heading on {len(holding)} pages ({paper})"
            text = holding[0]
            after = text[re.search(rf"^\s*Problem {n}\b", text, re.M).end() :]
            after = re.split(rf"^\s*Problem {n + 1}\b", after, flags=re.M)[0]
            assert label in after, f"Problem {n}'s last part '{label}' is not on its page ({paper})"


def test_the_split_check_catches_a_split(printer, default_sheet):
    """Self-test of the rule above: allowed to split, with large working areas, some problem does."""
    problems = json.loads((default_sheet / "worksheet.json").read_text())["worksheet"]["problems"]
    css = "article.problem { break-inside: auto !important; } .work { height: 9cm !important; }"
    pages = printer(default_sheet / "worksheet.html", "A4", css)
    split = []
    for p in problems:
        n = p["number"]
        label = f"{'abcdefghij'[len(p['parts']) - 1]}) {p['parts'][-1]['label']}"
        for text in pages:
            m = re.search(rf"^\s*Problem {n}\b", text, re.M)
            if m and label not in re.split(rf"^\s*Problem {n + 1}\b", text[m.end() :], flags=re.M)[0]:
                split.append(n)
    assert split


def test_space_changes_the_printed_length(printer, tmp_path):
    counts = {}
    for space in ("none", "small", "large"):
        quizgen("worksheet", "--space", space, "--format", "html", "-o", str(tmp_path / space))
        counts[space] = len(printer(tmp_path / space / "worksheet.html", "A4"))
    assert counts["none"] <= counts["small"] < counts["large"], counts
    assert counts["small"] <= 3


def sheet_runs(pages: list[str]) -> list[tuple[str, list[str]]]:
    """(code, bottom lines) per run of consecutive pages with the same code at the top."""
    runs: list[tuple[str, list[str]]] = []
    for text in pages:
        found = CODE.findall(lines(text)[0])
        assert len(found) == 1, lines(text)[:1]
        if not runs or runs[-1][0] != found[0]:
            runs.append((found[0], []))
        runs[-1][1].append(lines(text)[-1])
    return runs


def test_all_sheets_for_30_variants_numbers_each_sheet(printer, tmp_path):
    from quizgen.render.sheets import page_totals_css

    quizgen("worksheet", "--variants", "30", "--format", "html", "-o", str(tmp_path))
    codes = [code_of(tmp_path, f"worksheet-{i:02d}.html") for i in range(1, 31)]
    pages = printer(tmp_path / "all-sheets.html", "A4")
    # 30 sheets, each from a new page: 30 pages are some sheet's first
    assert sum(lines(text)[-1] == "page 1" for text in pages) == 30
    runs = sheet_runs(pages)
    assert [code for code, _bottoms in runs] == codes
    for _code, bottoms in runs:
        assert bottoms == [f"page {i}" for i in range(1, len(bottoms) + 1)]
        assert len(bottoms) <= 3
    # A printer that knows each sheet's pages (from this first print) adds the totals: same pages.
    totals = [len(bottoms) for _code, bottoms in runs]
    again = printer(tmp_path / "all-sheets.html", "A4", page_totals_css(totals))
    assert len(again) == len(pages)
    assert sum(re.fullmatch(r"page 1 of \d", lines(text)[-1]) is not None for text in again) == 30
    for (_code, bottoms), total in zip(sheet_runs(again), totals):
        assert bottoms == [f"page {i} of {total}" for i in range(1, total + 1)]


def test_a_class_key_carries_each_sheets_code_and_student(printer, tmp_path):
    roster = tmp_path / "students.csv"
    roster.write_text("name\nAda Lovelace\n李雷\n", encoding="utf-8")
    quizgen("worksheet", "--roster", str(roster), "--format", "html", "-o", str(tmp_path / "out"))
    codes = [code_of(tmp_path / "out", f"worksheet-{s}.html") for s in ("ada-lovelace", "李雷")]
    pages = printer(tmp_path / "out" / "key.html", "Letter")
    runs = sheet_runs(pages)
    assert [code for code, _b in runs] == codes
    for (code, bottoms), student in zip(runs, ("Ada Lovelace", "李雷")):
        tops = [lines(t)[0] for t in pages if code in lines(t)[0]]
        assert all(student in re.sub(r"\s+", "", top) or student in top for top in tops), tops
        assert all("Answer key" in top for top in tops)
        assert bottoms == [f"page {i}" for i in range(1, len(bottoms) + 1)]


def test_choices_lie_in_one_line_or_two_columns(browser, tmp_path):
    """D never sits alone on a line: four choices take one row or two rows of two, on paper and on a phone."""
    from quizgen.problems.kinds import REGISTRY

    recipe = ["recipe: choices", "sections:"]
    for kind in REGISTRY:
        for difficulty in (1, 3):
            recipe += [f"  - kind: {kind}", "    count: 2", f"    difficulty: {difficulty}", "    form: choice"]
    (tmp_path / "r.yaml").write_text("\n".join(recipe) + "\n", encoding="utf-8")
    quizgen("worksheet", str(tmp_path / "r.yaml"), "--format", "html", "-o", str(tmp_path))
    # A4's text width at 13 mm margins is 184 mm = 695 CSS px; a phone is 390 px wide.
    for width, media in ((695, "print"), (390, "screen")):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.emulate_media(media=media)
        page.goto((tmp_path / "worksheet.html").resolve().as_uri())
        lists = page.evaluate(
            """() => [...document.querySelectorAll('ul.choices')].map(u => {
                const items = [...u.children], box = u.getBoundingClientRect();
                return {rows: [...new Set(items.map(l => Math.round(l.getBoundingClientRect().top)))].length,
                        n: items.length, text: u.textContent.trim().replace(/\\s+/g, ' '),
                        over: items.some(l => l.scrollWidth > l.clientWidth + 1
                                          || l.getBoundingClientRect().right > box.right + 1)};
            })"""
        )
        context.close()
        assert len(lists) > 20
        for ul in lists:
            assert not ul["over"], (width, ul)
            if ul["n"] == 4:
                assert ul["rows"] in (1, 2), (width, ul)
        assert any(ul["rows"] == 1 and ul["n"] == 4 for ul in lists) or width < 400
