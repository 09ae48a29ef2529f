"""Terminal output: a solution with its steps, a network table, and check verdicts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizgen.arith import spec
from quizgen.arith.layers import Layer
from quizgen.arith.solver import Solution
from quizgen.arith.spec import Layout
from quizgen.explain import steps
from quizgen.explain.steps import num
from quizgen.i18n import N_, _

if TYPE_CHECKING:
    from quizgen.explain.check import ClaimResult

CONVENTIONS = {
    "macs": N_("compute = multiply-accumulates (MACs), bias adds excluded; FLOPs = 2 × MACs"),
    "flops": N_("compute = FLOPs = 2 × MACs (a multiply and an add each), bias adds excluded"),
    "flops+bias": N_("compute = FLOPs = 2 × MACs, plus one add per output element for the bias"),
}


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: 2 for each CJK character (wcwidth), 1 for others."""
    if text.isascii() or max(map(ord, text)) < 0x1100:  # nothing wide before the Hangul Jamo: skip wcwidth's import
        return len(text)
    from wcwidth import wcswidth  # only for non-ASCII text: English output does not pay for its import

    width = wcswidth(text)
    return width if width >= 0 else len(text)


def ljust(text: str, width: int) -> str:
    """``text`` padded on the right to ``width`` terminal columns."""
    return text + " " * max(0, width - display_width(text))


def rjust(text: str, width: int) -> str:
    """``text`` padded on the left to ``width`` terminal columns."""
    return " " * max(0, width - display_width(text)) + text


def convention(count: str) -> str:
    """The one-line statement of a counting convention."""
    return _(CONVENTIONS[count])


def shape_text(shape: tuple[int, ...], layout: Layout = "hwc") -> str:
    return spec.format_shape(shape, layout, sep=" × ")


def solution(sol: Solution, layout: Layout = "hwc", count: str = "macs", show_steps: bool = True) -> str:
    """A solved layer: summary, worked steps, notes and the convention."""
    rows: list[tuple[str, str]] = [(_("Output shape"), shape_text(sol.output_shape, layout))]
    p = sol.params
    if p.total:
        detail = _("weights {w} + bias {b}").format(w=num(p.weights), b=num(p.bias))
        if p.non_trainable:
            detail = _("trainable {t} + non-trainable {n}").format(t=num(p.trainable), n=num(p.non_trainable))
        rows.append((_("Parameters"), f"{num(p.total)}  ({detail})"))
    else:
        rows.append((_("Parameters"), "0"))
    rows.append((_("MACs"), num(sol.macs)))
    rows.append((_("FLOPs"), f"{num(sol.flops)}  (2 × MACs)"))
    if count == "flops+bias":
        rows.append((_("FLOPs + bias"), num(sol.flops_with_bias)))
    if sol.pool:
        rows.append((_("Windows"), num(sol.pool.windows)))
        if sol.pool.comparisons:
            rows.append((_("Comparisons"), num(sol.pool.comparisons)))
        if sol.pool.additions or sol.pool.divisions:
            rows.append((_("Additions"), num(sol.pool.additions)))
            rows.append((_("Divisions"), num(sol.pool.divisions)))
    rows.append(
        (
            _("Memory (fp32)"),
            _("output {o} bytes ({e} values), parameters {p} bytes").format(
                o=num(sol.output_bytes), e=num(sol.output_elements), p=num(sol.params_bytes)
            ),
        )
    )
    width = max(display_width(k) for k, _v in rows)
    lines = [spec.format_layer(sol.layer, layout), ""]
    lines += [f"  {ljust(k, width)}  {v}" for k, v in rows]
    if show_steps:
        lines += ["", _("Worked steps")]
        lines += step_lines(steps.explain(sol, layout))
    notes = steps.notes(sol)
    if notes:
        lines += ["", _("Notes")]
        lines += [f"  - {n}" for n in notes]
    lines += ["", _("Convention: {c}.").format(c=convention(count))]
    return "\n".join(lines)


def step_lines(items: list[steps.Step], indent: str = "  ") -> list[str]:
    """Numbered steps: title, formula, substitution, result."""
    lines = []
    for i, s in enumerate(items, start=1):
        lines.append(f"{indent}{i}. {s.title}")
        lines.append(f"{indent}     {s.formula}")
        if s.substituted and s.substituted != s.result:
            lines.append(f"{indent}     = {s.substituted}")
        lines.append(f"{indent}     = {s.result}")
    return lines


_DEFAULTS = {"s": "1", "p": "0", "d": "1", "g": "1", "bias": "true", "ceil": "false", "op": "0"}


def short_spec(layer: Layer) -> str:
    """The settings that differ from the defaults, e.g. ``out=96 k=11 s=4``."""
    parts = spec.format_layer(layer).split()[2:]
    kept = []
    for part in parts:
        key, _sep, value = part.partition("=")
        default = _DEFAULTS.get(key)
        if key == "s" and layer.is_pool:
            default = spec.L.fmt_tuple(layer.kernel)
        if value != default:
            kept.append(part)
    return " ".join(kept)


def verdicts(layer: Layer, results: list[ClaimResult], layout: Layout = "hwc") -> str:
    """``quizgen check`` output: one verdict per claim, with misconceptions and the right working."""
    # the checking modules load only for ``check``: ``solve --network`` prints tables without them
    from quizgen.arith.solver import solve
    from quizgen.explain import misconceptions as M
    from quizgen.explain.answers import (
        coarse_text,
        in_full_text,
        rounded_in_full,
        rounded_text,
        too_coarse,
        truncated,
        truncated_text,
    )

    sol = solve(layer)
    all_steps = steps.explain(sol)
    lines = [spec.format_layer(layer, layout)]
    for r in results:
        claimed = r.text
        correct = _value_text(r.correct, layout)
        if r.ok and r.rounded:
            lines.append(
                "✓ "
                + _("{q} = {v} is correct ({rounded}).").format(
                    q=r.quantity, v=claimed, rounded=rounded_text(r.claimed)
                )
            )
            continue
        if r.ok:
            lines.append("✓ " + _("{q} = {v} is correct.").format(q=r.quantity, v=claimed))
            continue
        if r.spread:
            lines.append("✗ " + _("{q} = {v} is wrong.").format(q=r.quantity, v=claimed))
            lines.append("    " + spread_text(r.quantity, r.spread))
            continue
        lines.append("✗ " + _("{q} = {v} is wrong; the right value is {c}.").format(q=r.quantity, v=claimed, c=correct))
        if truncated(r.claimed, r.correct):  # the right value cut off: said before any misconception
            lines.append("    " + truncated_text(claimed) + _("."))
        for combo in r.misconceptions:
            ids = " + ".join(combo)
            why = M.explain_combo(layer, combo)
            lines.append(f"    {ids} — {why}" + _("."))
        if r.follows_from_output is not None:
            out = "x".join(map(str, r.follows_from_output))
            lines.append(
                "    "
                + _(
                    "{v} follows from the claimed {o} output: it would be right for that size, but the output is {c}."
                ).format(v=claimed, o=out, c=shape_text(sol.output_shape[:-1], layout))
            )
        spelling = None if r.misconceptions else rounded_in_full(r.claimed, r.correct)
        if not r.misconceptions and too_coarse(r.claimed, r.correct):
            lines.append("    " + coarse_text(claimed) + _("."))
        elif spelling:
            lines.append("    " + in_full_text(claimed, spelling) + _("."))
        elif not r.misconceptions and r.follows_from_output is None:
            lines.append("    " + _("No misconception in the catalogue produces {v}.").format(v=claimed))
        if r.would_be_right_with and not r.misconceptions:
            lines.append(
                "    "
                + _("{v} would be right with {options}.").format(
                    v=claimed, options=_("; or ").join(r.would_be_right_with)
                )
            )
        related = [s for s in all_steps if s.quantity == r.quantity]
        if related:
            lines.append("    " + _("Right working:"))
            lines += step_lines(related, indent="      ")
    return "\n".join(lines)


def spread_text(quantity: str, spread: tuple[tuple[int, int], ...]) -> str:
    """Why a per-window quantity has no single value: the window sizes, how many of each, and the values."""
    holds = or_list([_("{elements} ({windows}×)").format(elements=num(e), windows=num(w)) for e, w in spread])
    values = or_list([num(e - 1) for e, _w in spread])
    return _("{quantity} has no single value here: the windows hold {holds} elements, so {values} comparisons.").format(
        quantity=quantity, holds=holds, values=values
    )


def and_list(items: list[str]) -> str:
    """``a, b and c``, as the language writes it."""
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=_(", ").join(items[:-1]), last=items[-1])


def or_list(items: list[str]) -> str:
    """``a, b or c``, as the language writes it."""
    if len(items) == 1:
        return items[0]
    return _("{items} or {last}").format(items=_(", ").join(items[:-1]), last=items[-1])


def _value_text(value: object, layout: Layout) -> str:
    if isinstance(value, tuple):
        return spec.format_shape(value, layout) if len(value) > 1 else str(value[0])
    if isinstance(value, int):
        return num(value)
    return str(value)
