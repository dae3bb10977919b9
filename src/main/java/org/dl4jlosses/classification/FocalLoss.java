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
 * Focal loss: cross-entropy scaled down on well-classified examples, for heavy class imbalance.
 * The form follows the activation:
 * <ul>
 * <li>sigmoid (per element, labels in [0, 1]): {@code loss_row = 1/K sum_k w_k alpha_t (1 - p_t)^gamma BCE(z, y)},
 * {@code p_t = p y + (1 - p)(1 - y)}, {@code alpha_t = alpha y + (1 - alpha)(1 - y)};
 * reference {@code torchvision.ops.sigmoid_focal_loss(z, y, alpha, gamma, reduction='mean')}.</li>
 * <li>softmax (multi-class, labels as {@link CrossEntropyLoss}):
 * {@code loss_row = -sum_c w_c y_c (1 - p_c)^gamma log p_c}; alpha is not used (use weights).</li>
 * </ul>
 * Both are computed from the logits. Other activations are rejected. Reference: Lin et al. (2017),
 * "Focal Loss for Dense Object Detection", arXiv 1708.02002.
 *
 * <p>Options: {@code gamma} (default 2.0, &gt;= 0): focusing strength, 0 gives (alpha-weighted)
 * cross-entropy. {@code alpha} (default 0.25, in [0, 1]; any negative value disables it): weight of
 * the positive class in the sigmoid form. {@code weights} (default none): per column (sigmoid) or
 * per class (softmax). Masks: row or element masks (sigmoid), row masks (softmax).
 */
@JsonDeserialize(builder = FocalLoss.Builder.class)
public final class FocalLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code gamma}: see {@link Builder#gamma(double)}. */
    @Option(min = 0, expected = "finite and >= 0.0")
    private double gamma = 2.0;
    /** Option {@code alpha}: see {@link Builder#alpha(double)}. */
    @Option(max = 1, expected = "in [0, 1], or negative to disable")
    private double alpha = 0.25;
    /** Option {@code weights}: see {@link Builder#weights(double...)}. */
    @Option(min = 0)
    private double[] weights;

    /** The defaults: gamma 2.0, alpha 0.25, no weights. */
    public FocalLoss() {
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
        return activation instanceof ActivationSoftmax ? new FormulaSetup(SoftmaxFamily.class, weights, 0.0, gamma, 0.0) : null;
    }

    /** The sigmoid form. */
    @Override
    protected FormulaSetup elementFormula(IActivation activation) {
        return activation instanceof ActivationSigmoid ? new FormulaSetup(SigmoidFocal.class, 0.0, gamma, alpha, 0.0) : null;
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return sigmoidOrSoftmax("FocalLoss", activation);
    }

    /** PROBABILITY labels for sigmoid, CLASSES for softmax; other activations rejected. */
    static LabelKind sigmoidOrSoftmax(String loss, IActivation activation) {
        if (activation instanceof ActivationSoftmax) {
            return LabelKind.CLASSES;
        }
        if (activation instanceof ActivationSigmoid) {
            return LabelKind.PROBABILITY;
        }
        throw Checks.fail(loss, "activationFn", "softmax (multi-class form) or sigmoid (per-element form)", activation);
    }

    @Override
    protected double[] columnWeights() {
        return weights;
    }

    /** {@return the option {@code gamma}} */
    public double getGamma() {
        return gamma;
    }

    /** {@return the positive-class weight, or -1 when disabled} */
    public double getAlpha() {
        return alpha;
    }

    /** {@return a copy of the option {@code weights}, or null for none} */
    public double[] getWeights() {
        return weights == null ? null : weights.clone();
    }

    /** Builder for {@link FocalLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<FocalLoss, Builder> {
        Builder() {
            super(new FocalLoss());
        }

        /**
         * The focusing parameter: the factor {@code (1 - p_t)^gamma} scales down the loss of
         * well-classified examples, more the larger it is; 0 gives (alpha-weighted) cross-entropy.
         * Default 2.0; finite and &gt;= 0.
         *
         * @param gamma the option {@code gamma}
         * @return this builder
         */
        public Builder gamma(double gamma) {
            draft.gamma = gamma;
            return this;
        }

        /**
         * The weight of the positive class in the sigmoid form,
         * {@code alpha_t = alpha y + (1 - alpha)(1 - y)}; any negative value disables it (and is kept
         * as -1). The softmax form does not use it (use weights). Default 0.25; in [0, 1], or negative
         * to disable.
         *
         * @param alpha the option {@code alpha}
         * @return this builder
         */
        public Builder alpha(double alpha) {
            draft.alpha = alpha;
            return this;
        }

        /**
         * A weight per column (sigmoid form) or per class (softmax form), multiplying that column's or
         * class's loss, one entry per column of {@code preOutput}, its length checked on every call.
         * Default none (every weight 1); finite and &gt;= 0 in every entry.
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
