"""The practice page from the command line, and its sealed data read back without a browser (issue 14).

What the files are (one page per sheet, an index for a class, the same bytes for the same seed, nothing
outside the file), and what the data lets a student's answer open: :mod:`practice_client` reads each
page as its script does, from the documented scheme.  The right and wrong answers come from the key
that ``--format json`` writes for the same seed, and each named misconception is compared with what the
drill says for the same value.  tests/test_practice_browser.py runs the page's script in Chromium.
"""

from __future__ import annotations

import base64
import html as htmllib
import json
import re
import zlib
from pathlib import Path

import pytest
from practice_client import InvalidTag, Page, read_exact
from test_student_files import answer_forms, count, recipe_file

from quizgen.drill.progress import Progress
from quizgen.drill.session import Drill
from quizgen.explain.answers import parse_value
from quizgen.problems import sheet as worksheet
from quizgen.problems.feedback import known_wrongs
from quizgen.render.sheets import html_text


def written(value) -> str:
    """A value as a student types it: 34944, or 28x28x24."""
    if isinstance(value, list):
        return "x".join(map(str, value)) if len(value) > 1 else str(value[0])
    return str(value)


def key_of(run, tmp_path: Path, *args: str) -> list[dict]:
    """The key.json the same options write: one entry per sheet."""
    r = run("worksheet", *args, "--format", "json", "-o", str(tmp_path / "json"))
    assert r.exit_code == 0, r.stderr
    return json.loads((tmp_path / "json" / "key.json").read_text(encoding="utf-8"))["keys"]


# --- the files --------------------------------------------------------------------------------------


def test_one_sheet_writes_one_page_and_no_key(run, tmp_path):
    r = run("worksheet", "--format", "practice", "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["practice.html"]
    assert r.stdout.split() == [str(tmp_path / "practice.html")]


def test_a_class_gets_a_page_each_and_an_index(run, tmp_path):
    r = run("worksheet", "--variants", "3", "--format", "practice", "-o", str(tmp_path / "p"))
    assert r.exit_code == 0, r.stderr
    names = sorted(p.name for p in (tmp_path / "p").iterdir())
    assert names == ["index.html", "practice-1.html", "practice-2.html", "practice-3.html"]
    keys = key_of(run, tmp_path, "--variants", "3")
    index = (tmp_path / "p" / "index.html").read_text(encoding="utf-8")
    for i, key in enumerate(keys, start=1):
        page = (tmp_path / "p" / f"practice-{i}.html").read_text(encoding="utf-8")
        assert f'data-code="{key["code"]}"' in page  # each page is its own sheet
        assert f'<a href="practice-{i}.html">' in index and key["code"] in index


def test_a_roster_names_each_page(run, tmp_path):
    roster = tmp_path / "students.csv"
    roster.write_text("id,name\n1,Ada Lovelace\n2,Alan Turing\n", encoding="utf-8")
    r = run("worksheet", "--roster", str(roster), "--format", "practice", "-o", str(tmp_path / "p"))
    assert r.exit_code == 0, r.stderr
    ada = (tmp_path / "p" / "practice-ada-lovelace.html").read_text(encoding="utf-8")
    assert "Ada Lovelace" in ada and "Alan Turing" not in ada
    assert "Alan Turing" in (tmp_path / "p" / "index.html").read_text(encoding="utf-8")


def test_the_same_seed_gives_the_same_bytes(sh, tmp_path):
    for out in ("a", "b"):
        r = sh("worksheet", "--seed", "5", "--variants", "2", "--format", "practice", "-o", str(tmp_path / out))
        assert r.exit_code == 0, r.stderr
    for name in ("practice-1.html", "practice-2.html", "index.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    other = tmp_path / "c"
    assert sh("worksheet", "--seed", "6", "--format", "practice", "-o", str(other)).exit_code == 0
    assert (other / "practice.html").read_bytes() != (tmp_path / "a" / "practice-1.html").read_bytes()


def test_the_page_is_self_contained(run, tmp_path):
    assert run("worksheet", "--format", "practice", "-o", str(tmp_path)).exit_code == 0
    page = (tmp_path / "practice.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://(?!www\.w3\.org/)", page)  # SVG namespaces name w3.org; nothing is fetched
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert not re.search(r"\bsrc\s*=", page) and "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # the page's own policy forbids every request


def test_every_part_has_its_hooks_a_label_and_a_live_region(run, tmp_path):
    assert run("worksheet", "--seed", "3", "--format", "practice", "-o", str(tmp_path)).exit_code == 0
    page = (tmp_path / "practice.html").read_text(encoding="utf-8")
    (key,) = key_of(run, tmp_path, "--seed", "3")
    ids = [f"{p['number']}.{i}" for p in key["problems"] for i in range(1, len(p["parts"]) + 1)]
    assert re.findall(r'data-part="([\d.]+)"', page) == ids
    assert re.findall(r'data-feedback="([\d.]+)" role="status" aria-live="polite"', page) == ids
    for pid in ids:
        assert f'<label class="label" for="a{pid}">' in page and f'id="a{pid}" data-part="{pid}"' in page


def test_the_convention_is_shown_as_on_the_sheet(run, tmp_path):
    for fmt in ("html", "practice"):
        args = ("worksheet", "--count", "flops+bias", "--format", fmt, "-o", str(tmp_path / fmt))
        assert run(*args).exit_code == 0
    sheet = (tmp_path / "html" / "worksheet.html").read_text(encoding="utf-8")
    page = (tmp_path / "practice" / "practice.html").read_text(encoding="utf-8")
    convention = re.search(r'<p class="convention">.*?</p>', sheet).group(0)
    assert "bias" in convention and convention in page


def test_the_figures_are_the_sheets(run, tmp_path):
    """Each question-side figure, inflated, is the one the HTML sheet shows for that problem."""
    for fmt in ("html", "practice"):
        assert run("worksheet", "--format", fmt, "-o", str(tmp_path / fmt)).exit_code == 0
    sheet = (tmp_path / "html" / "worksheet.html").read_text(encoding="utf-8")
    page = Page((tmp_path / "practice" / "practice.html").read_text(encoding="utf-8"))
    shown = {}
    for block in re.split(r'<article class="problem" id="p', sheet)[1:]:
        number, svg = block.split('"', 1)[0], re.search(r"<svg.*?</svg>", block.split("</article>")[0], re.S)
        if svg:
            shown[number] = svg.group(0)
    packed = page.data["figures"]
    assert shown and sorted(packed) == sorted(shown)
    for number, data in packed.items():
        assert zlib.decompress(base64.b64decode(data)).decode().rstrip("\n") == shown[number]


# --- what the sealed data lets an answer open --------------------------------------------------------


def _drill_why(problem, part, text: str) -> str:
    """The drill's sentence for ``text``, as the page shows it (rendered as the sheets render text)."""
    drill = Drill(Progress(":memory:", defer=True), read=input, write=print)
    why = drill.named(problem, part, drill.read_value(part, text))[2]
    return str(html_text(why)) if why else ""


@pytest.mark.slow
def test_every_part_of_every_kind_opens_for_its_answer_and_names_what_the_drill_names(run, tmp_path):
    recipe = recipe_file(tmp_path)
    args = (str(recipe), "--seed", "11", "--variants", "1")
    assert run("worksheet", *args, "--format", "practice", "-o", str(tmp_path / "p")).exit_code == 0
    keys = key_of(run, tmp_path, *args)
    plan = worksheet.plan(str(recipe), seed=11, variants=1)
    checked = named = searched = 0
    for i, (key, (_stem, _student, seed)) in enumerate(zip(keys, plan.sheets), start=1):
        page = Page(
            (tmp_path / "p" / ("practice.html" if len(keys) == 1 else f"practice-{i}.html")).read_text(encoding="utf-8")
        )
        problems = worksheet.build_sheet(plan.recipe, seed).problems
        for entry, problem in zip(key["problems"], problems):
            for j, (part_key, part) in enumerate(zip(entry["parts"], problem.parts), start=1):
                pid = f"{entry['number']}.{j}"
                answer = part_key["answer"]
                assert page.judge(pid, written(answer))[0] == "exact", (pid, answer)
                exact = written(answer).replace("x", ",") + (
                    "," if isinstance(answer, list) and len(answer) == 1 else ""
                )
                solution = page.solution(pid, page.part_key(pid, exact))
                assert "The answer is" in solution
                # opened on its own, a part's solution gives away no later part's answer (one an earlier
                # part already gives, as pool-ops' divisions equal its windows, is no secret)
                text = htmllib.unescape(re.sub(r"<[^>]+>", " ", solution))
                forms = answer_forms(problem)
                known = set().union(*forms[:j])
                for later in forms[j:]:
                    for form in later - known:
                        assert count(form, text) == 0, (pid, problem.kind, form)
                assert page.give_up(pid) == page.part_key(pid, exact)  # "show solution" opens the same part
                others = [q for q in page.parts if q != pid][:3]
                for other in others:  # and no other
                    with pytest.raises(InvalidTag):
                        page.solution(other, page.give_up(pid))
                wrongs = [w["value"] for w in part_key["wrong_answers"]]
                wrongs += [c["value"] for c in part_key.get("choices", []) if not c["correct"]]
                for wrong in wrongs:
                    verdict, why = page.judge(pid, written(wrong))
                    assert verdict == "wrong"
                    assert why == _drill_why(problem, part, written(wrong)), (pid, wrong)
                    named += bool(why)
                # every value the page files (the catalogue's singles and pairs too), exact and rounded to
                # 3 significant figures, is named as the drill's own search names it
                for known in known_wrongs(problem, part):
                    texts = [written(list(known.value) if isinstance(known.value, tuple) else known.value)]
                    if not isinstance(known.value, tuple) and abs(known.value) >= 1000:
                        texts.append(f"{float(known.value):.2e}")
                    for text in texts:
                        verdict, why = page.judge(pid, text)
                        if verdict == "wrong":
                            assert why == _drill_why(problem, part, text), (pid, text)
                            searched += 1
                checked += 1
    assert checked > 150 and named > 150 and searched > 1000


def test_rounded_coarse_and_written_out_answers(run, tmp_path):
    """34.9k-style roundings are right; 35k-style ones are too coarse; 34,900-style ones are exact, so wrong."""
    args = ("--kind", "macs-conv", "--problems", "6", "--difficulty", "3")
    assert run("worksheet", *args, "--format", "practice", "-o", str(tmp_path / "p")).exit_code == 0
    page = Page((tmp_path / "p" / "practice.html").read_text(encoding="utf-8"))
    (key,) = key_of(run, tmp_path, *args)
    for entry in key["problems"]:
        pid, answer = f"{entry['number']}.1", entry["parts"][0]["answer"]
        assert answer >= 1000  # four digits or more: a 3-figure rounding is a rounding
        digits = len(str(answer))
        three = round(answer, 3 - digits)  # 3 significant figures, e.g. 262,144 -> 262,000
        suffix, scale = next((s, f) for s, f in (("G", 10**9), ("M", 10**6), ("k", 10**3)) if three >= f)
        assert page.judge(pid, f"{three / scale:.3g}{suffix}")[0] in ("rounded", "exact")  # 18.9M
        assert page.judge(pid, f"{three / 10 ** (digits - 1):.2f}e{digits - 1}")[0] in ("rounded", "exact")
        assert page.judge(pid, "0M") == ("wrong", "") and page.judge(pid, "0G") == ("wrong", "")
        two = round(answer, 2 - digits)
        found = page.lookup(pid, parse_value(f"{two / 10 ** (digits - 1):.1f}e{digits - 1}"))
        assert found.coarse and found.right is None
        if three != answer:
            found = page.lookup(pid, parse_value(str(three)))
            assert read_exact(found.right) == answer  # opened, so the page can say how to write a rounding
            assert page.judge(pid, str(three))[0] == "wrong"
        assert page.judge(pid, "twelve") == ("unreadable", "")


# --- no answer in the source ----------------------------------------------------------------------------


@pytest.mark.slow
def test_no_right_answer_is_in_the_source_of_100_pages(run, tmp_path):
    """100 sheets: no right answer, in any written form, beyond what the question itself states."""
    assert run("worksheet", "--variants", "100", "--format", "practice", "-o", str(tmp_path)).exit_code == 0
    plan = worksheet.plan(None, seed=1, variants=100)
    for stem, _student, seed in plan.sheets:
        source = (tmp_path / f"{stem.replace('worksheet', 'practice')}.html").read_text(encoding="utf-8")
        assert_hides_answers(worksheet.build_sheet(plan.recipe, seed).problems, source, stem)


def test_the_source_check_finds_a_planted_answer(run, tmp_path):
    assert run("worksheet", "--format", "practice", "-o", str(tmp_path)).exit_code == 0
    source = (tmp_path / "practice.html").read_text(encoding="utf-8")
    plan = worksheet.plan(None, seed=1)
    problems = worksheet.build_sheet(plan.recipe, plan.sheets[0][2]).problems
    assert_hides_answers(problems, source, "as made")
    macs = next(p for p in problems if p.kind == "macs-conv" and not p.parts[0].choices)
    answer = macs.parts[0].answer
    for planted in (f'"x":"{answer}"', f"{answer:,}", f"{answer:.2e}"):
        leaky = source.replace('"lookup":{', '"lookup":{"planted":"' + planted.replace('"', "'") + '",', 1)
        with pytest.raises(AssertionError):
            assert_hides_answers(problems, leaky, "planted")


def assert_hides_answers(problems, source: str, where: str) -> None:
    """A page's source holds no right answer beyond what its questions state.

    Each problem's block is held to what its question states (as the student files audit does); the
    rest of the page (the data and the scripts) to what the scripts and their sentences hold whatever
    the sheet, with base64's characters counted as part of a word, so that a run of digits inside a
    sealed value is not read as a number.
    """
    from test_student_files import answer_forms, assert_no_answer

    fixed = "\n".join(
        (Path(__file__).parent.parent / "templates" / "practice" / name).read_text(encoding="utf-8")
        for name in ("grade.js", "page.js")
    )
    data = json.loads(DATA_RE.search(source).group(1))
    fixed += json.dumps(data["text"], ensure_ascii=False)
    head, _sep, rest = source.partition('<script type="application/json"')
    rest = re.sub(r'"choices":\{[^}]*\}', "", rest)  # a choice part's options, which the sheet shows too
    blocks = re.split(r"<article ", head)[1:]
    assert len(blocks) == len(problems)
    for problem, block in zip(problems, blocks):
        for text in (block, htmllib.unescape(block)):
            assert_no_answer(problem, text, f"practice {where}")
        for part, forms in zip(problem.parts, answer_forms(problem)):
            if part.choices:
                continue  # the answer is one of the options, as on the sheet
            for form in forms:
                if form not in rest:
                    continue
                pattern = rf"(?<![\w.,+/=-]){re.escape(form)}(?![\w+/=-]|[.,]\d)"
                assert len(re.findall(pattern, rest)) <= len(re.findall(pattern, fixed)), (where, form)


DATA_RE = re.compile(r'<script type="application/json" id="practice-data">(.*?)</script>', re.S)
