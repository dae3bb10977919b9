package org.dl4jlosses.embedding;

import org.dl4jlosses.internal.FloatKernel;
import org.dl4jlosses.internal.FloatRow;
import org.dl4jlosses.internal.Lanes;

/**
 * {@link AdditiveAngularMarginLoss}'s row formula as a Java kernel (identity activation: the row
 * holds the cosines): the scaled cosines with the target's replaced by {@code s phi}, a
 * log-sum-exp, and the gradient {@code s p_j}, on the target {@code s (p_t - 1) dphi/dc}. Cosines
 * outside [-1, 1] by more than the float tolerance go to the op path, which rejects them; those
 * within it are clamped, as there.
 */
final class ArcFaceKernel implements FloatKernel {
    private static final float TOLERANCE = 1e-5f;

    private final float scale;
    private final float cosMargin;
    private final float sinMargin;
    private final float threshold;
    private final float fallbackShift;
    private final boolean easyMargin;

    ArcFaceKernel(double scale, double margin, boolean easyMargin) {
        this.scale = (float) scale;
        this.cosMargin = (float) Math.cos(margin);
        this.sinMargin = (float) Math.sin(margin);
        this.threshold = easyMargin ? 0f : (float) Math.cos(Math.PI - margin);
        this.fallbackShift = easyMargin ? 0f : (float) (Math.sin(Math.PI - margin) * margin);
        this.easyMargin = easyMargin;
    }

    @Override
    public boolean accepts(FloatRow row) {
        float max = Lanes.maxAbs(row.z, 0, row.columns);
        if (!(max <= 1 + TOLERANCE)) {
            return false;
        }
        if (max > 1) {
            float[] z = row.z;
            for (int j = 0; j < row.columns; j++) {
                z[j] = Math.max(-1f, Math.min(1f, z[j]));
            }
        }
        return true;
    }

    @Override
    public double loss(FloatRow row) {
        int k = row.columns;
        int t = row.target;
        float[] logits = row.gradient != null ? row.gradient : row.scratch;
        Lanes.affine(row.z, 0, scale, 0, null, logits, 0, k);
        float c = row.z[t];
        float sine = (float) Math.sqrt(Math.max(1 - c * c, 0f));
        boolean onMargin = c > threshold;
        float phi = onMargin ? c * cosMargin - sine * sinMargin : c - fallbackShift;
        float targetLogit = scale * phi;
        logits[t] = targetLogit;
        float max = Lanes.max(logits, 0, k);
        double expSum = Lanes.expSum(logits, 0, k, max, logits, 0);
        if (row.gradient != null) {
            float pt = (float) (logits[t] / expSum);
            Lanes.affine(logits, 0, (float) (scale / expSum), 0, null, logits, 0, k);
            // dphi/dc: sin theta floored as on the op path, where the exact slope is unbounded.
            float slope = onMargin ? cosMargin + sinMargin * c / (float) Math.max(sine, AdditiveAngularMarginLoss.SIN_FLOOR) : 1f;
            logits[t] = scale * (pt - 1) * slope;
        }
        return max + Math.log(expSum) - targetLogit;
    }
}
