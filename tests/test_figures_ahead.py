"""A large sheet's problems are drawn as faces and made whole by another process (``quizgen.render.figures_ahead``).

What the other process is sent must be picklable for every kind; and however the batches are shared between the
two processes (all sent, none sent, as they come), the sheet's problems are the ones made whole in one process.
"""

from __future__ import annotations

import functools
import pickle
import random

import pytest

from quizgen.problems import kinds, slots
from quizgen.problems.bank import load_recipe
from quizgen.problems.registry import REGISTRY
from quizgen.problems.sheet import build_sheet
from quizgen.render import figures_ahead
from quizgen.render.figures_ahead import Ahead, ahead_for

RECIPE = """\
recipe: shared
sections:
  - kind: spot-error
    count: 30
    difficulty: 2
  - kind: output-conv
    count: 25
    difficulty: 3
  - kind: receptive-field
    count: 20
    difficulty: 3
  - kind: output-pool
    count: 10
    difficulty: 2
    form: choice
"""


@pytest.mark.parametrize("kind", sorted(REGISTRY))
@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_every_kinds_face_and_whole_can_be_sent_to_another_process(kind, difficulty):
    k = kinds.get(kind)
    rng = random.Random(f"{kind}/{difficulty}")
    for _n in range(3):
        asks, _make = k.draft(rng, difficulty, "macs")
        making = slots.drafted(functools.partial(k.draft, rng, difficulty, "macs"), tuple((q, False) for q in asks))()
        face = making.face()
        sent_face, sent_whole = pickle.loads(pickle.dumps((face, making.whole)))
        assert sent_whole(sent_face) == making.whole(face)


@pytest.fixture
def recipe(tmp_path):
    path = tmp_path / "shared.yaml"
    path.write_text(RECIPE, encoding="utf-8")
    return load_recipe(str(path))


@pytest.mark.parametrize("in_flight", [0, 1, 2, 1000])
def test_however_the_batches_are_shared_the_sheet_is_the_one_made_in_one_process(recipe, monkeypatch, in_flight):
    """``IN_FLIGHT`` 0 sends the other process nothing (this process makes every batch once the sheet is drawn); 1000
    sends it every batch as it fills; 1 and 2 share them."""
    monkeypatch.setattr(figures_ahead, "IN_FLIGHT", in_flight)
    alone = build_sheet(recipe, 7)
    ahead = ahead_for(recipe, sheets=1, fmt="md", figures=True, count=None, lang="en")
    assert isinstance(ahead, Ahead)
    with ahead:
        shared = ahead.whole_sheet(build_sheet(recipe, 7, on_face=ahead.add))
        assert shared == alone
        assert len(figures_ahead.DRAWN) == 2 * len(alone.problems)  # each problem's figure and its key's
    assert not figures_ahead.DRAWN  # forgotten once the run's Ahead is closed


def test_a_sheet_drawn_as_faces_holds_faces_until_made_whole(recipe):
    faces = []
    sheet = build_sheet(recipe, 7, on_face=lambda face, whole: faces.append((face, whole)))
    assert [face for face, _whole in faces] == list(sheet.problems)
    whole = build_sheet(recipe, 7)
    assert [make(face) for face, make in faces] == list(whole.problems)
    # a face has its answers but not yet its wrong answers or worked steps
    assert all(f.parts[0].answer == w.parts[0].answer for (f, _m), w in zip(faces, whole.problems))
    assert any(not f.steps and w.steps for (f, _m), w in zip(faces, whole.problems))
