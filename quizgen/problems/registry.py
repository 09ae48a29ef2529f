"""The problem-kind registry: every kind has an id, a title, what it asks and a seeded sampler.

A sampler takes a ``random.Random`` (never the global one), a difficulty
(1: square, stride 1, no padding; 2: stride, padding and bias; 3: dilation,
groups, inexact division, ceil mode, transposed, 1d and 3d) and the compute
convention, and returns a :class:`~quizgen.problems.Problem` with numeric
parts.  Sizes, channels and kernels are drawn from those of real networks.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from typing import NamedTuple

from quizgen.arith import layers as L
from quizgen.arith import spec
from quizgen.arith.layers import Layer
from quizgen.arith.solver import solve, value_of
from quizgen.errors import QuizgenError
from quizgen.explain import misconceptions as M
from quizgen.explain.steps import bias_adds_step, explain, notes, num
from quizgen.i18n import N_, _, a_an, sentences
from quizgen.problems.hints import hint
from quizgen.problems.problem import Part, Problem, wrongs_for

Sampler = Callable[[random.Random, int, str], Problem]


class Making:
    """A drafted problem made in two steps, neither drawing anything: ``face()`` is what a sheet judges it by
    (a :class:`Problem` with its kind, text, specs, flawed working and answers, but no wrong answers, hints or
    steps), and ``whole(face)`` the problem made from that face, which keeps all of it.  A sheet that turns a
    problem down for what it writes or asks (:mod:`quizgen.problems.sheet`) so never works out the rest.

    ``whole`` changes only the parts' wrong answers and hints, the steps and the notes, and is a module-level
    function or a partial of one: a large sheet's problems are made whole by another process
    (:mod:`quizgen.render.figures_ahead`), which is sent it.

    A plain class (not a dataclass, which the drill's start-up does not import)."""

    __slots__ = ("face", "whole")

    def __init__(self, face: Callable[[], Problem], whole: Callable[[Problem], Problem]) -> None:
        self.face = face
        self.whole = whole

    def __call__(self) -> Problem:
        return self.whole(self.face())


#: A sampler in two steps: everything it draws from the generator, giving the quantity of each part the problem
#: will ask, and a function that then makes the problem (the same one the sampler gives; a :class:`Making` where
#: the problem has a cheaper face).  A sheet looking for a slot's shape (:mod:`quizgen.problems.slots`) makes
#: only the drafts whose parts fit.
Drafter = Callable[[random.Random, int, str], tuple[tuple[str, ...], Callable[[], Problem]]]

CONVENTION_TEXT = {
    "macs": N_("Count compute as multiply-accumulates (MACs); bias adds are not counted."),
    "flops": N_("Count compute as FLOPs = 2 × MACs (a multiply and an add); bias adds are not counted."),
    "flops+bias": N_("Count compute as FLOPs = 2 × MACs, plus one add per output element for the bias."),
}
COMPUTE_QUANTITY = {"macs": "macs", "flops": "flops", "flops+bias": "flops+bias"}


class Kind(NamedTuple):
    """A registered problem kind."""

    id: str
    title: str
    asks: str
    sampler: Sampler
    drafter: Drafter | None = None
    #: Whether the drafter takes ``wanted`` (see :meth:`draft`).
    drafts_wanted: bool = False

    def sample(self, rng: random.Random, difficulty: int = 1, count: str = "macs") -> Problem:
        """Draw one problem; ``difficulty`` is 1, 2 or 3."""
        return self.draft(rng, difficulty, count)[1]()

    def draft(
        self, rng: random.Random, difficulty: int = 1, count: str = "macs", wanted: tuple[str, ...] | None = None
    ) -> tuple[tuple[str, ...], Callable[[], Problem]]:
        """Draw one problem as :meth:`sample` does, giving the quantities its parts ask and a function that
        makes it; made at once for a kind without a :data:`Drafter`.

        ``wanted``: the quantities a sheet's slot asks (:func:`quizgen.problems.slots.drafted`), which a drafter
        that takes them (``drafts_wanted``) may use to pass over draws that cannot ask them, drawing from ``rng``
        as the drafts turned down for their shape would have."""
        if difficulty not in (1, 2, 3):
            raise QuizgenError(_("difficulty={difficulty} must be 1, 2 or 3").format(difficulty=difficulty))
        if self.drafter is None:
            problem = _finished(self.sampler(rng, difficulty, count))
            return tuple(part.quantity for part in problem.parts), lambda: problem
        if wanted is not None and self.drafts_wanted:
            asks, make = self.drafter(rng, difficulty, count, wanted)  # type: ignore[call-arg]
        else:
            asks, make = self.drafter(rng, difficulty, count)
        if isinstance(make, Making):
            face = make.face
            return asks, Making(lambda: _finished(face()), make.whole)
        return asks, lambda: _finished(make())


def _finished(problem: Problem) -> Problem:
    # One place for every kind's text: "a 8 × 8 input" becomes "an 8 × 8 input" (English only).
    text = a_an(problem.text)
    return problem if text == problem.text else problem._replace(text=text)


REGISTRY: dict[str, Kind] = {}


def kind(
    id: str, title: str, asks: str, draft: Drafter | None = None, drafts_wanted: bool = False
) -> Callable[[Sampler], Sampler]:
    """Register a sampler as a problem kind (and ``draft``, the same sampler in two steps, where it has one;
    ``drafts_wanted``: it takes the quantities wanted, see :meth:`Kind.draft`)."""

    def register(sampler: Sampler) -> Sampler:
        REGISTRY[id] = Kind(id, title, asks, sampler, draft, drafts_wanted)
        return sampler

    return register


def get(kind_id: str) -> Kind:
    """The kind with this id, or a one-line error suggesting the closest."""
    from quizgen.i18n import closest
    from quizgen.problems import kinds  # noqa: F401 - importing the families fills the registry

    try:
        return REGISTRY[kind_id]
    except KeyError:
        raise QuizgenError(
            _("kind={kind_id} is not a problem kind{suggestion}; 'quizgen kinds' lists them").format(
                kind_id=kind_id, suggestion=closest(kind_id, list(REGISTRY))
            )
        ) from None


# --- describing layers in words -------------------------------------------------------------------


def shape_words(shape: tuple[int, ...]) -> str:
    return " × ".join(map(str, shape))


def describe(layer: Layer) -> str:
    """The layer in a sentence, naming every setting a student needs."""
    fam = layer.family
    k = shape_words(layer.kernel) if layer.kernel else ""
    if len(set(layer.kernel)) == 1 and len(layer.kernel) > 1:
        k = " × ".join([str(layer.kernel[0])] * len(layer.kernel))
    settings = []
    if layer.has_kernel:
        s = L.fmt_tuple(layer.stride)
        settings.append(_("stride {s}").format(s=s))
        if isinstance(layer.padding, str):  # 'same': the spec parser turns 'valid' into zeros
            settings.append(_("'same' padding"))
        else:
            settings.append(
                _("padding {p}").format(p=L.fmt_tuple(layer.padding)) if any(layer.padding) else _("no padding")
            )
        if layer.dilation and any(d > 1 for d in layer.dilation):
            settings.append(_("dilation {d}").format(d=L.fmt_tuple(layer.dilation)))
    if fam in (L.CONV, L.CONVT) and layer.groups > 1:
        settings.append(
            _("{g} groups").format(g=layer.groups)
            if layer.groups != layer.in_channels
            else _("groups = channels = {g} (depthwise)").format(g=layer.groups)
        )
    if fam == L.CONVT:
        settings.append(
            _("output padding {op}").format(op=L.fmt_tuple(layer.output_padding))
            if any(layer.output_padding)
            else _("no output padding")
        )
    if fam in (L.CONV, L.CONVT, L.LINEAR):
        settings.append(_("with bias") if layer.bias else _("without bias"))
    if layer.ceil_mode:
        settings.append(_("ceil mode"))
    tail = _(", ").join(settings)
    inp = shape_words(layer.input_shape)
    if fam == L.CONV:
        return _("A {name} layer applies {out} filters of size {k} ({tail}) to a {inp} input.").format(
            name=layer.name, out=layer.out, k=k, tail=tail, inp=inp
        )
    if fam == L.CONVT:
        return _(
            "A transposed convolution ({name}) with {out} output channels and kernel size {k} ({tail}) "
            "takes a {inp} input."
        ).format(name=layer.name, out=layer.out, k=k, tail=tail, inp=inp)
    if fam in (L.MAXPOOL, L.AVGPOOL):
        what = _("max-pool") if fam == L.MAXPOOL else _("average-pool")
        return _("A {k} {what} ({tail}) is applied to a {inp} input.").format(k=k, what=what, tail=tail, inp=inp)
    if fam in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        what = _("adaptive average pool") if fam == L.ADAPTIVE_AVG else _("adaptive max pool")
        return _("An {what} with output size {size} is applied to a {inp} input.").format(
            what=what, size=shape_words(layer.output_size), inp=inp
        )
    if fam == L.LINEAR:
        return _("A fully connected layer maps {i} inputs to {o} outputs ({tail}).").format(
            i=num(layer.in_channels), o=num(layer.out or 0), tail=tail
        )
    return _("A {name} layer takes a {inp} input.").format(name=layer.name, inp=inp)


# --- conventions a problem must state ---------------------------------------------------------------

_COMPUTE = frozenset({"macs", "flops", "flops+bias"})
#: Quantities that follow from the output size, so from how padding and rounding are resolved.
_SIZED = _COMPUTE | {"output", "windows", "comparisons", "additions", "divisions", "output_bytes", "output_elements"}
#: Quantities that count the elements inside each pooling window.
_WINDOW_CONTENT = frozenset({"comparisons", "additions"})

TRANSPOSED_MACS_TEXT = N_(
    "Count a transposed convolution's MACs on the input side: each input position is multiplied through every "
    "weight of the layer (one multiply-accumulate per weight), and sums where outputs overlap are not counted "
    "again."
)
SAME_TEXT = N_(
    "'same' padding follows TensorFlow: the output is ceil(W/S) along each side, and when the total padding is "
    "odd the extra row or column goes at the bottom or right."
)
CEIL_TEXT = N_(
    "In ceil mode the output size is rounded up instead of down: a last window that runs past the edge of the "
    "input is kept, as long as it starts before the right-hand padding."
)
PADDED_WINDOW_TEXT = {
    "padding": N_("Count every window as holding all {k} positions of the kernel, padded positions included."),
    "ceil": N_(
        "Count every window as holding all {k} positions of the kernel, including positions past the edge of the input."
    ),
    "both": N_(
        "Count every window as holding all {k} positions of the kernel, including padded positions and "
        "positions past the edge of the input."
    ),
}
NO_BIAS_ADDS_TEXT = N_("Without a bias there are no bias adds to count.")
ADAPTIVE_TEXT = N_(
    "Adaptive pooling places its windows as PyTorch does: with n inputs and m outputs along a side, window i "
    "(counting from 0) covers inputs floor(i·n/m) to ceil((i + 1)·n/m) - 1, so windows can differ in size and "
    "overlap."
)


def _asymmetric_same(layer: Layer, asked: frozenset[str]) -> bool:
    return (
        layer.padding == L.SAME
        and bool(asked & _SIZED)
        and any(before != after for before, after in L.resolved_padding(layer))
    )


def _padded_windows(layer: Layer, asked: frozenset[str]) -> bool:
    return (
        layer.family in (L.MAXPOOL, L.AVGPOOL)
        and bool(asked & _WINDOW_CONTENT)
        and (layer.ceil_mode or any(before or after for before, after in L.resolved_padding(layer)))
    )


def _padded_window_text(layer: Layer, count: str) -> str:
    padded = any(before or after for before, after in L.resolved_padding(layer))
    which = "both" if padded and layer.ceil_mode else "padding" if padded else "ceil"
    return _(PADDED_WINDOW_TEXT[which]).format(k=shape_words(layer.kernel))


def _uneven_adaptive(layer: Layer, asked: frozenset[str]) -> bool:
    return (
        layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX)
        and bool(asked & _WINDOW_CONTENT)
        and any(n % m for n, m in zip(layer.spatial, layer.output_size))
    )


#: Each convention a problem can depend on: when it applies (the layer and the asked quantities) and its sentence
#: (the layer and the --count convention).  :func:`conventions_for` reads this table top to bottom.
CONVENTIONS: tuple[tuple[str, Callable[[Layer, frozenset[str]], bool], Callable[[Layer, str], str]], ...] = (
    ("compute", lambda layer, asked: bool(asked & _COMPUTE), lambda layer, count: _(CONVENTION_TEXT[count])),
    (
        "no-bias-adds",
        lambda layer, asked: "flops+bias" in asked and layer.family in (L.CONV, L.CONVT, L.LINEAR) and not layer.bias,
        lambda layer, count: _(NO_BIAS_ADDS_TEXT),
    ),
    (
        "transposed-input-side",
        lambda layer, asked: layer.family == L.CONVT and bool(asked & _COMPUTE),
        lambda layer, count: _(TRANSPOSED_MACS_TEXT),
    ),
    ("same-tensorflow", _asymmetric_same, lambda layer, count: _(SAME_TEXT)),
    ("ceil-mode", lambda layer, asked: layer.ceil_mode and bool(asked & _SIZED), lambda layer, count: _(CEIL_TEXT)),
    ("padded-windows", _padded_windows, _padded_window_text),
    ("adaptive-windows", _uneven_adaptive, lambda layer, count: _(ADAPTIVE_TEXT)),
)


def conventions_for(layer: Layer, quantities: list[str] | tuple[str, ...], count: str = "macs") -> list[str]:
    """The sentences a problem about ``layer`` asking ``quantities`` must state, under ``--count`` ``count``.

    Every counting rule an answer depends on beyond the layer's settings (compute convention, transposed
    MACs counted input-side, TensorFlow's asymmetric 'same', ceil mode, padded pooling windows, PyTorch's
    adaptive windows) is in :data:`CONVENTIONS`; a problem's text holds each returned sentence verbatim.  When
    the quantities name one compute quantity (``macs``, ``flops`` or ``flops+bias``), its convention is stated,
    whatever ``count`` says.
    """
    asked = frozenset(quantities)
    named = asked & _COMPUTE
    if len(named) == 1:  # a problem that names its compute quantity is stated in that quantity's convention
        count = next(iter(named))
    return [text(layer, count) for _id, applies, text in CONVENTIONS if applies(layer, asked)]


def shape_order(layer: Layer) -> str:
    return {1: "L × C", 2: "H × W × C", 3: "D × H × W × C"}.get(len(layer.spatial), "")


# --- building single-layer problems ---------------------------------------------------------------

LABELS = {
    "output": N_("Output shape"),
    "params": N_("Parameters (weights + biases)"),
    "weights": N_("Weights"),
    "macs": N_("MACs"),
    "flops": N_("FLOPs"),
    "flops+bias": N_("FLOPs (with bias adds)"),
    "windows": N_("Pooling windows"),
    "comparisons": N_("Comparisons"),
    "additions": N_("Additions"),
    "divisions": N_("Divisions"),
    "output_bytes": N_("Output activation memory (bytes, fp32)"),
    "params_bytes": N_("Parameter memory (bytes, fp32)"),
}
_STEP_QUANTITY = {"flops+bias": "flops"}


def layer_problem(
    kind_id: str,
    difficulty: int,
    layer: Layer,
    quantities: list[str],
    question: str,
    count: str = "macs",
    extra_text: str = "",
    title: str = "",
    lead: str = "",
) -> Problem:
    """A problem about one layer: each quantity a part, its wrongs from the misconception catalogue."""
    return layer_making(kind_id, difficulty, layer, quantities, question, count, extra_text, title, lead)()


def layer_making(
    kind_id: str,
    difficulty: int,
    layer: Layer,
    quantities: list[str],
    question: str,
    count: str = "macs",
    extra_text: str = "",
    title: str = "",
    lead: str = "",
) -> Making:
    """:func:`layer_problem` in two steps: its face (text, spec, answers), then the wrongs, hints and steps."""

    def face() -> Problem:
        sol = solve(layer)
        parts = []
        for q in quantities:
            label = _(LABELS[q])
            if q == "output":
                label = f"{label} ({shape_order(layer)})" if layer.spatial else label
            parts.append(Part(label, q, value_of(sol, q)))
        text = sentences(lead or describe(layer), question)
        if extra_text:
            text = sentences(text, extra_text)
        text = sentences(text, *conventions_for(layer, quantities, count))
        return Problem(
            kind=kind_id,
            title=title or _(REGISTRY[kind_id].title),
            difficulty=difficulty,
            text=text,
            parts=tuple(parts),
            steps=(),
            spec=spec.format_layer(layer),
            layer=layer,
        )

    return Making(face, functools.partial(_layer_worked, layer=layer, quantities=quantities))


def _layer_worked(face: Problem, layer: Layer, quantities: list[str]) -> Problem:
    """A single-layer problem's face with each part's wrongs and hint, the steps and the notes."""
    sol = solve(layer)
    parts = []
    for part in face.parts:
        q = part.quantity
        wrongs = wrongs_for(layer, q, part.answer) if q in M.QUANTITIES else ()
        parts.append(part._replace(wrongs=wrongs, hint=hint(layer, q)))
    wanted = {_STEP_QUANTITY.get(q, q) for q in quantities}
    if wanted & {"macs", "flops", "windows", "comparisons", "additions", "divisions", "output_bytes"}:
        wanted.add("output")
    if "params" in wanted or "params_bytes" in wanted:
        wanted |= {"weights", "bias", "params"}
    if "flops" in wanted:
        wanted.add("macs")
    if "macs" in wanted and layer.family != L.LINEAR:
        wanted.add("weights")  # the MACs step multiplies the weight count: derive it first
    steps = tuple(s for s in explain(sol) if s.quantity in wanted)
    if "flops+bias" in quantities and layer.family in (L.CONV, L.CONVT, L.LINEAR):
        steps += (bias_adds_step(sol),)
    return face._replace(parts=tuple(parts), steps=steps, notes=tuple(notes(sol)))
