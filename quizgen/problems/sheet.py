"""Worksheets: a recipe and a seed become sheets of problems; each sheet has a code that regenerates it.

One ``random.Random`` per sheet, seeded from the base seed and the student's
id, draws every problem once; the sheet and the key are rendered from the
same objects.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import random
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from quizgen.errors import QuizgenError
from quizgen.i18n import _
from quizgen.problems import kinds, slots
from quizgen.problems.bank import Bank, BankEntry, Recipe, load_bank, load_recipe
from quizgen.problems.bank_problems import bank_problem
from quizgen.problems.codes import CodeRecipeMismatch, SheetOptions, make_code, parse_code, quick_recipe_of
from quizgen.problems.problem import Problem, with_choices
from quizgen.problems.registry import Making
from quizgen.problems.roster import read_roster
from quizgen.problems.sheet_rules import REDRAWS, Taken, Whole, draw, made_whole

if TYPE_CHECKING:
    pass

DEFAULT_RECIPE = "default"
#: The most sheets one run makes (``--variants``, or a ``--roster``'s students).  A run holds every sheet
#: in memory until the class's key and grid are written (about 0.6 GB for 1,000 sheets as HTML), so a
#: larger class is refused at once rather than run for an hour.
MAX_SHEETS = 1000


@dataclass(frozen=True)
class Sheet:
    """One student's worksheet: numbered sections of problems, and the code that regenerates it."""

    recipe: Recipe
    code: str
    student: str
    seed: int
    count: str
    sections: tuple[tuple[str, tuple[Problem, ...]], ...]
    lang: str = "en"
    space: str = "small"  # working space under each problem: none, small or large
    figures: bool = True  # draw a figure where one helps (see quizgen.render.figures_for)
    student_id: str = ""  # the roster's id, printed beside the name ("" where the roster gives none)
    cover: bool = False  # a cover page first: the recipe's title, course, date, time allowed, a marks table
    duplex: bool = False  # printed double-sided: padded to an even number of pages (quizgen.render.duplex)
    answer_sheet: bool = False  # an answer page (bubbles, grid-ins) follows the sheet (quizgen.render.answer_layout)

    @property
    def student_label(self) -> str:
        """The student as page headers print them: ``María García (s04)``, the name alone without an id."""
        return f"{self.student} ({self.student_id})" if self.student_id else self.student

    @property
    def problems(self) -> list[Problem]:
        return [p for _title, problems in self.sections for p in problems]

    @property
    def total_marks(self) -> Fraction:
        """The sheet's marks: every problem's, added up."""
        return sum((p.total_marks for p in self.problems), Fraction(0))


def derive_seed(recipe: Recipe, base_seed: int, student_id: str) -> int:
    """The seed of one sheet: from the recipe, the base seed and the student's id (32 bits)."""
    digest = hashlib.sha256(f"{recipe.name}\0{base_seed}\0{student_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a sheet is drawn; it runs again after, as it was.

    A sheet's draws make objects by the hundred thousand (problems, and the run's caches of layers and their
    wrong values) that outlive the draw; the collector's passes over them took about a sixth of a 1,000-problem
    sheet's time, to find a few hundred objects in cycles (a caught error's traceback), which it finds once it
    runs again.  Other objects are freed at once, by their reference counts, as before.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@collection_paused()
def build_sheet(
    recipe: Recipe,
    seed: int,
    *,
    student: str = "",
    count: str | None = None,
    lang: str | None = None,
    space: str | None = None,
    figures: bool | None = None,
    cover: bool | None = None,
    duplex: bool | None = None,
    answer_sheet: bool | None = None,
    on_face: Callable[[Problem, Whole], object] | None = None,
) -> Sheet:
    """Draw every problem of one sheet from ``random.Random(seed)``.

    No two problems share a layer (for a stack, any of its layers): a problem that would is drawn
    again, a bounded number of times, from the same generator.  ``count``, ``space``, ``figures``,
    ``cover``, ``duplex`` and ``answer_sheet`` default to the recipe's.

    ``on_face``: each problem is given to it as it is drawn, as its face (what the sheet's rules judge it by)
    and the function that makes it whole, and the sheet returned holds the faces: a large sheet's problems are
    made whole, and their figures drawn, by another process meanwhile (:mod:`quizgen.render.figures_ahead`).
    """
    from quizgen.i18n import language

    rng = random.Random(seed)
    convention = count or recipe.count
    lang = lang or language()
    sections: list[tuple[str, tuple[Problem, ...]]] = []
    taken = Taken()
    for index, section in enumerate(recipe.sections):
        problems: list[Problem] = []
        choice = section.form == "choice"
        if section.kind:
            kind = kinds.get(section.kind)
            redraws = REDRAWS
            for n in range(section.count):
                # every sheet of the recipe asks this slot's parts (see quizgen.problems.slots)
                want = slots.target(recipe, index, n, convention)
                if choice:
                    shaped = slots.shaped(
                        functools.partial(kind.sample, rng, section.difficulty, convention), want, True
                    )
                    sample: Callable[[], Making] = functools.partial(made_whole, shaped)
                else:
                    sample = slots.drafted(functools.partial(kind.draft, rng, section.difficulty, convention), want)
                face, whole, redraws = draw(sample, redraws, taken)
                taken.add(face)
                if choice:  # its choices are drawn from its wrong answers (a choice slot's face is whole)
                    face, whole = with_choices(whole(face), rng), slots.as_it_is
                problems.append(_made(face._replace(marks=section.marks), whole, on_face))
        else:
            bank = load_bank(section.bank)
            if section.entries:
                entries = [bank.entry(e) for e in section.entries]
            else:
                entries = slots.bank_entries(
                    recipe, index, bank, functools.partial(_entry_shape, bank, section.difficulty, choice), rng
                )
            for entry in entries:
                problem = bank_problem(bank, entry, section.difficulty, rng)
                taken.add(problem)
                problem = with_choices(problem, rng) if choice else problem
                problems.append(_made(problem._replace(marks=section.marks), slots.as_it_is, on_face))
        if section.title or not sections:
            default = kinds.get(section.kind).title if section.kind else load_bank(section.bank).title
            sections.append((_(section.title or default), tuple(problems)))
        else:  # an untitled section continues the one before it
            title, before = sections[-1]
            sections[-1] = (title, before + tuple(problems))
    space = space or recipe.space
    figures = recipe.figures if figures is None else figures
    cover = recipe.cover if cover is None else cover
    duplex = recipe.duplex if duplex is None else duplex
    answer_sheet = recipe.answer_sheet if answer_sheet is None else answer_sheet
    on_off = {True: "on", False: "off"}
    options = SheetOptions(
        convention, lang, space, on_off[figures], on_off[cover], on_off[duplex], on_off[answer_sheet]
    )
    code = make_code(recipe, seed, options)
    return Sheet(
        recipe,
        code,
        student,
        seed,
        convention,
        tuple(sections),
        lang,
        space,
        figures,
        cover=cover,
        duplex=duplex,
        answer_sheet=answer_sheet,
    )


def _made(face: Problem, whole: Whole, on_face: Callable[[Problem, Whole], object] | None) -> Problem:
    """The problem a sheet keeps: made whole now, or its face, handed to ``on_face`` to be made whole elsewhere."""
    if on_face is None:
        return whole(face)
    on_face(face, whole)
    return face


def _entry_shape(bank: Bank, difficulty: int, choice: bool, entry: BankEntry) -> slots.Shape:
    """The parts a bank entry asks on a sheet (a stack's do not depend on the generator)."""
    return slots.shape(bank_problem(bank, entry, difficulty, random.Random(0)), choice)


def slug(text: str) -> str:
    """A file-name-safe form of a name (letters of any script kept)."""
    return re.sub(r"[^\w]+", "-", text.strip().lower()).strip("-") or "student"


@dataclass(frozen=True)
class Plan:
    """Which sheets to make: (file stem, student name, sheet seed) each; and the options a code restores."""

    recipe: Recipe
    sheets: tuple[tuple[str, str, int], ...]
    options: SheetOptions | None = None
    ids: tuple[str, ...] = ()  # each sheet's student id where the roster gives one ("" otherwise); () for none


def _code_mismatch(code: str, *, quick: bool) -> str:
    """Why a code does not fit a quick sheet's options, or the default recipe (given no recipe)."""
    if quick:
        return _(
            "--code {code}: this code was not made with these options; leave out --kind, --problems, "
            "--difficulty and --form (a quick sheet's code holds them), or give the recipe it was made from"
        ).format(code=code)
    return _(
        "--code {code}: this code was not made from the default recipe; give the recipe it was made from, or, "
        "for a quick sheet, the --kind, --problems, --difficulty and --form it was made with (its key prints the command)"
    ).format(code=code)


def _printed_id(sid: str, name: str) -> str:
    """The id a sheet prints: the roster's own, none where the roster has no id (the name stands in)."""
    return "" if sid == name else sid


def _roster_stems(students: list[tuple[str, str]]) -> list[str]:
    """A file stem per student: ``worksheet-NAME``, with the id added where students share a name."""
    from collections import Counter

    shared = Counter(slug(name) for _sid, name in students)
    stems, used = [], set()
    for sid, name in students:
        stem = f"worksheet-{slug(name)}"
        if shared[slug(name)] > 1 and sid != name:
            stem += f"-{slug(sid)}"
        while stem in used:
            stem += "-2"
        used.add(stem)
        stems.append(stem)
    return stems


def plan(
    recipe_source: str | Recipe | None,
    *,
    seed: int = 1,
    variants: int = 1,
    roster: str | None = None,
    code: str | None = None,
) -> Plan:
    """Resolve the recipe and the seed of every sheet to make.

    ``recipe_source`` is a recipe file or built-in name (``None``: the default), or a recipe already
    made (a quick sheet's).  With ``code``, one sheet: its seed and options come from the code; with
    ``roster`` too, the student whose sheet it is (under the base ``seed``) gives the sheet its name.
    """
    from_code = quick_recipe_of(code) if code else None
    if from_code is not None:  # a quick sheet's code holds its options: given ones must be the same
        if isinstance(recipe_source, str):
            raise QuizgenError(
                _("--code {code}: is a quick sheet's code (made with --kind); leave out {recipe}").format(
                    code=code, recipe=recipe_source
                )
            )
        if recipe_source is not None and recipe_source != from_code:
            raise QuizgenError(_code_mismatch(str(code), quick=True))
        recipe_source = from_code
    recipe = recipe_source if isinstance(recipe_source, Recipe) else load_recipe(recipe_source or DEFAULT_RECIPE)
    if code:
        try:
            sheet_seed, options = parse_code(recipe, code)
        except CodeRecipeMismatch:
            if isinstance(recipe_source, Recipe) or recipe_source is None:
                raise QuizgenError(_code_mismatch(code, quick=recipe_source is not None)) from None
            raise
        if not roster:
            return Plan(recipe, (("worksheet", "", sheet_seed),), options)
        students = read_roster(roster)
        for stem, (sid, name) in zip(_roster_stems(students), students):
            if derive_seed(recipe, seed, sid) == sheet_seed:
                return Plan(recipe, ((stem, name, sheet_seed),), options, (_printed_id(sid, name),))
        raise QuizgenError(
            _(
                "--code {code}: no student in --roster {roster} has this sheet with --seed {seed}; "
                "give the --seed the sheets were made with, or leave out --roster"
            ).format(code=code, roster=roster, seed=seed)
        )
    if roster:
        students = read_roster(roster)
        if len(students) > MAX_SHEETS:
            raise QuizgenError(
                _(
                    "--roster {roster}: {n} students; at most {limit} sheets are made in one run (memory grows "
                    "with every sheet); split the roster into files of at most {limit} students"
                ).format(roster=roster, n=len(students), limit=MAX_SHEETS)
            )
        return Plan(
            recipe,
            tuple(
                (stem, name, derive_seed(recipe, seed, sid))
                for stem, (sid, name) in zip(_roster_stems(students), students)
            ),
            ids=tuple(_printed_id(sid, name) for sid, name in students),
        )
    if variants < 1:
        raise QuizgenError(_("--variants {variants}: must be at least 1").format(variants=variants))
    if variants > MAX_SHEETS:
        raise QuizgenError(
            _(
                "--variants {variants}: at most {limit} sheets are made in one run (memory grows with every "
                "sheet); make a larger class in runs of at most {limit}, each with its own --seed"
            ).format(variants=variants, limit=MAX_SHEETS)
        )
    if variants == 1:
        return Plan(recipe, (("worksheet", "", derive_seed(recipe, seed, "")),))
    width = len(str(variants))
    return Plan(
        recipe,
        tuple((f"worksheet-{i:0{width}d}", "", derive_seed(recipe, seed, str(i))) for i in range(1, variants + 1)),
    )


def sheet_of_code(recipe_source: str | Recipe | None, code: str) -> tuple[Sheet, int]:
    """The sheet ``code`` regenerates with its recipe (DESIGN §7b), as ``quizgen worksheet --code`` makes it,
    and its seed.  Errors as :func:`plan`'s (a code of another recipe raises :class:`CodeRecipeMismatch`)."""
    made = plan(recipe_source, code=code)
    o = made.options
    assert o is not None  # a plan from a code carries the code's options
    (_stem, student, sheet_seed), *_ = made.sheets
    built = build_sheet(
        made.recipe,
        sheet_seed,
        student=student,
        count=o.count,
        lang=o.lang,
        space=o.space,
        figures=o.figures == "on",
        answer_sheet=o.answer_sheet == "on",
    )
    return built, sheet_seed
