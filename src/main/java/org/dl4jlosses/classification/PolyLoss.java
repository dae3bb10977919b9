package org.dl4jlosses.classification;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.Batch;
import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.FloatKernel;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.Terms;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Poly-1 loss: cross-entropy (or focal loss) plus the first polynomial term of its Taylor
 * expansion, {@code base + epsilon (1 - p_t)^(gamma + 1)}. The form follows the activation:
 * <ul>
 * <li>softmax: {@code y' = (1 - e) y + e / C}, {@code p_t = sum_c y'_c p_c},
 * {@code loss_row = -sum_c w_c y'_c (1 - p_c)^gamma log p_c + rho epsilon (1 - p_t)^(gamma+1)},
 * where {@code rho = sum_c w_c y_c} is the example's class weight (1 without weights).</li>
 * <li>sigmoid: per element, {@code y' = y (1 - e) + e / 2}, {@code p_t = y' p + (1 - y')(1 - p)},
 * {@code l = alpha_t (1 - p_t)^gamma BCE(z, y') + epsilon (1 - p_t)^(gamma+1)}, and
 * {@code loss_row = 1/K sum_k w_k l_k}.</li>
 * </ul>
 * {@code gamma = 0} is Poly-1 cross-entropy, {@code gamma > 0} Poly-1 focal loss. Both forms work
 * from the logits; other activations are rejected. Reference: Leng et al. (2022), "PolyLoss: A
 * Polynomial Expansion Perspective of Classification Loss Functions", arXiv 2204.12511, Appendix code.
 *
 * <p>Options: {@code epsilon} (default 1.0, &gt;= -1): weight of the polynomial term.
 * {@code gamma} (default 0.0, &gt;= 0). {@code alpha} (default -1 = off; in [0, 1] to enable; sigmoid
 * form only, a softmax layer with alpha set is rejected). {@code labelSmoothing} (default 0.0, in [0, 1]).
 * {@code weights} (default none): per class (softmax) or per column (sigmoid).
 */
public final class PolyLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    @JsonProperty("epsilon")
    private final double epsilon;
    @JsonProperty("gamma")
    private final double gamma;
    @JsonProperty("alpha")
    private final double alpha;
    @JsonProperty("labelSmoothing")
    private final double labelSmoothing;
    @JsonProperty("weights")
    private final double[] weights;

    /** The defaults: epsilon 1.0, gamma 0 (Poly-1 cross-entropy), no alpha, no smoothing, no weights. */
    public PolyLoss() {
        this(null, null, null, null, null);
    }

    @JsonCreator
    private PolyLoss(@JsonProperty("epsilon") Double epsilon, @JsonProperty("gamma") Double gamma,
                     @JsonProperty("alpha") Double alpha, @JsonProperty("labelSmoothing") Double labelSmoothing,
                     @JsonProperty("weights") double[] weights) {
        this.epsilon = Checks.atLeast("PolyLoss", "epsilon", epsilon == null ? 1.0 : epsilon, -1);
        this.gamma = Checks.atLeast("PolyLoss", "gamma", gamma == null ? 0.0 : gamma, 0);
        double a = alpha == null ? -1 : alpha;
        Checks.require(Double.isFinite(a) && a <= 1, "PolyLoss", "alpha", "in [0, 1], or negative to disable", a);
        this.alpha = a < 0 ? -1 : a;
        this.labelSmoothing = Checks.between("PolyLoss", "labelSmoothing",
                labelSmoothing == null ? 0.0 : labelSmoothing, 0, 1);
        this.weights = Checks.weights("PolyLoss", "weights", weights);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Terms evaluate(Batch batch, Need need) {
        return batch.softmax()
                ? SoftmaxFocal.evaluate(batch, need.score(), need.gradient(), weights, labelSmoothing, gamma, epsilon)
                : SigmoidFocal.evaluate(batch, need.score(), need.gradient(), labelSmoothing, gamma, alpha, epsilon);
    }

    @Override
    protected FloatKernel floatKernel(IActivation activation, int columns) {
        if (weights != null && weights.length != columns) {
            return null;
        }
        if (activation instanceof ActivationSoftmax) {
            // alpha with softmax is rejected by labelKind on the op path.
            return alpha < 0 ? new SoftmaxFocalKernel(weights, labelSmoothing, gamma, epsilon) : null;
        }
        return activation instanceof ActivationSigmoid
                ? new SigmoidFocalKernel(weights, labelSmoothing, gamma, alpha, epsilon) : null;
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        if (alpha >= 0 && activation instanceof ActivationSoftmax) {
            throw Checks.fail("PolyLoss", "alpha", "-1 (off) with a softmax activation; alpha applies to the sigmoid form only", alpha);
        }
        return FocalLoss.sigmoidOrSoftmax("PolyLoss", activation);
    }

    @Override
    protected double[] columnWeights() {
        return weights;
    }

    public double getEpsilon() {
        return epsilon;
    }

    public double getGamma() {
        return gamma;
    }

    /** The positive-class weight of the sigmoid form, or -1 when off. */
    public double getAlpha() {
        return alpha;
    }

    public double getLabelSmoothing() {
        return labelSmoothing;
    }

    public double[] getWeights() {
        return weights == null ? null : weights.clone();
    }

    @Override
    protected Map<String, Object> options() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("epsilon", epsilon);
        options.put("gamma", gamma);
        options.put("alpha", alpha);
        options.put("labelSmoothing", labelSmoothing);
        options.put("weights", weights);
        return options;
    }

    /** Builder for {@link PolyLoss}. */
    public static final class Builder {
        private double epsilon = 1.0;
        private double gamma;
        private double alpha = -1;
        private double labelSmoothing;
        private double[] weights;

        /** Weight of the polynomial term (default 1.0, &gt;= -1). */
        public Builder epsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /** Focal exponent (default 0 = Poly-1 cross-entropy). */
        public Builder gamma(double gamma) {
            this.gamma = gamma;
            return this;
        }

        /** Positive-class weight, sigmoid form only (default -1 = off). */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Label smoothing in [0, 1] (default 0). */
        public Builder labelSmoothing(double labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        /** Per-class (softmax) or per-column (sigmoid) non-negative weights (default none). */
        public Builder weights(double... weights) {
            this.weights = weights;
            return this;
        }

        public PolyLoss build() {
            return new PolyLoss(epsilon, gamma, alpha, labelSmoothing, weights);
        }
    }
}
