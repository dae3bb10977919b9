package org.dl4jlosses.regression;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.ElementFormula;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Quantile (pinball) loss: the layer predicts Q quantiles {@code tau_1 .. tau_Q} of each of K
 * targets, and {@code loss_row = 1/(K Q) sum_k sum_q max(tau_q r, (tau_q - 1) r)},
 * {@code r = y_k - a_{k Q + q}}. Minimising it makes column {@code k Q + q} the {@code tau_q}
 * quantile of target k, so Q columns per target give a prediction interval (0.1 and 0.9: 80%).
 *
 * <p>Derivative: {@code -tau} where the prediction is below the target, {@code 1 - tau} above; at a
 * residual of exactly 0 the mean of the two, {@code 1/2 - tau} (as PyTorch differentiates the
 * maximum of two equal values). Reference: Koenker and Bassett (1978); pytorch-forecasting's
 * {@code QuantileLoss} (its per-quantile errors {@code max((q - 1) e, q e)}, here averaged over the
 * K x Q columns like every element-wise loss of this library); TF-Addons' {@code PinballLoss}.
 *
 * <p>Options: {@code quantiles} (default {0.5}: the median, where the loss is half the MAE); each
 * in (0, 1). Labels: real values {@code [R, K]} with {@code preOutput [R, K Q]}, column
 * {@code k Q + q} predicting quantile {@code tau_q} of target k; row masks, or element masks of
 * either width ({@code [R, K]}: per target, all its quantiles; {@code [R, K Q]}: per column).
 */
@JsonDeserialize(builder = QuantileLoss.Builder.class)
public final class QuantileLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code quantiles}: see {@link Builder#quantiles(double...)}. */
    @Option(min = 0, minExclusive = true, max = 1, maxExclusive = true)
    private double[] quantiles = {0.5};

    /** The defaults: the median alone. */
    public QuantileLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected void checkCombination() {
        Checks.require(quantiles != null, name(), "quantiles", "at least one level in (0, 1)", "null");
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
    protected int columnsPerLabel() {
        return quantiles.length;
    }

    /** Column {@code k Q + q} reads {@code tau_q}. */
    @Override
    protected double[] columnOption(int columns) {
        double[] tau = new double[columns];
        for (int c = 0; c < columns; c++) {
            tau[c] = quantiles[c % quantiles.length];
        }
        return tau;
    }

    @Override
    protected String columnOptionName() {
        return "quantiles";
    }

    /** {@return a copy of the quantiles} */
    public double[] getQuantiles() {
        return quantiles.clone();
    }

    /** The term {@code max(tau r, (tau - 1) r)}, {@code r = y - a}, and its derivative {@code 1/2 - tau - sign(r) / 2}. */
    static final class Formula implements ElementFormula {
        Formula() {
        }

        @Override
        public <V> V loss(LaneMath<V> n, V a, V y, V tau) {
            V r = n.sub(y, a);
            return n.max(n.mul(tau, r), n.mul(n.sub(tau, n.of(1)), r));
        }

        @Override
        public <V> V gradient(LaneMath<V> n, V a, V y, V tau) {
            return n.fma(n.signum(n.sub(y, a)), n.of(-0.5), n.sub(n.of(0.5), tau));
        }
    }

    /** Builder for {@link QuantileLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<QuantileLoss, Builder> {
        Builder() {
            super(new QuantileLoss());
        }

        /**
         * The quantile levels {@code tau_1 .. tau_Q} each target is predicted at: {@code preOutput} has
         * Q columns per label column, in this order. For an interval, give its ends and the median:
         * {@code quantiles(0.1, 0.5, 0.9)}. Default {0.5}; each in (0, 1), at least one.
         *
         * @param quantiles the option {@code quantiles}
         * @return this builder
         */
        public Builder quantiles(double... quantiles) {
            draft.quantiles = quantiles;
            return this;
        }
    }
}
