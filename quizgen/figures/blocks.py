"""Block diagrams (a large layer, a network) and the receptive field of a stack, as figure models."""

from __future__ import annotations

from quizgen.arith import geometry
from quizgen.arith import layers as L
from quizgen.arith.layers import Layer
from quizgen.arith.solver import Solution
from quizgen.errors import QuizgenError
from quizgen.figures.model import Blocks, Box, Receptive, Region
from quizgen.i18n import N_, _, n_, sentences


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as the figures write it: ``55×55×96``."""
    return L.fmt_shape(shape, "×")


def operation(layer: Layer) -> str:
    """What a layer does, in a few words for an arrow: ``conv 11×11, s=4, 96 filters``."""
    if layer.has_kernel:
        k = L.fmt_shape(layer.kernel, "×")
        extra = ""
        if any(s > 1 for s in layer.stride):
            extra += ", s=" + L.fmt_tuple(layer.stride)
        if isinstance(layer.padding, str):
            extra += ", p=" + layer.padding
        elif any(layer.padding):
            extra += ", p=" + L.fmt_tuple(layer.padding)
        if layer.dilation and any(d > 1 for d in layer.dilation):
            extra += ", d=" + L.fmt_tuple(layer.dilation)
        if layer.family in (L.CONV, L.CONVT):
            if layer.groups > 1:
                extra += f", g={layer.groups}"
            what = _("conv") if layer.family == L.CONV else _("transposed conv")
            filters = n_(N_("{what} {k}{extra}, {out} filter"), N_("{what} {k}{extra}, {out} filters"), layer.out or 0)
            return filters.format(what=what, k=k, extra=extra, out=layer.out)
        what = _("max-pool") if layer.family == L.MAXPOOL else _("avg-pool")
        return f"{what} {k}{extra}"
    if layer.family == L.LINEAR:
        return _("fully connected, {out} outputs").format(out=layer.out)
    if layer.family in (L.ADAPTIVE_AVG, L.ADAPTIVE_MAX):
        return _("adaptive pool to {size}").format(size=L.fmt_tuple(layer.output_size, "×"))
    return layer.name


def layer_blocks(sol: Solution, *, answer: bool = True) -> Blocks:
    """One layer as the classic block diagram: the input box with the kernel inside, then the output box."""
    layer = sol.layer
    kernel = layer.kernel if layer.has_kernel else ()
    out_label = shape_text(sol.output_shape) if answer else "?"
    boxes = (
        Box(layer.input_shape, _("input {shape}").format(shape=shape_text(layer.input_shape)), kernel),
        Box(sol.output_shape if answer else (), _("output {shape}").format(shape=out_label)),
    )
    title = _("{name}: input {shape}, output {out}").format(
        name=layer.name, shape=shape_text(layer.input_shape), out=out_label
    )
    parts = [
        _("A block diagram: the input box is {shape}.").format(shape=shape_text(layer.input_shape)),
    ]
    if kernel:
        parts.append(_kernel_sentence(layer).format(k=L.fmt_shape(kernel, "×"), op=operation(layer)))
    else:
        parts.append(_("The layer: {op}.").format(op=operation(layer)))
    parts.append(
        _("The output box is {out}.").format(out=out_label)
        if answer
        else _("The output size is not shown: it is left as ?.")
    )
    return Blocks(boxes, (operation(layer),), title, sentences(*parts))


def _kernel_sentence(layer: Layer) -> str:
    """What the small box inside the input stands for: one filter's kernel or one pooling window, by its size."""
    if layer.is_pool:
        if layer.ndim == 1:
            return _("The small box inside it is one pooling window of length {k}; {op}.")
        return _("The small box inside it is one {k} pooling window; {op}.")
    if layer.ndim == 1:
        return _("The small box inside it is one filter's kernel of length {k}; {op}.")
    return _("The small box inside it is one filter's {k} kernel; {op}.")


#: Layers that keep the shape and are not drawn as their own block in a chain.
_PASS_THROUGH = (L.RELU, L.BATCHNORM)


def network_blocks(name: str, solutions: list[Solution]) -> Blocks:
    """A network as a chain of blocks, one per layer that changes the shape, each with its output shape."""
    first = solutions[0].layer
    boxes = [Box(first.input_shape, _("input {shape}").format(shape=shape_text(first.input_shape)))]
    arrows = []
    for sol in solutions:
        if sol.layer.family in _PASS_THROUGH:
            continue
        arrows.append(operation(sol.layer))
        boxes.append(Box(sol.output_shape, shape_text(sol.output_shape)))
    title = _("{name}: {count} blocks from {first} to {last}").format(
        name=name, count=len(boxes), first=shape_text(boxes[0].shape), last=shape_text(boxes[-1].shape)
    )
    steps = [_("{op} gives {shape}").format(op=op, shape=shape_text(box.shape)) for op, box in zip(arrows, boxes[1:])]
    desc = sentences(
        _("The network {name} as a chain of blocks, each drawn with its shape.").format(name=name),
        _("Input {shape}; then {steps}.").format(shape=shape_text(boxes[0].shape), steps="; ".join(steps)),
        _("ReLU and batch-norm layers keep the shape and are not drawn."),
    )
    return Blocks(tuple(boxes), tuple(arrows), title, desc)


def _back(layers: list[Layer], axis: int, start: int, end: int) -> tuple[int, int]:
    """The input interval (padding coordinates allowed) that output cells ``start..end`` of the last layer read."""
    for layer in reversed(layers):
        k, s = layer.kernel[axis], layer.stride[axis]
        d = (layer.dilation or (1,) * layer.ndim)[axis]
        before = L.resolved_padding(layer)[axis][0]
        start = start * s - before
        end = end * s - before + geometry.effective_kernel(k, d) - 1
    return start, end


def receptive(name: str, solutions: list[Solution]) -> Receptive:
    """The receptive field of the centre pixel of a stack's last spatial output, layer by layer, on the input."""
    layers = [s.layer for s in solutions if s.layer.has_kernel]
    if not layers:
        raise QuizgenError(_("--receptive-field: {name} has no conv or pooling layer").format(name=name))
    bad = [layer for layer in layers if layer.family == L.CONVT or layer.ndim == 3]
    if bad:
        raise QuizgenError(
            _("--receptive-field: {name} has {layer}; only 1-D and 2-D conv and pooling stacks are drawn").format(
                name=name, layer=bad[0].name
            )
        )
    ndim = layers[0].ndim
    axes = (0, 1) if ndim == 2 else (0,)
    last = next(s for s in reversed(solutions) if s.layer.has_kernel)
    centre = tuple(n // 2 for n in last.output_shape[:-1])
    spatial = layers[0].spatial
    regions = []
    # A path down the stack: each layer's pixel is the middle one of those the pixel above it reads, so
    # each region lies inside the next one and they are centred on the chosen output pixel's field.
    path = [list(centre)]
    for layer in reversed(layers[1:]):
        path.insert(0, [sum(_back([layer], a, path[0][a], path[0][a])) // 2 for a in axes])
    for i, layer in enumerate(layers):
        starts, sizes = [], []
        for a in axes:
            lo, hi = _back(layers[: i + 1], a, path[i][a], path[i][a])
            starts.append(lo)
            sizes.append(hi - lo + 1)
        if ndim == 1:
            starts.insert(0, 0)
            sizes.insert(0, 1)
        label = _("after {name} (layer {n}): {size}").format(
            name=layer.name, n=i + 1, size=L.fmt_shape(tuple(sizes[-ndim:]), "×")
        )
        regions.append(Region(label, (starts[0], starts[-1]), (sizes[0], sizes[-1])))
    input_size = (spatial[0], spatial[-1]) if ndim == 2 else (1, spatial[0])
    final = L.fmt_shape(tuple(regions[-1].size[-ndim:]), "×")
    pixel_text = L.fmt_shape(centre, ", ")
    title = _("{name}: the receptive field of one output pixel is {final}").format(name=name, final=final)
    desc = sentences(
        _(
            "The input of {name} ({size}) with the region that output pixel ({pixel}) of the last conv or pooling layer sees, drawn after each layer: the regions grow from {first} to {final}."
        ).format(
            name=name,
            size=L.fmt_shape(spatial, "×"),
            pixel=pixel_text,
            first=L.fmt_shape(tuple(regions[0].size[-ndim:]), "×"),
            final=final,
        ),
        _("Parts of a region outside the input lie in the padding."),
    )
    return Receptive(input_size, tuple(regions), title, desc)
