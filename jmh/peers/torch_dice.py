"""PyTorch CPU peer of dice4j's benchmarks: the MONAI-style soft Dice loss on the same shapes.

Per (image, class): I = sum(p*g), P = sum(p), G = sum(g) over the spatial axes, then
mean over images and classes of 1 - (2I + 1)/(P + G + 1) (smoothing 1: the classic loss, dice4j's
DiceLoss.binary() / multiClass()). Forward, and forward+backward through autograd.

Target paths for the label-map shapes:
  labels:  the uint8 label map turned into a float one-hot tensor inside the timed call (what users write);
  onehot:  a float one-hot tensor precomputed outside the timed call (PyTorch's best case).
Prints one JSON object per line: shape, activation, path, threads, forward / forward_backward elements per second
(elements = logits processed, median of the timed repetitions), so that compare.py can line them up with JMH.

Run through run.sh, which also runs it with glibc's allocator tuned (see there).
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

SHAPES = [
    ("sigmoid", (16, 1, 256, 256)),
    ("softmax", (2, 14, 96, 96, 96)),
    ("softmax", (8, 4, 256, 256)),
    ("softmax", (4, 3, 64, 64)),
]


def dice_loss(logits, onehot, activation):
    p = torch.sigmoid(logits) if activation == "sigmoid" else torch.softmax(logits, dim=1)
    dims = tuple(range(2, logits.dim()))
    intersection = (p * onehot).sum(dim=dims)
    pred_sum = p.sum(dim=dims)
    target_sum = onehot.sum(dim=dims)
    return (1 - (2 * intersection + 1) / (pred_sum + target_sum + 1)).mean()


def one_hot(labels, classes):
    # (N, spatial...) uint8 -> (N, C, spatial...) float, as MONAI's one_hot / F.one_hot + permute.
    encoded = F.one_hot(labels.long(), classes)
    return encoded.permute(0, encoded.dim() - 1, *range(1, encoded.dim() - 1)).float()


def median_rate(call, elements, seconds):
    for _ in range(3):
        call()
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < 5:
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return elements / statistics.median(times)


def main():
    seconds = float(os.environ.get("PEERS_SECONDS", "5"))
    generator = torch.Generator().manual_seed(42)
    for activation, shape in SHAPES:
        n, c = shape[0], shape[1]
        logits = torch.randn(shape, generator=generator) * 2
        if activation == "sigmoid":
            labels = (torch.rand(shape, generator=generator) > 0.5).float()
            paths = {"dense": lambda: labels}
        else:
            labels = torch.randint(0, c, (n,) + tuple(shape[2:]), generator=generator, dtype=torch.uint8)
            onehot = one_hot(labels, c)
            paths = {"labels": lambda: one_hot(labels, c), "onehot": lambda: onehot}
        elements = logits.numel()
        for threads in (1, 2):
            torch.set_num_threads(threads)
            for path, target in paths.items():
                def forward():
                    with torch.no_grad():
                        return dice_loss(logits, target(), activation).item()

                def forward_backward():
                    z = logits.detach().requires_grad_(True)
                    loss = dice_loss(z, target(), activation)
                    loss.backward()
                    return z.grad

                print(json.dumps({
                    "shape": list(shape), "activation": activation, "path": path, "threads": threads,
                    "malloc_tuned": "MALLOC_MMAP_MAX_" in os.environ, "torch": torch.__version__,
                    "forward_elements_per_s": median_rate(forward, elements, seconds),
                    "forward_backward_elements_per_s": median_rate(forward_backward, elements, seconds),
                }), flush=True)


if __name__ == "__main__":
    sys.exit(main())
