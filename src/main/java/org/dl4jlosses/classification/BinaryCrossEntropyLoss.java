package org.dl4jlosses.classification;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.ElementFormula;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.Inputs;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Binary cross-entropy, one independent probability per column:
 * {@code loss_row = 1/K sum_k -w_k [pw_k y'_k log p_k + (1 - y'_k) log(1 - p_k)]} with label
 * smoothing {@code y' = y (1 - e) + e / 2}.
 *
 * <p>With a sigmoid activation the loss works from the logits:
 * {@code loss = c softplus(-z) + (1 - y') z}, {@code c = pw y' + 1 - y'}, and
 * {@code dL/dz = c sigmoid(z) - pw y'}, exact for logits of any magnitude. With another activation
 * {@code p} is its output clipped to [1e-7, 1 - 1e-7].
 *
 * <p>Reference: {@code torch.nn.functional.binary_cross_entropy_with_logits(z, y', weight=w,
 * pos_weight=pw, reduction='mean')}.
 *
 * <p>Options: {@code weights} (default none): a non-negative weight per column.
 * {@code posWeight} (default none): a positive weight per column on the positive term, &gt; 1 to
 * favour recall. {@code labelSmoothing} (default 0.0, in [0, 1]).
 * Labels: values in [0, 1] {@code [R, K]}; row or element masks.
 */
@JsonDeserialize(builder = BinaryCrossEntropyLoss.Builder.class)
public final class BinaryCrossEntropyLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code weights}: see {@link Builder#weights(double...)}. */
    @Option(min = 0)
    private double[] weights;
    /** Option {@code posWeight}: see {@link Builder#posWeight(double...)}. */
    @Option(min = 0, minExclusive = true, expected = "> 0 and finite in every entry")
    private double[] posWeight;
    /** Option {@code labelSmoothing}: see {@link Builder#labelSmoothing(double)}. */
    @Option(min = 0, max = 1)
    private double labelSmoothing = 0.0;

    /** The defaults: no weights, no positive weights, no label smoothing. */
    public BinaryCrossEntropyLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup elementFormula(IActivation activation) {
        return new FormulaSetup(activation instanceof ActivationSigmoid ? Logits.class : Probabilities.class, labelSmoothing);
    }

    @Override
    protected double[] columnOption(int columns) {
        return posWeight;
    }

    @Override
    protected String columnOptionName() {
        return "posWeight";
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.PROBABILITY;
    }

    @Override
    protected double[] columnWeights() {
        return weights;
    }

    /** {@return a copy of the per-column weights, or null for none} */
    public double[] getWeights() {
        return weights == null ? null : weights.clone();
    }

    /** {@return a copy of the per-column positive-class weights, or null for none} */
    public double[] getPosWeight() {
        return posWeight == null ? null : posWeight.clone();
    }

    /** {@return the option {@code labelSmoothing}} */
    public double getLabelSmoothing() {
        return labelSmoothing;
    }

    /**
     * The term from the logits, {@code c softplus(-z) + (1 - y') z} with {@code c = pw y' + 1 - y'},
     * and its derivative {@code c sigmoid(z) - pw y'} ({@code pw} the column's positive weight).
     */
    static final class Logits implements ElementFormula.OnSigmoidLogits {
        private final double smoothing;

        Logits(double smoothing) {
            this.smoothing = smoothing;
        }

        @Override
        public <V> V loss(LaneMath<V> n, V z, V y, V pw) {
            V ys = n.fma(y, n.of(1 - smoothing), n.of(smoothing / 2));
            V c = n.fma(n.sub(pw, n.of(1)), ys, n.of(1));
            return n.fma(c, n.softplus(n.neg(z)), n.mul(n.sub(n.of(1), ys), z));
        }

        @Override
        public <V> V gradient(LaneMath<V> n, V z, V y, V pw) {
            V ys = n.fma(y, n.of(1 - smoothing), n.of(smoothing / 2));
            V c = n.fma(n.sub(pw, n.of(1)), ys, n.of(1));
            return n.fma(c, n.sigmoid(z), n.neg(n.mul(pw, ys)));
        }

        @Override
        public <V> V labelCheck(LaneMath<V> n, V y) {
            return n.nanOutsideUnit(y);
        }
    }

    /**
     * The term from probabilities {@code p = clip(a, 1e-7, 1 - 1e-7)} (any activation but the
     * sigmoid), {@code -(pw y' log p + (1 - y') log(1 - p))}, and its derivative
     * {@code (1 - y') / (1 - p) - pw y' / p} (the clip's derivative left out, as DL4J's {@code LossBinaryXENT} does).
     */
    static final class Probabilities implements ElementFormula {
        private final double smoothing;

        Probabilities(double smoothing) {
            this.smoothing = smoothing;
        }

        @Override
        public <V> V loss(LaneMath<V> n, V a, V y, V pw) {
            V ys = n.fma(y, n.of(1 - smoothing), n.of(smoothing / 2));
            V p = n.min(n.max(a, n.of(Inputs.P_MIN)), n.of(1 - Inputs.P_MIN));
            return n.neg(n.fma(n.mul(pw, ys), n.log(p), n.mul(n.sub(n.of(1), ys), n.log1p(n.neg(p)))));
        }

        @Override
        public <V> V gradient(LaneMath<V> n, V a, V y, V pw) {
            V ys = n.fma(y, n.of(1 - smoothing), n.of(smoothing / 2));
            V p = n.min(n.max(a, n.of(Inputs.P_MIN)), n.of(1 - Inputs.P_MIN));
            return n.sub(n.div(n.sub(n.of(1), ys), n.sub(n.of(1), p)), n.div(n.mul(pw, ys), p));
        }

        @Override
        public <V> V labelCheck(LaneMath<V> n, V y) {
            return n.nanOutsideUnit(y);
        }
    }

    /** Builder for {@link BinaryCrossEntropyLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<BinaryCrossEntropyLoss, Builder> {
        Builder() {
            super(new BinaryCrossEntropyLoss());
        }

        /**
         * A weight per column, multiplying that column's whole loss (the formula's {@code w_k};
         * PyTorch's {@code weight}), one entry per column of {@code preOutput}, its length checked on
         * every call. Default none (every weight 1); finite and &gt;= 0 in every entry.
         *
         * @param weights the option {@code weights}
         * @return this builder
         */
        public Builder weights(double... weights) {
            draft.weights = weights;
            return this;
        }

        /**
         * A weight per column on the positive term {@code y' log p} only (the formula's {@code pw_k};
         * PyTorch's {@code pos_weight}): &gt; 1 favours recall, &lt; 1 precision; one entry per column
         * of {@code preOutput}, its length checked on every call. Default none (every weight 1); finite
         * and &gt; 0 in every entry.
         *
         * @param posWeight the option {@code posWeight}
         * @return this builder
         */
        public Builder posWeight(double... posWeight) {
            draft.posWeight = posWeight;
            return this;
        }

        /**
         * Label smoothing e: the labels become {@code y' = y (1 - e) + e / 2}, pulled towards 1/2.
         * Default 0.0 (none); in [0, 1].
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
