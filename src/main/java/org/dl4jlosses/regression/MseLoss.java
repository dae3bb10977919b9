package org.dl4jlosses.regression;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.ElementFormula;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Mean squared error (L2): {@code loss_row = 1/K sum_k w_k (y_k - a_k)^2}.
 *
 * <p>Reference: {@code torch.nn.functional.mse_loss(a, y, reduction='mean')} (weights are this
 * library's extension). Equals DL4J's {@code LossMSE} without weights.
 *
 * <p>Options: {@code weights} (default none): one non-negative weight per column.
 * Labels: real values {@code [R, K]}; row or element masks.
 */
@JsonDeserialize(builder = MseLoss.Builder.class)
public final class MseLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code weights}: see {@link Builder#weights(double...)}. */
    @Option(min = 0)
    private double[] weights;

    /** The defaults: no weights. */
    public MseLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup elementFormula(IActivation activation) {
        return new FormulaSetup(Formula.class);
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.REAL;
    }

    @Override
    protected double[] columnWeights() {
        return weights;
    }

    /** {@return a copy of the per-column weights, or null for none} */
    public double[] getWeights() {
        return weights == null ? null : weights.clone();
    }

    /** The term {@code (a - y)^2} and its derivative {@code 2 (a - y)}. */
    static final class Formula implements ElementFormula {
        Formula() {
        }

        @Override
        public <V> V loss(LaneMath<V> n, V a, V y, V option) {
            V r = n.sub(a, y);
            return n.mul(r, r);
        }

        @Override
        public <V> V gradient(LaneMath<V> n, V a, V y, V option) {
            V r = n.sub(a, y);
            return n.add(r, r);
        }
    }

    /** Builder for {@link MseLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<MseLoss, Builder> {
        Builder() {
            super(new MseLoss());
        }

        /**
         * A weight per column, multiplying that column's squared error (the formula's {@code w_k}), one
         * entry per column of {@code preOutput}, its length checked on every call. Default none (every
         * weight 1); finite and &gt;= 0 in every entry.
         *
         * @param weights the option {@code weights}
         * @return this builder
         */
        public Builder weights(double... weights) {
            draft.weights = weights;
            return this;
        }
    }
}
