package org.dl4jlosses.classification;

import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.ElementFormula;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.RowFormula;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Hinge (max-margin) losses on the scores {@code f = a}, the activation's output (usually identity).
 * With {@code h^P}, {@code P = 2} if {@code squared} else 1, and margin m:
 * <ul>
 * <li>{@link Mode#BINARY}: {@code loss_row = 1/K sum_k max(0, m - y_k f_k)^P}, labels -1, 0 or +1
 * (0 read as -1, so {0, 1} labels work as well as {-1, +1}, also mixed in one batch; any other value
 * is an error). Reference: Keras/scikit-learn {@code hinge}; DL4J's {@code LossHinge} is K times it.</li>
 * <li>{@link Mode#CRAMMER_SINGER}: {@code loss_row = max(0, m + max_{j != y} f_j - f_y)^P}.
 * Reference: Crammer and Singer (2001); scikit-learn's multi-class {@code hinge_loss}.</li>
 * <li>{@link Mode#WESTON_WATKINS}: {@code loss_row = sum_{j != y} max(0, m + f_j - f_y)^P}.
 * Reference: Weston and Watkins (1999); C times {@code torch.nn.functional.multi_margin_loss}.</li>
 * </ul>
 * At a kink the subgradient 0 is used, as PyTorch does; for Crammer-Singer ties in the max go to
 * the first such class.
 *
 * <p>Options: {@code mode} (default BINARY), {@code margin} (default 1.0, finite, &gt;= 0),
 * {@code squared} (default false). Multi-class modes take one-hot rows or class indices and a row
 * mask; BINARY takes row or element masks.
 */
@JsonDeserialize(builder = HingeLoss.Builder.class)
public final class HingeLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** Which hinge. */
    public enum Mode {
        /** Independent binary hinge per column. */
        BINARY,
        /** Multi-class: margin against the strongest wrong class. */
        CRAMMER_SINGER,
        /** Multi-class: margin against every wrong class, summed. */
        WESTON_WATKINS
    }

    /** Option {@code mode}: see {@link Builder#mode(Mode)}. */
    @Option
    private Mode mode = Mode.BINARY;
    /** Option {@code margin}: see {@link Builder#margin(double)}. */
    @Option(min = 0)
    private double margin = 1.0;
    /** Option {@code squared}: see {@link Builder#squared(boolean)}. */
    @Option
    private boolean squared;

    /** The defaults: BINARY, margin 1.0, not squared. */
    public HingeLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected FormulaSetup elementFormula(IActivation activation) {
        return mode == Mode.BINARY ? new FormulaSetup(squared ? SquaredBinary.class : Binary.class, margin) : null;
    }

    @Override
    protected FormulaSetup rowFormula(IActivation activation) {
        return mode == Mode.BINARY ? null : new FormulaSetup(MultiClass.class, mode == Mode.CRAMMER_SINGER, margin, squared);
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return mode == Mode.BINARY ? LabelKind.SIGNED_BINARY : LabelKind.ONE_CLASS;
    }

    /** {@return the option {@code mode}} */
    public Mode getMode() {
        return mode;
    }

    /** {@return the option {@code margin}} */
    public double getMargin() {
        return margin;
    }

    /** {@return the option {@code squared}} */
    public boolean isSquared() {
        return squared;
    }

    /** The binary term {@code h = max(0, m - s f)} and its derivative {@code -s [h > 0]}, {@code s = +1} for label 1, -1 for -1 and 0. */
    static final class Binary implements ElementFormula {
        private final double margin;

        Binary(double margin) {
            this.margin = margin;
        }

        @Override
        public <V> V loss(LaneMath<V> n, V f, V y, V unused) {
            return n.max(n.fma(n.neg(sign(n, y)), f, n.of(margin)), n.of(0));
        }

        @Override
        public <V> V gradient(LaneMath<V> n, V f, V y, V unused) {
            V minusS = n.neg(sign(n, y));
            return n.mul(minusS, n.max(n.signum(n.fma(minusS, f, n.of(margin))), n.of(0)));
        }

        @Override
        public <V> V labelCheck(LaneMath<V> n, V y) {
            return signedLabels(n, y);
        }
    }

    /** The squared binary term {@code h^2} and its derivative {@code -2 s h}. */
    static final class SquaredBinary implements ElementFormula {
        private final double margin;

        SquaredBinary(double margin) {
            this.margin = margin;
        }

        @Override
        public <V> V loss(LaneMath<V> n, V f, V y, V unused) {
            V h = n.max(n.fma(n.neg(sign(n, y)), f, n.of(margin)), n.of(0));
            return n.mul(h, h);
        }

        @Override
        public <V> V gradient(LaneMath<V> n, V f, V y, V unused) {
            V s = sign(n, y);
            V h = n.max(n.fma(n.neg(s), f, n.of(margin)), n.of(0));
            return n.mul(n.mul(s, h), n.of(-2));
        }

        @Override
        public <V> V labelCheck(LaneMath<V> n, V y) {
            return signedLabels(n, y);
        }
    }

    /**
     * The multi-class hinges on a row of scores f with true class t. Crammer-Singer:
     * {@code h = max(0, m + max_{j != t} f_j - f_t)}, {@code loss = h^P}, the slope {@code P h^(P-1)}
     * at the first strongest rival and its negative at t. Weston-Watkins:
     * {@code h_j = max(0, m + f_j - f_t)}, {@code loss = sum_{j != t} h_j^P},
     * {@code dL/df_j = P h_j^(P-1)} and at t minus their sum; one pass takes every j, t included
     * (where {@code h_t = m} exactly), and t's share is taken back out.
     */
    static final class MultiClass implements RowFormula {
        private final boolean crammerSinger;
        private final double margin;
        private final boolean squared;

        MultiClass(boolean crammerSinger, double margin, boolean squared, LaneMath<?> n) {
            this.crammerSinger = crammerSinger;
            this.margin = margin;
            this.squared = squared;
        }

        @Override
        public boolean denseLabels() {
            return false;
        }

        @Override
        public <V> double row(LaneMath<V> n, Object f, Object y, int t, Object gradient, Object scratch, int k,
                              double scale, boolean wantLoss) {
            n.begin(k);
            return crammerSinger ? crammerSinger(n, f, t, gradient, k, scale) : westonWatkins(n, f, t, gradient, k, scale);
        }

        private <V> double crammerSinger(LaneMath<V> n, Object f, int t, Object gradient, int k, double scale) {
            double own = n.get(f, t);
            n.set(f, t, Double.NEGATIVE_INFINITY);
            double rival = n.max(f, 0, k);
            n.set(f, t, own);
            double h = Math.max(rival - own + margin, 0);
            if (gradient != null) {
                for (int i = 0; i < k; i += n.width(k)) {
                    n.storeRow(n.of(0), gradient, i);
                }
                double slope = squared ? 2 * h : h > 0 ? 1 : 0;
                int strongest = 0;
                while (strongest < k && (strongest == t || n.get(f, strongest) != rival)) {
                    strongest++;
                }
                if (strongest == k) {
                    // A NaN score: no rival equals the max.
                    n.set(gradient, t, Double.NaN);
                } else if (slope != 0) {
                    n.set(gradient, strongest, scale * slope);
                    n.set(gradient, t, -scale * slope);
                }
            }
            return scale * (squared ? h * h : h);
        }

        private <V> double westonWatkins(LaneMath<V> n, Object f, int t, Object gradient, int k, double scale) {
            V own = n.of(n.get(f, t));
            V m = n.of(margin);
            V s = n.of(scale);
            V loss = n.of(0);
            V slopes = n.of(0);
            int width = n.width(k);
            for (int i = 0; i < k; i += width) {
                // (f_j - f_t) + m, not f_j + (m - f_t): at j = t it is m exactly, the share taken back out.
                V h = n.max(n.add(n.sub(n.loadRow(f, i), own), m), n.of(0));
                // Slopes: 2h squared, else [h > 0], the signum of h >= 0.
                V d = squared ? n.add(h, h) : n.signum(h);
                if (gradient != null) {
                    n.storeRow(n.mul(d, s), gradient, i);
                }
                V l = squared ? n.mul(h, h) : h;
                // The last vector reaches into the rows' padding: its lanes there are left out of the sums.
                loss = i + width <= k ? n.add(loss, l) : n.addLanes(loss, l, i, k);
                slopes = i + width <= k ? n.add(slopes, d) : n.addLanes(slopes, d, i, k);
            }
            if (gradient != null) {
                n.set(gradient, t, -scale * (n.sum(slopes, k) - (squared ? 2 * margin : margin > 0 ? 1 : 0)));
            }
            return scale * (n.sum(loss, k) - (squared ? margin * margin : margin));
        }
    }

    /** +1 for a label of 1, -1 for a label of -1 or 0. */
    static <V> V sign(LaneMath<V> n, V y) {
        return n.signum(n.sub(y, n.of(0.5)));
    }

    /** 0 for a label of -1, 0 or 1, NaN elsewhere: {@code sqrt(-|y^3 - y|)}. */
    static <V> V signedLabels(LaneMath<V> n, V y) {
        return n.sqrt(n.neg(n.abs(n.fma(n.mul(y, y), y, n.neg(y)))));
    }

    /** Builder for {@link HingeLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<HingeLoss, Builder> {
        Builder() {
            super(new HingeLoss());
        }

        /**
         * Which hinge: {@link Mode#BINARY} (per column, labels -1/+1 or 0/1),
         * {@link Mode#CRAMMER_SINGER} (multi-class, margin against the highest-scoring wrong class) or
         * {@link Mode#WESTON_WATKINS} (multi-class, margin against every wrong class, summed).
         * Default BINARY; not null.
         *
         * @param mode the option {@code mode}
         * @return this builder
         */
        public Builder mode(Mode mode) {
            draft.mode = mode;
            return this;
        }

        /**
         * The margin m: a score that is right by at least m costs nothing, e.g. {@code max(0, m - y f)}
         * per column in BINARY. Default 1.0; finite and &gt;= 0.
         *
         * @param margin the option {@code margin}
         * @return this builder
         */
        public Builder margin(double margin) {
            draft.margin = margin;
            return this;
        }

        /**
         * Square the hinge: {@code max(0, ...)^2} instead of {@code max(0, ...)}. Default false.
         *
         * @param squared the option {@code squared}
         * @return this builder
         */
        public Builder squared(boolean squared) {
            draft.squared = squared;
            return this;
        }
    }
}
