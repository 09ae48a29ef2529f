"""The click commands behind ``quizgen``, loaded lazily by :class:`quizgen.cli.QuizgenCLI`."""

from __future__ import annotations

import sys

import click

from quizgen.i18n import _

LAYOUT = click.Choice(["hwc", "chw"])


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        from quizgen.i18n import set_language

        set_language(value)
    return value


LANG = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    callback=_set_lang,
    is_eager=True,
    expose_value=False,
    help="Language of the output: en or zh (简体中文) [default: $QUIZGEN_LANG, else en].",
)
COUNT = click.Choice(["macs", "flops", "flops+bias"])


def _spec_text(words: tuple[str, ...]) -> str:
    return " ".join(words)


@click.command("solve")
@LANG
@click.argument("spec", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per layer (JSON Lines with SPEC '-').")
@click.option(
    "--network",
    metavar="FILE|NAME",
    help="Solve a stack: a file with one spec per line, or a built-in (lenet5, alexnet, vgg16, mobilenet_v1).",
)
@click.option(
    "--layout",
    type=LAYOUT,
    default="hwc",
    show_default=True,
    help="Shape order: hwc (spatial, then channels) or chw (PyTorch's, channels first).",
)
@click.option("--count", type=COUNT, default="macs", show_default=True, help="The compute convention shown.")
@click.option("--no-steps", is_flag=True, help="Leave out the worked steps (text output).")
def solve_command(
    spec: tuple[str, ...], as_json: bool, network: str | None, layout: str, count: str, no_steps: bool
) -> int:
    """Solve a layer or a network: shapes, parameters, MACs/FLOPs, pooling work, memory, worked steps.

    SPEC is one layer, quoted or not. Use '-' to read one spec per line from stdin.

    \b
    Examples:
      quizgen solve "conv2d in=227x227x3 out=96 k=11 s=4"
      quizgen solve maxpool2d in=55x55x96 k=3 s=2
      quizgen solve --json "linear in=9216 out=4096"
      printf 'conv2d in=32x32x3 out=16 k=3\\nrelu in=8\\n' | quizgen solve --json -
      quizgen solve --network vgg16 --count flops
      quizgen solve --network my_net.txt --json
    """
    from quizgen.cli import commands

    if network:
        if spec:
            raise click.UsageError(_("give either SPEC or --network, not both"))
        return commands.solve_network(network, as_json=as_json, layout=layout, count=count)
    if not spec:
        raise click.UsageError(_('missing SPEC, e.g. quizgen solve "conv2d in=227x227x3 out=96 k=11 s=4"'))
    if spec == ("-",):
        return commands.solve_stream(
            sys.stdin,
            sys.stdout,
            as_json=as_json,
            layout=layout,
            count=count,
            show_steps=not no_steps,
        )
    return commands.solve_one(_spec_text(spec), as_json=as_json, layout=layout, count=count, show_steps=not no_steps)


@click.command("check")
@LANG
@click.argument("spec", nargs=-1, required=True)
@click.option(
    "--claim",
    "claims",
    multiple=True,
    required=True,
    metavar="QUANTITY=VALUE",
    help="A claimed answer; repeat for several. Quantities: output, params, weights, bias, trainable, "
    "non_trainable, macs, flops, compute, windows, comparisons, additions, divisions, output_elements, "
    "output_bytes, params_bytes, comparisons_per_window.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON.")
@click.option("--layout", type=LAYOUT, default="hwc", show_default=True, help="Shape order of SPEC and claims.")
@click.option("--count", type=COUNT, default="macs", show_default=True, help="What 'compute=' means.")
def check_command(spec: tuple[str, ...], claims: tuple[str, ...], as_json: bool, layout: str, count: str) -> int:
    """Check claimed answers about a layer: correct, or wrong with the right value and the misconception.

    Exit status: 0 if every claim is correct, 1 if any is wrong, 2 for bad input.

    \b
    Examples:
      quizgen check "conv2d in=227x227x3 out=96 k=11 s=4" --claim output=217x217x96
      quizgen check "maxpool2d in=55x55x96 k=3 s=2" --claim windows=196 --claim comparisons=1568
      quizgen check "conv2d in=32x32x64 out=128 k=5 bias=false" --claim macs=160563200 --claim params=204800
    """
    from quizgen.cli import commands

    return commands.check_claims(_spec_text(spec), list(claims), as_json=as_json, layout=layout, count=count)


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
    from quizgen.cli import commands
    from quizgen.i18n import language

    if variants > 1 and roster:
        raise click.UsageError(_("give either --variants or --roster, not both"))
    if variants > 1 and code:
        raise click.UsageError(_("give either --variants or --code, not both"))
    lang_given = click.get_current_context().get_parameter_source("lang") == click.core.ParameterSource.COMMANDLINE
    many = (variants > 1 or bool(roster)) and not code
    written = commands.make_worksheets(
        recipe,
        seed=seed,
        fmt=fmt,
        outdir=outdir,
        variants=variants,
        roster=roster,
        code=code,
        count=count,
        lang=language() if lang_given else None,
        template_dir=template_dir,
        force=force,
        progress=many and sys.stderr.isatty(),
    )
    for path in written:
        click.echo(path)
    return 0


@click.command("kinds")
@LANG
def kinds_command() -> int:
    """List the problem kinds, each with an example.

    \b
    Example:
      quizgen kinds
    """
    from quizgen.cli import commands

    click.echo(commands.list_kinds())
    return 0


@click.group("bank")
def bank_command() -> None:
    """Problem banks and recipes: list them, check a bank's claims.

    \b
    Examples:
      quizgen bank list
      quizgen bank check banks/seed-post.yaml
    """


@bank_command.command("check")
@LANG
@click.argument("source", default="seed-post")
def bank_check(source: str) -> int:
    """Check every claimed answer in a problem bank (default: the seed post's).

    Exit status: 0 if every claim is correct, 1 if any is wrong, 2 for a bad file.

    \b
    Examples:
      quizgen bank check
      quizgen bank check banks/seed-post.yaml
      quizgen bank check my-bank.yaml
    """
    from quizgen.cli import commands

    return commands.bank_check(source)


@bank_command.command("list")
@LANG
def bank_list() -> int:
    """List the built-in problem banks and recipes.

    \b
    Example:
      quizgen bank list
    """
    from quizgen.cli import commands

    click.echo(commands.bank_list())
    return 0


@click.command("drill")
@LANG
@click.option("--kind", "kinds", multiple=True, metavar="ID", help="Only these kinds (repeatable); see quizgen kinds.")
@click.option("--difficulty", type=click.IntRange(1, 3), help="Fix the difficulty [default: from your progress].")
@click.option("--count", type=click.IntRange(1, 1000), default=10, show_default=True, help="How many questions.")
@click.option("--seed", type=int, help="Seed the questions (for a repeatable session).")
@click.option("--db", metavar="PATH", help="Progress database [default: $QUIZGEN_HOME or the user data folder].")
@click.option(
    "--compute",
    "convention",
    type=COUNT,
    default="macs",
    show_default=True,
    help="Compute convention of the questions.",
)
def drill_command(
    kinds: tuple[str, ...], difficulty: int | None, count: int, seed: int | None, db: str | None, convention: str
) -> int:
    """Practise in the terminal: feedback names your misconception; progress is saved.

    Answer with a number (34944, 34,944, 3.4944e4), a value rounded to at least 3 significant figures
    (34.9k, 3.49e4), a shape (55x55x96) or a letter. Keys: ? for a hint, s to skip, q or Ctrl-D to
    finish. A wrong answer gets its misconception named, a hint and one more try, then the worked steps.
    Every answer is saved the moment you give it. Kinds you miss come back sooner (Leitner boxes);
    mastered kinds move up a difficulty. With stdin not a terminal it reads one answer per line.

    \b
    Examples:
      quizgen drill
      quizgen drill --kind params-conv --kind pool-ops --difficulty 2 --count 5
      printf '55x55x96\\n?\\ns\\nq\\n' | quizgen drill --seed 1 --db /tmp/p.sqlite3
    """
    from quizgen.drill import session as drill

    return drill.run(kinds=list(kinds), difficulty=difficulty, count=count, seed=seed, db=db, convention=convention)


@click.command("stats")
@LANG
@click.option("--db", metavar="PATH", help="Progress database [default: $QUIZGEN_HOME or the user data folder].")
@click.option("--json", "as_json", is_flag=True, help="The same data as JSON.")
def stats_command(db: str | None, as_json: bool) -> int:
    """Show drill progress: accuracy by kind, frequent misconceptions, streak, what is due.

    \b
    Examples:
      quizgen stats
      quizgen stats --json --db /tmp/p.sqlite3
    """
    from quizgen.drill import session as drill

    return drill.show_stats(db=db, as_json=as_json)
