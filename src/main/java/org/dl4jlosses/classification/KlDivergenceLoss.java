package org.dl4jlosses.classification;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.RowFormula;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Kullback-Leibler divergence from a target distribution to the softmax at a temperature, the
 * loss of knowledge distillation: with {@code p = softmax(z / T)} and a target row {@code q} (a
 * teacher's softened probabilities),
 * {@code loss_row = T^2 sum_c q_c (log q_c - log p_c)}, {@code 0 log 0 = 0}, and
 * {@code dL/dz = T (p sum_c q_c - q)}.
 *
 * <p>The factor {@code T^2} keeps the gradients' size independent of T, as Hinton et al. advise,
 * so that the loss can be mixed with a hard-label cross-entropy; the loss is 0 exactly where
 * {@code p = q}. Computed from the logits ({@code log p = z / T - logsumexp(z / T)}), exact for
 * logits of any magnitude. Rows are not checked to sum to 1 (as PyTorch does not): for a row that
 * does not, the value is {@code sum q (log q - log p)} as written, which is no divergence.
 *
 * <p>Reference: Hinton, Vinyals and Dean (2015), "Distilling the Knowledge in a Neural Network";
 * {@code F.kl_div(F.log_softmax(z / T, 1), q, reduction='batchmean') * T^2}.
 *
 * <p>Options: {@code temperature} (default 1.0, &gt; 0). Activation: softmax only (the loss works
 * on its logits). Labels: probability rows {@code [R, C]} (zero entries allowed), one-hot rows, or
 * class indices {@code [R, 1]} (a one-hot target, for which the loss is {@code T^2} times the
 * cross-entropy of {@code p}); row mask only.
 */
@JsonDeserialize(builder = KlDivergenceLoss.Builder.class)
public final class KlDivergenceLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code temperature}: see {@link Builder#temperature(double)}. */
    @Option(min = 0, minExclusive = true)
    private double temperature = 1.0;

    /** The defaults: temperature 1. */
    public KlDivergenceLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup rowFormula(IActivation activation) {
        return new FormulaSetup(Formula.class, temperature);
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        if (!(activation instanceof ActivationSoftmax)) {
            throw Checks.fail("KlDivergenceLoss", "activationFn", "softmax (the loss works on its logits)", activation);
        }
        return LabelKind.CLASSES;
    }

    /** {@return the option {@code temperature}} */
    public double getTemperature() {
        return temperature;
    }

    /**
     * One row from the logits: {@code z' = z / T}, {@code m = max z'}, {@code S = sum exp(z' - m)},
     * {@code loss = T^2 [sum q (log q - (z' - m)) + log S sum q]}, {@code dL/dz = T (p sum q - q)};
     * a one-class row is {@code T^2 (m - z'_t + log S)} and {@code T (p - [j = t])}.
     */
    static final class Formula implements RowFormula.OnSoftmaxLogits {
        private final double temperature;

        Formula(double temperature, LaneMath<?> n) {
            this.temperature = temperature;
        }

        @Override
        public boolean denseLabels() {
            return false;
        }

        @Override
        public <V> double row(LaneMath<V> n, Object z, Object q, int target, Object gradient, Object scratch, int k,
                              double scale, boolean wantLoss) {
            n.begin(k);
            double t = temperature;
            if (t != 1) {
                n.scale(z, 0, k, 1 / t);
            }
            Object exps = gradient != null ? gradient : scratch;
            double max = n.max(z, 0, k);
            double expSum = n.expSum(z, 0, k, max, exps);
            // log p = (z' - max) - log(expSum), each part small: no digits lost to logits far from zero.
            double logExpSum = Math.log(expSum);
            if (target >= 0) {
                if (gradient != null) {
                    n.scale(gradient, 0, k, scale * t / expSum);
                    n.set(gradient, target, n.get(gradient, target) - scale * t);
                }
                return wantLoss ? scale * t * t * (max - n.get(z, target) + logExpSum) : 0;
            }
            double mass = mass(n, q, k);
            if (gradient != null) {
                n.scale(gradient, 0, k, scale * t * mass / expSum);
                n.axpy(-scale * t, q, 0, gradient, 0, k);
            }
            return wantLoss ? scale * t * t * (terms(n, z, q, k, max) + logExpSum * mass) : 0;
        }

        /** {@code sum_c q_c (log q_c - (z'_c - max))}, with {@code 0 log 0 = 0}. */
        private static <V> double terms(LaneMath<V> n, Object z, Object q, int k, double max) {
            V tiny = n.of(n.minPositive());
            V shift = n.of(max);
            V acc = n.of(0);
            int width = n.width(k);
            int whole = k / width * width;
            for (int i = 0; i < whole; i += width) {
                acc = n.add(acc, term(n, n.sub(n.loadRow(z, i), shift), n.loadRow(q, i), tiny));
            }
            if (whole < k) {
                acc = n.addLanes(acc, term(n, n.sub(n.loadRow(z, whole), shift), n.loadRow(q, whole), tiny), whole, k);
            }
            return n.sum(acc, k);
        }

        private static <V> V term(LaneMath<V> n, V z, V q, V tiny) {
            return n.mul(q, n.sub(n.log(n.max(q, tiny)), z));
        }

        /** {@code sum_c q_c}. */
        private static <V> double mass(LaneMath<V> n, Object q, int k) {
            V acc = n.of(0);
            int width = n.width(k);
            int whole = k / width * width;
            for (int i = 0; i < whole; i += width) {
                acc = n.add(acc, n.loadRow(q, i));
            }
            if (whole < k) {
                acc = n.addLanes(acc, n.loadRow(q, whole), whole, k);
            }
            return n.sum(acc, k);
        }
    }

    /** Builder for {@link KlDivergenceLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<KlDivergenceLoss, Builder> {
        Builder() {
            super(new KlDivergenceLoss());
        }

        /**
         * The softmax temperature T: the student's probabilities are {@code softmax(z / T)}, and the
         * loss is multiplied by {@code T^2}. Use the temperature the teacher's targets were softened
         * with (Hinton et al. use 1 to 20; larger T transfers more of the teacher's small
         * probabilities). Default 1.0; &gt; 0.
         *
         * @param temperature the option {@code temperature}
         * @return this builder
         */
        public Builder temperature(double temperature) {
            draft.temperature = temperature;
            return this;
        }
    }
}
