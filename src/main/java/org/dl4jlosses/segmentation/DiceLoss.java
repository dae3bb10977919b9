package org.dl4jlosses.segmentation;

import org.dl4jlosses.internal.Option;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Dice loss for segmentation. Rows are pixels (as {@code CnnLossLayer} and {@code RnnLossLayer}
 * hand them to the loss), columns are classes, {@code p = a} the activation's output and y the
 * labels. For each group g of rows (an image) and class c:
 *
 * <pre>
 *   D_gc = (2 sum_{r in g} p_rc y_rc + s) / (sum_{r in g} p_rc + sum_{r in g} y_rc + s)
 *   loss_g = 1/C' sum_c w_c (1 - D_gc)
 * </pre>
 *
 * with {@code p^2} and {@code y^2} in the denominator if {@code squaredDenominator}, C' the classes
 * kept (all, or all but column 0 without the background). The reference value is the mean of
 * {@code loss_g} over groups.
 *
 * <p>Reference: Milletari, Navab, Ahmadi (2016), "V-Net"; MONAI's {@code DiceLoss(smooth_nr = smooth,
 * smooth_dr = smooth, squared_pred, include_background, weight, batch = (rowsPerSample == 0))},
 * mean reduction. MONAI multiplies each class's loss {@code 1 - D_gc} by its weight, which is
 * what we do; it equals {@code 1 - mean_c w_c D_gc} when the weights average to 1.
 *
 * <p>Groups and the numbers DL4J sees: with {@code rowsPerSample = P > 0}, each P consecutive rows
 * are one image (the order {@code CnnLossLayer} uses for {@code [mb, C, H, W]} activations, with
 * {@code P = H x W}); the row count must be a multiple of P, {@code computeScore(average=false)}
 * is the sum of the images' losses and {@code average=true} divides it by the number of images,
 * which is what {@code CnnLossLayer} reports. With {@code rowsPerSample = 0} all rows form one
 * group (MONAI's batch Dice) and, as for every loss, the sums are R times the reference value.
 * The score array puts each image's loss evenly on its rows.
 *
 * <p>Activations: with softmax, classes are exclusive and labels are one-hot or soft rows, or
 * class indices {@code [R, 1]}; with sigmoid (or any other activation whose output is in [0, 1])
 * each column is an independent channel with labels in [0, 1]. The gradient goes through the
 * activation. A row mask removes pixels from their image's sums; an image whose every pixel is
 * masked contributes nothing.
 *
 * <p>Computation ({@code OverlapFormula}, shared with {@link TverskyLoss}), in float32 and float64
 * alike: p and y are taken class-major (one row per class), so the softmax over the classes, each
 * image's per-class sums (dot products) and the gradient are passes in whole vectors; softmax and
 * sigmoid are applied inside the formula, from the logits, and any other activation before and
 * after it.
 *
 * <p>Options:
 * <ul>
 * <li>{@code smooth} (default 1.0, &gt;= 0): added to numerator and denominator; it keeps a class
 * absent from both prediction and labels at Dice 1 (no loss) instead of 0/0. With 0, such a class
 * is rejected as undefined, as is any empty denominator.</li>
 * <li>{@code squaredDenominator} (default false): sum p^2 + sum y^2 in the denominator (V-Net's form).</li>
 * <li>{@code includeBackground} (default true): false leaves column 0 out (ignored, as in MONAI,
 * when there is a single column).</li>
 * <li>{@code weights} (default none = all 1): one non-negative weight per column; with
 * {@code includeBackground = false} column 0's entry is unused.</li>
 * <li>{@code rowsPerSample} (default 0 = one group, batch Dice): rows per image.</li>
 * </ul>
 */
@JsonDeserialize(builder = DiceLoss.Builder.class)
public final class DiceLoss extends OverlapLoss {
    private static final long serialVersionUID = 1L;
    /** Dice as an overlap index: {@code (2 I + s) / (P + Y + s)}. */
    private static final double[] DICE = {2, 0, 1, 1, 1};

    /** Option {@code squaredDenominator}: see {@link Builder#squaredDenominator(boolean)}. */
    @Option
    private boolean squaredDenominator;

    /** The defaults: smooth 1.0, plain denominator, background included, no weights, batch Dice. */
    public DiceLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    double[] index() {
        return DICE;
    }

    @Override
    boolean squaredSums() {
        return squaredDenominator;
    }

    /** {@return the option {@code squaredDenominator}} */
    public boolean isSquaredDenominator() {
        return squaredDenominator;
    }

    /** Builder for {@link DiceLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends OverlapLoss.Builder<DiceLoss, Builder> {
        Builder() {
            super(new DiceLoss());
        }

        /**
         * Use {@code sum p^2 + sum y^2} in the denominator (V-Net's form) instead of
         * {@code sum p + sum y}. Default false.
         *
         * @param squaredDenominator the option {@code squaredDenominator}
         * @return this builder
         */
        public Builder squaredDenominator(boolean squaredDenominator) {
            draft.squaredDenominator = squaredDenominator;
            return this;
        }
    }
}
