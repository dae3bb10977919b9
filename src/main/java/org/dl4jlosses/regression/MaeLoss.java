package org.dl4jlosses.regression;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.Batch;
import org.dl4jlosses.internal.FloatKernel;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.Terms;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Mean absolute error (L1): {@code loss_row = 1/K sum_k w_k |y_k - a_k|}.
 *
 * <p>Reference: {@code torch.nn.functional.l1_loss(a, y, reduction='mean')} (weights are this
 * library's extension). Equals DL4J's {@code LossMAE} without weights. The gradient at a zero
 * residual is 0, as in PyTorch.
 *
 * <p>Options: {@code weights} (default none): one non-negative weight per column.
 * Labels: real values {@code [R, K]}; row or element masks.
 */
@JsonDeserialize(builder = MaeLoss.Builder.class)
public final class MaeLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code weights}: see {@link Builder#weights(double...)}. */
    @Option(min = 0)
    private double[] weights;

    /** The defaults: no weights. */
    public MaeLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Terms evaluate(Batch batch, Need need) {
        return absolute(batch, need);
    }

    /** Per-element |a - y| and its derivative sign(a - y). */
    static Terms absolute(Batch batch, Need need) {
        INDArray residual = batch.output().sub(batch.labels());
        INDArray loss = need.score() ? Transforms.abs(residual, true) : null;
        INDArray dLda = need.gradient() ? Transforms.sign(residual, false) : null;
        return Terms.perElement(loss, dLda);
    }

    @Override
    protected FloatKernel floatKernel(IActivation activation, int columns) {
        return activation instanceof ActivationIdentity && (weights == null || weights.length == columns) ? ResidualKernel.absolute(weights) : null;
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

    /** Builder for {@link MaeLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<MaeLoss, Builder> {
        Builder() {
            super(new MaeLoss());
        }

        /**
         * A weight per column, multiplying that column's absolute error (the formula's {@code w_k}),
         * one entry per column of {@code preOutput}, its length checked on every call. Default none
         * (every weight 1); finite and &gt;= 0 in every entry.
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
