"""Exports (issue 5): Moodle XML, GIFT, Canvas QTI 1.2 and Anki, made through the CLI and read back.

Expected values come from the problems themselves (the same seed built through the library),
never from the output; Moodle XML and QTI are read with lxml, GIFT with a small parser written
here from the format's rules, and the Anki package through sqlite3.
"""

from __future__ import annotations

import html as htmllib
import io
import json
import re
import sqlite3
import time
import zipfile
from pathlib import Path

import genanki
import lxml.etree
import lxml.html
import pytest
import yaml
from click.testing import CliRunner

from quizgen import exports
from quizgen.cli import cli
from quizgen.errors import QuizgenError
from quizgen.problems import sheet as worksheet
from quizgen.problems.problem import fmt_value
from quizgen.problems.sheet import Sheet

SEED = 42
LETTERS = [*"abcdefghijklmnopqrstuvwxyz", *(f"a{c}" for c in "abcdefghijklmnopqrstuvwxyz")]
AXES = {2: ("length", "channels"), 3: ("height", "width", "channels"), 4: ("depth", "height", "width", "channels")}
MOODLE_FRACTIONS = {"100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30"}
MOODLE_FRACTIONS |= {"25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0"}


def export(tmp_path: Path, fmt: str, *args: str, name: str = "out") -> Path:
    """Run ``quizgen worksheet --format FMT`` into a fresh folder and return the one file it wrote."""
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["worksheet", *args, "--format", fmt, "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    assert [f.name for f in files] == [exports.FILES[fmt]]
    assert result.stdout.strip() == str(files[0])
    return files[0]


def sheets_for(recipe: str | None = None, *, seed: int = SEED, variants: int = 1) -> list[Sheet]:
    """The sheets the CLI makes for these arguments, built through the library."""
    plan = worksheet.plan(recipe, seed=seed, variants=variants)
    return [worksheet.build_sheet(plan.recipe, s, student=student) for _stem, student, s in plan.sheets]


def plain(text: str) -> str:
    """Text as it reads once symbols such as ``C_in`` are written with a subscript (C<sub>in</sub>)."""
    return re.sub(r"(?<![A-Za-z0-9_])([A-Za-z])_([A-Za-z0-9]+)(?![A-Za-z0-9_])", r"\1\2", text)


def text_of(fragment: str) -> str:
    """The visible text of an HTML fragment."""
    return lxml.html.fragment_fromstring(fragment, create_parent="div").text_content()


def expected_items(sheet: Sheet) -> list[dict]:
    """What each gradable question must be: one per choice part, one per number, one per shape dimension."""
    items = []
    for number, p in enumerate(sheet.problems, start=1):
        for i, part in enumerate(p.parts):
            key = f"P{number}{LETTERS[i] if len(p.parts) > 1 else ''}"
            base = {"problem": p, "part": part}
            if part.choices:
                items.append({**base, "name": f"{key} · {part.label}", "type": "choice"})
                continue
            answer = part.answer if isinstance(part.answer, tuple) else (part.answer,)
            for d, value in enumerate(answer):
                name = f"{key} · {part.label}" + (f" · {AXES[len(answer)][d]}" if len(answer) > 1 else "")
                wrongs: dict[int, list[str]] = {}
                for w in part.wrongs:
                    wv = w.value if isinstance(w.value, tuple) else (w.value,)
                    if len(wv) == len(answer) and wv[d] != value:
                        wrongs.setdefault(wv[d], []).append(w.why)
                items.append({**base, "name": name, "type": "numeric", "answer": value, "wrongs": wrongs})
    return items


# --- a GIFT reader, from the format's rules ---------------------------------------------------------

_PLACEHOLDER = 0xE000  # an escaped character becomes a private-use character until the structure is read


def gift_hide_escapes(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else chr(_PLACEHOLDER + ord(nxt)))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def gift_restore(text: str) -> str:
    return "".join(chr(ord(c) - _PLACEHOLDER) if _PLACEHOLDER <= ord(c) < _PLACEHOLDER + 128 else c for c in text)


def gift_unescape(text: str) -> str:
    return gift_restore(gift_hide_escapes(text))


def _answer(raw: str) -> tuple[str, str]:
    value, _sep, feedback = raw.partition("#")
    return gift_restore(value.strip()), gift_restore(feedback.strip())


def parse_gift(text: str) -> list[dict]:
    """Questions of a GIFT file: category, name, text, kind, answers and general feedback."""
    questions, category = [], None
    for block in re.split(r"\n[ \t]*\n", text):
        body = "\n".join(line for line in block.split("\n") if not line.strip().startswith("//")).strip()
        if not body:
            continue
        if body.startswith("$CATEGORY:"):
            category = body.removeprefix("$CATEGORY:").strip()
            continue
        body = gift_hide_escapes(body)
        assert body.startswith("::"), body[:80]
        name, rest = body[2:].split("::", 1)
        start, end = rest.index("{"), rest.index("}")
        assert rest[end + 1 :].strip() == "", "one answer section, at the end"
        question, inside = rest[:start], rest[start + 1 : end].strip()
        fmt = ""
        if question.startswith("["):
            fmt, question = question[1:].split("]", 1)
        inside, _sep, general = inside.partition("####")
        q = {
            "category": category,
            "name": gift_restore(name),
            "format": fmt,
            "text": gift_restore(question.strip()),
            "general": gift_restore(general.strip()),
        }
        if inside.startswith("#"):
            q["kind"] = "numerical"
            q["answers"] = []
            for raw in inside[1:].split("=")[1:]:
                weight = 100
                if m := re.match(r"%(-?\d+(?:\.\d+)?)%", raw):
                    weight, raw = float(m.group(1)), raw[m.end() :]
                value, feedback = _answer(raw)
                number, _colon, tolerance = value.partition(":")
                q["answers"].append((int(number), float(tolerance or 0), weight, feedback))
        else:
            q["kind"] = "multichoice"
            q["answers"] = [
                (*_answer(raw), marker == "=") for marker, raw in re.findall(r"([=~])([^=~]*)", inside.strip())
            ]
        questions.append(q)
    return questions


# --- Moodle XML -------------------------------------------------------------------------------------


def moodle_questions(path: Path) -> list[lxml.etree._Element]:
    root = lxml.etree.parse(str(path)).getroot()
    assert root.tag == "quiz"
    return root.findall("question")


def _numbered(want: list[dict]) -> list[tuple[int, dict]]:
    """Each expected item with its problem's number on the sheet."""
    numbers: dict[int, int] = {}
    return [(numbers.setdefault(id(w["problem"]), len(numbers) + 1), w) for w in want]


def test_moodle_xml_numerical_and_multichoice(tmp_path: Path) -> None:
    path = export(tmp_path, "moodle", "--seed", str(SEED))
    (sheet,) = sheets_for()
    questions = moodle_questions(path)
    category, *rest = questions
    assert category.get("type") == "category"
    assert category.findtext("category/text") == f"$course$/top/{sheet.recipe.title}/Sheet {sheet.code}"
    # One question per problem: a lone answer box as numerical or multichoice, several as one cloze question
    want = expected_items(sheet)
    single = {id(w["problem"]) for w in want if sum(x["problem"] is w["problem"] for x in want) == 1}
    names = [w["name"] if id(w["problem"]) in single else f"P{n} · {w['problem'].title}" for n, w in _numbered(want)]
    types = [
        ("numerical" if w["type"] == "numeric" else "multichoice") if id(w["problem"]) in single else "cloze"
        for _n, w in _numbered(want)
    ]
    assert [q.findtext("name/text") for q in rest] == list(dict.fromkeys(names))
    assert [q.get("type") for q in rest] == [types[names.index(name)] for name in dict.fromkeys(names)]
    for q in rest:
        assert {a.get("fraction") for a in q.findall("answer")} <= MOODLE_FRACTIONS
    rest = [q for q in rest if q.get("type") != "cloze"]
    want = [w for w in want if id(w["problem"]) in single]

    # One numerical question with misconceptions: the right answer first at tolerance 0, then (after any
    # correct roundings, see test_moodle_import.py) each wrong value at 0 with its reasons.
    num_q, num = next((q, w) for q, w in zip(rest, want) if w["type"] == "numeric" and w["wrongs"])
    answers = [(a.findtext("text"), a.get("fraction"), a.findtext("tolerance")) for a in num_q.findall("answer")]
    assert answers[0] == (str(num["answer"]), "100", "0")
    assert [a for a in answers if a[1] == "0"] == [(str(v), "0", "0") for v in num["wrongs"]]
    for a in num_q.findall("answer"):
        if a.get("fraction") == "0":
            whys = num["wrongs"][int(a.findtext("text"))]
            feedback = text_of(a.findtext("feedback/text")).lower()
            assert all(plain(why).lower() in feedback for why in whys)
    steps = text_of(num_q.findtext("generalfeedback/text"))
    for step in num["problem"].steps:
        assert plain(step.title) in steps and plain(step.result) in steps
    assert plain(num["problem"].text) in text_of(num_q.findtext("questiontext/text"))
    assert num["problem"].spec in text_of(num_q.findtext("questiontext/text"))

    # One multichoice question: the sheet's options in order, 100 for the right one, feedback on each.
    mc_q, mc = next((q, w) for q, w in zip(rest, want) if w["type"] == "choice")
    assert mc_q.findtext("single") == "true" and mc_q.findtext("shuffleanswers") == "false"
    options = [(a.findtext("text"), a.get("fraction")) for a in mc_q.findall("answer")]
    assert options == [(fmt_value(c.value), "100" if c.correct else "0") for c in mc["part"].choices]
    for a, c in zip(mc_q.findall("answer"), mc["part"].choices):
        assert c.correct or plain(c.why).lower() in text_of(a.findtext("feedback/text")).lower()
    steps = text_of(mc_q.findtext("generalfeedback/text"))
    assert all(plain(s.title) in steps and plain(s.result) in steps for s in mc["problem"].steps)


def test_moodle_xml_one_category_per_sheet(tmp_path: Path) -> None:
    path = export(tmp_path, "moodle", "--seed", str(SEED), "--variants", "2")
    sheets = sheets_for(variants=2)
    categories, counts = [], []
    for q in moodle_questions(path):
        if q.get("type") == "category":
            categories.append(q.findtext("category/text"))
            counts.append(0)
        else:
            counts[-1] += 1
    assert categories == [f"$course$/top/{s.recipe.title}/Sheet {s.code}" for s in sheets]
    assert counts == [len(s.problems) for s in sheets]  # one question per problem


# --- GIFT ---------------------------------------------------------------------------------------------


def test_gift_parses_back_to_the_problems(tmp_path: Path) -> None:
    path = export(tmp_path, "gift", "--seed", str(SEED))
    (sheet,) = sheets_for()
    questions = parse_gift(path.read_text(encoding="utf-8"))
    want = expected_items(sheet)
    assert [q["name"] for q in questions] == [w["name"] for w in want]
    assert {q["category"] for q in questions} == {f"$course$/top/{sheet.recipe.title}/Sheet {sheet.code}"}
    for q, w in zip(questions, want):
        assert q["format"] == "html"
        assert plain(w["problem"].text) in text_of(q["text"])
        assert all(plain(s.title) in text_of(q["general"]) for s in w["problem"].steps)
        if w["type"] == "numeric":
            assert q["kind"] == "numerical"
            assert [(v, t, wt) for v, t, wt, _fb in q["answers"]] == [(w["answer"], 0, 100)] + [
                (v, 0, 0) for v in w["wrongs"]
            ]
            for (_v, _t, _wt, feedback), whys in zip(q["answers"][1:], w["wrongs"].values()):
                assert all(plain(why).lower() in text_of(feedback).lower() for why in whys)
        else:
            assert q["kind"] == "multichoice"
            assert [(text, ok) for text, _fb, ok in q["answers"]] == [
                (fmt_value(c.value), c.correct) for c in w["part"].choices
            ]
            assert all(
                c.correct or plain(c.why).lower() in text_of(fb).lower()
                for (_t, fb, _ok), c in zip(q["answers"], w["part"].choices)
            )


TRICKY = 'Find {x} where a=b ~ c, #1: "quoted" <b> & \\ backslash'


@pytest.fixture
def tricky_recipe(tmp_path: Path) -> Path:
    """A recipe drawing from a bank whose question text has every GIFT special character (and HTML ones)."""
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        yaml.safe_dump(
            {
                "bank": "tricky",
                "title": "Tricky: {text} = ~#",
                "problems": [
                    {
                        "id": "one",
                        "title": "One",
                        "text": TRICKY,
                        "spec": "conv2d in=32x32x3 out=16 k=3",
                        "ask": ["output", "params"],
                    },
                    {
                        "id": "two",
                        "title": "Two",
                        "text": TRICKY + " again",
                        "spec": "maxpool2d in=8x8x4 k=2 s=2",
                        "ask": ["windows"],
                    },
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        f"recipe: r\nsections:\n  - bank: {bank}\n    entries: [one]\n  - bank: {bank}\n    entries: [two]\n    form: choice\n",
        encoding="utf-8",
    )
    return recipe


def test_gift_escapes_every_special_character(tmp_path: Path, tricky_recipe: Path) -> None:
    path = export(tmp_path, "gift", str(tricky_recipe))
    raw = path.read_text(encoding="utf-8")
    sheets = sheets_for(str(tricky_recipe))
    questions = parse_gift(raw)
    want = expected_items(sheets[0])
    assert [q["name"] for q in questions] == [w["name"] for w in want]
    assert {q["kind"] for q in questions} == {"numerical", "multichoice"}
    for q, w in zip(questions, want):
        assert TRICKY in text_of(q["text"]) and plain(w["problem"].text) in text_of(q["text"])
    # Outside the answer sections, no special character is left bare.
    for line in raw.splitlines():
        if line.startswith("::"):
            text = re.sub(r"\{#?$", "", line[2:].split("::", 1)[1])
            assert not re.search(r"(?<!\\)(?:\\\\)*[~=#{}:]", text), text
    for sample in (TRICKY, "a:b\nc\\n", "}{", "\\"):
        assert gift_unescape(exports.gift_escape(sample)) == sample


# --- Canvas QTI 1.2 -----------------------------------------------------------------------------------

CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


def qti_assessments(path: Path) -> list[lxml.etree._Element]:
    """The assessments the manifest names, each checked against the zip."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        manifest = lxml.etree.fromstring(z.read("imsmanifest.xml"))
        assert manifest.tag == f"{CP}manifest"
        resources = {r.get("identifier"): r for r in manifest.iter(f"{CP}resource")}
        found = []
        for r in resources.values():
            if r.get("type") != "imsqti_xmlv1p2":
                continue
            (href,) = [f.get("href") for f in r.findall(f"{CP}file")]
            assert href in names
            (dep,) = r.findall(f"{CP}dependency")
            meta = resources[dep.get("identifierref")]
            assert [f.get("href") for f in meta.findall(f"{CP}file")][0] in names
            doc = lxml.etree.fromstring(z.read(href))
            assert doc.tag == f"{QTI}questestinterop"
            (assessment,) = doc.findall(f"{QTI}assessment")
            assert assessment.get("ident") == r.get("identifier")
            found.append(assessment)
        return found


def meta_fields(item: lxml.etree._Element) -> dict[str, str]:
    return {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry") for f in item.iter(f"{QTI}qtimetadatafield")}


def test_qti_zip_is_a_canvas_quiz(tmp_path: Path) -> None:
    path = export(tmp_path, "qti", "--seed", str(SEED))
    (sheet,) = sheets_for()
    (assessment,) = qti_assessments(path)
    assert sheet.code in assessment.get("title")
    items = assessment.findall(f"{QTI}section/{QTI}item")
    want = expected_items(sheet)
    assert [i.get("title") for i in items] == [w["name"] for w in want]
    assert len({i.get("ident") for i in items}) == len(items)
    for item, w in zip(items, want):
        kind = meta_fields(item)["question_type"]
        question = item.findtext(f"{QTI}presentation/{QTI}material/{QTI}mattext")
        assert plain(w["problem"].text) in text_of(question)
        conditions = item.findall(f"{QTI}resprocessing/{QTI}respcondition")
        scoring = [c for c in conditions if c.findtext(f"{QTI}setvar") == "100"]
        assert len(scoring) == 1 and scoring[0].get("continue") == "No"
        if w["type"] == "numeric":
            assert kind == "numerical_question"
            assert item.find(f"{QTI}presentation/{QTI}response_str/{QTI}render_fib").get("fibtype") == "Decimal"
            exact = scoring[0].find(f"{QTI}conditionvar/{QTI}or")
            assert exact.findtext(f"{QTI}varequal") == str(w["answer"])
            assert (
                exact.findtext(f"{QTI}and/{QTI}vargte") == exact.findtext(f"{QTI}and/{QTI}varlte") == str(w["answer"])
            )
        else:
            assert kind == "multiple_choice_question"
            labels = item.findall(f"{QTI}presentation/{QTI}response_lid/{QTI}render_choice/{QTI}response_label")
            texts = [lbl.findtext(f"{QTI}material/{QTI}mattext") for lbl in labels]
            assert texts == [fmt_value(c.value) for c in w["part"].choices]
            right = scoring[0].findtext(f"{QTI}conditionvar/{QTI}varequal")
            (correct,) = [c for c in w["part"].choices if c.correct]
            assert texts[[lbl.get("ident") for lbl in labels].index(right)] == fmt_value(correct.value)
            assert meta_fields(item)["original_answer_ids"] == ",".join(lbl.get("ident") for lbl in labels)
        general = item.find(f"{QTI}itemfeedback[@ident='general_fb']")
        assert all(plain(s.title) in text_of(general.findtext(f".//{QTI}mattext")) for s in w["problem"].steps)


def test_qti_zip_one_quiz_per_sheet(tmp_path: Path) -> None:
    path = export(tmp_path, "qti", "--seed", str(SEED), "--variants", "3")
    sheets = sheets_for(variants=3)
    assessments = qti_assessments(path)
    assert [s.code in a.get("title") for a, s in zip(assessments, sheets)] == [True] * 3
    assert [len(a.findall(f".//{QTI}item")) for a in assessments] == [len(expected_items(s)) for s in sheets]


# --- Anki -------------------------------------------------------------------------------------------------


def anki_notes(path: Path, tmp_path: Path) -> tuple[list[tuple], sqlite3.Connection]:
    with zipfile.ZipFile(path) as z:
        media = json.loads(z.read("media"))  # figures: Anki's map of numbered entries to file names
        assert set(z.namelist()) == {"collection.anki2", "media", *media}
        assert all(re.fullmatch(r"fig-[0-9a-f]{16}\.svg", name) for name in media.values())
        db = tmp_path / f"{path.parent.name}.anki2"
        db.write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(db)
    return conn.execute("SELECT guid, mid, flds, tags FROM notes ORDER BY id").fetchall(), conn


def test_anki_deck_fields_and_guids(tmp_path: Path) -> None:
    path = export(tmp_path, "anki", "--seed", str(SEED))
    (sheet,) = sheets_for()
    notes, conn = anki_notes(path, tmp_path)
    problems = sheet.problems
    assert [n[0] for n in notes] == [genanki.guid_for("quizgen", p.id) for p in problems]
    assert {n[1] for n in notes} == {exports.ANKI_MODEL_ID}
    for (_guid, _mid, flds, tags), p in zip(notes, problems):
        front, back, steps = flds.split("\x1f")
        assert plain(p.text) in text_of(front) and p.shown_spec in text_of(front)
        for part in p.parts:
            assert part.label in text_of(front)
            assert fmt_value(part.answer) in text_of(back)
            assert all(fmt_value(c.value) in text_of(front) for c in part.choices)
        assert all(plain(s.title) in text_of(steps) and plain(s.result) in text_of(steps) for s in p.steps)
        assert set(tags.split()) >= {"quizgen", p.kind, f"sheet::{sheet.code}"}
    decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
    assert decks[str(exports.anki_deck_id(sheet))]["name"] == f"quizgen::{sheet.recipe.title}"
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    assert [f["name"] for f in models[str(exports.ANKI_MODEL_ID)]["flds"]] == ["Question", "Answer", "Steps"]
    # Every timestamp is pinned, not the time of the export.
    stamps = {m for (m,) in conn.execute("SELECT mod FROM notes UNION SELECT mod FROM cards")}
    assert stamps == {exports.anki_timestamp()}
    conn.close()


def test_anki_guids_follow_the_problem_not_the_seed(tmp_path: Path, tricky_recipe: Path) -> None:
    """A bank's fixed problems give the same notes from any seed, so a re-import updates them."""
    first, _c1 = anki_notes(export(tmp_path, "anki", str(tricky_recipe), "--seed", "1", name="a"), tmp_path)
    again, _c2 = anki_notes(export(tmp_path, "anki", str(tricky_recipe), "--seed", "1", name="b"), tmp_path)
    other, _c3 = anki_notes(export(tmp_path, "anki", str(tricky_recipe), "--seed", "9", name="c"), tmp_path)
    guids = [n[0] for n in first]
    assert len(guids) == len(set(guids)) == 2
    assert [n[0] for n in again] == guids
    assert sorted(n[0] for n in other) == sorted(guids)


def test_anki_one_note_per_distinct_problem(tmp_path: Path) -> None:
    path = export(tmp_path, "anki", "--seed", str(SEED), "--variants", "2")
    sheets = sheets_for(variants=2)
    notes, _conn = anki_notes(path, tmp_path)
    ids = list(dict.fromkeys(p.id for s in sheets for p in s.problems))
    assert [n[0] for n in notes] == [genanki.guid_for("quizgen", i) for i in ids]


# --- determinism and errors -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_same_seed_gives_byte_identical_files(tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first = export(tmp_path, fmt, "--seed", str(SEED), "--variants", "2", name="first").read_bytes()
    later = time.time() + 3 * 86_400  # a later export must not differ: no clock in the output
    monkeypatch.setattr(time, "time", lambda: later)
    second = export(tmp_path, fmt, "--seed", str(SEED), "--variants", "2", name="second").read_bytes()
    assert first == second
    other = export(tmp_path, fmt, "--seed", str(SEED + 1), "--variants", "2", name="other").read_bytes()
    assert other != first
    if fmt in ("qti", "anki"):
        with zipfile.ZipFile(io.BytesIO(first)) as z:
            assert {i.date_time for i in z.infolist()} == {exports.ZIP_DATE}


def test_unknown_format_is_a_one_line_error() -> None:
    with pytest.raises(QuizgenError) as exc:
        exports.export_files("moodel", sheets_for())
    assert "\n" not in str(exc.value) and "moodle" in str(exc.value)


def test_html_in_problem_text_is_escaped(tmp_path: Path, tricky_recipe: Path) -> None:
    """``<b> & "`` in a problem's text stays text in every format, never markup."""
    moodle = moodle_questions(export(tmp_path, "moodle", str(tricky_recipe), name="m"))
    assert all(TRICKY in text_of(q.findtext("questiontext/text")) for q in moodle[1:])
    (assessment,) = qti_assessments(export(tmp_path, "qti", str(tricky_recipe), name="q"))
    for item in assessment.iter(f"{QTI}item"):
        assert TRICKY in text_of(item.findtext(f"{QTI}presentation/{QTI}material/{QTI}mattext"))
    notes, _conn = anki_notes(export(tmp_path, "anki", str(tricky_recipe), name="a"), tmp_path)
    assert all(TRICKY in text_of(flds.split("\x1f")[0]) for _g, _m, flds, _t in notes)
    assert htmllib.escape("<b>") in notes[0][2]


# --- category names and a Canvas answer of 0 (issue 10) ---------------------------------------------


def moodle_split_category_path(path: str) -> list[str]:
    """Moodle's ``split_category_path``: split at a lone ``/``, undouble ``//``, trim each name."""
    return [name.replace("//", "/").strip() for name in re.split(r"(?<!/)/(?!/)", path)]


@pytest.mark.parametrize("title", ["/Week 3/", "a/b", "Week 3/", "/x", "//"])
@pytest.mark.parametrize("fmt", ["moodle", "gift"])
def test_category_names_with_slashes_stay_apart(tmp_path: Path, title: str, fmt: str) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(yaml.safe_dump({"recipe": "r", "title": title, "sections": [{"kind": "output-conv"}]}))
    path = export(tmp_path, fmt, str(recipe), "--seed", str(SEED), "--variants", "2")
    if fmt == "moodle":
        paths = [q.findtext("category/text") for q in moodle_questions(path) if q.get("type") == "category"]
    else:
        paths = re.findall(r"^\$CATEGORY: (.*)$", path.read_text(encoding="utf-8"), flags=re.M)
    sheets = sheets_for(str(recipe), variants=2)
    assert [moodle_split_category_path(p) for p in paths] == [
        ["$course$", "top", title, f"Sheet {s.code}"] for s in sheets
    ]


def canvas_score(condition: lxml.etree._Element, response: str) -> bool:
    """Whether a QTI <conditionvar> holds for a typed number, read as Canvas reads a numerical answer."""

    def holds(el: lxml.etree._Element) -> bool:
        tag = el.tag.removeprefix(QTI)
        if tag == "or":
            return any(holds(c) for c in el)
        if tag == "and":
            return all(holds(c) for c in el)
        if tag == "other":
            return True
        bound = float(el.text)
        return {"varequal": float(response) == bound, "vargte": float(response) >= bound}.get(
            tag, float(response) <= bound
        )

    return all(holds(c) for c in condition)


def test_qti_answer_of_zero_is_a_tiny_range(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text("recipe: pad\nsections:\n  - kind: inverse-padding\n    difficulty: 3\n    count: 4\n")
    path = export(tmp_path, "qti", str(recipe), "--seed", "3")
    (sheet,) = sheets_for(str(recipe), seed=3)
    want = expected_items(sheet)
    assert any(w["answer"] == 0 for w in want)  # TensorFlow's 'same' often pads 0 rows on the top
    (assessment,) = qti_assessments(path)
    items = assessment.findall(f"{QTI}section/{QTI}item")
    for item, w in zip(items, want):
        conditions = item.findall(f"{QTI}resprocessing/{QTI}respcondition")
        (scoring,) = [c for c in conditions if c.findtext(f"{QTI}setvar") == "100"]
        condition = scoring.find(f"{QTI}conditionvar")
        answer = w["answer"]
        assert canvas_score(condition, str(answer)) and canvas_score(condition, f"{answer}.0")
        assert not canvas_score(condition, str(answer + 1)) and not canvas_score(condition, str(answer - 1))
        if answer == 0:
            assert condition.find(f"{QTI}varequal") is None and condition.find(f".//{QTI}varequal") is None
            assert [(c.tag.removeprefix(QTI), c.text) for c in condition] == [
                ("vargte", "-0.0001"),
                ("varlte", "0.0001"),
            ]


def test_exports_write_subscripts_not_underscores(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "recipe: r\nsections:\n  - kind: receptive-field\n    difficulty: 2\n  - kind: spot-error\n    difficulty: 2\n"
        "  - kind: params-conv\n    difficulty: 2\n  - kind: macs-conv\n    difficulty: 2\n    form: choice\n"
    )
    questions = moodle_questions(export(tmp_path, "moodle", str(recipe)))
    texts = "".join(t.text or "" for q in questions[1:] for t in q.iter("text") if t.getparent().tag != "name")
    prose = re.sub(r"\\\(.*?\\\)|<pre.*?</pre>", "", texts, flags=re.S)  # math keeps TeX's subscripts
    assert not re.findall(r"(?<![A-Za-z0-9_])[A-Za-z]_[A-Za-z0-9]+", prose)
    assert re.search(r"[A-Z]<sub>(in|out|eff)</sub>", texts)


# --- marks as points (issue 12) -------------------------------------------------------------------------

MARKED = """\
recipe: marked
title: Marked
sections:
  - title: Shapes
    kind: output-conv
    count: 1
    marks: 3
  - title: Choice
    kind: params-conv
    count: 1
    form: choice
    marks: 3
  - title: Counts
    kind: pool-ops
    count: 1
"""


@pytest.fixture
def marked(tmp_path: Path) -> Path:
    recipe = tmp_path / "marked.yaml"
    recipe.write_text(MARKED, encoding="utf-8")
    return recipe


def marked_points(sheet: Sheet) -> list[float]:
    """Each item's points, by hand from MARKED: the output shape's 3 marks over its 3 dimensions (1 each),
    the choice part's 3 marks, and pool-ops's 1 mark for each of its 2 or 3 counts."""
    shape, choice, counts = sheet.problems
    assert len(shape.parts) == 1 and len(shape.parts[0].answer) == 3 and choice.parts[0].choices
    return [1.0, 1.0, 1.0, 3.0] + [1.0] * len(counts.parts)


def cloze_weights(question: lxml.etree._Element) -> list[int]:
    """The weight of each sub-question of a cloze question: ``{WEIGHT:TYPE:…}`` (see test_moodle_import.py)."""
    return [int(w) for w in re.findall(r"\{([0-9]*):[A-Z_]+:", question.findtext("questiontext/text"))]


def test_moodle_defaultgrade_is_the_recipes_marks(tmp_path: Path, marked: Path) -> None:
    """One question per problem.  The shape's 3 marks over its 3 numbers are weights 1, 1, 1 (a cloze
    question is worth the sum of its weights: 3); the choice part is one multichoice question worth 3;
    pool-ops's 1 mark for each of its 2 or 3 counts are weights of 1 each."""
    path = export(tmp_path, "moodle", str(marked))
    (sheet,) = sheets_for(str(marked))
    shape, choice, counts = [q for q in moodle_questions(path) if q.get("type") != "category"]
    assert (shape.get("type"), choice.get("type"), counts.get("type")) == ("cloze", "multichoice", "cloze")
    assert cloze_weights(shape) == [1, 1, 1] and cloze_weights(counts) == [1] * len(sheet.problems[2].parts)
    grades = [float(q.findtext("defaultgrade")) for q in (shape, choice, counts)]
    assert grades == [3, 3, len(sheet.problems[2].parts)]
    assert sum(grades) == sum(marked_points(sheet))
    tags = [[t.findtext("text") for t in q.iter("tag")] for q in (shape, choice, counts)]
    assert [[t for t in ts if t.startswith("marks:")] for ts in tags] == [
        ["marks:3"],
        ["marks:3"],
        [f"marks:{len(sheet.problems[2].parts)}"],
    ]


def test_moodle_cloze_weights_keep_the_ratio_of_marks_that_are_not_whole(tmp_path: Path) -> None:
    """1 mark over a shape's 3 numbers is 1/3 each; Moodle's weights are whole numbers, so 1 : 1 : 1 (the
    question is worth 3 in Moodle, tagged marks:1).  A lone answer keeps its marks exactly (1.5)."""
    recipe = tmp_path / "one.yaml"
    recipe.write_text(
        "recipe: one\nsections:\n  - kind: output-conv\n    count: 1\n    marks: 1\n"
        "  - kind: params-conv\n    count: 1\n    marks: 1.5\n",
        encoding="utf-8",
    )
    path = export(tmp_path, "moodle", str(recipe))
    shape, params = [q for q in moodle_questions(path) if q.get("type") != "category"]
    assert cloze_weights(shape) == [1, 1, 1] and shape.findtext("defaultgrade") == "3"
    assert "marks:1" in [t.findtext("text") for t in shape.iter("tag")]
    assert params.get("type") == "numerical" and params.findtext("defaultgrade") == "1.5"


def test_qti_points_possible_is_the_recipes_marks(tmp_path: Path, marked: Path) -> None:
    path = export(tmp_path, "qti", str(marked))
    (sheet,) = sheets_for(str(marked))
    (assessment,) = qti_assessments(path)
    items = assessment.findall(f"{QTI}section/{QTI}item")
    assert [float(meta_fields(i)["points_possible"]) for i in items] == marked_points(sheet)
    for item in items:  # SCORE is Canvas's percentage of points_possible, whatever the item is worth
        (decvar,) = item.iter(f"{QTI}decvar")
        assert (decvar.get("varname"), decvar.get("minvalue"), decvar.get("maxvalue")) == ("SCORE", "0", "100")
    with zipfile.ZipFile(path) as z:
        (meta,) = [n for n in z.namelist() if n.endswith("/assessment_meta.xml")]
        settings = lxml.etree.fromstring(z.read(meta))
    total = settings.findtext("{http://canvas.instructure.com/xsd/cccv1p0}points_possible")
    assert float(total) == 3 + 3 + len(sheet.problems[2].parts)


def test_gift_notes_the_marks_it_cannot_carry(tmp_path: Path, marked: Path) -> None:
    path = export(tmp_path, "gift", str(marked))
    (sheet,) = sheets_for(str(marked))
    raw = path.read_text(encoding="utf-8")
    assert "GIFT has no question points" in raw
    noted = [float(m) for m in re.findall(r"^// P\d+[a-z]? · .* · ([\d.]+) marks?$", raw, re.M)]
    assert noted == marked_points(sheet)
    # The questions themselves are unchanged: GIFT's weights are per answer (100 for the right one).
    assert len(parse_gift(raw)) == len(noted)


def test_gift_says_nothing_of_marks_when_every_question_is_worth_1(tmp_path: Path) -> None:
    recipe = tmp_path / "plain.yaml"
    recipe.write_text("recipe: plain\nsections:\n  - kind: params-conv\n    count: 2\n", encoding="utf-8")
    raw = export(tmp_path, "gift", str(recipe)).read_text(encoding="utf-8")
    assert "GIFT has no question points" not in raw


# --- Anki: the letters on a card (issue 21, exports 4) ---------------------------------------------------

SHARED_BANK = """\
bank: shared
problems:
  - id: one
    title: One
    spec: conv2d in=32x32x3 out=16 k=3
    ask: [params, macs]
"""


def test_anki_cards_show_no_sheets_letters(tmp_path: Path) -> None:
    """A bank problem in choice form on 4 sheets is one note, but each sheet orders its options its own way.

    Imported with Anki's own importer (the ``anki`` package) and each card rendered as Anki shows it:
    any letter the card puts before an option must be that option's letter on every sheet the card is
    tagged with (there is none: letters are left off), every option is shown, and the back gives the value.
    """
    collection = pytest.importorskip("anki.collection")
    bank = tmp_path / "bank.yaml"
    bank.write_text(SHARED_BANK, encoding="utf-8")
    recipe = tmp_path / "r.yaml"
    recipe.write_text(f"recipe: r\nsections:\n  - bank: {bank}\n    entries: [one]\n    form: choice\n")
    path = export(tmp_path, "anki", str(recipe), "--seed", str(SEED), "--variants", "4")
    sheets = sheets_for(str(recipe), variants=4)
    (problem,) = {p.id: p for s in sheets for p in s.problems}.values()
    orders = {tuple(tuple(c.value for c in part.choices) for part in s.problems[0].parts) for s in sheets}
    assert len(orders) > 1  # the sheets do differ in their letters: what the card must not get wrong
    letters = {
        s.code: {(i, c.value): c.letter for i, part in enumerate(s.problems[0].parts) for c in part.choices}
        for s in sheets
    }
    (tmp_path / "anki").mkdir()
    col = collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        col.import_anki_package(collection.ImportAnkiPackageRequest(package_path=str(path)))
        (nid,) = col.find_notes("")
        note = col.get_note(nid)
        studied = [t.removeprefix("sheet::") for t in note.tags if t.startswith("sheet::")]
        assert sorted(studied) == sorted(s.code for s in sheets)
        (card,) = note.cards()
        front = lxml.html.fragment_fromstring(card.question(), create_parent="div")
        back = text_of(card.answer())
        options = front.findall(".//ul[@class='choices']")
        assert len(options) == len(problem.parts)
        for i, (part, shown) in enumerate(zip(problem.parts, options)):
            items = [li.text_content().strip() for li in shown.findall("li")]
            for item in items:
                m = re.fullmatch(r"(?:([A-D])[.)]\s*)?(.+)", item)
                value = next(c.value for c in part.choices if fmt_value(c.value) == m.group(2))
                for code in studied:  # a letter, if shown, must be right on every sheet the card is studied for
                    assert m.group(1) in (None, letters[code][(i, value)]), (code, item)
            assert sorted(items) == sorted(fmt_value(c.value) for c in part.choices)
            assert fmt_value(part.answer) in back
        assert not re.search(r"\b[A-D][.)] ", back)
    finally:
        col.close()
