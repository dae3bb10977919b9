package org.dl4jlosses.classification;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.ElementFormula;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Asymmetric loss (ASL) for multi-label classification: a focal loss that focuses positives and
 * negatives differently and shifts the probability of negatives, so that the many easy negatives
 * of a multi-label problem stop dominating. With {@code p = sigmoid(z)}, the shifted probability
 * {@code p_m = max(p - clip, 0)} and targets {@code y} in [0, 1]:
 *
 * <pre>
 *   loss_row = 1/K sum_k -[y log p + (1 - y) log(1 - p_m)] (1 - p_t)^gamma_t
 *   1 - p_t  = y (1 - p) + (1 - y) p_m,    gamma_t = gammaPositive y + gammaNegative (1 - y)
 * </pre>
 *
 * For hard labels: {@code -(1 - p)^gammaPositive log p} for a positive,
 * {@code -p_m^gammaNegative log(1 - p_m)} for a negative. Computed from the logits
 * ({@code log p = -softplus(-z)}, {@code 1 - p = sigmoid(-z)}), so logits of any magnitude give
 * exact values where the authors' code clamps probabilities at 1e-8; the gradient includes the
 * focusing weight's derivative (the authors' {@code disable_torch_grad_focal_loss=False}).
 *
 * <p>Reference: Ridnik et al. (2021), "Asymmetric Loss For Multi-Label Classification"; the authors'
 * {@code AsymmetricLoss} (which sums over the K labels: here the mean over K, like every element-wise
 * loss of this library).
 *
 * <p>Options: {@code gammaPositive} (default 0.0, &gt;= 0), {@code gammaNegative} (default 4.0,
 * &gt;= 0), {@code clip} (default 0.05, in [0, 1)). Activation: sigmoid only. Labels: targets in
 * [0, 1] {@code [R, K]}; row or element masks.
 */
@JsonDeserialize(builder = AsymmetricLoss.Builder.class)
public final class AsymmetricLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code gammaPositive}: see {@link Builder#gammaPositive(double)}. */
    @Option(min = 0)
    private double gammaPositive = 0.0;
    /** Option {@code gammaNegative}: see {@link Builder#gammaNegative(double)}. */
    @Option(min = 0)
    private double gammaNegative = 4.0;
    /** Option {@code clip}: see {@link Builder#clip(double)}. */
    @Option(min = 0, max = 1, maxExclusive = true)
    private double clip = 0.05;

    /** The defaults: gammaPositive 0, gammaNegative 4, clip 0.05 (the paper's). */
    public AsymmetricLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup elementFormula(IActivation activation) {
        return new FormulaSetup(Formula.class, gammaPositive, gammaNegative, clip);
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        if (!(activation instanceof ActivationSigmoid)) {
            throw Checks.fail("AsymmetricLoss", "activationFn", "sigmoid (one independent probability per label)",
                    activation);
        }
        return LabelKind.PROBABILITY;
    }

    /** {@return the option {@code gammaPositive}} */
    public double getGammaPositive() {
        return gammaPositive;
    }

    /** {@return the option {@code gammaNegative}} */
    public double getGammaNegative() {
        return gammaNegative;
    }

    /** {@return the option {@code clip}} */
    public double getClip() {
        return clip;
    }

    /**
     * The term from the logits and its derivative. With {@code q = sigmoid(-z)}, {@code L = y log p
     * + (1 - y) log(1 - p_m)}, {@code b = 1 - p_t} and {@code w = b^gamma_t}: {@code loss = -L w},
     * {@code dL/dz = -w [y q + (1 - y) (log(1 - p_m))' + gamma_t L b' / b]} with
     * {@code b' = p q ((1 - y) [p > clip] - y)}. {@code b} is 0 only where {@code b'} is, so
     * {@code b' / b} is taken as {@code b' / max(b, smallest positive)}; {@code log(1 - p_m)} is
     * {@code -softplus(z)} without a clip, {@code log(min(q + clip, 1))} with one.
     */
    static final class Formula implements ElementFormula.OnSigmoidLogits {
        private final double gammaPositive;
        private final double gammaNegative;
        private final double clip;

        Formula(double gammaPositive, double gammaNegative, double clip) {
            this.gammaPositive = gammaPositive;
            this.gammaNegative = gammaNegative;
            this.clip = clip;
        }

        @Override
        public <V> V loss(LaneMath<V> n, V z, V y, V unused) {
            V one = n.of(1);
            V t = n.exp(n.neg(n.abs(z)));
            V r = n.div(one, n.add(t, one));
            V p = n.whereNonNegative(z, r, n.mul(t, r));
            V q = n.whereNonNegative(z, n.mul(t, r), r);
            V logP = n.neg(n.add(n.max(n.neg(z), n.of(0)), n.log1p(t)));
            V logNotPm = clip == 0 ? n.neg(n.add(n.max(z, n.of(0)), n.log1p(t))) : n.log(n.min(n.add(q, n.of(clip)), one));
            V notY = n.sub(one, y);
            V l = n.fma(y, logP, n.mul(notY, logNotPm));
            return n.neg(n.mul(l, weight(n, y, notY, p, q)));
        }

        @Override
        public <V> V gradient(LaneMath<V> n, V z, V y, V unused) {
            V one = n.of(1);
            V t = n.exp(n.neg(n.abs(z)));
            V r = n.div(one, n.add(t, one));
            V p = n.whereNonNegative(z, r, n.mul(t, r));
            V q = n.whereNonNegative(z, n.mul(t, r), r);
            V notY = n.sub(one, y);
            V logP = n.neg(n.add(n.max(n.neg(z), n.of(0)), n.log1p(t)));
            V logNotPm;
            V dLogNotPm;
            V shifted;
            if (clip == 0) {
                logNotPm = n.neg(n.add(n.max(z, n.of(0)), n.log1p(t)));
                dLogNotPm = n.neg(p);
                shifted = one;
            } else {
                V qc = n.add(q, n.of(clip));
                logNotPm = n.log(n.min(qc, one));
                shifted = n.whereNonNegative(n.sub(n.of(clip), p), n.of(0), one);
                dLogNotPm = n.neg(n.mul(shifted, n.div(n.mul(p, q), qc)));
            }
            V l = n.fma(y, logP, n.mul(notY, logNotPm));
            V b = base(n, y, notY, p, q);
            V db = n.mul(n.mul(p, q), n.fma(notY, shifted, n.neg(y)));
            V gamma = n.fma(y, n.of(gammaPositive - gammaNegative), n.of(gammaNegative));
            V focus = n.mul(n.mul(gamma, l), n.div(db, n.max(b, n.of(n.minPositive()))));
            V w = power(n, b, gamma);
            return n.neg(n.mul(w, n.add(n.fma(y, q, n.mul(notY, dLogNotPm)), focus)));
        }

        /** {@code b = 1 - p_t = y q + (1 - y) p_m}. */
        private <V> V base(LaneMath<V> n, V y, V notY, V p, V q) {
            return n.fma(y, q, n.mul(notY, n.max(n.sub(p, n.of(clip)), n.of(0))));
        }

        /** The focusing weight {@code b^gamma_t}. */
        private <V> V weight(LaneMath<V> n, V y, V notY, V p, V q) {
            return power(n, base(n, y, notY, p, q), n.fma(y, n.of(gammaPositive - gammaNegative), n.of(gammaNegative)));
        }

        /** {@code b^gamma} for {@code b >= 0}, with {@code 0^0 = 1}. */
        private static <V> V power(LaneMath<V> n, V b, V gamma) {
            return n.whereNonNegative(n.neg(gamma), n.of(1), n.exp(n.mul(gamma, n.log(b))));
        }

        @Override
        public <V> V labelCheck(LaneMath<V> n, V y) {
            return n.nanOutsideUnit(y);
        }
    }

    /** Builder for {@link AsymmetricLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<AsymmetricLoss, Builder> {
        Builder() {
            super(new AsymmetricLoss());
        }

        /**
         * The focusing exponent of positive labels: their term is weighted by {@code (1 - p)^gammaPositive},
         * so confident positives count less. Default 0.0 (plain cross-entropy for positives, as the
         * paper recommends, to keep their gradients); &gt;= 0.
         *
         * @param gammaPositive the option {@code gammaPositive}
         * @return this builder
         */
        public Builder gammaPositive(double gammaPositive) {
            draft.gammaPositive = gammaPositive;
            return this;
        }

        /**
         * The focusing exponent of negative labels: their term is weighted by {@code p_m^gammaNegative},
         * so the many easy negatives count much less. Default 4.0; &gt;= 0.
         *
         * @param gammaNegative the option {@code gammaNegative}
         * @return this builder
         */
        public Builder gammaNegative(double gammaNegative) {
            draft.gammaNegative = gammaNegative;
            return this;
        }

        /**
         * The probability margin of negatives: {@code p_m = max(p - clip, 0)}, so a negative predicted
         * below {@code clip} costs nothing (hard thresholding of very easy negatives, which also
         * discards some mislabelled ones). Default 0.05; in [0, 1), 0 for no shift.
         *
         * @param clip the option {@code clip}
         * @return this builder
         */
        public Builder clip(double clip) {
            draft.clip = clip;
            return this;
        }
    }
}
