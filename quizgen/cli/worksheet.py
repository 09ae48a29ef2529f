"""``quizgen worksheet``: sheets and their key in Markdown, HTML or JSON, or an LMS export."""

from __future__ import annotations

import sys

import click

from quizgen.cli.common import COUNT, LANG
from quizgen.errors import QuizgenError
from quizgen.i18n import _


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
    type=click.Choice(["md", "html", "json", "moodle", "gift", "qti", "anki"]),
    default="md",
    show_default=True,
    help="md, html or json: a sheet and its key. moodle (Moodle XML), gift, qti (a Canvas QTI 1.2 zip) "
    "or anki (an .apkg deck): one file of every sheet's problems, for import.",
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
    "--count and --lang. Give the recipe if it is not the default, and --roster (with --seed) to keep the name.",
)
@click.option("--count", type=COUNT, default=None, help="Compute convention [default: the recipe's, else macs].")
@click.option(
    "--space",
    type=click.Choice(["none", "small", "large"]),
    default=None,
    help="Working space under each problem [default: the recipe's, else small].",
)
@click.option("--template-dir", metavar="DIR", help="A folder whose templates replace the built-in ones.")
@click.option("--force", is_flag=True, help="Replace existing files that differ.")
def worksheet_command(
    recipe: str | None,
    seed: int,
    fmt: str,
    outdir: str,
    variants: int,
    roster: str | None,
    code: str | None,
    count: str | None,
    space: str | None,
    template_dir: str | None,
    force: bool,
) -> int:
    """Write a worksheet and its answer key.

    The key has the answers, the worked steps, and why each distractor is wrong. --format moodle, gift,
    qti or anki instead exports the problems, with the same answers and steps, for Moodle, Canvas or
    Anki: quiz.moodle.xml, quiz.gift.txt, quiz.qti.zip or deck.apkg.

    RECIPE is a recipe file or a built-in name (default: the built-in 'default', a 10-problem mixed sheet).

    \b
    Examples:
      quizgen worksheet
      quizgen worksheet --seed 7 --format html -o week3
      quizgen worksheet banks/default.yaml --variants 30 --format html
      quizgen worksheet --roster students.csv --format html
      quizgen worksheet --code D12-7C049FFB-02
      quizgen worksheet --seed 7 --format moodle -o week3
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
        outdir=outdir,
        variants=variants,
        roster=roster,
        code=code,
        count=count,
        lang=language() if lang_given else None,
        space=space,
        template_dir=template_dir,
        force=force,
        progress=many and sys.stderr.isatty(),
    )
    for path in written:
        click.echo(path)
    return 0


def make_worksheets(
    recipe: str | None,
    *,
    seed: int = 1,
    fmt: str = "md",
    outdir: str = "worksheets",
    variants: int = 1,
    roster: str | None = None,
    code: str | None = None,
    count: str | None = None,
    lang: str | None = None,
    space: str | None = None,
    template_dir: str | None = None,
    force: bool = False,
    progress: bool = False,
) -> list[str]:
    """``quizgen worksheet``: render every sheet and the key in memory, then write them whole.

    Returns the paths written.  One sheet gives ``worksheet.EXT`` and ``key.EXT``; several give one
    ``worksheet-…`` per student and one combined ``key.EXT``.  ``count`` and ``lang`` are the options
    given explicitly (``None``: the recipe's convention and the active language); a ``code`` restores
    its own, and an explicit option that differs from the code's is refused.
    """
    from pathlib import Path

    from quizgen.i18n import language, set_language
    from quizgen.problems import sheet as worksheet
    from quizgen.render import sheets as render

    plan = worksheet.plan(recipe, seed=seed, variants=variants, roster=roster, code=code)
    if plan.options is not None:
        for name, given in (("count", count), ("lang", lang), ("space", space)):
            made_with = getattr(plan.options, name)
            if given is not None and given != made_with:
                raise QuizgenError(
                    _(
                        "--{name} {given}: the sheet with code {code} was made with --{name} {made_with}; "
                        "leave out --{name} (the code restores it)"
                    ).format(name=name, given=given, code=code, made_with=made_with)
                )
        count, space = plan.options.count, plan.options.space
        if plan.options.lang != language():
            set_language(plan.options.lang)
    env = render.environment(template_dir) if fmt in render.FORMATS else None
    files: dict[str, str | bytes] = {}
    sheets = []
    items = plan.sheets
    bar = click.progressbar(items, label="Sheets", file=sys.stderr) if progress else None
    iterator = bar if bar is not None else items
    try:
        if bar is not None:
            bar.__enter__()
        for stem, student, sheet_seed in iterator:
            sheet = worksheet.build_sheet(
                plan.recipe, sheet_seed, student=student, count=count, lang=language(), space=space
            )
            sheets.append(sheet)
            if env is not None:
                files[f"{stem}.{fmt}"] = render.render_sheet(env, sheet, fmt)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if env is not None:
        files[f"key.{fmt}"] = render.render_key(env, sheets, fmt)
        if fmt == "html" and (variants > 1 or roster) and not code:
            files["all-sheets.html"] = render.render_all_sheets(env, sheets, fmt)
        from quizgen.render.grid import grid_files

        files.update(grid_files(sheets, env))  # grid.html and grid.csv, for two sheets or more
    else:
        from quizgen import exports

        files.update(exports.export_files(fmt, sheets))
    from quizgen.render.files import write_files

    written = write_files(Path(outdir), files, force=force)
    return [str(p) for p in written]
