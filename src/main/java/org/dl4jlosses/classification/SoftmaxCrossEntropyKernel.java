package org.dl4jlosses.classification;

import java.util.Arrays;
import org.dl4jlosses.internal.FloatKernel;
import org.dl4jlosses.internal.FloatRow;
import org.dl4jlosses.internal.Lanes;

/**
 * {@link CrossEntropyLoss} with a softmax activation as a Java kernel: the formula of
 * {@link SoftmaxFocal} with {@code gamma = eps = 0}. With the target mass
 * {@code m_c = w_c ((1 - e) y_c + e / C)} and {@code M = sum_c m_c}:
 * {@code loss = M logsumexp(z) - sum_c m_c z_c} and {@code dL/dz_c = M softmax(z)_c - m_c}.
 * A row takes one pass for its maximum and one for {@code exp(z - max)}, whose values are kept
 * as the gradient's softmax.
 */
final class SoftmaxCrossEntropyKernel implements FloatKernel {
    private final float[] weights;
    private final float smoothing;

    SoftmaxCrossEntropyKernel(double[] weights, double smoothing) {
        this.weights = Lanes.toFloat(weights);
        this.smoothing = (float) smoothing;
    }

    @Override
    public double loss(FloatRow row) {
        int k = row.columns;
        float[] z = row.z;
        float[] mass = targetMass(row);
        double total = Lanes.sum(mass, 0, k);
        float max = Lanes.max(z, 0, k);
        double expSum = Lanes.expSum(z, 0, k, max, row.gradient, 0);
        if (row.gradient != null) {
            Lanes.scaleSub(row.gradient, 0, (float) (total / expSum), mass, 0, k);
        }
        return (max + Math.log(expSum)) * total - Lanes.dot(mass, 0, z, 0, k);
    }

    /** m_c = w_c ((1 - e) y_c + e / C): the labels themselves without weights and smoothing. */
    private float[] targetMass(FloatRow row) {
        int k = row.columns;
        float uniform = smoothing / k;
        if (row.labels != null && smoothing == 0 && weights == null) {
            return row.labels;
        }
        float[] mass = row.scratch;
        if (row.labels != null) {
            Lanes.affine(row.labels, 0, 1 - smoothing, uniform, weights, mass, 0, k);
            return mass;
        }
        if (weights == null) {
            Arrays.fill(mass, 0, k, uniform);
        } else {
            for (int c = 0; c < k; c++) {
                mass[c] = uniform * weights[c];
            }
        }
        mass[row.target] += (1 - smoothing) * (weights == null ? 1 : weights[row.target]);
        return mass;
    }
}
