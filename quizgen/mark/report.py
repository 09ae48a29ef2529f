"""What ``quizgen mark`` writes: ``grades.csv``, ``review.html`` and ``review.csv``, ``class-report.html`` and one
feedback page a student (``feedback/CODE.html``).  Everything sorted, so the same reads give the same bytes."""

from __future__ import annotations

import csv
import io
import re
from fractions import Fraction
from html import escape

from quizgen.i18n import _
from quizgen.mark.grade import StudentResult
from quizgen.mark.run import Marked
from quizgen.problems.problem import Part, fmt_value

STYLE = (
    "body{font:15px/1.45 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left}"
    ".wrong{color:#b00020}.right{color:#05671e}.review{color:#8a5a00}"
    "@page{margin:15mm}@media print{body{margin:0;max-width:none}}"
)


def _num(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{float(x):.2f}"


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def shown(read: str, part: Part) -> str:
    """An answer as read, written as a student would: a grid-in ``2.00e1`` is 20, ``8.19e7`` is 8.19 × 10⁷ (not
    written out, since the grid says three figures); a shape's sizes are joined by ×; a letter shows its option."""
    if not read:
        return _("(no answer)")
    if part.choices:
        chosen = next((c for c in part.choices if c.letter == read), None)
        return f"{read} ({fmt_value(chosen.value)})" if chosen else read
    out = []
    for size in read.split(", "):
        m = re.fullmatch(r"(\d)\.(\d\d)e(\d+)", size)
        if not m:
            out.append(size)
            continue
        digits, e = int(m.group(1) + m.group(2)), int(m.group(3))
        if e <= 2:  # d.dd × 10^e with e ≤ 2 is a whole number when its hidden figures are zeros
            value = Fraction(digits * 10**e, 100)
            if value.denominator == 1:
                out.append(f"{value.numerator:,}")
                continue
        power = f"{m.group(1)}.{m.group(2)} × 10{str(e).translate(SUPERSCRIPT)}"
        out.append(f"({power})" if "," in read else power)  # in a shape: 3 × 3 × (1.02 × 10³)
    return " × ".join(out)


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html>\n<html><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head>\n<body>\n<h1>{escape(title)}</h1>\n{body}\n</body></html>\n"
    )


def grades_csv(marked: Marked) -> str:
    """One row a student: code, name, id, each part's answer read, verdict and marks, then total."""
    parts = sorted(
        {p.part for s in marked.students for p in s.parts}, key=lambda p: tuple(int(x) for x in p.split("."))
    )
    head = ["code", "name", "id"]
    for p in parts:
        head += [f"{p} read", f"{p} verdict", f"{p} marks"]
    head += ["total", "out of"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(head)
    for s in sorted(marked.students, key=lambda s: (s.name, s.code)):
        row = [s.code, s.name, s.student_id]
        by = {p.part: p for p in s.parts}
        for p in parts:
            r = by.get(p)
            if r is None:
                row += ["", "", ""]
            else:
                verdict = "override" if r.override else r.verdict
                row += [r.read, verdict, _num(r.marks)]
        row += [_num(s.total), _num(s.out_of)]
        w.writerow(row)
    return "\ufeff" + buf.getvalue()  # a BOM: a spreadsheet then reads the names as UTF-8


def review_html(marked: Marked) -> str:
    rows = []
    for r in marked.review:
        crop = f'<img alt="" src="data:image/jpeg;base64,{r.crop}">' if r.crop else ""
        rows.append(
            f"<tr><td>{escape(r.source)}</td><td>{escape(r.code)}</td><td>{escape(r.name)}</td>"
            f"<td>{escape(r.part)}</td><td>{escape(r.reason)}</td><td>{crop}</td></tr>"
        )
    intro = escape(
        _(
            "Each line is a page that could not be used or a part that was not read for sure. Write your decision in "
            "review.csv's answer column (the answer as meant, e.g. 3.49e4 or B; blank; or right), then run quizgen "
            "mark again with --resolve review.csv."
        )
    )
    if not rows:
        nothing = _("Nothing to review: every page and mark was read for sure.")
        return _page(_("Review"), "<p>" + escape(nothing) + "</p>")
    head = "".join(f"<th>{escape(h)}</th>" for h in (_("scan"), _("code"), _("name"), _("part"), _("why"), _("crop")))
    return _page(_("Review"), f"<p>{intro}</p>\n<table><tr>{head}</tr>\n" + "\n".join(rows) + "\n</table>")


def review_csv(marked: Marked) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["code", "part", "name", "why", "answer"])
    for r in marked.review:
        if r.part:
            w.writerow([r.code, r.part, r.name, r.reason, ""])
    return buf.getvalue()


def feedback_html(s: StudentResult) -> str:
    """One student's page: every part's answer, right or wrong; a wrong one with its misconception and steps."""
    from quizgen.problems.feedback import part_steps

    out = [
        "<p>"
        + escape(
            _("Code: {code} · Marks: {marks} / {out_of}").format(
                code=s.code, marks=_num(s.total), out_of=_num(s.out_of)
            )
        )
        + "</p>",
        "<ol>",
    ]
    for r in s.parts:
        n, i = (int(x) for x in r.part.split("."))
        problem = s.problems[n - 1]
        part = problem.parts[i - 1]
        if r.override:
            status = '<span class="right">' + escape(_("counted right by your teacher")) + "</span>"
        elif r.verdict in ("exact", "rounded"):
            status = '<span class="right">' + escape(_("right")) + "</span>"
        elif r.verdict in ("review", "missing"):
            status = '<span class="review">' + escape(_("not marked yet")) + "</span>"
        else:
            status = '<span class="wrong">' + escape(_("wrong")) + "</span>"
        read = escape(shown(r.read, part))
        item = f"<li><b>{escape(problem.title)}</b> ({escape(r.part)}, {escape(part.label)}): {read}: {status}"
        if r.verdict in ("wrong", "blank") and not r.override:
            item += "<br>" + escape(_("The answer is {v}.").format(v=fmt_value(part.answer)))
            if r.why:
                item += "<br>" + escape(r.why)
            steps = "".join(
                f"<li>{escape(st.title)}: {escape(st.formula)} = {escape(str(st.result))}</li>"
                for st, later in part_steps(problem, part)
                if not later
            )
            item += f"<ol>{steps}</ol>"
        out.append(item + "</li>")
    out.append("</ol>")
    return _page(s.name or s.code, "\n".join(out))


def class_report_html(marked: Marked) -> str:
    """The mark distribution (a bar chart), each problem's success rate, and the class's misconceptions."""
    from quizgen.explain.catalogue import CATALOGUE

    students = sorted(marked.students, key=lambda s: s.code)
    n = len(students)
    body = ["<p>" + escape(_("{n} students marked.").format(n=n)) + "</p>"]
    # distribution: share of marks in tenths
    bins = [0] * 11
    for s in students:
        if s.out_of:
            bins[int(10 * s.total / s.out_of)] += 1
    top = max(bins) or 1
    bars = []
    for k, c in enumerate(bins):
        h = 100 * c / top
        bars.append(
            f'<rect x="{k * 30 + 5}" y="{110 - h:.1f}" width="24" height="{h:.1f}" fill="#4a6fa5"/>'
            f'<text x="{k * 30 + 17}" y="124" font-size="9" text-anchor="middle">{k * 10}%</text>'
            f'<text x="{k * 30 + 17}" y="{106 - h:.1f}" font-size="9" text-anchor="middle">{c or ""}</text>'
        )
    body.append("<h2>" + escape(_("Marks")) + "</h2>")
    body.append('<svg width="340" height="130" role="img">' + "".join(bars) + "</svg>")
    body.append("<h2>" + escape(_("Problems")) + "</h2><table>")
    body.append("<tr><th>" + escape(_("problem")) + "</th><th>" + escape(_("parts right")) + "</th></tr>")
    problems = sorted({int(p.part.split(".")[0]) for s in students for p in s.parts})
    for pn in problems:
        parts = [
            p
            for s in students
            for p in s.parts
            if int(p.part.split(".")[0]) == pn and p.verdict not in ("review", "missing")
        ]
        right = sum(1 for p in parts if p.override or p.verdict in ("exact", "rounded"))
        rate = f"{100 * right / len(parts):.0f}% ({right}/{len(parts)})" if parts else "–"
        body.append(f"<tr><td>{pn}</td><td>{rate}</td></tr>")
    body.append("</table>")
    who: dict[str, set[str]] = {}
    where: dict[str, set[int]] = {}
    example: dict[str, str] = {}
    for s in students:
        for p in s.parts:
            if p.verdict != "wrong" or p.override:
                continue
            for mid in p.ids:
                if mid not in CATALOGUE:
                    continue
                who.setdefault(mid, set()).add(s.code)
                where.setdefault(mid, set()).add(int(p.part.split(".")[0]))
                example.setdefault(mid, p.why)
    body.append("<h2>" + escape(_("The class's misconceptions")) + "</h2><ul>")
    for mid in sorted(who, key=lambda m: (-len(who[m]), m)):
        probs = ", ".join(str(x) for x in sorted(where[mid]))
        line = _("{name}: {k} of {n} students, problems {problems}").format(
            name=_(CATALOGUE[mid].rule), k=len(who[mid]), n=n, problems=probs
        )
        body.append(
            f'<li data-misconception="{escape(mid)}" data-students="{len(who[mid])}">{escape(line)}'
            f"<br><small>{escape(example[mid])}</small></li>"
        )
    body.append("</ul>")
    return _page(_("Class report"), "\n".join(body))
