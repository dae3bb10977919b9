package org.dl4jlosses.internal;

/**
 * One row of a loss's formula in Java, for float32 batches with the activation fused (softmax,
 * sigmoid or identity). The base ({@link KernelPath}) does everything around it once: reading
 * the rows from ND4J's memory, label checks, masks, the row loop over two threads for large
 * batches, reduction and writing the gradient, so a kernel is only the formula. A loss offers
 * one through {@link BaseLoss#floatKernel}; every other call (float64, other activations) runs
 * the loss's ND4J formula, which defines the same numbers.
 */
public interface FloatKernel {
    /**
     * The loss of {@code row} (its mask not applied), and when {@code row.gradient} is not null,
     * {@code dL/dz} of that loss written there.
     */
    double loss(FloatRow row);

    /**
     * Whether {@code row.z} is inside the loss's domain (default: always). When a row is not, the
     * op path runs instead and reports it with its message. It may clamp {@code row.z} in place
     * (the row is the kernel path's own copy) where the op path clamps values within rounding.
     */
    default boolean accepts(FloatRow row) {
        return true;
    }

    /**
     * From how many elements a batch is worth splitting over the cores (default 2^13, measured
     * for kernels with a transcendental per element: a 16 x 1000 softmax batch is faster split;
     * cheap arithmetic needs more work to repay the hand-off to {@link Workers}).
     */
    default long parallelFrom() {
        return 1 << 13;
    }
}
