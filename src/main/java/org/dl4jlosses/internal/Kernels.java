package org.dl4jlosses.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * When the losses use their Java {@link FloatKernel}s: float32 batches, with the Vector API at
 * any size, and without it only for small batches (where a native op's fixed cost dominates;
 * for large ones ND4J's vectorised native loops beat scalar Java). Tests that compare the two
 * paths switch them off for a moment.
 */
public final class Kernels {
    /** Without the Vector API, batches up to this many elements run in scalar Java. */
    static final long SCALAR_LIMIT = 1 << 14;

    private static volatile boolean enabled = true;

    private Kernels() {
    }

    /** Switches the Java kernels on or off for the whole JVM (for tests that compare them with the op path). */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /**
     * Coupled losses' kernels: float32 at any size, with or without the Vector API (their heavy
     * products run in BLAS, the rest is light per-element work).
     */
    static boolean appliesCoupled(INDArray preOutput) {
        return enabled && preOutput != null && preOutput.dataType() == DataType.FLOAT && preOutput.rank() == 2;
    }

    static boolean applies(INDArray preOutput) {
        return enabled && preOutput != null && preOutput.dataType() == DataType.FLOAT
                && preOutput.rank() == 2 && (Lanes.VECTOR || preOutput.length() <= SCALAR_LIMIT);
    }
}
