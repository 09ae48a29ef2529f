"""Each CLI command as a plain function: it takes values, prints, and returns the exit status."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from typing import IO

import click

from quizgen import check as checking
from quizgen import network as networks
from quizgen import report, spec, text
from quizgen.errors import QuizgenError
from quizgen.i18n import _
from quizgen.solver import solve

_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def _dump(obj: object) -> str:
    return _ENCODER.encode(obj)


def solve_one(
    spec_text: str, *, as_json: bool = False, layout: str = "hwc", count: str = "macs", show_steps: bool = True
) -> int:
    """``quizgen solve SPEC``."""
    sol = solve(spec.parse(spec_text, layout=layout))  # type: ignore[arg-type]
    if as_json:
        click.echo(_dump(report.solution_dict(sol, layout)))  # type: ignore[arg-type]
    else:
        click.echo(text.solution(sol, layout, count, show_steps))  # type: ignore[arg-type]
    return 0


def answer_line(
    line: str, number: int, layout: str = "hwc", as_json: bool = True, count: str = "macs", show_steps: bool = True
) -> tuple[str, bool] | None:
    """One line of ``quizgen solve -``: (output text, ok), or ``None`` for a blank or comment line."""
    if not line.split("#", 1)[0].strip():
        return None
    try:
        sol = solve(spec.parse(line, layout=layout))  # type: ignore[arg-type]
    except QuizgenError as exc:
        if as_json:
            return _dump({"line": number, "error": str(exc)}) + "\n", False
        return _("Error: line {number}: {error}").format(number=number, error=exc) + "\n", False
    if as_json:
        return _dump(report.solution_dict(sol, layout)) + "\n", True  # type: ignore[arg-type]
    return text.solution(sol, layout, count, show_steps) + "\n\n", True  # type: ignore[arg-type]


def _answer_batch(args: tuple[list[str], int, dict]) -> list[tuple[str, bool] | None]:
    lines, first, options = args
    return [answer_line(line, first + i, **options) for i, line in enumerate(lines)]


#: A batch at least this long is split across processes; shorter ones (an interactive
#: producer writing a line at a time) are answered at once in this process.
PARALLEL_BATCH = 512


def _fd_batches(fd: int) -> Iterator[list[str]]:
    """Lines from a file descriptor in the batches that arrive together, never waiting for more."""
    pending = b""
    while True:
        data = os.read(fd, 1 << 17)
        if not data:
            if pending:
                yield [pending.decode("utf-8", errors="replace")]
            return
        *lines, pending = (pending + data).split(b"\n")
        if lines:
            yield [line.decode("utf-8", errors="replace") for line in lines]


def solve_stream(
    lines: IO[str],
    out: IO[str],
    *,
    as_json: bool = True,
    layout: str = "hwc",
    count: str = "macs",
    show_steps: bool = True,
) -> int:
    """``quizgen solve -``: one spec per input line, answered in input order.

    A bad line is answered with its error (``{"line": N, "error": ...}`` in JSON) and the
    others still are; the status is 2 if any line failed.  Large batches use every core.
    """
    options = {"layout": layout, "as_json": as_json, "count": count, "show_steps": show_steps}
    try:
        batches: Iterable[list[str]] = _fd_batches(lines.fileno())
    except (AttributeError, OSError, ValueError):
        batches = ([line] for line in lines)
    failed = False
    number = 1
    pool = None
    try:
        for batch in batches:
            if len(batch) >= PARALLEL_BATCH and (os.cpu_count() or 1) > 1:
                if pool is None:
                    pool = _make_pool()
                size = -(-len(batch) // (2 * pool._processes))  # type: ignore[attr-defined]
                chunks = [(batch[i : i + size], number + i, options) for i in range(0, len(batch), size)]
                answers = [a for part in pool.map(_answer_batch, chunks) for a in part]
            else:
                answers = _answer_batch((batch, number, options))
            number += len(batch)
            for answer in answers:
                if answer is None:
                    continue
                body, ok = answer
                failed |= not ok
                if not ok and not as_json:
                    click.echo(body.rstrip("\n"), err=True)
                else:
                    out.write(body)
            out.flush()
    finally:
        if pool is not None:
            pool.terminate()
    return 2 if failed else 0


def _make_pool():  # type: ignore[no-untyped-def]
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    return multiprocessing.get_context(method).Pool(min(os.cpu_count() or 2, 4))


def solve_network(source: str, *, as_json: bool = False, layout: str = "hwc", count: str = "macs") -> int:
    """``quizgen solve --network FILE|NAME``."""
    net = networks.load(source, layout=layout)  # type: ignore[arg-type]
    if as_json:
        click.echo(_dump(report.network_dict(net, layout)))  # type: ignore[arg-type]
    else:
        click.echo(text.network(net, layout, count))  # type: ignore[arg-type]
    return 0


def check_claims(
    spec_text: str, claims: list[str], *, as_json: bool = False, layout: str = "hwc", count: str = "macs"
) -> int:
    """``quizgen check SPEC --claim Q=V ...``: exit 0 if all claims hold, 1 if any is wrong."""
    layer = spec.parse(spec_text, layout=layout)  # type: ignore[arg-type]
    parsed = [checking.parse_claim(c, count, layout) for c in claims]
    results = checking.check(layer, parsed)
    if as_json:
        click.echo(
            _dump(
                {
                    "spec": spec.format_layer(layer, layout),  # type: ignore[arg-type]
                    "claims": [checking.result_dict(r, layer) for r in results],
                }
            )
        )
    else:
        click.echo(text.verdicts(layer, results, layout))  # type: ignore[arg-type]
    return 0 if all(r.ok for r in results) else 1


def make_worksheets(
    recipe: str | None,
    *,
    seed: int = 1,
    fmt: str = "md",
    outdir: str = "worksheets",
    variants: int = 1,
    roster: str | None = None,
    code: str | None = None,
    count: str | None = None,
    lang: str | None = None,
    template_dir: str | None = None,
    force: bool = False,
    progress: bool = False,
) -> list[str]:
    """``quizgen worksheet``: render every sheet and the key in memory, then write them whole.

    Returns the paths written.  One sheet gives ``worksheet.EXT`` and ``key.EXT``; several give one
    ``worksheet-…`` per student and one combined ``key.EXT``.  ``count`` and ``lang`` are the options
    given explicitly (``None``: the recipe's convention and the active language); a ``code`` restores
    its own, and an explicit option that differs from the code's is refused.
    """
    from pathlib import Path

    from quizgen import render, worksheet
    from quizgen.i18n import language, set_language

    plan = worksheet.plan(recipe, seed=seed, variants=variants, roster=roster, code=code)
    if plan.options is not None:
        for name, given in (("count", count), ("lang", lang)):
            made_with = getattr(plan.options, name)
            if given is not None and given != made_with:
                raise QuizgenError(
                    _(
                        "--{name} {given}: the sheet with code {code} was made with --{name} {made_with}; "
                        "leave out --{name} (the code restores it)"
                    ).format(name=name, given=given, code=code, made_with=made_with)
                )
        count = plan.options.count
        if plan.options.lang != language():
            set_language(plan.options.lang)
    env = render.environment(template_dir) if fmt in render.FORMATS else None
    files: dict[str, str | bytes] = {}
    sheets = []
    items = plan.sheets
    bar = click.progressbar(items, label="Sheets", file=click.get_text_stream("stderr")) if progress else None
    iterator = bar if bar is not None else items
    try:
        if bar is not None:
            bar.__enter__()
        for stem, student, sheet_seed in iterator:
            sheet = worksheet.build_sheet(plan.recipe, sheet_seed, student=student, count=count, lang=language())
            sheets.append(sheet)
            if env is not None:
                files[f"{stem}.{fmt}"] = render.render_sheet(env, sheet, fmt)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if env is not None:
        files[f"key.{fmt}"] = render.render_key(env, sheets, fmt)
    else:
        from quizgen import exports

        files.update(exports.export_files(fmt, sheets))
    written = worksheet.write_files(Path(outdir), files, force=force)
    return [str(p) for p in written]


def list_kinds() -> str:
    """``quizgen kinds``: every problem kind with an example question at difficulty 1."""
    import random

    from quizgen.kinds import REGISTRY

    lines = []
    for kind in REGISTRY.values():
        example = kind.sample(random.Random(0), 1)
        answers = "; ".join(f"{p.label} = {fmt(p.answer)}" for p in example.parts[:2])
        lines.append(f"{kind.id:<18} {_(kind.title)}: {_(kind.asks)}")
        lines.append(f"{'':<18} " + _("e.g. {text}").format(text=example.text))
        lines.append(f"{'':<18}      → {answers}")
    return "\n".join(lines)


def fmt(value: object) -> str:
    from quizgen.problems import fmt_value

    return fmt_value(value)  # type: ignore[arg-type]


def bank_check(source: str) -> int:
    """``quizgen bank check FILE``: every claim judged; exit 1 if any is wrong."""
    from quizgen import bank as banks
    from quizgen import misconceptions as M
    from quizgen.answers import in_full_text, rounded_in_full, rounded_text

    bank = banks.load_bank(source)
    report = banks.check_bank(bank)
    n_claims = sum(len(r) for _e, r in report)
    n_wrong = sum(not c.ok for _e, r in report for c in r)
    click.echo(
        _("{path}: {entries} entries, {claims} claims: {right} correct, {wrong} wrong").format(
            path=bank.path, entries=len(report), claims=n_claims, right=n_claims - n_wrong, wrong=n_wrong
        )
    )
    for entry, results in report:
        for r in results:
            if r.ok:
                rounded = f" ({rounded_text(r.claimed)})" if r.rounded else ""
                click.echo(f"✓ {entry.id}: {r.quantity} = {r.text}{rounded}")
                continue
            click.echo(
                "✗ "
                + _("{entry}: {quantity} = {value} is wrong; the right value is {right}.").format(
                    entry=entry.id, quantity=r.quantity, value=r.text, right=_claim_text(r.correct)
                )
            )
            layer = _entry_layer(entry)
            for combo in r.misconceptions:
                why = M.explain_combo(layer, combo)
                click.echo(f"    {' + '.join(combo)} — {why}" + _("."))
            if r.follows_from_output is not None:
                click.echo(
                    "    "
                    + _("{value} follows from the claimed {output} output.").format(
                        value=r.text, output="x".join(map(str, r.follows_from_output))
                    )
                )
            spelling = None if r.misconceptions else rounded_in_full(r.claimed, r.correct)
            if spelling:
                click.echo("    " + in_full_text(r.text, spelling) + _("."))
            elif not r.misconceptions and r.follows_from_output is None:
                click.echo("    " + _("No misconception in the catalogue produces {v}.").format(v=r.text))
            if r.would_be_right_with and not r.misconceptions:
                click.echo(
                    "    "
                    + _("{value} would be right with {options}.").format(
                        value=r.text, options=_("; or ").join(r.would_be_right_with)
                    )
                )
    return 1 if n_wrong else 0


def _claim_text(value: object) -> str:
    """A value as claims are written: ``55x55x96`` or ``69,984``."""
    return "x".join(map(str, value)) if isinstance(value, tuple) else fmt(value)


def _entry_layer(entry):  # type: ignore[no-untyped-def]
    from quizgen.network import solve_stack
    from quizgen.spec import parse

    return parse(entry.spec) if entry.spec else solve_stack(entry.stack).solutions[-1].layer


def PROBLEMS() -> str:  # noqa: N802
    return _("problems")


def ENTRIES() -> str:  # noqa: N802
    return _("entries")


def bank_list() -> str:
    """``quizgen bank list``: the built-in banks and recipes."""
    from quizgen import bank as banks

    rows = banks.list_banks()
    width = max(len(r[0]) for r in rows)
    return "\n".join(
        f"{name:<{width}}  {_(what):<12}  {n:>3} {PROBLEMS() if what == 'recipe' else ENTRIES()}  {_(title)}"
        for name, what, title, n in rows
    )
