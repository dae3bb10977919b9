package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.CoupledLoss;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.Units;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@link CoSentLoss} and {@link AnglELoss} share: pairs of embeddings with a similarity
 * score each, the {@code scale} option, and one formula ({@code PairScoreRanking}) that ranks the
 * pairs' similarities as their scores rank them. The two losses differ only in the similarity of
 * a pair: the cosine (CoSENT) or AnglE's angle similarity.
 *
 * <p>Layout BLOCKS, {@code G = 2}: {@code preOutput} is {@code [2N, D]}, rows {@code 0..N-1} the
 * left and {@code N..2N-1} the right embeddings of the N pairs (a {@code StackVertex} of two
 * inputs, then a shared encoder); labels {@code [2N, 1]}, of which block 0's (rows {@code 0..N-1})
 * are read: pair i's similarity score y_i, any finite value (only their order matters; block 1's
 * labels are not read). A row mask removes whole pairs (both rows share the mask value); a masked
 * pair's label is neither read nor checked. Any activation is allowed; the loss reads its output.
 *
 * <p>Computation: with {@code x_i = scale sim_i}, {@code L = log(1 + sum_{(i, j): y_i > y_j}
 * exp(x_j - x_i))} is a log-sum-exp with a zero term, taken over the pairs sorted by score (running
 * log-sum-exps over the groups of equal scores: O(N log N) time, no N x N array), so any scale gives
 * finite values. Gradient, by hand: with {@code w_ij = exp(x_j - x_i - L)},
 * {@code dL/dx_k = sum_{i: y_i > y_k} w_ik - sum_{j: y_k > y_j} w_kj}, times {@code scale} and the
 * similarity's derivative (see each loss), then back through the rows' normalisation
 * {@code r / max(|r|, 1e-12)}.
 */
public abstract class PairScoreRankingLoss extends CoupledLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code scale}: see {@link Builder#scale(double)}. */
    @Option(min = 0, minExclusive = true)
    double scale = 20.0;

    PairScoreRankingLoss() {
    }

    /** Whether the similarity is AnglE's angle similarity (else the cosine). */
    abstract boolean angle();

    @Override
    protected final Units units(INDArray preOutput) {
        if (angle() && preOutput.size(1) % 2 != 0) {
            throw Checks.fail(name(), "preOutput", "[2N, D] with D even (each embedding splits into a real and an "
                    + "imaginary half of D / 2 columns)", Checks.shape(preOutput));
        }
        return Units.blocks(2, "left; right");
    }

    @Override
    protected final LabelKind labelKind(IActivation activation) {
        return LabelKind.ROW_VALUES;
    }

    @Override
    protected final FormulaSetup coupledFormula(IActivation activation) {
        return new FormulaSetup(PairScoreRanking.class, scale, angle());
    }

    /** {@return the option {@code scale}} */
    public double getScale() {
        return scale;
    }

    /**
     * The setter of the shared option.
     *
     * @param <L> the loss
     * @param <B> the loss's builder
     */
    public abstract static class Builder<L extends PairScoreRankingLoss, B extends Builder<L, B>> extends LossBuilder<L, B> {
        Builder(L draft) {
            super(draft);
        }

        /**
         * The scale (inverse temperature): the pairs' similarities are multiplied by it before the
         * exponentials, so a larger scale punishes a misordered pair more sharply and an ordered
         * one less. Default 20.0 (sentence-transformers'); finite and &gt; 0.
         *
         * @param scale the option {@code scale}
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public B scale(double scale) {
            draft.scale = scale;
            return (B) this;
        }
    }
}
