package org.dl4jlosses.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * When the coupled losses use their Java {@link CoupledKernel}s: float32 batches on the CPU
 * backend. Tests that compare a kernel with the loss's ND4J formula switch them off for a moment.
 */
public final class Kernels {
    private static volatile boolean enabled = true;

    private Kernels() {
    }

    /** Switches the Java kernels on or off for the whole JVM (for tests that compare them with the op path). */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /**
     * Whether the kernel runs: float32 at any size, with or without the Vector API (their heavy
     * products run in BLAS, the rest is light per-element work).
     */
    static boolean appliesCoupled(INDArray preOutput) {
        return appliesCoupled(preOutput, HOST_MEMORY);
    }

    /**
     * The decision, given the backend: the kernels read and write arrays through host memory,
     * which is the arrays' own memory only on the CPU backend. On a GPU backend the host copy can be
     * stale, so every call there takes the ND4J ops (which run on the GPU).
     */
    static boolean appliesCoupled(INDArray preOutput, boolean hostMemory) {
        return enabled && hostMemory && preOutput != null && preOutput.dataType() == DataType.FLOAT
                && preOutput.rank() == 2;
    }

    /** Whether this JVM's ND4J backend keeps arrays in host memory (the CPU backend). */
    static final boolean HOST_MEMORY = Nd4j.getEnvironment().isCPU();
}
