package org.dl4jlosses.segmentation;

import static org.dl4jlosses.internal.Checks.require;

import java.util.Arrays;
import org.dl4jlosses.internal.Batch;
import org.dl4jlosses.internal.CoupledFormula;
import org.dl4jlosses.internal.CoupledLoss;
import org.dl4jlosses.internal.FormulaSetup;
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
 * <p>With the softmax and sigmoid activations the formula takes p from the logits itself (fused);
 * other activations run before and after it. Per-image sums are taken in double.
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
    static final String NAME = "DiceLoss";

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
        return new FormulaSetup(Formula.class, fused, smooth, squaredDenominator, includeBackground, weights, rowsPerSample);
    }

    /** The activations the formula takes from the logits itself. */
    enum Fused { NONE, SIGMOID, SOFTMAX }

    /**
     * The formula over the kept rows: p from the logits (sigmoid, softmax) or the activation's
     * output, each image's sums of {@code p y}, {@code p} (or {@code p^2}) and {@code y} (or
     * {@code y^2}) in double in one pass, then {@code dL/dp} row by row, taken back through a
     * fused activation.
     */
    static final class Formula implements CoupledFormula {
        /** Elements per call of the lanes when p is computed over the whole batch. */
        private static final int BLOCK = 4096;
        private static final int PROBABILITIES = 0;

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
        public boolean fuses() {
            return fused != Fused.NONE;
        }

        @Override
        public <V> void evaluate(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient) {
            int count = rows.count();
            int k = rows.columns();
            double[] classWeight = classWeights(k);
            Object y = rows.labelRows();
            // Class indices [R, 1] (softmax only), else one value per column.
            boolean indices = rows.labelColumns() != k;
            checkLabels(n, rows, y, indices);
            Object p = probabilities(n, rows.rows(), count, k);

            int groups = rowsPerSample == 0 ? 1 : rows.originalRows() / rowsPerSample;
            // Per image and class: sums of p y, of p (or p^2), of y (or y^2); then the kept pixels.
            double[] sums = new double[3 * groups * k + groups];
            int predicted = groups * k;
            int labelled = 2 * groups * k;
            int pixels = 3 * groups * k;
            for (int start = 0; start < count; ) {
                int g = group(rows, start);
                int end = runEnd(rows, start, g);
                sums[pixels + g] = end - start;
                for (int c = 0; c < k; c++) {
                    double pp = 0;
                    double yy = 0;
                    double py = 0;
                    for (int r = start; r < end; r++) {
                        double v = n.get(p, r * k + c);
                        double t = indices ? (n.get(y, r) == c ? 1 : 0) : n.get(y, r * k + c);
                        py += v * t;
                        pp += squared ? v * v : v;
                        yy += squared ? t * t : t;
                    }
                    sums[g * k + c] = py;
                    sums[predicted + g * k + c] = pp;
                    sums[labelled + g * k + c] = yy;
                }
                start = end;
            }

            // sums becomes: numerator 2 I + s, denominator P + Y + s (1/1 for an image with no kept pixel).
            double[] imageLoss = new double[groups];
            for (int g = 0; g < groups; g++) {
                double absent = sums[pixels + g] > 0 ? 0 : 1;
                for (int c = 0; c < k; c++) {
                    int at = g * k + c;
                    double num = 2 * sums[at] + smooth + absent;
                    double den = sums[predicted + at] + sums[labelled + at] + smooth + absent;
                    require(smooth > 0 || den > 0, NAME, "labels", "a non-empty prediction or label in every class of every"
                            + " image when smooth = 0 (else Dice is 0/0)", "an empty class");
                    sums[at] = num;
                    sums[predicted + at] = den;
                    imageLoss[g] += classWeight[c] * (1 - num / den);
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
                gradient(n, rows, p, y, indices, sums, classWeight, gradient);
            }
        }

        /**
         * {@code d(1 - D)/dp = -2 y / den + num / den^2 d den/dp}, {@code d den/dp = 1} or {@code 2p}, times
         * {@code w_c / C'} (and times the R rows that carry a batch Dice's loss), then through a fused activation.
         */
        private <V> void gradient(LaneMath<V> n, KeptRows rows, Object p, Object y, boolean indices, double[] sums,
                                  double[] classWeight, Object gradient) {
            int count = rows.count();
            int k = rows.columns();
            int groups = sums.length / (3 * k + 1);
            double scale = rowsPerSample == 0 ? count : 1;
            double[] slope = new double[k];
            double[] labelSlope = new double[k];
            double[] row = new double[k];
            for (int start = 0; start < count; ) {
                int g = group(rows, start);
                int end = runEnd(rows, start, g);
                for (int c = 0; c < k; c++) {
                    int at = g * k + c;
                    double inverse = 1 / sums[groups * k + at];
                    double weight = scale * classWeight[c];
                    slope[c] = weight * sums[at] * inverse * inverse * (squared ? 2 : 1);
                    labelSlope[c] = -2 * weight * inverse;
                }
                for (int r = start; r < end; r++) {
                    int off = r * k;
                    double dot = 0;
                    for (int c = 0; c < k; c++) {
                        double v = n.get(p, off + c);
                        double t = indices ? (n.get(y, r) == c ? 1 : 0) : n.get(y, off + c);
                        row[c] = labelSlope[c] * t + slope[c] * (squared ? v : 1);
                        dot += row[c] * v;
                    }
                    // Back through a fused activation: softmax p (dp - p.dp), sigmoid dp p (1 - p).
                    for (int c = 0; c < k; c++) {
                        double v = n.get(p, off + c);
                        double d = fused == Fused.SOFTMAX ? v * (row[c] - dot) : fused == Fused.SIGMOID ? row[c] * v * (1 - v) : row[c];
                        n.set(gradient, off + c, d);
                    }
                }
                start = end;
            }
        }

        /** w_c / C' for the kept classes, 0 for a dropped background. */
        private double[] classWeights(int k) {
            require(weights == null || weights.length == k, NAME, "weights",
                    "of length " + k + " (one entry per column of preOutput)", "length " + (weights == null ? 0 : weights.length));
            double[] w = new double[k];
            boolean dropBackground = !includeBackground && k > 1;
            int kept = dropBackground ? k - 1 : k;
            for (int c = dropBackground ? 1 : 0; c < k; c++) {
                w[c] = (weights == null ? 1.0 : weights[c]) / kept;
            }
            return w;
        }

        /** Class indices 0..K-1, or values in [0, 1]; named by their row in the call. */
        private static void checkLabels(LaneMath<?> n, KeptRows rows, Object y, boolean indices) {
            int k = rows.columns();
            for (int r = 0; r < rows.count(); r++) {
                if (indices) {
                    double v = n.get(y, r);
                    if (!Batch.isClassIndex(v, k)) {
                        throw Batch.badClassIndex(NAME, v, k, rows.originalRows(), rows.originalRow(r));
                    }
                    continue;
                }
                for (int c = 0; c < k; c++) {
                    double v = n.get(y, r * k + c);
                    if (!LabelValues.inDomain(LabelKind.CHANNELS, v)) {
                        throw LabelValues.outside(NAME, LabelKind.CHANNELS, v, rows.originalRow(r), c);
                    }
                }
            }
        }

        /** p from the rows: the activation's output itself, or the fused sigmoid or softmax of the logits (a scratch array). */
        private <V> Object probabilities(LaneMath<V> n, Object z, int count, int k) {
            if (fused == Fused.NONE) {
                return z;
            }
            int length = count * k;
            Object p = KeptRows.scratch(n, PROBABILITIES, length);
            // Over the whole batch in blocks: whole vectors, then the block's last elements one by one.
            for (int from = 0; from < length; from += BLOCK) {
                int to = Math.min(from + BLOCK, length);
                n.begin(to - from);
                int width = n.width(to - from);
                int x = from;
                for (; x + width <= to; x += width) {
                    V v = n.loadRow(z, x);
                    n.storeRow(fused == Fused.SIGMOID ? n.sigmoid(v) : n.exp(v), p, x);
                }
                for (; x < to; x++) {
                    double v = n.get(z, x);
                    n.set(p, x, fused == Fused.SIGMOID ? 1 / (1 + Math.exp(-v)) : Math.exp(v));
                }
            }
            if (fused == Fused.SOFTMAX) {
                normalise(n, z, p, count, k);
            }
            return p;
        }

        /**
         * Each row of unshifted exponentials to its softmax; a row whose sum overflows or nearly
         * underflows is redone shifted by its max.
         */
        private static void normalise(LaneMath<?> n, Object z, Object p, int count, int k) {
            for (int r = 0; r < count; r++) {
                int off = r * k;
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    sum += n.get(p, off + c);
                }
                if (!(sum >= 1e-30 && sum <= 1e30)) {
                    double top = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < k; c++) {
                        top = Math.max(top, n.get(z, off + c));
                    }
                    sum = 0;
                    for (int c = 0; c < k; c++) {
                        double e = Math.exp(n.get(z, off + c) - top);
                        n.set(p, off + c, e);
                        sum += e;
                    }
                }
                for (int c = 0; c < k; c++) {
                    n.set(p, off + c, n.get(p, off + c) / sum);
                }
            }
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
