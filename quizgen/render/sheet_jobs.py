"""What the pool makes of each drawn sheet: its own files, rendered, and the figures its class's files reuse.

``quizgen worksheet`` draws a class's sheets in a pool of processes (:mod:`quizgen.problems.pool`).  Each
worker also renders the sheet's own file (``worksheet-NAME.html``, ``.md``, ``.json`` or the practice page
``practice-NAME.html``) and, for HTML, draws every figure and legend the class's key and ``all-sheets.html``
will show for that sheet, and renders the sheet's share of those two files (``_key_sheet.html.j2`` and
``_sheet.html.j2``, as :func:`quizgen.render.sheets.sheet_part` would); the run's process then only joins them
(:class:`Prepared`).  The same function runs in the run's own process when there is no pool, so the files are
the same bytes either way.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

if TYPE_CHECKING:
    from quizgen.problems.bank import Recipe
    from quizgen.problems.problem import Problem
    from quizgen.problems.sheet import Sheet


@dataclass(frozen=True)
class SheetJob:
    """How each sheet of a run is finished; sent once with every sheet to the pool (so it pickles).

    ``fmt``: the file each sheet gets (``md``, ``html``, ``json`` or ``practice``), or ``""`` for none (PDF and
    the export formats make theirs in the run's process).  ``shown``: the recipe as the sheets print it, where
    it is not the drawn one.  ``figures``: also draw the figures and legends of the key and ``all-sheets``.
    ``parts``: also render the sheet's share of the class's ``key.html`` and ``all-sheets.html`` (:data:`PARTS`).
    """

    fmt: str
    template_dir: str | None
    paper: str
    shown: Recipe | None = None
    figures: bool = False
    parts: bool = False


#: A sheet's share of a class file, as the built-in ``key.html.j2`` and ``all-sheets.html.j2`` ask for it:
#: (template, the values it is given besides the sheet), for the sheet numbered ``page`` in the file.  A template
#: that asks otherwise (a ``--template-dir`` copy, or double-sided padding) is rendered by the run's process.
Part = tuple[str, tuple[tuple[str, object], ...]]


def class_parts(page: int) -> list[Part]:
    """The shares of sheet ``page`` (from 1) that a job renders ahead: its key's, and its page of all-sheets."""
    return [
        ("_key_sheet.html.j2", part_values(page=page, pad=0)),
        ("_sheet.html.j2", part_values(page=page, ids=f"s{page}-", pad=0)),
    ]


def part_values(**values: object) -> tuple[tuple[str, object], ...]:
    """The values of a share, in a form that can be looked up."""
    return tuple(sorted(values.items()))


@dataclass(frozen=True)
class Made:
    """One sheet as its job left it: the sheet, its own files, its figures by problem (number from 0 on the
    sheet, key or not) and legends (key or not), and its shares of the class's files (:func:`class_parts`)."""

    sheet: Sheet
    files: dict[str, str]
    figures: dict[tuple[int, bool], str | None]
    legends: dict[bool, str]
    parts: dict[Part, str] = dataclasses.field(default_factory=dict)


def environment(template_dir: str | None, paper: str) -> jinja2.Environment:
    """The Jinja environment of a run (:func:`quizgen.render.sheets.environment`, with the answer pages on
    ``paper``): one per process and settings, so that each template compiles once, in the run's process and in
    each worker (which, forked, starts with the templates the run's process compiled)."""
    import os

    from quizgen.i18n import language

    # a relative --template-dir is read from the working folder, so that is part of the key
    return _environment(template_dir, os.getcwd() if template_dir else "", paper, language())


@lru_cache(maxsize=8)
def _environment(template_dir: str | None, _cwd: str, paper: str, _lang: str) -> jinja2.Environment:
    from quizgen.render import sheets as render

    env = render.environment(template_dir)
    env.globals["answer_pages"] = lambda sheet: render.answer_pages_html(sheet, paper)
    return env


def practice_name(stem: str) -> str:
    """A sheet's practice page: ``practice.html`` for ``worksheet``, ``practice-NAME.html`` for ``worksheet-NAME``."""
    return "practice" + stem.removeprefix("worksheet") + ".html"


def finish(sheet: Sheet, extra: tuple[str, str, int, SheetJob]) -> Made:
    """Give a drawn sheet its printed recipe and student id, render its own file, draw its figures and render its
    shares of the class's files (the sheet being number ``page`` of the class)."""
    from quizgen.render import sheets as render
    from quizgen.render.figures_ahead import whole_sheet
    from quizgen.render.figures_for import legend_html

    stem, student_id, page, job = extra
    sheet = whole_sheet(sheet)  # a large sheet's problems, made whole (and their figures drawn) meanwhile
    if job.shown is not None:
        sheet = dataclasses.replace(sheet, recipe=job.shown)
    if student_id:
        sheet = dataclasses.replace(sheet, student_id=student_id)
    figures: dict[tuple[int, bool], str | None] = {}
    legends: dict[bool, str] = {}
    if job.figures and sheet.figures:
        for answer in (False, True):
            for i, problem in enumerate(sheet.problems):
                figures[(i, answer)] = render._figure(problem, answer, sheet.lang)
            legends[answer] = legend_html(sheet, answer=answer)
    made = Made(sheet, {}, figures, legends)
    if job.fmt:
        env = environment(job.template_dir, job.paper)
        if job.fmt == "practice":
            from quizgen.render.practice import render_practice

            made.files[practice_name(stem)] = render_practice(env, sheet)
        else:
            own = Prepared()
            own.add(made)
            with own.installed(env):  # the sheet shows the figures and legend just drawn
                made.files.update(render.sheet_files(env, sheet, job.fmt, stem))
                if job.parts and not sheet.duplex:  # a double-sided class's padding is known only once all are made
                    made.parts.update(_parts(env, sheet, page))
    if made.parts and len(made.parts) == len(class_parts(page)):
        made.figures.clear()  # the class's files show them only in the shares just rendered: not sent back
        made.legends.clear()
    return made


def _parts(env: jinja2.Environment, sheet: Sheet, page: int) -> dict[Part, str]:
    """The sheet's shares of the class's files that its templates render from the sheet alone; a template that
    needs more (a ``--template-dir`` copy that reads the whole class) fails here and is left to the run."""
    from quizgen.render.sheets import numbered

    out: dict[Part, str] = {}
    for name, values in class_parts(page):
        with contextlib.suppress(jinja2.TemplateError):
            out[(name, values)] = env.get_template(name).render(sheet=sheet, numbered=numbered(sheet), **dict(values))
    return out


class Prepared:
    """The figures and legends the jobs drew, for the run's templates: by the identity of each sheet and problem
    (which live as long as the run), falling back to drawing any that no job drew."""

    def __init__(self) -> None:
        self._figures: dict[tuple[int, bool], str | None] = {}
        self._legends: dict[tuple[int, bool], str] = {}
        self._parts: dict[tuple[str, int, tuple[tuple[str, object], ...]], str] = {}

    def add(self, made: Made) -> None:
        """Keep what a job drew for its sheet."""
        problems = made.sheet.problems
        for (i, answer), svg in made.figures.items():
            self._figures[(id(problems[i]), answer)] = svg
        for answer, legend in made.legends.items():
            self._legends[(id(made.sheet), answer)] = legend
        for (name, values), html in made.parts.items():
            self._parts[(name, id(made.sheet), values)] = html

    @contextlib.contextmanager
    def installed(self, env: jinja2.Environment) -> Iterator[None]:
        """Within the block, the templates of ``env`` take the figures and legends from here (and after it, as
        before: the environment outlives the run, the identities do not)."""
        before = {name: env.globals[name] for name in ("figure", "figure_legend", "sheet_part")}
        env.globals.update(figure=self.figure, figure_legend=self.legend, sheet_part=self.part)
        try:
            yield
        finally:
            env.globals.update(before)

    def figure(self, sheet: Sheet, problem: Problem, *, answer: bool) -> Markup:
        """As :func:`quizgen.render.sheets.html_figure`."""
        from quizgen.render.sheets import html_figure

        key = (id(problem), answer)
        if not sheet.figures or key not in self._figures:
            return html_figure(sheet, problem, answer=answer)
        svg = self._figures[key]
        return Markup(svg) if svg else Markup("")

    def legend(self, sheet: Sheet, *, answer: bool) -> Markup:
        """As :func:`quizgen.render.sheets.html_figure_legend`."""
        from quizgen.render.sheets import html_figure_legend

        legend = self._legends.get((id(sheet), answer))
        return html_figure_legend(sheet, answer=answer) if legend is None else Markup(legend)

    @jinja2.pass_context
    def part(
        self, context: jinja2.runtime.Context, name: str, sheet: Sheet, numbered: object, **values: object
    ) -> Markup:
        """As :func:`quizgen.render.sheets.sheet_part`: the share a job rendered, where it rendered this one."""
        from quizgen.render.sheets import sheet_part

        html = self._parts.get((name, id(sheet), part_values(**values)))
        return sheet_part(context, name, sheet, numbered, **values) if html is None else Markup(html)
