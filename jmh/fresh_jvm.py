"""Times one-shot command-line calls, each in a fresh JVM, as a user of the CLI feels them: wall time of whole
processes, variants alternated round by round so that the machine's drift hits them alike, medians and ratios to
the first variant of each case. Inputs are made with numpy (random logits, uint8 labels) and kept in the page cache
by a first untimed run.

Usage (from the repository root, after `mvn -B -DskipTests package`):
  python3 jmh/fresh_jvm.py --java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java \\
      --variant safe=target/dice4j.jar --variant mapped=OLD.jar --rounds 7 --out jmh/results/io-fresh-jvm.json

Each --variant is NAME=JAR[:EXTRA JVM FLAGS]; every variant runs every case (`loss`, `loss --grad`, on the shapes
below, 1 and 2 threads). The JSON holds every timing.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np

SHAPES = {"(2,5,64,64,64)": (2, 5, 64, 64, 64), "(2,14,96,96,96)": (2, 14, 96, 96, 96)}


def make_inputs(folder, shape):
    rng = np.random.default_rng(7)
    logits = os.path.join(folder, "logits-%s.npy" % "x".join(map(str, shape)))
    labels = os.path.join(folder, "labels-%s.npy" % "x".join(map(str, shape)))
    if not os.path.exists(logits):
        np.save(logits, rng.standard_normal(shape, dtype=np.float32))
        np.save(labels, rng.integers(0, shape[1], (shape[0],) + shape[2:], dtype=np.uint8))
    return logits, labels


def cases(folder, threads):
    for name, shape in SHAPES.items():
        logits, labels = make_inputs(folder, shape)
        for count in threads:
            base = ["loss", "--logits", logits, "--target", labels, "--threads", str(count), "--json"]
            yield "loss %s %dT" % (name, count), base
            yield "loss --grad %s %dT" % (name, count), base + ["--grad", os.path.join(folder, "gradient.npy")]


def run(java, variant, arguments):
    jar, _, flags = variant.partition(":")
    command = [java, "--add-modules", "jdk.incubator.vector"] + flags.split() + ["-jar", jar] + arguments
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit("%s failed (%d): %s" % (" ".join(command), result.returncode, result.stderr.decode()[-500:]))
    inner = json.loads(result.stdout.decode().strip().splitlines()[-1])["elapsed_ms"]
    return wall, inner


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--java", required=True)
    parser.add_argument("--variant", action="append", required=True, help="NAME=JAR[:JVM FLAGS]")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--folder", default=None, help="where inputs and outputs go (default: a temporary folder)")
    parser.add_argument("--out", default=None)
    options = parser.parse_args()
    variants = [tuple(v.split("=", 1)) for v in options.variant]
    folder = options.folder or tempfile.mkdtemp(prefix="dice4j-fresh-jvm-")
    threads = [int(t) for t in options.threads.split(",")]
    timings = []
    for case, arguments in cases(folder, threads):
        for name, variant in variants:
            run(options.java, variant, arguments)  # untimed: page cache, CDS archive
        samples = {name: [] for name, _ in variants}
        for _ in range(options.rounds):
            for name, variant in variants:
                samples[name].append(run(options.java, variant, arguments))
        first = statistics.median(w for w, _ in samples[variants[0][0]])
        for name, _ in variants:
            wall = statistics.median(w for w, _ in samples[name])
            inner = statistics.median(i for _, i in samples[name])
            print("%-34s %-10s wall %7.3f s (%.3fx of %s)  in-process %8.1f ms" % (
                case, name, wall, wall / first, variants[0][0], inner), flush=True)
            timings.append({"case": case, "variant": name, "wall_s": [w for w, _ in samples[name]],
                            "elapsed_ms": [i for _, i in samples[name]]})
    if options.out:
        with open(options.out, "w") as out:
            json.dump(timings, out, indent=1)


if __name__ == "__main__":
    main()
