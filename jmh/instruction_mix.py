"""Instruction mix of the kernels' loops, where neither perf counters (-prof perfasm) nor the hsdis disassembler
are available: HotSpot then prints compiled code as hex, which objdump (binutils) decodes.

Usage (from the repository root; docs/benchmarks.md has the run behind its table):
    java -jar jmh/target/benchmarks.jar -f 1 -wi 3 -i 1 -p workload=sigmoid-dense ForwardBenchmark.lossValue \
        -jvmArgsAppend "--add-modules=jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=quiet \
        -XX:CompileCommand=print,*VectorKernels::stage* -XX:CompileCommand=print,*VectorKernels::accumulate*" > asm.txt
    python3 jmh/instruction_mix.py asm.txt [METHOD-SUBSTRING]

(-jvmArgsAppend replaces the benchmarks' own, hence --add-modules again.) Loops that run once per call or on an
uncommon path show up too; the hot one of a stage is the one whose vector instructions match its source.

For each C2-compiled method (the last compilation of each wins) it lists the innermost loops (a backward conditional
jump and the instructions it spans) of at least 12 instructions, with their instructions counted by kind. With a
method substring, the loops of the matching methods are also printed instruction by instruction.
"""
import collections
import re
import subprocess
import sys
import tempfile

KINDS = [
    ("fma", lambda op, args: op.startswith(("vfmadd", "vfnmadd", "vfmsub", "vfnmsub"))),
    ("divide or square root", lambda op, args: op.startswith(("vdiv", "vsqrt"))),
    ("compare, mask, blend", lambda op, args: op.startswith(("vcmp", "vpcmp", "vblend", "vpblend", "vpmovd2m",
                                                             "vpmovm2", "vptestm", "k"))),
    ("shuffle, broadcast", lambda op, args: op.startswith(("vperm", "vpshuf", "vshuf", "valign", "vinsert",
                                                           "vextract", "vpbroadcast", "vbroadcast"))),
    ("vector store", lambda op, args: op.startswith(("vmov", "vpmov")) and "%" in args
        and args.rstrip().endswith(")") and "(" in args),
    ("vector load", lambda op, args: op.startswith(("vmov", "vpmov")) and "(" in args),
    ("vector register move", lambda op, args: op.startswith(("vmov", "vpmov"))),
    ("other vector arithmetic", lambda op, args: op.startswith("v")),
    ("branch or scalar compare", lambda op, args: op.startswith(("j", "cmp", "test"))),
    ("other scalar", lambda op, args: True),
]


def kind(op, args):
    for name, matches in KINDS:
        if matches(op, args):
            return name
    return "other scalar"


def methods(text):
    """(name, start address, code bytes) of every C2 compilation, the last one of each method."""
    found = {}
    for block in re.split(r"\n(?=Compiled method \(c2\))", text):
        head = re.search(r"Compiled method \(c2\)[^\n]*?(\S+::\S+)", block)
        if not head or "[MachCode]" not in block:
            continue
        code = block.split("[MachCode]")[1].split("[/MachCode]")[0]
        start, data = None, bytearray()
        for line in code.split("\n"):
            match = re.match(r"\s+0x([0-9a-f]+): ((?:[0-9a-f]{2,8}(?: \| | )?)+)\s*$", line)
            if not match:
                continue
            address = int(match.group(1), 16)
            if start is None:
                start = address
            if address != start + len(data):
                continue
            for word in match.group(2).replace("|", " ").split():
                data += bytes.fromhex(word)
        if data:
            found[head.group(1)] = (start, bytes(data))
    return found


def disassemble(start, data):
    with tempfile.NamedTemporaryFile(suffix=".bin") as blob:
        blob.write(data)
        blob.flush()
        out = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", "--adjust-vma=%#x" % start,
                              blob.name], capture_output=True, text=True, check=True).stdout
    instructions = []
    for line in out.split("\n"):
        match = re.match(r"\s+([0-9a-f]+):\t[0-9a-f ]+\t(\S+)\s*(.*)", line)
        if match:
            instructions.append((int(match.group(1), 16), match.group(2), match.group(3)))
    return instructions


def innermost_loops(instructions):
    loops = []
    for address, op, args in instructions:
        target = re.match(r"0x([0-9a-f]+)", args)
        if op.startswith("j") and op != "jmp" and target and int(target.group(1), 16) < address:
            loops.append((int(target.group(1), 16), address))
    inner = [loop for loop in loops
             if not any(other != loop and loop[0] <= other[0] and other[1] <= loop[1] for other in loops)]
    return [(first, last, [i for i in instructions if first <= i[0] <= last]) for first, last in inner]


def main(path, listing=None):
    for name, (start, data) in sorted(methods(open(path).read()).items()):
        for first, last, body in innermost_loops(disassemble(start, data)):
            if len(body) < 12:
                continue
            counts = collections.Counter(kind(op, args) for _, op, args in body)
            print("%s, loop at %#x: %d instructions" % (name, first, len(body)))
            for category, _ in KINDS:
                if counts[category]:
                    print("    %-28s %3d" % (category, counts[category]))
            if listing and listing in name:
                for address, op, args in body:
                    print("        %x  %-12s %s" % (address, op, args))


if __name__ == "__main__":
    main(*sys.argv[1:])
