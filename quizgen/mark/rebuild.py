"""``quizgen mark`` without ``--key``: each answer page's layout rebuilt from its sheet code and the recipe.

A sheet code regenerates its sheet (DESIGN §7b), and :func:`quizgen.render.answer_layout.layout` lays out
that sheet's answer pages, so the layout of a scanned page follows from its QR code and the recipe.  Two
things the code does not hold change the layout: the paper (A4 or Letter) and whether the sheet was
printed for a named student (from a roster: no ID grid) or not (an ID bubble grid first).  Each choice
that gives different bubbles is a candidate; the one whose bubble outlines are printed on the page (see
:func:`outline_share`) is taken, and a page that fits none goes to review rather than being read.

``--roster`` and ``--seed`` (those the class was printed with) name each sheet's student, as
``quizgen worksheet --code`` does; without them a named sheet is marked by its code alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quizgen.errors import QuizgenError
from quizgen.i18n import _

#: A page fits a layout when at least this share of its bubbles' printed outlines is found where the layout
#: puts them, and this much more than any other candidate's.  Measured on synthetic scans (150-300 dpi): the
#: right layout finds 1.0; a wrong paper under 0.02; a wrong ID grid 0.25 on a first page, and up to 0.91 on
#: a second page (where most blocks fall in the same places, with other meanings).
FITS = 0.85
MARGIN = 0.04
#: A point on a bubble's outline is ink when it is this much of the way from the paper's grey to the ink's.
INK = 0.35
PAPERS = ("a4", "letter")


@dataclass
class Sheet:
    """What a code rebuilds: the sheet's problems, its student (from ``--roster``) and its layouts by
    (paper, printed for a named student); or why it cannot be rebuilt."""

    problems: list[Any] = field(default_factory=list)
    student: str = ""
    student_id: str = ""
    layouts: dict[tuple[str, bool], list[dict[str, Any]]] = field(default_factory=dict)
    problem: str = ""


class Rebuilder:
    """Sheets and their answer-page layouts rebuilt from codes, one build a code; and the layouts chosen so
    far, by (code, page), as ``answer-sheets.json`` would hold them."""

    def __init__(self, recipe: str | None, roster: str | None = None, seed: int = 1) -> None:
        self.recipe, self.roster, self.seed = recipe, roster, seed
        self.sheets: dict[str, Sheet] = {}
        self.layouts: dict[tuple[str, int], dict[str, Any]] = {}
        self.chosen: dict[str, tuple[str, bool]] = {}
        self._students: dict[int, tuple[str, str]] | None = None  # sheet seed → (name, id), from the roster

    def student(self, seed: int) -> tuple[str, str]:
        """The roster's student (name, id) whose sheet has ``seed`` under the base seed, or ``("", "")``."""
        if self._students is None:
            self._students = {}
            if self.roster:
                from quizgen.problems import sheet as worksheet

                plan = worksheet.plan(self.recipe, roster=self.roster, seed=self.seed)
                ids = plan.ids or ("",) * len(plan.sheets)
                for (_stem, name, sheet_seed), sid in zip(plan.sheets, ids):
                    self._students.setdefault(sheet_seed, (name, sid))
        return self._students.get(seed, ("", ""))

    def sheet(self, code: str) -> Sheet:
        """The sheet ``code`` regenerates with the recipe, or why it cannot be (``Sheet.problem``)."""
        if code not in self.sheets:
            self.sheets[code] = self._build(code)
        return self.sheets[code]

    def _build(self, code: str) -> Sheet:
        import dataclasses

        from quizgen.problems import sheet as worksheet
        from quizgen.problems.codes import CodeRecipeMismatch, parse_code, quick_recipe_of
        from quizgen.render.answer_layout import layout
        from quizgen.render.answer_page import page_data

        try:
            if quick_recipe_of(code) is None:
                parse_code(worksheet.load_recipe(self.recipe or worksheet.DEFAULT_RECIPE), code)
            built, seed = worksheet.sheet_of_code(self.recipe, code)
        except CodeRecipeMismatch:
            return Sheet(problem=_other_recipe(code, self.recipe))
        except QuizgenError as exc:
            return Sheet(problem=_("code {code}: {error}").format(code=code, error=exc))
        # a sheet of no student of the roster (one made with --variants) is named by its ID grid
        student, student_id = self.student(seed)
        out = Sheet(built.problems, student, student_id)
        for named_sheet in (False, True):
            # a named sheet has no ID grid; which name does not move a bubble
            s = dataclasses.replace(built, student=student or "?") if named_sheet else built
            for paper in PAPERS:
                pages = [page_data(p) for p in layout(s, paper)]
                for p in pages:
                    p["student"], p["student_id"] = (student, student_id) if named_sheet else ("", "")
                out.layouts[(paper, named_sheet)] = pages
        return out

    def choose(self, image: Any, markers_px: Any, code: str, page: int, pages: int) -> tuple[str, bool] | str:
        """The layout (paper, named) whose bubbles are printed on this scanned page of ``code``, registered in
        :attr:`layouts`; or why none fits (one line for the review list)."""
        from quizgen.mark import scan as S

        sheet = self.sheet(code)
        if sheet.problem:
            return sheet.problem
        if code in self.chosen:  # the layout taken for the code's other pages has no such page
            return _("page {page} of {pages} of sheet {code} is not one of its answer pages").format(
                page=page, pages=pages, code=code
            )
        scores = []
        seen: list[Any] = []
        for key, layouts in sheet.layouts.items():
            if len(layouts) != pages or page > pages:
                continue
            lay = layouts[page - 1]
            bubbles = [(b["x"], b["y"]) for b in lay["bubbles"]]
            if (bubbles, lay["markers"]) in seen:
                continue  # the same bubbles as a candidate already scored
            seen.append((bubbles, lay["markers"]))
            hm = S.homography(lay["markers"], markers_px)
            scores.append((outline_share(image, hm, lay), key))
        scores.sort(reverse=True)
        best = scores[0] if scores else (0.0, ("a4", False))
        runner_up = scores[1][0] if len(scores) > 1 else 0.0
        if best[0] < FITS or best[0] - runner_up < MARGIN:
            return _(
                "page {page} of sheet {code} does not match the sheet the code and recipe rebuild "
                "(its bubbles are not where they would be printed); mark it with --key"
            ).format(page=page, code=code)
        self.register(code, best[1])
        return best[1]

    def unnamed(self) -> list[str]:
        """The codes of sheets printed for a named student whom no ``--roster`` names, in order."""
        return sorted(c for c, (_paper, named) in self.chosen.items() if named and not self.sheet(c).student)

    def register(self, code: str, key: tuple[str, bool]) -> None:
        """Take layout ``key`` (paper, named) for every answer page of ``code``."""
        sheet = self.sheet(code)
        if sheet.problem or key not in sheet.layouts:
            return
        self.chosen[code] = key
        for p in sheet.layouts[key]:
            self.layouts[(code, int(p["page"]))] = p


def _other_recipe(code: str, recipe: str | None) -> str:
    return _("code {code} was made from another recipe than {recipe}").format(
        code=code, recipe=recipe or _("the default recipe")
    )


def outline_share(image: Any, hm: Any, layout: dict[str, Any]) -> float:
    """The share of the layout's bubbles whose printed circle is found on the page: for each bubble, 16
    points around it at its radius (give or take 0.3 mm); a bubble counts when 12 of them are ink."""
    import cv2
    import numpy as np

    circles = [b for b in layout["bubbles"] if b["column"] != "override"]
    if not circles:
        return 0.0
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    pts: list[tuple[float, float]] = []
    for b in circles:
        for dr in (-0.3, 0.0, 0.3):
            rr = b["r"] + dr
            pts.extend(zip(b["x"] + rr * np.cos(angles), b["y"] + rr * np.sin(angles)))
    px = cv2.perspectiveTransform(np.array(pts, dtype=np.float64)[:, None, :], hm)[:, 0, :]
    h, w = image.shape
    xs = np.clip(np.rint(px[:, 0]).astype(int), 0, w - 1)
    ys = np.clip(np.rint(px[:, 1]).astype(int), 0, h - 1)
    paper = float(np.percentile(image[::4, ::4], 90))
    ink = float(np.percentile(image[::2, ::2], 0.5))
    dark = (paper - image[ys, xs].astype(np.float64)) / max(paper - ink, 1.0) >= INK
    # darkest of the three radii at each angle, then angles found per bubble
    found = dark.reshape(len(circles), 3, 16).any(axis=1).sum(axis=1)
    return float(np.mean(found >= 12))
