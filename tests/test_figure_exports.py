"""Figures in the exports (issue 13): Moodle embeds them, QTI packs them in the zip, Anki as media.

Made through ``quizgen worksheet --format …`` on a recipe of known layers and read back with lxml, zipfile,
sqlite3 and, where it is installed, Anki's own importer.  The question side must never show what is asked:
no figure at all for a problem that asks a layer setting or a stack's answers, and the layer's figure with
the output left as "?" otherwise.
"""

from __future__ import annotations

import base64
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
import yaml
from click.testing import CliRunner

from quizgen import exports
from quizgen.cli import cli
from quizgen.problems import sheet as worksheet

SVG = "{http://www.w3.org/2000/svg}"
SEED = 7
#: The bank's layer: conv2d on 9×9, k=3, s=2, p=0.  Output: floor((9 - 3 + 2·0)/2) + 1 = floor(6/2) + 1 = 4,
#: so 4×4×1.  No other number the question shows is a 4 (9, 3, 2, 1).
SMALL = "conv2d in=9x9x1 out=1 k=3 s=2"
OUT = 4
#: The kinds whose question side gets no figure: a layer setting or a stack's answers is asked.
NO_QUESTION_FIGURE = ("inverse-padding", "inverse-stride", "inverse-kernel", "network-trace", "receptive-field")
FIG = re.compile(r"fig-[0-9a-f]{16}\.svg")


@pytest.fixture
def recipe(tmp_path: Path) -> Path:
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        yaml.safe_dump(
            {
                "bank": "small",
                "problems": [
                    {"id": "grid", "title": "Grid", "spec": SMALL, "ask": ["output"]},
                    {"id": "count", "title": "Count", "spec": SMALL, "ask": ["params"]},
                    {"id": "macs", "title": "MACs", "spec": SMALL, "ask": ["macs"]},
                ],
            }
        ),
        encoding="utf-8",
    )
    path = tmp_path / "recipe.yaml"
    sections = [{"bank": str(bank), "entries": ["grid"]}]
    sections += [{"kind": kind, "count": 1, "difficulty": 1} for kind in NO_QUESTION_FIGURE]
    path.write_text(yaml.safe_dump({"recipe": "figures", "sections": sections}), encoding="utf-8")
    return path


def export(tmp_path: Path, fmt: str, recipe: Path, name: str = "out") -> Path:
    out = tmp_path / name
    result = CliRunner().invoke(
        cli, ["worksheet", str(recipe), "--seed", str(SEED), "--format", fmt, "-o", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return out / exports.FILES[fmt]


def kinds_in_order(recipe: Path) -> list[str]:
    """The kind of each problem of the sheet, in order (the bank's problem first)."""
    plan = worksheet.plan(str(recipe), seed=SEED)
    ((_stem, student, seed),) = plan.sheets
    return [p.kind for p in worksheet.build_sheet(plan.recipe, seed, student=student).problems]


def svg_words(svg: bytes | str) -> str:
    """What a figure says (its title, description and labels), not its style sheet or coordinates."""
    root = lxml.etree.fromstring(svg.encode() if isinstance(svg, str) else svg)
    assert root.tag == f"{SVG}svg"
    wanted = {f"{SVG}title", f"{SVG}desc", f"{SVG}text"}
    return " ".join("".join(el.itertext()) for el in root.iter() if el.tag in wanted)


def output_cells(svg: bytes | str) -> int:
    root = lxml.etree.fromstring(svg.encode() if isinstance(svg, str) else svg)
    return sum(1 for el in root.iter(f"{SVG}rect") if "out" in (el.get("class") or "").split())


def assert_question_figure_hides_the_answer(svg: bytes | str) -> None:
    words = svg_words(svg)
    assert "?" in words
    assert str(OUT) not in re.findall(r"\d+", words), words  # no "4", so no "4×4"
    assert output_cells(svg) == 0


def assert_answer_figure_shows_it(svg: bytes | str) -> None:
    assert f"{OUT}×{OUT}" in svg_words(svg)
    assert output_cells(svg) == OUT * OUT


def srcs(fragment: str) -> list[str]:
    if not fragment.strip():
        return []
    return [img.get("src") for img in lxml.html.fragment_fromstring(fragment, create_parent="div").iter("img")]


# --- Moodle XML -----------------------------------------------------------------------------------------


def moodle_by_problem(path: Path, kinds: list[str]) -> dict[str, list[lxml.etree._Element]]:
    """Each problem kind's questions; a question's name starts with its problem number, P1…"""
    root = lxml.etree.parse(str(path)).getroot()  # well-formed, or this raises
    found: dict[str, list[lxml.etree._Element]] = {}
    for q in root.findall("question"):
        if q.get("type") == "category":
            continue
        number = int(re.match(r"P(\d+)", q.findtext("name/text")).group(1))
        found.setdefault(kinds[number - 1], []).append(q)
    return found


def moodle_figures(text_el: lxml.etree._Element) -> list[bytes]:
    """The SVG files a Moodle text holds, checked against the images its HTML shows."""
    files = {f.get("name"): f for f in text_el.findall("file")}
    shown = srcs(text_el.findtext("text"))
    assert sorted(shown) == sorted(f"@@PLUGINFILE@@/{name}" for name in files)
    for f in files.values():
        assert FIG.fullmatch(f.get("name")) and f.get("path") == "/" and f.get("encoding") == "base64"
    return [base64.b64decode(f.text) for f in files.values()]


def test_moodle_embeds_the_figure_and_never_the_answer_in_the_question(tmp_path: Path, recipe: Path) -> None:
    kinds = kinds_in_order(recipe)
    questions = moodle_by_problem(export(tmp_path, "moodle", recipe), kinds)
    grid = questions[kinds[0]]
    assert len(grid) == 1  # the shape 4×4×1: one cloze question, a box per dimension, the figure once
    assert len(re.findall(r"\{1:NUMERICAL:", grid[0].findtext("questiontext/text"))) == 3
    for q in grid:
        (asked,) = moodle_figures(q.find("questiontext"))
        assert_question_figure_hides_the_answer(asked)
        (key,) = moodle_figures(q.find("generalfeedback"))
        assert_answer_figure_shows_it(key)
    for kind in NO_QUESTION_FIGURE:
        for q in questions[kind]:
            assert moodle_figures(q.find("questiontext")) == [], kind
            assert len(moodle_figures(q.find("generalfeedback"))) == 1, kind  # the key may show it


def test_a_question_figure_says_nothing_false_of_what_is_asked(tmp_path: Path, recipe: Path) -> None:
    """A MAC count's figure hides the output size too (it leads to the MACs), but does not call it the question;
    a parameter count gets no figure (parameters do not depend on the sliding window drawn)."""
    bank = tmp_path / "bank.yaml"
    only = tmp_path / "count.yaml"
    sections = [{"bank": str(bank), "entries": ["macs"]}, {"bank": str(bank), "entries": ["count"]}]
    only.write_text(yaml.safe_dump({"recipe": "c", "sections": sections}))
    macs, params = export_moodle_questions(tmp_path, only)
    (asked,) = moodle_figures(macs.find("questiontext"))
    assert_question_figure_hides_the_answer(asked)
    words = svg_words(asked)
    assert "question" not in words and "not shown" in words
    assert moodle_figures(params.find("questiontext")) == moodle_figures(params.find("generalfeedback")) == []


def export_moodle_questions(tmp_path: Path, recipe: Path) -> list[lxml.etree._Element]:
    """The Moodle questions of a sheet of one-number problems, in order."""
    root = lxml.etree.parse(str(export(tmp_path, "moodle", recipe))).getroot()
    return [q for q in root.iter("question") if q.get("type") != "category"]


# --- QTI ------------------------------------------------------------------------------------------------


def test_qti_packs_the_figures_and_lists_them_in_the_manifest(tmp_path: Path, recipe: Path) -> None:
    kinds = kinds_in_order(recipe)
    with zipfile.ZipFile(export(tmp_path, "qti", recipe)) as z:
        names = set(z.namelist())
        manifest = lxml.etree.fromstring(z.read("imsmanifest.xml"))
        ns = {"m": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
        webcontent = {
            r.get("href"): [f.get("href") for f in r.findall("m:file", ns)]
            for r in manifest.findall("m:resources/m:resource", ns)
            if r.get("type") == "webcontent"
        }
        images = {n for n in names if n.startswith("images/")}
        assert images and all(FIG.fullmatch(n.removeprefix("images/")) for n in images)
        assert webcontent == {n: [n] for n in images}  # every packed figure is a resource of its own
        (quiz,) = [n for n in names if n.endswith(".xml") and "/" in n and not n.endswith("assessment_meta.xml")]
        root = lxml.etree.fromstring(z.read(quiz))
        q = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
        used = set()
        for item in root.iterfind(".//q:item", q):
            number = int(re.match(r"P(\d+)", item.get("title")).group(1))
            kind = kinds[number - 1]
            asked = srcs(item.findtext("q:presentation/q:material/q:mattext", namespaces=q))
            feedback = item.find("q:itemfeedback[@ident='general_fb']", q)
            key = srcs(feedback.findtext("q:flow_mat/q:material/q:mattext", namespaces=q))
            for src in asked + key:
                assert src.startswith("%24IMS-CC-FILEBASE%24/images/")
                used.add(src.removeprefix("%24IMS-CC-FILEBASE%24/"))
            files = [z.read(s.removeprefix("%24IMS-CC-FILEBASE%24/")) for s in asked]
            if kind in NO_QUESTION_FIGURE:
                assert files == [], kind
            else:
                (svg,) = files
                assert_question_figure_hides_the_answer(svg)
                assert_answer_figure_shows_it(z.read(key[0].removeprefix("%24IMS-CC-FILEBASE%24/")))
            assert len(key) == 1, kind
        assert used == images  # nothing packed that no item shows


# --- Anki -----------------------------------------------------------------------------------------------


def anki_media_and_notes(path: Path, tmp_path: Path) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    with zipfile.ZipFile(path) as z:
        numbered = json.loads(z.read("media"))
        media = {name: z.read(number) for number, name in numbered.items()}
        db = tmp_path / "collection.anki2"
        db.write_bytes(z.read("collection.anki2"))
    with sqlite3.connect(db) as conn:
        notes = [tuple(f.split("\x1f")[:2]) for (f,) in conn.execute("SELECT flds FROM notes ORDER BY id")]
    conn.close()
    return media, notes


def test_anki_carries_the_figures_as_media(tmp_path: Path, recipe: Path) -> None:
    kinds = kinds_in_order(recipe)
    media, notes = anki_media_and_notes(export(tmp_path, "anki", recipe), tmp_path)
    assert len(notes) == len(kinds)
    shown = set()
    for kind, (front, back) in zip(kinds, notes):
        asked, key = srcs(front), srcs(back)
        shown |= {*asked, *key}
        if kind in NO_QUESTION_FIGURE:
            assert asked == [], kind
        else:
            (name,) = asked
            assert_question_figure_hides_the_answer(media[name])
            assert_answer_figure_shows_it(media[key[0]])
        assert len(key) == 1 and key[0] in media, kind
    assert shown == set(media)


def test_anki_imports_the_figures_into_a_collection(tmp_path: Path, recipe: Path) -> None:
    """Anki's own importer (the ``anki`` package, where installed) keeps every figure in the collection's media."""
    collection = pytest.importorskip("anki.collection")
    path = export(tmp_path, "anki", recipe)
    media, _notes = anki_media_and_notes(path, tmp_path)
    (tmp_path / "anki").mkdir()
    col = collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        col.import_anki_package(collection.ImportAnkiPackageRequest(package_path=str(path)))
        folder = Path(col.media.dir())
        for name, data in media.items():
            assert (folder / name).read_bytes() == data
        fronts = [col.get_note(nid).fields[0] for nid in col.find_notes("")]
        assert any(srcs(front) for front in fronts)
    finally:
        col.close()


# --- every format: off, and deterministic ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["moodle", "qti", "anki"])
def test_figures_false_removes_every_figure(recipe: Path, fmt: str) -> None:
    plan = worksheet.plan(str(recipe), seed=SEED)
    sheets = [worksheet.build_sheet(plan.recipe, s, student=student) for _stem, student, s in plan.sheets]
    (data,) = exports.export_files(fmt, sheets, figures=False).values()
    raw = data.encode() if isinstance(data, str) else data
    if fmt != "moodle":
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            assert not any(n.startswith("images/") or n.isdigit() for n in z.namelist())
            raw = b"".join(z.read(n) for n in z.namelist())  # the Anki collection's fields are plain text in it
            if fmt == "anki":
                assert json.loads(z.read("media")) == {}
    assert b"<svg" not in raw and b"fig-" not in raw and b"<img" not in raw and b"&lt;img" not in raw
    assert fmt != "moodle" or b"<file " not in raw
    (with_figures,) = exports.export_files(fmt, sheets).values()
    assert with_figures != data


def test_gift_has_no_figures(tmp_path: Path, recipe: Path) -> None:
    text = export(tmp_path, "gift", recipe).read_text(encoding="utf-8")
    assert "<svg" not in text and "fig-" not in text and "img" not in text


@pytest.mark.parametrize("fmt", ["moodle", "qti", "anki"])
def test_same_seed_same_bytes_with_figures(tmp_path: Path, recipe: Path, fmt: str) -> None:
    first = export(tmp_path, fmt, recipe, name="a").read_bytes()
    assert b"fig-" in first or fmt == "anki"
    assert export(tmp_path, fmt, recipe, name="b").read_bytes() == first
