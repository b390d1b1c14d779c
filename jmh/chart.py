"""Draws docs/throughput.svg: single-thread throughput (G logits/s, log scale) per benchmark shape for dice4j,
the naive multi-pass baseline, the scalar reference, PyTorch (tuned allocator) and the two rooflines, from the
result files in jmh/results. Plain SVG, no plotting library.

Usage: python3 jmh/chart.py   (from the repository root)
"""
import json
import math

RESULTS = "jmh/results/"
WORKLOADS = {"sigmoid-dense": ("(16,1,256,256) sigmoid, dense target", [16, 1, 256, 256], "sigmoid"),
             "softmax-labels": ("(2,14,96,96,96) softmax, uint8 labels", [2, 14, 96, 96, 96], "softmax"),
             "softmax-2d": ("(8,4,256,256) softmax, uint8 labels", [8, 4, 256, 256], "softmax"),
             "softmax-small": ("(4,3,64,64) softmax, uint8 labels", [4, 3, 64, 64], "softmax")}


def elements(shape):
    count = 1
    for size in shape:
        count *= size
    return count


def jmh(files):
    rates = {}
    for name in files:
        for row in json.load(open(RESULTS + name)):
            workload = row["params"].get("workload")
            if workload not in WORKLOADS or row["params"].get("threads", "1") != "1":
                continue
            bench = ".".join(row["benchmark"].rsplit(".", 2)[-2:])
            seconds = row["primaryMetric"]["score"] * 1e-6
            rates[(workload, bench)] = elements(WORKLOADS[workload][1]) / seconds / 1e9
    return rates


def peers():
    rates = {}
    for line in open(RESULTS + "peers.jsonl"):
        row = json.loads(line)
        if row["threads"] != 1 or not row["malloc_tuned"]:
            continue
        workload = next((name for name, (_, shape, _) in WORKLOADS.items() if shape == row["shape"]), None)
        if workload is None:
            continue
        for kind in ("forward", "forward_backward"):
            rates[(workload, "PyTorch " + kind.replace("_", "+") + " (" + row["path"] + ")")] = \
                row[kind + "_elements_per_s"] / 1e9
    return rates


def main():
    rates = jmh(["main-3forks.json", "naive-3forks.json", "forward-backward-3forks.json", "grid-3forks.json",
                 "grid-baselines-3forks.json", "softmax-backward-3forks.json", "grid-threads-2forks.json",
                 "api-2forks.json"])
    rates.update(peers())
    series = [
        ("RooflineBenchmark.readOnly", "read roofline", "#bbbbbb"),
        ("RooflineBenchmark.expOnly", "exp + add roofline", "#999999"),
        ("ForwardBenchmark.lossValue", "dice4j forward", "#1f77b4"),
        ("ForwardBackwardBenchmark.vector", "dice4j forward+backward", "#6baed6"),
        ("PyTorch forward (dense)", "PyTorch forward", "#d62728"),
        ("PyTorch forward (onehot)", "PyTorch forward (one-hot precomputed)", "#d62728"),
        ("PyTorch forward (labels)", "PyTorch forward (one-hot in the call)", "#ff9896"),
        ("PyTorch forward+backward (dense)", "PyTorch forward+backward", "#e377c2"),
        ("PyTorch forward+backward (onehot)", "PyTorch forward+backward (one-hot precomputed)", "#e377c2"),
        ("PyTorch forward+backward (labels)", "PyTorch forward+backward (one-hot in the call)", "#f7b6d2"),
        ("NaiveBenchmark.naive", "naive multi-pass Java (forward)", "#2ca02c"),
        ("StatisticsBenchmark.scalar", "scalar reference (statistics)", "#8c564b"),
        ("ForwardBackwardBenchmark.scalar", "scalar reference forward+backward", "#c49c94"),
    ]
    low, high = 0.01, 20.0
    left, width, bar, gap = 330, 520, 14, 4
    svg = []
    y = 40
    for workload, (title, _, _) in WORKLOADS.items():
        svg.append('<text x="10" y="%d" font-weight="bold">%s</text>' % (y, title))
        y += 10
        for key, label, color in series:
            value = rates.get((workload, key))
            if value is None:
                continue
            length = width * (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low))
            svg.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 6, y + bar - 3, label))
            svg.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (left, y, length, bar, color))
            svg.append('<text x="%.1f" y="%d">%.3g</text>' % (left + length + 4, y + bar - 3, value))
            y += bar + gap
        y += 24
    axis_y = y - 10
    for tick in (0.01, 0.1, 1, 10):
        x = left + width * (math.log10(tick) - math.log10(low)) / (math.log10(high) - math.log10(low))
        svg.append('<line x1="%.1f" y1="30" x2="%.1f" y2="%d" stroke="#dddddd"/>' % (x, x, axis_y))
        svg.append('<text x="%.1f" y="%d" text-anchor="middle">%g</text>' % (x, axis_y + 14, tick))
    svg.append('<text x="%d" y="%d" text-anchor="middle">G logits per second, one thread (log scale)</text>'
               % (left + width // 2, axis_y + 30))
    height = axis_y + 40
    with open("docs/throughput.svg", "w") as out:
        out.write('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
                  'font-size="11">\n<rect width="100%%" height="100%%" fill="white"/>\n%s\n</svg>\n'
                  % (left + width + 60, height, "\n".join(svg)))


if __name__ == "__main__":
    main()
