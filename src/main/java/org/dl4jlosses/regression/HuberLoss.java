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
 * Huber loss: quadratic near zero, linear beyond {@code delta}. With residual {@code r = a - y},
 * {@code l(r) = r^2 / 2} if {@code |r| <= delta}, else {@code delta (|r| - delta / 2)}, and
 * {@code loss_row = 1/K sum_k l(r_k)}.
 *
 * <p>Computed as {@code c (r - c / 2)} with {@code c = clip(r, -delta, delta)}, whose derivative
 * is {@code c}. Reference: Huber (1964), "Robust Estimation of a Location Parameter";
 * {@code torch.nn.functional.huber_loss(a, y, delta=delta)}.
 *
 * <p>Options: {@code delta} (default 1.0, must be &gt; 0): where the loss turns linear.
 * Labels: real values {@code [R, K]}; row or element masks.
 */
@JsonDeserialize(builder = HuberLoss.Builder.class)
public final class HuberLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code delta}: see {@link Builder#delta(double)}. */
    @Option(min = 0, minExclusive = true)
    private double delta = 1.0;

    /** The defaults: delta 1.0. */
    public HuberLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup elementFormula(IActivation activation) {
        return new FormulaSetup(Formula.class, delta);
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.REAL;
    }

    /** {@return the option {@code delta}} */
    public double getDelta() {
        return delta;
    }

    /** The term {@code c (r - c / 2)} and its derivative {@code c}, {@code c = clip(r, -delta, delta)}, {@code r = a - y}. */
    static final class Formula implements ElementFormula {
        private final double delta;

        Formula(double delta) {
            this.delta = delta;
        }

        @Override
        public <V> V loss(LaneMath<V> n, V a, V y, V option) {
            V r = n.sub(a, y);
            V c = n.min(n.max(r, n.of(-delta)), n.of(delta));
            return n.mul(c, n.fma(c, n.of(-0.5), r));
        }

        @Override
        public <V> V gradient(LaneMath<V> n, V a, V y, V option) {
            return n.min(n.max(n.sub(a, y), n.of(-delta)), n.of(delta));
        }
    }

    /** Builder for {@link HuberLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<HuberLoss, Builder> {
        Builder() {
            super(new HuberLoss());
        }

        /**
         * Where the loss turns from quadratic to linear: {@code r^2 / 2} for {@code |r| <= delta},
         * {@code delta (|r| - delta / 2)} beyond. Default 1.0; finite and &gt; 0.
         *
         * @param delta the option {@code delta}
         * @return this builder
         */
        public Builder delta(double delta) {
            draft.delta = delta;
            return this;
        }
    }
}
