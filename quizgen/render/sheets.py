"""Rendering sheets and keys with Jinja2 (Markdown, HTML) or as JSON.

Templates live in ``templates/`` (installed as ``quizgen.templates``);
``--template-dir`` puts a folder in front, so any template can be replaced.
StrictUndefined is on, and HTML templates are autoescaped.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from quizgen.errors import QuizgenError
from quizgen.i18n import _, language
from quizgen.problems.kinds import CONVENTION_TEXT
from quizgen.problems.problem import Problem, fmt_value
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


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_<>\[\]#|])", r"\\\1", text)


def md_math(tex: str) -> str:
    """Inline math for GitHub Markdown."""
    return f"${tex.strip()}$"


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
    env.filters.update(value=fmt_value, mathml=mathml, html_text=html_text, md_text=md_text, md_math=md_math)
    colon = _(": ")  # a label's colon and space; a full-width colon in Chinese
    env.globals.update(
        _=_,
        lang=language(),
        colon=colon,
        colon_tight=colon.rstrip(),
        convention=lambda count: _(CONVENTION_TEXT[count]),
    )
    return env


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


def render_sheet(env: jinja2.Environment, sheet: Sheet, fmt: str) -> str:
    """The student's worksheet (no answers)."""
    if fmt == "json":
        return _json({"worksheet": sheet_data(sheet, with_answers=False)})
    return _render(env, f"worksheet.{fmt}.j2", sheet=sheet, numbered=numbered(sheet))


def render_key(env: jinja2.Environment, sheets: list[Sheet], fmt: str) -> str:
    """The answer key for one or more sheets: answers, worked steps, and why each distractor is wrong."""
    if fmt == "json":
        return _json({"keys": [sheet_data(s, with_answers=True) for s in sheets]})
    return _render(env, f"key.{fmt}.j2", sheets=[(s, numbered(s)) for s in sheets])


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
        "instructions": sheet.recipe.instructions,
        "code": sheet.code,
        "student": sheet.student,
        "count": sheet.count,
        "lang": sheet.lang,
        "sections": [{"title": t, "problems": [n for n, _p in items]} for t, items in numbered(sheet)],
        "problems": problems,
    }
