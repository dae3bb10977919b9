package org.dl4jlosses.classification;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.Inputs;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.RowFormula;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Multi-class cross-entropy: {@code loss_row = -sum_c w_c y'_c log p_c} with label smoothing
 * {@code y' = (1 - e) y + e / C}.
 *
 * <p>With a softmax activation the loss works from the logits: {@code log p = z - logsumexp(z)}
 * and {@code dL/dz = p sum_c w_c y'_c - w y'}, exact for logits of any magnitude. With another
 * activation {@code p} is its output clipped to [1e-7, 1 - 1e-7].
 *
 * <p>Reference: {@code torch.nn.functional.cross_entropy(z, y, weight=w, label_smoothing=e,
 * reduction='sum') / R} (note: not PyTorch's weighted 'mean', which divides by the summed weights).
 * Equals DL4J's {@code LossMCXENT} with clipping off, without its clipping.
 *
 * <p>Options: {@code weights} (default none): one non-negative weight per class.
 * {@code labelSmoothing} (default 0.0, in [0, 1]): mixes the labels with the uniform distribution.
 * Labels: one-hot or probability rows {@code [R, C]}, or class indices {@code [R, 1]}; row mask only.
 */
@JsonDeserialize(builder = CrossEntropyLoss.Builder.class)
public final class CrossEntropyLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code weights}: see {@link Builder#weights(double...)}. */
    @Option(min = 0)
    private double[] weights;
    /** Option {@code labelSmoothing}: see {@link Builder#labelSmoothing(double)}. */
    @Option(min = 0, max = 1, expected = "in [0.0, 1.0]")
    private double labelSmoothing = 0.0;

    /** The defaults: no weights, no label smoothing. */
    public CrossEntropyLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup rowFormula(IActivation activation) {
        return activation instanceof ActivationSoftmax ? new FormulaSetup(SoftmaxFamily.class, weights, labelSmoothing, 0.0, 0.0)
                : new FormulaSetup(Clipped.class, weights, labelSmoothing);
    }

    @Override
    protected double[] columnWeights() {
        return weights;
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.CLASSES;
    }

    /**
     * The form for activations other than softmax, on their output p:
     * {@code loss = -sum_c m_c log p'_c} and {@code dL/dp_c = -m_c / p'_c}, with masses
     * {@code m = w y'} and {@code p' = p} clipped to [1e-7, 1 - 1e-7].
     */
    static final class Clipped implements RowFormula {
        private final double smoothing;
        /** The weights as a row of the lanes' precision, or null. */
        private final Object weightRow;

        Clipped(double[] weights, double smoothing, LaneMath<?> n) {
            this.smoothing = smoothing;
            weightRow = weights == null ? null : SoftmaxFamily.rowOf(n, weights);
        }

        @Override
        public boolean denseLabels() {
            return true;
        }

        @Override
        public <V> double row(LaneMath<V> n, Object p, Object y, int target, Object gradient, Object scratch, int k,
                              double scale, boolean wantLoss) {
            n.begin(k);
            V keep = n.of(1 - smoothing);
            V uniform = n.of(smoothing / k);
            V low = n.of(Inputs.P_MIN);
            V high = n.of(1 - Inputs.P_MIN);
            V minusScale = n.of(-scale);
            V loss = n.of(0);
            int width = n.width(k);
            for (int i = 0; i < k; i += width) {
                V mass = n.fma(n.loadRow(y, i), keep, uniform);
                mass = weightRow == null ? mass : n.mul(mass, n.loadRow(weightRow, i));
                V clipped = n.min(n.max(n.loadRow(p, i), low), high);
                if (gradient != null) {
                    n.storeRow(n.div(n.mul(mass, minusScale), clipped), gradient, i);
                }
                if (wantLoss) {
                    V term = n.mul(mass, n.log(clipped));
                    loss = i + width <= k ? n.add(loss, term) : n.addLanes(loss, term, i, k);
                }
            }
            return wantLoss ? -scale * n.sum(loss, k) : 0;
        }
    }

    /** {@return a copy of the per-class weights, or null for none} */
    public double[] getWeights() {
        return weights == null ? null : weights.clone();
    }

    /** {@return the option {@code labelSmoothing}} */
    public double getLabelSmoothing() {
        return labelSmoothing;
    }

    /** Builder for {@link CrossEntropyLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<CrossEntropyLoss, Builder> {
        Builder() {
            super(new CrossEntropyLoss());
        }

        /**
         * A weight per class, multiplying that class's term (the formula's {@code w_c}; PyTorch's
         * {@code weight}), one entry per column of {@code preOutput}, its length checked on every call.
         * Default none (every weight 1); finite and &gt;= 0 in every entry.
         *
         * @param weights the option {@code weights}
         * @return this builder
         */
        public Builder weights(double... weights) {
            draft.weights = weights;
            return this;
        }

        /**
         * Label smoothing e: mixes the labels with the uniform distribution,
         * {@code y' = (1 - e) y + e / C} (PyTorch's {@code label_smoothing}). Default 0.0 (none);
         * in [0, 1].
         *
         * @param labelSmoothing the option {@code labelSmoothing}
         * @return this builder
         */
        public Builder labelSmoothing(double labelSmoothing) {
            draft.labelSmoothing = labelSmoothing;
            return this;
        }
    }
}
