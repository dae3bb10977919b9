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
 * Supervised contrastive loss (Khosla et al., "Supervised Contrastive Learning", NeurIPS 2020,
 * arXiv 2004.11362; its L_out form, the mean over positives outside the log): every row is an
 * anchor, every other row of its id a positive, and each positive is scored against all the other
 * rows of the batch.
 *
 * <p>Layout GROUPS: {@code z [n, D]} embeddings, labels group ids {@code [n, 1]} (integers) or
 * one-hot rows {@code [n, C]}. With {@code x_ak = s_ak / t}, {@code s} the cosine ({@code normalize},
 * rows divided by {@code max(|a|, 1e-12)} as {@code F.normalize}, so a zero row stays finite) or the
 * dot product, and P(a) the other rows of a's id, an anchor with at least one positive costs
 * <pre>  L_a = -(1/|P(a)|) sum_{p in P(a)} log(e^{x_ap} / sum_{k != a} e^{x_ak})
 *       = LSE_{k != a}(x_ak) - mean_{p in P(a)} x_ap</pre>
 * and the loss is the mean of L_a over those anchors. Anchors without a positive are left out of
 * the mean. A batch with no positive pair or with a single id (no negative) has nothing to learn:
 * loss 0, gradient 0, as the reference gives (it returns zero then, although a one-id batch has a
 * non-zero L_a). The log-sum-exp is taken stably at any temperature.
 *
 * <p>Reference: pytorch-metric-learning {@code SupConLoss(temperature)} with its default
 * {@code CosineSimilarity} ({@code normalize = false}: {@code DotProductSimilarity}) and its default
 * {@code AvgNonZeroReducer}. That reducer averages the anchors whose loss is above 0; with a
 * negative in the batch every L_a is positive, so it leaves out only anchors whose loss has rounded
 * to exactly 0: an anchor with a single positive whose logit {@code s_ap / t} exceeds every other
 * logit of its row by more than about 17 (float32) or 37 (float64), which small temperatures make
 * possible (at t = 0.01 a cosine gap of 0.37 in float64). Here every anchor with a positive counts
 * in the mean; where the reference drops such an anchor, its mean is over fewer anchors (the
 * dropped losses being below 1e-7 or 1e-16). The reference adds the smallest normal number to
 * |P(a)|, a relative change below 1e-37.
 *
 * <p>Gradient, by hand: with A the number of anchors with a positive and n kept rows, the rows'
 * losses sum to {@code (n / A) sum_a L_a} (the mean spread evenly over the kept rows, so they sum
 * to n x the reference value), and {@code d/ds_ak = (n / (A t)) (softmax_a(x)_k - [k in P(a)] / |P(a)|)};
 * {@code dU = (dS + dS^T) U}, then through the normalisation.
 *
 * <p>Options: {@code temperature} t (default 0.1, finite and &gt; 0), dividing the similarities;
 * {@code normalize} (default true): cosines, else dot products. A row mask removes rows: a masked
 * row is nobody's positive or negative. Any activation is allowed; the loss reads its output.
 */
@JsonDeserialize(builder = SupervisedContrastiveLoss.Builder.class)
public final class SupervisedContrastiveLoss extends GroupPairLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code temperature}: see {@link Builder#temperature(double)}. */
    @Option(min = 0, minExclusive = true)
    private double temperature = 0.1;
    /** Option {@code normalize}: see {@link Builder#normalize(boolean)}. */
    @Option
    private boolean normalize = true;

    /** The defaults: temperature 0.1, normalize. */
    public SupervisedContrastiveLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup coupledFormula(IActivation activation) {
        return new FormulaSetup(Formula.class, temperature, normalize);
    }

    /** The formula over the kept rows. */
    static final class Formula implements CoupledFormula {
        private final double temperature;
        private final boolean normalize;

        Formula(double temperature, boolean normalize, LaneMath<?> n) {
            this.temperature = temperature;
            this.normalize = normalize;
        }

        @Override
        public <V> void evaluate(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient) {
            int count = rows.count();
            int[] group = rows.groups();
            int[][] members = rows.groupMembers();
            GroupSimilarities s = GroupSimilarities.ofAnchors(n, rows, normalize, losses, gradient);
            if (s == null) {
                return;
            }
            int anchors = GroupSimilarities.withPositives(members);
            // Each anchor's row of S in whole-row primitives, in place: logits, then (for the gradient) dL/dS.
            Object m = s.matrix();
            double k = count / (anchors * temperature);
            double lossSum = 0;
            for (int a = 0; a < count; a++) {
                int row = a * count;
                int[] own = members[group[a]];
                if (own.length < 2) {
                    n.linear(m, row, count, 0, 0);
                    continue;
                }
                n.scale(m, row, count, 1 / temperature);
                n.set(m, row + a, CandidateSoftmax.EXCLUDED);
                double positives = 0;
                for (int p : own) {
                    if (p != a) {
                        positives += n.get(m, row + p);
                    }
                }
                double max = n.max(m, row, count);
                double sum = n.expSum(m, row, count, max, gradient == null ? null : m);
                int size = own.length - 1;
                lossSum += max + Math.log(sum) - positives / size;
                if (gradient != null) {
                    // dL/ds_aj = (softmax_aj - [j in P(a)] / |P(a)|) n / (A t); the softmax is 0 at j = a.
                    n.scale(m, row, count, k / sum);
                    for (int p : own) {
                        if (p != a) {
                            n.set(m, row + p, n.get(m, row + p) - k / size);
                        }
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
    }

    /** {@return the option {@code temperature}} */
    public double getTemperature() {
        return temperature;
    }

    /** {@return the option {@code normalize}} */
    public boolean isNormalize() {
        return normalize;
    }

    /** Builder for {@link SupervisedContrastiveLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<SupervisedContrastiveLoss, Builder> {
        Builder() {
            super(new SupervisedContrastiveLoss());
        }

        /**
         * The temperature t: similarities are divided by it; smaller is sharper. Default 0.1; finite
         * and &gt; 0.
         *
         * @param temperature the option {@code temperature}
         * @return this builder
         */
        public Builder temperature(double temperature) {
            draft.temperature = temperature;
            return this;
        }

        /**
         * Whether rows are L2-normalised first ({@code a / max(|a|, 1e-12)}), so similarities are
         * cosines; false uses raw dot products. Default true.
         *
         * @param normalize the option {@code normalize}
         * @return this builder
         */
        public Builder normalize(boolean normalize) {
            draft.normalize = normalize;
            return this;
        }
    }
}
