"""``quizgen check``: claimed answers about a layer, judged, with the misconception behind a wrong one."""

from __future__ import annotations

import click

from quizgen.arith import spec
from quizgen.arith.spec import Layout
from quizgen.cli.common import COUNT, LANG, LAYOUT, dump, joined_spec
from quizgen.explain import check as checking
from quizgen.render import text


@click.command("check")
@LANG
@click.argument("spec", nargs=-1, required=True)
@click.option(
    "--claim",
    "claims",
    multiple=True,
    required=True,
    metavar="QUANTITY=VALUE",
    help="A claimed answer; repeat for several. Quantities: output, params, weights, bias, trainable, "
    "non_trainable, macs, flops, compute, windows, comparisons, additions, divisions, output_elements, "
    "output_bytes, params_bytes, comparisons_per_window.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON.")
@click.option("--layout", type=LAYOUT, default="hwc", show_default=True, help="Shape order of SPEC and claims.")
@click.option("--count", type=COUNT, default="macs", show_default=True, help="What 'compute=' means.")
def check_command(spec: tuple[str, ...], claims: tuple[str, ...], as_json: bool, layout: Layout, count: str) -> int:
    """Check claimed answers about a layer: correct, or wrong with the right value and the misconception.

    Exit status: 0 if every claim is correct, 1 if any is wrong, 2 for bad input.

    \b
    Examples:
      quizgen check "conv2d in=227x227x3 out=96 k=11 s=4" --claim output=217x217x96
      quizgen check "maxpool2d in=55x55x96 k=3 s=2" --claim windows=196 --claim comparisons=1568
      quizgen check "conv2d in=32x32x64 out=128 k=5 bias=false" --claim macs=160563200 --claim params=204800
    """
    return check_claims(joined_spec(spec), list(claims), as_json=as_json, layout=layout, count=count)


def check_claims(
    spec_text: str, claims: list[str], *, as_json: bool = False, layout: Layout = "hwc", count: str = "macs"
) -> int:
    """``quizgen check SPEC --claim Q=V ...``: exit 0 if all claims hold, 1 if any is wrong."""
    layer = spec.parse(spec_text, layout=layout)
    parsed = [checking.parse_claim(c, count, layout) for c in claims]
    results = checking.check(layer, parsed)
    if as_json:
        click.echo(
            dump(
                {
                    "spec": spec.format_layer(layer, layout),
                    "claims": [checking.result_dict(r, layer) for r in results],
                }
            )
        )
    else:
        click.echo(text.verdicts(layer, results, layout))
    return 0 if all(r.ok for r in results) else 1
