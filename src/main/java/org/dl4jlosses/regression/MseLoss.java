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
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Mean squared error (L2): {@code loss_row = 1/K sum_k w_k (y_k - a_k)^2}.
 *
 * <p>Reference: {@code torch.nn.functional.mse_loss(a, y, reduction='mean')} (weights are this
 * library's extension). Equals DL4J's {@code LossMSE} without weights.
 *
 * <p>Options: {@code weights} (default none): one non-negative weight per column.
 * Labels: real values {@code [R, K]}; row or element masks.
 */
public final class MseLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    @JsonProperty("weights")
    private final double[] weights;

    /** The defaults: no weights. */
    public MseLoss() {
        this(null);
    }

    @JsonCreator
    private MseLoss(@JsonProperty("weights") double[] weights) {
        this.weights = Checks.weights("MseLoss", "weights", weights);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Terms evaluate(Batch batch, Need need) {
        INDArray residual = batch.output().sub(batch.labels());
        INDArray loss = need.score() ? residual.mul(residual) : null;
        INDArray dLda = need.gradient() ? residual.muli(2) : null;
        return Terms.perElement(loss, dLda);
    }

    @Override
    protected FloatKernel floatKernel(IActivation activation, int columns) {
        return activation instanceof ActivationIdentity && (weights == null || weights.length == columns) ? ResidualKernel.square(weights) : null;
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

    /** Builder for {@link MseLoss}. */
    public static final class Builder {
        private double[] weights;

        /** One non-negative weight per column (default none). */
        public Builder weights(double... weights) {
            this.weights = weights;
            return this;
        }

        public MseLoss build() {
            return new MseLoss(weights);
        }
    }
}
