"""The practice page: one offline HTML file per sheet that grades each answer like the drill.

The page holds no answer in readable form (README, "The practice page", says what this protects
against).  For each part:

- **Lookup.** The right value and every wrong value the drill would name (:mod:`quizgen.problems.feedback`)
  are filed under the salted SHA-256 of their *lookup keys* (:func:`quizgen.explain.answers.near_keys`;
  ``coarse_keys`` for a right value rounded too far, ``cut_keys`` for one cut off at 3 figures instead of
  rounded), and each is sealed (AES-GCM) under a key derived
  from the same lookup key.  The page's JS reads an answer by the one rule, computes its lookup keys
  (``answer_keys``), finds and opens what is filed under them, and judges with the value in hand.
  So a value is opened only by an answer close enough that the rule could call it right.
- **Solution.** The part's worked steps (and, on the problem's last part, the key's figure) are
  compressed and sealed under a key derived from the exact right value, so they open when the answer is
  right.
- **Giving up.** That part key is also sealed under a per-page secret and the part's id: "show
  solution" opens that one part's key, and so only that part.

Every salt, secret and nonce is derived from the sheet's code and seed (HMAC-SHA256), so the same sheet
gives the same bytes.  Key strings are ``ID|KEY``, with ``ID`` the part's ``N.i`` (problem N, part i).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2
from markupsafe import Markup

from quizgen.explain.spellings import Examples, examples, shape_example
from quizgen.i18n import N_, _, n_
from quizgen.problems.problem import Part, Problem
from quizgen.problems.sheet import Sheet

#: The version of the page's data format, for tools that read a page's data.
FORMAT = 1


class Sealer:
    """A sheet's salt, page secret and deterministic nonces, and the page's hashing and sealing."""

    def __init__(self, sheet: Sheet) -> None:
        self._master = hashlib.sha256(f"quizgen practice\0{sheet.code}\0{sheet.seed}".encode()).digest()
        self.salt = self._derive("salt")[:16]
        self.secret = self._derive("page secret")

    def _derive(self, label: str) -> bytes:
        return hmac.new(self._master, label.encode(), hashlib.sha256).digest()

    def hash(self, label: str, text: str) -> bytes:
        """SHA-256 of the salt, ``label``, a NUL and ``text``: the page computes the same."""
        return hashlib.sha256(self.salt + f"{label}\0{text}".encode()).digest()

    def lookup_id(self, key: str) -> str:
        """Where the values of lookup key ``key`` are filed: 12 bytes of its hash, in base64."""
        return _b64(self.hash("id", key)[:12])

    def seal(self, key: bytes, plaintext: bytes, label: str) -> str:
        """AES-256-GCM of ``plaintext`` under ``key``, as base64 of nonce + ciphertext + tag."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = self._derive("nonce\0" + label)[:12]
        return _b64(nonce + AESGCM(key).encrypt(nonce, plaintext, None))

    def give_up_key(self, part_id: str) -> bytes:
        """The key that "show solution" derives from the page secret, for one part."""
        return hashlib.sha256(self.secret + f"give up\0{part_id}".encode()).digest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _payload(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def part_data(
    env: jinja2.Environment, sealer: Sealer, sheet: Sheet, number: int, problem: Problem, index: int
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """One part's entry for the page, and what it files in the lookup table."""
    from quizgen.explain.answers import coarse_keys, cut_keys, exact_text, near_keys
    from quizgen.problems.feedback import known_wrongs
    from quizgen.render.sheets import html_text

    part = problem.parts[index]
    pid = f"{number}.{index + 1}"
    filed: dict[str, list[str]] = {}

    def file(key: str, data: dict[str, Any]) -> None:
        full = f"{pid}|{key}"
        sealed = sealer.seal(sealer.hash("key", full), _payload(data), full + "\0" + json.dumps(data, sort_keys=True))
        filed.setdefault(sealer.lookup_id(full), []).append(sealed)

    exact = exact_text(part.answer)
    for key in near_keys(part.answer):
        file(key, {"x": exact, "r": 1})
    for key in coarse_keys(part.answer):
        file(key, {"c": 1})
    for key in cut_keys(part.answer):  # an answer cut off at 3 figures, to say so (never judged right by it)
        file(key, {"x": exact, "t": 1})
    for wrong in known_wrongs(problem, part):
        for key in near_keys(wrong.value):
            file(key, {"x": exact_text(wrong.value), "o": list(wrong.rank), "w": str(html_text(wrong.why))})

    part_key = sealer.hash("part", f"{pid}\0{exact}")
    last = index == len(problem.parts) - 1
    solution = render_solution(env, sheet, problem, part, last=last)
    entry: dict[str, Any] = {
        "id": pid,
        "rank": _rank(part),
        "hint": str(html_text(part.hint)) if part.hint else "",
        "marks": float(problem.part_marks[index]),
        "blob": sealer.seal(part_key, zlib.compress(solution.encode(), 9), "blob\0" + pid),
        "lock": sealer.seal(sealer.give_up_key(pid), part_key, "lock\0" + pid),
    }
    if part.choices:
        entry["choices"] = {c.letter: exact_text(c.value) for c in part.choices}
    return entry, filed


def _rank(part: Part) -> int:
    """0 for a count; the number of sizes for a shape (the drill asks for the whole shape)."""
    return len(part.answer) if isinstance(part.answer, tuple) else 0


def render_solution(env: jinja2.Environment, sheet: Sheet, problem: Problem, part: Part, *, last: bool) -> str:
    """A part's solution as the page shows it: the answer, why the known wrong ones are wrong, the steps."""
    from quizgen.problems.feedback import part_steps
    from quizgen.render.sheets import _figure, _render

    figure = _figure(problem, True, sheet.lang) if (last and sheet.figures) else None
    return _render(
        env,
        "practice/_solution.html.j2",
        part=part,
        problem=problem,
        steps=part_steps(problem, part),
        notes=problem.notes if last else (),
        figure=Markup(figure) if figure else "",
    )


def page_data(
    env: jinja2.Environment,
    sheet: Sheet,
    numbered: Sequence[tuple[str, list[tuple[int, Problem]]]],
    figures: dict[str, str],
) -> str:
    """The page's data as JSON that is safe inside ``<script type="application/json">``.

    ``figures``: the question side's figures, as :func:`question_figures` packs them.
    """
    sealer = Sealer(sheet)
    seen_counts, seen_shapes = sheet_seen(numbered)
    spellings = examples(seen_counts, seen_shapes)
    ranks = {_rank(p) for _title, items in numbered for _n, problem in items for p in problem.parts} - {0}
    parts: list[dict[str, Any]] = []
    lookup: dict[str, list[str]] = {}
    for _title, items in numbered:
        for number, problem in items:
            for i in range(len(problem.parts)):
                entry, filed = part_data(env, sealer, sheet, number, problem, i)
                parts.append(entry)
                for k, sealed in filed.items():
                    lookup.setdefault(k, []).extend(sealed)
    data = {
        "format": FORMAT,
        # the question side's figures, compressed (a grid's SVG is large and repetitive); the page inflates them
        "figures": figures,
        "code": sheet.code,
        "salt": _b64(sealer.salt),
        "secret": _b64(sealer.secret),
        "parts": parts,
        # filed in hash order, each entry's sealed values sorted: nothing says which is the right one
        "lookup": {k: sorted(v) for k, v in sorted(lookup.items())},
        "text": page_strings(spellings),
        # "give the whole shape, e.g. …": an example of each rank asked, none a shape on this sheet
        "shapes": {str(rank): shape_example(rank, seen_shapes) for rank in sorted(ranks)},
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def question_figures(sheet: Sheet, numbered: Sequence[tuple[str, list[tuple[int, Problem]]]]) -> dict[str, str]:
    """Problem number -> the student's figure (as the sheet shows it), deflated and in base64."""
    from quizgen.render.sheets import html_figure

    out = {}
    for _title, items in numbered:
        for number, problem in items:
            svg = str(html_figure(sheet, problem, answer=False))
            if svg:
                out[str(number)] = _b64(zlib.compress(svg.encode(), 9))
    return out


def sheet_seen(numbered: Sequence[tuple[str, list[tuple[int, Problem]]]]) -> tuple[set[int], set[tuple[int, ...]]]:
    """Every count and shape a sheet's problems write or ask for: no example of how to answer may be one."""
    from quizgen.problems.feedback import seen_on

    return seen_on(problem for _title, items in numbered for _n, problem in items)


def page_strings(spellings: Examples) -> dict[str, str]:
    """The sentences the page's JS writes, in the active language (placeholders in braces).

    Examples of how to answer come from ``spellings``, a layer that is not on the sheet.
    """
    shown = spellings.fields()
    return {
        "right": _("Right: {v}."),
        "right_rounded": _("Right ({rounded}): {v}."),
        "figures_1": n_(N_("rounded to {n} significant figure"), N_("rounded to {n} significant figures"), 1),
        "figures_n": n_(N_("rounded to {n} significant figure"), N_("rounded to {n} significant figures"), 3),
        "why": _("{shown}: {why}") + _("."),
        "zero": _("{v} is zero, and zero is never a rounding of a value that is not zero."),
        "not_right": _("{v} is not right."),
        "truncated": _(
            "{v} cuts the value off instead of rounding it: the next figure is 5 or more, so the last figure kept "
            "goes up"
        )
        + _("."),
        "coarse": _("{v} is rounded too far: a rounded answer needs at least 3 significant figures") + _("."),
        "in_full": _(
            "{v} is written out in full, so it is judged as exact; to give a rounded value, write it as {r} (or with "
            "a suffix: k, M, G)"
        )
        + _("."),
        "unreadable_number": _(
            "I couldn't read that. Type a number ({exact}, {grouped}, {full_sci}, {suffix}){letters}; it costs nothing."
        ).format(**shown, letters="{letters}"),
        "unreadable_shape": _("I couldn't read that. Type a shape ({shape}){letters}; it costs nothing.").format(
            **shown, letters="{letters}"
        ),
        "letters": _(", or a letter {first}-{last}"),
        "whole_shape": _("Give the whole shape, every size and the channels, e.g. {example}."),
        "one_number": _("This part asks for one number, not a shape; it costs nothing."),
        "hint": _("Hint: "),
        "no_hint": _("work through the formula step by step."),
        "one_more": _("One more try."),
        "twice": _("Not right twice. The worked steps are ready."),
        "show_steps": _("Show the worked steps"),
        "given_up": _("Given up: the solution is below."),
        "score": _("Score: {got} of {total} marks"),
        "done": _("{done} of {parts} parts done"),
        "confirm_restart": _("Clear every answer on this page and start again?"),
        "no_crypto": _(
            "This browser cannot check answers here (it has no WebCrypto for files). Open the page in a current "
            "Firefox, Chrome, Edge or Safari."
        ),
    }


def _script(env: jinja2.Environment, name: str) -> Markup:
    """A script's text, inlined as it is (not run through Jinja); it must not close its element."""
    assert env.loader is not None
    text = env.loader.get_source(env, name)[0]
    if "</script" in text.lower() or "<!--" in text:
        raise ValueError(f"{name} would end its <script> element early")
    return Markup(text)


def render_practice(env: jinja2.Environment, sheet: Sheet) -> str:
    """One sheet's practice page: self-contained HTML (inline CSS and JS, no request leaves it)."""
    from quizgen.problems.problem import fmt_marks
    from quizgen.render.sheets import _render, numbered

    items = numbered(sheet)
    figures = question_figures(sheet, items)
    spellings = examples(*sheet_seen(items))
    return _render(
        env,
        "practice.html.j2",
        sheet=sheet,
        numbered=items,
        figures={int(n) for n in figures},
        total=fmt_marks(sheet.total_marks),
        data=Markup(page_data(env, sheet, items, figures)),
        grade_js=_script(env, "practice/grade.js"),
        page_js=_script(env, "practice/page.js"),
        spellings=spellings.fields(),
    )


def practice_files(
    env: jinja2.Environment,
    sheets: Sequence[Sheet],
    stems: Sequence[str],
    made: Mapping[str, str | bytes] | None = None,
) -> dict[str, str]:
    """``practice.html`` for one sheet; for a class, ``practice-NAME.html`` per student and ``index.html``.

    ``made``: the pages already rendered (in the pool, :mod:`quizgen.render.sheet_jobs`), by file name.
    """
    from quizgen.render.sheet_jobs import practice_name

    made = made or {}
    names = [practice_name(stem) for stem in stems] if len(sheets) > 1 else ["practice.html"]
    files = {name: str(made.get(name) or render_practice(env, sheet)) for name, sheet in zip(names, sheets)}
    if len(sheets) > 1:
        files["index.html"] = _index(env, list(zip(names, sheets)))
    return files


def _index(env: jinja2.Environment, pages: list[tuple[str, Sheet]]) -> str:
    from quizgen.render.sheets import _render

    return _render(env, "practice-index.html.j2", pages=pages, recipe=pages[0][1].recipe)
