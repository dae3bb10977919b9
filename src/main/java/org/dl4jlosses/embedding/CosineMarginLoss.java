package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.nd4j.linalg.activations.IActivation;

/**
 * What the margin losses on cosines share ({@link AdditiveAngularMarginLoss},
 * {@link AdditiveCosineMarginLoss}, {@link CombinedMarginLoss}): the scale option, one class per
 * row as labels, and one formula ({@code CosineMargin}) that each loss gives its margins
 * {@code (m1, m2, m3)}.
 */
public abstract class CosineMarginLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code scale}: see {@link Builder#scale(double)}. */
    @Option(min = 0, minExclusive = true)
    double scale = 64.0;

    CosineMarginLoss() {
    }

    /** {@return the margins {m1, m2, m3} of {@code cos(m1 theta + m2) - m3}} */
    abstract double[] margins();

    /** Whether the angular part applies only where the target cosine is positive. */
    boolean easyMargin() {
        return false;
    }

    @Override
    protected final FormulaSetup rowFormula(IActivation activation) {
        double[] m = margins();
        return new FormulaSetup(CosineMargin.class, name(), scale, m[0], m[1], m[2], easyMargin());
    }

    @Override
    protected final LabelKind labelKind(IActivation activation) {
        return LabelKind.ONE_CLASS;
    }

    /** {@return the option {@code scale}} */
    public double getScale() {
        return scale;
    }

    /**
     * The setter of the shared option.
     *
     * @param <L> the loss
     * @param <B> the loss's builder
     */
    public abstract static class Builder<L extends CosineMarginLoss, B extends Builder<L, B>> extends LossBuilder<L, B> {
        Builder(L draft) {
            super(draft);
        }

        /**
         * The logits' scale s: every cosine (the target's with its margin) is multiplied by it before
         * the softmax. Default 64.0; finite and &gt; 0.
         *
         * @param scale the option {@code scale}
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public B scale(double scale) {
            draft.scale = scale;
            return (B) this;
        }
    }
}
