"""A graph network as a figure model: drawn items (a layer, a folded block, a join) in rows and lanes.

Each node of the network is drawn by one :class:`Item`:

- a block call or one repetition of it, folded as the table's ``--depth`` folds it (``bottleneck ×2``);
- a layer, with the shape-keeping layers that follow it alone (batchnorm, activations, dropout) written
  on its box (``conv 3×3, 64 filters`` / ``+ batchnorm2d, relu``);
- a join: ``add`` (⊕), ``mul`` (⊗), ``concat`` and ``matmul``.

Every edge of the graph between two different items is one :class:`Edge`.  The layout is a column read
top to bottom: an item's row is one more than its inputs' lowest row; branches that leave one item sit
side by side in lanes, and a join sits in the leftmost lane of its inputs.  An edge that would cross an
item of its own lane is a skip, drawn around the column.
"""

from __future__ import annotations

from typing import NamedTuple

from quizgen.arith import layers as L
from quizgen.arith.graph import Group, JoinSolution, Network, Solved
from quizgen.arith.solver import Solution
from quizgen.figures.blocks import operation, shape_text
from quizgen.i18n import _, sentences

#: Layers drawn on the box of the layer before them (they keep the shape).
_RIDERS = (*L.SHAPE_KEEPING, L.BATCHNORM)
#: Without ``--depth``: the deepest folding whose drawing has at most this many items.
MOST_ITEMS = 30


class Item(NamedTuple):
    """One drawn box or join: ``key`` (a node's or a group's name), ``kind`` (``input``, ``layer``, ``block``,
    ``add``, ``concat``, ``mul``, ``matmul``, ``op``), its text lines, the graph nodes it stands for, its
    output shape, and its place (``row``, ``lane``)."""

    key: str
    kind: str
    lines: tuple[str, ...]
    nodes: tuple[str, ...]
    shape: tuple[int, ...]
    row: int = 0
    lane: int = 0


class Edge(NamedTuple):
    """An arrow from one item to another; ``kind`` is ``next`` (straight down), ``branch`` (to or from
    another lane) or ``skip`` (around the items between, as a residual's)."""

    source: str
    target: str
    kind: str


class Drawing(NamedTuple):
    """A graph network laid out: items, edges, the depth it is folded at, and what a reader is told."""

    name: str
    items: tuple[Item, ...]
    edges: tuple[Edge, ...]
    depth: int | None
    title: str
    desc: str


def _key(s: Solved, depth: int | None) -> str:
    path = s.node.path
    return path[depth - 1] if depth is not None and len(path) >= depth else s.name


def _keys(net: Network, depth: int | None) -> dict[str, str]:
    """Each node's item: its folded group, the layer it rides on, or itself."""
    consumers: dict[str, int] = {}
    for s in net.nodes:
        for name in s.node.inputs:
            consumers[name] = consumers.get(name, 0) + 1
    keys: dict[str, str] = {name: name for name, _shape in net.inputs}
    for s in net.nodes:
        key = _key(s, depth)
        sol = s.solution
        if (
            key == s.name
            and isinstance(sol, Solution)
            and sol.layer.family in _RIDERS
            and len(s.node.inputs) == 1
            and consumers.get(s.node.inputs[0], 0) == 1
        ):
            host = keys.get(s.node.inputs[0], "")
            if host and _is_layer(net, host):
                key = host
        keys[s.name] = key
    return keys


def _is_layer(net: Network, key: str) -> bool:
    try:
        return isinstance(net.node(key).solution, Solution)
    except KeyError:
        return False


def levels(net: Network) -> int:
    """The deepest level of the network's rows (1: no groups)."""
    return 1 + max((len(s.node.path) for s in net.nodes), default=0)


def count_items(net: Network, depth: int | None) -> int:
    return len(set(_keys(net, depth).values()))


def auto_depth(net: Network) -> int | None:
    """The deepest folding with at most :data:`MOST_ITEMS` items (None: nothing folded), else depth 1."""
    deepest = levels(net)
    for depth in range(deepest, 0, -1):
        if count_items(net, None if depth == deepest else depth) <= MOST_ITEMS:
            return None if depth == deepest else depth
    return 1


def drawing(net: Network, depth: int | None = None) -> Drawing:
    """The network's items and edges, folded at ``depth`` (None: unfolded), laid out in rows and lanes."""
    keys = _keys(net, depth)
    groups = {g.name: g for g in net.groups}
    members: dict[str, list[Solved]] = {}
    order: list[str] = [name for name, _shape in net.inputs]
    for s in net.nodes:
        key = keys[s.name]
        if key not in members:
            members[key] = []
            if key not in order:
                order.append(key)
        members[key].append(s)
    edges: list[Edge] = []
    seen: set[tuple[str, str]] = set()
    inputs: dict[str, list[str]] = {k: [] for k in order}
    for s in net.nodes:
        for name in s.node.inputs:
            pair = (keys[name], keys[s.name])
            if pair[0] != pair[1] and pair not in seen:
                seen.add(pair)
                inputs[pair[1]].append(pair[0])
    raw: dict[str, Item] = {}
    for name, shape in net.inputs:
        raw[name] = Item(name, "input", (_("input"),), (name,), shape)
    for key in order:
        if key in raw:
            continue
        nodes = members[key]
        raw[key] = _item(key, nodes, groups.get(key))
    rows, lanes = _layout(order, inputs, raw)
    items = tuple(raw[k]._replace(row=rows[k], lane=lanes[k]) for k in order)
    at = {(i.row, i.lane) for i in items}
    for source, target in seen_in_order(inputs, order):
        edges.append(Edge(source, target, _edge_kind(rows, lanes, at, source, target)))
    skips = sum(e.kind == "skip" for e in edges)
    joins = sum(i.kind in ("add", "concat", "mul", "matmul") for i in items)
    title = _("{name}: {count} boxes from {first} to {last}").format(
        name=net.name, count=len(items), first=shape_text(net.input_shape), last=shape_text(net.output_shape)
    )
    parts = [
        _("The network {name} as a graph read top to bottom: {items} boxes, {edges} arrows.").format(
            name=net.name, items=len(items), edges=len(edges)
        ),
        _("{joins} joins (⊕ add, ⊗ multiply, concat); {skips} skip arrows run around the boxes they pass.").format(
            joins=joins, skips=skips
        ),
    ]
    if depth is not None:
        parts.append(_("Blocks deeper than depth {depth} are folded into one box each.").format(depth=depth))
    return Drawing(net.name, items, tuple(edges), depth, title, sentences(*parts))


def seen_in_order(inputs: dict[str, list[str]], order: list[str]) -> list[tuple[str, str]]:
    """Every (source, target) pair, targets in drawing order."""
    return [(source, target) for target in order for source in inputs[target]]


def _item(key: str, nodes: list[Solved], group: Group | None) -> Item:
    """The item for ``nodes``: a folded block (``group``), a join, or a layer with the layers riding on it."""
    shape = nodes[-1].output_shape
    names = tuple(s.name for s in nodes)
    if isinstance(group, Group):
        lines = (group.title, group.args) if group.args else (group.title,)
        return Item(key, "block", (*lines, shape_text(shape)), names, shape)
    head = nodes[0].solution
    if isinstance(head, JoinSolution) and head.join.kind in ("add", "concat", "mul", "matmul"):
        return Item(key, head.join.kind, (head.join.kind,), names, shape)
    if isinstance(head, JoinSolution):  # an op read from a model file: its name, its shape
        return Item(key, "op", (head.join.kind, shape_text(shape)), names, shape)
    if not isinstance(head, Solution):
        return Item(key, "op", (key, shape_text(shape)), names, shape)
    text = [_what(head.layer)]
    riders = [s.solution.layer.name for s in nodes[1:] if isinstance(s.solution, Solution)]
    if riders:
        text.append("+ " + ", ".join(riders))
    return Item(key, "layer", (*text, shape_text(shape)), names, shape)


def _what(layer: L.Layer) -> str:
    """What a layer does, in a few words for its box (the Transformer's layers with their sizes)."""
    if layer.family == L.PATCHEMBED:
        k = L.fmt_shape(layer.kernel, "×")
        return _("patch embedding {k}, {out} channels").format(k=k, out=layer.out)
    if layer.family == L.MHSA:
        return _("self-attention, {heads} heads").format(heads=layer.heads)
    if layer.family == L.MLP:
        return _("MLP, hidden {hidden}").format(hidden=layer.hidden)
    if layer.family == L.CLSTOKEN:
        return _("class token")
    if layer.family == L.POSEMBED:
        return _("position embeddings")
    return operation(layer)


def _layout(order: list[str], inputs: dict[str, list[str]], items: dict[str, Item]) -> tuple[dict[str, int], ...]:
    """Rows (longest path from the input) and lanes (branches side by side, a join in its inputs' leftmost)."""
    rows: dict[str, int] = {}
    for key in order:
        rows[key] = 1 + max((rows.get(k, -1) for k in inputs[key]), default=-1)
    consumers: dict[str, list[str]] = {k: [] for k in order}
    for key in order:
        for k in inputs[key]:
            if items[key].kind not in ("add", "concat", "mul", "matmul") and k in consumers:
                consumers[k].append(key)
    lanes: dict[str, int] = {}
    taken: set[tuple[int, int]] = set()
    for key in order:
        sources = [k for k in inputs[key] if k in lanes]
        if not sources:
            lane = 0
        elif items[key].kind in ("add", "concat", "mul", "matmul") or key not in consumers[sources[0]]:
            lane = min(lanes[k] for k in sources)
        else:
            lane = lanes[sources[0]] + consumers[sources[0]].index(key)
        while (rows[key], lane) in taken:
            lane += 1
        taken.add((rows[key], lane))
        lanes[key] = lane
    return rows, lanes


def _edge_kind(rows: dict[str, int], lanes: dict[str, int], at: set[tuple[int, int]], source: str, target: str) -> str:
    if lanes[source] != lanes[target]:
        return "branch"
    lane = lanes[source]
    if any((r, lane) in at for r in range(rows[source] + 1, rows[target])):
        return "skip"
    return "next"
