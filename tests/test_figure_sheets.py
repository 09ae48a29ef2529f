"""Figures on sheets and keys: where a figure goes, that a student's never shows an answer, --no-figures,
the recipe's ``figures:``, codes, Markdown's SVG files, and (in Chromium) that figures fit a phone and paper.
"""

from __future__ import annotations

import json
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from browser import chromium, require_browser

CODE = re.compile(r"\b[0-9A-F]{3}-[0-9A-F]{8}-[0-9A-F]{2,}\b")
SVG = "{http://www.w3.org/2000/svg}"

# The teacher's table, written out here by hand: which kinds get a figure on the student's sheet and on the key.
STUDENT_AND_KEY = {
    "output-conv",
    "output-pool",
    "output-dilated",
    "output-transposed",
    "macs-conv",
    "pool-ops",
    "memory",
    "spot-error",
}
KEY_ONLY = {"inverse-padding", "inverse-stride", "inverse-kernel", "network-trace", "receptive-field"}
NEITHER = {"params-conv", "params-linear", "params-separable", "macs-linear"}


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def articles(html: str) -> list[str]:
    """Each problem's <article> in a sheet or key, in order."""
    return re.findall(r'<article class="problem".*?</article>', html, re.S)


def svg_texts(svg: str) -> str:
    """Every piece of text a figure shows or says: its labels, title and description."""
    root = ET.fromstring(svg)
    return " ".join(el.text or "" for el in root.iter() if el.tag in (f"{SVG}text", f"{SVG}title", f"{SVG}desc"))


def numbers(text: str) -> set[int]:
    """The whole numbers written in a text, with or without thousands commas (``34,944``, ``55×55``)."""
    return {int(m.replace(",", "")) for m in re.findall(r"\d[\d,]*\d|\d", text)}


def test_the_kinds_in_this_table_are_all_the_kinds():
    from quizgen.problems.kinds import REGISTRY

    assert set(REGISTRY) == STUDENT_AND_KEY | KEY_ONLY | NEITHER


def test_a_students_figure_never_shows_an_answer_the_problem_does_not_state():
    """200 seeds × every kind: the numbers of the answers (and, for the layer, its output size and counts)
    appear in a student's figure only where the problem's own text or spec states them."""
    from quizgen.arith.solver import solve
    from quizgen.problems.kinds import REGISTRY
    from quizgen.render.figures_for import figure_for

    drawn = {kind: 0 for kind in REGISTRY}
    grids = 0
    for seed in range(200):
        for kind_id, kind in REGISTRY.items():
            p = kind.sample(random.Random(seed), seed % 3 + 1, "macs")
            svg = figure_for(p, answer=False)
            if kind_id not in STUDENT_AND_KEY:
                assert svg is None, (kind_id, seed)
                continue
            assert svg is not None, (kind_id, seed, p.spec)
            drawn[kind_id] += 1
            said = svg_texts(svg)
            hidden: set[int] = set()
            for part in p.parts:
                hidden |= set(part.answer) if isinstance(part.answer, tuple) else {part.answer}
            sol = solve(p.layer)
            hidden |= set(sol.output_shape[:-1]) | {sol.params.total, sol.params.weights, sol.macs, sol.flops}
            hidden |= {sol.output_elements, 4 * sol.output_elements}  # activations, and their fp32 bytes
            if sol.pool is not None:
                hidden |= {sol.pool.windows, sol.pool.comparisons, sol.pool.additions, sol.pool.divisions}
            hidden.discard(0)  # a pool's parameters; padding cells are drawn as 0
            stated = numbers(p.text) | numbers(p.shown_spec) | numbers(" ".join(w for _s, w in p.flawed))
            leaked = (hidden & numbers(said)) - stated
            assert not leaked, (kind_id, seed, p.spec, leaked, said)
            assert "?" in said, (kind_id, seed)
            # A grid draws the footprint at two positions whatever the output: one alone would say "1 wide".
            if 'class="cell in"' in svg:
                grids += 1
                assert 'class="fp fp2"' in svg, (kind_id, seed, p.spec)
                assert 'class="cell out' not in svg and "unreached" not in svg
    assert all(drawn[k] == 200 for k in STUDENT_AND_KEY), drawn
    assert grids > 20, grids  # small layers are drawn as grids often enough for the rule above to bite


RECIPE_ALL = "recipe: every-kind\ntitle: Every kind\n{top}sections:\n" + "".join(
    f"  - kind: {k}\n    difficulty: 1\n" for k in sorted(STUDENT_AND_KEY | KEY_ONLY | NEITHER)
)


def every_kind(tmp_path: Path, top: str = "") -> Path:
    recipe = tmp_path / "every.yaml"
    recipe.write_text(RECIPE_ALL.format(top=top), encoding="utf-8")
    return recipe


def test_html_sheet_and_key_have_figures_where_they_help(run, tmp_path):
    recipe = every_kind(tmp_path)
    for fmt in ("html", "json"):
        r = run("worksheet", str(recipe), "--seed", "3", "--format", fmt, "-o", str(tmp_path / "out"))
        assert r.exit_code == 0, r.stderr
    kinds = [p["kind"] for p in json.loads((tmp_path / "out" / "key.json").read_text())["keys"][0]["problems"]]
    sheet = articles((tmp_path / "out" / "worksheet.html").read_text(encoding="utf-8"))
    key = articles((tmp_path / "out" / "key.html").read_text(encoding="utf-8"))
    assert len(kinds) == len(sheet) == len(key) == 17
    for kind, s, k in zip(kinds, sheet, key):
        assert s.count("<svg") == (kind in STUDENT_AND_KEY), kind
        assert k.count("<svg") == (kind in STUDENT_AND_KEY | KEY_ONLY), kind
        if "<svg" in s:
            fig = re.search(r"<svg.*?</svg>", s, re.S).group(0)
            assert "<title>" in fig and "?" in svg_texts(fig) and "http://" not in fig.replace(SVG[1:-1], "")
    # the JSON files carry no figure, and the student's none of the key's answers
    student = (tmp_path / "out" / "worksheet.json").read_text()
    assert "<svg" not in student and '"answer"' not in student


def test_the_keys_figures_show_the_answers(run, tmp_path):
    """An inverse problem's key draws the layer with the setting found; its output is drawn, not "?"."""
    recipe = tmp_path / "r.yaml"
    recipe.write_text("recipe: inv\nsections:\n  - kind: inverse-padding\n    count: 2\n", encoding="utf-8")
    assert run("worksheet", str(recipe), "--format", "json", "-o", str(tmp_path / "j")).exit_code == 0
    assert run("worksheet", str(recipe), "--format", "html", "-o", str(tmp_path / "h")).exit_code == 0
    key = articles((tmp_path / "h" / "key.html").read_text(encoding="utf-8"))
    for data, art in zip(json.loads((tmp_path / "j" / "key.json").read_text())["keys"][0]["problems"], key):
        # 'same' padding keeps the size: the output drawn is the input's H×W, read from the spec
        h, w = re.search(r"in=(\d+)x(\d+)x", data["spec"]).groups()
        fig = re.search(r"<svg.*?</svg>", art, re.S).group(0)
        assert f"output {h}×{w}" in svg_texts(fig), svg_texts(fig)


def test_no_figures_and_the_recipe_field_and_the_command_line_wins(run, tmp_path):
    plain = every_kind(tmp_path)
    off = tmp_path / "off.yaml"
    off.write_text(RECIPE_ALL.format(top="figures: false\n"), encoding="utf-8")
    runs = {
        "default": (str(plain),),
        "cli-off": (str(plain), "--no-figures"),
        "recipe-off": (str(off),),
        "recipe-off-cli-on": (str(off), "--figures"),
    }
    for name, args in runs.items():
        r = run("worksheet", *args, "--format", "html", "-o", str(tmp_path / name))
        assert r.exit_code == 0, r.stderr
    count = {
        name: sum(
            (tmp_path / name / f).read_text(encoding="utf-8").count("<svg") for f in ("worksheet.html", "key.html")
        )
        for name in runs
    }
    assert count["cli-off"] == count["recipe-off"] == 0
    assert count["default"] == count["recipe-off-cli-on"] == len(STUDENT_AND_KEY) * 2 + len(KEY_ONLY)


def test_a_code_restores_figures_off_and_refuses_a_conflict(run, tmp_path):
    assert run("worksheet", "--no-figures", "--seed", "4", "--format", "html", "-o", str(tmp_path / "a")).exit_code == 0
    code = CODE.search((tmp_path / "a" / "worksheet.html").read_text(encoding="utf-8")).group(0)
    # with figures the default sheet keeps the code it had before figures existed; without, another
    assert run("worksheet", "--seed", "4", "--format", "html", "-o", str(tmp_path / "on")).exit_code == 0
    code_on = CODE.search((tmp_path / "on" / "worksheet.html").read_text(encoding="utf-8")).group(0)
    assert code != code_on
    r = run("worksheet", "--code", code, "--format", "html", "-o", str(tmp_path / "b"))
    assert r.exit_code == 0, r.stderr
    assert files_of(tmp_path / "b") == files_of(tmp_path / "a")
    assert "<svg" not in (tmp_path / "b" / "key.html").read_text(encoding="utf-8")
    r = run("worksheet", "--code", code, "--figures", "-o", str(tmp_path / "c"))
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: --figures: the sheet with code {code} was made with --no-figures; "
        "leave out --figures (the code restores it)\n"
    )
    r = run("worksheet", "--code", code_on, "--no-figures", "-o", str(tmp_path / "d"))
    assert r.exit_code == 2 and "leave out --no-figures" in r.stderr and "\n" not in r.stderr.strip()
    assert not (tmp_path / "c").exists() and not (tmp_path / "d").exists()


def test_the_default_code_is_unchanged_by_figures(run, tmp_path):
    # D12-7C049FFB-02 is the default sheet's code on main before figures existed
    assert run("worksheet", "-o", str(tmp_path)).exit_code == 0
    assert CODE.search((tmp_path / "worksheet.md").read_text(encoding="utf-8")).group(0) == "D12-7C049FFB-02"


@pytest.mark.parametrize("bad", ["maybe", "1", "'false'", "[false]"])
def test_bad_figures_in_a_recipe_is_one_line_exit_2(run, tmp_path, bad):
    recipe = tmp_path / "r.yaml"
    recipe.write_text(f"recipe: r\nfigures: {bad}\nsections:\n  - kind: output-conv\n", encoding="utf-8")
    r = run("worksheet", str(recipe), "-o", str(tmp_path / "out"))
    assert r.exit_code == 2
    line = r.stderr.strip()
    assert "\n" not in line and "Traceback" not in r.stderr
    assert str(recipe) in line and "'figures'" in line and "true or false" in line
    assert not (tmp_path / "out").exists()


def test_markdown_writes_the_svg_files_and_its_links_resolve(run, tmp_path):
    recipe = every_kind(tmp_path)
    r = run("worksheet", str(recipe), "--variants", "2", "-o", str(tmp_path / "md"))
    assert r.exit_code == 0, r.stderr
    out = tmp_path / "md"
    listed = {Path(line).relative_to(out).as_posix() for line in r.stdout.splitlines()}
    svgs = sorted(p.relative_to(out).as_posix() for d in ("figures", "key-figures") for p in (out / d).iterdir())
    assert set(svgs) <= listed and not [p for p in out.rglob(".*.tmp")]
    # the key's figures draw the answers: none sits in figures/, which goes to students with the sheets
    for student_figure in (out / "figures").iterdir():
        assert "?" in svg_texts(student_figure.read_text(encoding="utf-8")), student_figure.name
    key_text = (out / "key.md").read_text(encoding="utf-8")
    assert "](figures/" not in key_text and "](key-figures/" in key_text
    linked = []
    for name in ("worksheet-1.md", "worksheet-2.md", "key.md"):
        text = (out / name).read_text(encoding="utf-8")
        for alt, target in re.findall(r"!\[([^\]]*)\]\(([^)]+)\)", text):
            svg = (out / target).read_text(encoding="utf-8")  # the link resolves beside the sheet
            title = ET.fromstring(svg).find(f"{SVG}title").text
            assert alt.replace("\\", "") == title
            linked.append(target)
    assert sorted(linked) == svgs, "every figure written is linked once, and only those"
    # two sheets' student figures and one key with both sheets' figures, named apart by each sheet's code
    codes = [CODE.search((out / f"worksheet-{i}.md").read_text(encoding="utf-8")).group(0) for i in (1, 2)]
    assert codes[0] != codes[1]
    for code in codes:
        assert len([s for s in svgs if s.startswith(f"figures/{code}-p")]) == len(STUDENT_AND_KEY)
        assert len([s for s in svgs if s.startswith(f"key-figures/{code}-p")]) == len(STUDENT_AND_KEY | KEY_ONLY)
    for target in svgs:
        if not target.startswith("key-figures/"):
            assert "?" in svg_texts((out / target).read_text(encoding="utf-8"))
    # a sheet made again from its code links the same figure files, with the same bytes
    r = run("worksheet", str(recipe), "--code", codes[1], "-o", str(tmp_path / "again"))
    assert r.exit_code == 0, r.stderr
    again = tmp_path / "again"
    assert (again / "worksheet.md").read_bytes() == (out / "worksheet-2.md").read_bytes()
    for target in re.findall(r"\]\((figures/[^)]+)\)", (again / "worksheet.md").read_text(encoding="utf-8")):
        assert (again / target).read_bytes() == (out / target).read_bytes()


def test_same_seed_same_bytes_with_figures(run, tmp_path):
    for fmt in ("md", "html"):
        for copy in ("a", "b"):
            r = run("worksheet", "--seed", "11", "--format", fmt, "-o", str(tmp_path / f"{fmt}-{copy}"))
            assert r.exit_code == 0, r.stderr
        assert files_of(tmp_path / f"{fmt}-a") == files_of(tmp_path / f"{fmt}-b")
    assert any(name.startswith("figures/") for name in files_of(tmp_path / "md-a"))


def test_figure_labels_follow_lang(run, tmp_path):
    from quizgen.i18n import _, set_language

    assert run("worksheet", "--lang", "zh", "--format", "html", "-o", str(tmp_path)).exit_code == 0
    html = (tmp_path / "worksheet.html").read_text(encoding="utf-8")
    figs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert figs and all('lang="zh"' in f for f in figs)
    set_language("zh")
    try:
        words = _("input {shape}").format(shape="").strip()
    finally:
        set_language("en")
    assert any(words in svg_texts(f) for f in figs) or words == "input"


# --- in Chromium --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright; skipped without it, failed without it under CI (tests/browser.py)."""
    require_browser()
    with chromium() as b:
        yield b


FITS = """() => [...document.querySelectorAll('article.problem')].flatMap(a => {
    const box = a.getBoundingClientRect();
    return [...a.querySelectorAll('svg')].map(s => {
        const r = s.getBoundingClientRect();
        return {w: r.width, h: r.height, out: r.left < box.left - 0.5 || r.right > box.right + 0.5
                || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5,
                page: document.documentElement.scrollWidth > window.innerWidth};
    });
})"""


def test_every_figure_fits_its_problem_on_a_phone_and_in_print(browser, sh, tmp_path):
    recipe = every_kind(tmp_path)
    for difficulty in ("1", "3"):
        r = sh(
            "worksheet",
            "--kind",
            "output-conv",
            "--kind",
            "output-transposed",
            "--kind",
            "pool-ops",
            "--kind",
            "spot-error",
            "--problems",
            "8",
            "--difficulty",
            difficulty,
            "--format",
            "html",
            "-o",
            str(tmp_path / f"q{difficulty}"),
        )
        assert r.exit_code == 0, r.stderr
    assert sh("worksheet", str(recipe), "--format", "html", "-o", str(tmp_path / "all")).exit_code == 0
    pages = [tmp_path / d / f for d in ("all", "q1", "q3") for f in ("worksheet.html", "key.html")]
    for width, media in ((360, "screen"), (695, "print")):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.emulate_media(media=media)
        seen = 0
        for path in pages:
            page.goto(path.resolve().as_uri(), wait_until="load")
            for fig in page.evaluate(FITS):
                seen += 1
                assert fig["w"] > 50 and fig["h"] > 30, (path.name, width, fig)
                assert not fig["out"] and not fig["page"], (path.name, width, media, fig)
        context.close()
        assert seen > 30


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_default_sheet_with_figures_prints_within_its_pages(browser, sh, tmp_path, paper):
    r = sh("worksheet", "--format", "html", "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    page = browser.new_page()
    limits = {"worksheet.html": 3, "key.html": 4}
    for name, limit in limits.items():
        html = (tmp_path / name).read_text(encoding="utf-8")
        assert html.count("<svg") >= 5, name  # the figures are there to be printed
        page.goto((tmp_path / name).resolve().as_uri(), wait_until="load")
        pdf = page.pdf(format=paper)
        count = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert 1 < count <= limit, (name, paper, count)
    page.close()
