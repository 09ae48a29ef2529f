"""``quizgen solve``: one layer, a stream of specs (one per line, in parallel), or a network."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

import click

from quizgen.arith import network as networks
from quizgen.arith import spec
from quizgen.arith.solver import solve
from quizgen.arith.spec import Layout
from quizgen.cli.common import COUNT, LANG, LAYOUT, dump, joined_spec
from quizgen.errors import QuizgenError
from quizgen.i18n import _
from quizgen.render import report, text

if TYPE_CHECKING:
    import multiprocessing.pool


@click.command("solve")
@LANG
@click.argument("spec", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per layer (JSON Lines with SPEC '-').")
@click.option(
    "--network",
    metavar="FILE|NAME",
    help="Solve a network: a file (a stack, or a graph with names, joins and blocks; see docs/networks.md), a built-in, or an ONNX model FILE.onnx (extra 'onnx').",
)
@click.option(
    "--partial",
    is_flag=True,
    help="ONNX: print the totals without the ops quizgen does not know (marked partial) instead of refusing the file.",
)
@click.option(
    "--layout",
    type=LAYOUT,
    default="hwc",
    show_default=True,
    help="Shape order: hwc (spatial, then channels) or chw (PyTorch's, channels first).",
)
@click.option("--count", type=COUNT, default="macs", show_default=True, help="The compute convention shown.")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=None,
    help="With --network: fold rows nested deeper than N block levels into their block's row (1 = the file's own lines).",
)
@click.option("--no-steps", is_flag=True, help="Leave out the worked steps (text output).")
@click.option("--no-figures", is_flag=True, help="No grid picture of a small layer (shown on a terminal by default).")
def solve_command(
    spec: tuple[str, ...],
    as_json: bool,
    network: str | None,
    layout: Layout,
    count: str,
    depth: int | None,
    no_steps: bool,
    no_figures: bool,
    partial: bool = False,
) -> int:
    """Solve a layer or a network: shapes, parameters, MACs/FLOPs, pooling work, memory, worked steps.

    SPEC is one layer, quoted or not. Use '-' to read one spec per line from stdin.

    \b
    Examples:
      quizgen solve "conv2d in=227x227x3 out=96 k=11 s=4"
      quizgen solve maxpool2d in=55x55x96 k=3 s=2
      quizgen solve --json "linear in=9216 out=4096"
      printf 'conv2d in=32x32x3 out=16 k=3\\nrelu in=8\\n' | quizgen solve --json -
      quizgen solve --network vgg16 --count flops
      quizgen solve --network my_net.txt --json
      quizgen solve --network resnet.txt --depth 1
      quizgen solve --network my_model.onnx
    """
    if partial and not (network and is_onnx(network)):
        raise click.UsageError(_("--partial applies to an ONNX model: --network FILE.onnx"))
    if network:
        if spec:
            raise click.UsageError(_("give either SPEC or --network, not both"))
        if is_onnx(network):
            return solve_onnx(network, as_json=as_json, layout=layout, count=count, depth=depth, partial=partial)
        return solve_network(network, as_json=as_json, layout=layout, count=count, depth=depth)
    if depth is not None:
        raise click.UsageError(_("--depth folds a network's table: use it with --network"))
    if not spec:
        raise click.UsageError(_('missing SPEC, e.g. quizgen solve "conv2d in=227x227x3 out=96 k=11 s=4"'))
    if spec == ("-",):
        return solve_stream(
            sys.stdin,
            sys.stdout,
            as_json=as_json,
            layout=layout,
            count=count,
            show_steps=not no_steps,
        )
    figure = not no_figures and sys.stdout.isatty()
    return solve_one(
        joined_spec(spec), as_json=as_json, layout=layout, count=count, show_steps=not no_steps, figure=figure
    )


def solve_one(
    spec_text: str,
    *,
    as_json: bool = False,
    layout: Layout = "hwc",
    count: str = "macs",
    show_steps: bool = True,
    figure: bool = False,
) -> int:
    """``quizgen solve SPEC``; ``figure`` adds the Unicode grid of a small layer after the text."""
    sol = solve(spec.parse(spec_text, layout=layout))
    if as_json:
        click.echo(dump(report.solution_dict(sol, layout)))
    else:
        click.echo(text.solution(sol, layout, count, show_steps))
        if figure:
            from quizgen.figures import text_for_layer

            grid = text_for_layer(sol.layer)
            if grid:
                click.echo("\n" + grid)
    return 0


def answer_line(
    line: str, number: int, layout: Layout = "hwc", as_json: bool = True, count: str = "macs", show_steps: bool = True
) -> tuple[str, bool] | None:
    """One line of ``quizgen solve -``: (output text, ok), or ``None`` for a blank or comment line."""
    if not line.split("#", 1)[0].strip():
        return None
    try:
        sol = solve(spec.parse(line, layout=layout))
    except QuizgenError as exc:
        if as_json:
            return dump({"line": number, "error": str(exc)}) + "\n", False
        return _("Error: line {number}: {error}").format(number=number, error=exc) + "\n", False
    if as_json:
        return dump(report.solution_dict(sol, layout)) + "\n", True
    return text.solution(sol, layout, count, show_steps) + "\n\n", True


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
    layout: Layout = "hwc",
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
                size = -(-len(batch) // (2 * _pool_size()))
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


def _pool_size() -> int:
    return min(os.cpu_count() or 2, 4)


def _make_pool() -> multiprocessing.pool.Pool:
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    return multiprocessing.get_context(method).Pool(_pool_size())


def solve_network(
    source: str, *, as_json: bool = False, layout: Layout = "hwc", count: str = "macs", depth: int | None = None
) -> int:
    """``quizgen solve --network FILE|NAME``: the table grouped by block (folded below ``depth``), or JSON."""
    from quizgen.render import network as network_report

    net = networks.load(source, layout=layout)
    if as_json:
        click.echo(dump(network_report.as_dict(net, layout)))
    else:
        click.echo(network_report.table(net, layout, count, depth))
    return 0


def is_onnx(source: str) -> bool:
    """Whether ``--network`` names an ONNX model file (by its extension)."""
    return source.lower().endswith(".onnx")


def solve_onnx(
    source: str,
    *,
    as_json: bool = False,
    layout: Layout = "hwc",
    count: str = "macs",
    depth: int | None = None,
    partial: bool = False,
) -> int:
    """``quizgen solve --network FILE.onnx [--partial]``: the model's table, with what its parameters are."""
    from quizgen.arith.onnx_graph import solve_model
    from quizgen.render import network as network_report

    net, reading = solve_model(source, partial=partial, layout=layout)
    stored = _(
        "Parameters are what the file stores: the {n} elements of its floating-point initializers, each counted "
        "once. Exporters fold BatchNorm into the convs (and may store equal tensors once), so this can differ from "
        "the framework's count."
    ).format(n=f"{reading.stored:,}")
    notes = [stored]
    if reading.unknown:
        notes.insert(
            0,
            _("PARTIAL: ops quizgen does not know count 0 MACs here, so the totals are partial: {ops}").format(
                ops=", ".join(reading.unknown)
            ),
        )
    if as_json:
        d = network_report.as_dict(net, layout)
        d["source"] = "onnx"
        d["partial"] = bool(reading.unknown)
        d["unknown_ops"] = list(reading.unknown)
        d["stored_params"] = reading.stored
        d["notes"] = notes
        click.echo(dump(d))
    else:
        # The table's sentence on PyTorch's count is not what a file's parameters are: the notes replace it.
        pytorch = _(
            "Trainable params are PyTorch's sum(p.numel()) over model.parameters(); "
            "batchnorm's running mean and variance are buffers, counted as non-trainable."
        )
        table = network_report.table(net, layout, count, depth)
        click.echo(table.replace(pytorch, "\n".join(notes)) if pytorch in table else table + "\n\n" + "\n".join(notes))
    return 0
