"""eval over a folder of NIfTI cases against nibabel + numpy computing the same counts: wall time of whole processes
(a fresh JVM for dice4j, a fresh interpreter for Python: what a user waits for), alternated round by round, medians.

The cases: 20 synthetic 128^3 uint8 .nii.gz label maps with 4 labels (0..3; nested blocks, the prediction a
reference with about 10% of its voxels relabelled), written once with nibabel into --data. Both sides score labels
1, 2, 3 (TP, FP, FN, TN per case and label over every voxel); dice4j as `eval --labels 1,2,3 --summary`, Python as
nibabel loads and numpy masks, the cases split over the same number of processes (nnU-Net's way: a process pool).
The Python side's counts are checked against dice4j's summary once.

Usage (from the repository root, after `mvn -B -DskipTests package`; Debian's python3-nibabel and python3-numpy):
  /usr/bin/python3 jmh/eval_nifti.py --java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --rounds 3 \\
      --out jmh/results/eval-nifti.json
"""
import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time

CASES = 20
SIZE = 128
LABELS = [1, 2, 3]


def make_cases(folder):
    import nibabel as nib
    import numpy as np
    pred_dir, ref_dir = os.path.join(folder, "pred"), os.path.join(folder, "ref")
    if os.path.isdir(pred_dir) and len(os.listdir(pred_dir)) == CASES:
        return pred_dir, ref_dir
    os.makedirs(pred_dir, exist_ok=True)
    os.makedirs(ref_dir, exist_ok=True)
    rng = np.random.default_rng(21)
    grid = np.indices((SIZE, SIZE, SIZE)).astype(np.int32)
    for case in range(CASES):
        centre = rng.integers(40, 88, size=3)
        distance = np.max(np.abs(grid - centre[:, None, None, None]), axis=0)
        ref = np.select([distance < 12, distance < 24, distance < 40], [3, 2, 1], 0).astype(np.uint8)
        noise = rng.random(ref.shape) < 0.1
        pred = np.where(noise, rng.integers(0, 4, size=ref.shape, dtype=np.uint8), ref).astype(np.uint8)
        name = "case_%03d.nii.gz" % case
        nib.save(nib.Nifti1Image(ref, np.eye(4)), os.path.join(ref_dir, name))
        nib.save(nib.Nifti1Image(pred, np.eye(4)), os.path.join(pred_dir, name))
    return pred_dir, ref_dir


def counts(pair):
    """One case's TP, FP, FN, TN per label, with nibabel and numpy (the computation being compared)."""
    import nibabel as nib
    import numpy as np
    pred_file, ref_file = pair
    pred = np.asanyarray(nib.load(pred_file).dataobj)
    ref = np.asanyarray(nib.load(ref_file).dataobj)
    result = {}
    for label in LABELS:
        p, r = pred == label, ref == label
        tp = int(np.count_nonzero(p & r))
        fp = int(np.count_nonzero(p & ~r))
        fn = int(np.count_nonzero(~p & r))
        result[str(label)] = [tp, fp, fn, p.size - tp - fp - fn]
    return result


def python_side(pred_dir, ref_dir, processes, out):
    names = sorted(os.listdir(pred_dir))
    pairs = [(os.path.join(pred_dir, n), os.path.join(ref_dir, n)) for n in names]
    if processes == 1:
        results = [counts(pair) for pair in pairs]
    else:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            results = pool.map(counts, pairs)
    with open(out, "w") as f:
        json.dump(dict(zip(names, results)), f)


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def check(python_out, summary_file):
    with open(python_out) as f:
        python = json.load(f)
    with open(summary_file) as f:
        summary = json.load(f)
    for case in summary["metric_per_case"]:
        name = os.path.basename(case["prediction_file"])
        for label in LABELS:
            m = case["metrics"][str(label)]
            if python[name][str(label)] != [m["TP"], m["FP"], m["FN"], m["TN"]]:
                raise SystemExit("counts differ for %s label %d" % (name, label))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--java", required=True)
    parser.add_argument("--jar", default="target/dice4j.jar")
    parser.add_argument("--data", default="/tmp/dice4j-eval-nifti")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", required=True)
    parser.add_argument("--python-worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.python_worker:
        pred_dir, ref_dir, processes = args.python_worker
        python_side(pred_dir, ref_dir, int(processes), os.path.join(args.data, "python-counts.json"))
        return
    pred_dir, ref_dir = make_cases(args.data)
    summary = os.path.join(args.data, "summary.json")
    commands = {}
    for threads in (1, 2):
        commands[("dice4j", threads)] = [args.java, "--add-modules", "jdk.incubator.vector", "-jar", args.jar, "eval",
                                         "--pred-dir", pred_dir, "--target-dir", ref_dir, "--labels", "1,2,3",
                                         "--summary", summary, "--threads", str(threads)]
        commands[("nibabel+numpy", threads)] = [sys.executable, os.path.abspath(__file__), "--java", args.java,
                                                "--data", args.data, "--out", args.out,
                                                "--python-worker", pred_dir, ref_dir, str(threads)]
    for command in commands.values():  # untimed: page cache, and the counts checked
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    check(os.path.join(args.data, "python-counts.json"), summary)
    times = {key: [] for key in commands}
    for _ in range(args.rounds):
        for key, command in commands.items():
            times[key].append(timed(command))
    report = {"cases": CASES, "size": SIZE, "rounds": args.rounds, "cpus": os.cpu_count(), "timings": {}}
    for (side, threads), values in times.items():
        report["timings"]["%s@%d" % (side, threads)] = {"seconds": values, "median": statistics.median(values)}
    for threads in (1, 2):
        ratio = report["timings"]["nibabel+numpy@%d" % threads]["median"] / report["timings"]["dice4j@%d" % threads]["median"]
        report["timings"]["dice4j@%d" % threads]["speedup"] = ratio
        print("threads %d: dice4j %.2f s, nibabel+numpy %.2f s, %.2fx" % (
            threads, report["timings"]["dice4j@%d" % threads]["median"],
            report["timings"]["nibabel+numpy@%d" % threads]["median"], ratio))
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
