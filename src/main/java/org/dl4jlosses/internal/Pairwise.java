package org.dl4jlosses.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batched building blocks of the coupled losses: every pairwise similarity or distance of a batch
 * from one matrix product, and the backward passes that go with them. Every method returns new
 * arrays.
 */
public final class Pairwise {
    /** Norms below this are treated as this when normalising, so a zero row stays finite (PyTorch's F.normalize uses 1e-12). */
    public static final double NORM_EPS = 1e-12;

    private Pairwise() {
    }

    /** a b^T: [n, m] for a [n, D] and b [m, D]. */
    public static INDArray gram(INDArray a, INDArray b) {
        return a.mmul(b.transpose());
    }

    /** Row norms [n, 1]. */
    public static INDArray norms(INDArray a) {
        return Transforms.sqrt(Ops.rowSums(a.mul(a)), false);
    }

    /** a / max(|a|, 1e-12) row by row, given {@code norms = norms(a)}. */
    public static INDArray unitRows(INDArray a, INDArray norms) {
        return a.divColumnVector(Transforms.max(norms, NORM_EPS, true));
    }

    /**
     * The gradient with respect to a of a loss whose gradient with respect to
     * {@code u = a / max(|a|, eps)} is g: {@code (g - u (u . g)) / |a|} (rows whose norm is below
     * eps are scaled, not normalised, so for them it is {@code g / eps}).
     */
    public static INDArray unitRowsBackward(INDArray u, INDArray norms, INDArray g) {
        INDArray clamped = Transforms.max(norms, NORM_EPS, true);
        INDArray radial = u.mulColumnVector(Ops.rowSums(u.mul(g)));
        // Where the norm was clamped, u = a / eps is not a unit vector and the map is linear.
        INDArray normalised = norms.gte(NORM_EPS).castTo(g.dataType());
        return g.sub(radial.muliColumnVector(normalised)).diviColumnVector(clamped);
    }

    /**
     * Cross-entropy of each row of logits [n, m] against target rows t [n, m] that each sum to 1
     * (one-hot or soft): {@code loss_i = logsumexp(s_i) - t_i . s_i} [n, 1] (computed if
     * {@code loss} is true, else null) and its gradient {@code softmax(s_i) - t_i} [n, m]
     * (computed if {@code gradient} is true, else null). A candidate is excluded by adding
     * {@link #EXCLUDED} to its logit.
     */
    public static INDArray[] crossEntropy(INDArray logits, INDArray targets, boolean loss, boolean gradient) {
        INDArray lse = Ops.logSumExp(logits);
        INDArray rowLoss = loss ? lse.sub(Ops.rowSums(targets.mul(logits))) : null;
        INDArray grad = gradient ? Transforms.exp(logits.subColumnVector(lse), false).subi(targets) : null;
        return new INDArray[] {rowLoss, grad};
    }

    /** Added to a logit to exclude its candidate from a softmax: exp of it underflows to exactly 0, in float32 too. */
    public static final double EXCLUDED = -1e30;
}
