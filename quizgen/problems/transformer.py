"""Vision Transformer kinds: patch tokens, and one encoder block's cost and how it scales with N.

The layers are the ViT layer specs (``patchembed``, ``clstoken``, ``posembed``, ``layernorm``, ``mhsa``,
``mlp``) solved by the graph solver; compute follows torchvision's convention (attention's QKᵀ and AV
counted), with ``--count`` on top.
"""

from __future__ import annotations

import random

from quizgen.arith.graph import Network
from quizgen.explain import misconceptions as M
from quizgen.explain.steps import explain, num
from quizgen.i18n import N_, _, sentences
from quizgen.problems import netwise as W
from quizgen.problems.problem import Part, Problem, Wrong
from quizgen.problems.registry import kind
from quizgen.problems.working import kind_title, worked_step

# --- vit-tokens ------------------------------------------------------------------------------------------

#: (image side, patch) pairs of real ViTs: 224/16, 224/32, 224/14 (DINOv2), 384/16, 336/14 (CLIP), 518/14…
SQUARE = ((224, 16), (224, 32), (224, 14), (224, 8), (384, 16), (384, 32), (336, 14), (518, 14), (448, 16), (256, 16))
RECT = ((224, 320, 16), (256, 384, 32), (448, 224, 16), (320, 480, 16))
WIDTHS = (192, 384, 512, 768, 1024, 1280)


@kind(
    "vit-tokens",
    N_("ViT tokens"),
    N_("the patch count, the patch embedding's parameters and the class token of a Vision Transformer"),
)
def _vit_tokens(rng: random.Random, difficulty: int, count: str) -> Problem:
    if difficulty == 3 and rng.random() < 0.5:
        h, w, p = rng.choice(RECT)
    else:
        h, p = rng.choice(SQUARE)
        w = h
    d = rng.choice(WIDTHS)
    net_text = f"patchembed in={h}x{w}x3 patch={p} out={d}\nclstoken\nposembed"
    net = W.network(net_text)
    (_e, embed), (_c, cls), (_p, pos) = W.layers(net)
    n = embed.output_shape[0]
    grid = f"{h // p} × {w // p}"
    tokens_wrongs = [
        Wrong(h // p, ("patches-one-side",), M.say("patches-one-side", grid=grid, tokens=num(n))),
        Wrong(h * w // p, ("patch-size-not-squared",), M.say("patch-size-not-squared", p=p, p_area=p * p)),
    ]
    parts = [
        Part(
            _("Patch tokens"),
            "tokens",
            n,
            W.distinct(n, tokens_wrongs),
            hint=_("Cut the image into P × P patches: (H/P)·(W/P)."),
        ),
        Part(
            _("Tokens after the class token"),
            "tokens",
            n + 1,
            W.distinct(
                n + 1,
                [
                    Wrong(n, ("cls-token-forgotten",), M.say("cls-token-forgotten", n=num(n), n1=num(n + 1))),
                    Wrong(h // p + 1, ("patches-one-side",), M.say("patches-one-side", grid=grid, tokens=num(n))),
                ],
            ),
            hint=_("The class token goes in front of the patch tokens."),
        ),
    ]
    steps = [st for st in explain(embed) if st.quantity == "output"]
    steps += [st for st in explain(cls) if st.quantity == "output"]
    question = _("How many patch tokens are there, and how many tokens after the class token is added?")
    if difficulty >= 2:
        pp = embed.params.trainable
        parts.append(
            Part(
                _("Parameters of the patch embedding"),
                "params",
                pp,
                W.distinct(
                    pp,
                    [
                        Wrong(pp - d, ("forgot-bias",), M.say("forgot-bias", what=num(d))),
                        Wrong(p * p * d + d, ("forgot-in-channels",), M.say("forgot-in-channels", c=3, d=num(d))),
                    ],
                ),
                hint=_("A conv with k = s = P: d filters of P × P × 3, and d biases."),
            )
        )
        steps += [st for st in explain(embed) if st.quantity in ("weights", "bias", "params")]
        question = _(
            "How many patch tokens are there, how many tokens after the class token is added, and how many "
            "parameters does the patch embedding have?"
        )
    if difficulty == 3:
        both = cls.params.trainable + pos.params.trainable
        parts.append(
            Part(
                _("Parameters of the class token and the position embedding"),
                "params",
                both,
                W.distinct(
                    both,
                    [
                        Wrong(
                            d + n * d,
                            ("cls-token-forgotten",),
                            M.say("cls-token-forgotten-posembed", n=num(n), n1=num(n + 1)),
                        ),
                        Wrong(
                            pos.params.trainable,
                            ("cls-token-params-forgotten",),
                            M.say("cls-token-params-forgotten", d=num(d)),
                        ),
                        Wrong(
                            n * d,
                            ("cls-token-forgotten", "cls-token-params-forgotten"),
                            M.say("cls-token-forgotten-posembed", n=num(n), n1=num(n + 1))
                            + _("; and ")
                            + M.say("cls-token-params-forgotten", d=num(d)),
                        ),
                    ],
                ),
                hint=_("The class token is one learned d-vector; the position embedding has one per token."),
            )
        )
        steps += [
            st._replace(title=_("Class token: {t}").format(t=st.title))
            for st in explain(cls)
            if st.quantity == "params"
        ]
        steps += [
            st._replace(title=_("Position embedding: {t}").format(t=st.title))
            for st in explain(pos)
            if st.quantity == "params"
        ]
        steps.append(
            worked_step(
                _("Together"), "d + (N + 1)·d", f"{num(d)} + {num(pos.params.trainable)}", num(both), quantity="params"
            )
        )
        question = _(
            "How many patch tokens are there, how many tokens after the class token is added, how many parameters "
            "does the patch embedding have, and how many the class token and the position embedding together?"
        )
    text = _(
        "A Vision Transformer cuts a {h} × {w} × 3 image into {p} × {p} patches and embeds each as a vector of "
        "d = {d} (a convolution with kernel size and stride {p}, with a bias). A learned class token is put in "
        "front of the patch tokens, and a learned position embedding is added to every token."
    ).format(h=h, w=w, p=p, d=d)
    return Problem(
        "vit-tokens",
        kind_title("vit-tokens"),
        difficulty,
        sentences(text, question),
        W.seal(parts),
        tuple(steps),
        spec=net_text,
    )


# --- attention-cost --------------------------------------------------------------------------------------

#: Token counts of real ViTs ((S/P)² + 1: 224/32, 256/32, 224/16, 256/16, 384/16, 448/16) and their (width, heads):
#: Ti, S, B, L and H.
TOKENS = (50, 65, 197, 257, 577, 785)
WIDTH_HEADS = ((192, 3), (384, 6), (768, 12), (1024, 16), (1280, 16))


def encoder_net(n: int, d: int, h: int) -> str:
    """One pre-norm ViT encoder block: LN, MHSA, add; LN, MLP (4d), add."""
    return "\n".join(
        [
            f"input in={n}x{d}",
            "ln1: layernorm",
            f"attn: mhsa heads={h}",
            "a: add input",
            "ln2: layernorm",
            f"ffn: mlp hidden={4 * d}",
            "add a",
        ]
    )


def _attention_wrongs(net: Network, count: str, n: int) -> list[Wrong]:
    nodes = dict(W.layers(net))
    attn = nodes["attn"]
    bias_adds = sum(s.bias_adds for s in nodes.values())
    wrongs = [
        Wrong(
            W.compute_in(net.macs - 2 * n * n * attn.layer.input_shape[1], bias_adds, count),
            ("n-squared-dropped",),
            M.explain_combo(attn.layer, ("n-squared-dropped",)),
        )
    ]
    if attn.layer.heads > 1:
        scores = 2 * n * n * attn.layer.input_shape[1]
        wrongs.append(
            Wrong(
                W.compute_in(net.macs - scores + scores // attn.layer.heads, bias_adds, count),
                ("one-head-scores",),
                M.explain_combo(attn.layer, ("one-head-scores",)),
            )
        )
    if "ffn" in nodes:
        mlp = nodes["ffn"]
        wrongs.append(
            Wrong(
                W.compute_in(net.macs - mlp.macs // 2, bias_adds - mlp.bias_adds + mlp.layer.hidden * n, count),
                ("mlp-one-linear",),
                M.explain_combo(mlp.layer, ("mlp-one-linear",)),
            )
        )
    return wrongs + list(W.flops_wrong(W.compute_of(net, count), count, net.macs))


@kind(
    "attention-cost",
    N_("Attention cost"),
    N_("the parameters and compute of self-attention or a whole encoder block, and how they grow when N doubles"),
)
def _attention_cost(rng: random.Random, difficulty: int, count: str) -> Problem:
    n, (d, h) = rng.choice(TOKENS), rng.choice(WIDTH_HEADS)
    net_text = f"input in={n}x{d}\nattn: mhsa heads={h}" if difficulty == 1 else encoder_net(n, d, h)
    net = W.network(net_text)
    nodes = dict(W.layers(net))
    attn = nodes["attn"]
    total = net.params.trainable
    params_wrongs = (
        [
            Wrong(
                total + (h - 1) * attn.params.trainable,
                ("heads-multiply-params",),
                M.explain_combo(attn.layer, ("heads-multiply-params",)),
            )
        ]
        if h > 1
        else []
    )
    if difficulty == 1:
        params_wrongs.append(
            Wrong(total - attn.params.bias, ("forgot-bias",), M.say("forgot-bias", what=num(attn.params.bias)))
        )
    else:
        mlp, ln = nodes["ffn"], nodes["ln1"]
        params_wrongs.append(
            Wrong(
                total - mlp.params.trainable + 4 * d * d + 4 * d,
                ("mlp-one-linear",),
                M.explain_combo(mlp.layer, ("mlp-one-linear",)),
            )
        )
        params_wrongs.append(
            Wrong(
                total + 2 * ln.params.trainable,
                ("layernorm-running-stats",),
                M.explain_combo(ln.layer, ("layernorm-running-stats",)),
            )
        )
    what = _("the attention layer") if difficulty == 1 else _("the encoder block")
    compute = W.compute_of(net, count)
    parts = [
        Part(
            _("Parameters of {what}").format(what=what),
            "params",
            total,
            W.distinct(total, params_wrongs),
            hint=_("Q, K, V and the output projection are d × d each, whatever h is."),
        ),
        Part(
            _("{q} of {what}").format(q=W.compute_label(count), what=what),
            count,
            compute,
            W.distinct(compute, _attention_wrongs(net, count, n)),
            hint=_("Projections: 4·N·d². QKᵀ and AV: 2·N²·d."),
        ),
    ]
    steps = W.layer_steps(net, {"params"})
    steps.append(W.total_step(_("Parameters"), [s.params.trainable for s in nodes.values()], "params"))
    steps += W.layer_steps(net, {"macs"})
    steps.append(W.total_step(_("MACs"), [s.macs for s in nodes.values()], "macs"))
    bias_adds = sum(s.bias_adds for s in nodes.values())
    steps += W.count_step(net.macs, bias_adds, count)
    question = _("How many parameters does it have, and how much compute does one forward pass take (batch 1)?")
    if difficulty == 3:
        doubled = W.network(encoder_net(2 * n, d, h))
        compute2 = W.compute_of(doubled, count)
        bias2 = 2 * bias_adds
        scores = 2 * n * n * d
        parts.append(
            Part(
                _("{q} with 2N = {n2} tokens").format(q=W.compute_label(count), n2=2 * n),
                count,
                compute2,
                W.distinct(
                    compute2,
                    [
                        Wrong(2 * compute, ("attention-scales-linearly",), M.say("attention-scales-linearly")),
                        Wrong(
                            W.compute_in(4 * net.macs, 4 * bias_adds, count),
                            ("attention-scales-quadratically",),
                            M.say("attention-scales-quadratically"),
                        ),
                        Wrong(
                            W.compute_in(2 * (net.macs - scores), bias2, count),
                            ("n-squared-dropped",),
                            M.explain_combo(attn.layer, ("n-squared-dropped",)),
                        ),
                    ],
                ),
                hint=_("The terms in N double; the N² term is multiplied by 4."),
            )
        )
        linear = net.macs - scores
        steps.append(
            worked_step(
                _("MACs with 2N tokens"),
                "2·(4·N·d² + 2·N·d·4d) + 4·(2·N²·d)",
                f"2 × {num(linear)} + 4 × {num(scores)}",
                num(doubled.macs),
                quantity="macs",
            )
        )
        steps += W.count_step(doubled.macs, bias2, count)
        question = _(
            "How many parameters does it have, how much compute does one forward pass take (batch 1), and how much "
            "with twice as many tokens?"
        )
    if difficulty == 1:
        text = _(
            "A multi-head self-attention layer with d = {d} and h = {h} heads works on N = {n} tokens. It has the "
            "query, key, value and output projections (d → d each, with biases) and computes QKᵀ and AV in every "
            "head."
        ).format(d=d, h=h, n=n)
    else:
        text = _(
            "A ViT encoder block works on N = {n} tokens of width d = {d}: layernorm, multi-head self-attention "
            "with h = {h} heads (query, key, value and output projections d → d, with biases), a residual add, "
            "layernorm, an MLP d → 4d = {d4} → d with GELU (both linears with biases) and a residual add."
        ).format(n=n, d=d, h=h, d4=4 * d)
    return Problem(
        "attention-cost",
        kind_title("attention-cost"),
        difficulty,
        sentences(text, question, *W.compute_conventions(count, has_bias=True)),
        W.seal(parts),
        tuple(steps),
        spec=net_text,
    )
