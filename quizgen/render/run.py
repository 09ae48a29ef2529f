"""One run of ``quizgen worksheet``: every sheet drawn, rendered and written into a stage, as it is made.

The sheets are drawn from a plan (:func:`quizgen.problems.sheet.plan`); each is rendered in the run's
format as it arrives, and its files written into a :class:`~quizgen.render.files.Stage`, which the caller
moves into place once the whole run has succeeded.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import click

from quizgen.errors import QuizgenError
from quizgen.i18n import _

if TYPE_CHECKING:
    from quizgen.problems.bank import Recipe
    from quizgen.problems.sheet import Plan, Sheet
    from quizgen.render.files import Stage


#: How many sheets arrive between two :func:`gc.freeze` calls (see :func:`_kept_for_the_run`).
FREEZE_EVERY = 32


@contextlib.contextmanager
def _kept_for_the_run() -> Iterator[None]:
    """Within the block, what is frozen (:func:`gc.freeze`) is left out of the cycle collector's passes, and
    after it, back in them.

    A class's sheets, their files and figures live until the class's files are written.  The collector's full
    passes went over all of them again and again (1.2 s of a 1,000-student run's own process); frozen as they
    arrive, they are passed over only once the run is done.  Garbage made meanwhile is collected as before.
    """
    try:
        yield
    finally:
        gc.unfreeze()


def write_sheets(
    stage: Stage,
    plan: Plan,
    *,
    fmt: str,
    paper: str | None,
    count: str | None,
    space: str | None,
    figures: bool | None,
    template_dir: str | None,
    duplex: bool | None,
    cover: bool | None,
    progress: bool,
    answer_sheet: bool | None = None,
    many: bool,
    shown: Recipe,
    export: Callable[[list[Sheet]], dict[str, str | bytes]] | None = None,
) -> None:
    """Draw every sheet of ``plan`` and write its files in ``fmt`` into ``stage``.

    ``shown`` is the recipe as the sheets print it (a quick sheet's in the run's language, with the
    command line's labels).  Templates make md, html, json and practice; ``export`` (given for the
    export formats) makes the files of the other formats from the sheets.  As PDF, each sheet and each
    sheet's key is printed as soon as it is rendered, and the class's files are joined from those PDFs
    (:class:`~quizgen.render.pdfclass.ClassPrinter`).  ``many``: a class (``--variants``/``--roster``),
    which also gets ``all-sheets``.
    """
    from quizgen.i18n import language
    from quizgen.problems.pool import build_sheets
    from quizgen.render import sheets as render
    from quizgen.render.figures_ahead import ahead_for, on_face
    from quizgen.render.sheet_jobs import Prepared, SheetJob, environment, finish

    template_fmt = "html" if fmt == "pdf" else fmt  # a PDF is its HTML, printed
    env = environment(template_dir, paper or "a4") if template_fmt in (*render.FORMATS, "practice") else None
    items = plan.sheets
    printer = None
    if fmt == "pdf":
        from quizgen.render.pdfclass import ClassPrinter

        total = 2 * len(items) + (1 if len(items) > 1 else 0)  # each sheet and its key, and the grid
        printer = ClassPrinter(stage, paper=paper or "a4", total=total, progress=progress)
    sheets = []
    files: dict[str, str | bytes] = {}
    staged: dict[str, str | bytes] = {}  # what is written already, as it came
    bar = click.progressbar(items, label=_("Sheets"), file=sys.stderr) if progress and printer is None else None
    with contextlib.ExitStack() as cleanup:
        if printer is not None:
            cleanup.enter_context(printer)
        if bar is not None:
            cleanup.enter_context(bar)
        own = template_fmt if env is not None and printer is None else ""  # each sheet's own file, made in the pool
        job = SheetJob(
            own,
            template_dir,
            paper or "a4",
            shown=None if shown is plan.recipe else shown,
            figures=own == "html",
            parts=own == "html" and many,
        )
        prepared = Prepared()
        ids = plan.ids or ("",) * len(items)
        ahead = ahead_for(plan.recipe, sheets=len(items), fmt=own, figures=figures, count=count, lang=language())
        if ahead is not None:
            cleanup.enter_context(ahead)
        drawn = build_sheets(
            plan.recipe,
            [(student, sheet_seed) for _stem, student, sheet_seed in items],
            then=finish,
            extras=[
                (stem, student_id, page, job)
                for page, ((stem, _student, _seed), student_id) in enumerate(zip(items, ids), start=1)
            ],
            count=count,
            lang=language(),
            space=space,
            figures=figures,
            cover=cover,
            duplex=duplex,
            answer_sheet=answer_sheet,
            **on_face(ahead),
        )
        cleanup.enter_context(_kept_for_the_run())
        for number, ((stem, _student, _seed), made) in enumerate(zip(bar if bar is not None else items, drawn)):
            sheet = made.sheet
            sheets.append(sheet)
            prepared.add(made)
            files.update(made.files)
            if number % FREEZE_EVERY == FREEZE_EVERY - 1:
                gc.freeze()
            if printer is None and not sheet.duplex:  # staged while the pool makes the rest (duplex pads it later)
                for name, content in made.files.items():
                    staged[name] = content
                    stage.write(name, content)
            if printer is not None:
                assert env is not None  # a PDF is its HTML
                printer.sheet(stem, sheet, env)
                if len(items) > 1:
                    printer.key_part(sheet, env)
        if env is not None:
            cleanup.enter_context(prepared.installed(env))
        if (
            printer is None
            and paper is not None
            and fmt == "html"
            and not any(sheet.duplex or sheet.answer_sheet for sheet in sheets)
        ):
            raise QuizgenError(_("--paper {paper}: goes with --format pdf").format(paper=paper))
        stems = [stem for stem, _student, _seed in items]
        key_pads: list[int] | None = None
        sheet_pads: list[int] | None = None
        if printer is None and env is not None and template_fmt == "html" and any(sheet.duplex for sheet in sheets):
            from quizgen.render.duplex import class_pads

            alone = [str(files[f"{stem}.html"]) for stem in stems]
            sheet_pads, key_pads = class_pads(env, sheets, alone, paper or "a4")
            for stem, sheet, pad in zip(stems, sheets, sheet_pads):
                files[f"{stem}.html"] = render.render_sheet(env, sheet, "html", pad=pad)
        if fmt == "practice":
            from quizgen.render.practice import practice_files

            assert env is not None
            files.update(practice_files(env, sheets, stems, made=files))
        elif env is not None:
            from quizgen.render.grid import grid_files

            if printer is None:
                files.update(render.key_files(env, sheets, template_fmt, key_pads))
                if template_fmt == "html" and many:
                    files["all-sheets.html"] = render.render_all_sheets(env, sheets, template_fmt, sheet_pads)
            elif len(sheets) == 1:
                printer.key_part(sheets[0], env, name="key.pdf")
            files.update(grid_files(sheets, env))  # grid.html and grid.csv, for two sheets or more
        elif export is not None:
            files.update(export(sheets))
        from quizgen.render.answer_page import FORMATS as ANSWER_SHEET_FORMATS
        from quizgen.render.answer_page import answer_files

        if fmt in ANSWER_SHEET_FORMATS:
            files.update(answer_files(sheets, fmt, paper or "a4"))
        for name, content in files.items():
            if staged.get(name) is content:
                continue
            if printer is not None and name.endswith(".html"):
                printer.page(name.removesuffix(".html") + ".pdf", str(content))
            else:
                stage.write(name, content)
        if printer is not None:
            printer.finish(all_sheets=many, class_key=len(sheets) > 1)
