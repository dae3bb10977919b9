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
 * Smooth L1 loss: {@code l(r) = r^2 / (2 beta)} if {@code |r| < beta}, else {@code |r| - beta / 2},
 * with {@code r = a - y}, and {@code loss_row = 1/K sum_k l(r_k)}. It is the Huber loss with
 * {@code delta = beta} divided by {@code beta}; {@code beta = 0} is the plain L1 loss.
 *
 * <p>Reference: Girshick (2015), "Fast R-CNN"; {@code torch.nn.functional.smooth_l1_loss(a, y, beta=beta)}.
 *
 * <p>Options: {@code beta} (default 1.0, must be &gt;= 0; 0 gives L1). Labels: real values
 * {@code [R, K]}; row or element masks.
 */
@JsonDeserialize(builder = SmoothL1Loss.Builder.class)
public final class SmoothL1Loss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code beta}: see {@link Builder#beta(double)}. */
    @Option(min = 0)
    private double beta = 1.0;

    /** The defaults: beta 1.0. */
    public SmoothL1Loss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup elementFormula(IActivation activation) {
        return beta > 0 ? new FormulaSetup(Formula.class, beta) : new FormulaSetup(MaeLoss.Formula.class);
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.REAL;
    }

    /** {@return the option {@code beta}} */
    public double getBeta() {
        return beta;
    }

    /**
     * The term {@code c (r - c / 2) / beta} and its derivative {@code c / beta},
     * {@code c = clip(r, -beta, beta)}, {@code r = a - y} (beta 0 takes {@link MaeLoss}'s formula).
     */
    static final class Formula implements ElementFormula {
        private final double beta;

        Formula(double beta) {
            this.beta = beta;
        }

        @Override
        public <V> V loss(LaneMath<V> n, V a, V y, V option) {
            V r = n.sub(a, y);
            V c = n.min(n.max(r, n.of(-beta)), n.of(beta));
            return n.mul(n.mul(c, n.fma(c, n.of(-0.5), r)), n.of(1 / beta));
        }

        @Override
        public <V> V gradient(LaneMath<V> n, V a, V y, V option) {
            return n.mul(n.min(n.max(n.sub(a, y), n.of(-beta)), n.of(beta)), n.of(1 / beta));
        }
    }

    /** Builder for {@link SmoothL1Loss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<SmoothL1Loss, Builder> {
        Builder() {
            super(new SmoothL1Loss());
        }

        /**
         * The width of the quadratic zone: {@code r^2 / (2 beta)} for {@code |r| < beta},
         * {@code |r| - beta / 2} beyond; 0 gives the plain L1 loss. Default 1.0; finite and &gt;= 0.
         *
         * @param beta the option {@code beta}
         * @return this builder
         */
        public Builder beta(double beta) {
            draft.beta = beta;
            return this;
        }
    }
}
