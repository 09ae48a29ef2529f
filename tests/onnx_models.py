"""Plain-torch networks of torchvision's architectures that quizgen does not build in, for the ONNX tests.

Written here from the papers' and torchvision's published configurations (torchvision itself is not imported:
its compiled extension does not load against the CPU torch the tests install).  Each builder's parameter count
is torchvision's published ``num_params``, which the tests check, so a slip in an architecture shows.
"""

from __future__ import annotations

import torch
from torch import nn

#: torchvision's published parameter counts (each model's weights metadata, ``num_params``).
PUBLISHED_PARAMS = {
    "resnet50": 25_557_032,
    "resnext50_32x4d": 25_028_904,
    "shufflenet_v2_x1_0": 2_278_604,
    "mnasnet1_0": 4_383_312,
    "regnet_y_400mf": 4_344_144,
    "squeezenet1_0": 1_248_424,
    "mobilenet_v3_large": 5_483_032,
}


def conv_bn(
    cin: int, cout: int, k: int, s: int = 1, g: int = 1, act: type[nn.Module] | None = nn.ReLU
) -> nn.Sequential:
    """Conv (no bias, 'same'-style padding k//2), BatchNorm, then the activation if any."""
    layers: list[nn.Module] = [nn.Conv2d(cin, cout, k, s, (k - 1) // 2, groups=g, bias=False), nn.BatchNorm2d(cout)]
    if act is not None:
        layers.append(act())
    return nn.Sequential(*layers)


class Head(nn.Module):
    """Global average pool, flatten, then the classifier."""

    def __init__(self, *classifier: nn.Module) -> None:
        super().__init__()
        self.classifier = nn.Sequential(*classifier)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


# --- ResNeXt-50 32x4d --------------------------------------------------------------------------------------------


class ResNeXtBlock(nn.Module):
    def __init__(self, cin: int, planes: int, stride: int, groups: int = 32, base_width: int = 4) -> None:
        super().__init__()
        width = planes * base_width // 64 * groups
        self.f = nn.Sequential(
            conv_bn(cin, width, 1), conv_bn(width, width, 3, stride, groups), conv_bn(width, planes * 4, 1, act=None)
        )
        self.down = conv_bn(cin, planes * 4, 1, stride, act=None) if stride != 1 or cin != planes * 4 else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skip = x if self.down is None else self.down(x)
        return torch.relu(self.f(x) + skip)


def resnext50_32x4d(groups: int = 32, base_width: int = 4) -> nn.Module:
    layers: list[nn.Module] = [conv_bn(3, 64, 7, 2), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for planes, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for i in range(blocks):
            layers.append(ResNeXtBlock(cin, planes, stride if i == 0 else 1, groups, base_width))
            cin = planes * 4
    layers.append(Head(nn.Linear(2048, 1000)))
    return nn.Sequential(*layers)


def resnet50() -> nn.Module:
    """ResNet-50 (v1.5: the stride on the 3x3 conv), the bottleneck block with one group of width 64."""
    return resnext50_32x4d(groups=1, base_width=64)


# --- ShuffleNet V2 x1.0 -------------------------------------------------------------------------------------------


class ShuffleBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        half = cout // 2
        self.stride = stride
        if stride > 1:
            self.branch1 = nn.Sequential(conv_bn(cin, cin, 3, stride, cin, act=None), conv_bn(cin, half, 1))
        self.branch2 = nn.Sequential(
            conv_bn(cin if stride > 1 else half, half, 1),
            conv_bn(half, half, 3, stride, half, act=None),
            conv_bn(half, half, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = torch.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        b, c, h, w = out.shape
        return out.view(b, 2, c // 2, h, w).transpose(1, 2).contiguous().view(b, c, h, w)


def shufflenet_v2_x1_0() -> nn.Module:
    layers: list[nn.Module] = [conv_bn(3, 24, 3, 2), nn.MaxPool2d(3, 2, 1)]
    cin = 24
    for cout, repeats in ((116, 4), (232, 8), (464, 4)):
        layers += [ShuffleBlock(cin, cout, 2)] + [ShuffleBlock(cout, cout, 1) for _ in range(repeats - 1)]
        cin = cout
    layers += [conv_bn(464, 1024, 1), Head(nn.Linear(1024, 1000))]
    return nn.Sequential(*layers)


# --- MNASNet 1.0 --------------------------------------------------------------------------------------------------


class InvertedResidual(nn.Module):
    """1x1 expansion (skipped when the factor is 1), k x k depthwise, optional SE, 1x1 projection, residual."""

    def __init__(
        self,
        cin: int,
        cout: int,
        k: int,
        stride: int,
        mid: int,
        act: type[nn.Module] = nn.ReLU,
        se: int = 0,
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = [] if mid == cin else [conv_bn(cin, mid, 1, act=act)]
        layers.append(conv_bn(mid, mid, k, stride, mid, act=act))
        if se:
            layers.append(SqueezeExcite(mid, se))
        layers.append(conv_bn(mid, cout, 1, act=None))
        self.f = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.f(x) if self.residual else self.f(x)


class SqueezeExcite(nn.Module):
    """Squeeze-and-excitation with 1x1 convs (torchvision's), gated by a hard sigmoid or a sigmoid."""

    def __init__(self, c: int, squeeze: int, gate: type[nn.Module] = nn.Hardsigmoid) -> None:
        super().__init__()
        self.fc1, self.fc2, self.gate = nn.Conv2d(c, squeeze, 1), nn.Conv2d(squeeze, c, 1), gate()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = nn.functional.adaptive_avg_pool2d(x, 1)
        return x * self.gate(self.fc2(torch.relu(self.fc1(s))))


def mnasnet1_0() -> nn.Module:
    layers: list[nn.Module] = [conv_bn(3, 32, 3, 2), conv_bn(32, 32, 3, 1, 32), conv_bn(32, 16, 1, act=None)]
    cin = 16
    for cout, k, stride, t, repeats in (
        (24, 3, 2, 3, 3),
        (40, 5, 2, 3, 3),
        (80, 5, 2, 6, 3),
        (96, 3, 1, 6, 2),
        (192, 5, 2, 6, 4),
        (320, 3, 1, 6, 1),
    ):
        for i in range(repeats):
            layers.append(InvertedResidual(cin, cout, k, stride if i == 0 else 1, cin * t))
            cin = cout
    layers += [conv_bn(320, 1280, 1), Head(nn.Dropout(0.2), nn.Linear(1280, 1000))]
    return nn.Sequential(*layers)


# --- RegNetY-400MF ------------------------------------------------------------------------------------------------


class RegNetBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, group_width: int = 8, se_ratio: float = 0.25) -> None:
        super().__init__()
        self.f = nn.Sequential(
            conv_bn(cin, cout, 1),
            conv_bn(cout, cout, 3, stride, cout // group_width),
            SqueezeExcite(cout, round(se_ratio * cin), nn.Sigmoid),
            conv_bn(cout, cout, 1, act=None),
        )
        self.proj = conv_bn(cin, cout, 1, stride, act=None) if cin != cout or stride != 1 else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu((x if self.proj is None else self.proj(x)) + self.f(x))


def regnet_y_400mf() -> nn.Module:
    layers: list[nn.Module] = [conv_bn(3, 32, 3, 2)]
    cin = 32
    for cout, depth in ((48, 1), (104, 3), (208, 6), (440, 6)):
        for i in range(depth):
            layers.append(RegNetBlock(cin, cout, 2 if i == 0 else 1))
            cin = cout
    layers.append(Head(nn.Linear(440, 1000)))
    return nn.Sequential(*layers)


# --- SqueezeNet 1.0 -----------------------------------------------------------------------------------------------


class Fire(nn.Module):
    def __init__(self, cin: int, squeeze: int, e1: int, e3: int) -> None:
        super().__init__()
        self.squeeze = nn.Conv2d(cin, squeeze, 1)
        self.e1, self.e3 = nn.Conv2d(squeeze, e1, 1), nn.Conv2d(squeeze, e3, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = torch.relu(self.squeeze(x))
        return torch.cat((torch.relu(self.e1(s)), torch.relu(self.e3(s))), 1)


def squeezenet1_0() -> nn.Module:
    pool = nn.MaxPool2d(3, 2, ceil_mode=True)
    return nn.Sequential(
        nn.Conv2d(3, 96, 7, 2),
        nn.ReLU(),
        pool,
        Fire(96, 16, 64, 64),
        Fire(128, 16, 64, 64),
        Fire(128, 32, 128, 128),
        pool,
        Fire(256, 32, 128, 128),
        Fire(256, 48, 192, 192),
        Fire(384, 48, 192, 192),
        Fire(384, 64, 256, 256),
        pool,
        Fire(512, 64, 256, 256),
        nn.Dropout(0.5),
        nn.Conv2d(512, 1000, 1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
    )


# --- MobileNetV3-Large --------------------------------------------------------------------------------------------


def _divisible8(v: float) -> int:
    new = max(8, int(v + 4) // 8 * 8)
    return new + 8 if new < 0.9 * v else new


def mobilenet_v3_large() -> nn.Module:
    layers: list[nn.Module] = [conv_bn(3, 16, 3, 2, act=nn.Hardswish)]
    relu, hs = nn.ReLU, nn.Hardswish
    for cin, k, mid, cout, se, act, stride in (
        (16, 3, 16, 16, False, relu, 1),
        (16, 3, 64, 24, False, relu, 2),
        (24, 3, 72, 24, False, relu, 1),
        (24, 5, 72, 40, True, relu, 2),
        (40, 5, 120, 40, True, relu, 1),
        (40, 5, 120, 40, True, relu, 1),
        (40, 3, 240, 80, False, hs, 2),
        (80, 3, 200, 80, False, hs, 1),
        (80, 3, 184, 80, False, hs, 1),
        (80, 3, 184, 80, False, hs, 1),
        (80, 3, 480, 112, True, hs, 1),
        (112, 3, 672, 112, True, hs, 1),
        (112, 5, 672, 160, True, hs, 2),
        (160, 5, 960, 160, True, hs, 1),
        (160, 5, 960, 160, True, hs, 1),
    ):
        layers.append(InvertedResidual(cin, cout, k, stride, mid, act, _divisible8(mid // 4) if se else 0))
    layers += [
        conv_bn(160, 960, 1, act=nn.Hardswish),
        Head(nn.Linear(960, 1280), nn.Hardswish(), nn.Dropout(0.2), nn.Linear(1280, 1000)),
    ]
    return nn.Sequential(*layers)


# --- A small Vision Transformer (torchvision's structure) ---------------------------------------------------------


class EncoderBlock(nn.Module):
    def __init__(self, d: int, heads: int, hidden: int) -> None:
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(d, eps=1e-6), nn.LayerNorm(d, eps=1e-6)
        self.attention = nn.MultiheadAttention(d, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(d, hidden), nn.GELU(), nn.Dropout(0.0), nn.Linear(hidden, d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.ln_1(x)
        x = x + self.attention(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class ViT(nn.Module):
    """torchvision's VisionTransformer, small: conv patch embedding, class token, position embedding, encoder."""

    def __init__(self, image: int = 32, patch: int = 8, d: int = 64, heads: int = 4, hidden: int = 128, depth: int = 2):
        super().__init__()
        self.patch, self.d = patch, d
        self.tokens = (image // patch) ** 2 + 1
        self.conv_proj = nn.Conv2d(3, d, patch, patch)
        self.class_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embedding = nn.Parameter(torch.randn(1, self.tokens, d) * 0.02)
        self.layers = nn.Sequential(*(EncoderBlock(d, heads, hidden) for _ in range(depth)))
        self.ln = nn.LayerNorm(d, eps=1e-6)
        self.head = nn.Linear(d, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv_proj(x)
        x = x.reshape(x.shape[0], self.d, -1).permute(0, 2, 1)
        x = torch.cat([self.class_token.expand(x.shape[0], -1, -1), x], dim=1)
        x = self.ln(self.layers(x + self.pos_embedding))
        return self.head(x[:, 0])


#: Each corpus model, with the input size it is exported at (small: the point is the op mapping).
CORPUS = {
    "resnext50_32x4d": (resnext50_32x4d, 64),
    "shufflenet_v2_x1_0": (shufflenet_v2_x1_0, 64),
    "mnasnet1_0": (mnasnet1_0, 64),
    "regnet_y_400mf": (regnet_y_400mf, 64),
    "squeezenet1_0": (squeezenet1_0, 64),
    "mobilenet_v3_large": (mobilenet_v3_large, 64),
    "vit_small": (ViT, 32),
}
