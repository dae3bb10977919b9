package org.dl4jlosses.regression;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.Batch;
import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.FloatKernel;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.Terms;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

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
public final class MaeLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    @JsonProperty("weights")
    private final double[] weights;

    /** The defaults: no weights. */
    public MaeLoss() {
        this(null);
    }

    @JsonCreator
    private MaeLoss(@JsonProperty("weights") double[] weights) {
        this.weights = Checks.weights("MaeLoss", "weights", weights);
    }

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

    /** Per-column weights, or null for none. */
    public double[] getWeights() {
        return weights == null ? null : weights.clone();
    }

    @Override
    protected Map<String, Object> options() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("weights", weights);
        return options;
    }

    /** Builder for {@link MaeLoss}. */
    public static final class Builder {
        private double[] weights;

        /** One non-negative weight per column (default none). */
        public Builder weights(double... weights) {
            this.weights = weights;
            return this;
        }

        public MaeLoss build() {
            return new MaeLoss(weights);
        }
    }
}
