"""Network files: the notation of ``docs/networks.md`` read into a :class:`~quizgen.arith.graph.Graph`.

A line is ``[NAME:] BODY  # comment``; BODY is a layer spec (DESIGN §1, plus ``from=NAME``), a join
(``add|concat|mul|matmul A [B …]``, with one operand the previous line's output comes first), a block
call (``BLOCK key=value … [from=NAME] [repeat=N]``) or, first of all, ``input in=SHAPE``.  Blocks are
``block NAME(param, param=default, …)`` … ``end``; their bodies use ``{param}`` and ``{expr}`` (integer
+ - * // and parentheses).  ``input`` names the network's input, and a block's input inside it.  A plain
stack (one spec a line, only the first with ``in=``) is the special case with no names.

Every line number in a message is a line of the file: ``net.txt line 12 (block basic line 7)`` is the
call on line 12 and, inside the block, the body's line 7.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from quizgen.arith import spec
from quizgen.arith.blocks import LABEL, NAME, RESERVED, Block, Line, read_block, substitute
from quizgen.arith.graph import JOINS, Graph, Group, Input, Join, Node, Spec
from quizgen.arith.spec import Layout
from quizgen.errors import SpecError
from quizgen.i18n import _, closest

_BLOCK = re.compile(r"^block\s+([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)$")
_LAYOUT_LINE = re.compile(r"^\s*#\s*layout\s*:\s*(\S*)\s*$", re.IGNORECASE)


def declared_layout(text: str, name: str = "stack") -> Layout | None:
    """The layout a network file declares with a ``# layout: hwc|chw`` line, or ``None``."""
    found: Layout | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        m = _LAYOUT_LINE.match(raw)
        if not m:
            continue
        value = m.group(1).lower()
        if value not in ("hwc", "chw") or (found and found != value):
            raise SpecError(
                _("{name} line {number}: layout: {value} must be hwc or chw, once per file").format(
                    name=name, number=number, value=m.group(1)
                )
            )
        found = "hwc" if value == "hwc" else "chw"
    return found


def read(text: str, *, name: str = "stack", layout: Layout = "hwc") -> Graph:
    """Read a network file (shapes written in ``layout``) into a :class:`Graph`; raise :class:`SpecError` if it is wrong."""
    blocks: dict[str, Block] = {}
    top: list[Line] = []
    current: tuple[str, str, int, list[Line]] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        body = raw.split("#", 1)[0].strip()
        if not body:
            continue
        where = f"{name} line {number}"
        header = _BLOCK.match(body)
        if header or body.split()[0] == "block":
            if current is not None:
                raise SpecError(
                    _("{where}: block '{block}' (line {line}) has no 'end' before this block").format(
                        where=where, block=current[0], line=current[2]
                    )
                )
            if not header:
                raise SpecError(_("{where}: write a block as 'block NAME(param, param=default)'").format(where=where))
            current = (header.group(1), header.group(2), number, [])
        elif body == "end":
            if current is None:
                raise SpecError(_("{where}: 'end' without a block").format(where=where))
            block_name, params, start, lines = current
            blocks[block_name] = read_block(block_name, params, start, lines, blocks, name)
            current = None
        elif current is not None:
            current[3].append(Line(number, body))
        else:
            top.append(Line(number, body))
    if current is not None:
        raise SpecError(
            _("{name} line {line}: block '{block}' has no 'end'").format(name=name, line=current[2], block=current[0])
        )
    if not top:
        raise SpecError(_("{name}: the stack has no layers").format(name=name))
    reader = _Reader(name, layout, blocks)
    out = reader.body(top, {}, None, "", (), None)
    return Graph(name, tuple(reader.nodes), tuple(reader.groups), out)


class _Parsed(NamedTuple):
    """One body line, read: its label, what it is, the names it takes from, and the rest."""

    line: Line
    label: str | None
    kind: str  # "layer", "join", "call", "input"
    op: str
    refs: tuple[str, ...]  # named inputs (from=, join operands)
    uses_previous: bool
    rest: list[str]  # the remaining tokens (layer spec, call arguments)


class _Reader:
    """Expands a file's top level and block calls into nodes and groups."""

    def __init__(self, file: str, layout: Layout, blocks: dict[str, Block]) -> None:
        self.file, self.layout, self.blocks = file, layout, blocks
        self.nodes: list[Node] = []
        self.groups: list[Group] = []

    def where(self, line: Line, chain: tuple[int, tuple[str, ...]] | None) -> str:
        if chain is None:
            return f"{self.file} line {line.number}"
        top, inner = chain
        return f"{self.file} line {top} ({', '.join(inner)})"

    def body(
        self,
        lines: list[Line] | tuple[Line, ...],
        values: dict[str, str],
        block_input: str | None,
        prefix: str,
        path: tuple[str, ...],
        chain: tuple[int, tuple[str, ...]] | None,
        block: Block | None = None,
    ) -> str:
        """Expand one body (the top level, or a block call's); return the full name of its output."""

        def inner(ln: Line) -> tuple[int, tuple[str, ...]] | None:
            if chain is None or block is None:
                return None
            return chain[0], (*chain[1], f"block {block.name} line {ln.number}")

        parsed = [self.parse(ln, values, block, self.where(ln, inner(ln))) for ln in lines]
        labels = {p.label: i for i, p in enumerate(parsed) if p.label is not None}
        scope: dict[str, str] = {} if block_input is None else {"input": block_input}
        defined_at: dict[str, int] = {}
        counts: dict[str, int] = {}
        previous, previous_label = block_input, "input"
        for i, p in enumerate(parsed):
            where = self.where(p.line, inner(p.line))
            if p.label:
                if p.label in defined_at:
                    raise SpecError(
                        _("{where}: the name '{name}' is already used on line {line}").format(
                            where=where, name=p.label, line=parsed[defined_at[p.label]].line.number
                        )
                    )
                local = p.label
            else:
                local = self.auto_name(p.op, counts, labels)
            full = prefix + local
            sources = []
            for ref in p.refs:
                if ref not in scope:
                    self.missing(ref, i, parsed, labels, scope, where)
                sources.append(scope[ref])
            shown = list(p.refs)
            if p.uses_previous:
                if previous is None:
                    if p.kind == "layer":
                        previous = self.add_input(p, where)
                        previous_label = "input"
                        scope["input"] = previous
                    elif p.kind != "input":
                        raise SpecError(
                            _(
                                "{where}: the first line needs an input: give its layer in=, or begin with 'input in=HxWxC'"
                            ).format(where=where)
                        )
                if previous is not None:
                    sources.insert(0, previous)
                    shown.insert(0, previous_label)
            if p.kind == "input":
                if i != 0 or block is not None:
                    raise SpecError(
                        _("{where}: 'input in=SHAPE' may only be the first line of the file").format(where=where)
                    )
                out = self.add_input(p, where)
                scope["input"] = out
            elif p.kind == "call":
                out = self.call(p, sources[0], full, path, where, inner(p.line) or (p.line.number, ()))
            else:
                op = Join(p.op) if p.kind == "join" else Spec(" ".join(p.rest), self.layout)
                self.nodes.append(Node(full, tuple(sources), op, where, p.line.number, tuple(shown), path))
                out = full
            if p.label:
                scope[p.label] = out
                defined_at[p.label] = i
            previous = out
            previous_label = "input" if p.kind == "input" else p.label or _("line {n}").format(n=p.line.number)
        assert previous is not None
        return previous

    def parse(self, line: Line, values: dict[str, str], block: Block | None, where: str) -> _Parsed:
        text = substitute(line.text, values, block, where) if block is not None else line.text
        label = None
        m = LABEL.match(text)
        if m:
            label, text = m.group(1), m.group(2).strip()
            if label in RESERVED or label.lower() in spec.NAMES or label in self.blocks:
                raise SpecError(
                    _("{where}: '{label}' cannot name an output: it is a layer, block or keyword").format(
                        where=where, label=label
                    )
                )
        tokens = text.split()
        if not tokens:
            raise SpecError(
                _("{where}: '{label}:' names nothing; write a layer, join or block after it").format(
                    where=where, label=label
                )
            )
        head = tokens[0]
        if head.lower() in JOINS:
            refs = tuple(tokens[1:])
            for ref in refs:
                if not NAME.fullmatch(ref):
                    raise SpecError(
                        _("{where}: {join}: '{ref}' must be the name of an earlier output").format(
                            where=where, join=head.lower(), ref=ref
                        )
                    )
            if not refs:
                raise SpecError(
                    _("{where}: {join}: name the outputs it joins, e.g. '{join} skip'").format(
                        where=where, join=head.lower()
                    )
                )
            return _Parsed(line, label, "join", head.lower(), refs, len(refs) == 1, [])
        if head == "input" and label is None:
            return _Parsed(line, None, "input", "input", (), False, tokens[1:])
        rest: list[str] = []
        named: list[str] = []
        for token in tokens[1:]:
            key, eq, value = token.partition("=")
            if eq and key.lower() == "from":
                if not NAME.fullmatch(value) or named:
                    raise SpecError(
                        _("{where}: from={value} must name one earlier output, once").format(where=where, value=value)
                    )
                named.append(value)
            else:
                rest.append(token)
        refs = tuple(named)
        if head in self.blocks:
            if block is not None and list(self.blocks).index(head) > list(self.blocks).index(block.name):
                raise SpecError(
                    _(
                        "{where}: block '{block}' calls '{head}', defined after it: a block may call only blocks defined before it"
                    ).format(where=where, block=block.name, head=head)
                )
            return _Parsed(line, label, "call", head, tuple(refs), not refs, rest)
        key = head.lower().replace("_", "").replace("-", "")
        if key not in spec.NAMES and self.blocks:
            raise SpecError(
                _("{where}: unknown layer or block '{name}'{suggestion}").format(
                    where=where, name=head, suggestion=closest(head, [*self.blocks, *spec.CANONICAL_NAMES])
                )
            )
        op = spec.NAMES[key] if key in spec.NAMES else (head.lower(), 0)
        canonical = f"{op[0]}{op[1]}d" if op[1] else op[0]
        return _Parsed(line, label, "layer", canonical, tuple(refs), not refs, [head, *rest])

    def auto_name(self, op: str, counts: dict[str, int], labels: dict[str, int]) -> str:
        """An unnamed line's name in its scope: the op and a running count (``conv2d_2``), never a label."""
        while True:
            counts[op] = counts.get(op, 0) + 1
            name = f"{op}_{counts[op]}"
            if name not in labels:
                return name

    def missing(
        self, ref: str, i: int, parsed: list[_Parsed], labels: dict[str, int], scope: dict[str, str], where: str
    ) -> None:
        """Raise for a name not defined before line ``i``: a cycle if following it leads back here."""
        j = labels.get(ref)
        if j is not None and j >= i:
            # depth-first along the inputs as written: named references, and the previous line
            def inputs(k: int) -> list[int]:
                p = parsed[k]
                found = [labels[r] for r in p.refs if r in labels]
                return found + ([k - 1] if p.uses_previous and k > 0 else [])

            trail, seen = [j], {j}
            stack = [iter(inputs(j))]
            while stack:
                nxt = next(stack[-1], None)
                if nxt is None:
                    stack.pop()
                    trail.pop()
                    continue
                if nxt == i:
                    names = [parsed[k].label or _("line {n}").format(n=parsed[k].line.number) for k in [i, *trail]]
                    cycle = " → ".join([*names, names[0]][::-1])
                    raise SpecError(_("{where}: cycle: {cycle}").format(where=where, cycle=cycle))
                if nxt not in seen:
                    seen.add(nxt)
                    trail.append(nxt)
                    stack.append(iter(inputs(nxt)))
        raise SpecError(
            _("{where}: {what}: no output named '{name}' before this line{suggestion}").format(
                where=where,
                what=f"from={ref}" if parsed[i].kind != "join" else parsed[i].op,
                name=ref,
                suggestion=closest(ref, list(scope)),
            )
        )

    def add_input(self, p: _Parsed, where: str) -> str:
        """The network's input node, from an ``input in=SHAPE`` line or the first layer's ``in=``."""
        keys = _keys(p.rest)
        if p.kind == "input" and ("in" not in keys or len(p.rest) != 1):
            raise SpecError(_("{where}: write the input as 'input in=HxWxC'").format(where=where))
        text = f"flatten in={keys['in']}" if p.kind == "input" else " ".join(p.rest)
        try:
            shape = spec.build(text, layout=self.layout).input_shape
        except SpecError as exc:
            raise SpecError(_("{where}: {exc}").format(where=where, exc=str(exc).removeprefix("flatten: "))) from None
        self.nodes.append(Node("input", (), Input(shape), where, p.line.number, (), ()))
        return "input"

    def call(
        self, p: _Parsed, source: str, full: str, path: tuple[str, ...], where: str, chain: tuple[int, tuple[str, ...]]
    ) -> str:
        block = self.blocks[p.op]
        given = _keys(p.rest, where, p.op)
        repeat_text = given.pop("repeat", "1")
        if not repeat_text.isdigit() or int(repeat_text) < 1:
            raise SpecError(
                _("{where}: {block}: repeat={value} must be a whole number, at least 1").format(
                    where=where, block=block.name, value=repeat_text
                )
            )
        repeat = int(repeat_text)
        names = [n for n, _d in block.params]
        for key in given:
            if key not in names:
                raise SpecError(
                    _("{where}: {block}: unknown parameter '{key}'{suggestion}; {block} takes {items}").format(
                        where=where,
                        block=block.name,
                        key=key,
                        suggestion=closest(key, names),
                        items=block.signature() or _("no parameters"),
                    )
                )
        values: dict[str, str] = {}
        for key, default in block.params:
            if key in given:
                values[key] = given[key]
            elif default is None:
                raise SpecError(
                    _("{where}: {block}: missing {key}= ({block} takes {items})").format(
                        where=where, block=block.name, key=key, items=block.signature()
                    )
                )
            else:
                values[key] = substitute(default, values, block, where)
        args = " ".join(f"{k}={v}" for k, v in given.items())
        title = f"{block.name} ×{repeat}" if repeat > 1 else block.name
        self.groups.append(Group(full, title, args, p.line.number, path))
        out = source
        for r in range(repeat):
            inner_path = (*path, full)
            prefix = full + "."
            if repeat > 1:
                rep = f"{full}.{r}"
                self.groups.append(Group(rep, block.name, args, p.line.number, inner_path))
                inner_path, prefix = (*inner_path, rep), rep + "."
            out = self.body(block.lines, values, out, prefix, inner_path, chain, block)
        return out


def _keys(tokens: list[str], where: str = "", block: str = "") -> dict[str, str]:
    """``key=value`` tokens as a dict (keys lowercased); a block call refuses anything else."""
    keys: dict[str, str] = {}
    for token in tokens:
        key, eq, value = token.partition("=")
        if block and (not eq or key.lower() in keys):
            raise SpecError(
                _("{where}: {block}: '{token}' must be key=value, each key once").format(
                    where=where, block=block, token=token
                )
            )
        keys[key if block else key.lower()] = value
    return keys
