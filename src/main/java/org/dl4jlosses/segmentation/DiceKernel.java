package org.dl4jlosses.segmentation;

import org.dl4jlosses.internal.CoupledKernel;
import org.dl4jlosses.internal.FloatRows;
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
    public boolean evaluate(FloatRows rows, float[] losses, float[] gradient) {
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
        for (int r = 0; r < n; r++) {
            int g = group(rows, r);
            int off = r * k;
            int at = g * k;
            sums[pixels + g]++;
            if (indices) {
                int c = (int) y[r];
                sums[at + c] += p[off + c];
                sums[labelled + at + c]++;
                for (int col = 0; col < k; col++) {
                    double v = p[off + col];
                    sums[predicted + at + col] += squared ? v * v : v;
                }
            } else {
                for (int col = 0; col < k; col++) {
                    double v = p[off + col];
                    double t = y[off + col];
                    sums[at + col] += v * t;
                    sums[predicted + at + col] += squared ? v * v : v;
                    sums[labelled + at + col] += squared ? t * t : t;
                }
            }
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
            for (int r = 0; r < n; r++) {
                int g = group(rows, r);
                // Batch Dice: every row carries the loss; per image: its loss spread over its kept rows.
                losses[r] = (float) (rowsPerSample == 0 ? imageLoss[0] : imageLoss[g] / sums[pixels + g]);
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
        int slope = numerator;
        int labelSlope = denominator;
        for (int r = 0; r < n; r++) {
            int at = group(rows, r) * k;
            int off = r * k;
            int label = indices ? (int) y[r] : -1;
            double dot = 0;
            for (int c = 0; c < k; c++) {
                double v = p[off + c];
                double t = indices ? (c == label ? 1 : 0) : y[off + c];
                double dp = sums[labelSlope + at + c] * t + sums[slope + at + c] * (squared ? v : 1);
                gradient[off + c] = (float) dp;
                dot += dp * v;
            }
            // Back through the activation: softmax p (dp - p.dp), sigmoid dp p (1 - p).
            if (activation == Activation.SOFTMAX) {
                for (int c = 0; c < k; c++) {
                    gradient[off + c] = (float) (p[off + c] * (gradient[off + c] - dot));
                }
            } else if (activation == Activation.SIGMOID) {
                for (int c = 0; c < k; c++) {
                    float v = p[off + c];
                    gradient[off + c] *= v * (1 - v);
                }
            }
        }
        return true;
    }

    private int group(FloatRows rows, int r) {
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
        float[] p = FloatRows.scratch(PROBABILITIES, n * k);
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
        // Softmax: shift each row by its max, one exp pass over the whole batch, then normalise.
        for (int r = 0; r < n; r++) {
            int off = r * k;
            float top = Lanes.max(z, off, k);
            for (int c = 0; c < k; c++) {
                p[off + c] = z[off + c] - top;
            }
        }
        Lanes.expSum(p, 0, n * k, 0f, p, 0);
        for (int r = 0; r < n; r++) {
            int off = r * k;
            float sum = 0;
            for (int c = 0; c < k; c++) {
                sum += p[off + c];
            }
            for (int c = 0; c < k; c++) {
                p[off + c] /= sum;
            }
        }
        return p;
    }
}
