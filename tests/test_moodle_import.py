"""Moodle XML as Moodle's importer reads it (issue 21, exports 1-3): spaces, cloze questions, file size, marks.

Two pieces of Moodle's own PHP are ported here from its source, and the exported files are held to them:

* ``lib/xmlize.php``: ``xmlize()`` parses with PHP's ``xml_parse_into_struct`` and
  ``xml_parser_set_option($parser, XML_OPTION_SKIP_WHITE, $whitespace)``, so a character chunk made only of
  whitespace is dropped.  libxml2 (``parser.c``, ``xmlParseCharData``) hands character data over in chunks:
  each entity or character reference is a chunk of its own, and its fast path for ASCII ends a chunk where a
  non-ASCII character begins (the rest up to the next ``<`` or ``&`` is one chunk, cut every 300 bytes).
  A CDATA section is one chunk, which is kept.  ``question/format/xml/format.php`` (``xml_escape()``) is why
  Moodle's own exports survive: it writes any text holding ``& < > " '`` as ``<![CDATA[…]]>``.
* ``question/type/multianswer/questiontype.php``: ``qtype_multianswer_extract_question()`` reads a cloze
  question's text with ``ANSWER_REGEX`` (``{WEIGHT:TYPE:alternatives}``) and each alternative with
  ``ANSWER_ALTERNATIVE_REGEX``, then decodes answers and feedback with ``html_entity_decode`` and undoes
  ``\\}`` and ``\\#``.  The regular expressions below are Moodle's, with PCRE's one lookbehind of three
  lengths written as three lookbehinds for Python.

Expected values come from the problems (built through the library with the same seed), from DESIGN §7a's
rule (``quizgen.explain.answers.judge``) applied to roundings made here with :mod:`decimal`, and from hand
arithmetic shown in the tests; never from the export under test.
"""

from __future__ import annotations

import html as htmllib
import re
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from click.testing import CliRunner

from quizgen.cli import cli
from quizgen.explain.answers import WRONG, judge
from quizgen.i18n import set_language
from quizgen.problems import quick
from quizgen.problems import sheet as worksheet
from quizgen.problems.kinds import REGISTRY
from quizgen.problems.problem import fmt_value
from quizgen.problems.sheet import Sheet

KINDS = list(REGISTRY)
PHP_UPLOAD_LIMIT = 2 * 1024 * 1024  # PHP's stock upload_max_filesize, "2M"; PHP's M is 1024 × 1024


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def quick_args(difficulty: int, form: str) -> list[str]:
    """A quick sheet with two problems of every kind (the problems are shared evenly among the kinds)."""
    kinds = [a for kind in KINDS for a in ("--kind", kind)]
    return [*kinds, "--problems", str(2 * len(KINDS)), "--difficulty", str(difficulty), "--form", form]


def export_moodle(tmp_path: Path, *args: str, name: str = "out") -> list[Path]:
    out = tmp_path / name
    result = run("worksheet", *args, "--format", "moodle", "-o", str(out))
    assert result.exit_code == 0, result.output
    return sorted(out.glob("*.moodle.xml"))


def sheets_of(recipe: str | None, seed: int = 1, variants: int = 1) -> list[Sheet]:
    """The sheets the CLI makes for a recipe, built through the library."""
    plan = worksheet.plan(recipe, seed=seed, variants=variants)
    return [worksheet.build_sheet(plan.recipe, s, student=st) for _stem, st, s in plan.sheets]


def sheets_for(args: list[str], *, seed: int = 1, lang: str = "en") -> list[Sheet]:
    """The sheets the CLI makes for a quick sheet's arguments, built through the library."""
    kinds = args[1 : args.index("--problems") : 2]
    problems, difficulty, form = int(args[-5]), int(args[-3]), args[-1]
    set_language(lang)
    try:
        recipe = quick.quick_recipe(kinds, problems=problems, difficulty=difficulty, form=form)
        plan = worksheet.plan(recipe, seed=seed)
        return [worksheet.build_sheet(plan.recipe, s, student=st, lang=lang) for _stem, st, s in plan.sheets]
    finally:
        set_language("en")


# --- 1. Every space survives xmlize ---------------------------------------------------------------------

_TOKEN = re.compile(
    r"<!\[CDATA\[(?P<cdata>.*?)\]\]>|<!--.*?-->|<\?.*?\?>|</(?P<end>[^\s>]+)\s*>"
    r"|<(?P<start>[^\s>/!?]+)(?P<attrs>[^>]*?)(?P<empty>/?)>|&(?P<ref>#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);|(?P<text>[^<&]+)",
    re.S,
)
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_BLANK = set(" \t\n\r")  # libxml2's IS_BLANK_CH, and the characters PHP's skip-white tests


def libxml2_chunks(text: str) -> list[str]:
    """A run of character data (no ``<`` or ``&``) cut as libxml2's ``xmlParseCharData`` delivers it.

    The fast path takes ASCII up to the first non-ASCII character and delivers it; the complex path
    (``xmlParseCharDataComplex``) takes the rest, delivering whenever it holds 300 bytes or more
    (``XML_PARSER_BIG_BUFFER_SIZE``).
    """
    ascii_end = next((i for i, c in enumerate(text) if ord(c) >= 0x80), len(text))
    chunks = [text[:ascii_end]] if ascii_end else []
    piece, size = "", 0
    for c in text[ascii_end:]:
        piece += c
        size += len(c.encode())
        if size >= 300:
            chunks.append(piece)
            piece, size = "", 0
    return chunks + ([piece] if piece else [])


def sax_events(xml: str) -> list[tuple[str, str, bool]]:
    """The document as a SAX parser built on libxml2 sees it: ``("start"|"end", tag, False)`` and
    ``("chars", chunk, in_cdata)``, one event per chunk."""
    events: list[tuple[str, str, bool]] = []
    for m in _TOKEN.finditer(xml):
        if m.group("cdata") is not None:
            events.append(("chars", m.group("cdata"), True))
        elif m.group("end"):
            events.append(("end", m.group("end"), False))
        elif m.group("start"):
            events.append(("start", m.group("start"), False))
            if m.group("empty"):
                events.append(("end", m.group("start"), False))
        elif m.group("ref"):
            ref = m.group("ref")
            char = chr(int(ref[2:], 16) if ref[:2] == "#x" else int(ref[1:])) if ref[0] == "#" else _ENTITIES[ref]
            events.append(("chars", char, False))
        elif m.group("text"):
            events += [("chars", chunk, False) for chunk in libxml2_chunks(m.group("text"))]
    return events


def xmlize_texts(xml: str) -> list[tuple[str, str]]:
    """Each element without children and its text as ``xmlize()`` keeps it: a whitespace-only chunk
    outside CDATA is dropped (``XML_OPTION_SKIP_WHITE``)."""
    texts: list[tuple[str, str]] = []
    stack: list[tuple[str, list[str], bool]] = []  # tag, kept chunks, has child elements
    for kind, value, cdata in sax_events(xml):
        if kind == "start":
            if stack:
                stack[-1] = (stack[-1][0], stack[-1][1], True)
            stack.append((value, [], False))
        elif kind == "end":
            tag, kept, parent = stack.pop()
            assert tag == value
            if not parent:
                texts.append((tag, "".join(kept)))
        elif stack and (cdata or not set(value) <= _BLANK):
            stack[-1][1].append(value)
    return texts


def true_texts(path: Path) -> list[tuple[str, str]]:
    """Each element without children and its text, as an XML parser reads the file (lxml)."""
    root = lxml.etree.parse(str(path)).getroot()
    return [(el.tag, el.text or "") for el in root.iter() if len(el) == 0]


def test_the_chunk_model_cuts_as_libxml2_does() -> None:
    """The model against chunks printed by a character-data handler of PHP 8.2's xml_parse (libxml2 2.9.14)."""
    xml = "<q><text>H&lt;sub&gt;out&lt;/sub&gt; × W 个 个. a&amp; 个 <![CDATA[ <b> ]]> x</text></q>"
    seen = ["H", "<", "sub", ">", "out", "<", "/sub", ">", " ", "× W 个 个. a", "&", " ", "个 ", " <b> ", " x"]
    assert [value for kind, value, _cdata in sax_events(xml) if kind == "chars"] == seen
    # so xmlize loses the two lone spaces, and keeps the CDATA's
    assert xmlize_texts(xml) == [("text", "H<sub>out</sub>× W 个 个. a&个  <b>  x")]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("difficulty", [1, 2, 3])
@pytest.mark.parametrize("form", ["numeric", "choice"])
def test_moodle_keeps_every_space(tmp_path: Path, lang: str, difficulty: int, form: str) -> None:
    files = export_moodle(tmp_path, "--lang", lang, "--figures", *quick_args(difficulty, form))
    for path in files:
        xml = path.read_text(encoding="utf-8")
        want, got = true_texts(path), xmlize_texts(xml)
        assert [tag for tag, _t in got] == [tag for tag, _t in want]
        lost = [(w, g) for (_t, w), (_u, g) in zip(want, got) if w != g]
        spaces = sum(w.count(" ") - g.count(" ") for w, g in lost)
        if lost:
            w, g = lost[0]
            at = next(i for i, (a, b) in enumerate(zip(w, g + "\0")) if a != b)
            pytest.fail(
                f"{len(lost)} texts lose {spaces} spaces, e.g. {w[at - 40 : at + 20]!r} → {g[at - 40 : at + 20]!r}"
            )
        assert any(" " in t for _tag, t in want)  # there were spaces to lose


# --- 2. Cloze: Moodle's embedded-answers grammar ---------------------------------------------------------

FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"  # ANSWER_ALTERNATIVE_FRACTION_REGEX
ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"  # ANSWER_ALTERNATIVE_ANSWER_REGEX
FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"  # ANSWER_ALTERNATIVE_FEEDBACK_REGEX
ALTERNATIVE = f"({FRACTION})?({ANSWER})(#({FEEDBACK}))?"  # groups: 1 fraction, 2 percent, 3 answer, 5 feedback
NUMBER = r"-?(([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][-+]?[0-9]+)?)"
NUMERICAL_ALTERNATIVE = re.compile(f"^({NUMBER})(:{NUMBER})?$", re.S)  # groups: 1 value, 6 tolerance
TYPES = (
    "(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|(SHORTANSWER|SA|MW)|"
    "(SHORTANSWER_C|SAC|MWC)|(MULTICHOICE_S|MCS)|(MULTICHOICE_VS|MCVS)|(MULTICHOICE_HS|MCHS)|"
    "(MULTIRESPONSE|MR)|(MULTIRESPONSE_H|MRH)|(MULTIRESPONSE_S|MRS)|(MULTIRESPONSE_HS|MRHS)"
)
ANSWER_REGEX = re.compile(r"\{([0-9]*):(" + TYPES + "):(" + ALTERNATIVE + "(~" + ALTERNATIVE + r")*)\}", re.S)
NORM, NUMERICAL, MULTICHOICE_V, ALTERNATIVES = 1, 3, 5, 16  # Moodle's ANSWER_REGEX_* group numbers


def moodle_decode(text: str) -> str:
    """What Moodle stores of an answer or feedback: html_entity_decode, then ``\\}`` → ``}``, ``\\#`` → ``#``."""
    return htmllib.unescape(text).replace("\\}", "}").replace("\\#", "#")


def extract_cloze(text: str) -> tuple[str, list[dict]]:
    """qtype_multianswer_extract_question(), ported: the text with ``{#n}`` for each sub-question, and those."""
    subs = []
    while m := ANSWER_REGEX.search(text):
        sub = {"weight": int(m.group(NORM) or 1), "answers": []}
        if m.group(NUMERICAL):
            sub["type"] = "numerical"
        elif m.group(MULTICHOICE_V):
            sub["type"] = "multichoice_v"
        else:
            sub["type"] = m.group(2)
        rest = m.group(ALTERNATIVES)
        while a := re.search("~?" + ALTERNATIVE, rest, re.S):
            fraction = 1.0 if a.group(1) == "=" else 0.01 * float(a.group(2) or 0)
            feedback = moodle_decode(a.group(5)) if a.group(5) is not None else ""
            n = NUMERICAL_ALTERNATIVE.match(a.group(3)) if sub["type"] == "numerical" else None
            if n:
                answer, tolerance = n.group(1), n.group(6) or "0"
            else:
                answer, tolerance = moodle_decode(a.group(3)), None
            sub["answers"].append(
                {"fraction": fraction, "answer": answer, "tolerance": tolerance, "feedback": feedback}
            )
            rest = rest.split(a.group(0), 1)[1]
        subs.append(sub)
        text = text.replace(m.group(0), "{#" + str(len(subs)) + "}", 1)
    return text, subs


def html_text(fragment: str) -> str:
    return lxml.html.fragment_fromstring(fragment, create_parent="div").text_content() if fragment.strip() else ""


def plain(text: str) -> str:
    """Text as it reads once symbols such as ``C_in`` are written with a subscript (C<sub>in</sub>)."""
    return re.sub(r"(?<![A-Za-z0-9_])([A-Za-z])_([A-Za-z0-9]+)(?![A-Za-z0-9_])", r"\1\2", text)


def correct_roundings(answer: int) -> set[int]:
    """Every value that some notation with 3+ significant figures makes a right answer (§7a, by ``judge``).

    Candidates are the answer rounded half up and half down to 3, 4, … figures (Decimal); ``judge`` decides,
    on the value written in e-notation with exactly those figures (``3.49e4``).
    """
    found = set()
    for figures in range(3, len(str(abs(answer))) + 1):
        for mode in (ROUND_HALF_UP, ROUND_HALF_DOWN):
            exponent = len(str(abs(answer))) - figures
            value = int(Decimal(answer).scaleb(-exponent).quantize(Decimal(1), rounding=mode).scaleb(exponent))
            written = f"{value:.{figures - 1}e}"
            if value and judge(written, answer) != WRONG:
                found.add(value)
    return found


def blanks_of(problem) -> list[tuple[object, int | None, dict[int, list[str]]]]:
    """Each answer box of a problem: (part, the number asked or None for a choice, wrong values → whys)."""
    boxes = []
    for part in problem.parts:
        if part.choices:
            boxes.append((part, None, {}))
            continue
        answer = part.answer if isinstance(part.answer, tuple) else (part.answer,)
        for d, value in enumerate(answer):
            wrongs: dict[int, list[str]] = {}
            for w in part.wrongs:
                wv = w.value if isinstance(w.value, tuple) else (w.value,)
                if len(wv) == len(answer) and wv[d] != value:
                    wrongs.setdefault(wv[d], []).append(w.why)
            boxes.append((part, value, wrongs))
    return boxes


def check_cloze(question: lxml.etree._Element, problem, number: int) -> int:
    """One cloze question against Moodle's parser and the problem; returns how many sub-questions it has."""
    assert question.findtext("name/text") == f"P{number} · {problem.title}"
    raw = question.findtext("questiontext/text")
    text, subs = extract_cloze(raw)
    boxes = blanks_of(problem)
    assert len(subs) == len(boxes), (problem.kind, raw[:300])
    # nothing that looks like a sub-question is left unread, and each is in place once, in order
    assert not re.search(r"\{[0-9]*:[A-Z_]+:", text)
    assert re.findall(r"\{#(\d+)\}", text) == [str(i) for i in range(1, len(subs) + 1)]
    assert plain(problem.text) in html_text(text.split('<p class="ask">')[0])
    # weights: whole numbers in the exact ratio of each box's share (a part's marks over its boxes)
    shares = [problem.part_marks[problem.parts.index(part)] for part, _v, _w in boxes]
    shares = [s / sum(1 for p, _v, _w in boxes if p is part) for s, (part, _v, _w) in zip(shares, boxes)]
    weights = [sub["weight"] for sub in subs]
    assert all(w >= 1 for w in weights)
    assert [Fraction(w, sum(weights)) for w in weights] == [s / problem.total_marks for s in shares]
    for sub, (part, value, wrongs) in zip(subs, boxes):
        answers = sub["answers"]
        if value is None:
            assert sub["type"] == "multichoice_v"  # radio buttons, never shuffled: the sheet's letters hold
            assert [a["answer"] for a in answers] == [f"{c.letter}. {fmt_value(c.value)}" for c in part.choices]
            assert [a["fraction"] for a in answers] == [1.0 if c.correct else 0.0 for c in part.choices]
            for a, c in zip(answers, part.choices):
                assert c.correct or plain(c.why).lower().rstrip(".") in html_text(a["feedback"]).lower()
            continue
        assert sub["type"] == "numerical"
        assert all(a["tolerance"] == "0" for a in answers)
        right = {int(a["answer"]) for a in answers if a["fraction"] == 1.0}
        assert answers[0]["answer"] == str(value) and answers[0]["fraction"] == 1.0
        assert right == {value} | correct_roundings(value), (value, sorted(right))
        graded_wrong = {int(a["answer"]): a["feedback"] for a in answers if a["fraction"] == 0.0}
        assert set(graded_wrong) == set(wrongs) - right
        for v, whys in wrongs.items():
            if v in graded_wrong:
                assert all(plain(why).lower().rstrip(".") in html_text(graded_wrong[v]).lower() for why in whys)
    return len(subs)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("difficulty", [1, 2, 3])
@pytest.mark.parametrize("form", ["numeric", "choice"])
def test_every_part_of_every_kind_follows_the_cloze_grammar(
    tmp_path: Path, lang: str, difficulty: int, form: str
) -> None:
    args = quick_args(difficulty, form)
    (path,) = export_moodle(tmp_path, "--lang", lang, *args)
    (sheet,) = sheets_for(args, lang=lang)
    questions = [q for q in lxml.etree.parse(str(path)).getroot().findall("question") if q.get("type") != "category"]
    assert len(questions) == len(sheet.problems)  # one question per problem
    kinds_in_cloze, boxes = set(), 0
    for number, (q, problem) in enumerate(zip(questions, sheet.problems), start=1):
        if len(blanks_of(problem)) == 1:
            ((part, value, wrongs),) = blanks_of(problem)
            assert q.get("type") == ("multichoice" if part.choices else "numerical")
            if value is not None:  # a lone number: the same answers as a cloze box, as Moodle XML answers
                graded = [(int(a.findtext("text")), a.get("fraction")) for a in q.findall("answer")]
                assert graded[0] == (value, "100") and {a.findtext("tolerance") for a in q.findall("answer")} == {"0"}
                assert {v for v, f in graded if f == "100"} == {value} | correct_roundings(value)
                assert {v for v, f in graded if f == "0"} == set(wrongs) - correct_roundings(value)
            continue
        assert q.get("type") == "cloze", problem.kind
        boxes += check_cloze(q, problem, number)
        kinds_in_cloze.add(problem.kind)
    assert boxes and kinds_in_cloze
    print(f"{lang} difficulty {difficulty} {form}: {boxes} cloze boxes of {sorted(kinds_in_cloze)}")


def test_cloze_escapes_every_special_character(tmp_path: Path) -> None:
    """A bank problem whose text and feedback hold } # ~ / " \\ & < > keeps them all through Moodle's parser."""
    bank = tmp_path / "bank.yaml"
    tricky = 'Find {x}: a/b ~ c, #1 "q" <b> & \\ back'
    bank.write_text(
        "bank: tricky\nproblems:\n  - id: one\n    title: 'T {#} ~/'\n"
        f"    text: '{tricky}'\n    spec: conv2d in=32x32x3 out=16 k=3\n    ask: [output, params]\n",
        encoding="utf-8",
    )
    recipe = tmp_path / "r.yaml"
    recipe.write_text(f"recipe: r\nsections:\n  - bank: {bank}\n    entries: [one]\n", encoding="utf-8")
    (path,) = export_moodle(tmp_path, str(recipe))
    (q,) = [q for q in lxml.etree.parse(str(path)).getroot().findall("question") if q.get("type") == "cloze"]
    ((problem,),) = [s.problems for s in sheets_of(str(recipe))]
    assert check_cloze(q, problem, 1) == 4  # the shape's 3 numbers and the parameters
    text, _subs = extract_cloze(q.findtext("questiontext/text"))
    assert tricky in html_text(text)


# --- 2b. Files under the upload limit ---------------------------------------------------------------------


def test_thirty_variants_with_figures_fit_the_upload_limit(tmp_path: Path) -> None:
    """30 variants of the default sheet, figures on: every file at most 2M, each a whole quiz; together all 30."""
    files = export_moodle(tmp_path, "--variants", "30", "--figures")
    sizes = [p.stat().st_size for p in files]
    print(f"30 variants with figures: {len(files)} files, sizes {sizes} bytes")
    assert len(files) > 1 and [p.name for p in files] == [f"quiz-{i}.moodle.xml" for i in range(1, len(files) + 1)]
    assert all(size <= PHP_UPLOAD_LIMIT for size in sizes)
    sheets = sheets_of(None, variants=30)
    seen: list[tuple[str, str]] = []
    for path in files:
        root = lxml.etree.parse(str(path)).getroot()  # each file is a whole quiz XML
        questions = root.findall("question")
        assert questions[0].get("type") == "category"  # each starts by saying where its questions go
        category = None
        for q in questions:
            if q.get("type") == "category":
                category = q.findtext("category/text")
            else:
                seen.append((category, q.findtext("idnumber")))
                for area in ("questiontext", "generalfeedback"):  # each figure a file of the text that shows it
                    names = {f.get("name") for f in q.findall(f"{area}/file")}
                    assert names == set(re.findall(r"@@PLUGINFILE@@/(fig-[0-9a-f]+\.svg)", q.findtext(f"{area}/text")))
    assert seen == [
        (f"$course$/top/{s.recipe.title}/Sheet {s.code}", f"P{n}-{p.id}")
        for s in sheets
        for n, p in enumerate(s.problems, start=1)
    ]


def test_max_file_size_sets_the_limit(tmp_path: Path) -> None:
    whole = export_moodle(tmp_path, "--variants", "3", name="whole")
    assert [p.name for p in whole] == ["quiz.moodle.xml"]
    size = whole[0].stat().st_size
    limit = size // 3 + 1
    parts = export_moodle(tmp_path, "--variants", "3", "--max-file-size", str(limit), name="parts")
    assert len(parts) >= 3 and all(p.stat().st_size <= limit for p in parts)
    kilo = export_moodle(tmp_path, "--variants", "3", "--max-file-size", f"{limit // 1024}K", name="kilo")
    assert all(p.stat().st_size <= limit // 1024 * 1024 for p in kilo)


@pytest.mark.parametrize(
    "args, words",
    [
        (["--format", "moodle", "--max-file-size", "2000"], ["--max-file-size", "alone", "bytes, more than 2000"]),
        (["--format", "moodle", "--max-file-size", "2 lots"], ["--max-file-size 2 lots", "K, M or G"]),
        (["--format", "gift", "--max-file-size", "2M"], ["--max-file-size 2M", "--format moodle"]),
    ],
)
def test_max_file_size_errors_are_one_line(tmp_path: Path, args: list[str], words: list[str]) -> None:
    result = CliRunner().invoke(cli, ["worksheet", *args, "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert all(w in result.output for w in words), result.output


# --- 3. No answer worth 0 marks ---------------------------------------------------------------------------

TINY = "recipe: tiny\nsections:\n  - kind: pool-ops\n    count: 1\n    difficulty: 1\n    marks: 0.02\n"


def test_marks_that_leave_an_answer_worth_nothing_are_refused(tmp_path: Path) -> None:
    """pool-ops asks 2 or 3 counts; 0.02 marks over 3 answers is 0.0067 each, which rounds to 0.00 (and
    over 2 answers 0.01 each, which stays).  QTI and GIFT, whose points are in hundredths, refuse the
    first in one line; Moodle's cloze weights are whole numbers in the parts' ratio, never 0."""
    recipe = tmp_path / "tiny.yaml"
    recipe.write_text(TINY, encoding="utf-8")
    seed = next(s for s in range(1, 50) if len(sheets_of(str(recipe), s)[0].problems[0].parts) == 3)
    for fmt in ("qti", "gift"):
        args = ["worksheet", str(recipe), "--seed", str(seed), "--format", fmt, "-o", str(tmp_path / fmt)]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert result.output.count("\n") == 1 and result.output.startswith("Error: marks: "), result.output
        assert "0.02" in result.output and "0.03" in result.output  # 3 answers need 3 × 0.01
        assert not (tmp_path / fmt).exists()
    (path,) = export_moodle(tmp_path, str(recipe), "--seed", str(seed))
    (q,) = [q for q in lxml.etree.parse(str(path)).getroot().findall("question") if q.get("type") == "cloze"]
    _text, subs = extract_cloze(q.findtext("questiontext/text"))
    assert [s["weight"] for s in subs] == [1, 1, 1]  # 0.02/3 each: equal, so 1 : 1 : 1
