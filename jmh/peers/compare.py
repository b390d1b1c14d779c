"""Lines up PyTorch peers (torch_dice.py's JSON lines) with dice4j's JMH results: one table of throughputs and
ratios (dice4j / PyTorch) per shape, threads and pass, in markdown on stdout.

Usage: compare.py PEERS.jsonl JMH.json [JMH.json ...]  (a later JMH file wins for the same benchmark/params)
"""
import json
import sys

WORKLOADS = {
    "sigmoid-dense": ("sigmoid", [16, 1, 256, 256]),
    "softmax-labels": ("softmax", [2, 14, 96, 96, 96]),
    "softmax-2d": ("softmax", [8, 4, 256, 256]),
    "softmax-small": ("softmax", [4, 3, 64, 64]),
}
PASSES = {"ForwardBenchmark.lossValue": "forward", "ForwardBackwardBenchmark.vector": "forward_backward"}


def dice4j_rates(paths):
    rates = {}
    for path in paths:
        for row in json.load(open(path)):
            name = row["benchmark"].rsplit(".", 2)
            name = name[-2] + "." + name[-1]
            if name not in PASSES or row["params"].get("workload") not in WORKLOADS:
                continue
            activation, shape = WORKLOADS[row["params"]["workload"]]
            elements = 1
            for size in shape:
                elements *= size
            unit = row["primaryMetric"]["scoreUnit"]
            seconds = row["primaryMetric"]["score"] * {"us/op": 1e-6, "ms/op": 1e-3, "s/op": 1.0}[unit]
            threads = int(row["params"].get("threads", "1"))
            rates[(tuple(shape), threads, PASSES[name])] = elements / seconds
    return rates


def main(peers_path, *jmh_paths):
    rates = dice4j_rates(jmh_paths)
    peers = [json.loads(line) for line in open(peers_path) if line.strip()]
    print("| shape | threads | pass | PyTorch path | allocator | PyTorch G el/s | dice4j G el/s | dice4j / PyTorch |")
    print("|---|---:|---|---|---|---:|---:|---:|")
    for peer in peers:
        for pass_name in ("forward", "forward_backward"):
            ours = rates.get((tuple(peer["shape"]), peer["threads"], pass_name))
            theirs = peer[pass_name + "_elements_per_s"]
            ratio = "%.1fx" % (ours / theirs) if ours else "(no JMH figure)"
            print("| %s %s | %d | %s | %s | %s | %.3f | %s | %s |" % (
                tuple(peer["shape"]), peer["activation"], peer["threads"], pass_name.replace("_", "+"),
                peer["path"], "tuned" if peer["malloc_tuned"] else "default", theirs / 1e9,
                "%.3f" % (ours / 1e9) if ours else "–", ratio))


if __name__ == "__main__":
    main(*sys.argv[1:])
