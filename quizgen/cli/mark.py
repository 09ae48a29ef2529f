"""``quizgen mark``: read scanned answer sheets, judge them, write grades, feedback and the class report."""

from __future__ import annotations

import click

from quizgen.errors import QuizgenError
from quizgen.i18n import _


def require() -> None:
    """The ``mark`` extra, or one clear error line."""
    try:
        import cv2  # noqa: F401
        import numpy  # noqa: F401
        import pypdfium2  # noqa: F401
    except ImportError:
        raise QuizgenError(_('quizgen mark needs the mark extra: pip install "quizgen[mark]"')) from None


@click.command("mark")
@click.argument("scans", nargs=-1, required=True, type=click.Path())
@click.option(
    "--key",
    "key_dir",
    default=None,
    metavar="DIR",
    help="The folder quizgen worksheet --answer-sheet wrote (its answer-sheets.json). Without it, each page's "
    "layout is rebuilt from its sheet code and --recipe.",
)
@click.option(
    "--recipe",
    default=None,
    help="The recipe the sheets were made from (file or built-in name; default: the default recipe).",
)
@click.option(
    "--roster",
    default=None,
    metavar="CSV",
    help="Without --key: the roster the class was printed with, to name each student (with --seed).",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Without --key: the base --seed the class was printed with (with --roster) [default: 1].",
)
@click.option(
    "-o", "--out", "outdir", default="marked", show_default=True, help="Where to write grades, feedback and reports."
)
@click.option("--resolve", default=None, metavar="review.csv", help="Apply the teacher's decisions on the review list.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf"]),
    default="html",
    show_default=True,
    help="pdf: also each feedback page and the class report as PDF, printed through Chromium (the 'pdf' extra).",
)
def mark_command(
    scans: tuple[str, ...],
    key_dir: str | None,
    recipe: str | None,
    roster: str | None,
    seed: int | None,
    outdir: str,
    resolve: str | None,
    fmt: str,
) -> None:
    """Mark scanned answer sheets: grades, each student's feedback, the class's misconceptions.

    Scans may be PDF, PNG, JPEG or TIFF, in any order, with any mix of students.
    Writes grades.csv, feedback/CODE.html (one a student), class-report.html, review.html and review.csv to
    OUT; with --format pdf also feedback/CODE.pdf and class-report.pdf. Scans added later merge by sheet code;
    a page scanned twice is reported and counted once.

    \b
    Examples:
      quizgen mark scans.pdf --key worksheets -o marked
      quizgen mark more-scans.pdf --key worksheets -o marked --resolve marked/review.csv
      quizgen mark scans.pdf --key worksheets -o marked --format pdf
      quizgen mark scans.pdf --recipe week3.yaml --roster students.csv --seed 7 -o marked
    """
    run_mark(list(scans), key_dir, recipe=recipe, roster=roster, seed=seed, outdir=outdir, resolve=resolve, fmt=fmt)


def run_mark(
    scans: list[str],
    key_dir: str | None,
    *,
    recipe: str | None = None,
    roster: str | None = None,
    seed: int | None = None,
    outdir: str = "marked",
    resolve: str | None = None,
    fmt: str = "html",
) -> list[str]:
    """Read, merge with ``OUT/reads.json``, judge and write; returns the paths written."""
    import json
    from pathlib import Path

    require()
    if fmt == "pdf":
        from quizgen.render import pdf

        pdf.require()
    from quizgen.mark import report
    from quizgen.mark import run as R

    for name, value in (("--roster", roster), ("--seed", seed)):
        if key_dir is not None and value is not None:
            raise QuizgenError(
                _("{option} {value}: goes without --key (the key's answer-sheets.json names the students)").format(
                    option=name, value=value
                )
            )
    if seed is not None and roster is None:
        raise QuizgenError(_("--seed {seed}: goes with --roster (it finds each student's sheet)").format(seed=seed))
    rebuild = None
    if key_dir is None:
        from quizgen.mark.rebuild import Rebuilder
        from quizgen.problems.sheet import DEFAULT_RECIPE, load_recipe

        load_recipe(recipe or DEFAULT_RECIPE)  # a bad --recipe is refused before any scan is read
        if roster:
            from quizgen.problems.roster import read_roster

            read_roster(roster)
        rebuild = Rebuilder(recipe, roster, 1 if seed is None else seed)
        layouts = rebuild.layouts
    else:
        layouts = R.load_layouts(key_dir)
        first = next(iter(layouts), None)
        if first is not None and R.other_recipe(recipe, first[0]):
            raise QuizgenError(
                _(
                    "--key {dir}: its sheets were made from another recipe than {recipe}; "
                    "give the one they were made from with --recipe"
                ).format(recipe=recipe or _("the default recipe"), dir=key_dir)
            )
    resolved = R.read_resolve(resolve) if resolve else {}
    out = Path(outdir)
    old = []
    reads_path = out / "reads.json"
    if reads_path.is_file():
        old = json.loads(reads_path.read_text(encoding="utf-8"))["pages"]
    if rebuild is not None:  # the layouts earlier runs took, so that every page of a sheet is read alike
        for e in old:
            if e.get("layout") and e["code"]:
                rebuild.register(e["code"], (str(e["layout"][0]), bool(e["layout"][1])))
    reads = R.merge_reads(old, R.read_scans(scans, layouts, rebuild))
    built = {c: s.problems for c, s in rebuild.sheets.items() if s.problems} if rebuild is not None else None
    marked = R.mark(reads, layouts, recipe, resolved, built)
    if rebuild is not None:
        for code in rebuild.unnamed():
            marked.review.append(
                R.Review(
                    "",
                    _(
                        "sheet {code} was printed for a named student: give --roster and --seed (or --key) "
                        "to name them in grades.csv"
                    ).format(code=code),
                    code=code,
                )
            )
    files: dict[str, str | bytes] = {
        "reads.json": json.dumps({"pages": reads}, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
        "grades.csv": report.grades_csv(marked),
        "review.html": report.review_html(marked),
        "review.csv": report.review_csv(marked),
        "class-report.html": report.class_report_html(marked),
    }
    for s in marked.students:
        files[f"feedback/{s.code}.html"] = report.feedback_html(s)
    if fmt == "pdf":
        from quizgen.mark.printed import print_pages

        pages = {n: str(t) for n, t in files.items() if n.startswith("feedback/") or n == "class-report.html"}
        paper = next((str(p.get("paper", "a4")) for p in layouts.values()), "a4")
        files.update(print_pages(pages, paper))
    written = []
    for name, text in sorted(files.items()):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", newline="")
        written.append(str(path))
    n_review = len(marked.review)
    click.echo(
        _("{n} students marked, {k} lines to review: {out}").format(n=len(marked.students), k=n_review, out=outdir)
    )
    return written
