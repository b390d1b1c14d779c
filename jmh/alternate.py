"""Compares two builds of the benchmarks in JMH with alternating forks: every round runs one fork of each build
(the order flips each round), so that the drift of a shared machine hits both alike. Reports, per benchmark and
workload, the median of each build's fork scores, the ratio new / before, and the spread of the per-round ratios.

Usage (from the repository root; each jar is jmh/target/benchmarks.jar built from the commit to compare):
  python3 jmh/alternate.py --java "$JAVA_HOME/bin/java" --before BEFORE.jar --after jmh/target/benchmarks.jar \\
      --rounds 5 --out jmh/results/NAME.json -- 'ForwardBenchmark.lossValue|ForwardBackwardBenchmark.vector' \\
      -p workload=sigmoid-dense,softmax-labels,softmax-2d

Everything after `--` goes to JMH as it is (`-f 1 -foe true -rf json` are added). The JSON output holds every
fork's JMH record, with the build ("before" or "after") and the round in its params.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile


def run_fork(java, jar, jmh_arguments):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as result_file:
        path = result_file.name
    try:
        command = [java, "-jar", jar] + jmh_arguments + ["-f", "1", "-foe", "true", "-rf", "json", "-rff", path]
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if result.returncode != 0:
            raise SystemExit("%s failed (%d): %s" % (" ".join(command), result.returncode,
                                                     result.stderr.decode()[-2000:]))
        with open(path) as results:
            return json.load(results)
    finally:
        os.unlink(path)


def key(record):
    params = record.get("params", {})
    return record["benchmark"].rsplit(".", 2)[-2] + "." + record["benchmark"].rsplit(".", 1)[-1], \
        params.get("workload", "")


def summarize(records):
    scores = {}
    for record in records:
        build = record["params"]["build"]
        scores.setdefault(key(record), {}).setdefault(build, {})[record["params"]["round"]] = \
            record["primaryMetric"]["score"]
    print("| benchmark | workload | before (median) | after (median) | after / before | per-round ratios |")
    print("|---|---|---|---|---|---|")
    for (benchmark, workload), builds in sorted(scores.items()):
        before, after = builds.get("before", {}), builds.get("after", {})
        rounds = sorted(set(before) & set(after))
        ratios = [after[r] / before[r] for r in rounds]
        median_before, median_after = statistics.median(before.values()), statistics.median(after.values())
        print("| %s | %s | %.1f | %.1f | %.3f | %s |" % (benchmark, workload, median_before, median_after,
              median_after / median_before, " ".join("%.2f" % ratio for ratio in ratios)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--java", required=True)
    parser.add_argument("--before", required=True, help="benchmarks.jar of the build before")
    parser.add_argument("--after", required=True, help="benchmarks.jar of the build after")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", required=True)
    parser.add_argument("jmh", nargs=argparse.REMAINDER, help="-- then the JMH arguments")
    arguments = parser.parse_args()
    jmh_arguments = arguments.jmh[1:] if arguments.jmh[:1] == ["--"] else arguments.jmh
    records = []
    for round_number in range(1, arguments.rounds + 1):
        order = [("before", arguments.before), ("after", arguments.after)]
        for build, jar in order if round_number % 2 else reversed(order):
            for record in run_fork(arguments.java, jar, jmh_arguments):
                record["params"]["build"] = build
                record["params"]["round"] = str(round_number)
                records.append(record)
        with open(arguments.out, "w") as out:
            json.dump(records, out, indent=1)
        print("round %d of %d done" % (round_number, arguments.rounds), flush=True)
    summarize(records)


if __name__ == "__main__":
    main()
