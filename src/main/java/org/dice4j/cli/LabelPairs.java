package org.dice4j.cli;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import org.dice4j.DType;
import org.dice4j.Tensor;

/**
 * How often each (prediction label, reference label) pair occurs over the voxels whose reference is not the ignore
 * label: a joint histogram, from which the TP, FP, FN and TN of any label or region (a union of labels) follow
 * exactly. Labels 0..255 are counted in a dense table, others (int16 or wider maps) in a map. Exact integer counts:
 * the order of the voxels does not matter.
 */
final class LabelPairs {
    private static final int DENSE = 256;
    private final long[] dense = new long[DENSE * DENSE];
    private final Map<Pair, Long> sparse = new HashMap<>();
    private long total;

    private record Pair(long prediction, long reference) {}

    /** TP, FP, FN, TN of one label or region. */
    record Counts(long tp, long fp, long fn, long tn) {}

    private LabelPairs() {}

    /** The pairs of two label maps of the same voxel count; {@code ignore} (or null) drops reference voxels. */
    static LabelPairs count(Tensor prediction, Tensor reference, Long ignore) {
        if (prediction.elementCount() != reference.elementCount()) {
            throw new IllegalArgumentException("prediction and reference differ in voxel count: "
                    + prediction.elementCount() + " and " + reference.elementCount());
        }
        LabelPairs pairs = new LabelPairs();
        if (prediction.dtype() == DType.UINT8 && reference.dtype() == DType.UINT8) {
            pairs.countBytes(prediction.segment(), reference.segment(), prediction.elementCount(), ignore);
        } else {
            pairs.countLabels(prediction, reference, ignore);
        }
        return pairs;
    }

    /**
     * uint8 against uint8, the common case, without a per-voxel type switch. Runs of one pair (most of a label map)
     * are counted in a register and added to the table when the pair changes: incrementing one table cell voxel
     * after voxel would wait on its own previous store each time.
     */
    private void countBytes(MemorySegment prediction, MemorySegment reference, long voxels, Long ignore) {
        int ignored = ignore != null && ignore >= 0 && ignore < DENSE ? ignore.intValue() : -1;
        long counted = 0;
        int cell = 0;
        long run = 0;
        for (long i = 0; i < voxels; i++) {
            int g = Byte.toUnsignedInt(reference.get(ValueLayout.JAVA_BYTE, i));
            if (g != ignored) {
                int next = Byte.toUnsignedInt(prediction.get(ValueLayout.JAVA_BYTE, i)) << 8 | g;
                if (next != cell) {
                    dense[cell] += run;
                    counted += run;
                    cell = next;
                    run = 0;
                }
                run++;
            }
        }
        dense[cell] += run;
        total += counted + run;
    }

    private void countLabels(Tensor prediction, Tensor reference, Long ignore) {
        for (long i = 0; i < prediction.elementCount(); i++) {
            long g = label(reference, i);
            if (ignore != null && g == ignore) {
                continue;
            }
            long p = label(prediction, i);
            if (p >= 0 && p < DENSE && g >= 0 && g < DENSE) {
                dense[(int) p << 8 | (int) g]++;
            } else {
                sparse.merge(new Pair(p, g), 1L, Long::sum);
            }
            total++;
        }
    }

    private static long label(Tensor labels, long i) {
        MemorySegment data = labels.segment();
        return switch (labels.dtype()) {
            case UINT8 -> Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, i));
            case INT32 -> data.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            case INT64 -> data.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
            default -> throw new IllegalArgumentException("a label map must be an integer tensor, got " + labels.dtype());
        };
    }

    /** The counts of the region made of {@code members} (distinct labels; one for a plain label). */
    Counts counts(long[] members) {
        long tp = 0;
        long predicted = 0;
        long referenced = 0;
        for (long p : members) {
            for (long g : members) {
                tp += cell(p, g);
            }
        }
        for (int p = 0; p < DENSE; p++) {
            for (int g = 0; g < DENSE; g++) {
                long count = dense[p << 8 | g];
                if (count != 0) {
                    predicted += contains(members, p) ? count : 0;
                    referenced += contains(members, g) ? count : 0;
                }
            }
        }
        for (Map.Entry<Pair, Long> entry : sparse.entrySet()) {
            predicted += contains(members, entry.getKey().prediction()) ? entry.getValue() : 0;
            referenced += contains(members, entry.getKey().reference()) ? entry.getValue() : 0;
        }
        long fp = predicted - tp;
        long fn = referenced - tp;
        return new Counts(tp, fp, fn, total - tp - fp - fn);
    }

    private long cell(long p, long g) {
        if (p >= 0 && p < DENSE && g >= 0 && g < DENSE) {
            return dense[(int) p << 8 | (int) g];
        }
        return sparse.getOrDefault(new Pair(p, g), 0L);
    }

    private static boolean contains(long[] members, long label) {
        for (long member : members) {
            if (member == label) {
                return true;
            }
        }
        return false;
    }
}
