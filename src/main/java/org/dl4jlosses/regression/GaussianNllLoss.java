package org.dl4jlosses.regression;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.RowFormula;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Gaussian negative log-likelihood: the layer predicts a mean and a variance for each of K
 * targets, and {@code loss_row = 1/K sum_k 0.5 (log v_k + (y_k - mu_k)^2 / v_k)} (plus
 * {@code 0.5 log 2 pi} with {@code full}), {@code v = max(var, eps)}. Minimising it fits the means
 * and an input-dependent variance (heteroscedastic regression): a prediction interval
 * {@code mu +- 1.96 sqrt(v)} for 95%.
 *
 * <p>Layout: {@code preOutput [R, 2K]}, the K means first, then K variance heads, each read as
 * {@code var = exp(h)} ({@code LOG}: the head is {@code log sigma^2}) or {@code softplus(h)}
 * ({@code SOFTPLUS}). Use the identity activation (the variance head is mapped by the option, and
 * an activation would act on the means too).
 *
 * <p>Derivatives: {@code (mu - y) / v} for a mean, {@code 0.5 (1 / v - (y - mu)^2 / v^2) var'(h)} for
 * a head, with {@code var' = var} (LOG) or {@code sigmoid(h)} (SOFTPLUS), and 0 where the variance is
 * clamped to {@code eps}: the derivative of the loss as written, so that finite differences and
 * DL4J's gradient checks agree. (PyTorch clamps without tracking the gradient, and passes the
 * unclamped derivative through there.)
 *
 * <p>Reference: Nix and Weigend (1994); {@code torch.nn.functional.gaussian_nll_loss(mu, y, var,
 * full, eps, reduction='mean')}, which averages over the R x K elements: here the mean over K per
 * row, and DL4J's mean over the rows.
 *
 * <p>Options: {@code variance} (default LOG), {@code full} (default false), {@code eps} (default
 * 1e-6, &gt; 0). Labels: real targets {@code [R, K]}; row masks only.
 */
@JsonDeserialize(builder = GaussianNllLoss.Builder.class)
public final class GaussianNllLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** How the variance head becomes a variance. */
    public enum Variance {
        /** {@code var = exp(h)}: the head predicts {@code log sigma^2}. */
        LOG,
        /** {@code var = softplus(h) = log(1 + e^h)}. */
        SOFTPLUS
    }

    /** Option {@code variance}: see {@link Builder#variance(Variance)}. */
    @Option
    private Variance variance = Variance.LOG;
    /** Option {@code full}: see {@link Builder#full(boolean)}. */
    @Option
    private boolean full = false;
    /** Option {@code eps}: see {@link Builder#eps(double)}. */
    @Option(min = 0, minExclusive = true)
    private double eps = 1e-6;

    /** The defaults: log-variance heads, no constant, eps 1e-6. */
    public GaussianNllLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup rowFormula(IActivation activation) {
        return new FormulaSetup(Formula.class, variance == Variance.LOG, full, eps);
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.TARGETS;
    }

    /** Two columns of {@code preOutput} (a mean and a variance head) per target. */
    @Override
    protected int columnsPerLabel() {
        return 2;
    }

    /** {@return the option {@code variance}} */
    public Variance getVariance() {
        return variance;
    }

    /** {@return the option {@code full}} */
    public boolean isFull() {
        return full;
    }

    /** {@return the option {@code eps}} */
    public double getEps() {
        return eps;
    }

    /** One row {@code [mu_1..mu_K, h_1..h_K]} against its targets {@code [y_1..y_K]}. */
    static final class Formula implements RowFormula {
        private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

        private final boolean logVariance;
        private final boolean full;
        private final double eps;

        Formula(boolean logVariance, boolean full, double eps, LaneMath<?> n) {
            this.logVariance = logVariance;
            this.full = full;
            this.eps = eps;
        }

        @Override
        public boolean denseLabels() {
            return true;
        }

        @Override
        public <V> double row(LaneMath<V> n, Object z, Object y, int target, Object gradient, Object scratch, int k,
                              double scale, boolean wantLoss) {
            int targets = k / 2;
            // The heads go to the scratch row, so that every vector starts at a multiple of the width.
            for (int j = 0; j < targets; j++) {
                n.set(scratch, j, n.get(z, targets + j));
            }
            n.begin(targets);
            int width = n.width(targets);
            V acc = n.of(0);
            V perTarget = n.of(scale / targets);
            // A last partial vector of mean gradients runs into the heads' part, which is written after the loop.
            for (int i = 0; i < targets; i += width) {
                V mu = n.loadRow(z, i);
                V h = n.loadRow(scratch, i);
                V raw = logVariance ? n.exp(h) : n.softplus(h);
                V v = n.max(raw, n.of(eps));
                V r = n.sub(n.loadRow(y, i), mu);
                if (wantLoss) {
                    V term = n.mul(n.of(0.5), n.add(n.log(v), n.div(n.mul(r, r), v)));
                    acc = i + width <= targets ? n.add(acc, term) : n.addLanes(acc, term, i, targets);
                }
                if (gradient != null) {
                    V inverse = n.div(n.of(1), v);
                    n.storeRow(n.mul(perTarget, n.mul(n.neg(r), inverse)), gradient, i);
                    V dv = n.mul(n.of(0.5), n.sub(inverse, n.mul(n.mul(r, r), n.mul(inverse, inverse))));
                    // d var / d h, and 0 below eps, where the clamp holds the variance still.
                    V slope = n.whereNonNegative(n.sub(raw, n.of(eps)), logVariance ? raw : n.sigmoid(h), n.of(0));
                    // The head gradient takes the head's place in scratch: each vector is read before it is written.
                    n.storeRow(n.mul(perTarget, n.mul(dv, slope)), scratch, i);
                }
            }
            if (gradient != null) {
                for (int j = 0; j < targets; j++) {
                    n.set(gradient, targets + j, n.get(scratch, j));
                }
            }
            return wantLoss ? scale * (n.sum(acc, targets) / targets + (full ? HALF_LOG_2PI : 0)) : 0;
        }
    }

    /** Builder for {@link GaussianNllLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<GaussianNllLoss, Builder> {
        Builder() {
            super(new GaussianNllLoss());
        }

        /**
         * How each variance head h becomes a variance: {@code LOG} ({@code exp(h)}, the head predicts
         * {@code log sigma^2}, unbounded both ways) or {@code SOFTPLUS} ({@code log(1 + e^h)}, gentler for
         * large heads). Default LOG; non-null.
         *
         * @param variance the option {@code variance}
         * @return this builder
         */
        public Builder variance(Variance variance) {
            draft.variance = variance;
            return this;
        }

        /**
         * Whether to add the constant {@code 0.5 log 2 pi} per target, making the loss the full
         * negative log-likelihood; it does not change the gradient. Default false.
         *
         * @param full the option {@code full}
         * @return this builder
         */
        public Builder full(boolean full) {
            draft.full = full;
            return this;
        }

        /**
         * The smallest variance: {@code v = max(var, eps)}, which keeps the loss finite as a variance
         * head collapses (PyTorch's {@code eps}). Default 1e-6; &gt; 0.
         *
         * @param eps the option {@code eps}
         * @return this builder
         */
        public Builder eps(double eps) {
            draft.eps = eps;
            return this;
        }
    }
}
