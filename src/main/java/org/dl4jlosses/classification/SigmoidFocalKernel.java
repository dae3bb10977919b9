package org.dl4jlosses.classification;

import org.dl4jlosses.internal.ElementKernel;
import org.dl4jlosses.internal.Lanes;

/**
 * The sigmoid focal family ({@link FocalLoss} and {@link PolyLoss} with a sigmoid activation) as
 * a Java kernel: the per-element formula of {@link SigmoidFocal}. From one {@code t = exp(-|z|)}
 * come {@code p = sigmoid(z)} and {@code sigmoid(-z)} (each {@code 1 / (1 + t)} or
 * {@code t / (1 + t)} by the sign of z) and {@code softplus(z) = max(z, 0) + log1p(t)}, exact for
 * logits of any magnitude. Powers follow {@link Lanes#pow} (the op path's {@code Ops.pow}), so
 * {@code q^(gamma - 1)} with {@code gamma < 1} stays finite where {@code q = 0}, and its product
 * with {@code q' = 0} is 0 there.
 */
final class SigmoidFocalKernel extends ElementKernel {
    final float smoothing;
    final float gamma;
    /** alpha, or a negative value when off. */
    final float alpha;
    final float epsilon;

    SigmoidFocalKernel(double[] weights, double smoothing, double gamma, double alpha, double epsilon) {
        super(weights);
        this.smoothing = (float) smoothing;
        this.gamma = (float) gamma;
        this.alpha = (float) alpha;
        this.epsilon = (float) epsilon;
    }

    @Override
    protected int vectorElements(float[] z, float[] labels, float[] loss, float[] gradient, int n) {
        return SigmoidFocalVectors.elements(this, z, labels, loss, gradient, n);
    }

    @Override
    protected void scalarElements(float[] z, float[] labels, float[] loss, float[] gradient, int from, int to) {
        for (int i = from; i < to; i++) {
            float x = z[i];
            float y = labels[i] * (1 - smoothing) + 0.5f * smoothing;
            float t = (float) Math.exp(-Math.abs(x));
            float r = 1 / (1 + t);
            float p = x >= 0 ? r : t * r;
            float pNeg = x >= 0 ? t * r : r;
            float q = (1 - y) * p + y * pNeg;
            float ce = Math.max(x, 0) + (float) Math.log1p(t) - y * x;
            float alphaT = alpha >= 0 ? y * (2 * alpha - 1) + (1 - alpha) : 1;
            float qg = Lanes.pow(q, gamma);
            if (loss != null) {
                float l = qg * ce * alphaT;
                loss[i] = epsilon == 0 ? l : l + epsilon * Lanes.pow(q, gamma + 1);
            }
            if (gradient != null) {
                float dq = (1 - 2 * y) * p * pNeg;
                float g = (p - y) * qg;
                if (gamma > 0) {
                    g += Lanes.pow(q, gamma - 1) * dq * ce * gamma;
                }
                g *= alphaT;
                gradient[i] = epsilon == 0 ? g : g + qg * dq * (epsilon * (gamma + 1));
            }
        }
    }
}
