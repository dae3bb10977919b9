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
}
