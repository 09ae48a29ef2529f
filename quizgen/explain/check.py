"""Checking claimed answers: correct, or wrong with the right value and the misconception behind it.

This serves ``quizgen check`` and ``quizgen bank check`` (errata for a source).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from quizgen.arith import layers as L
from quizgen.arith.layers import Layer
from quizgen.arith.solver import Solution, solve, value_of
from quizgen.errors import ClaimError, QuizgenError
from quizgen.explain import misconceptions as M
from quizgen.explain.answers import RIGHT, ROUNDED, Number, Value, judge_value, parse_value
from quizgen.i18n import _, a_an, closest

if TYPE_CHECKING:
    from quizgen.arith.network import Network

#: Claimable quantities and their accepted spellings.
QUANTITY_ALIASES = {
    "output": "output",
    "output_shape": "output",
    "shape": "output",
    "out": "output",
    "params": "params",
    "parameters": "params",
    "total_params": "params",
    "total": "params",
    "weights": "weights",
    "bias": "bias",
    "biases": "bias",
    "trainable": "trainable",
    "non_trainable": "non_trainable",
    "macs": "macs",
    "mult_adds": "macs",
    "madds": "macs",
    "flops": "flops",
    "flops+bias": "flops+bias",
    "compute": "compute",
    "windows": "windows",
    "comparisons": "comparisons",
    "additions": "additions",
    "divisions": "divisions",
    "output_elements": "output_elements",
    "output_bytes": "output_bytes",
    "params_bytes": "params_bytes",
    "comparisons_per_window": "comparisons_per_window",
}


@dataclass(frozen=True)
class ClaimResult:
    """The verdict on one claim."""

    quantity: str
    text: str
    claimed: Value
    correct: int | tuple[int, ...]
    ok: bool
    misconceptions: tuple[tuple[str, ...], ...] = ()
    follows_from_output: tuple[int, ...] | None = None
    would_be_right_with: tuple[str, ...] = ()
    rounded: bool = False  # right as a correct rounding (answers.judge), not as the exact value
    #: For a per-window quantity with no single value (uneven adaptive windows): (elements, windows) pairs.
    spread: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Claim:
    quantity: str
    text: str
    value: Value


def parse_claim(text: str, count: str = "macs", layout: str = "hwc") -> Claim:
    """Read ``QUANTITY=VALUE``; ``compute`` resolves to the ``count`` convention.

    A shape is read in ``layout`` (``chw``: channels first) and kept channels-last.
    """
    if "=" not in text:
        raise ClaimError(
            _("--claim {text}: must be QUANTITY=VALUE, e.g. output=55x55x96 or macs=105415200").format(text=text)
        )
    key, _sep, raw = text.partition("=")
    key = key.strip().lower().replace("-", "_")
    quantity = QUANTITY_ALIASES.get(key) or QUANTITY_ALIASES.get(key.replace("_", "+"))
    if quantity is None:
        raise ClaimError(
            _("--claim {text}: unknown quantity '{key}'{suggestion}; known: {items}").format(
                text=text,
                key=key,
                suggestion=closest(key, list(QUANTITY_ALIASES)),
                items=", ".join(sorted(set(QUANTITY_ALIASES.values()))),
            )
        )
    if quantity == "compute":
        quantity = count
    value = parse_value(raw, shape_first=quantity == "output")
    if value is None:
        raise ClaimError(
            _(
                "--claim {text}: '{strip}' is not a number (34944, 34,944, 3.4944e4, 34.9k) or a shape (55x55x96)"
            ).format(text=text, strip=raw.strip())
        )
    if quantity == "output" and isinstance(value, Number):
        if value.value.denominator != 1 or value.rounding:
            raise ClaimError(
                _("--claim {text}: output must be a shape such as 55x55x96 or a whole size").format(text=text)
            )
        value = (int(value.value),)
    if quantity != "output" and isinstance(value, tuple):
        raise ClaimError(
            _("--claim {text}: {quantity} is a single number, not a shape").format(text=text, quantity=quantity)
        )
    if layout == "chw" and isinstance(value, tuple) and len(value) > 1:
        value = value[1:] + value[:1]
    return Claim(quantity, raw.strip(), value)


def _matcher(layer: Layer, claimed: Value) -> Callable[[object], bool]:
    """Whether ``claimed`` is right for a value, by the one grading rule (:func:`answers.judge_value`).

    A claimed shape without channels is compared with the spatial sizes only.
    """

    def match(v: object) -> bool:
        return _verdict(layer, claimed, v) in RIGHT

    return match


def _verdict(layer: Layer, claimed: Value, v: object) -> str:
    if isinstance(claimed, tuple) and isinstance(v, tuple) and layer.spatial and len(claimed) == len(v) - 1:
        v = v[:-1]
    if isinstance(claimed, tuple) != isinstance(v, tuple):
        return "wrong"
    if not isinstance(v, (int, Fraction, tuple)):
        return "wrong"
    return judge_value(claimed, v)


_POOL_ONLY = ("windows", "comparisons", "additions", "divisions", "comparisons_per_window")


def check(layer: Layer, claims: list[Claim]) -> list[ClaimResult]:
    """Judge each claim about ``layer``."""
    sol = solve(layer)
    results = []
    claimed_output = next((c.value for c in claims if c.quantity == "output"), None)
    for claim in claims:
        if claim.quantity in _POOL_ONLY and sol.pool is None:
            raise ClaimError(
                _(
                    "--claim {quantity}={value}: {layer} has no pooling windows; {quantity} applies to pooling layers"
                ).format(quantity=claim.quantity, value=claim.text, layer=layer.name)
            )
        is_max = layer.family in (L.MAXPOOL, L.ADAPTIVE_MAX)
        spread = window_spread(sol) if claim.quantity in _PER_WINDOW and is_max else ()
        if len(spread) > 1:  # no single right value, so any one claimed value is wrong
            results.append(ClaimResult(claim.quantity, claim.text, claim.value, 0, False, spread=spread))
            continue
        correct = value_of(sol, claim.quantity)
        verdict = _verdict(layer, claim.value, correct)
        if verdict in RIGHT:
            results.append(
                ClaimResult(claim.quantity, claim.text, claim.value, correct, True, rounded=verdict == ROUNDED)
            )
            continue
        match = _matcher(layer, claim.value)
        found: list[tuple[str, ...]] = []
        if claim.quantity in M.QUANTITIES:
            found = M.explain_value(layer, claim.quantity, match)
        follows = None
        override = _spatial_of(layer, claimed_output, sol)
        if not found and claim.quantity != "output" and override is not None and claim.quantity in M.QUANTITIES:
            if any(match(v) for v in M.wrong_values(layer, claim.quantity, frozenset(), override)):
                follows = override
            else:
                found = M.explain_value(layer, claim.quantity, match, override)
                follows = override if found else None
        suggestions: tuple[str, ...] = ()
        if claim.quantity == "output" and isinstance(claim.value, tuple) and _whole(claim.value):
            suggestions = tuple(what_gives(layer, tuple(int(x) for x in claim.value)))
        results.append(
            ClaimResult(claim.quantity, claim.text, claim.value, correct, False, tuple(found), follows, suggestions)
        )
    return results


_PER_WINDOW = ("comparisons_per_window",)


def window_spread(sol: Solution) -> tuple[tuple[int, int], ...]:
    """How many windows hold each number of elements, smallest first: ``((4, 48), (6, 48), (9, 12))``.

    Adaptive windows follow PyTorch's rule (:func:`quizgen.geometry.adaptive_windows`); a window's
    element count is the product of its lengths along each dimension, and every channel has the
    same windows.  Empty for layers without pooling windows.
    """
    pool = sol.pool
    if pool is None:
        return ()
    channels = sol.output_shape[-1]
    if pool.window_size is not None:
        return ((_product(pool.window_size), pool.windows),)
    counts: dict[int, int] = {}
    for lengths in itertools.product(*pool.window_sizes):
        elements = _product(lengths)
        counts[elements] = counts.get(elements, 0) + channels
    return tuple(sorted(counts.items()))


def _product(values: tuple[int, ...]) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def _spatial_of(layer: Layer, claimed: Value | None, sol: Solution) -> tuple[int, ...] | None:
    """The spatial part of a claimed output, if it is wrong (so that other claims may follow from it)."""
    if not isinstance(claimed, tuple) or not layer.spatial or not _whole(claimed):
        return None
    n = len(layer.spatial)
    spatial = claimed[:n] if len(claimed) in (n, n + 1) else None
    if spatial is None or spatial == sol.output_shape[:n]:
        return None
    return tuple(int(x) for x in spatial)


def _whole(shape: tuple[int | Fraction, ...]) -> bool:
    """Whether every size of a claimed shape is whole (``60.5x128`` is read, and is no layer's output)."""
    return all(Fraction(x).denominator == 1 for x in shape)


def what_gives(layer: Layer, claimed: tuple[int, ...], limit: int = 4) -> list[str]:
    """Small changes to the layer under which ``claimed`` would be the right output."""
    if not layer.has_kernel:
        return []
    n = len(layer.spatial)
    target = claimed[:n]
    if len(claimed) not in (n, n + 1) or len(set(target)) != 1 or len(set(layer.spatial)) != 1:
        return []
    size = layer.spatial[0]
    want = claimed if len(claimed) == n + 1 else None
    pad0 = layer.padding[0] if isinstance(layer.padding, tuple) else None
    options: dict[str, list[int]] = {
        "in": list(range(1, 4 * size + 8)),
        "k": list(range(1, size + 8)),
        "s": list(range(1, size + 2)),
        "p": list(range(0, 8)),
    }
    if layer.dilation:
        options["d"] = list(range(1, 6))
    current = {"in": size, "k": layer.kernel[0], "s": layer.stride[0], "p": pad0, "d": (layer.dilation or (1,))[0]}
    found: list[str] = []
    for keys in [(k,) for k in options] + [("s", "p"), ("k", "p"), ("k", "s")]:
        if any(key == "p" and pad0 is None for key in keys):
            continue
        ranges = [sorted(options[key], key=_distance_from(current[key] or 0)) for key in keys]
        for values in itertools.product(*ranges):
            if any(v == current[key] for key, v in zip(keys, values)):
                continue
            candidate = _edit(layer, dict(zip(keys, values)))
            if candidate is None:
                continue
            out = solve(candidate).output_shape
            if out[:n] == target and (want is None or out == want):
                found.append(_describe(candidate, dict(zip(keys, values))))
                break
        if len(found) >= limit:
            break
    return found


def _distance_from(x: int) -> Callable[[int], int]:
    """How far a candidate setting is from the layer's own (nearest first)."""
    return lambda v: abs(v - x)


def _edit(layer: Layer, values: dict[str, int]) -> Layer | None:
    n = len(layer.spatial)
    edited = layer
    for key, v in values.items():
        if key == "in":
            edited = edited._replace(input_shape=(v,) * n + (layer.in_channels,))
        elif key == "k":
            edited = edited._replace(kernel=(v,) * n)
        elif key == "s":
            edited = edited._replace(stride=(v,) * n)
        elif key == "p":
            edited = edited._replace(padding=(v,) * n)
        elif key == "d":
            edited = edited._replace(dilation=(v,) * n)
    try:
        return L.validate(edited)
    except QuizgenError:
        return None


def _describe(layer: Layer, values: dict[str, int]) -> str:
    parts = []
    for key, v in values.items():
        if key == "in":
            parts.append(
                a_an(
                    _("a {size} input (in={shape})").format(
                        size="x".join([str(v)] * len(layer.spatial)), shape=L.fmt_shape(layer.input_shape)
                    )
                )
            )
        else:
            parts.append(f"{key}={v}")
    return _(" with ").join(parts)


def result_dict(result: ClaimResult, layer: Layer) -> dict:
    """A verdict as JSON: the claim, the right value, and each explaining misconception with its text."""
    correct: list[int] | int | None = list(result.correct) if isinstance(result.correct, tuple) else result.correct
    if result.spread:  # no single value: the values there are, and how many windows have each
        correct = None
    return {
        "quantity": result.quantity,
        "claimed": result.text,
        "correct": correct,
        "ok": result.ok,
        "verdict": ("rounded" if result.rounded else "exact") if result.ok else "wrong",
        "misconceptions": [
            {"ids": list(combo), "explanation": M.explain_combo(layer, combo)} for combo in result.misconceptions
        ],
        "follows_from_output": list(result.follows_from_output) if result.follows_from_output else None,
        "would_be_right_with": list(result.would_be_right_with),
        "values": [
            {"elements": elements, "windows": windows, "comparisons": elements - 1}
            for elements, windows in result.spread
        ]
        or None,
    }


def check_network(net: Network, claims: list[Claim]) -> list[ClaimResult]:
    """Judge claims about a stack's totals: ``params``, ``macs``, ``flops`` and the final ``output``."""
    totals: dict[str, int | tuple[int, ...]] = {
        "params": net.params.total,
        "trainable": net.params.trainable,
        "non_trainable": net.params.non_trainable,
        "macs": net.macs,
        "flops": net.flops,
        "output": net.output_shape,
    }
    results = []
    for claim in claims:
        if claim.quantity not in totals:
            raise ClaimError(
                _("claimed {quantity}: a stack's claims may be {items}").format(
                    quantity=claim.quantity, items=", ".join(totals)
                )
            )
        correct = totals[claim.quantity]
        verdict = _verdict(net.solutions[-1].layer, claim.value, correct)
        results.append(
            ClaimResult(claim.quantity, claim.text, claim.value, correct, verdict in RIGHT, rounded=verdict == ROUNDED)
        )
    return results
