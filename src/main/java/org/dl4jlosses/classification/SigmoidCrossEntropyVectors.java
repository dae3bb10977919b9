package org.dl4jlosses.classification;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.dl4jlosses.internal.Lanes;

/** The vector body of {@link SigmoidCrossEntropyKernel} (loaded only with the Vector API). */
final class SigmoidCrossEntropyVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private SigmoidCrossEntropyVectors() {
    }

    /**
     * The whole row: full vectors, then the remainder as one more vector over padded copies (a
     * scalar exp and log1p cost as much as a whole vector of them, and masked vector operations
     * are slower still). Returns n: nothing is left to the scalar form.
     */
    static int elements(SigmoidCrossEntropyKernel kernel, float[] z, float[] labels, float[] loss, float[] gradient,
                        int n) {
        int bound = S.loopBound(n);
        // Without posWeight, a row of ones: one formula, and no vector that is sometimes null.
        float[] posWeight = kernel.posWeight == null ? Lanes.ones(n) : kernel.posWeight;
        for (int i = 0; i < bound; i += S.length()) {
            step(kernel, z, labels, posWeight, loss, gradient, i, i);
        }
        if (bound < n) {
            int lanes = S.length();
            float[] zTail = Lanes.padded(z, bound, n, lanes);
            float[] yTail = Lanes.padded(labels, bound, n, lanes);
            float[] pwTail = Lanes.padded(posWeight, bound, n, lanes);
            float[] lossTail = loss == null ? null : new float[lanes];
            float[] gradientTail = gradient == null ? null : new float[lanes];
            step(kernel, zTail, yTail, pwTail, lossTail, gradientTail, 0, 0);
            if (loss != null) {
                System.arraycopy(lossTail, 0, loss, bound, n - bound);
            }
            if (gradient != null) {
                System.arraycopy(gradientTail, 0, gradient, bound, n - bound);
            }
        }
        return n;
    }

    /** One vector at element i of the row arrays and element w of {@code posWeight}. */
    private static void step(SigmoidCrossEntropyKernel kernel, float[] z, float[] labels, float[] posWeight,
                             float[] loss, float[] gradient, int i, int w) {
        FloatVector x = FloatVector.fromArray(S, z, i);
        FloatVector y = FloatVector.fromArray(S, labels, i).mul(1 - kernel.smoothing).add(0.5f * kernel.smoothing);
        FloatVector pw = FloatVector.fromArray(S, posWeight, w);
        FloatVector c = pw.sub(1f).mul(y).add(1f);
        FloatVector t = x.abs().neg().lanewise(VectorOperators.EXP);
        if (loss != null) {
            FloatVector softplus = x.neg().max(0f).add(t.lanewise(VectorOperators.LOG1P));
            softplus.mul(c).add(y.neg().add(1f).mul(x)).intoArray(loss, i);
        }
        if (gradient != null) {
            FloatVector sigmoid = t.blend(1f, x.compare(VectorOperators.GE, 0f)).div(t.add(1f));
            sigmoid.mul(c).sub(pw.mul(y)).intoArray(gradient, i);
        }
    }
}
