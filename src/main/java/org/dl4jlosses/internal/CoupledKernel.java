package org.dl4jlosses.internal;

/**
 * A coupled loss's formula in Java over float32 arrays: the fast path of a {@link CoupledLoss}
 * for float32 batches (see {@link CoupledLoss#coupledKernel}). It sees the kept rows, as the ND4J
 * formula does, and must give the same per-row losses and gradient.
 */
public interface CoupledKernel {
    /**
     * Evaluates the formula over {@code rows}. Writes each kept row's loss into {@code losses}
     * (length {@code rows.count()}, null when only the gradient is wanted) and the derivative of
     * their sum with respect to {@code preOutput} into {@code gradient} (row-major
     * {@code count x columns}, every element written; null when only the score is wanted).
     *
     * @return false when the labels are outside the loss's domain: the ND4J formula then runs and
     *         reports them with its message
     */
    boolean evaluate(KeptRows rows, float[] losses, float[] gradient);
}
