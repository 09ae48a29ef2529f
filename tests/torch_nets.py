"""The eight built-in graph networks rebuilt in plain PyTorch, as references for tests/test_networks_torch.py.

Each builder follows torchvision's model definition (``torchvision/models/*.py``) and its paper, written
out here because ``import torchvision`` fails against the CPU torch this project pins (its compiled
extension does not load). Nothing here is read from quizgen: these modules are the independent side of
the cross-check. Their ``sum(p.numel())`` must equal torchvision's published ``num_params`` (an anchor
that tells whether the rebuild *is* the architecture), and :func:`count_macs` counts their MACs under
torchvision's ``_ops`` convention: conv, linear and matmul (attention's QKᵀ and AV included), nothing else.

Only the shapes and parameter counts matter, so weight initialisation is left to PyTorch's defaults and
every model is built on the ``meta`` device (no memory, no arithmetic).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn
from torch.utils.flop_counter import FlopCounterMode

# --- ResNet (He et al., 2016; torchvision's v1.5: the stride on the 3x3 conv of a bottleneck) --------


class BasicBlock(nn.Module):
    def __init__(self, cin: int, c: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, c, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.down = None
        if stride != 1 or cin != c:
            self.down = nn.Sequential(nn.Conv2d(cin, c, 1, stride, bias=False), nn.BatchNorm2d(c))

    def forward(self, x: Tensor) -> Tensor:
        y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(y + (x if self.down is None else self.down(x)))


class Bottleneck(nn.Module):
    def __init__(self, cin: int, c: int, stride: int) -> None:
        super().__init__()
        out = 4 * c
        self.body = nn.Sequential(
            nn.Conv2d(cin, c, 1, bias=False),
            nn.BatchNorm2d(c),
            nn.ReLU(),
            nn.Conv2d(c, c, 3, stride, 1, bias=False),
            nn.BatchNorm2d(c),
            nn.ReLU(),
            nn.Conv2d(c, out, 1, bias=False),
            nn.BatchNorm2d(out),
        )
        self.down = None
        if stride != 1 or cin != out:
            self.down = nn.Sequential(nn.Conv2d(cin, out, 1, stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x: Tensor) -> Tensor:
        return torch.relu(self.body(x) + (x if self.down is None else self.down(x)))


def resnet(block: type[BasicBlock] | type[Bottleneck], depths: tuple[int, ...]) -> nn.Module:
    """ResNet-18 (basic, 2-2-2-2) or ResNet-50 (bottleneck, 3-4-6-3), 1000 classes."""
    expansion = 4 if block is Bottleneck else 1
    layers: list[nn.Module] = [
        nn.Conv2d(3, 64, 7, 2, 3, bias=False),
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, 1),
    ]
    cin = 64
    for i, n in enumerate(depths):
        c = 64 * 2**i
        for j in range(n):
            layers.append(block(cin, c, 2 if (j == 0 and i > 0) else 1))
            cin = c * expansion
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, 1000)]
    return nn.Sequential(*layers)


# --- MobileNet v2 (Sandler et al., 2018) ---------------------------------------------------------------


def conv_bn(cin: int, cout: int, k: int, s: int = 1, groups: int = 1, act: type[nn.Module] | None = nn.ReLU6):
    """conv (no bias, padding (k-1)//2) + batchnorm (+ activation), torchvision's Conv2dNormActivation."""
    layers: list[nn.Module] = [
        nn.Conv2d(cin, cout, k, s, (k - 1) // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
    ]
    if act is not None:
        layers.append(act())
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, t: int) -> None:
        super().__init__()
        hidden = cin * t
        layers: list[nn.Module] = [] if t == 1 else [conv_bn(cin, hidden, 1)]
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden), conv_bn(hidden, cout, 1, act=None)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: Tensor) -> Tensor:
        return x + self.body(x) if self.residual else self.body(x)


def mobilenet_v2() -> nn.Module:
    """Width 1.0: the (t, c, n, s) table of the paper, a 1280-channel last conv, dropout 0.2."""
    table = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))
    layers: list[nn.Module] = [conv_bn(3, 32, 3, 2)]
    cin = 32
    for t, c, n, s in table:
        for j in range(n):
            layers.append(InvertedResidual(cin, c, s if j == 0 else 1, t))
            cin = c
    layers += [conv_bn(cin, 1280, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(1280, 1000)]
    return nn.Sequential(*layers)


# --- DenseNet-121 (Huang et al., 2017): growth 32, blocks 6-12-24-16, bottleneck 4·growth ---------------


class DenseLayer(nn.Module):
    def __init__(self, cin: int, growth: int = 32, bn_size: int = 4) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.BatchNorm2d(cin),
            nn.ReLU(),
            nn.Conv2d(cin, bn_size * growth, 1, bias=False),
            nn.BatchNorm2d(bn_size * growth),
            nn.ReLU(),
            nn.Conv2d(bn_size * growth, growth, 3, 1, 1, bias=False),
        )

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([x, self.body(x)], 1)


def densenet121() -> nn.Module:
    layers: list[nn.Module] = [
        nn.Conv2d(3, 64, 7, 2, 3, bias=False),
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, 1),
    ]
    c = 64
    for i, n in enumerate((6, 12, 24, 16)):
        for _ in range(n):
            layers.append(DenseLayer(c))
            c += 32
        if i < 3:
            layers += [nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c // 2, 1, bias=False), nn.AvgPool2d(2, 2)]
            c //= 2
    layers += [nn.BatchNorm2d(c), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 1000)]
    return nn.Sequential(*layers)


# --- EfficientNet-B0 (Tan & Le, 2019): MBConv with squeeze-and-excitation, SiLU ------------------------


class MBConv(nn.Module):
    def __init__(self, cin: int, cout: int, k: int, stride: int, t: int) -> None:
        super().__init__()
        hidden, squeeze = cin * t, max(1, cin // 4)  # torchvision squeezes to a quarter of the block's *input*
        self.expand = nn.Identity() if t == 1 else conv_bn(cin, hidden, 1, act=nn.SiLU)
        self.dw = conv_bn(hidden, hidden, k, stride, groups=hidden, act=nn.SiLU)
        self.se = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Conv2d(hidden, squeeze, 1),
            nn.SiLU(),
            nn.Conv2d(squeeze, hidden, 1),
            nn.Sigmoid(),
        )
        self.project = conv_bn(hidden, cout, 1, act=None)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: Tensor) -> Tensor:
        y = self.dw(self.expand(x))
        y = self.project(y * self.se(y))
        return x + y if self.residual else y


def efficientnet_b0() -> nn.Module:
    """Width and depth 1.0: the (t, k, s, in, out, n) stages of torchvision's ``_efficientnet_conf``."""
    stages = (
        (1, 3, 1, 32, 16, 1),
        (6, 3, 2, 16, 24, 2),
        (6, 5, 2, 24, 40, 2),
        (6, 3, 2, 40, 80, 3),
        (6, 5, 1, 80, 112, 3),
        (6, 5, 2, 112, 192, 4),
        (6, 3, 1, 192, 320, 1),
    )
    layers: list[nn.Module] = [conv_bn(3, 32, 3, 2, act=nn.SiLU)]
    for t, k, s, cin, cout, n in stages:
        for j in range(n):
            layers.append(MBConv(cin if j == 0 else cout, cout, k, s if j == 0 else 1, t))
    layers += [
        conv_bn(320, 1280, 1, act=nn.SiLU),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(1280, 1000),
    ]
    return nn.Sequential(*layers)


# --- GoogLeNet (Szegedy et al., 2015) as torchvision builds it, without the auxiliary heads --------------


def basic_conv(cin: int, cout: int, k: int, s: int = 1, p: int = 0) -> nn.Module:
    """torchvision's BasicConv2d: conv without bias, batchnorm (eps 0.001), ReLU."""
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, p, bias=False), nn.BatchNorm2d(cout, eps=0.001), nn.ReLU())


class Inception(nn.Module):
    """Four branches; torchvision's "5x5" branch is a 3x3 conv (a known quirk kept for its weights)."""

    def __init__(self, cin: int, c1: int, c3r: int, c3: int, c5r: int, c5: int, pool: int) -> None:
        super().__init__()
        self.b1 = basic_conv(cin, c1, 1)
        self.b2 = nn.Sequential(basic_conv(cin, c3r, 1), basic_conv(c3r, c3, 3, p=1))
        self.b3 = nn.Sequential(basic_conv(cin, c5r, 1), basic_conv(c5r, c5, 3, p=1))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True), basic_conv(cin, pool, 1))

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


def googlenet() -> nn.Module:
    return nn.Sequential(
        basic_conv(3, 64, 7, 2, 3),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        basic_conv(64, 64, 1),
        basic_conv(64, 192, 3, p=1),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        Inception(192, 64, 96, 128, 16, 32, 32),
        Inception(256, 128, 128, 192, 32, 96, 64),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        Inception(480, 192, 96, 208, 16, 48, 64),
        Inception(512, 160, 112, 224, 24, 64, 64),
        Inception(512, 128, 128, 256, 24, 64, 64),
        Inception(512, 112, 144, 288, 32, 64, 64),
        Inception(528, 256, 160, 320, 32, 128, 128),
        nn.MaxPool2d(2, 2, ceil_mode=True),
        Inception(832, 256, 160, 320, 32, 128, 128),
        Inception(832, 384, 192, 384, 48, 128, 128),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(1024, 1000),
    )


# --- ConvNeXt-T (Liu et al., 2022): dims 96-192-384-768, depths 3-3-9-3 --------------------------------


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of an NCHW map (torchvision's LayerNorm2d)."""

    def forward(self, x: Tensor) -> Tensor:
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))
        self.layer_scale = nn.Parameter(torch.full((dim, 1, 1), 1e-6))

    def forward(self, x: Tensor) -> Tensor:
        y = self.mlp(self.norm(self.dw(x).permute(0, 2, 3, 1))).permute(0, 3, 1, 2)
        return x + self.layer_scale * y


def convnext_tiny() -> nn.Module:
    dims, depths = (96, 192, 384, 768), (3, 3, 9, 3)
    layers: list[nn.Module] = [nn.Conv2d(3, 96, 4, 4), LayerNorm2d(96, eps=1e-6)]
    for i, (dim, n) in enumerate(zip(dims, depths, strict=True)):
        layers += [CNBlock(dim) for _ in range(n)]
        if i < 3:
            layers += [LayerNorm2d(dim, eps=1e-6), nn.Conv2d(dim, dims[i + 1], 2, 2)]
    layers += [nn.AdaptiveAvgPool2d(1), LayerNorm2d(768, eps=1e-6), nn.Flatten(), nn.Linear(768, 1000)]
    return nn.Sequential(*layers)


# --- ViT-B/16 (Dosovitskiy et al., 2021): 12 layers, d 768, 12 heads, MLP 3072 --------------------------


class EncoderBlock(nn.Module):
    def __init__(self, d: int, heads: int, hidden: int) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(d, eps=1e-6)
        self.attention = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(d, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(d, hidden), nn.GELU(), nn.Linear(hidden, d))

    def forward(self, x: Tensor) -> Tensor:
        y = self.ln_1(x)
        x = x + self.attention(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class ViT(nn.Module):
    def __init__(self, image: int = 224, patch: int = 16, d: int = 768, depth: int = 12, heads: int = 12) -> None:
        super().__init__()
        self.patch, self.d, self.heads = patch, d, heads
        self.tokens = (image // patch) ** 2 + 1
        self.conv_proj = nn.Conv2d(3, d, patch, patch)
        self.class_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embedding = nn.Parameter(torch.zeros(1, self.tokens, d))
        self.layers = nn.Sequential(*(EncoderBlock(d, heads, 4 * d) for _ in range(depth)))
        self.ln = nn.LayerNorm(d, eps=1e-6)
        self.head = nn.Linear(d, 1000)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv_proj(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.class_token.expand(x.shape[0], -1, -1), x], 1) + self.pos_embedding
        return self.head(self.ln(self.layers(x))[:, 0])


def vit_b_16() -> nn.Module:
    return ViT()


#: name → builder, in the order of the issue.
BUILDERS: dict[str, Callable[[], nn.Module]] = {
    "resnet18": lambda: resnet(BasicBlock, (2, 2, 2, 2)),
    "resnet50": lambda: resnet(Bottleneck, (3, 4, 6, 3)),
    "mobilenet_v2": mobilenet_v2,
    "densenet121": densenet121,
    "efficientnet_b0": efficientnet_b0,
    "googlenet": googlenet,
    "convnext_tiny": convnext_tiny,
    "vit_b_16": vit_b_16,
}


def build(name: str) -> nn.Module:
    """The reference model, on the meta device, in eval mode."""
    with torch.device("meta"):
        return BUILDERS[name]().eval()


def count_params(model: nn.Module) -> int:
    """PyTorch's trainable count: ``sum(p.numel())`` (batchnorm's running statistics are buffers)."""
    return sum(p.numel() for p in model.parameters())


def count_macs(model: nn.Module) -> int:
    """MACs of one 224x224x3 image under the ``_ops`` convention (see :func:`count_macs_of`)."""
    return count_macs_of(model, (3, 224, 224))


def count_macs_of(module: nn.Module, shape: tuple[int, ...]) -> int:
    """MACs of ``module`` on one input of ``shape`` (no batch dimension): FlopCounterMode's FLOPs / 2.

    FlopCounterMode counts conv, linear (addmm/mm) and bmm at 2 FLOPs per MAC, and nothing else: the
    same convention as torchvision's ``_ops``. On the CPU it does not see the fused attention kernel
    (and in eval mode not even the attention's projections); on the meta device used here PyTorch
    decomposes attention into two bmm calls, which it counts. Either way the attention matmuls are
    checked against (or, where unseen, taken from) the formula 2·N²·d per encoder layer.
    """
    x = torch.empty(1, *shape, device=next(module.parameters()).device)
    seen: list[tuple[int, int]] = []  # (N, d) of each encoder layer's input, as it runs
    hooks = [
        m.register_forward_pre_hook(lambda _m, args: seen.append(tuple(args[0].shape[1:])))
        for m in module.modules()
        if isinstance(m, EncoderBlock)
    ]
    counter = FlopCounterMode(display=False)
    try:
        with counter, torch.no_grad():
            module(x)
    finally:
        for hook in hooks:
            hook.remove()
    by_op = {str(op): flops for op, flops in counter.get_flop_counts()["Global"].items()}
    flops = counter.get_total_flops()
    assert flops % 2 == 0
    matmul = (by_op.get("aten.bmm", 0) + by_op.get("aten.baddbmm", 0)) // 2
    formula = sum(2 * n * n * d for n, d in seen)  # QKᵀ and AV: h heads of N·N·(d/h) MACs each
    assert matmul in (0, formula), f"FlopCounterMode saw {matmul:,} matmul MACs, the formula gives {formula:,}"
    return flops // 2 + (formula - matmul)
