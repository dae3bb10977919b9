package org.dl4jlosses.ranking;

import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.RowFormula;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Listwise softmax loss (ListNet's top-one form): the cross-entropy between the list's relevance,
 * normalised to a distribution, and the softmax of its scores. One row is one query's list of K
 * items, z their scores and y their relevance grades:
 *
 * <pre>
 *   loss_row = -sum_k (y_k / sum y) log softmax(z)_k,   dL/dz = softmax(z) - y / sum y
 * </pre>
 *
 * A list without a relevant item ({@code sum y = 0}) has nothing to learn: loss and gradient 0.
 * Computed as {@code log sum exp(z - max) - sum_k (y_k / sum y)(z_k - max)}, exact for scores of
 * any magnitude.
 *
 * <p>Reference: Cao et al. (2007), "Learning to Rank: From Pairwise Approach to Listwise Approach"
 * (ListNet); optax's {@code ranking_softmax_loss(z, y, where=mask)} with the mean over lists,
 * TF-Ranking's {@code SoftmaxLoss}.
 *
 * <p>Layout, labels (relevance grades) and masks (padding) are {@link ListwiseLoss}'s. No options.
 */
@JsonDeserialize(builder = ListwiseSoftmaxLoss.Builder.class)
public final class ListwiseSoftmaxLoss extends ListwiseLoss {
    private static final long serialVersionUID = 1L;

    /** The only configuration: there are no options. */
    public ListwiseSoftmaxLoss() {
    }

    /** {@return a new builder (there is nothing to set; for symmetry with the other losses and DL4J's JSON)} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup rowFormula(IActivation activation) {
        return new FormulaSetup(Formula.class);
    }

    /** One list: {@code m = max z}, {@code S = sum exp(z - m)}, {@code loss = log S - sum_k q_k (z_k - m)}, {@code q = y / sum y}. */
    static final class Formula implements RowFormula {
        Formula(LaneMath<?> n) {
        }

        @Override
        public boolean denseLabels() {
            return true;
        }

        @Override
        public <V> double row(LaneMath<V> n, Object z, Object y, int target, Object gradient, Object scratch, int k,
                              double scale, boolean wantLoss) {
            double mass = Lists.sum(n, y, k);
            if (mass == 0) {
                if (gradient != null) {
                    n.linear(gradient, 0, k, 0, 0);
                }
                return 0;
            }
            n.begin(k);
            // exp(z - max) goes to the gradient row, becoming the gradient; the loss alone needs only its sum.
            Object exps = gradient;
            double max = n.max(z, 0, k);
            double expSum = n.expSum(z, 0, k, max, exps);
            // One pass: the gradient p - q, and sum_k y_k (z_k - max), each term without cancellation.
            int width = n.width(k);
            V p = n.of(scale / expSum);
            V q = n.of(-scale / mass);
            V shift = n.of(max);
            V acc = n.of(0);
            int whole = k / width * width;
            for (int i = 0; i < k; i += width) {
                V yi = n.loadRow(y, i);
                if (gradient != null) {
                    n.storeRow(n.fma(yi, q, n.mul(n.loadRow(exps, i), p)), gradient, i);
                }
                V term = n.mul(yi, n.sub(n.loadRow(z, i), shift));
                // The last vector reaches into the rows' padding: its lanes there are left out.
                acc = i < whole ? n.add(acc, term) : n.addLanes(acc, term, i, k);
            }
            return wantLoss ? scale * (Math.log(expSum) - n.sum(acc, k) / mass) : 0;
        }
    }

    /** Builder for {@link ListwiseSoftmaxLoss}, which has no options. */
    public static final class Builder extends LossBuilder<ListwiseSoftmaxLoss, Builder> {
        Builder() {
            super(new ListwiseSoftmaxLoss());
        }
    }
}
