package org.dl4jlosses.segmentation;

import static org.dl4jlosses.internal.Checks.require;

import java.util.Arrays;
import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.CoupledFormula;
import org.dl4jlosses.internal.CoupledLoss;
import org.dl4jlosses.internal.FormulaSetup;
import org.dl4jlosses.internal.Inputs;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LabelValues;
import org.dl4jlosses.internal.LaneMath;
import org.dl4jlosses.internal.LossBuilder;
import org.dl4jlosses.internal.Option;
import org.dl4jlosses.internal.Units;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
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
 * <p>Computation, in float32 and float64 alike: p and y are taken class-major (one row per class),
 * so the softmax over the classes, each image's per-class sums (dot products) and the gradient are
 * passes in whole vectors; softmax and sigmoid are applied inside the formula, from the logits, and
 * any other activation before and after it.
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
    protected FormulaSetup coupledFormula(IActivation activation) {
        Fused fused = activation instanceof ActivationSoftmax ? Fused.SOFTMAX
                : activation instanceof ActivationSigmoid ? Fused.SIGMOID : Fused.NONE;
        return new FormulaSetup(Formula.class, fused, smooth, squaredDenominator, includeBackground,
                weights == null ? null : weights.clone(), rowsPerSample);
    }

    /** The activations the formula applies itself (any other is applied by the path). */
    enum Fused { SOFTMAX, SIGMOID, NONE }

    /**
     * The formula over the kept rows, class-major: p and y are transposed to one row per class
     * (padded to whole vectors), so the softmax over classes, each image's per-class sums and the
     * gradient are passes in whole vectors and dot products; the gradient is transposed back.
     */
    static final class Formula implements CoupledFormula {
        private static final int PROBABILITIES = 0;
        private static final int LABELS = 1;
        private static final int GRADIENT = 2;

        private final Fused fused;
        private final double smooth;
        private final boolean squared;
        private final boolean includeBackground;
        private final double[] weights;
        private final int rowsPerSample;

        Formula(Fused fused, double smooth, boolean squared, boolean includeBackground, double[] weights, int rowsPerSample,
                LaneMath<?> n) {
            this.fused = fused;
            this.smooth = smooth;
            this.squared = squared;
            this.includeBackground = includeBackground;
            this.weights = weights;
            this.rowsPerSample = rowsPerSample;
        }

        @Override
        public boolean fusesActivation() {
            return fused != Fused.NONE;
        }

        @Override
        public <V> void evaluate(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient) {
            int count = rows.count();
            int k = rows.columns();
            double[] classWeight = classWeights(k);
            // A class row's padding takes a whole vector past its last element: a step that starts inside
            // the row may run past its end.
            int stride = LaneMath.padded(count) + LaneMath.PAD;
            Object p = KeptRows.scratch(n, PROBABILITIES, k * stride);
            Object y = KeptRows.scratch(n, LABELS, k * stride);
            LaneMath.transpose(rows.rows(), count, k, k, p, stride);
            readLabels(n, rows, y, stride);
            if (fused == Fused.SOFTMAX) {
                softmax(n, p, k, count, stride);
            } else if (fused == Fused.SIGMOID) {
                sigmoid(n, p, k * stride);
            }

            int groups = rowsPerSample == 0 ? 1 : rows.originalRows() / rowsPerSample;
            // Per image and class: numerator 2 I + s and denominator P + Y + s (1/1 for an image without kept pixels).
            double[][] numerator = new double[groups][k];
            double[][] denominator = new double[groups][k];
            boolean[] present = new boolean[groups];
            Object ones = n.row(count);
            n.linear(ones, 0, count, 0, 1);
            for (int start = 0; start < count; ) {
                int g = group(rows, start);
                int end = runEnd(rows, start, g);
                present[g] = true;
                for (int c = 0; c < k; c++) {
                    int at = c * stride + start;
                    int length = end - start;
                    numerator[g][c] = 2 * n.dot(p, at, y, at, length);
                    denominator[g][c] = squared ? n.dot(p, at, p, at, length) + n.dot(y, at, y, at, length)
                            : n.dot(p, at, ones, 0, length) + n.dot(y, at, ones, 0, length);
                }
                start = end;
            }
            double[] imageLoss = new double[groups];
            for (int g = 0; g < groups; g++) {
                // An image with no kept pixel: D = 1/1.
                double absent = present[g] ? 0 : 1;
                for (int c = 0; c < k; c++) {
                    numerator[g][c] += smooth + absent;
                    denominator[g][c] += smooth + absent;
                    if (!(denominator[g][c] > 0)) {
                        throw Checks.fail(NAME, "labels", "a non-empty prediction or label in every class of every image when"
                                + " smooth = 0 (else Dice is 0/0)", "an empty class");
                    }
                    imageLoss[g] += classWeight[c] * (1 - numerator[g][c] / denominator[g][c]);
                }
            }
            if (losses != null) {
                for (int start = 0; start < count; ) {
                    int g = group(rows, start);
                    int end = runEnd(rows, start, g);
                    // Batch Dice: every row carries the loss; per image: its loss spread over its kept rows.
                    Arrays.fill(losses, start, end, rowsPerSample == 0 ? imageLoss[0] : imageLoss[g] / (end - start));
                    start = end;
                }
            }
            if (gradient != null) {
                Object dp = KeptRows.scratch(n, GRADIENT, k * stride);
                gradient(n, rows, p, y, dp, numerator, denominator, classWeight, stride);
                LaneMath.transpose(dp, k, count, stride, gradient, k);
            }
        }

        /** The labels, class-major: class indices become one-hot rows; values must be in [0, 1]. */
        private <V> void readLabels(LaneMath<V> n, KeptRows rows, Object y, int stride) {
            int count = rows.count();
            int k = rows.columns();
            Object labels = rows.labelRows();
            long batchRows = rows.originalRows();
            if (rows.labelColumns() != k) {
                n.linear(y, 0, k * stride, 0, 0);
                for (int r = 0; r < count; r++) {
                    double v = n.get(labels, r);
                    if (!Inputs.isClassIndex(v, k)) {
                        throw LabelValues.badClassIndex(NAME, v, k, batchRows, rows.originalRow(r));
                    }
                    n.set(y, (int) v * stride + r, 1);
                }
                return;
            }
            LaneMath.transpose(labels, count, k, k, y, stride);
            // One pass in whole vectors; the scan for the first bad value only when there is one.
            if (!Double.isNaN(insideUnit(n, y, k, count, stride))) {
                return;
            }
            LabelKind kind = fused == Fused.SOFTMAX ? LabelKind.CLASSES : LabelKind.CHANNELS;
            for (int x = 0; x < count * k; x++) {
                double v = n.get(labels, x);
                if (!(v >= 0 && v <= 1)) {
                    throw LabelValues.outside(NAME, kind, batchRows, v, rows.originalRow(x / k), x % k);
                }
            }
        }

        /** 0 when every value of the k class rows (count values each) is in [0, 1], NaN otherwise. */
        private static <V> double insideUnit(LaneMath<V> n, Object y, int k, int count, int stride) {
            double sum = 0;
            for (int c = 0; c < k; c++) {
                for (int from = 0; from < count; from += BLOCK) {
                    int block = Math.min(BLOCK, count - from);
                    n.begin(block);
                    int width = n.width(block);
                    V acc = n.of(0);
                    for (int j = 0; j < block; j += width) {
                        acc = n.addLanes(acc, n.nanOutsideUnit(n.loadRow(y, c * stride + from + j)), j, block);
                    }
                    sum += n.sum(acc, block);
                }
            }
            return sum;
        }

        /** Elements per call of the lanes in the whole-batch passes (the plain lanes' temporaries have this length). */
        private static final int BLOCK = 4096;

        /** p = softmax over the classes of each pixel, in place: m = max_c z_c, e_c = exp(z_c - m), p_c = e_c / sum_c e_c. */
        private static <V> void softmax(LaneMath<V> n, Object z, int k, int count, int stride) {
            for (int from = 0; from < count; from += BLOCK) {
                int block = Math.min(BLOCK, count - from);
                n.begin(block);
                int width = n.width(block);
                for (int j = from; j < from + block; j += width) {
                    V max = n.loadRow(z, j);
                    for (int c = 1; c < k; c++) {
                        max = n.max(max, n.loadRow(z, c * stride + j));
                    }
                    V sum = n.of(0);
                    for (int c = 0; c < k; c++) {
                        V e = n.exp(n.sub(n.loadRow(z, c * stride + j), max));
                        n.storeRow(e, z, c * stride + j);
                        sum = n.add(sum, e);
                    }
                    V inverse = n.div(n.of(1), sum);
                    for (int c = 0; c < k; c++) {
                        n.storeRow(n.mul(n.loadRow(z, c * stride + j), inverse), z, c * stride + j);
                    }
                }
            }
        }

        private static <V> void sigmoid(LaneMath<V> n, Object z, int length) {
            for (int from = 0; from < length; from += BLOCK) {
                int block = Math.min(BLOCK, length - from);
                n.begin(block);
                int width = n.width(block);
                for (int j = from; j < from + block; j += width) {
                    n.storeRow(n.sigmoid(n.loadRow(z, j)), z, j);
                }
            }
        }

        /**
         * {@code d(1 - D)/dp = -2 y / den + num / den^2 d den/dp}, {@code d den/dp = 1} or {@code 2p}, times
         * {@code w_c / C'} (and times the R rows that carry a batch Dice's loss), into dp class-major,
         * then back through a fused activation: softmax {@code p (dp - p.dp)}, sigmoid {@code dp p (1 - p)}.
         */
        private <V> void gradient(LaneMath<V> n, KeptRows rows, Object p, Object y, Object dp, double[][] numerator,
                                  double[][] denominator, double[] classWeight, int stride) {
            int count = rows.count();
            int k = rows.columns();
            double scale = rowsPerSample == 0 ? count : 1;
            for (int start = 0; start < count; ) {
                int g = group(rows, start);
                int end = runEnd(rows, start, g);
                for (int c = 0; c < k; c++) {
                    double inverse = 1 / denominator[g][c];
                    double weight = scale * classWeight[c];
                    double slope = weight * numerator[g][c] * inverse * inverse * (squared ? 2 : 1);
                    double labelSlope = -2 * weight * inverse;
                    int row = c * stride;
                    // Steps past the image's end write the next image's entries, which its own pass then overwrites.
                    for (int from = start; from < end; from += BLOCK) {
                        int block = Math.min(BLOCK, end - from);
                        n.begin(block);
                        int width = n.width(block);
                        V a = n.of(labelSlope);
                        V b = n.of(slope);
                        for (int j = from; j < from + block; j += width) {
                            V t = n.mul(a, n.loadRow(y, row + j));
                            n.storeRow(squared ? n.fma(b, n.loadRow(p, row + j), t) : n.add(t, b), dp, row + j);
                        }
                    }
                }
                start = end;
            }
            if (fused == Fused.SOFTMAX) {
                for (int from = 0; from < count; from += BLOCK) {
                    int block = Math.min(BLOCK, count - from);
                    n.begin(block);
                    int width = n.width(block);
                    for (int j = from; j < from + block; j += width) {
                        V sum = n.mul(n.loadRow(dp, j), n.loadRow(p, j));
                        for (int c = 1; c < k; c++) {
                            sum = n.fma(n.loadRow(dp, c * stride + j), n.loadRow(p, c * stride + j), sum);
                        }
                        for (int c = 0; c < k; c++) {
                            int at = c * stride + j;
                            n.storeRow(n.mul(n.loadRow(p, at), n.sub(n.loadRow(dp, at), sum)), dp, at);
                        }
                    }
                }
            } else if (fused == Fused.SIGMOID) {
                for (int from = 0; from < k * stride; from += BLOCK) {
                    int block = Math.min(BLOCK, k * stride - from);
                    n.begin(block);
                    int width = n.width(block);
                    V one = n.of(1);
                    for (int j = from; j < from + block; j += width) {
                        V v = n.loadRow(p, j);
                        n.storeRow(n.mul(n.loadRow(dp, j), n.mul(v, n.sub(one, v))), dp, j);
                    }
                }
            }
        }

        /** w_c / C' for the kept classes, 0 for a dropped background. */
        private double[] classWeights(int k) {
            if (weights != null && weights.length != k) {
                throw Checks.fail(NAME, "weights", "of length " + k + " (one entry per column of preOutput)",
                        "length " + weights.length);
            }
            double[] w = new double[k];
            boolean dropBackground = !includeBackground && k > 1;
            int kept = dropBackground ? k - 1 : k;
            for (int c = dropBackground ? 1 : 0; c < k; c++) {
                w[c] = (weights == null ? 1.0 : weights[c]) / kept;
            }
            return w;
        }

        /** The end of the run of kept rows from {@code start} that belong to image g (rows come in order). */
        private int runEnd(KeptRows rows, int start, int g) {
            int count = rows.count();
            if (rowsPerSample == 0) {
                return count;
            }
            int boundary = (g + 1) * rowsPerSample;
            int end = start + 1;
            while (end < count && rows.originalRow(end) < boundary) {
                end++;
            }
            return end;
        }

        private int group(KeptRows rows, int r) {
            return rowsPerSample == 0 ? 0 : rows.originalRow(r) / rowsPerSample;
        }
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
