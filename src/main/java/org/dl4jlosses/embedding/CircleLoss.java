package org.dl4jlosses.embedding;

import java.util.Arrays;
import org.dl4jlosses.internal.CoupledFormula;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Circle loss (Sun et al., "Circle Loss: A Unified Perspective of Pair Similarity Optimization",
 * CVPR 2020, arXiv 2002.10857), in its pair-similarity form: every row is an anchor, and each
 * similarity is weighted by how far it is from its optimum, so the decision boundary is a circle.
 *
 * <p>Layout GROUPS: {@code z [n, D]} embeddings, labels group ids {@code [n, 1]} (integers) or
 * one-hot rows {@code [n, C]}; rows of an anchor's id (but itself) are its positives P(a), rows of
 * other ids its negatives N(a). Similarities are cosines of the rows divided by
 * {@code max(|a|, 1e-12)} (as {@code F.normalize}; a zero row has cosine 0 with every row). With
 * margin m and scale gamma:
 * <pre>  alpha_p = max(0, 1 + m - s_ap),  alpha_n = max(0, s_an + m)
 *  logit_p = -gamma alpha_p (s_ap - (1 - m)),  logit_n = gamma alpha_n (s_an - m)
 *  L_a = softplus(LSE_{p in P(a)} logit_p + LSE_{n in N(a)} logit_n)</pre>
 * for each anchor with a positive and a negative; the loss is the mean of L_a over those anchors
 * (the others are left out), spread evenly over the kept rows, so they sum to n x the reference
 * value. A batch without such an anchor (one id, or no two rows of an id) gives loss 0 and gradient 0.
 *
 * <p>Reference: pytorch-metric-learning {@code CircleLoss(m, gamma)} (cosine similarity, its
 * default {@code AvgNonZeroReducer}; Keras 3 {@code keras.losses.Circle} is the same method on
 * embeddings normalised beforehand, averaged over all rows, and is not the reference here).
 * Decisions where this differs: the reference's {@code Softplus} returns x itself above 20 (off by
 * at most 2.1e-9); its reducer averages the anchors whose loss is above 0, which leaves out an anchor
 * with a positive and a negative only when its loss has rounded to exactly 0. Each log-sum-exp is
 * at least {@code -gamma m^2} (the least logit), so that needs {@code 2 gamma m^2} above about 104
 * in float32 or 745 in float64 (gamma above 325 at the default m); such an anchor still counts
 * in the mean here, with its loss below 1e-45 (float32) or 1e-323. The log-sum-exps and the
 * softplus are exact at any gamma.
 *
 * <p>Gradient, by hand: the derivative of the loss itself, weights included. Where the weights are
 * positive the logits are {@code gamma ((1 - s_ap)^2 - m^2)} and {@code gamma (s_an^2 - m^2)}, so
 * with {@code x = LSE_p + LSE_n}, A such anchors and n kept rows,
 * {@code d/ds_ap = -(n/A) sigma(x) softmax_P(logit)_p 2 gamma (1 - s_ap)} and
 * {@code d/ds_an = (n/A) sigma(x) softmax_N(logit)_n 2 gamma s_an} (0 where a weight is 0);
 * {@code dU = (dS + dS^T) U}, then through the normalisation. The reference detaches alpha_p and
 * alpha_n, and the paper's gradient holds them constant ({@code gamma alpha} in place of
 * {@code 2 gamma (1 - s)} and {@code 2 gamma s}: the same direction for each similarity, another
 * size); here the gradient is the score's own derivative, as for every loss of this library (DL4J's
 * gradient checks hold, and training descends the score it reports). The loss values are the
 * reference's.
 *
 * <p>Options: {@code margin} m (default 0.4, in [0, 1]), the relaxation: the optima are
 * {@code 1 + m} and {@code -m}, the decision margins {@code 1 - m} and {@code m}; {@code gamma}
 * (default 80.0, &gt; 0), the scale. The paper suggests m = 0.25, gamma = 256 for face recognition,
 * m = 0.25, gamma = 128 for person re-identification and the defaults for fine-grained retrieval.
 * A row mask removes rows: a masked row is nobody's positive or negative. Any activation is
 * allowed; the loss reads its output.
 */
@JsonDeserialize(builder = CircleLoss.Builder.class)
public final class CircleLoss extends GroupPairLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code margin}: see {@link Builder#margin(double)}. */
    @Option(min = 0, max = 1)
    private double margin = 0.4;
    /** Option {@code gamma}: see {@link Builder#gamma(double)}. */
    @Option(min = 0, minExclusive = true)
    private double gamma = 80.0;

    /** The defaults: margin 0.4, gamma 80. */
    public CircleLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup coupledFormula(IActivation activation) {
        return new FormulaSetup(Formula.class, margin, gamma);
    }

    /** The formula over the kept rows. */
    static final class Formula implements CoupledFormula {
        private final double margin;
        private final double gamma;

        Formula(double margin, double gamma, LaneMath<?> n) {
            this.margin = margin;
            this.gamma = gamma;
        }

        @Override
        public <V> void evaluate(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient) {
            int count = rows.count();
            int[] group = rows.groups();
            int[][] members = rows.groupMembers();
            GroupSimilarities s = GroupSimilarities.ofAnchors(n, rows, true, losses, gradient);
            if (s == null) {
                return;
            }
            int anchors = GroupSimilarities.withPositives(members);
            // Each anchor's row of S in whole-row primitives, in place: the negatives' logits (its own
            // id's excluded), their exponentials, then dL/dS; the similarities stay in a copy.
            Object m = s.matrix();
            Object similarities = n.row(count);
            double k = (double) count / anchors;
            double lossSum = 0;
            for (int a = 0; a < count; a++) {
                int row = a * count;
                int[] own = members[group[a]];
                if (own.length < 2) {
                    n.linear(m, row, count, 0, 0);
                    continue;
                }
                System.arraycopy(m, row, similarities, 0, count);
                negativeLogits(n, m, row, count);
                for (int j : own) {
                    n.set(m, row + j, CandidateSoftmax.EXCLUDED);
                }
                // The few positives one by one: logits, their log-sum-exp.
                double maxPositive = Double.NEGATIVE_INFINITY;
                for (int p : own) {
                    if (p != a) {
                        maxPositive = Math.max(maxPositive, positiveLogit(n.get(similarities, p)));
                    }
                }
                double positiveSum = 0;
                for (int p : own) {
                    if (p != a) {
                        positiveSum += Math.exp(positiveLogit(n.get(similarities, p)) - maxPositive);
                    }
                }
                double maxNegative = n.max(m, row, count);
                double negativeSum = n.expSum(m, row, count, maxNegative, gradient == null ? null : m);
                double total = maxPositive + Math.log(positiveSum) + maxNegative + Math.log(negativeSum);
                lossSum += GroupSimilarities.softplus(total);
                if (gradient != null) {
                    double outer = k * GroupSimilarities.sigmoid(total);
                    // Negatives: outer softmax_N 2 gamma s where s > -m; the exponentials are 0 on a's own id.
                    negativeSlopes(n, m, row, similarities, count, outer / negativeSum);
                    for (int p : own) {
                        double x = n.get(similarities, p);
                        double weight = Math.max(0, 1 + margin - x);
                        n.set(m, row + p, p == a || weight == 0 ? 0
                                : outer * Math.exp(positiveLogit(x) - maxPositive) / positiveSum * -2 * gamma * (1 - x));
                    }
                }
            }
            if (losses != null) {
                Arrays.fill(losses, 0, count, lossSum / anchors);
            }
            if (gradient != null) {
                s.backward(gradient);
            }
        }

        /** {@code logit_p = -gamma alpha_p (s - (1 - m))}, {@code alpha_p = max(0, 1 + m - s)}. */
        private double positiveLogit(double x) {
            return -gamma * Math.max(0, 1 + margin - x) * (x - (1 - margin));
        }

        /** Row {@code row} of m, in place: {@code gamma max(0, s + m) (s - m)} of every similarity. */
        private <V> void negativeLogits(LaneMath<V> n, Object m, int row, int count) {
            n.begin(count);
            V shift = n.of(margin);
            V scale = n.of(gamma);
            V zero = n.of(0);
            int width = n.width(count);
            int whole = count / width * width;
            for (int i = 0; i < whole; i += width) {
                V x = n.loadRow(m, row + i);
                n.storeRow(n.mul(n.mul(scale, n.max(n.add(x, shift), zero)), n.sub(x, shift)), m, row + i);
            }
            for (int i = whole; i < count; i++) {
                double x = n.get(m, row + i);
                n.set(m, row + i, gamma * Math.max(0, x + margin) * (x - margin));
            }
        }

        /**
         * Row {@code row} of m, in place, from the negatives' exponentials there: times
         * {@code factor 2 gamma s} where {@code s + m >= 0}, 0 elsewhere.
         */
        private <V> void negativeSlopes(LaneMath<V> n, Object m, int row, Object similarities, int count, double factor) {
            n.begin(count);
            V shift = n.of(margin);
            V scale = n.of(2 * gamma * factor);
            V zero = n.of(0);
            int width = n.width(count);
            int whole = count / width * width;
            for (int i = 0; i < whole; i += width) {
                V x = n.loadRow(similarities, i);
                V slope = n.whereNonNegative(n.add(x, shift), n.mul(scale, x), zero);
                n.storeRow(n.mul(n.loadRow(m, row + i), slope), m, row + i);
            }
            for (int i = whole; i < count; i++) {
                double x = n.get(similarities, i);
                n.set(m, row + i, x + margin >= 0 ? n.get(m, row + i) * 2 * gamma * factor * x : 0);
            }
        }
    }

    /** {@return the option {@code margin}} */
    public double getMargin() {
        return margin;
    }

    /** {@return the option {@code gamma}} */
    public double getGamma() {
        return gamma;
    }

    /** Builder for {@link CircleLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<CircleLoss, Builder> {
        Builder() {
            super(new CircleLoss());
        }

        /**
         * The relaxation m: positives are weighted towards the optimum {@code 1 + m} with margin
         * {@code 1 - m}, negatives towards {@code -m} with margin {@code m}. Default 0.4; in [0, 1].
         *
         * @param margin the option {@code margin}
         * @return this builder
         */
        public Builder margin(double margin) {
            draft.margin = margin;
            return this;
        }

        /**
         * The scale gamma of the weighted similarities. Default 80.0; finite and &gt; 0.
         *
         * @param gamma the option {@code gamma}
         * @return this builder
         */
        public Builder gamma(double gamma) {
            draft.gamma = gamma;
            return this;
        }
    }
}
