"""Rendering sheets and keys with Jinja2 (Markdown, HTML) or as JSON.

Templates live in ``templates/`` (installed as ``quizgen.templates``);
``--template-dir`` puts a folder in front, so any template can be replaced.
StrictUndefined is on, and HTML templates are autoescaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from quizgen.errors import QuizgenError
from quizgen.i18n import N_, _, language, n_
from quizgen.problems.kinds import CONVENTION_TEXT
from quizgen.problems.problem import Problem, fmt_marks, fmt_value
from quizgen.problems.sheet import Sheet

FORMATS = ("md", "html", "json")
_MATH = re.compile(r"\$([^$]+)\$")


@lru_cache(maxsize=4096)
def mathml(tex: str) -> Markup:
    """LaTeX to inline MathML, rendered offline."""
    from quizgen.render.mathml import convert

    # A middle dot written in the TeX ("2·0") is the dot operator (U+22C5), as \cdot gives.
    return Markup(convert(tex).replace("<mo>&#x000B7;</mo>", "<mo>&#x022C5;</mo>"))


#: A symbol with a subscript in plain text, such as ``C_in`` or ``K_eff``: one letter, ``_``, a word.
SUBSCRIPT = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z])_([A-Za-z0-9]+)(?![A-Za-z0-9_])")


def html_plain(text: str) -> Markup:
    """Escape plain text for HTML, writing symbols such as ``C_in`` as C<sub>in</sub>."""
    return Markup(SUBSCRIPT.sub(r"\1<sub>\2</sub>", str(escape(text))))


@lru_cache(maxsize=8192)
def html_text(text: str) -> Markup:
    """Escape text for HTML, turning ``$…$`` spans into MathML and ``C_in`` into C<sub>in</sub>."""
    out, last = [], 0
    for m in _MATH.finditer(text):
        out.append(html_plain(text[last : m.start()]))
        out.append(mathml(m.group(1)))
        last = m.end()
    out.append(html_plain(text[last:]))
    return Markup("").join(out)


def md_text(text: str) -> str:
    """Text for Markdown: characters that would start markup are escaped, ``$…$`` math is kept."""
    parts, last = [], 0
    for m in _MATH.finditer(text):
        parts.append(_md_escape(text[last : m.start()]))
        parts.append(m.group(0))
        last = m.end()
    parts.append(_md_escape(text[last:]))
    return "".join(parts)


_MD_SPECIAL = re.compile(r"([\\`*_<>\[\]#|])")


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text) if _MD_SPECIAL.search(text) else text


def md_math(tex: str) -> str:
    """Inline math for GitHub Markdown."""
    return f"${tex.strip()}$"


def marks_text(marks: Fraction | int) -> str:
    """Marks for display: ``1 mark``, ``2 marks``, ``1.5 marks``."""
    return n_(N_("{n} mark"), N_("{n} marks"), 1 if marks == 1 else 2).format(n=fmt_marks(marks))


def marks_number(marks: Fraction | int) -> int | float:
    """Marks as a JSON number: an int when whole, else a float (``1.5``)."""
    return int(marks) if Fraction(marks).denominator == 1 else float(marks)


_CSS_ESCAPES = {"\\": "\\\\", '"': '\\"', "<": "\\3C ", ">": "\\3E ", "&": "\\26 "}


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, safe inside an HTML ``<style>`` element (no ``</style>``)."""
    out = []
    for ch in str(text):
        if ch in _CSS_ESCAPES:
            out.append(_CSS_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):X} ")
        else:
            out.append(ch)
    return Markup('"' + "".join(out) + '"')


def css_page_number(counter: str, total: str | int | None) -> Markup:
    """The CSS ``content`` of a page's number: ``"page " counter(page) " of " counter(pages)``, translated.

    ``counter`` numbers the page; ``total`` is a counter's name (``pages``), a number of pages, or
    ``None`` to print the page's number alone.
    """
    template = _("page {n}") if total is None else _("page {n} of {total}")
    parts = []
    for piece in re.split(r"(\{n\}|\{total\})", template):
        if piece == "{n}":
            parts.append(f"counter({counter})")
        elif piece == "{total}":
            parts.append(f"counter({total})" if isinstance(total, str) else str(css_string(str(total))))
        elif piece:
            parts.append(str(css_string(piece)))
    return Markup(" ".join(parts))


def page_totals_css(pages_per_sheet: Sequence[int]) -> str:
    """CSS that makes a multi-sheet HTML file (``key.html``, ``all-sheets.html``) print "page n of N" per sheet.

    Chromium numbers a file's pages as one run (``counter(pages)`` counts the whole file), so such a
    file prints each sheet's own page number without a total.  A printer that has printed the file once
    knows each sheet's number of pages; this CSS, added to the page, puts that total on every page.  It
    changes only the page margins, so the pages lay out as before.
    """
    return "\n".join(
        f"@page sheet-{i} {{ @bottom-right {{ content: {css_page_number(f'sheet-{i}', n)}; }} }}"
        for i, n in enumerate(pages_per_sheet, start=1)
    )


def environment(template_dir: str | None = None) -> jinja2.Environment:
    """The Jinja environment: ``template_dir`` first, then the built-in templates."""
    loaders: list[jinja2.BaseLoader] = []
    if template_dir:
        if not Path(template_dir).is_dir():
            raise QuizgenError(_("--template-dir {template_dir}: no such folder").format(template_dir=template_dir))
        loaders.append(jinja2.FileSystemLoader(template_dir))
    loaders.append(jinja2.FileSystemLoader(str(resources.files("quizgen.templates"))))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=lambda name: name is not None and name.endswith((".html.j2", ".html")),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        value=fmt_value,
        mathml=mathml,
        html_text=html_text,
        md_text=md_text,
        md_math=md_math,
        marks=marks_text,
        marks_figure=fmt_marks,
        css_string=css_string,
    )
    colon = _(": ")  # a label's colon and space; a full-width colon in Chinese
    env.globals.update(
        _=_,
        lang=language(),
        colon=colon,
        colon_tight=colon.rstrip(),
        convention=lambda count: _(CONVENTION_TEXT[count]),
        page_number=css_page_number,
        figure=html_figure,
        figure_legend=html_figure_legend,
        answer_pages=answer_pages_html,
        sheet_part=sheet_part,
    )
    return env


@jinja2.pass_context
def sheet_part(context: jinja2.runtime.Context, name: str, sheet: Sheet, numbered: Any, **values: Any) -> Markup:
    """One sheet's share of a class's file (``_key_sheet.html.j2`` in ``key.html.j2``, ``_sheet.html.j2`` in
    ``all-sheets.html.j2``): template ``name`` rendered as ``{% include %}`` would, with ``sheet``, ``numbered``
    and ``values`` set.  A class's workers render these shares ahead (:mod:`quizgen.render.sheet_jobs`), and
    the run then takes theirs instead."""
    template = context.environment.get_template(name)
    return Markup(template.render({**context.get_all(), "sheet": sheet, "numbered": numbered, **values}))


def answer_pages_html(sheet: Sheet, paper: str = "a4") -> Markup:
    """A sheet's answer pages (``--answer-sheet``) as HTML to follow its own pages; nothing without one."""
    if not sheet.answer_sheet:
        return Markup("")
    from quizgen.render.answer_page import answer_pages_for, sheet_pages_html

    return sheet_pages_html(answer_pages_for(sheet, paper))


def _render(env: jinja2.Environment, name: str, **context: Any) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise QuizgenError(
            _("template {name} not found in --template-dir or the built-in templates").format(name=exc.name)
        ) from None
    except jinja2.UndefinedError as exc:
        raise QuizgenError(
            _("template {name}: {message} (templates run with StrictUndefined)").format(name=name, message=exc.message)
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise QuizgenError(
            _("template {value}: line {lineno}: {message}").format(
                value=exc.filename or name, lineno=exc.lineno, message=exc.message
            )
        ) from None


def render_sheet(env: jinja2.Environment, sheet: Sheet, fmt: str, figures: Figures | None = None, pad: int = 0) -> str:
    """The student's worksheet (no answers); Markdown links its figures (``figures``: :func:`md_figures`'s).

    ``pad``: blank pages printed after the sheet (HTML; :func:`quizgen.render.duplex.padding`).
    """
    if fmt == "json":
        return _json({"worksheet": sheet_data(sheet, with_answers=False)})
    if fmt == "md" and figures is None:
        figures = md_figures([sheet], answer=False)
    links = {n: link for (_i, n), (_path, link, _svg) in (figures or {}).items()}
    return _render(env, f"worksheet.{fmt}.j2", sheet=sheet, numbered=numbered(sheet), figure_links=links, pads=[pad])


def sheet_files(
    env: jinja2.Environment, sheet: Sheet, fmt: str, stem: str = "worksheet", pad: int = 0
) -> dict[str, str]:
    """``STEM.FMT``, and for Markdown each figure it links (see :func:`md_figures`)."""
    figures = md_figures([sheet], answer=False) if fmt == "md" else {}
    return {f"{stem}.{fmt}": render_sheet(env, sheet, fmt, figures, pad)} | {p: svg for p, _l, svg in figures.values()}


def key_files(
    env: jinja2.Environment, sheets: list[Sheet], fmt: str, pads: Sequence[int] | None = None
) -> dict[str, str]:
    """``key.FMT``, and for Markdown each figure it links (see :func:`md_figures`)."""
    figures = md_figures(sheets, answer=True) if fmt == "md" else {}
    key = render_key(env, sheets, fmt, figures, pads)
    return {"key." + fmt: key} | {p: svg for p, _l, svg in figures.values()}


def render_all_sheets(
    env: jinja2.Environment, sheets: list[Sheet], fmt: str = "html", pads: Sequence[int] | None = None
) -> str:
    """Every student's sheet in one file to print for a class, each from a new page and numbered per sheet.

    ``pads``: the blank pages after each sheet (double-sided printing), none by default.
    """
    return _render(
        env, f"all-sheets.{fmt}.j2", sheets=[(s, numbered(s)) for s in sheets], pads=list(pads or [0] * len(sheets))
    )


def render_key(
    env: jinja2.Environment,
    sheets: list[Sheet],
    fmt: str,
    figures: Figures | None = None,
    pads: Sequence[int] | None = None,
) -> str:
    """The answer key for one or more sheets: answers, worked steps, and why each distractor is wrong.

    ``pads``: the blank pages after each sheet's key (HTML, double-sided printing), none by default.
    """
    if fmt == "json":
        return _json({"keys": [sheet_data(s, with_answers=True) for s in sheets]})
    if fmt == "md" and figures is None:
        figures = md_figures(sheets, answer=True)
    links = {key: link for key, (_path, link, _svg) in (figures or {}).items()}
    return _render(
        env,
        f"key.{fmt}.j2",
        sheets=[(s, numbered(s)) for s in sheets],
        figure_links=links,
        pads=list(pads or [0] * len(sheets)),
    )


def _figure(problem: Problem, answer: bool, lang: str) -> str | None:
    """A problem's figure (the key's with ``answer``), or None where none helps: drawn ahead for a large sheet
    (:mod:`quizgen.render.figures_ahead`), else drawn now."""
    from quizgen.render.figures_ahead import DRAWN

    key = (problem, answer, lang)
    return DRAWN[key] if key in DRAWN else _figure_now(problem, answer, lang)


@lru_cache(maxsize=4096)
def _figure_now(problem: Problem, answer: bool, lang: str) -> str | None:
    from quizgen.render.figures_for import figure_for

    return figure_for(problem, answer=answer, lang=lang)


def html_figure(sheet: Sheet, problem: Problem, *, answer: bool) -> Markup:
    """A problem's figure inlined in HTML (the key's with ``answer=True``), or nothing where none helps."""
    svg = _figure(problem, answer, sheet.lang) if sheet.figures else None
    return Markup(svg) if svg else Markup("")


def html_figure_legend(sheet: Sheet, *, answer: bool) -> Markup:
    """The one legend of the symbols the sheet's (or key's) figures draw, or nothing."""
    from quizgen.render.figures_for import legend_html

    return Markup(legend_html(sheet, answer=answer))


_TITLE = re.compile(r"<title>([^<]*)</title>")


#: (sheet index from 1, problem number) -> (path, Markdown image link, SVG): a Markdown file's figures.
Figures = dict[tuple[int, int], tuple[str, str, str]]


#: The folders of a Markdown sheet's figures and of its key's (which draw the answers).
FIGURES, KEY_FIGURES = "figures", "key-figures"


def md_figures(sheets: list[Sheet], *, answer: bool) -> Figures:
    """(sheet index from 1, problem number) -> (path, Markdown image link, SVG) of each figure to write.

    A student's figures are ``figures/CODE-pN.svg``, the key's ``key-figures/CODE-pN.svg`` (CODE: the
    sheet's code, N: the problem's number), so that a sheet made again from its code links the same
    names.  The key's figures draw the answers, so they live in a folder of their own: a teacher who hands out
    the sheet with ``figures/`` hands out no answer.  The link's alt text is the figure's title.
    """
    import html

    out: Figures = {}
    for i, sheet in enumerate(sheets, start=1):
        if not sheet.figures:
            continue
        for _title, items in numbered(sheet):
            for n, p in items:
                svg = _figure(p, answer, sheet.lang)
                if svg is None:
                    continue
                name = f"{KEY_FIGURES if answer else FIGURES}/{sheet.code}-p{n}.svg"
                m = _TITLE.search(svg)
                alt = _md_escape(html.unescape(m.group(1))) if m else ""
                out[(i, n)] = (name, f"![{alt}]({name})", svg)
    return out


def numbered(sheet: Sheet) -> list[tuple[str, list[tuple[int, Problem]]]]:
    """Sections with their problems numbered 1..N across the sheet."""
    out, n = [], 0
    for title, problems in sheet.sections:
        items = []
        for p in problems:
            n += 1
            items.append((n, p))
        out.append((title, items))
    return out


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _value(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


def sheet_data(sheet: Sheet, *, with_answers: bool) -> dict:
    """A sheet as plain data, for other tools; the key adds ids, full specs, answers, wrong answers and steps."""
    problems = []
    for number, p in ((n, p) for _t, items in numbered(sheet) for n, p in items):
        # A student's file holds what the sheet shows: the spec with the unknown as "?", and no id
        # (an id is a hash of the answers, which a student could find by trying the few possible ones).
        d: dict[str, Any] = {"number": number}
        if with_answers:
            d["id"] = p.id
        d |= {
            "kind": p.kind,
            "title": p.title,
            "difficulty": p.difficulty,
            "form": p.form,
            "text": p.text,
            "spec": p.spec if with_answers else p.shown_spec,
            "source": p.source,
            "flawed_solution": [{"step": a, "working": b} for a, b in p.flawed],
            "marks": marks_number(p.total_marks),
            "parts": [],
        }
        for part in p.parts:
            pd: dict[str, Any] = {"label": part.label, "quantity": part.quantity}
            if part.choices:
                pd["choices"] = [{"letter": c.letter, "value": _value(c.value)} for c in part.choices]
            if with_answers:
                pd["answer"] = _value(part.answer)
                pd["wrong_answers"] = [
                    {"value": _value(w.value), "misconceptions": list(w.ids), "why": w.why} for w in part.wrongs
                ]
                for cd, c in zip(pd.get("choices", []), part.choices):
                    cd.update(correct=c.correct, why=c.why)
            d["parts"].append(pd)
        if with_answers:
            d["steps"] = [s.as_dict() for s in p.steps]
            d["notes"] = list(p.notes)
        problems.append(d)
    return {
        "recipe": sheet.recipe.name,
        "title": sheet.recipe.title,
        "course": sheet.recipe.course,
        "date": sheet.recipe.date,
        "time_allowed": sheet.recipe.time_allowed,
        "instructions": sheet.recipe.instructions,
        "code": sheet.code,
        "student": sheet.student,
        "student_id": sheet.student_id,
        "count": sheet.count,
        "lang": sheet.lang,
        "space": sheet.space,
        "cover": sheet.cover,
        "duplex": sheet.duplex,
        "total_marks": marks_number(sheet.total_marks),
        "sections": [{"title": t, "problems": [n for n, _p in items]} for t, items in numbered(sheet)],
        "problems": problems,
    }
