package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.CoupledFormula;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Multi-similarity loss (Wang et al., "Multi-Similarity Loss with General Pair Weighting for Deep
 * Metric Learning", CVPR 2019, arXiv 1904.06627), with the paper's pair mining: every row is an
 * anchor; its informative positives and negatives are mined by their cosines, then weighted by
 * soft-max terms of their own, of their anchor's other pairs and of a base similarity.
 *
 * <p>Layout GROUPS: {@code z [n, D]} embeddings, labels group ids {@code [n, 1]} (integers) or
 * one-hot rows {@code [n, C]}; rows of an anchor's id (but itself) are its positives, rows of other
 * ids its negatives. Similarities are cosines of the rows divided by {@code max(|a|, 1e-12)} (as
 * {@code F.normalize}; a zero row has cosine 0 with every row).
 *
 * <p>Mining ({@code miningEpsilon} e &gt;= 0): for an anchor a with positives and negatives, the
 * positive p is kept if {@code s_ap - e < max_n s_an} and the negative n if
 * {@code s_an + e > min_p s_ap} (strict; each side computed in the call's precision, as the
 * reference computes it in the tensor's); an anchor without a positive or without a negative keeps
 * nothing. With e &lt; 0 every pair is kept (no miner).
 *
 * <p>Each anchor's loss over its kept positives M+(a) and negatives M-(a):
 * <pre>  L_a = (1/alpha) log(1 + sum_{p in M+(a)} e^{-alpha (s_ap - base)})
 *      + (1/beta)  log(1 + sum_{n in M-(a)} e^{beta (s_an - base)})</pre>
 * (a term is 0 when its set is empty), and the loss is the mean of L_a over all n rows. Each
 * row's own L_a is its per-row loss, so the rows sum to n x the reference value.
 *
 * <p>Reference: pytorch-metric-learning {@code MultiSimilarityLoss(alpha, beta, base)} (cosine
 * similarity, {@code MeanReducer}) given the pairs of {@code MultiSimilarityMiner(epsilon)}, or all
 * pairs with e &lt; 0. Where that reference returns 0, so does this loss: a batch with no positive
 * pair or a single id while mining (the miner then returns nothing), and any batch whose kept pairs
 * are at most one positive and at most one negative pair (the reference's pair loss treats such a
 * pair list as empty). Without mining the terms of whatever pairs there are remain, as in the
 * reference: a one-id batch keeps its positive terms, a batch of distinct ids its negative ones. The log-sum-exps (with their zero term) are taken stably, so any alpha and beta
 * are finite.
 *
 * <p>Gradient, by hand, the mining held fixed (as autograd treats the miner's indices): with
 * {@code w} the soft-max weights of each log-sum-exp (the zero term included),
 * {@code dL/ds_ap = -w_ap} and {@code dL/ds_an = w_an}; {@code dU = (dS + dS^T) U}, then through
 * the normalisation.
 *
 * <p>Options: {@code alpha} (default 2.0, &gt; 0), the positive pairs' scale; {@code beta} (50.0,
 * &gt; 0), the negative pairs'; {@code base} (0.5, finite), the similarity both are measured from;
 * {@code miningEpsilon} (0.1, finite), the miner's margin, &lt; 0 disabling mining. A row mask
 * removes rows: a masked row is nobody's positive or negative. Any activation is allowed; the loss
 * reads its output.
 */
@JsonDeserialize(builder = MultiSimilarityLoss.Builder.class)
public final class MultiSimilarityLoss extends GroupPairLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code alpha}: see {@link Builder#alpha(double)}. */
    @Option(min = 0, minExclusive = true)
    private double alpha = 2.0;
    /** Option {@code beta}: see {@link Builder#beta(double)}. */
    @Option(min = 0, minExclusive = true)
    private double beta = 50.0;
    /** Option {@code base}: see {@link Builder#base(double)}. */
    @Option
    private double base = 0.5;
    /** Option {@code miningEpsilon}: see {@link Builder#miningEpsilon(double)}. */
    @Option
    private double miningEpsilon = 0.1;

    /** The defaults: alpha 2, beta 50, base 0.5, miningEpsilon 0.1. */
    public MultiSimilarityLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup coupledFormula(IActivation activation) {
        return new FormulaSetup(Formula.class, alpha, beta, base, miningEpsilon);
    }

    /** The formula over the kept rows. */
    static final class Formula implements CoupledFormula {
        private final double alpha;
        private final double beta;
        private final double base;
        private final double epsilon;

        Formula(double alpha, double beta, double base, double epsilon, LaneMath<?> n) {
            this.alpha = alpha;
            this.beta = beta;
            this.base = base;
            this.epsilon = epsilon;
        }

        @Override
        public <V> void evaluate(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient) {
            int count = rows.count();
            int[] group = rows.groups();
            int[][] members = rows.groupMembers();
            boolean mining = epsilon >= 0;
            if (count < 2 || mining && !GroupSimilarities.positivesAndNegatives(members)) {
                GroupSimilarities.zero(n, rows, losses, gradient);
                return;
            }
            GroupSimilarities s = new GroupSimilarities(n, rows, true);
            // kept[a * count + j]: whether the pair (a, j) is kept (mined); counted by kind.
            boolean[] kept = new boolean[count * count];
            double[] x = new double[count];
            long positives = 0;
            long negatives = 0;
            double eps = s.round(epsilon);
            for (int a = 0; a < count; a++) {
                s.row(a, x);
                int g = group[a];
                double minPositive = Double.POSITIVE_INFINITY;
                double maxNegative = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < count; j++) {
                    if (j != a && group[j] == g) {
                        minPositive = Math.min(minPositive, x[j]);
                    } else if (group[j] != g) {
                        maxNegative = Math.max(maxNegative, x[j]);
                    }
                }
                boolean both = minPositive != Double.POSITIVE_INFINITY && maxNegative != Double.NEGATIVE_INFINITY;
                for (int j = 0; j < count; j++) {
                    boolean keep;
                    if (j == a) {
                        keep = false;
                    } else if (!mining) {
                        keep = true;
                    } else if (group[j] == g) {
                        keep = both && s.round(x[j] - eps) < maxNegative;
                    } else {
                        keep = both && s.round(x[j] + eps) > minPositive;
                    }
                    if (keep) {
                        kept[a * count + j] = true;
                        if (group[j] == g) {
                            positives++;
                        } else {
                            negatives++;
                        }
                    }
                }
            }
            if (positives <= 1 && negatives <= 1) {
                GroupSimilarities.zero(n, rows, losses, gradient);
                return;
            }
            double[] y = new double[count];
            for (int a = 0; a < count; a++) {
                s.row(a, x);
                int g = group[a];
                // The exponents: -alpha (s - base) for kept positives, beta (s - base) for kept negatives.
                double maxPositive = 0;
                double maxNegative = 0;
                for (int j = 0; j < count; j++) {
                    if (kept[a * count + j]) {
                        if (group[j] == g) {
                            y[j] = -alpha * (x[j] - base);
                            maxPositive = Math.max(maxPositive, y[j]);
                        } else {
                            y[j] = beta * (x[j] - base);
                            maxNegative = Math.max(maxNegative, y[j]);
                        }
                    }
                }
                double positiveSum = Math.exp(-maxPositive);
                double negativeSum = Math.exp(-maxNegative);
                for (int j = 0; j < count; j++) {
                    if (kept[a * count + j]) {
                        if (group[j] == g) {
                            positiveSum += Math.exp(y[j] - maxPositive);
                        } else {
                            negativeSum += Math.exp(y[j] - maxNegative);
                        }
                    }
                }
                if (losses != null) {
                    losses[a] = (maxPositive + Math.log(positiveSum)) / alpha
                            + (maxNegative + Math.log(negativeSum)) / beta;
                }
                if (gradient != null) {
                    for (int j = 0; j < count; j++) {
                        if (!kept[a * count + j]) {
                            x[j] = 0;
                        } else if (group[j] == g) {
                            x[j] = -Math.exp(y[j] - maxPositive) / positiveSum;
                        } else {
                            x[j] = Math.exp(y[j] - maxNegative) / negativeSum;
                        }
                    }
                    s.setRow(a, x);
                }
            }
            if (gradient != null) {
                s.backward(gradient);
            }
        }
    }

    /** {@return the option {@code alpha}} */
    public double getAlpha() {
        return alpha;
    }

    /** {@return the option {@code beta}} */
    public double getBeta() {
        return beta;
    }

    /** {@return the option {@code base}} */
    public double getBase() {
        return base;
    }

    /** {@return the option {@code miningEpsilon}} */
    public double getMiningEpsilon() {
        return miningEpsilon;
    }

    /** Builder for {@link MultiSimilarityLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<MultiSimilarityLoss, Builder> {
        Builder() {
            super(new MultiSimilarityLoss());
        }

        /**
         * The scale of the positive pairs' term, {@code (1/alpha) log(1 + sum e^{-alpha (s_ap - base)})}.
         * Default 2.0; finite and &gt; 0.
         *
         * @param alpha the option {@code alpha}
         * @return this builder
         */
        public Builder alpha(double alpha) {
            draft.alpha = alpha;
            return this;
        }

        /**
         * The scale of the negative pairs' term, {@code (1/beta) log(1 + sum e^{beta (s_an - base)})}.
         * Default 50.0; finite and &gt; 0.
         *
         * @param beta the option {@code beta}
         * @return this builder
         */
        public Builder beta(double beta) {
            draft.beta = beta;
            return this;
        }

        /**
         * The cosine both terms are measured from: positives are pulled above it, negatives pushed
         * below it. Default 0.5; finite.
         *
         * @param base the option {@code base}
         * @return this builder
         */
        public Builder base(double base) {
            draft.base = base;
            return this;
        }

        /**
         * The miner's margin e: a positive is kept if its cosine is below the anchor's largest
         * negative cosine plus e, a negative if above the smallest positive cosine minus e; a value
         * &lt; 0 disables mining (every pair is kept). Default 0.1; finite.
         *
         * @param miningEpsilon the option {@code miningEpsilon}
         * @return this builder
         */
        public Builder miningEpsilon(double miningEpsilon) {
            draft.miningEpsilon = miningEpsilon;
            return this;
        }
    }
}
