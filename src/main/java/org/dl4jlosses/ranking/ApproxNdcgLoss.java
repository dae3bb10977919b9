package org.dl4jlosses.ranking;

import java.util.Arrays;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.RowFormula;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * ApproxNDCG: minus the list's NDCG, with each item's rank replaced by a smooth one so that the
 * metric has a gradient. One row is one query's list of K items, z their scores and y their
 * relevance grades; with {@code a = z / temperature} and {@code sigma} the logistic function,
 *
 * <pre>
 *   r_i = 1 + sum_{j != i} sigma(a_j - a_i)                   (the smooth rank of item i)
 *   loss_row = -(1 / IDCG) sum_i (2^y_i - 1) / log2(1 + r_i)
 *   dL/dz_m = (1 / temperature) sum_{i != m} sigma'(a_i - a_m) (c_i - c_m),   c_i = dL/dr_i
 * </pre>
 *
 * with IDCG the DCG of the ideal order (the grades sorted, at ranks 1..K). A list without a
 * relevant item (IDCG = 0) has nothing to learn: loss and gradient 0. The loss lies in [-1, 0)
 * and tends to minus the exact NDCG as the temperature goes to 0. Its cost is K^2 logistic
 * functions per list (twice with the gradient), in whole vectors over the pairs {@code i < j}
 * (sigma(-x) = 1 - sigma(x) gives the other half).
 *
 * <p>Reference: Qin, Liu and Li (2010), "A General Approximation Framework for Direct Optimization
 * of Information Retrieval Measures"; TF-Ranking's {@code ApproxNDCGLoss(temperature)} (its
 * {@code alpha = 1 / temperature}), gains {@code 2^y - 1}, discounts {@code 1 / log2(1 + rank)},
 * mean over lists. TF-Ranking moves padded items' scores far below the list's least instead of
 * removing them; the two agree to the last digit.
 *
 * <p>Layout, labels (relevance grades, whose gains {@code 2^y} must be finite) and masks (padding)
 * are {@link ListwiseLoss}'s. Options: {@code temperature} (default 0.1, &gt; 0).
 */
@JsonDeserialize(builder = ApproxNdcgLoss.Builder.class)
public final class ApproxNdcgLoss extends ListwiseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code temperature}: see {@link Builder#temperature(double)}. */
    @Option(min = 0, minExclusive = true)
    private double temperature = 0.1;

    /** The defaults: temperature 0.1. */
    public ApproxNdcgLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup rowFormula(IActivation activation) {
        return new FormulaSetup(Formula.class, temperature);
    }

    /** {@return the option {@code temperature}} */
    public double getTemperature() {
        return temperature;
    }

    /** One list: the smooth ranks in a pass over the pairs, the DCG, and the gradient in a second pass. */
    static final class Formula implements RowFormula {
        private static final double LN2 = Math.log(2);
        private static final int SCALED = 0;
        private static final int RANKS = 1;
        private static final int SLOPES = 2;
        private static final int SUMS = 3;
        private final double temperature;

        Formula(double temperature, LaneMath<?> n) {
            this.temperature = temperature;
        }

        @Override
        public boolean denseLabels() {
            return true;
        }

        @Override
        public <V> double row(LaneMath<V> n, Object z, Object y, int target, Object gradient, Object scratch, int k,
                              double scale, boolean wantLoss) {
            double[] gains = Lists.doubles(2 * k);
            double idcg = idealDcg(n, y, k, gains);
            if (idcg == 0) {
                if (gradient != null) {
                    n.linear(gradient, 0, k, 0, 0);
                }
                return 0;
            }
            Object[] rows = Lists.rows(n, k, 4);
            Object a = rows[SCALED];
            Object rank = rows[RANKS];
            for (int i = 0; i < k; i++) {
                n.set(a, i, n.get(z, i) / temperature);
            }
            n.linear(rank, 0, k, 0, 1);
            for (int i = 0; i < k - 1; i++) {
                n.set(rank, i, n.get(rank, i) + pairsAbove(n, a, rank, i, k));
            }
            double dcg = 0;
            Object slope = rows[SLOPES];
            for (int i = 0; i < k; i++) {
                double log = Math.log1p(n.get(rank, i)) / LN2;
                dcg += gains[i] / log;
                // c_i = d(-g_i / (IDCG log2(1 + r_i))) / dr_i
                n.set(slope, i, gains[i] / (idcg * (1 + n.get(rank, i)) * LN2 * log * log));
            }
            if (gradient != null) {
                Object sums = rows[SUMS];
                n.linear(sums, 0, k, 0, 0);
                for (int m = 0; m < k - 1; m++) {
                    n.set(sums, m, n.get(sums, m) + pairSlopes(n, a, slope, sums, m, k));
                }
                for (int i = 0; i < k; i++) {
                    n.set(gradient, i, scale / temperature * n.get(sums, i));
                }
            }
            return -scale * dcg / idcg;
        }

        /**
         * {@code sum_{j > i} sigma(a_j - a_i)} (item i's rank above 1 from the items after it); adds
         * {@code sigma(a_i - a_j) = 1 - sigma(a_j - a_i)} to each later item's rank.
         */
        private static <V> double pairsAbove(LaneMath<V> n, Object a, Object rank, int i, int k) {
            int from = i + 1;
            int length = k - from;
            n.begin(length);
            int width = n.width(length);
            V ai = n.of(n.get(a, i));
            V one = n.of(1);
            V acc = n.of(0);
            for (int j = from; j < k; j += width) {
                V t = n.sigmoid(n.sub(n.loadRow(a, j), ai));
                acc = j + width <= k ? n.add(acc, t) : n.addLanes(acc, t, j - from, length);
                n.storeRow(n.add(n.loadRow(rank, j), n.sub(one, t)), rank, j);
            }
            return n.sum(acc, length);
        }

        /**
         * {@code sum_{j > m} w_mj (c_j - c_m)}, {@code w = sigma'(a_j - a_m)}, item m's share of the
         * pairs after it; subtracts each pair's term from the later item's sum.
         */
        private static <V> double pairSlopes(LaneMath<V> n, Object a, Object slope, Object sums, int m, int k) {
            int from = m + 1;
            int length = k - from;
            n.begin(length);
            int width = n.width(length);
            V am = n.of(n.get(a, m));
            V cm = n.of(n.get(slope, m));
            V one = n.of(1);
            V acc = n.of(0);
            for (int j = from; j < k; j += width) {
                V t = n.sigmoid(n.sub(n.loadRow(a, j), am));
                V term = n.mul(n.mul(t, n.sub(one, t)), n.sub(n.loadRow(slope, j), cm));
                acc = j + width <= k ? n.add(acc, term) : n.addLanes(acc, term, j - from, length);
                n.storeRow(n.sub(n.loadRow(sums, j), term), sums, j);
            }
            return n.sum(acc, length);
        }

        /**
         * The gains {@code 2^y - 1} into {@code gains[0..k)}, and the DCG of their ideal order
         * ({@code gains[k..2k)} sorted).
         */
        private static double idealDcg(LaneMath<?> n, Object y, int k, double[] gains) {
            for (int i = 0; i < k; i++) {
                gains[i] = Math.expm1(n.get(y, i) * LN2);
            }
            System.arraycopy(gains, 0, gains, k, k);
            Arrays.sort(gains, k, 2 * k);
            double idcg = 0;
            for (int r = 1; r <= k; r++) {
                idcg += gains[2 * k - r] / (Math.log1p(r) / LN2);
            }
            return idcg;
        }
    }

    /** Builder for {@link ApproxNdcgLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<ApproxNdcgLoss, Builder> {
        Builder() {
            super(new ApproxNdcgLoss());
        }

        /**
         * The smoothness of the ranks: each pair counts {@code sigma((z_j - z_i) / temperature)} of
         * a place. Smaller is closer to the exact NDCG but gives gradients only to pairs whose scores
         * are within a few temperatures of each other. Default 0.1 (TF-Ranking's); &gt; 0.
         *
         * @param temperature the option {@code temperature}
         * @return this builder
         */
        public Builder temperature(double temperature) {
            draft.temperature = temperature;
            return this;
        }
    }
}
