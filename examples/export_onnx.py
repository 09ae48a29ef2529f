"""Export a PyTorch model to ONNX, for ``quizgen solve --network my_model.onnx`` (needs torch and onnxscript).

Replace ``model`` with your own.  Export it in eval mode, on one input of batch 1 at the size you want counted
(a dynamic batch is read as 1), in one file: ``external_data=False`` keeps the weights inside it (quizgen reads
only their dimensions, so a model whose weights sit in a separate ``.data`` file reads as well without it).
"""

import sys

import torch
from torch import nn

model = nn.Sequential(
    nn.Conv2d(3, 16, 3, padding=1, bias=False),
    nn.BatchNorm2d(16),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1),
    nn.ReLU(),
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
    nn.Linear(32, 10),
)
path = sys.argv[1] if len(sys.argv) > 1 else "my_model.onnx"
torch.onnx.export(model.eval(), (torch.randn(1, 3, 32, 32),), path, dynamo=True, external_data=False)
