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
            // Each anchor's row of S in whole-row primitives, in place: the kept negatives' exponents
            // (everything else excluded), their exponentials, then dL/dS; the similarities stay in a copy.
            Object m = s.matrix();
            Object similarities = n.row(count);
            double eps = s.round(epsilon);
            // Kept pairs are counted only up to 2 of each kind: at most 1 and 1 means loss 0.
            long positives = 0;
            long negatives = 0;
            for (int a = 0; a < count; a++) {
                int row = a * count;
                int[] own = members[group[a]];
                System.arraycopy(m, row, similarities, 0, count);
                for (int j : own) {
                    n.set(m, row + j, CandidateSoftmax.EXCLUDED);
                }
                boolean hasNegatives = own.length < count;
                double maxNegative = hasNegatives ? n.max(m, row, count) : Double.NEGATIVE_INFINITY;
                double minPositive = Double.POSITIVE_INFINITY;
                for (int p : own) {
                    if (p != a) {
                        minPositive = Math.min(minPositive, n.get(similarities, p));
                    }
                }
                boolean both = own.length > 1 && hasNegatives;
                if (mining && !both) {
                    n.linear(m, row, count, 0, 0);
                    if (losses != null) {
                        losses[a] = 0;
                    }
                    continue;
                }
                // Negatives: beta (s - base) where kept (s + e > min_p s_ap while mining), excluded elsewhere.
                negativeExponents(n, s, m, row, count, mining ? minPositive : Double.NEGATIVE_INFINITY, eps);
                for (int j : own) {
                    n.set(m, row + j, CandidateSoftmax.EXCLUDED);
                }
                if (negatives < 2) {
                    negatives += kept(n, m, row, count, 2 - negatives);
                }
                // With the zero term: (1/beta) (M + log(e^-M + sum e^{x - M})), M = max(0, max x).
                double negativeMax = Math.max(0, n.max(m, row, count));
                double negativeSum = Math.exp(-negativeMax) + n.expSum(m, row, count, negativeMax, gradient == null ? null : m);
                // Positives, few: -alpha (s - base) where kept (s - e < max_n s_an while mining).
                double positiveMax = 0;
                for (int p : own) {
                    if (p != a && keptPositive(s, n.get(similarities, p), maxNegative, eps, mining)) {
                        positiveMax = Math.max(positiveMax, -alpha * (n.get(similarities, p) - base));
                        positives++;
                    }
                }
                double positiveSum = Math.exp(-positiveMax);
                for (int p : own) {
                    if (p != a && keptPositive(s, n.get(similarities, p), maxNegative, eps, mining)) {
                        positiveSum += Math.exp(-alpha * (n.get(similarities, p) - base) - positiveMax);
                    }
                }
                if (losses != null) {
                    losses[a] = (positiveMax + Math.log(positiveSum)) / alpha + (negativeMax + Math.log(negativeSum)) / beta;
                }
                if (gradient != null) {
                    // dL/ds_an = w_an (the exponentials, 0 where not kept), dL/ds_ap = -w_ap.
                    n.scale(m, row, count, 1 / negativeSum);
                    for (int p : own) {
                        double x = n.get(similarities, p);
                        n.set(m, row + p, p != a && keptPositive(s, x, maxNegative, eps, mining)
                                ? -Math.exp(-alpha * (x - base) - positiveMax) / positiveSum : 0);
                    }
                }
            }
            if (positives <= 1 && negatives <= 1) {
                GroupSimilarities.zero(n, rows, losses, gradient);
                return;
            }
            if (gradient != null) {
                s.backward(gradient);
            }
        }

        private static boolean keptPositive(GroupSimilarities s, double x, double maxNegative, double eps, boolean mining) {
            return !mining || s.round(x - eps) < maxNegative;
        }

        /**
         * Row {@code row} of m, in place: {@code beta (s - base)} where {@code s + e > floor}
         * (every s for a floor of -infinity), {@link CandidateSoftmax#EXCLUDED} elsewhere.
         */
        private <V> void negativeExponents(LaneMath<V> n, GroupSimilarities s, Object m, int row, int count, double floor,
                                           double eps) {
            n.begin(count);
            V threshold = n.of(floor);
            V e = n.of(eps);
            V b = n.of(beta);
            V shift = n.of(base);
            V excluded = n.of(CandidateSoftmax.EXCLUDED);
            int width = n.width(count);
            int whole = count / width * width;
            for (int i = 0; i < whole; i += width) {
                V x = n.loadRow(m, row + i);
                // Not kept where floor - (s + e) >= 0: s + e > floor strictly, in the lanes' precision.
                n.storeRow(n.whereNonNegative(n.sub(threshold, n.add(x, e)), excluded, n.mul(b, n.sub(x, shift))), m, row + i);
            }
            for (int i = whole; i < count; i++) {
                double x = n.get(m, row + i);
                n.set(m, row + i, s.round(x + eps) > floor ? beta * (x - base) : CandidateSoftmax.EXCLUDED);
            }
        }

        /** How many of row {@code row}'s entries are kept (not excluded), counting no further than {@code enough}. */
        private static long kept(LaneMath<?> n, Object m, int row, int count, long enough) {
            long found = 0;
            for (int j = 0; j < count && found < enough; j++) {
                // A kept exponent is at least beta (-1 - base); an excluded one is -1e30 in either precision.
                found += n.get(m, row + j) > CandidateSoftmax.EXCLUDED / 2 ? 1 : 0;
            }
            return found;
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
