"""Anki: one deck; a problem on several sheets is one note, tagged with each sheet's code.

Anki has no points: a card is recalled or not, so the recipe's marks are not in the deck.

A multiple-choice part shows its options by value and without letters: the note is shared by every
sheet that holds the problem, and each sheet letters the options in its own order.

Figures are media of the package (Anki's ``media`` map: ``{"0": "fig-….svg", …}``, each file stored as
its number), shown with ``<img src="fig-….svg">``: the question's figure, which never shows the answer,
on the front; the key's figure on the back, after the answers.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from quizgen.exports.common import (
    Figure,
    Figures,
    figure_element,
    h,
    html,
    intro_html,
    part_letter,
    problem_elements,
    recipe_label,
    steps_html,
    unique_problems,
    zip_bytes,
)
from quizgen.problems.problem import Part, Problem, fmt_value
from quizgen.problems.sheet import Sheet

if TYPE_CHECKING:
    import genanki

# --- Anki -----------------------------------------------------------------------------------------

#: The note type's id: fixed, so that every quizgen deck shares one note type.
ANKI_MODEL_ID = 1_607_392_319
#: Anki's timestamps (note and card ``mod``, the ids counted from it) are pinned: 2026-01-01 plus the
#: version as a number, so that a newer quizgen's deck counts as newer and updates the notes on import.
ANKI_EPOCH = 1_767_225_600

ANKI_CSS = """\
.card { font-family: sans-serif; font-size: 18px; text-align: left; color: black; background-color: white; }
pre.spec { background: #f4f4f4; padding: 0.4em; white-space: pre-wrap; }
ol.steps li { margin-bottom: 0.4em; }
ul.choices { list-style: circle; padding-left: 1.5em; }
.note { color: #555; }
"""


def anki_guid(problem: Problem) -> str:
    """A note's GUID, from the problem's content id: re-importing a deck updates its notes."""
    import genanki

    return genanki.guid_for("quizgen", problem.id)


def anki_deck_id(sheet: Sheet) -> int:
    """The deck's id: fixed for a recipe (a hash of its name), in the range genanki recommends."""
    digest = hashlib.sha256(f"quizgen deck\0{sheet.recipe.name}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def anki_timestamp() -> int:
    from quizgen import __version__

    numbers = [int(n) for n in re.findall(r"\d+", __version__)[:3]] + [0, 0, 0]
    major, minor, patch = numbers[:3]
    return ANKI_EPOCH + major * 1_000_000 + minor * 1_000 + patch


def _anki_model() -> genanki.Model:
    import genanki

    return genanki.Model(
        ANKI_MODEL_ID,
        "quizgen problem",
        fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Steps"}],
        templates=[
            {
                "name": "Problem",
                "qfmt": "{{Question}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}<div class="steps">{{Steps}}</div>',
            }
        ],
        css=ANKI_CSS,
    )


def _img(figure: Figure | None) -> ET.Element | None:
    return figure_element(figure, figure.name) if figure else None


def card_options(part: Part) -> list[str]:
    """A choice part's options as a card shows them: by value, without letters.

    A note is one problem, whichever sheets hold it, and each sheet orders (and letters) the options
    its own way; a card that showed one sheet's letters would be wrong for the others.
    """
    return [fmt_value(c.value) for c in sorted(part.choices, key=lambda c: c.value)]


def anki_front(problem: Problem, figure: Figure | None = None) -> str:
    """The card's front: the problem, its figure (if any), then each part (with its options, for multiple choice)."""
    parts = []
    for i, part in enumerate(problem.parts):
        label = f"{part_letter(i)}) {part.label}" if len(problem.parts) > 1 else part.label
        options = h("ul", *(h("li", text) for text in card_options(part)), class_="choices")
        parts.append(h("li", h("strong", label), options if part.choices else None))
    return html(*problem_elements(problem), _img(figure), h("ul", *parts, class_="parts"))


def anki_back(problem: Problem, figure: Figure | None = None) -> str:
    """The card's back: each part's answer (the value, never a sheet's letter), then the key's figure (if any)."""
    rows = []
    for i, part in enumerate(problem.parts):
        label = f"{part_letter(i)}) {part.label}" if len(problem.parts) > 1 else part.label
        rows.append(h("li", label + ": ", h("strong", fmt_value(part.answer))))
    return html(h("ul", *rows, class_="answers"), _img(figure))


def anki_package(sheets: list[Sheet], *, figures: bool = True) -> bytes:
    """An Anki ``.apkg``: one note per distinct problem, in a deck named after the recipe.

    With ``figures``, each problem's figures are media of the package (see the module).
    """
    import itertools
    import json
    import sqlite3

    import genanki

    first = sheets[0]
    deck = genanki.Deck(anki_deck_id(first), f"quizgen::{recipe_label(first)}", description=intro_html(first))
    model = _anki_model()
    drawn = Figures(figures)
    for problem, found_on in unique_problems(sheets):
        tags = ["quizgen", problem.kind, f"recipe::{first.recipe.name}", *(f"sheet::{s.code}" for s in found_on)]
        front = anki_front(problem, drawn.question(problem))
        fields = [front, anki_back(problem, drawn.answer(problem)), steps_html(problem)]
        deck.add_note(genanki.Note(model=model, fields=fields, tags=tags, guid=anki_guid(problem)))
    package = genanki.Package(deck)
    timestamp = anki_timestamp()
    conn = sqlite3.connect(":memory:")
    try:
        package.write_to_db(conn.cursor(), timestamp, itertools.count(timestamp * 1000))
        conn.commit()
        collection = conn.serialize()
    finally:
        conn.close()
    media = drawn.files()
    names = json.dumps({str(i): f.name for i, f in enumerate(media)}).encode()
    return zip_bytes(
        [("collection.anki2", collection), ("media", names), *((str(i), f.data) for i, f in enumerate(media))]
    )
