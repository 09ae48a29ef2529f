"""``quizgen drill`` and ``quizgen stats``: practise in the terminal, and see the progress."""

from __future__ import annotations

import click

from quizgen.cli.common import COUNT, LANG


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
@click.option(
    "--no-figures", is_flag=True, help="No grid picture of a small layer after a wrong answer (on a terminal)."
)
@click.option("--stats", "stats", is_flag=True, hidden=True)  # a guess at the progress: points to quizgen stats
def drill_command(
    kinds: tuple[str, ...],
    difficulty: int | None,
    count: int,
    seed: int | None,
    db: str | None,
    convention: str,
    no_figures: bool,
    stats: bool,
) -> int:
    """Practise in the terminal: feedback names your misconception; progress is saved.

    Answer with a number (34944, 34,944, 3.4944e4), a value rounded to at least 3 significant figures
    (34.9k, 3.49e4), a shape (55x55x96) or a letter. Keys: ? for a hint, s to skip, q or Ctrl-D to
    finish. A wrong answer gets its misconception named, a hint and one more try, then the worked steps.
    On a terminal, a small layer's grid picture comes with the retry (the output left as ?) and with
    the worked steps (the output drawn); --no-figures turns it off, and piped output never has it.
    Every answer is saved the moment you give it; quizgen stats shows your progress. Kinds you miss come
    back sooner (Leitner boxes); mastered kinds move up a difficulty. With stdin not a terminal it reads
    one answer per line.

    \b
    Examples:
      quizgen drill
      quizgen drill --kind params-conv --kind pool-ops --difficulty 2 --count 5
      printf '55x55x96\\n?\\ns\\nq\\n' | quizgen drill --kind output-conv --difficulty 2 --seed 89 --db /tmp/p.sqlite3
    """
    if stats:
        from quizgen.i18n import _

        raise click.UsageError(
            _("--stats: your progress is a command of its own: quizgen stats (--db PATH for another file)")
        )
    from quizgen.drill import terminal as drill

    return drill.run(
        kinds=list(kinds),
        difficulty=difficulty,
        count=count,
        seed=seed,
        db=db,
        convention=convention,
        figures=not no_figures,
    )


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
    from quizgen.drill import terminal as drill

    return drill.show_stats(db=db, as_json=as_json)
