package org.dl4jlosses.classification;

import org.dl4jlosses.internal.ElementKernel;
import org.dl4jlosses.internal.Lanes;

/**
 * {@link BinaryCrossEntropyLoss} with a sigmoid activation as a Java kernel, per element from the
 * logit: with {@code y' = (1 - e) y + e / 2} and {@code c = pw y' + 1 - y'},
 * {@code l = c softplus(-z) + (1 - y') z} and {@code dl/dz = c sigmoid(z) - pw y'}. Both come from
 * one {@code t = exp(-|z|)}: {@code softplus(-z) = max(-z, 0) + log1p(t)} and
 * {@code sigmoid(z) = 1 / (1 + t)} for {@code z >= 0}, {@code t / (1 + t)} below, exact for
 * logits of any magnitude.
 */
final class SigmoidCrossEntropyKernel extends ElementKernel {
    final float[] posWeight;
    final float smoothing;

    SigmoidCrossEntropyKernel(double[] weights, double[] posWeight, double smoothing) {
        super(weights);
        this.posWeight = Lanes.toFloat(posWeight);
        this.smoothing = (float) smoothing;
    }

    @Override
    protected int vectorElements(float[] z, float[] labels, float[] loss, float[] gradient, int n) {
        return SigmoidCrossEntropyVectors.elements(this, z, labels, loss, gradient, n);
    }

    @Override
    protected void scalarElements(float[] z, float[] labels, float[] loss, float[] gradient, int from, int to) {
        for (int i = from; i < to; i++) {
            float x = z[i];
            float y = labels[i] * (1 - smoothing) + 0.5f * smoothing;
            float pw = posWeight == null ? 1 : posWeight[i];
            float c = pw * y + 1 - y;
            float t = (float) Math.exp(-Math.abs(x));
            if (loss != null) {
                loss[i] = c * (Math.max(-x, 0) + (float) Math.log1p(t)) + (1 - y) * x;
            }
            if (gradient != null) {
                float sigmoid = x >= 0 ? 1 / (1 + t) : t / (1 + t);
                gradient[i] = c * sigmoid - pw * y;
            }
        }
    }
}
