"""No file meant for students holds a hidden answer (issue 10, item 8).

Every kind at every difficulty, numeric and multiple choice, under each --count convention and in
both languages, over six seeds (two sheets per run), goes through the CLI into every format a student may be given: worksheet.md,
worksheet.html (the whole source: attributes, comments, data-*), worksheet.json, and the question
side of each export (Moodle question text and hints, GIFT question text, QTI item text, Anki front).

For each problem, the test writes each part's answer in every notation a student could read it in
(34944, 34,944, 34 944, 34.9k, 3.49e4; 55x55x96, 55 × 55 × 96, (55, 55, 96)) and checks that the
problem's part of each file holds no more of them than the question itself states (its text, the
spec as shown, a flawed solution, the labels and the options of a multiple-choice part). Two checks
do not rely on what the question states, since the shown spec is itself under test:
- an inverse problem's file never holds ``k=<answer>``, ``s=<answer>`` or ``p=<answer>``;
- a trace's file never holds a later layer's ``in=`` shape (each is an earlier layer's answer).
"""

from __future__ import annotations

import html as htmllib
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import genanki
import lxml.etree
import pytest

from quizgen import exports
from quizgen.i18n import _, set_language
from quizgen.problems import sheet as worksheet
from quizgen.problems.kinds import REGISTRY
from quizgen.problems.problem import Problem, fmt_value

CASES = [(1, "macs", "en"), (2, "flops", "en"), (3, "flops+bias", "zh")]
VARIANTS = 2  # sheets per case: with the three cases, six seeds
INVERSE_KEYS = {"inverse-stride": "s", "inverse-kernel": "k", "inverse-padding": "p"}
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"


def recipe_file(folder: Path) -> Path:
    lines = ["recipe: audit", "sections:"]
    for kind_id in REGISTRY:
        for d in (1, 2, 3):
            for form in ("numeric", "choice"):
                lines += [f"  - kind: {kind_id}", f"    difficulty: {d}", f"    form: {form}"]
    path = folder / "audit.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


# --- the ways an answer can be written --------------------------------------------------------------


def number_forms(v: int) -> set[str]:
    """34944 → 34944, 34,944, 34 944 (and thin or no-break spaces), 34.9k, 34.9K, 3.49e4, 3.49e+04."""
    grouped = f"{v:,}"
    forms = {str(v), grouped, grouped.replace(",", " "), grouped.replace(",", "\u2009"), grouped.replace(",", "\xa0")}
    for suffix, scale in (("k", 10**3), ("M", 10**6), ("G", 10**9)):
        x = v / scale
        if 1 <= x < 1000:
            rounded = f"{x:.3g}"
            forms |= {rounded + suffix, rounded + suffix.upper(), f"{rounded} {suffix}"}
    mantissa, exponent = f"{v:.2e}".split("e")
    forms |= {f"{mantissa}e{int(exponent)}", f"{mantissa}e{exponent}"}
    return forms


def shape_forms(shape: tuple[int, ...]) -> set[str]:
    """(55, 55, 96) → 55x55x96, 55 x 55 x 96, 55×55×96, 55 × 55 × 96, (55, 55, 96), 55*55*96."""
    words = [str(n) for n in shape]
    return {
        "x".join(words),
        " x ".join(words),
        "×".join(words),
        " × ".join(words),
        f"({', '.join(words)})",
        "*".join(words),
    }


def count(form: str, text: str) -> int:
    """How often ``form`` appears in ``text`` as a whole number (not inside a longer one)."""
    return len(re.findall(rf"(?<![\w.,]){re.escape(form)}(?![\w]|[.,]\d)", text))


def answer_forms(problem: Problem) -> list[set[str]]:
    """Each part's answer in every notation where it is distinctive (a shape, or a number ≥ 100); else none."""
    out = []
    for part in problem.parts:
        value = part.answer
        if isinstance(value, tuple) and len(value) > 1:
            out.append(shape_forms(value))
        else:
            v = value[0] if isinstance(value, tuple) else value
            out.append(number_forms(v) if isinstance(v, int) and abs(v) >= 100 else set())
    return out


def stated(problem: Problem) -> str:
    """What the question itself states: text, shown spec, flawed solution, labels, options."""
    pieces = [problem.title, problem.text, problem.shown_spec]
    if problem.layer is not None:  # the input shape, as a figure labels it: "input 27×27×96"
        pieces.append("×".join(str(n) for n in problem.layer.input_shape))
    pieces += [f"{step} {working}" for step, working in problem.flawed]
    for part in problem.parts:
        pieces.append(part.label)
        pieces += [fmt_value(c.value) for c in part.choices]
        pieces += [str(c.value) for c in part.choices]
    return "\n".join(pieces)


def assert_no_answer(problem: Problem, block: str, where: str) -> None:
    """The student's view of one problem (``block``) gives away none of its hidden answers."""
    key = INVERSE_KEYS.get(problem.kind)
    for part in problem.parts:
        if key and part.quantity == key:
            assert not re.search(rf"(?<![\w]){key}={part.answer}(?![\d])", block), (where, problem.spec)
            # nor in the words a layer is described with ("stride 2", "padding 1", in the sheet's language)
            phrase = {"s": _("stride {s}").format(s=part.answer), "p": _("padding {p}").format(p=part.answer)}
            if key in phrase:
                assert not re.search(rf"{re.escape(phrase[key])}(?![\d])", block), (where, phrase[key])
    if problem.kind == "network-trace":
        for line in problem.spec.splitlines()[1:]:
            shape = re.search(r" in=(\S+)", line).group(1)
            assert f"in={shape}" not in block, (where, line)
    given = stated(problem)
    for part, forms in zip(problem.parts, answer_forms(problem)):
        if part.choices:
            continue  # the answer is one of the options, as it should be
        for form in forms:
            assert count(form, block) <= count(form, given), (where, problem.kind, part.label, form)


# --- reading each file back, one block per problem ------------------------------------------------


# A figure draws the given input with the shape written as 27×27×96, which for a 1×1 conv is the output's
# too; tests/test_figure_sheets.py checks figures by what they draw (the numbers in them against those the
# problem states), so the blocks here leave them out.
FIGURES = re.compile(r"<svg.*?</svg>|!\[[^\]]*\]\(figures/[^)]*\)", re.S)


def md_blocks(text: str) -> list[str]:
    return re.split(r"\n### ", FIGURES.sub("", text))[1:]


def html_blocks(text: str) -> list[str]:
    blocks = re.split(r"<article ", FIGURES.sub("", text))[1:]
    return [htmllib.unescape(b) for b in blocks] + blocks  # the source as written, and as read


Blocks = dict[int, list[str]]  # problem number → the texts a student sees of it (one per item)


def _add(blocks: Blocks, name: str, text: str) -> None:
    blocks.setdefault(int(re.match(r"P(\d+)", name).group(1)), []).append(htmllib.unescape(text))


def moodle_blocks(folder: Path) -> list[Blocks]:
    """Per sheet (category), each question's text and hints, over every file of the quiz (it may be split).

    A cloze question's answer boxes ({1:NUMERICAL:=…}) are what Moodle turns into inputs: it shows the
    text with each box's marker replaced ({#1}), as read here.
    """
    sheets: list[Blocks] = []
    last = None
    for path in sorted(folder.glob("*.moodle.xml")):
        for q in lxml.etree.parse(str(path)).getroot().findall("question"):
            if q.get("type") == "category":
                if q.findtext("category/text") != last:  # a file may continue the sheet of the one before
                    sheets.append({})
                last = q.findtext("category/text")
                continue
            texts = [q.findtext("questiontext/text")] + [h.findtext("text") for h in q.findall("hint")]
            shown = re.sub(r"\{[0-9]*:[A-Z_]+:[^}]*\}", "{#}", "\n".join(texts))
            _add(sheets[-1], q.findtext("name/text"), shown)
    return sheets


def gift_blocks(text: str) -> list[Blocks]:
    """Per sheet ($CATEGORY), each question's text: the head line up to its answers."""
    sheets: list[Blocks] = []
    for chunk in text.split("$CATEGORY:")[1:]:
        sheets.append({})
        for head in re.findall(r"^::(P\d+.*)$", chunk, flags=re.M):
            question = re.sub(r"\\([\\~=#{}:])", r"\1", head.rsplit("{", 1)[0])
            _add(sheets[-1], question, question)
    return sheets


def qti_blocks(path: Path) -> list[Blocks]:
    """Per sheet (quiz), each item's question text."""
    sheets: list[Blocks] = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name == "imsmanifest.xml" or name.endswith("assessment_meta.xml"):
                continue
            sheets.append({})
            for item in lxml.etree.fromstring(z.read(name)).iter(f"{QTI}item"):
                _add(sheets[-1], item.get("title"), item.findtext(f"{QTI}presentation/{QTI}material/{QTI}mattext"))
    return sheets


def anki_fronts(path: Path, tmp_path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        db = tmp_path / "deck.anki2"
        db.write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(db)
    try:
        return {
            guid: htmllib.unescape(flds.split("\x1f")[0]) for guid, flds in conn.execute("SELECT guid, flds FROM notes")
        }
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.parametrize("seed, convention, lang", CASES)
def test_no_student_file_holds_a_hidden_answer(run, tmp_path, seed, convention, lang):
    recipe = recipe_file(tmp_path)
    out = {}
    for fmt in ("md", "html", "json", "moodle", "gift", "qti", "anki"):
        args = ("worksheet", str(recipe), "--seed", str(seed), "--variants", str(VARIANTS), "--count", convention)
        r = run(*args, "--lang", lang, "--format", fmt, "-o", str(tmp_path / fmt))
        assert r.exit_code == 0, r.stderr
        out[fmt] = tmp_path / fmt
    set_language(lang)
    try:
        plan = worksheet.plan(str(recipe), seed=seed, variants=VARIANTS)
        sheets = [worksheet.build_sheet(plan.recipe, s, count=convention, lang=lang) for _stem, _st, s in plan.sheets]
        exported = {
            "moodle": moodle_blocks(out["moodle"]),
            "gift": gift_blocks((out["gift"] / "quiz.gift.txt").read_text(encoding="utf-8")),
            "qti": qti_blocks(out["qti"] / "quiz.qti.zip"),
        }
        anki = anki_fronts(out["anki"] / "deck.apkg", tmp_path)
        for index, ((stem, _student, _seed), sheet) in enumerate(zip(plan.sheets, sheets)):
            files = {fmt: (out[fmt] / f"{stem}.{fmt}").read_text(encoding="utf-8") for fmt in ("md", "html", "json")}
            check_sheet(sheet, files, {fmt: blocks[index] for fmt, blocks in exported.items()})
        # Anki has one note per distinct problem (the first sheet's, if several hold it)
        assert len(anki) == len(exports.unique_problems(sheets))
        for problem, _found_on in exports.unique_problems(sheets):
            assert_no_answer(problem, anki[genanki.guid_for("quizgen", problem.id)], f"anki {problem.kind}")
    finally:
        set_language("en")


def check_sheet(sheet: worksheet.Sheet, files: dict[str, str], exported: dict[str, Blocks]) -> None:
    """Every problem of one sheet, in each file a student may be given."""
    problems = sheet.problems
    assert {p.kind for p in problems} == set(REGISTRY)
    md = md_blocks(files["md"])
    assert "<!--" not in files["html"]
    html = html_blocks(files["html"])
    data = json.loads(files["json"])["worksheet"]
    assert len(md) == len(data["problems"]) == len(problems) == len(html) // 2
    allowed = {"number", "kind", "title", "difficulty", "form", "text", "spec", "source", "flawed_solution", "parts"}
    allowed.add("marks")  # what the problem is worth, as the sheet prints it
    for i, problem in enumerate(problems):
        n = i + 1
        entry = data["problems"][i]
        # The student's JSON holds what the sheet shows, and nothing a key holds.
        assert set(entry) <= allowed
        for part in entry["parts"]:
            assert set(part) <= {"label", "quantity", "choices"}
            assert all(set(c) == {"letter", "value"} for c in part.get("choices", []))
        blocks = {
            "worksheet.md": [md[i]],
            "worksheet.html": [html[i], html[len(problems) + i]],
            "worksheet.json": [json.dumps(entry, ensure_ascii=False)],
            **{fmt: found[n] for fmt, found in exported.items()},
        }
        for where, texts in blocks.items():
            for block in texts:
                assert_no_answer(problem, block, f"{where} problem {n} of {sheet.code}")


def test_the_checks_catch_the_leaks_they_look_for(tmp_path):
    """The audit's checks fail on a full spec, a later in= shape and a written-out answer."""
    path = tmp_path / "leaks.yaml"
    lines = ["recipe: leaks", "sections:"]
    for kind_id in ("inverse-kernel", "network-trace", "macs-conv", "inverse-stride"):
        lines += [f"  - kind: {kind_id}", "    difficulty: 2"]
    path.write_text("\n".join(lines) + "\n")
    set_language("en")
    plan = worksheet.plan(str(path), seed=1)
    inverse, trace, macs, stride = worksheet.build_sheet(plan.recipe, plan.sheets[0][2]).problems
    answer = macs.parts[0].answer
    for problem, leak in (
        (inverse, inverse.spec),
        (trace, trace.spec),
        (macs, f"{macs.text} {answer:,}"),
        (macs, f"{macs.text} {answer:.2e}"),
        (stride, f"{stride.text} (stride {stride.parts[0].answer})"),
    ):
        with pytest.raises(AssertionError):
            assert_no_answer(problem, leak, "planted")
        assert_no_answer(problem, f"{problem.text}\n{problem.shown_spec}", "as shown")
