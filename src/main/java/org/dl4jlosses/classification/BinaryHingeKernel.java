package org.dl4jlosses.classification;

import org.dl4jlosses.internal.ElementKernel;

/**
 * {@link HingeLoss} in {@link HingeLoss.Mode#BINARY} mode with an identity activation as a Java
 * kernel, per element: with the signed label {@code s = +1} for label 1 and {@code -1} for labels
 * -1 and 0 (the driver has checked that the batch is all +-1 or all 0/1),
 * {@code h = max(0, m - s f)}, {@code l = h^P} and {@code dl/df = -s P h^(P-1)}, 0 at the kink.
 */
final class BinaryHingeKernel extends ElementKernel {
    final float margin;
    final boolean squared;

    BinaryHingeKernel(double margin, boolean squared) {
        super(null);
        this.margin = (float) margin;
        this.squared = squared;
    }

    @Override
    protected int vectorElements(float[] z, float[] labels, float[] loss, float[] gradient, int n) {
        return HingeVectors.binary(this, z, labels, loss, gradient, n);
    }

    @Override
    protected void scalarElements(float[] f, float[] labels, float[] loss, float[] gradient, int from, int to) {
        for (int i = from; i < to; i++) {
            float s = labels[i] > 0 ? 1 : -1;
            float h = Math.max(margin - s * f[i], 0);
            if (loss != null) {
                loss[i] = squared ? h * h : h;
            }
            if (gradient != null) {
                gradient[i] = squared ? -2 * h * s : h > 0 ? -s : 0;
            }
        }
    }
}
