package org.dl4jlosses.segmentation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.internal.BaseLoss;
import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.Option;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.shade.jackson.databind.annotation.JsonDeserialize;

/**
 * Dice plus a per-pixel cross-entropy (or focal) term, for segmentation: Dice's overlap drives the
 * rare classes, the cross-entropy gives every pixel a gradient from the first step.
 *
 * <pre>
 *   loss = lambdaDice Dice + lambdaCrossEntropy mean_pixels CE(z, y)
 *   CE = -sum_c y_c (1 - p_c)^gamma log p_c                   (softmax: classes)
 *   CE = 1/C sum_c (1 - p_t)^gamma BCE(z_c, y_c)                (sigmoid: channels)
 * </pre>
 *
 * Dice is {@link DiceLoss} with the same options (per image with {@code rowsPerSample}, or over the
 * batch); the second term is a mean over all pixels, as {@link CrossEntropyLoss} ({@code gamma = 0})
 * or {@link FocalLoss} (alpha off) computes it with a softmax, {@link BinaryCrossEntropyLoss} or
 * {@link FocalLoss} with a sigmoid: from the logits, exact at any magnitude. Per image, the score
 * is {@code sum_g Dice_g + lambdaCrossEntropy / P sum_pixels CE} and {@code average=true} divides
 * it by the number of images, which is MONAI's value.
 *
 * <p>Reference: MONAI's {@code DiceCELoss(lambda_dice, lambda_ce, softmax or sigmoid, batch =
 * (rowsPerSample == 0))} for {@code gamma = 0} and {@code DiceFocalLoss(gamma, lambda_dice,
 * lambda_focal)} for {@code gamma > 0}, with two decisions of ours, made so that the loss is
 * continuous in gamma: the focal term with a softmax sums over the classes as cross-entropy does
 * (MONAI's {@code FocalLoss} averages over them, C times smaller), and the cross-entropy term
 * always covers every class, background included, and is unweighted ({@code includeBackground} and
 * {@code weights} act on Dice only, as in MONAI's {@code DiceCELoss}); Isensee et al. (2021),
 * "nnU-Net" (Dice + CE as the default segmentation loss).
 *
 * <p>Layout, labels and masks are {@link DiceLoss}'s; the activation must be softmax or sigmoid.
 * Options: {@link DiceLoss}'s ({@code smooth}, {@code squaredDenominator}, {@code includeBackground},
 * {@code weights}, {@code rowsPerSample}) and {@code lambdaDice} (default 1.0, &gt;= 0),
 * {@code lambdaCrossEntropy} (default 1.0, &gt;= 0), {@code gamma} (default 0.0, &gt;= 0).
 */
@JsonDeserialize(builder = DiceCrossEntropyLoss.Builder.class)
public final class DiceCrossEntropyLoss extends OverlapLoss {
    private static final long serialVersionUID = 1L;
    /** Dice as an overlap index: {@code (2 I + s) / (P + Y + s)}. */
    private static final double[] DICE = {2, 0, 1, 1, 1};
    /** The per-pixel losses by activation and gamma, shared by every instance (each keeps its compiled formulas). */
    private static final Map<List<Object>, BaseLoss> PIXEL_LOSSES = new ConcurrentHashMap<>();

    /** Option {@code squaredDenominator}: see {@link Builder#squaredDenominator(boolean)}. */
    @Option
    private boolean squaredDenominator;
    /** Option {@code lambdaDice}: see {@link Builder#lambdaDice(double)}. */
    @Option(min = 0)
    private double lambdaDice = 1.0;
    /** Option {@code lambdaCrossEntropy}: see {@link Builder#lambdaCrossEntropy(double)}. */
    @Option(min = 0)
    private double lambdaCrossEntropy = 1.0;
    /** Option {@code gamma}: see {@link Builder#gamma(double)}. */
    @Option(min = 0)
    private double gamma = 0.0;

    /** The defaults: Dice + cross-entropy at weights 1, {@link DiceLoss}'s defaults (batch Dice). */
    public DiceCrossEntropyLoss() {
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

    @Override
    double overlapScale() {
        return lambdaDice;
    }

    @Override
    protected AddedTerm addedTerm(IActivation activation) {
        boolean softmax = activation instanceof ActivationSoftmax;
        if (!softmax && !(activation instanceof ActivationSigmoid)) {
            throw Checks.fail(name(), "activationFn", "softmax (classes) or sigmoid (channels)", activation);
        }
        if (lambdaCrossEntropy == 0) {
            return null;
        }
        BaseLoss pixelLoss = PIXEL_LOSSES.computeIfAbsent(List.of(softmax, gamma), key -> gamma > 0
                ? FocalLoss.builder().gamma(gamma).alpha(-1).build()
                : softmax ? new CrossEntropyLoss() : new BinaryCrossEntropyLoss());
        // Per image, the pixels' sum counts 1/P per pixel: the mean over an image's P pixels.
        return new AddedTerm(pixelLoss, lambdaCrossEntropy / (rowsPerSample == 0 ? 1 : rowsPerSample));
    }

    /** {@return the option {@code squaredDenominator}} */
    public boolean isSquaredDenominator() {
        return squaredDenominator;
    }

    /** {@return the option {@code lambdaDice}} */
    public double getLambdaDice() {
        return lambdaDice;
    }

    /** {@return the option {@code lambdaCrossEntropy}} */
    public double getLambdaCrossEntropy() {
        return lambdaCrossEntropy;
    }

    /** {@return the option {@code gamma}} */
    public double getGamma() {
        return gamma;
    }

    /** Builder for {@link DiceCrossEntropyLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends OverlapLoss.Builder<DiceCrossEntropyLoss, Builder> {
        Builder() {
            super(new DiceCrossEntropyLoss());
        }

        /**
         * Use {@code sum p^2 + sum y^2} in Dice's denominator (V-Net's form) instead of
         * {@code sum p + sum y}. Default false.
         *
         * @param squaredDenominator the option {@code squaredDenominator}
         * @return this builder
         */
        public Builder squaredDenominator(boolean squaredDenominator) {
            draft.squaredDenominator = squaredDenominator;
            return this;
        }

        /**
         * The weight of the Dice term. Default 1.0; finite and &gt;= 0.
         *
         * @param lambdaDice the option {@code lambdaDice}
         * @return this builder
         */
        public Builder lambdaDice(double lambdaDice) {
            draft.lambdaDice = lambdaDice;
            return this;
        }

        /**
         * The weight of the per-pixel cross-entropy (or focal) term. Default 1.0; finite and &gt;= 0.
         *
         * @param lambdaCrossEntropy the option {@code lambdaCrossEntropy}
         * @return this builder
         */
        public Builder lambdaCrossEntropy(double lambdaCrossEntropy) {
            draft.lambdaCrossEntropy = lambdaCrossEntropy;
            return this;
        }

        /**
         * The focusing exponent of the per-pixel term: 0 gives cross-entropy, above 0 the focal loss
         * {@code (1 - p)^gamma}, which lets well-classified pixels (most of the background) count
         * less. Default 0.0; finite and &gt;= 0.
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
