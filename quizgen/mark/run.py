"""``quizgen mark``: scans read, merged with earlier reads in the output folder, judged, and written.

Reads are kept in ``OUT/reads.json`` (one entry a scanned page, keyed by a hash of its pixels), so that scans
added later merge by sheet code, the same scan read again changes nothing, and a page scanned twice (two
different scans of one code and page) is reported and counted once: the first by its source's name.
"""

from __future__ import annotations

import base64
import csv
import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from quizgen.errors import QuizgenError
from quizgen.i18n import _
from quizgen.mark import grade as G
from quizgen.mark.rebuild import Rebuilder


@dataclass
class Review:
    """One line of the review list: a page that could not be used, or a part that was not read for sure."""

    source: str
    reason: str
    code: str = ""
    name: str = ""
    part: str = ""
    read: str = ""
    crop: str = ""  # base64 JPEG


@dataclass
class Marked:
    students: list[G.StudentResult] = field(default_factory=list)
    review: list[Review] = field(default_factory=list)


def load_layouts(key_dir: str) -> dict[tuple[str, int], dict[str, Any]]:
    """``answer-sheets.json`` of the class (``quizgen worksheet --answer-sheet``), by (code, page)."""
    path = Path(key_dir) / "answer-sheets.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise QuizgenError(
            _("--key {dir}: must be the folder quizgen worksheet --answer-sheet wrote, with answer-sheets.json").format(
                dir=key_dir
            )
        ) from None
    return {(p["code"], int(p["page"])): p for p in data["pages"]}


def read_scans(
    paths: list[str], layouts: dict[tuple[str, int], dict[str, Any]], rebuild: Rebuilder | None = None
) -> list[dict[str, Any]]:
    """Every page of ``paths`` read: a JSON-ready entry each, doubtful parts' crops included.  With ``rebuild``
    (no ``--key``), each page's layout is rebuilt from its code, and ``layouts`` is ``rebuild.layouts``."""
    from quizgen.mark import scan as S

    entries = []
    for sc in S.load(paths):
        r = S.read_page(sc, layouts)
        if rebuild is not None and r.code and not r.problem and r.homography is None:
            _read_rebuilt(S, sc, r, rebuild)
        entry: dict[str, Any] = {
            "source": r.source,
            "digest": r.digest,
            "qr": r.qr,
            "code": r.code,
            "page": r.page,
            "pages": r.pages,
            "upside_down": r.upside_down,
            "problem": r.problem,
            "bubbles": [[b.part, b.dim, b.column, b.value, b.state, b.fill] for b in r.bubbles],
            "crops": {},
        }
        if rebuild is not None and r.code in rebuild.chosen:
            entry["layout"] = list(rebuild.chosen[r.code])
        layout = layouts.get((r.code, r.page))
        if layout is not None:
            cols: dict[tuple[str, int, str], list[str]] = {}
            for b in r.bubbles:
                cols.setdefault((b.part, b.dim, b.column), []).append(b.state)
            # a crop for each part with a doubtful bubble or two filled in one column
            parts = sorted({k[0] for k, states in cols.items() if "doubtful" in states or states.count("filled") > 1})
            # and of the ID grid when a digit is not read (left empty): the teacher reads it from the crop
            if any(k[0] == "id" and states.count("filled") != 1 for k, states in cols.items()):
                parts = sorted({*parts, "id"})
            entry["crops"] = {p: base64.b64encode(S.crop_jpeg(r, layout, p)).decode() for p in parts}
        entries.append(entry)
    return entries


def _read_rebuilt(S: Any, sc: Any, r: Any, rebuild: Rebuilder) -> None:  # noqa: N803 - the scan module
    """Read the bubbles of page ``r`` with the layout its code rebuilds, or say why not (``r.problem``)."""
    import cv2

    img = cv2.rotate(sc.pixels, cv2.ROTATE_180) if r.upside_down else sc.pixels
    markers = S.find_markers(img)
    chosen = rebuild.choose(img, markers, r.code, r.page, r.pages) if markers is not None else ""
    if isinstance(chosen, str):
        r.problem = chosen or _("not one of our answer pages: its four corner markers were not found")
        return
    layout = rebuild.layouts[(r.code, r.page)]
    r.homography, r.image = S.homography(layout["markers"], markers), img
    r.bubbles = S.read_bubbles(img, r.homography, layout)


def merge_reads(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Earlier reads and new ones, one entry a distinct scan (by pixel hash), in a fixed order.  A scan read
    again replaces an earlier read of it that found no bubbles (its layout was not known then)."""
    seen: dict[str, dict[str, Any]] = {}
    for e in old + new:
        if e["digest"] not in seen or (e["bubbles"] and not seen[e["digest"]]["bubbles"]):
            seen[e["digest"]] = e
    return sorted(seen.values(), key=lambda e: (e["code"], e["page"], e["source"], e["digest"]))


def _sheet_problems(recipe: str | None, code: str) -> list[Any]:
    from quizgen.problems.sheet import sheet_of_code

    return sheet_of_code(recipe, code)[0].problems


def other_recipe(recipe: str | None, code: str) -> bool:
    """Whether ``code`` was made from another recipe than ``recipe``; a quick sheet's code (``Q…``) holds its own
    recipe, so it is never another's."""
    from quizgen.problems.codes import CodeRecipeMismatch, parse_code, quick_recipe_of
    from quizgen.problems.sheet import DEFAULT_RECIPE, load_recipe

    if quick_recipe_of(code) is not None:
        return False
    try:
        parse_code(load_recipe(recipe or DEFAULT_RECIPE), code)
    except CodeRecipeMismatch:
        return True
    except QuizgenError:
        return False
    return False


def mark(
    reads: list[dict[str, Any]],
    layouts: dict[tuple[str, int], dict[str, Any]],
    recipe: str | None,
    resolved: dict[tuple[str, str], str],
    built: dict[str, list[Any]] | None = None,
) -> Marked:
    """Every sheet with a page among ``reads``, judged; the review list.  ``built``: the problems of sheets
    already regenerated (by code), so that none is built twice."""
    out = Marked()
    by_page: dict[tuple[str, int], dict[str, Any]] = {}
    for e in reads:
        if e["problem"]:
            out.review.append(Review(e["source"], e["problem"], code=e["code"]))
            continue
        if (e["code"], e["page"]) not in layouts:
            reason = (
                _("code {code} was made from another recipe than this class's")
                if other_recipe(recipe, e["code"])
                else _("code {code} is not one of this class's sheets (not in answer-sheets.json)")
            )
            out.review.append(Review(e["source"], reason.format(code=e["code"]), code=e["code"]))
            continue
        key = (e["code"], e["page"])
        if key in by_page:
            first = by_page[key]["source"]
            out.review.append(
                Review(
                    e["source"],
                    _(
                        "page {page} of sheet {code} was scanned twice ({first} and this one); counted once, from {first}"
                    ).format(page=e["page"], code=e["code"], first=first),
                    code=e["code"],
                )
            )
            continue
        by_page[key] = e
        if e["upside_down"]:
            out.review.append(
                Review(e["source"], _("the page was upside down; it was turned and read"), code=e["code"])
            )
    codes = sorted({c for c, _p in by_page})
    for code in codes:
        first = layouts[next(k for k in layouts if k[0] == code)]
        pages = int(first.get("pages", 1))
        problems = (built or {}).get(code) or _sheet_problems(recipe, code)
        student = G.StudentResult(code, first.get("student", ""), first.get("student_id", ""), problems=problems)
        for page in range(1, pages + 1):
            layout = layouts.get((code, page))
            entry = by_page.get((code, page))
            if layout is None:
                continue
            if entry is None:
                out.review.append(
                    Review(
                        "",
                        _(
                            "answer page {page} of {pages} of sheet {code} is not among the scans; its parts are not marked"
                        ).format(page=page, pages=pages, code=code),
                        code=code,
                        name=student.name,
                    )
                )
            bubbles = [G_Bubble(*b) for b in entry["bubbles"]] if entry else []
            if entry is not None and not student.student_id:
                _student_id(student, layout, entry, bubbles, resolved, out)
            for pid in dict.fromkeys(b["part"] for b in layout["bubbles"] if b["part"] != "id"):
                n, i = (int(x) for x in pid.split("."))
                problem = problems[n - 1]
                part = problem.parts[i - 1]
                res = G.PartResult(pid, out_of=problem.part_marks[i - 1])
                if entry is None:
                    res.verdict = "missing"
                    student.parts.append(res)
                    continue
                mine = [b for b in bubbles if b.part == pid]
                text, why, override = G.read_part(mine, part)
                if override is None and not why:
                    why = _("the teacher's box is neither ticked nor empty")
                if override:  # the teacher's tick wins over the reading, doubtful marks and all
                    why = ""
                if (code, pid) in resolved:
                    decision = resolved[(code, pid)]
                    why = ""
                    if decision.lower() == "right":
                        override, text = True, text
                    else:
                        text = "" if decision.lower() == "blank" else decision
                res.read = text
                if why:
                    res.verdict, res.review = "review", why
                    out.review.append(
                        Review(
                            entry["source"],
                            why,
                            code=code,
                            name=student.name,
                            part=pid,
                            crop=entry["crops"].get(pid, ""),
                        )
                    )
                else:
                    res.verdict, res.ids, res.why = G.judge_part(problem, part, text)
                    res.override = bool(override)
                    right = res.override or res.verdict in ("exact", "rounded")
                    res.marks = res.out_of if right else Fraction(0)
                student.parts.append(res)
        out.students.append(student)
    return out


def _student_id(
    student: G.StudentResult,
    layout: dict[str, Any],
    entry: dict[str, Any],
    bubbles: list[Any],
    resolved: dict[tuple[str, str], str],
    out: Marked,
) -> None:
    """The student's number from a page's ID grid (a sheet printed without a roster), or the teacher's decision
    on it (``review.csv``'s part ``id``); a number not read for sure goes to review, never guessed."""
    if not any(b["part"] == "id" for b in layout["bubbles"]):
        return
    if (student.code, "id") in resolved:
        decision = resolved[(student.code, "id")]
        student.student_id = "" if decision.lower() == "blank" else decision
        return
    number, why = G.read_id([b for b in bubbles if b.part == "id"])
    student.student_id = number
    if why:
        out.review.append(
            Review(
                entry["source"],
                why,
                code=student.code,
                name=student.name,
                part="id",
                read=number,
                crop=entry["crops"].get("id", ""),
            )
        )


@dataclass
class G_Bubble:  # noqa: N801 - a bubble as kept in reads.json
    part: str
    dim: int
    column: str
    value: str
    state: str
    fill: float


def read_resolve(path: str) -> dict[tuple[str, str], str]:
    """The teacher's decisions: ``review.csv`` rows with ``answer`` filled in (the answer as meant, ``blank`` or
    ``right``)."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise QuizgenError(_("--resolve {path}: {error}").format(path=path, error=exc.strerror)) from None
    out = {}
    for row in rows:
        if not {"code", "part", "answer"} <= set(row):
            raise QuizgenError(_("--resolve {path}: must have the columns code, part and answer").format(path=path))
        if (row["answer"] or "").strip():
            out[(row["code"].strip(), row["part"].strip())] = row["answer"].strip()
    return out
