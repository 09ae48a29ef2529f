"""Worksheets: a recipe and a seed become sheets of problems; each sheet has a code that regenerates it.

One ``random.Random`` per sheet, seeded from the base seed and the student's
id, draws every problem once; the sheet and the key are rendered from the
same objects.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from typing import TYPE_CHECKING, Any

from quizgen.errors import QuizgenError
from quizgen.i18n import _, a_an, sentences
from quizgen.problems import kinds
from quizgen.problems.bank import Bank, BankEntry, Recipe, load_bank, load_recipe
from quizgen.problems.codes import CodeRecipeMismatch, SheetOptions, make_code, parse_code
from quizgen.problems.giveaway import Mark, asked, gives_away, shown
from quizgen.problems.problem import Part, Problem, with_choices

if TYPE_CHECKING:
    from quizgen.arith.layers import Layer

DEFAULT_RECIPE = "default"


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
    answer_sheet: bool = False  # an answer page (bubbles, grid-ins) follows the sheet (quizgen.render.answer_layout)

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


def build_sheet(
    recipe: Recipe,
    seed: int,
    *,
    student: str = "",
    count: str | None = None,
    lang: str | None = None,
    space: str | None = None,
    figures: bool | None = None,
    answer_sheet: bool | None = None,
) -> Sheet:
    """Draw every problem of one sheet from ``random.Random(seed)``.

    No two problems share a layer (for a stack, any of its layers): a problem that would is drawn
    again, a bounded number of times, from the same generator.  ``count``, ``space`` and ``figures``
    default to the recipe's, as does ``answer_sheet``.
    """
    from quizgen.i18n import language

    rng = random.Random(seed)
    convention = count or recipe.count
    lang = lang or language()
    sections: list[tuple[str, tuple[Problem, ...]]] = []
    taken = _Taken()
    for section in recipe.sections:
        problems: list[Problem] = []
        if section.kind:
            kind = kinds.get(section.kind)
            redraws = REDRAWS
            for _n in range(section.count):
                problem, redraws = _draw(partial(kind.sample, rng, section.difficulty, convention), redraws, taken)
                taken.add(problem)
                problem = with_choices(problem, rng) if section.form == "choice" else problem
                problems.append(problem._replace(marks=section.marks))
        else:
            bank = load_bank(section.bank)
            entries = (
                [bank.entry(e) for e in section.entries]
                if section.entries
                else sorted(rng.sample(list(bank.entries), section.count), key=list(bank.entries).index)
            )
            for entry in entries:
                problem = bank_problem(bank, entry, section.difficulty, rng)
                taken.add(problem)
                problem = with_choices(problem, rng) if section.form == "choice" else problem
                problems.append(problem._replace(marks=section.marks))
        if section.title or not sections:
            default = kinds.get(section.kind).title if section.kind else load_bank(section.bank).title
            sections.append((_(section.title or default), tuple(problems)))
        else:  # an untitled section continues the one before it
            title, before = sections[-1]
            sections[-1] = (title, before + tuple(problems))
    space = space or recipe.space
    figures = recipe.figures if figures is None else figures
    answer_sheet = recipe.answer_sheet if answer_sheet is None else answer_sheet
    options = SheetOptions(convention, lang, space, "on" if figures else "off", "on" if answer_sheet else "off")
    code = make_code(recipe, seed, options)
    return Sheet(recipe, code, student, seed, convention, tuple(sections), lang, space, figures, answer_sheet)


class _Taken:
    """What a sheet has drawn so far: problem ids and layers (none twice), the answers asked (no later problem may
    write one) and the shapes and counts written (no later problem may ask for one)."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.layers: set[str] = set()
        self.asked: set[Mark] = set()
        self.shown: set[Mark] = set()

    def fresh(self, problem: Problem) -> bool:
        layers = [line.strip() for line in problem.spec.splitlines() if line.strip()]
        once = len(layers) == len(set(layers))  # a stack, too, names each layer once
        return once and problem.id not in self.ids and not set(layers) & self.layers

    def fair(self, problem: Problem) -> bool:
        return not gives_away(problem, self.asked, self.shown)

    def add(self, problem: Problem) -> None:
        self.ids.add(problem.id)
        self.layers |= layer_specs(problem)
        self.asked |= asked(problem)
        self.shown |= shown(problem)


def _draw(sample: Callable[[], Problem], redraws: int, taken: _Taken) -> tuple[Problem, int]:
    """A problem that is fair (gives no other problem's answer away) and, within ``redraws`` draws, fresh (no
    problem or layer twice on the sheet); and the redraws left for the kind's next problem.

    Fairness comes first: past ``redraws``, the first fair problem drawn is taken even if not fresh, and the kind
    is searched less hard from then on (``EXHAUSTED_REDRAWS``), as before.
    """
    first_fair: Problem | None = None
    problem = sample()
    for attempt in range(GIVEAWAY_REDRAWS):
        if taken.fair(problem):
            if taken.fresh(problem):
                return problem, redraws if attempt < redraws else EXHAUSTED_REDRAWS
            first_fair = first_fair or problem
        if attempt >= redraws and first_fair is not None:
            return first_fair, EXHAUSTED_REDRAWS
        problem = sample()
    return first_fair or problem, EXHAUSTED_REDRAWS


#: From how many sheets on a class is drawn by a pool of processes (one per core, at most 4).
PARALLEL_SHEETS = 48


def build_sheets(recipe: Recipe, items: Sequence[tuple[str, int]], **options: Any) -> Iterator[Sheet]:
    """The sheets of a class, in order: ``build_sheet(recipe, seed, student=name, **options)`` for each
    (name, seed).

    A large class is drawn by a pool of processes, each sheet from its own seed, so the sheets are the
    same bytes as when drawn one by one; the caller renders each sheet as it arrives.
    """
    import os

    if len(items) < PARALLEL_SHEETS or (os.cpu_count() or 1) < 2:
        for student, seed in items:
            yield build_sheet(recipe, seed, student=student, **options)
        return
    import multiprocessing

    from quizgen.i18n import language

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    jobs = [(recipe, seed, student, options) for student, seed in items]
    with multiprocessing.get_context(method).Pool(
        min(os.cpu_count() or 2, 4), initializer=_worker_language, initargs=(language(),)
    ) as pool:
        yield from pool.imap(_build_job, jobs, chunksize=4)


def _worker_language(lang: str) -> None:
    from quizgen.i18n import set_language

    set_language(lang)


def _build_job(job: tuple[Recipe, int, str, dict[str, Any]]) -> Sheet:
    recipe, seed, student, options = job
    return build_sheet(recipe, seed, student=student, **options)


#: How many times a problem is drawn again when it repeats a problem or a layer already on the sheet;
#: once a section's kind has found no fresh one in that many, its later problems try only a few times.
REDRAWS = 12
EXHAUSTED_REDRAWS = 5
#: How many times a problem that would give another's answer away is drawn again.
GIVEAWAY_REDRAWS = 100


def layer_specs(problem: Problem) -> set[str]:
    """The canonical specs of every layer a problem is about (one per line of its spec)."""
    return {line.strip() for line in problem.spec.splitlines() if line.strip()}


def bank_problem(bank: Bank, entry: BankEntry, difficulty: int, rng: random.Random) -> Problem:
    """A problem from a bank entry: a layer's asked quantities, or a trace of a stack."""
    from quizgen.arith.spec import parse
    from quizgen.problems import trace

    source = f"{bank.name}/{entry.id}"
    entry_title, entry_text = _(entry.title) if entry.title else "", _(entry.text) if entry.text else ""
    if entry.stack:
        problem = trace.trace_problem(rng, difficulty, stack_text=entry.stack, title=entry_title)
        text = sentences(entry_text, problem.text) if entry_text else problem.text
        return problem._replace(text=a_an(text), source=source, difficulty=difficulty)
    layer = parse(entry.spec)
    asked = list(entry.ask) or [k for k, _v in entry.claimed if k in kinds.LABELS] or ["output", "params"]
    question = _("Work out the right values.") if entry.claimed else _("Work out these values.")
    problem = kinds.layer_problem(
        f"bank:{bank.name}",
        difficulty,
        layer,
        asked,
        question,
        title=entry_title or entry.id,
        lead=entry_text or kinds.describe(layer),
    )
    parts = _with_claimed_wrongs(layer, problem.parts, entry.claimed)
    return problem._replace(text=a_an(problem.text), parts=parts, source=source, difficulty=difficulty, layer=layer)


def _with_claimed_wrongs(
    layer: Layer, parts: tuple[Part, ...], claimed: tuple[tuple[str, str], ...]
) -> tuple[Part, ...]:
    """Put a source's wrong claims first among a part's known wrong answers, each with why it is wrong."""
    from quizgen.explain import check as checking
    from quizgen.explain import misconceptions as M
    from quizgen.problems.problem import Wrong

    if not claimed:
        return parts
    results = {r.quantity: r for r in checking.check(layer, [checking.parse_claim(f"{k}={v}") for k, v in claimed])}
    out = []
    for part in parts:
        r = results.get(part.quantity)
        if r is None or r.ok or not isinstance(r.claimed, (tuple,)) and r.claimed.value.denominator != 1:
            out.append(part)
            continue
        value = r.claimed if isinstance(r.claimed, tuple) else int(r.claimed.value)
        if r.misconceptions:
            why = M.explain_combo(layer, r.misconceptions[0])
        elif r.follows_from_output is not None:
            why = _("the source's value; it follows from its wrong {output} output").format(
                output="x".join(map(str, r.follows_from_output))
            )
        elif r.would_be_right_with:
            why = _("the source's value; it would be right with {options}").format(
                options=_("; or ").join(r.would_be_right_with)
            )
        else:
            why = _("the source's value")
        ids = r.misconceptions[0] if r.misconceptions else ("source-claim",)
        wrongs = (Wrong(value, ids, why), *(w for w in part.wrongs if w.value != value))
        out.append(part._replace(wrongs=wrongs))
    return tuple(out)


def read_roster(path: str) -> list[tuple[str, str]]:
    """(id, name) per student from a CSV with a ``name`` column (and optionally ``id``), or names in column 1."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = [r for r in csv.reader(f) if any(c.strip() for c in r)]
    except (OSError, UnicodeDecodeError) as exc:
        raise QuizgenError(_("--roster {path}: cannot read the file ({exc})").format(path=path, exc=exc)) from None
    if not rows:
        raise QuizgenError(_("--roster {path}: no students in the file").format(path=path))
    header = [c.strip().lower() for c in rows[0]]
    if "name" not in header and {"student", "email", "id", "first", "last", "姓名"} & set(header):
        raise QuizgenError(
            _("--roster {path}: the header row needs a 'name' column (and optionally 'id')").format(path=path)
        )
    if "name" in header and len(rows) == 1:
        raise QuizgenError(_("--roster {path}: no students in the file").format(path=path))
    if "name" in header:
        name_col, id_col = header.index("name"), header.index("id") if "id" in header else None
        rows = rows[1:]
    else:
        name_col, id_col = 0, None
    students: list[tuple[str, str]] = []
    seen: dict[str, int] = {}  # id -> the line it was first on
    for line, row in enumerate(rows, start=2 if "name" in header else 1):
        name = row[name_col].strip() if name_col < len(row) else ""
        if not name:
            raise QuizgenError(_("--roster {path}: line {line}: the name is empty").format(path=path, line=line))
        given = row[id_col].strip() if id_col is not None and id_col < len(row) else ""
        sid = given or name
        if sid in seen and not given:  # two students of one name: only an id tells their sheets apart
            raise QuizgenError(
                _(
                    "--roster {path}: line {line}: the name '{name}' is also on line {first}; give each "
                    "student an id in an 'id' column (header row: id,name)"
                ).format(path=path, line=line, name=name, first=seen[sid])
            )
        if sid in seen:
            raise QuizgenError(
                _("--roster {path}: line {line}: student id '{sid}' appears twice").format(
                    path=path, line=line, sid=sid
                )
            )
        seen[sid] = line
        students.append((sid, name))
    return students


def slug(text: str) -> str:
    """A file-name-safe form of a name (letters of any script kept)."""
    return re.sub(r"[^\w]+", "-", text.strip().lower()).strip("-") or "student"


@dataclass(frozen=True)
class Plan:
    """Which sheets to make: (file stem, student name, sheet seed) each; and the options a code restores."""

    recipe: Recipe
    sheets: tuple[tuple[str, str, int], ...]
    options: SheetOptions | None = None


def _code_mismatch(code: str, *, quick: bool) -> str:
    """Why a code does not fit a quick sheet's options, or the default recipe (given no recipe)."""
    if quick:
        return _(
            "--code {code}: this code was not made with these options; give the --kind, --problems, "
            "--difficulty and --form it was made with (its key prints the command), or the recipe it was made from"
        ).format(code=code)
    return _(
        "--code {code}: this code was not made from the default recipe; give the recipe it was made from, or, "
        "for a quick sheet, the --kind, --problems, --difficulty and --form it was made with (its key prints the command)"
    ).format(code=code)


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
                return Plan(recipe, ((stem, name, sheet_seed),), options)
        raise QuizgenError(
            _(
                "--code {code}: no student in --roster {roster} has this sheet with --seed {seed}; "
                "give the --seed the sheets were made with, or leave out --roster"
            ).format(code=code, roster=roster, seed=seed)
        )
    if roster:
        students = read_roster(roster)
        return Plan(
            recipe,
            tuple(
                (stem, name, derive_seed(recipe, seed, sid))
                for stem, (sid, name) in zip(_roster_stems(students), students)
            ),
        )
    if variants < 1:
        raise QuizgenError(_("--variants {variants}: must be at least 1").format(variants=variants))
    if variants == 1:
        return Plan(recipe, (("worksheet", "", derive_seed(recipe, seed, "")),))
    width = len(str(variants))
    return Plan(
        recipe,
        tuple((f"worksheet-{i:0{width}d}", "", derive_seed(recipe, seed, str(i))) for i in range(1, variants + 1)),
    )
