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
    required=True,
    metavar="DIR",
    help="The folder quizgen worksheet --answer-sheet wrote (its answer-sheets.json).",
)
@click.option(
    "--recipe",
    default=None,
    help="The recipe the sheets were made from (file or built-in name; default: the default recipe).",
)
@click.option(
    "-o", "--out", "outdir", default="marked", show_default=True, help="Where to write grades, feedback and reports."
)
@click.option("--resolve", default=None, metavar="review.csv", help="Apply the teacher's decisions on the review list.")
def mark_command(scans: tuple[str, ...], key_dir: str, recipe: str | None, outdir: str, resolve: str | None) -> None:
    """Mark scanned answer sheets: grades, each student's feedback, the class's misconceptions.

    Scans may be PDF, PNG, JPEG or TIFF, in any order, with any mix of students.
    Writes grades.csv, feedback/CODE.html (one a student), class-report.html, review.html and review.csv to
    OUT. Scans added later merge by sheet code; a page scanned twice is reported and counted once.

    \b
    Examples:
      quizgen mark scans.pdf --key worksheets -o marked
      quizgen mark more-scans.pdf --key worksheets -o marked --resolve marked/review.csv
    """
    run_mark(list(scans), key_dir, recipe=recipe, outdir=outdir, resolve=resolve)


def run_mark(
    scans: list[str], key_dir: str, *, recipe: str | None = None, outdir: str = "marked", resolve: str | None = None
) -> list[str]:
    """Read, merge with ``OUT/reads.json``, judge and write; returns the paths written."""
    import json
    from pathlib import Path

    require()
    from quizgen.mark import report
    from quizgen.mark import run as R

    layouts = R.load_layouts(key_dir)
    resolved = R.read_resolve(resolve) if resolve else {}
    out = Path(outdir)
    old = []
    reads_path = out / "reads.json"
    if reads_path.is_file():
        old = json.loads(reads_path.read_text(encoding="utf-8"))["pages"]
    reads = R.merge_reads(old, R.read_scans(scans, layouts))
    marked = R.mark(reads, layouts, recipe, resolved)
    files: dict[str, str] = {
        "reads.json": json.dumps({"pages": reads}, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
        "grades.csv": report.grades_csv(marked),
        "review.html": report.review_html(marked),
        "review.csv": report.review_csv(marked),
        "class-report.html": report.class_report_html(marked),
    }
    for s in marked.students:
        files[f"feedback/{s.code}.html"] = report.feedback_html(s)
    written = []
    for name, text in sorted(files.items()):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        written.append(str(path))
    n_review = len(marked.review)
    click.echo(
        _("{n} students marked, {k} lines to review: {out}").format(n=len(marked.students), k=n_review, out=outdir)
    )
    return written
