package org.dl4jlosses.classification;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

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
@JsonDeserialize(builder = PolyLoss.Builder.class)
public final class PolyLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code epsilon}: see {@link Builder#epsilon(double)}. */
    @Option(min = -1, expected = "finite and >= -1.0")
    private double epsilon = 1.0;
    /** Option {@code gamma}: see {@link Builder#gamma(double)}. */
    @Option(min = 0)
    private double gamma = 0.0;
    /** Option {@code alpha}: see {@link Builder#alpha(double)}. */
    @Option(max = 1, expected = "in [0, 1], or negative to disable")
    private double alpha = -1;
    /** Option {@code labelSmoothing}: see {@link Builder#labelSmoothing(double)}. */
    @Option(min = 0, max = 1)
    private double labelSmoothing = 0.0;
    /** Option {@code weights}: see {@link Builder#weights(double...)}. */
    @Option(min = 0)
    private double[] weights;

    /** The defaults: epsilon 1.0, gamma 0 (Poly-1 cross-entropy), no alpha, no smoothing, no weights. */
    public PolyLoss() {
    }

    /** Not a check: any negative alpha means off and is kept as -1, so that all such losses are equal. */
    @Override
    protected void checkCombination() {
        if (alpha < 0) {
            alpha = -1;
        }
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup rowFormula(IActivation activation) {
        return activation instanceof ActivationSoftmax
                ? new FormulaSetup(SoftmaxFamily.class, weights, labelSmoothing, gamma, epsilon) : null;
    }

    /** The sigmoid form. */
    @Override
    protected FormulaSetup elementFormula(IActivation activation) {
        return activation instanceof ActivationSigmoid
                ? new FormulaSetup(SigmoidFocal.class, labelSmoothing, gamma, alpha, epsilon) : null;
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

    /** {@return the option {@code epsilon}} */
    public double getEpsilon() {
        return epsilon;
    }

    /** {@return the option {@code gamma}} */
    public double getGamma() {
        return gamma;
    }

    /** {@return the positive-class weight of the sigmoid form, or -1 when off} */
    public double getAlpha() {
        return alpha;
    }

    /** {@return the option {@code labelSmoothing}} */
    public double getLabelSmoothing() {
        return labelSmoothing;
    }

    /** {@return a copy of the option {@code weights}, or null for none} */
    public double[] getWeights() {
        return weights == null ? null : weights.clone();
    }

    /** Builder for {@link PolyLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<PolyLoss, Builder> {
        Builder() {
            super(new PolyLoss());
        }

        /**
         * The weight of the polynomial term {@code epsilon (1 - p_t)^(gamma + 1)} added to the
         * cross-entropy (or focal) loss; 0 gives the base loss itself. Default 1.0; finite
         * and &gt;= -1.
         *
         * @param epsilon the option {@code epsilon}
         * @return this builder
         */
        public Builder epsilon(double epsilon) {
            draft.epsilon = epsilon;
            return this;
        }

        /**
         * The focal exponent of the base loss: 0 makes it cross-entropy (Poly-1 cross-entropy), a
         * positive value focal loss with the factor {@code (1 - p_t)^gamma} (Poly-1 focal loss).
         * Default 0.0; finite and &gt;= 0.
         *
         * @param gamma the option {@code gamma}
         * @return this builder
         */
        public Builder gamma(double gamma) {
            draft.gamma = gamma;
            return this;
        }

        /**
         * The weight of the positive class, sigmoid form only:
         * {@code alpha_t = alpha y' + (1 - alpha)(1 - y')} multiplies the focal term; a softmax layer
         * with alpha set is rejected. Any negative value disables it (and is kept as -1). Default -1
         * (off); in [0, 1] to enable.
         *
         * @param alpha the option {@code alpha}
         * @return this builder
         */
        public Builder alpha(double alpha) {
            draft.alpha = alpha;
            return this;
        }

        /**
         * Label smoothing e: {@code y' = (1 - e) y + e / C} in the softmax form,
         * {@code y' = y (1 - e) + e / 2} in the sigmoid form. Default 0.0 (none); in [0, 1].
         *
         * @param labelSmoothing the option {@code labelSmoothing}
         * @return this builder
         */
        public Builder labelSmoothing(double labelSmoothing) {
            draft.labelSmoothing = labelSmoothing;
            return this;
        }

        /**
         * A weight per class (softmax form) or per column (sigmoid form), one entry per column of
         * {@code preOutput}, its length checked on every call. Default none (every weight 1); finite
         * and &gt;= 0 in every entry.
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
