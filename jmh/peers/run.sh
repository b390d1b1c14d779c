#!/bin/sh
# PyTorch CPU peers of the JMH benchmarks: default glibc allocator, then tuned (no mmap for large blocks, no trim:
# freed tensors are reused instead of being returned to the kernel and faulted in again). Needs Debian's
# python3-torch (apt-get install python3-torch) and /usr/bin/python3. Output: jmh/results/peers.jsonl.
set -e
cd "$(dirname "$0")/../.."
out=jmh/results/peers.jsonl
: > "$out"
/usr/bin/python3 jmh/peers/torch_dice.py >> "$out"
MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 /usr/bin/python3 jmh/peers/torch_dice.py >> "$out"
/usr/bin/python3 jmh/peers/compare.py "$out" jmh/results/threads-2forks.json jmh/results/forward-backward-3forks.json \
    jmh/results/grid-3forks.json jmh/results/softmax-backward-3forks.json jmh/results/grid-threads-2forks.json \
    jmh/results/api-2forks.json
