package org.dl4jlosses.regression;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.ElementFormula;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Log-cosh: {@code loss_row = 1/K sum_k log cosh(a_k - y_k)}, about {@code r^2 / 2} for small
 * residuals and {@code |r| - log 2} for large ones, smooth everywhere.
 *
 * <p>Computed without overflow or cancellation for residuals of any size, with
 * {@code F = expm1(|r|)} and {@code E = expm1(-2 |r|)}: {@code log1p(F^2 / (2 + 2 F))} (that is
 * {@code log(1 + (cosh r - 1))}) for {@code |r| < 1}, {@code |r| + log1p(E / 2)} beyond; the
 * derivative is {@code tanh(r) = -sign(r) E / (2 + E)}. The textbook {@code log((e^r + e^-r) / 2)}
 * overflows from |r| of about 89 in float32, and Keras' {@code |r| + softplus(-2 |r|) - log 2} loses
 * every digit of a residual below about 1e-4 in float32. Reference: Keras
 * {@code tf.keras.losses.LogCosh} (mean over the last axis).
 *
 * <p>Options: none. Labels: real values {@code [R, K]}; row or element masks.
 */
@JsonDeserialize(builder = LogCoshLoss.Builder.class)
public final class LogCoshLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Log-cosh has no options. */
    public LogCoshLoss() {
    }

    /** {@return a new builder (there is nothing to set; for symmetry with the other losses and DL4J's JSON)} */
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

    /** The term {@code log cosh(r)} and its derivative {@code tanh(r)}, {@code r = a - y}, in the stable forms above. */
    static final class Formula implements ElementFormula {
        Formula() {
        }

        @Override
        public <V> V loss(LaneMath<V> n, V a, V y, V option) {
            V r = n.abs(n.sub(a, y));
            V f = n.expm1(n.min(r, n.of(1)));
            V small = n.log1p(n.div(n.mul(f, f), n.fma(f, n.of(2), n.of(2))));
            V large = n.add(r, n.log1p(n.mul(n.expm1(n.mul(r, n.of(-2))), n.of(0.5))));
            return n.whereNonNegative(n.sub(r, n.of(1)), large, small);
        }

        @Override
        public <V> V gradient(LaneMath<V> n, V a, V y, V option) {
            V r = n.sub(a, y);
            V e = n.expm1(n.mul(n.abs(r), n.of(-2)));
            return n.mul(n.signum(r), n.div(n.neg(e), n.add(e, n.of(2))));
        }
    }

    /** Builder for {@link LogCoshLoss}, which has no options. */
    public static final class Builder extends LossBuilder<LogCoshLoss, Builder> {
        Builder() {
            super(new LogCoshLoss());
        }
    }
}
