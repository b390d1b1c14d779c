#!/bin/bash
# Fresh-JVM wall time of a one-shot `loss --grad`, variants alternated in every round (docs/benchmarks.md, "Cold
# start"). usage: jmh/cold_start.sh JAR DIR THREADS ROUNDS, DIR holding logits.npy and labels.npy.
# Prints: variant, wall ms (process start to exit), compute ms (the JSON's elapsed_ms).
JAR=$1; DIR=$2; THREADS=$3; ROUNDS=$4
JAVA=${JAVA_HOME:?set JAVA_HOME to a JDK 25}/bin/java
OUT=$(mktemp -d)
for round in $(seq "$ROUNDS"); do
  for variant in scalar vector-only twin-only auto; do
    case $variant in
      scalar) flags=() ;;
      vector-only) flags=(--add-modules jdk.incubator.vector -Ddice4j.coldStart=vector) ;;
      twin-only) flags=(--add-modules jdk.incubator.vector -Ddice4j.coldStart=twin) ;;
      auto) flags=(--add-modules jdk.incubator.vector) ;;
    esac
    start=$(date +%s%N)
    json=$("$JAVA" "${flags[@]}" -jar "$JAR" loss --logits "$DIR/logits.npy" --target "$DIR/labels.npy" \
        --grad "$OUT/grad.npy" --threads "$THREADS" --json 2>/dev/null) || { echo "$variant failed"; exit 1; }
    end=$(date +%s%N)
    rm -f "$OUT/grad.npy"
    compute=$(sed 's/.*"elapsed_ms": \([0-9]*\).*/\1/' <<< "$json")
    echo "$variant $(( (end - start) / 1000000 )) $compute"
  done
done
rmdir "$OUT"
