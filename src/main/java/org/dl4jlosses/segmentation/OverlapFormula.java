package org.dl4jlosses.segmentation;

import java.util.Arrays;
import org.dl4jlosses.internal.Checks;
import org.dl4jlosses.internal.CoupledFormula;
import org.dl4jlosses.internal.Inputs;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.LabelKind;
import org.dl4jlosses.internal.LabelValues;
import org.dl4jlosses.internal.LaneMath;

/**
 * The formula of the overlap losses ({@link DiceLoss}, {@link TverskyLoss}, {@link GeneralizedDiceLoss}),
 * per image g and class c
 * from the sums {@code I = sum p y}, {@code P = sum p} and {@code Y = sum y} over the image's kept
 * pixels (p^2 and y^2 with squared sums):
 *
 * <pre>
 *   T_gc = (a I + s) / (b I + u P + v Y + s),   loss_g = sum_c w_c / C' (1 - T_gc)^e
 *   dloss/dp = w_c / C' e (1 - T)^(e - 1) [(N b - a D) y + N u dP/dp] / D^2
 * </pre>
 *
 * with N and D the fraction's numerator and denominator: Dice is {@code a = 2, b = 0, u = v = 1,
 * e = 1}, Tversky {@code a = 1, b = 1 - alpha - beta, u = alpha, v = beta, e = 1 / gamma}. The
 * generalized Dice pools the classes into one index per image,
 * {@code 1 - (sum_c w_c (a I_c) + s) / (sum_c w_c (b I_c + u P_c + v Y_c) + s)} with
 * {@code w_c = Y_c^-k}. Either way the gradient is {@code A y + B dP/dp} per image and class, a pass
 * in whole vectors. p and y are
 * transposed to one row per class (padded to whole vectors), so the softmax over classes, each
 * image's per-class sums and the gradient are passes in whole vectors and dot products; the
 * gradient is transposed back.
 */
final class OverlapFormula implements CoupledFormula {
    /** The activations the formula applies itself (any other is applied by the path). */
    enum Fused { SOFTMAX, SIGMOID, NONE }

    private static final int PROBABILITIES = 0;
    private static final int LABELS = 1;
    private static final int GRADIENT = 2;

    private final String loss;
    private final Fused fused;
    private final double smooth;
    private final boolean squared;
    private final boolean includeBackground;
    private final double[] weights;
    /** The overlap term's weight in a sum of losses (1 for the overlap loss alone). */
    private final double termWeight;
    private final int rowsPerSample;
    /** The index's coefficients a, b, u, v and the exponent e (see the class comment). */
    private final double overlapAbove;
    private final double overlapBelow;
    private final double predictedBelow;
    private final double labelBelow;
    private final double exponent;
    /** Generalized Dice's class weights {@code Y^-power} pooled over the classes; negative: one index per class. */
    private final double volumePower;

    OverlapFormula(String loss, Fused fused, double smooth, boolean squared, boolean includeBackground, double[] weights,
                   double termWeight, int rowsPerSample, double[] index, double volumePower, LaneMath<?> n) {
        this.loss = loss;
        this.overlapAbove = index[0];
        this.overlapBelow = index[1];
        this.predictedBelow = index[2];
        this.labelBelow = index[3];
        this.exponent = index[4];
        this.volumePower = volumePower;
        this.fused = fused;
        this.smooth = smooth;
        this.squared = squared;
        this.includeBackground = includeBackground;
        this.weights = weights;
        this.termWeight = termWeight;
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
        // A mean over the classes for one index per class; the weights themselves for a pooled index.
        double[] classWeight = classWeights(k, volumePower < 0);
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
        // Per image and class: numerator a I + s and denominator b I + u P + v Y + s (1/1 for an image without kept pixels).
        double[][] numerator = new double[groups][k];
        double[][] denominator = new double[groups][k];
        double[][] volume = new double[groups][k];
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
                double overlap = n.dot(p, at, y, at, length);
                double predicted = squared ? n.dot(p, at, p, at, length) : n.dot(p, at, ones, 0, length);
                double labelled = squared ? n.dot(y, at, y, at, length) : n.dot(y, at, ones, 0, length);
                numerator[g][c] = overlapAbove * overlap;
                denominator[g][c] = overlapBelow * overlap + predictedBelow * predicted + labelBelow * labelled;
                volume[g][c] = labelled;
            }
            start = end;
        }
        // Per image: its loss and the gradient's coefficients A (of y) and B (of dP/dp) per class.
        double[] imageLoss = new double[groups];
        double[][] ySlope = new double[groups][k];
        double[][] pSlope = new double[groups][k];
        double scale = (rowsPerSample == 0 ? count : 1) * termWeight;
        for (int g = 0; g < groups; g++) {
            if (volumePower < 0) {
                imageLoss[g] = termWeight
                        * perClass(numerator[g], denominator[g], classWeight, present[g], scale, ySlope[g], pSlope[g]);
            } else if (present[g]) {
                imageLoss[g] = termWeight * pooled(numerator[g], denominator[g], volumeWeights(volume[g], classWeight), scale,
                        ySlope[g], pSlope[g]);
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
            gradient(n, rows, p, y, dp, ySlope, pSlope, stride);
            LaneMath.transpose(dp, k, count, stride, gradient, k);
        }
    }

    /**
     * One image's loss {@code sum_c w_c (1 - N_c / D_c)^e} with the smoothing added (an image without
     * kept pixels: every index 1/1); its gradient's coefficients go to {@code ySlope} and {@code pSlope}.
     */
    private double perClass(double[] numerator, double[] denominator, double[] classWeight, boolean present, double scale,
                            double[] ySlope, double[] pSlope) {
        double absent = present ? 0 : 1;
        double imageLoss = 0;
        for (int c = 0; c < numerator.length; c++) {
            double num = numerator[c] + smooth + absent;
            double den = denominator[c] + smooth + absent;
            checkDenominator(den);
            double miss = 1 - num / den;
            imageLoss += classWeight[c] * Math.pow(miss, exponent);
            // d(miss^e)/d(miss); at a perfect overlap (miss 0) an exponent below 1 has no finite slope: 0 there.
            double outer = exponent == 1 ? 1 : miss > 0 ? exponent * Math.pow(miss, exponent - 1) : 0;
            double weight = scale * classWeight[c] * outer / (den * den);
            ySlope[c] = weight * (num * overlapBelow - overlapAbove * den);
            pSlope[c] = weight * num * predictedBelow * (squared ? 2 : 1);
        }
        return imageLoss;
    }

    /**
     * One image's generalized loss {@code 1 - (sum_c w_c N_c + s) / (sum_c w_c D_c + s)}, the class
     * weights {@code w} pooling the classes into one index; its gradient's coefficients as above.
     */
    private double pooled(double[] numerator, double[] denominator, double[] weight, double scale, double[] ySlope,
                          double[] pSlope) {
        double num = smooth;
        double den = smooth;
        for (int c = 0; c < numerator.length; c++) {
            num += weight[c] * numerator[c];
            den += weight[c] * denominator[c];
        }
        checkDenominator(den);
        for (int c = 0; c < numerator.length; c++) {
            double w = scale * weight[c] / (den * den);
            ySlope[c] = w * (num * overlapBelow - overlapAbove * den);
            pSlope[c] = w * num * predictedBelow * (squared ? 2 : 1);
        }
        return 1 - num / den;
    }

    /**
     * Generalized Dice's class weights for one image, {@code Y_c^-power} times the loss's own class
     * weight: a class absent from the image's labels (an infinite weight) takes the largest finite
     * weight of the image instead, as MONAI does.
     */
    private double[] volumeWeights(double[] volume, double[] classWeight) {
        double[] w = new double[volume.length];
        double largest = 0;
        for (int c = 0; c < volume.length; c++) {
            w[c] = Math.pow(volume[c], -volumePower);
            if (Double.isFinite(w[c]) && classWeight[c] > 0) {
                largest = Math.max(largest, w[c]);
            }
        }
        for (int c = 0; c < volume.length; c++) {
            w[c] = (Double.isFinite(w[c]) ? w[c] : largest) * classWeight[c];
        }
        return w;
    }

    private void checkDenominator(double den) {
        if (!(den > 0)) {
            throw Checks.fail(loss, "labels", "a non-empty prediction or label in every class of every image when"
                    + " smooth = 0 (else the index is 0/0)", "an empty class");
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
                    throw LabelValues.badClassIndex(loss, v, k, batchRows, rows.originalRow(r));
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
                throw LabelValues.outside(loss, kind, batchRows, v, rows.originalRow(x / k), x % k);
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
                    V bad = n.nanOutsideUnit(n.loadRow(y, c * stride + from + j));
                    acc = j + width <= block ? n.add(acc, bad) : n.addLanes(acc, bad, j, block);
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
     * {@code A y + B dP/dp} (see the class comment; {@code dP/dp = 1} or {@code 2p}), times the R rows
     * that carry a batch index's loss, into dp class-major, then back through a fused activation:
     * softmax {@code p (dp - p.dp)}, sigmoid {@code dp p (1 - p)}.
     */
    private <V> void gradient(LaneMath<V> n, KeptRows rows, Object p, Object y, Object dp, double[][] ySlope,
                              double[][] pSlope, int stride) {
        int count = rows.count();
        int k = rows.columns();
        for (int start = 0; start < count; ) {
            int g = group(rows, start);
            int end = runEnd(rows, start, g);
            for (int c = 0; c < k; c++) {
                double labelSlope = ySlope[g][c];
                double slope = pSlope[g][c];
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

    /** w_c for the kept classes (over C' for a mean over classes), 0 for a dropped background. */
    private double[] classWeights(int k, boolean mean) {
        if (weights != null && weights.length != k) {
            throw Checks.fail(loss, "weights", "of length " + k + " (one entry per column of preOutput)",
                    "length " + weights.length);
        }
        double[] w = new double[k];
        boolean dropBackground = !includeBackground && k > 1;
        int kept = dropBackground ? k - 1 : k;
        for (int c = dropBackground ? 1 : 0; c < k; c++) {
            w[c] = (weights == null ? 1.0 : weights[c]) / (mean ? kept : 1);
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
