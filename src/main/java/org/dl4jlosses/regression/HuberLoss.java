package org.dl4jlosses.regression;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.Batch;
import org.dl4jlosses.internal.FloatKernel;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.Ops;
import org.dl4jlosses.internal.Terms;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
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
    protected Terms evaluate(Batch batch, Need need) {
        return huber(batch, need, delta, 1.0);
    }

    /** Per-element {@code scale * c (r - c/2)} and its derivative {@code scale * c}, c = clip(r, -t, t). */
    static Terms huber(Batch batch, Need need, double threshold, double scale) {
        INDArray residual = batch.output().sub(batch.labels());
        INDArray clipped = Ops.clip(residual, -threshold, threshold);
        INDArray loss = need.score() ? clipped.mul(-0.5).addi(residual).muli(clipped).muli(scale) : null;
        INDArray dLda = need.gradient() ? clipped.muli(scale) : null;
        return Terms.perElement(loss, dLda);
    }

    @Override
    protected FloatKernel floatKernel(IActivation activation, int columns) {
        return activation instanceof ActivationIdentity ? ResidualKernel.huber(delta, 1.0) : null;
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.REAL;
    }

    /** {@return the option {@code delta}} */
    public double getDelta() {
        return delta;
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
