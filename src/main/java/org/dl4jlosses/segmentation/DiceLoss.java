package org.dl4jlosses.segmentation;

import static org.dl4jlosses.internal.Checks.require;

import org.dl4jlosses.internal.CoupledKernel;
import org.dl4jlosses.internal.CoupledLoss;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.Units;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Ops;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.Rows;
import org.dl4jlosses.internal.Terms;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.factory.Nd4j;
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
 * <p>Float32 batches with the softmax, sigmoid or identity activation run in Java
 * ({@code DiceKernel}) with the activation fused: p from the logits, the per-image sums in double,
 * then {@code dL/dz} row by row; other activations and data types take the ND4J formula.
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
public final class DiceLoss extends CoupledLoss {
    private static final long serialVersionUID = 1L;
    private static final String NAME = "DiceLoss";

    /** Option {@code smooth}: see {@link Builder#smooth(double)}. */
    @Option(min = 0)
    private double smooth = 1.0;
    /** Option {@code squaredDenominator}: see {@link Builder#squaredDenominator(boolean)}. */
    @Option
    private boolean squaredDenominator;
    /** Option {@code includeBackground}: see {@link Builder#includeBackground(boolean)}. */
    @Option
    private boolean includeBackground = true;
    /** Option {@code weights}: see {@link Builder#weights(double...)}. */
    @Option(min = 0)
    private double[] weights;
    /** Option {@code rowsPerSample}: see {@link Builder#rowsPerSample(int)}. */
    @Option(min = 0, expected = ">= 0 (0 = all rows form one group)")
    private int rowsPerSample = 0;

    /** The defaults: smooth 1.0, plain denominator, background included, no weights, batch Dice. */
    public DiceLoss() {
    }

    /** {@return a new builder, starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected Units units(INDArray preOutput) {
        require(rowsPerSample == 0 || preOutput.size(0) % rowsPerSample == 0, NAME, "preOutput",
                "a multiple of rowsPerSample = " + rowsPerSample + " rows (whole images)",
                preOutput.size(0) + " rows");
        return Units.rows();
    }

    @Override
    protected long examples(long rows) {
        return rowsPerSample == 0 ? rows : rows / rowsPerSample;
    }

    @Override
    protected Terms evaluate(Rows rows, Need need) {
        int n = rows.count();
        int k = rows.columns();
        INDArray p = rows.output();
        INDArray y = rows.labels();
        // members [n, G]: which image each kept row belongs to; sums over an image are members^T x.
        int[] group = new int[n];
        int groups = 1;
        if (rowsPerSample > 0) {
            groups = (int) (rows.originalRows() / rowsPerSample);
            for (int r = 0; r < n; r++) {
                group[r] = rows.originalRow(r) / rowsPerSample;
            }
        }
        INDArray members = Nd4j.createUninitialized(rows.dataType(), n, groups);
        Nd4j.exec(new OneHot(Nd4j.createFromArray(group), members, groups));
        INDArray perImage = members.transpose();

        INDArray intersection = perImage.mmul(p.mul(y));
        INDArray denominator = squaredDenominator
                ? perImage.mmul(p.mul(p)).addi(perImage.mmul(y.mul(y)))
                : perImage.mmul(p.add(y));
        INDArray numerator = intersection.muli(2).addi(smooth);
        denominator.addi(smooth);
        double[] pixels = Ops.rowSums(perImage).toDoubleVector();
        // An image whose pixels are all masked gets D = 1/1: no loss, and no rows to send a gradient to.
        double[] absent = new double[groups];
        for (int g = 0; g < groups; g++) {
            absent[g] = pixels[g] > 0 ? 0 : 1;
        }
        INDArray absentColumn = Nd4j.createFromArray(absent).castTo(rows.dataType()).reshape(groups, 1);
        numerator.addiColumnVector(absentColumn);
        denominator.addiColumnVector(absentColumn);
        require(smooth > 0 || denominator.minNumber().doubleValue() > 0, NAME, "labels",
                "a non-empty prediction or label in every class of every image when smooth = 0 (else Dice is 0/0)",
                "an empty class");

        // classWeight_c = w_c / C' on kept classes, 0 on a dropped background.
        INDArray classWeight = classWeights(rows);
        INDArray loss = null;
        if (need.score()) {
            INDArray perClass = numerator.div(denominator).rsubi(1);           // [G, K]: 1 - D
            INDArray imageLoss = Ops.rowDot(perClass, classWeight);           // [G, 1]
            if (rowsPerSample == 0) {
                // batch Dice: every row carries the loss, so the rows sum to R x the reference
                loss = Nd4j.valueArrayOf(new long[] {n, 1}, imageLoss.getDouble(0), rows.dataType());
            } else {
                // each image's loss spread evenly over its kept rows: one product with the membership matrix
                INDArray share = imageLoss.div(Ops.rowSums(perImage).addiColumnVector(absentColumn));
                loss = members.mmul(share);
            }
        }
        INDArray gradient = null;
        if (need.gradient()) {
            // d(1 - D)/dp = -(2 y / den - num / den^2 * d den/dp), d den/dp = 1 or 2p; times w_c / C'.
            double scale = rowsPerSample == 0 ? n : 1;
            INDArray inverseDen = denominator.rdiv(1.0);
            INDArray a = members.mmul(inverseDen.mulRowVector(classWeight.reshape(1, k)).muli(-2 * scale));
            INDArray b = members.mmul(numerator.mul(inverseDen).muli(inverseDen)
                    .muliRowVector(classWeight.reshape(1, k)).muli(scale));
            gradient = a.muli(y).addi(squaredDenominator ? b.muli(p).muli(2) : b);
        }
        return rows.perRow(loss, gradient);
    }

    @Override
    protected CoupledKernel coupledKernel(IActivation activation, int columns) {
        if (weights != null && weights.length != columns) {
            return null; // the op path reports the length
        }
        DiceKernel.Activation fused;
        if (activation instanceof ActivationSoftmax) {
            fused = DiceKernel.Activation.SOFTMAX;
        } else if (activation instanceof ActivationSigmoid) {
            fused = DiceKernel.Activation.SIGMOID;
        } else if (activation instanceof ActivationIdentity) {
            fused = DiceKernel.Activation.IDENTITY;
        } else {
            return null;
        }
        return new DiceKernel(fused, smooth, squaredDenominator, classWeights(columns), rowsPerSample);
    }

    private INDArray classWeights(Rows rows) {
        int k = rows.columns();
        if (weights != null) {
            require(weights.length == k, NAME, "weights", "of length " + k + " (one entry per column of preOutput)",
                    "length " + weights.length);
        }
        return Nd4j.createFromArray(classWeights(k)).castTo(rows.dataType());
    }

    /** w_c / C' for the kept classes, 0 for a dropped background; weights of length k. */
    private double[] classWeights(int k) {
        double[] w = new double[k];
        boolean dropBackground = !includeBackground && k > 1;
        int kept = dropBackground ? k - 1 : k;
        for (int c = dropBackground ? 1 : 0; c < k; c++) {
            w[c] = (weights == null ? 1.0 : weights[c]) / kept;
        }
        return w;
    }

    @Override
    protected LabelKind labelKind(IActivation activation) {
        return activation instanceof ActivationSoftmax ? LabelKind.CLASSES : LabelKind.CHANNELS;
    }

    /** {@return the option {@code smooth}} */
    public double getSmooth() {
        return smooth;
    }

    /** {@return the option {@code squaredDenominator}} */
    public boolean isSquaredDenominator() {
        return squaredDenominator;
    }

    /** {@return the option {@code includeBackground}} */
    public boolean isIncludeBackground() {
        return includeBackground;
    }

    /** {@return a copy of the option {@code weights}, or null for none} */
    public double[] getWeights() {
        return weights == null ? null : weights.clone();
    }

    /** {@return the option {@code rowsPerSample}} */
    public int getRowsPerSample() {
        return rowsPerSample;
    }

    /** Builder for {@link DiceLoss}: one setter per option, named and documented as the option. */
    public static final class Builder extends LossBuilder<DiceLoss, Builder> {
        Builder() {
            super(new DiceLoss());
        }

        /**
         * Added to the numerator and the denominator of every Dice coefficient: it keeps a class absent
         * from both prediction and labels at Dice 1 (no loss) instead of 0/0. With 0, such a class is
         * rejected as undefined, as is any empty denominator. Default 1.0; finite and &gt;= 0.
         *
         * @param smooth the option {@code smooth}
         * @return this builder
         */
        public Builder smooth(double smooth) {
            draft.smooth = smooth;
            return this;
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

        /**
         * Whether column 0 (the background) counts; false leaves it out of the mean over classes
         * (ignored, as in MONAI, when there is a single column). Default true.
         *
         * @param includeBackground the option {@code includeBackground}
         * @return this builder
         */
        public Builder includeBackground(boolean includeBackground) {
            draft.includeBackground = includeBackground;
            return this;
        }

        /**
         * A weight per column, multiplying that class's {@code 1 - D_gc}, one entry per column of
         * {@code preOutput}, its length checked on every call; with {@code includeBackground = false}
         * column 0's entry is unused. Default none (every weight 1); finite and &gt;= 0 in every entry.
         *
         * @param weights the option {@code weights}
         * @return this builder
         */
        public Builder weights(double... weights) {
            draft.weights = weights;
            return this;
        }

        /**
         * Rows per image: each P consecutive rows form one image ({@code P = H x W} for
         * {@code CnnLossLayer}), and the row count must be a multiple of P; 0 makes all rows one group
         * (MONAI's batch Dice). Default 0; &gt;= 0.
         *
         * @param rowsPerSample the option {@code rowsPerSample}
         * @return this builder
         */
        public Builder rowsPerSample(int rowsPerSample) {
            draft.rowsPerSample = rowsPerSample;
            return this;
        }
    }
}
