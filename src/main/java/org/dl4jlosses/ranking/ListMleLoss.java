package org.dl4jlosses.ranking;

import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.RowFormula;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * ListMLE: the Plackett-Luce negative log-likelihood of the list's order by relevance. One row is
 * one query's list of K items, z their scores; with {@code pi} the items by grade, highest first,
 *
 * <pre>
 *   loss_row = sum_i [ log sum_{j &gt;= i} exp(z_pi(j)) - z_pi(i) ]
 *   dL/dz_pi(j) = sum_{i &lt;= j} softmax over {pi(i), ..., pi(K)} at pi(j)  -  1
 * </pre>
 *
 * the probability that a Plackett-Luce model of the scores draws the items in that order, one at a
 * time without replacement. Items of equal grade keep the order they come in (the earlier column
 * first), so every call sees the same permutation; TF-Ranking shuffles ties at random instead, and
 * the two agree on lists without ties. Each list is its own log-sum-exp, from its largest score, in
 * a pass in whole vectors; a list whose scores span more than the precision's exponent range
 * (a tail that would underflow) is summed from the tail with a running maximum instead, exact for
 * scores of any magnitude.
 *
 * <p>Reference: Xia et al. (2008), "Listwise Approach to Learning to Rank: Theory and Algorithm";
 * TF-Ranking's {@code ListMLELoss} (without its random tie-breaking), mean over lists.
 *
 * <p>Layout, labels (relevance grades) and masks (padding) are {@link ListwiseLoss}'s. No options.
 */
@JsonDeserialize(builder = ListMleLoss.Builder.class)
public final class ListMleLoss extends ListwiseLoss {
    private static final long serialVersionUID = 1L;

    /** The only configuration: there are no options. */
    public ListMleLoss() {
    }

    /** {@return a new builder (there is nothing to set; for symmetry with the other losses and DL4J's JSON)} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup rowFormula(IActivation activation) {
        return new FormulaSetup(Formula.class);
    }

    /**
     * One list, in the order {@code pi} ({@code s_i = z_pi(i)}): {@code m = max s},
     * {@code e_i = exp(s_i - m)}, suffix sums {@code S_i = sum_{j >= i} e_j}; the loss is
     * {@code sum_i (log S_i + m - s_i)} and the gradient {@code e_j sum_{i <= j} 1 / S_i - 1}.
     */
    static final class Formula implements RowFormula {
        private static final int ORDERED = 0;
        private static final int EXPS = 1;
        private static final int SUFFIX = 2;
        /** The smallest suffix sum whose underflowed terms (below the precision's smallest normal) cannot matter. */
        private final double smallestSum;

        Formula(LaneMath<?> n) {
            smallestSum = n.dataType() == DataType.FLOAT ? 1e-20 : 1e-290;
        }

        @Override
        public boolean denseLabels() {
            return true;
        }

        @Override
        public <V> double row(LaneMath<V> n, Object z, Object y, int target, Object gradient, Object scratch, int k,
                              double scale, boolean wantLoss) {
            int[] order = Lists.byGrade(n, y, k);
            Object[] rows = Lists.rows(n, k, 3);
            Object s = rows[ORDERED];
            for (int i = 0; i < k; i++) {
                n.set(s, i, n.get(z, order[i]));
            }
            n.begin(k);
            Object e = rows[EXPS];
            Object suffix = rows[SUFFIX];
            double max = n.max(s, 0, k);
            n.expSum(s, 0, k, max, e);
            double sum = 0;
            for (int i = k - 1; i >= 0; i--) {
                sum += n.get(e, i);
                n.set(suffix, i, sum);
            }
            if (n.get(e, k - 1) < smallestSum) {
                return fromTheTail(n, s, order, gradient, k, scale);
            }
            if (gradient != null) {
                double inverses = 0;
                for (int j = 0; j < k; j++) {
                    inverses += 1 / n.get(suffix, j);
                    n.set(gradient, order[j], scale * (n.get(e, j) * inverses - 1));
                }
            }
            if (!wantLoss) {
                return 0;
            }
            // sum_i log S_i + sum_i (m - s_i), each term >= 0: no digits lost to scores far from zero.
            n.linear(s, 0, k, -1, max);
            return scale * (logSum(n, suffix, k) + Lists.sum(n, s, k));
        }

        /** {@code sum_i log x_i} over k elements. */
        private static <V> double logSum(LaneMath<V> n, Object x, int k) {
            n.begin(k);
            int width = n.width(k);
            V acc = n.of(0);
            for (int i = 0; i < k; i += width) {
                V term = n.log(n.loadRow(x, i));
                acc = i + width <= k ? n.add(acc, term) : n.addLanes(acc, term, i, k);
            }
            return n.sum(acc, k);
        }

        /**
         * The list whose tail underflows from its largest score: {@code L_i = log sum_{j >= i} exp(s_j)}
         * from the tail with a running maximum, the loss {@code sum_i (L_i - s_i)} and the gradient
         * {@code exp(s_j - L_j) Q_j - 1} with {@code Q_j = 1 + exp(L_j - L_{j-1}) Q_{j-1}}: every
         * exponent is at most 0. L is kept in float64 whatever the precision: a float32 L near 1e4
         * would be off by 1e-3.
         */
        private static double fromTheTail(LaneMath<?> n, Object s, int[] order, Object gradient, int k, double scale) {
            double[] logs = Lists.doubles(k);
            double running = n.get(s, k - 1);
            double sum = 1;
            double loss = 0;
            for (int i = k - 1; i >= 0; i--) {
                double si = n.get(s, i);
                if (si > running) {
                    sum = sum * Math.exp(running - si) + 1;
                    running = si;
                } else if (i < k - 1) {
                    sum += Math.exp(si - running);
                }
                double log = running + Math.log(sum);
                logs[i] = log;
                loss += log - si;
            }
            if (gradient != null) {
                double q = 0;
                double previous = 0;
                for (int j = 0; j < k; j++) {
                    double log = logs[j];
                    q = 1 + (j == 0 ? 0 : Math.exp(log - previous) * q);
                    previous = log;
                    n.set(gradient, order[j], scale * (Math.exp(n.get(s, j) - log) * q - 1));
                }
            }
            return scale * loss;
        }
    }

    /** Builder for {@link ListMleLoss}, which has no options. */
    public static final class Builder extends LossBuilder<ListMleLoss, Builder> {
        Builder() {
            super(new ListMleLoss());
        }
    }
}
