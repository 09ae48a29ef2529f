"""``quizgen worksheet``: sheets and their key in Markdown, HTML or JSON, or an LMS export."""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING

import click

from quizgen.cli.common import COUNT, LANG
from quizgen.errors import QuizgenError
from quizgen.i18n import _

if TYPE_CHECKING:
    from quizgen.problems.bank import Recipe


@click.command("worksheet")
@LANG
@click.argument("recipe", required=False)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Base seed; the same seed and version give byte-identical files.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json", "pdf", "practice", "moodle", "gift", "qti", "anki"]),
    default="md",
    show_default=True,
    help="md, html or json: a sheet and its key. pdf: the same as html, printed through Chromium "
    "(the 'pdf' extra). practice: an offline page per sheet that checks answers as the drill does "
    "(practice.html; for a class, one per student and index.html). "
    "moodle (Moodle XML), gift, qti (a Canvas QTI 1.2 zip) or anki (an .apkg deck): one file of every "
    "sheet's problems, for import.",
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default=None,
    help="Paper size of --format pdf where the templates' @page rules set none, and of the answer sheets "
    "(--answer-sheet, any format) [default: a4].",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    metavar="ID",
    help="A quick sheet of these kinds, without a recipe (repeatable; the problems are shared evenly, "
    "one section per kind in the order given); see quizgen kinds.",
)
@click.option(
    "--problems",
    type=click.IntRange(1, 1000),
    default=None,
    help="How many problems a quick sheet has, 1 to 1000 [default: 10].",
)
@click.option(
    "--difficulty",
    type=click.IntRange(1, 3),
    default=None,
    help="Difficulty of a quick sheet's problems, 1 to 3 [default: 2].",
)
@click.option(
    "--form",
    type=click.Choice(["numeric", "choice"]),
    default=None,
    help="Answer form of a quick sheet: numeric, or choice (four options) [default: numeric].",
)
@click.option(
    "-o",
    "--output",
    "outdir",
    default="worksheets",
    show_default=True,
    metavar="DIR",
    help="Folder for the sheet(s) and the key.",
)
@click.option("--variants", type=int, default=1, show_default=True, help="One sheet per student, each its own seed.")
@click.option(
    "--roster",
    metavar="CSV",
    help="Name the sheets after the students in a CSV (a 'name' column, and optionally 'id').",
)
@click.option(
    "--code",
    metavar="CODE",
    help="Regenerate the sheet with this code (printed on every sheet) and its key; the code restores "
    "--count and --lang. Give the recipe if it is not the default (for a quick sheet, its --kind, --problems, "
    "--difficulty and --form), and --roster (with --seed) to keep the name.",
)
@click.option("--count", type=COUNT, default=None, help="Compute convention [default: the recipe's, else macs].")
@click.option(
    "--space",
    type=click.Choice(["none", "small", "large"]),
    default=None,
    help="Working space under each problem [default: the recipe's, else small].",
)
@click.option(
    "--figures/--no-figures",
    default=None,
    help="Figures on the sheets and keys where they help (a student's never shows what is asked) "
    "[default: the recipe's 'figures', else on].",
)
@click.option(
    "--answer-sheet/--no-answer-sheet",
    default=None,
    help="An answer page after each sheet, for marking by scan: bubbles for choices, a grid-in (d.dd × 10^e) "
    "for numbers, printed name or an ID grid, a QR code; with answer-sheets.json (its layout) and, for a "
    "class, answer-sheets.html/.pdf [default: the recipe's 'answer_sheet', else off].",
)
@click.option(
    "--max-file-size",
    metavar="SIZE",
    default=None,
    help="--format moodle: split the quiz into numbered files of at most SIZE each (bytes, or with K, M or G "
    "as PHP counts them), each a whole quiz to import alone [default: 2M, PHP's stock upload limit].",
)
@click.option("--template-dir", metavar="DIR", help="A folder whose templates replace the built-in ones.")
@click.option("--force", is_flag=True, help="Replace existing files that differ.")
def worksheet_command(
    recipe: str | None,
    seed: int,
    fmt: str,
    paper: str | None,
    kinds: tuple[str, ...],
    problems: int | None,
    difficulty: int | None,
    form: str | None,
    outdir: str,
    variants: int,
    roster: str | None,
    code: str | None,
    count: str | None,
    space: str | None,
    figures: bool | None,
    answer_sheet: bool | None,
    max_file_size: str | None,
    template_dir: str | None,
    force: bool,
) -> int:
    """Write a worksheet and its answer key.

    The key has the answers, the worked steps, and why each distractor is wrong. --format moodle, gift,
    qti or anki instead exports the problems, with the same answers and steps, for Moodle, Canvas or
    Anki: quiz.moodle.xml, quiz.gift.txt, quiz.qti.zip or deck.apkg.

    RECIPE is a recipe file or a built-in name (default: the built-in 'default', a 10-problem mixed sheet).
    Without one, --kind (with --problems, --difficulty and --form) makes a quick sheet; its code
    captures those options, and its key prints the command that makes it again.

    \b
    Examples:
      quizgen worksheet
      quizgen worksheet --seed 7 --format html -o week3
      quizgen worksheet --format html --no-figures
      quizgen worksheet banks/default.yaml --variants 30 --format html
      quizgen worksheet --roster students.csv --format html
      quizgen worksheet --code D12-7C049FFB-02
      quizgen worksheet --kind params-conv --kind macs-conv --problems 10 --difficulty 2 --form choice
      quizgen worksheet --variants 30 --format pdf --paper letter -o class
      quizgen worksheet --format practice -o practice
      quizgen worksheet --roster students.csv --answer-sheet --format pdf -o class
      quizgen worksheet --roster students.csv --format practice -o practice
      quizgen worksheet --seed 7 --format moodle -o week3
      quizgen worksheet --variants 30 --format moodle --max-file-size 2M -o moodle
      quizgen worksheet --variants 30 --format qti -o canvas
      quizgen worksheet --format gift
      quizgen worksheet --format anki -o decks
    """
    from quizgen.i18n import language

    if variants > 1 and roster:
        raise click.UsageError(_("give either --variants or --roster, not both"))
    if variants > 1 and code:
        raise click.UsageError(_("give either --variants or --code, not both"))
    lang_given = click.get_current_context().get_parameter_source("lang") == click.core.ParameterSource.COMMANDLINE
    many = (variants > 1 or bool(roster)) and not code
    written = make_worksheets(
        recipe,
        seed=seed,
        fmt=fmt,
        paper=paper,
        kinds=kinds,
        problems=problems,
        difficulty=difficulty,
        form=form,
        outdir=outdir,
        variants=variants,
        roster=roster,
        code=code,
        count=count,
        lang=language() if lang_given else None,
        space=space,
        figures=figures,
        answer_sheet=answer_sheet,
        max_file_size=max_file_size,
        template_dir=template_dir,
        force=force,
        progress=many and sys.stderr.isatty(),
    )
    for path in written:
        click.echo(path)
    return 0


#: The formats an answer sheet goes with: HTML and PDF hold its pages; Markdown gets them in answer-sheets.html
#: beside it, and JSON only answer-sheets.json.
ANSWER_SHEET_FORMATS = ("md", "html", "pdf", "json")


def make_worksheets(
    recipe: str | None,
    *,
    seed: int = 1,
    fmt: str = "md",
    paper: str | None = None,
    kinds: tuple[str, ...] | list[str] = (),
    problems: int | None = None,
    difficulty: int | None = None,
    form: str | None = None,
    outdir: str = "worksheets",
    variants: int = 1,
    roster: str | None = None,
    code: str | None = None,
    count: str | None = None,
    lang: str | None = None,
    space: str | None = None,
    figures: bool | None = None,
    answer_sheet: bool | None = None,
    max_file_size: str | None = None,
    template_dir: str | None = None,
    force: bool = False,
    progress: bool = False,
) -> list[str]:
    """``quizgen worksheet``: render every sheet and the key in memory, then write them whole.

    Returns the paths written.  One sheet gives ``worksheet.EXT`` and ``key.EXT``; several give one
    ``worksheet-…`` per student, one combined ``key.EXT``, the marking grid (``grid.html``, ``grid.csv``)
    and, in HTML or PDF, ``all-sheets`` to print the class at once.  Markdown adds its figures' SVG files.  ``count`` and ``lang`` are the options
    given explicitly (``None``: the recipe's convention and the active language); a ``code`` restores
    its own, and an explicit option that differs from the code's is refused.  ``kinds`` (with
    ``problems``, ``difficulty`` and ``form``) makes a quick sheet instead of a recipe's.  ``fmt="pdf"``
    renders the HTML and prints every file through one Chromium (``paper``: where ``@page`` sets no size).
    ``figures`` is ``--figures/--no-figures`` (``None``: the recipe's ``figures``, else on);
    ``answer_sheet`` ``--answer-sheet/--no-answer-sheet`` (``None``: the recipe's ``answer_sheet``, else
    off): an answer page after each sheet, and ``answer-sheets.json`` (see :mod:`quizgen.render.answer_page`).
    ``max_file_size`` (``2M``, ``500K``, bytes) splits ``fmt="moodle"`` into numbered files of at most that size.
    """
    from pathlib import Path

    from quizgen.i18n import language, set_language
    from quizgen.problems import sheet as worksheet
    from quizgen.problems.quick import QuickRecipe
    from quizgen.render import sheets as render

    if paper is not None and fmt != "pdf" and not answer_sheet:
        raise QuizgenError(_("--paper {paper}: goes with --format pdf").format(paper=paper))
    max_bytes = None
    if max_file_size is not None:
        if fmt != "moodle":
            raise QuizgenError(_("--max-file-size {size}: goes with --format moodle").format(size=max_file_size))
        from quizgen.exports.moodle_file import parse_size

        max_bytes = parse_size(max_file_size)
    if fmt == "pdf":
        from quizgen.render import pdf

        pdf.require()
    if answer_sheet and fmt not in ANSWER_SHEET_FORMATS:
        raise QuizgenError(
            _("--answer-sheet: goes with --format {formats}, not {fmt}").format(
                formats=", ".join(ANSWER_SHEET_FORMATS), fmt=fmt
            )
        )
    source = _quick_recipe(recipe, kinds, problems=problems, difficulty=difficulty, form=form)
    plan = worksheet.plan(source, seed=seed, variants=variants, roster=roster, code=code)
    if plan.options is not None:
        made_with_figures = plan.options.figures == "on"
        if figures is not None and figures != made_with_figures:
            given_flag, made_flag = ("--figures", "--no-figures") if figures else ("--no-figures", "--figures")
            raise QuizgenError(
                _(
                    "{given}: the sheet with code {code} was made with {made_with}; "
                    "leave out {given} (the code restores it)"
                ).format(given=given_flag, code=code, made_with=made_flag)
            )
        for name, given in (("count", count), ("lang", lang), ("space", space)):
            made_with = getattr(plan.options, name)
            if given is not None and given != made_with:
                raise QuizgenError(
                    _(
                        "--{name} {given}: the sheet with code {code} was made with --{name} {made_with}; "
                        "leave out --{name} (the code restores it)"
                    ).format(name=name, given=given, code=code, made_with=made_with)
                )
        made_with_answers = plan.options.answer_sheet == "on"
        if answer_sheet is not None and answer_sheet != made_with_answers:
            given_flag, made_flag = (
                ("--answer-sheet", "--no-answer-sheet") if answer_sheet else ("--no-answer-sheet", "--answer-sheet")
            )
            raise QuizgenError(
                _(
                    "{given}: the sheet with code {code} was made with {made_with}; "
                    "leave out {given} (the code restores it)"
                ).format(given=given_flag, code=code, made_with=made_flag)
            )
        count, space = plan.options.count, plan.options.space
        figures = made_with_figures
        answer_sheet = made_with_answers
        if plan.options.lang != language():
            set_language(plan.options.lang)
    shown = plan.recipe.localized() if isinstance(plan.recipe, QuickRecipe) else plan.recipe
    template_fmt = "html" if fmt == "pdf" else fmt  # a PDF is its HTML, printed
    env = render.environment(template_dir) if template_fmt in (*render.FORMATS, "practice") else None
    if env is not None:
        env.globals["answer_pages"] = lambda sheet: render.answer_pages_html(sheet, paper or "a4")
    files: dict[str, str | bytes] = {}
    sheets = []
    items = plan.sheets
    bar = click.progressbar(items, label="Sheets", file=sys.stderr) if progress else None
    iterator = bar if bar is not None else items
    try:
        if bar is not None:
            bar.__enter__()
        drawn = worksheet.build_sheets(
            plan.recipe,
            [(student, sheet_seed) for _stem, student, sheet_seed in items],
            count=count,
            lang=language(),
            space=space,
            figures=figures,
            answer_sheet=answer_sheet,
        )
        for (stem, _student, _seed), sheet in zip(iterator, drawn):
            if shown is not plan.recipe:
                sheet = dataclasses.replace(sheet, recipe=shown)
            sheets.append(sheet)
            if env is not None and fmt != "practice":
                files.update(render.sheet_files(env, sheet, template_fmt, stem))
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if fmt == "practice":
        from quizgen.render.practice import practice_files

        assert env is not None
        files.update(practice_files(env, sheets, [stem for stem, _student, _seed in items]))
    elif env is not None:
        files.update(render.key_files(env, sheets, template_fmt))
        if template_fmt == "html" and (variants > 1 or roster) and not code:
            files["all-sheets.html"] = render.render_all_sheets(env, sheets, template_fmt)
        from quizgen.render.grid import grid_files

        files.update(grid_files(sheets, env))  # grid.html and grid.csv, for two sheets or more
    else:
        from quizgen import exports

        files.update(exports.export_files(fmt, sheets, figures=all(s.figures for s in sheets), max_file_size=max_bytes))
    if fmt in ANSWER_SHEET_FORMATS:
        from quizgen.render.answer_page import answer_files

        files.update(answer_files(sheets, fmt, paper or "a4"))
    if fmt == "pdf":
        sheets_of: dict[str, list[str | bytes]] = {}
        if env is not None and len(sheets) > 1:
            # each sheet's pages are counted from a page of its own: its student file, and its key alone
            sheets_of["key.html"] = [render.render_key(env, [sheet], "html") for sheet in sheets]
            if "all-sheets.html" in files:
                sheets_of["all-sheets.html"] = [files[f"{stem}.html"] for stem, _student, _seed in items]
        files = pdf.print_files(files, paper=paper or "a4", progress=progress, sheets_of=sheets_of)
    from quizgen.render.files import write_files

    written = write_files(Path(outdir), files, force=force)
    return [str(p) for p in written]


def _quick_recipe(
    recipe: str | None,
    kinds: tuple[str, ...] | list[str],
    *,
    problems: int | None,
    difficulty: int | None,
    form: str | None,
) -> str | Recipe | None:
    """The recipe to plan from: the one named, or a quick sheet's, built from ``--kind`` and its options."""
    if kinds and recipe:
        raise QuizgenError(
            _("give either RECIPE ({recipe}) or --kind (a quick sheet without a recipe), not both").format(
                recipe=recipe
            )
        )
    if not kinds:
        for name, value in (("problems", problems), ("difficulty", difficulty), ("form", form)):
            if value is not None:
                raise QuizgenError(
                    _("--{name} {value}: goes with --kind (a quick sheet); a recipe's sections set their own").format(
                        name=name, value=value
                    )
                )
        return recipe
    from quizgen.problems import quick

    return quick.quick_recipe(
        kinds,
        problems=quick.DEFAULT_PROBLEMS if problems is None else problems,
        difficulty=quick.DEFAULT_DIFFICULTY if difficulty is None else difficulty,
        form=form or quick.DEFAULT_FORM,
    )
