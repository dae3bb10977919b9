package org.dl4jlosses.segmentation;

import org.dl4jlosses.internal.Option;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Tversky loss for segmentation, and with {@code gamma > 1} the focal Tversky loss: Dice with
 * false positives and false negatives weighed separately, so that a rare class can favour recall.
 * Rows are pixels, columns classes, {@code p} the activation's output and y the labels; for each
 * group g of rows (an image) and class c, with sums over the image's pixels:
 *
 * <pre>
 *   TP = sum p y,   FP = sum p (1 - y),   FN = sum (1 - p) y
 *   TI_gc = (TP + s) / (TP + alpha FP + beta FN + s)
 *   loss_g = 1/C' sum_c w_c (1 - TI_gc)^(1 / gamma)
 * </pre>
 *
 * {@code alpha = beta = 0.5} is Dice (up to how {@code s} enters); {@code beta > alpha} penalises
 * missed pixels more. At {@code TI = 1} (a perfect overlap) with {@code gamma > 1} the loss has no
 * finite slope; its gradient there is taken as 0.
 *
 * <p>Reference: Salehi, Erdogmus, Gholipour (2017), "Tversky loss function for image segmentation";
 * Abraham and Khan (2019), "A novel focal Tversky loss function" (the exponent {@code 1 / gamma} per
 * class and image); MONAI's {@code TverskyLoss(alpha, beta, smooth_nr = smooth, smooth_dr = smooth,
 * include_background, batch = (rowsPerSample == 0))}, mean reduction, with this library's
 * {@code weights} and {@code gamma}.
 *
 * <p>Groups, layout, activations, masks and the options {@code smooth}, {@code includeBackground},
 * {@code weights}, {@code rowsPerSample} are {@link DiceLoss}'s (see there). Options of its own:
 * {@code alpha} (default 0.5, &gt;= 0): the weight of false positives; {@code beta} (default 0.5,
 * &gt;= 0): the weight of false negatives; {@code gamma} (default 1.0, &gt; 0; above 1 the focal
 * Tversky loss): the inverse of the exponent on each class's loss.
 */
@JsonDeserialize(builder = TverskyLoss.Builder.class)
public final class TverskyLoss extends OverlapLoss {
    private static final long serialVersionUID = 1L;

    /** Option {@code alpha}: see {@link Builder#alpha(double)}. */
    @Option(min = 0)
    private double alpha = 0.5;
    /** Option {@code beta}: see {@link Builder#beta(double)}. */
    @Option(min = 0)
    private double beta = 0.5;
    /** Option {@code gamma}: see {@link Builder#gamma(double)}. */
    @Option(min = 0, minExclusive = true)
    private double gamma = 1.0;

    /** The defaults: alpha = beta = 0.5, gamma 1, smooth 1.0, background included, no weights, batch mode. */
    public TverskyLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code TP + s} over {@code TP + alpha (P - TP) + beta (Y - TP) + s}. */
    @Override
    double[] index() {
        return new double[] {1, 1 - alpha - beta, alpha, beta, 1 / gamma};
    }

    /** {@return the option {@code alpha}} */
    public double getAlpha() {
        return alpha;
    }

    /** {@return the option {@code beta}} */
    public double getBeta() {
        return beta;
    }

    /** {@return the option {@code gamma}} */
    public double getGamma() {
        return gamma;
    }

    /** Builder for {@link TverskyLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends OverlapLoss.Builder<TverskyLoss, Builder> {
        Builder() {
            super(new TverskyLoss());
        }

        /**
         * The weight of false positives ({@code sum p (1 - y)}) in the index's denominator. Default
         * 0.5; finite and &gt;= 0.
         *
         * @param alpha the option {@code alpha}
         * @return this builder
         */
        public Builder alpha(double alpha) {
            draft.alpha = alpha;
            return this;
        }

        /**
         * The weight of false negatives ({@code sum (1 - p) y}) in the index's denominator: above
         * {@code alpha} it favours recall, as for small structures (the paper's 0.7 with alpha 0.3).
         * Default 0.5; finite and &gt;= 0.
         *
         * @param beta the option {@code beta}
         * @return this builder
         */
        public Builder beta(double beta) {
            draft.beta = beta;
            return this;
        }

        /**
         * The focal exponent's inverse: each class's loss is {@code (1 - TI)^(1 / gamma)}, which for
         * {@code gamma > 1} weighs classes with a poor overlap more (Abraham and Khan use 4/3). Default
         * 1.0 (plain Tversky); finite and &gt; 0.
         *
         * @param gamma the option {@code gamma}
         * @return this builder
         */
        public Builder gamma(double gamma) {
            draft.gamma = gamma;
            return this;
        }
    }
}
