package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.Option;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * The combined margin loss, one loss for the margin family on cosines: cross-entropy over the
 * scaled cosines with the target's replaced by {@code cos(m1 theta + m2) - m3}. ArcFace is
 * {@code (1, 0.5, 0)}, CosFace {@code (1, 0, 0.35)}, SphereFace's multiplicative margin m1 &gt; 1
 * (with m2, m3 the combination of Deng et al.'s Table 1). For row i with class y and
 * {@code theta = acos(c_y)}:
 *
 * <pre>
 *   logit_j = s cos theta_j   (j != y),     logit_y = s phi(c_y)
 *   phi(c)  = cos(m1 theta + m2) - m3                  while m1 theta + m2 &lt;= pi
 *           = c - m2 sin(pi - m2) - m3                 past pi (insightface's fallback for ArcFace)
 *   loss_i  = logsumexp(logit) - logit_y
 * </pre>
 *
 * With {@code easyMargin} the angular part applies only where {@code c > 0} ({@code phi = c - m3}
 * elsewhere), as insightface's {@code easy_margin}. Cosines, activation, labels, masks and the
 * gradient at {@code c = +-1} are as in {@link AdditiveAngularMarginLoss}, which is this loss at
 * {@code (1, m, 0)} (the same formula, {@code CosineMargin}).
 *
 * <p>Reference: Deng et al. (2019), "ArcFace", section 3.3 (combined margin); insightface's
 * {@code CombinedMarginLoss} ({@code recognition/arcface_torch/losses.py}) followed by
 * {@code F.cross_entropy}, mean over rows. insightface computes only two cases, ArcFace
 * ({@code m1 = 1, m3 = 0}) and CosFace ({@code m3 > 0}, where it drops m2); this loss computes
 * the whole combination, equal to insightface's in both of its cases.
 *
 * <p>Options: {@code scale} s (default 64.0, &gt; 0); {@code m1} (default 1.0, &gt; 0): the
 * multiplicative angular margin; {@code m2} (default 0.5 radians, in [0, pi)): the additive
 * angular margin; {@code m3} (default 0.0, &gt;= 0): the additive cosine margin;
 * {@code easyMargin} (default false).
 */
@JsonDeserialize(builder = CombinedMarginLoss.Builder.class)
public final class CombinedMarginLoss extends CosineMarginLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code m1}: see {@link Builder#m1(double)}. */
    @Option(min = 0, minExclusive = true)
    private double m1 = 1.0;
    /** Option {@code m2}: see {@link Builder#m2(double)}. */
    @Option(min = 0, max = Math.PI, maxExclusive = true, expected = "in [0, pi) radians")
    private double m2 = 0.5;
    /** Option {@code m3}: see {@link Builder#m3(double)}. */
    @Option(min = 0)
    private double m3 = 0.0;
    /** Option {@code easyMargin}: see {@link Builder#easyMargin(boolean)}. */
    @Option
    private boolean easyMargin;

    /** The defaults: ArcFace, scale 64, m1 1, m2 0.5, m3 0, no easy margin. */
    public CombinedMarginLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    double[] margins() {
        return new double[] {m1, m2, m3};
    }

    @Override
    boolean easyMargin() {
        return easyMargin;
    }

    /** {@return the option {@code m1}} */
    public double getM1() {
        return m1;
    }

    /** {@return the option {@code m2}} */
    public double getM2() {
        return m2;
    }

    /** {@return the option {@code m3}} */
    public double getM3() {
        return m3;
    }

    /** {@return the option {@code easyMargin}} */
    public boolean isEasyMargin() {
        return easyMargin;
    }

    /** Builder for {@link CombinedMarginLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends CosineMarginLoss.Builder<CombinedMarginLoss, Builder> {
        Builder() {
            super(new CombinedMarginLoss());
        }

        /**
         * The multiplicative angular margin: the target's angle is multiplied by it (SphereFace's m,
         * 1 for none). Default 1.0; finite and &gt; 0.
         *
         * @param m1 the option {@code m1}
         * @return this builder
         */
        public Builder m1(double m1) {
            draft.m1 = m1;
            return this;
        }

        /**
         * The additive angular margin, in radians, added to the target's angle (ArcFace's m).
         * Default 0.5; in [0, pi).
         *
         * @param m2 the option {@code m2}
         * @return this builder
         */
        public Builder m2(double m2) {
            draft.m2 = m2;
            return this;
        }

        /**
         * The additive cosine margin, subtracted from the target's cosine (CosFace's m). Default 0.0;
         * finite and &gt;= 0.
         *
         * @param m3 the option {@code m3}
         * @return this builder
         */
        public Builder m3(double m3) {
            draft.m3 = m3;
            return this;
        }

        /**
         * Apply the angular part (m1, m2) only where the target cosine is positive, instead of the
         * fallback once {@code m1 theta + m2} would pass pi. Default false.
         *
         * @param easyMargin the option {@code easyMargin}
         * @return this builder
         */
        public Builder easyMargin(boolean easyMargin) {
            draft.easyMargin = easyMargin;
            return this;
        }
    }
}
