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
     * Whether, for this row (its element mask set), a non-finite label always makes the returned
     * loss non-finite, even when {@code row.wantLoss} is false (default: no). For real-valued
     * labels the path then checks the labels only when the loss is not finite.
     */
    default boolean lossRevealsNonFiniteLabels(FloatRow row) {
        return false;
    }

    /**
     * From how many elements a batch is worth splitting over the cores (default 2^16, right for
     * kernels with a transcendental per element; cheap arithmetic is bound by memory and needs
     * more to repay the hand-off).
     */
    default long parallelFrom() {
        return 1 << 16;
    }
}
