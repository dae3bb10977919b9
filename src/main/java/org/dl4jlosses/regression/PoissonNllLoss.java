package org.dl4jlosses.regression;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.ElementFormula;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Poisson negative log-likelihood of counts {@code y} under a predicted rate, without the constant
 * {@code log y!}: {@code loss_row = 1/K sum_k l(a_k, y_k)} with
 * {@code l = exp(a) - y a} when the layer predicts the log-rate ({@code logInput}, the default), or
 * {@code l = a - y log(a + eps)} when it predicts the rate itself; with {@code full}, plus Stirling's
 * approximation of {@code log y!}, {@code y log y - y + log(2 pi y) / 2}, for counts above 1.
 *
 * <p>Derivatives: {@code exp(a) - y}, or {@code 1 - y / (a + eps)}. A rate is a layer output
 * {@code a > -eps} (an exp, softplus, ReLU or sigmoid activation); a row where {@code a + eps <= 0},
 * or where {@code exp(a)} overflows, is an error naming that row, where PyTorch returns NaN or
 * infinity. Reference: {@code torch.nn.functional.poisson_nll_loss(a, y, log_input, full, eps=eps,
 * reduction='mean')}.
 *
 * <p>Options: {@code logInput} (default true), {@code full} (default false), {@code eps} (default
 * 1e-8, &gt; 0). Labels: counts {@code [R, K]}, finite and &gt;= 0 (not necessarily whole); row or
 * element masks.
 */
@JsonDeserialize(builder = PoissonNllLoss.Builder.class)
public final class PoissonNllLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code logInput}: see {@link Builder#logInput(boolean)}. */
    @Option
    private boolean logInput = true;
    /** Option {@code full}: see {@link Builder#full(boolean)}. */
    @Option
    private boolean full = false;
    /** Option {@code eps}: see {@link Builder#eps(double)}. */
    @Option(min = 0, minExclusive = true)
    private double eps = 1e-8;

    /** The defaults: log-rate input, no Stirling term, eps 1e-8. */
    public PoissonNllLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup elementFormula(IActivation activation) {
        return logInput ? new FormulaSetup(LogRate.class, full) : new FormulaSetup(Rate.class, full, eps);
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return LabelKind.COUNT;
    }

    /** {@return the option {@code logInput}} */
    public boolean isLogInput() {
        return logInput;
    }

    /** {@return the option {@code full}} */
    public boolean isFull() {
        return full;
    }

    /** {@return the option {@code eps}} */
    public double getEps() {
        return eps;
    }

    /** Stirling's {@code y log y - y + log(2 pi y) / 2} for {@code y > 1}, 0 otherwise (as PyTorch's {@code full}). */
    static <V> V stirling(LaneMath<V> n, V y) {
        V logY = n.log(n.max(y, n.of(1)));
        V term = n.fma(n.fma(y, n.of(1), n.of(0.5)), logY, n.fma(y, n.of(-1), n.of(0.5 * Math.log(2 * Math.PI))));
        return n.whereNonNegative(n.sub(n.of(1), y), n.of(0), term);
    }

    /** Counts: NaN where {@code y} is negative or not finite. */
    static <V> V countCheck(LaneMath<V> n, V y) {
        return n.whereNonNegative(y, n.sub(y, y), n.of(Double.NaN));
    }

    /** The term {@code exp(a) - y a} (+ Stirling) from a log-rate {@code a}, and its derivative {@code exp(a) - y}. */
    static final class LogRate implements ElementFormula {
        private final boolean full;

        LogRate(boolean full) {
            this.full = full;
        }

        @Override
        public <V> V loss(LaneMath<V> n, V a, V y, V option) {
            V nll = n.fma(n.neg(y), a, n.exp(a));
            return full ? n.add(nll, stirling(n, y)) : nll;
        }

        @Override
        public <V> V gradient(LaneMath<V> n, V a, V y, V option) {
            return n.sub(n.exp(a), y);
        }

        @Override
        public <V> V labelCheck(LaneMath<V> n, V y) {
            return countCheck(n, y);
        }
    }

    /** The term {@code a - y log(a + eps)} (+ Stirling) from a rate {@code a}, and its derivative {@code 1 - y / (a + eps)}. */
    static final class Rate implements ElementFormula {
        private final boolean full;
        private final double eps;

        Rate(boolean full, double eps) {
            this.full = full;
            this.eps = eps;
        }

        @Override
        public <V> V loss(LaneMath<V> n, V a, V y, V option) {
            V nll = n.fma(n.neg(y), n.log(n.add(a, n.of(eps))), a);
            return full ? n.add(nll, stirling(n, y)) : nll;
        }

        @Override
        public <V> V gradient(LaneMath<V> n, V a, V y, V option) {
            return n.sub(n.of(1), n.div(y, n.add(a, n.of(eps))));
        }

        @Override
        public <V> V labelCheck(LaneMath<V> n, V y) {
            return countCheck(n, y);
        }
    }

    /** Builder for {@link PoissonNllLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<PoissonNllLoss, Builder> {
        Builder() {
            super(new PoissonNllLoss());
        }

        /**
         * Whether the layer's output is the log of the rate ({@code l = exp(a) - y a}, any real
         * output; PyTorch's {@code log_input}) or the rate itself ({@code l = a - y log(a + eps)},
         * output &gt; -eps). Default true.
         *
         * @param logInput the option {@code logInput}
         * @return this builder
         */
        public Builder logInput(boolean logInput) {
            draft.logInput = logInput;
            return this;
        }

        /**
         * Whether to add Stirling's approximation of {@code log y!},
         * {@code y log y - y + log(2 pi y) / 2}, for counts above 1, so that the loss is the full
         * negative log-likelihood (up to that approximation); it depends on the labels only, so the
         * gradient is the same. Default false.
         *
         * @param full the option {@code full}
         * @return this builder
         */
        public Builder full(boolean full) {
            draft.full = full;
            return this;
        }

        /**
         * The offset in {@code log(a + eps)} that keeps a zero rate finite, used only when
         * {@code logInput} is false. Default 1e-8; &gt; 0.
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
