"""A small graph network (residual, projection shortcut, Inception-style concat, squeeze-and-excitation, a
matmul) built in plain PyTorch, against the same network written as a quizgen network file.

References come from PyTorch only: ``sum(p.numel())`` over ``parameters()`` (the ``trainable`` count),
the buffers for batchnorm's running statistics, the output shape, and MACs from ``FlopCounterMode`` (its
FLOPs / 2: it counts convs, linears and matmuls, and nothing for adds, multiplies, pooling or
normalisation, which is the convention of torchvision's ``_ops``).

Skipped without torch; under CI (``CI`` set) a missing torch is a failure.
"""

from __future__ import annotations

import json
import os

import pytest

if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
    import torch  # noqa: F401  (under CI the torch extra is installed: a missing torch fails here)
torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402


def conv_bn(cin: int, cout: int, k: int, s: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, k // 2, bias=False), nn.BatchNorm2d(cout))


class Basic(nn.Module):
    """A ResNet basic block; with a stride or a width change, a 1x1 projection on the shortcut."""

    def __init__(self, cin: int, cout: int, s: int = 1) -> None:
        super().__init__()
        self.a, self.b = conv_bn(cin, cout, 3, s), conv_bn(cout, cout, 3)
        self.proj = conv_bn(cin, cout, 1, s) if s != 1 or cin != cout else None

    def forward(self, x):
        y = self.b(torch.relu(self.a(x)))
        return torch.relu(y + (self.proj(x) if self.proj is not None else x))


class Mixed(nn.Module):
    """Inception-style branches, stacked on channels."""

    def __init__(self, cin: int) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(cin, 16, 1)
        self.b3 = nn.Sequential(nn.Conv2d(cin, 8, 1), nn.ReLU(), nn.Conv2d(8, 16, 3, padding=1))
        self.bp = nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(cin, 8, 1))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b3(x), self.bp(x)], dim=1)


class SE(nn.Module):
    def __init__(self, c: int, r: int) -> None:
        super().__init__()
        self.squeeze, self.excite = nn.Conv2d(c, c // r, 1), nn.Conv2d(c // r, c, 1)

    def forward(self, x):
        s = nn.functional.adaptive_avg_pool2d(x, 1)
        return x * torch.sigmoid(self.excite(torch.relu(self.squeeze(s))))


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = conv_bn(3, 16, 3)
        self.layer1 = nn.Sequential(Basic(16, 16), Basic(16, 16))
        self.layer2 = Basic(16, 32, 2)
        self.mixed = Mixed(32)
        self.se = SE(40, 4)
        self.head = nn.Linear(40, 10)

    def forward(self, x):
        x = self.se(self.mixed(self.layer2(self.layer1(torch.relu(self.stem(x))))))
        tokens = x.flatten(2)  # N·C·(H·W)
        gram = tokens @ tokens.transpose(1, 2)  # C×C: a matmul with K = H·W
        return self.head(gram.mean(dim=2))


NETWORK = """\
# layout: hwc
block basic(c)
    conv2d out={c} k=3 p=1 bias=false
    batchnorm2d
    relu
    conv2d out={c} k=3 p=1 bias=false
    batchnorm2d
    add input
    relu
end

block basic_down(c, s=2)
    conv2d out={c} k=3 s={s} p=1 bias=false
    batchnorm2d
    relu
    conv2d out={c} k=3 p=1 bias=false
    main: batchnorm2d
    conv2d from=input out={c} k=1 s={s} bias=false
    batchnorm2d
    add main
    relu
end

block mixed(a, b_mid, b, pool)
    b1: conv2d out={a} k=1
    conv2d from=input out={b_mid} k=1
    relu
    b3: conv2d out={b} k=3 p=1
    maxpool2d from=input k=3 s=1 p=1
    bp: conv2d out={pool} k=1
    concat b1 b3 bp
end

block se(c, r=4)
    adaptiveavgpool2d size=1
    conv2d out={c//r} k=1
    relu
    conv2d out={c} k=1
    sigmoid
    mul input
end

conv2d in=32x32x3 out=16 k=3 p=1 bias=false
batchnorm2d
relu
layer1: basic c=16 repeat=2
layer2: basic_down c=32
mixed a=16 b_mid=8 b=16 pool=8
x: se c=40
"""


def test_residual_concat_se_network_equals_pytorch(run, tmp_path):
    model = Net().eval()
    x = torch.zeros(1, 3, 32, 32)
    seen = []
    model.se.register_forward_hook(lambda _m, _i, o: seen.append(tuple(o.shape)))
    with FlopCounterMode(display=False) as counter:
        out = model(x)
    torch_macs = counter.get_total_flops() // 2
    ((_n, c, h, w),) = seen
    # the head, written by hand as quizgen cannot reshape a map to tokens: the gram matmul (C x HW)·(HW x C)
    # and the linear on the C means.  FlopCounterMode counts both.
    gram_macs, head_params, head_macs = c * (h * w) * c, 40 * 10 + 10, 40 * 10

    f = tmp_path / "net.txt"
    f.write_text(NETWORK, encoding="utf-8")
    r = run("solve", "--network", str(f), "--json")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    trainable = sum(p.numel() for p in model.parameters())
    buffers = sum(b.numel() for name, b in model.named_buffers() if not name.endswith("num_batches_tracked"))
    assert d["total"]["params"]["trainable"] + head_params == trainable
    assert d["total"]["params"]["non_trainable"] == buffers
    assert d["total"]["macs"] + gram_macs + head_macs == torch_macs
    assert out.shape == (1, 10)
    assert d["total"]["output_shape"] == [h, w, c]  # the SE block's output, before the head


def test_matmul_join_equals_pytorch(run, tmp_path):
    # (32x32) @ (32x8), the second operand a 1x1 conv1d of the first: both counted by FlopCounterMode
    a = torch.zeros(1, 32, 32)  # N·C·L for conv1d: C = 32 channels, L = 32
    conv = nn.Conv1d(32, 8, 1, bias=False)
    with FlopCounterMode(display=False) as counter:
        b = conv(a).transpose(1, 2)  # L×C = 32x8
        c = a.transpose(1, 2) @ b  # (L×C)ᵀ… here (32x32) @ (32x8)
    f = tmp_path / "net.txt"
    f.write_text("input in=32x32\nb: conv1d out=8 k=1 bias=false\nmatmul input b\n", encoding="utf-8")
    d = json.loads(run("solve", "--network", str(f), "--json").stdout)
    assert d["total"]["macs"] == counter.get_total_flops() // 2
    assert d["total"]["output_shape"] == list(c.shape[1:])
