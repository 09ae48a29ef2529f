"""Each CLI command as a plain function: it takes values, prints, and returns the exit status."""

from __future__ import annotations

import json
from typing import IO

import click

from quizgen import check as checking
from quizgen import network as networks
from quizgen import report, spec, text
from quizgen.errors import QuizgenError
from quizgen.solver import solve


def _dump(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def solve_one(spec_text: str, *, as_json: bool = False, layout: str = "hwc", count: str = "macs",
              show_steps: bool = True) -> int:
    """``quizgen solve SPEC``."""
    sol = solve(spec.parse(spec_text, layout=layout))  # type: ignore[arg-type]
    if as_json:
        click.echo(_dump(report.solution_dict(sol, layout)))  # type: ignore[arg-type]
    else:
        click.echo(text.solution(sol, layout, count, show_steps))  # type: ignore[arg-type]
    return 0


def solve_stream(lines: IO[str], out: IO[str], *, as_json: bool = True, layout: str = "hwc", count: str = "macs",
                 show_steps: bool = True) -> int:
    """``quizgen solve -``: one spec per input line, answered in order; a bad line is reported, not fatal."""
    failed = False
    for number, line in enumerate(lines, start=1):
        if not line.split("#", 1)[0].strip():
            continue
        try:
            sol = solve(spec.parse(line, layout=layout))  # type: ignore[arg-type]
        except QuizgenError as exc:
            failed = True
            if as_json:
                out.write(_dump({"line": number, "error": str(exc)}) + "\n")
            else:
                click.echo(f"Error: line {number}: {exc}", err=True)
            continue
        if as_json:
            out.write(_dump(report.solution_dict(sol, layout)) + "\n")  # type: ignore[arg-type]
        else:
            out.write(text.solution(sol, layout, count, show_steps) + "\n\n")  # type: ignore[arg-type]
    out.flush()
    return 2 if failed else 0


def solve_network(source: str, *, as_json: bool = False, layout: str = "hwc", count: str = "macs") -> int:
    """``quizgen solve --network FILE|NAME``."""
    net = networks.load(source, layout=layout)  # type: ignore[arg-type]
    if as_json:
        click.echo(_dump(report.network_dict(net, layout)))  # type: ignore[arg-type]
    else:
        click.echo(text.network(net, layout, count))  # type: ignore[arg-type]
    return 0


def check_claims(spec_text: str, claims: list[str], *, as_json: bool = False, layout: str = "hwc",
                 count: str = "macs") -> int:
    """``quizgen check SPEC --claim Q=V ...``: exit 0 if all claims hold, 1 if any is wrong."""
    layer = spec.parse(spec_text, layout=layout)  # type: ignore[arg-type]
    parsed = [checking.parse_claim(c, count, layout) for c in claims]
    results = checking.check(layer, parsed)
    if as_json:
        click.echo(_dump({"spec": spec.format_layer(layer, layout),  # type: ignore[arg-type]
                          "claims": [checking.result_dict(r, layer) for r in results]}))
    else:
        click.echo(text.verdicts(layer, results, layout))  # type: ignore[arg-type]
    return 0 if all(r.ok for r in results) else 1
