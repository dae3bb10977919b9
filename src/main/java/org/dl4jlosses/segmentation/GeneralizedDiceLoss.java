package org.dl4jlosses.segmentation;

import org.dl4jlosses.internal.Option;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Generalized Dice loss for segmentation: one Dice index per image that pools the classes, each
 * weighted by the inverse of its label volume, so that small structures count as much as large
 * ones. Rows are pixels, columns classes, {@code p} the activation's output and y the labels; for
 * each group g of rows (an image), with sums over its pixels:
 *
 * <pre>
 *   w_c = 1 / (sum y_c)^2   (SQUARE; 1 / sum y_c for SIMPLE, 1 for UNIFORM)
 *   loss_g = 1 - (2 sum_c w_c sum p_c y_c + s) / (sum_c w_c (sum p_c + sum y_c) + s)
 * </pre>
 *
 * A class absent from an image's labels would weigh infinitely: it takes the image's largest finite
 * weight instead (all rows in batch mode), as MONAI does. The weights depend on the labels only,
 * so they are constants of the gradient.
 *
 * <p>Reference: Sudre et al. (2017), "Generalised Dice overlap as a deep learning loss function for
 * highly unbalanced segmentations"; MONAI's {@code GeneralizedDiceLoss(include_background,
 * w_type, smooth_nr = smooth, smooth_dr = smooth, batch = (rowsPerSample == 0))}, mean reduction.
 * The optional {@code weights} (this library's extension, as for {@code DiceLoss}) multiply the
 * volume weights.
 *
 * <p>Groups, layout, activations, masks and the options {@code includeBackground},
 * {@code weights}, {@code rowsPerSample} are {@link DiceLoss}'s (see there); {@code smooth} too, with
 * MONAI's default 1e-5 here. Option of its own: {@code weighting} (default SQUARE).
 */
@JsonDeserialize(builder = GeneralizedDiceLoss.Builder.class)
public final class GeneralizedDiceLoss extends OverlapLoss {
    private static final long serialVersionUID = 1L;
    /** The pooled index {@code (2 I + s) / (P + Y + s)}. */
    private static final double[] DICE = {2, 0, 1, 1, 1};

    /** How the classes are weighted by their label volume {@code Y = sum y}. */
    public enum Weighting {
        /** {@code 1 / Y^2}, Sudre et al.'s choice. */
        SQUARE(2),
        /** {@code 1 / Y}. */
        SIMPLE(1),
        /** 1: the classes pooled without weights. */
        UNIFORM(0);

        private final double power;

        Weighting(double power) {
            this.power = power;
        }
    }

    /** Option {@code weighting}: see {@link Builder#weighting(Weighting)}. */
    @Option
    private Weighting weighting = Weighting.SQUARE;

    /** The defaults: SQUARE weighting, smooth 1e-5, background included, no weights, batch mode. */
    public GeneralizedDiceLoss() {
        smooth = 1e-5;
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
    double volumePower() {
        return weighting.power;
    }

    /** {@return the option {@code weighting}} */
    public Weighting getWeighting() {
        return weighting;
    }

    /** Builder for {@link GeneralizedDiceLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends OverlapLoss.Builder<GeneralizedDiceLoss, Builder> {
        Builder() {
            super(new GeneralizedDiceLoss());
        }

        /**
         * How each class is weighted by its label volume {@code Y = sum y} in the image:
         * {@code SQUARE} ({@code 1 / Y^2}), {@code SIMPLE} ({@code 1 / Y}) or {@code UNIFORM} (1).
         * Default SQUARE; non-null.
         *
         * @param weighting the option {@code weighting}
         * @return this builder
         */
        public Builder weighting(Weighting weighting) {
            draft.weighting = weighting;
            return this;
        }
    }
}
