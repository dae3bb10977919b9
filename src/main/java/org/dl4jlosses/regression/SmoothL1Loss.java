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
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

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
public final class SmoothL1Loss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    @JsonProperty("beta")
    private final double beta;

    /** The defaults: beta 1.0. */
    public SmoothL1Loss() {
        this(null);
    }

    @JsonCreator
    private SmoothL1Loss(@JsonProperty("beta") Double beta) {
        this.beta = Checks.atLeast("SmoothL1Loss", "beta", beta == null ? 1.0 : beta, 0.0);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Terms evaluate(Batch batch, Need need) {
        return beta > 0 ? HuberLoss.huber(batch, need, beta, 1.0 / beta) : MaeLoss.absolute(batch, need);
    }

    @Override
    protected FloatKernel floatKernel(IActivation activation, int columns) {
        return activation instanceof ActivationIdentity ? beta > 0 ? ResidualKernel.huber(beta, 1.0 / beta) : ResidualKernel.absolute(null) : null;
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.REAL;
    }

    public double getBeta() {
        return beta;
    }

    @Override
    protected Map<String, Object> options() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("beta", beta);
        return options;
    }

    /** Builder for {@link SmoothL1Loss}. */
    public static final class Builder {
        private double beta = 1.0;

        /** Width of the quadratic zone (default 1.0, &gt;= 0; 0 gives L1). */
        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        public SmoothL1Loss build() {
            return new SmoothL1Loss(beta);
        }
    }
}
