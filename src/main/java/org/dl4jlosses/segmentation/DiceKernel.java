package org.dl4jlosses.segmentation;

import java.util.Arrays;
import org.dl4jlosses.internal.CoupledKernel;
import org.dl4jlosses.internal.KeptRows;
import org.dl4jlosses.internal.Lanes;

/**
 * {@link DiceLoss}'s formula over float arrays (documented there), with the activation fused:
 * it reads the logits z, computes {@code p} (identity, sigmoid or softmax), accumulates each
 * image's sums of {@code p y}, {@code p} (or {@code p^2}) and {@code y} (or {@code y^2}) in double
 * in one pass, and writes {@code dL/dz} in a second.
 */
final class DiceKernel implements CoupledKernel {
    /** The activations fused here. */
    enum Activation { IDENTITY, SIGMOID, SOFTMAX }

    private static final int PROBABILITIES = 0;

    private final Activation activation;
    private final double smooth;
    private final boolean squared;
    /** w_c / C' on the kept classes, 0 on a dropped background. */
    private final double[] classWeight;
    private final int rowsPerSample;

    DiceKernel(Activation activation, double smooth, boolean squared, double[] classWeight, int rowsPerSample) {
        this.activation = activation;
        this.smooth = smooth;
        this.squared = squared;
        this.classWeight = classWeight;
        this.rowsPerSample = rowsPerSample;
    }

    @Override
    public boolean evaluate(KeptRows rows, float[] losses, float[] gradient) {
        int n = rows.count();
        int k = rows.columns();
        float[] y = rows.labels();
        // Class indices [R, 1] (softmax only), else one value per column.
        boolean indices = rows.labelColumns() != k;
        if (!labelsInDomain(y, n, k, indices)) {
            return false;
        }
        float[] p = probabilities(rows.values(), n, k);

        int groups = rowsPerSample == 0 ? 1 : rows.originalRows() / rowsPerSample;
        // Per image and class: sums of p y, of p (or p^2), of y (or y^2); then the kept pixels.
        double[] sums = new double[3 * groups * k + groups];
        int predicted = groups * k;
        int labelled = 2 * groups * k;
        int pixels = 3 * groups * k;
        for (int start = 0; start < n; ) {
            int g = group(rows, start);
            int end = runEnd(rows, start, g);
            sums[pixels + g] = end - start;
            int at = g * k;
            for (int c = 0; c < k; c++) {
                // Column by column over the image's rows, into double registers.
                double pp = 0;
                double yy = 0;
                double py = 0;
                int from = start * k + c;
                int to = end * k;
                if (indices) {
                    for (int x = from, r = start; x < to; x += k, r++) {
                        double v = p[x];
                        pp += squared ? v * v : v;
                        if (y[r] == c) {
                            py += v;
                            yy++;
                        }
                    }
                } else if (squared) {
                    for (int x = from; x < to; x += k) {
                        double v = p[x];
                        double t = y[x];
                        py += v * t;
                        pp += v * v;
                        yy += t * t;
                    }
                } else {
                    for (int x = from; x < to; x += k) {
                        double v = p[x];
                        double t = y[x];
                        py += v * t;
                        pp += v;
                        yy += t;
                    }
                }
                sums[at + c] = py;
                sums[predicted + at + c] = pp;
                sums[labelled + at + c] = yy;
            }
            start = end;
        }

        // sums becomes: numerator 2 I + s, denominator P + Y + s (1/1 for an image with no kept pixel).
        int numerator = 0;
        int denominator = predicted;
        double[] imageLoss = new double[groups];
        for (int g = 0; g < groups; g++) {
            double absent = sums[pixels + g] > 0 ? 0 : 1;
            for (int c = 0; c < k; c++) {
                int at = g * k + c;
                double num = 2 * sums[numerator + at] + smooth + absent;
                double den = sums[predicted + at] + sums[labelled + at] + smooth + absent;
                if (!(smooth > 0 || den > 0)) {
                    return false; // 0/0: the op path reports the empty class
                }
                sums[numerator + at] = num;
                sums[denominator + at] = den;
                imageLoss[g] += classWeight[c] * (1 - num / den);
            }
        }
        if (losses != null) {
            for (int start = 0; start < n; ) {
                int g = group(rows, start);
                int end = runEnd(rows, start, g);
                // Batch Dice: every row carries the loss; per image: its loss spread over its kept rows.
                Arrays.fill(losses, start, end, (float) (rowsPerSample == 0 ? imageLoss[0] : imageLoss[g] / (end - start)));
                start = end;
            }
        }
        if (gradient == null) {
            return true;
        }

        // d(1 - D)/dp = -2 y / den + num / den^2 d den/dp, d den/dp = 1 or 2p; times w_c / C'
        // (and times the R rows that carry a batch Dice's loss). sums becomes these two factors.
        double scale = rowsPerSample == 0 ? n : 1;
        for (int g = 0; g < groups; g++) {
            for (int c = 0; c < k; c++) {
                int at = g * k + c;
                double inverse = 1 / sums[denominator + at];
                double weight = scale * classWeight[c];
                sums[numerator + at] = weight * sums[numerator + at] * inverse * inverse * (squared ? 2 : 1);
                sums[denominator + at] = -2 * weight * inverse;
            }
        }
        float[] labelSlope = new float[k];
        float[] slope = new float[k];
        for (int start = 0; start < n; ) {
            int g = group(rows, start);
            int end = runEnd(rows, start, g);
            for (int c = 0; c < k; c++) {
                labelSlope[c] = (float) sums[denominator + g * k + c];
                slope[c] = (float) sums[numerator + g * k + c];
            }
            for (int r = start; r < end; r++) {
                int off = r * k;
                if (indices) {
                    for (int c = 0; c < k; c++) {
                        gradient[off + c] = squared ? slope[c] * p[off + c] : slope[c];
                    }
                    int label = (int) y[r];
                    gradient[off + label] += labelSlope[label];
                } else if (squared) {
                    for (int c = 0; c < k; c++) {
                        gradient[off + c] = labelSlope[c] * y[off + c] + slope[c] * p[off + c];
                    }
                } else {
                    for (int c = 0; c < k; c++) {
                        gradient[off + c] = labelSlope[c] * y[off + c] + slope[c];
                    }
                }
                // Back through the activation: softmax p (dp - p.dp), sigmoid dp p (1 - p).
                if (activation == Activation.SOFTMAX) {
                    float dot = 0;
                    for (int c = 0; c < k; c++) {
                        dot += gradient[off + c] * p[off + c];
                    }
                    for (int c = 0; c < k; c++) {
                        gradient[off + c] = p[off + c] * (gradient[off + c] - dot);
                    }
                } else if (activation == Activation.SIGMOID) {
                    for (int c = 0; c < k; c++) {
                        float v = p[off + c];
                        gradient[off + c] *= v * (1 - v);
                    }
                }
            }
            start = end;
        }
        return true;
    }

    /** The end of the run of kept rows from {@code start} that belong to image g (rows come in order). */
    private int runEnd(KeptRows rows, int start, int g) {
        int n = rows.count();
        if (rowsPerSample == 0) {
            return n;
        }
        int boundary = (g + 1) * rowsPerSample;
        int end = start + 1;
        while (end < n && rows.originalRow(end) < boundary) {
            end++;
        }
        return end;
    }

    private int group(KeptRows rows, int r) {
        return rowsPerSample == 0 ? 0 : rows.originalRow(r) / rowsPerSample;
    }

    /** Labels as the op path accepts them: class indices 0..K-1, or values in [0, 1]. */
    private static boolean labelsInDomain(float[] y, int n, int k, boolean indices) {
        if (indices) {
            for (int r = 0; r < n; r++) {
                float v = y[r];
                if (!(v >= 0 && v < k && v == Math.rint(v))) {
                    return false;
                }
            }
            return true;
        }
        return !Lanes.outsideUnit(y, 0, n * k);
    }

    /** p = activation(z): z itself, or a per-thread array. */
    private float[] probabilities(float[] z, int n, int k) {
        if (activation == Activation.IDENTITY) {
            return z;
        }
        float[] p = KeptRows.scratch(PROBABILITIES, n * k);
        if (activation == Activation.SIGMOID) {
            for (int x = 0; x < n * k; x++) {
                p[x] = -z[x];
            }
            Lanes.expSum(p, 0, n * k, 0f, p, 0);
            for (int x = 0; x < n * k; x++) {
                p[x] = 1 / (1 + p[x]);
            }
            return p;
        }
        // Softmax: one exp pass over the whole batch, unshifted, then each row normalised. A row
        // whose sum overflows or nearly underflows is redone shifted by its max.
        Lanes.expSum(z, 0, n * k, 0f, p, 0);
        for (int r = 0; r < n; r++) {
            int off = r * k;
            float sum = 0;
            for (int c = 0; c < k; c++) {
                sum += p[off + c];
            }
            if (!(sum >= 1e-30f && sum <= 1e30f)) {
                float top = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    top = Math.max(top, z[off + c]);
                }
                sum = 0;
                for (int c = 0; c < k; c++) {
                    p[off + c] = (float) Math.exp(z[off + c] - top);
                    sum += p[off + c];
                }
            }
            float inverse = 1 / sum;
            for (int c = 0; c < k; c++) {
                p[off + c] *= inverse;
            }
        }
        return p;
    }
}
