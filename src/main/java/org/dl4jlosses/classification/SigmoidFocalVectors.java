package org.dl4jlosses.classification;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.dl4jlosses.internal.Lanes;
import org.dl4jlosses.internal.VectorLanes;

/**
 * The vector body of {@link SigmoidFocalKernel} (loaded only with the Vector API). One formula
 * for every option set, with no vector that is sometimes null or sometimes skipped (C2 boxes
 * those): alpha off is {@code alpha_t = 0 y + 1}; gamma 0 multiplies the focal gradient term by
 * 0 (its power then taken as q^1, finite); and {@code q^(gamma+1)} is {@code q^gamma q}, 0 when
 * epsilon is.
 */
final class SigmoidFocalVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private SigmoidFocalVectors() {
    }

    /**
     * The whole row: full vectors, then the remainder as one more vector over padded copies (a
     * scalar exp and log1p cost as much as a whole vector of them). Returns n.
     */
    static int elements(SigmoidFocalKernel kernel, float[] z, float[] labels, float[] loss, float[] gradient, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += S.length()) {
            step(kernel, z, labels, loss, gradient, i);
        }
        if (bound < n) {
            int lanes = S.length();
            float[] zTail = Lanes.padded(z, bound, n, lanes);
            float[] yTail = Lanes.padded(labels, bound, n, lanes);
            float[] lossTail = loss == null ? null : new float[lanes];
            float[] gradientTail = gradient == null ? null : new float[lanes];
            step(kernel, zTail, yTail, lossTail, gradientTail, 0);
            if (loss != null) {
                System.arraycopy(lossTail, 0, loss, bound, n - bound);
            }
            if (gradient != null) {
                System.arraycopy(gradientTail, 0, gradient, bound, n - bound);
            }
        }
        return n;
    }

    private static void step(SigmoidFocalKernel kernel, float[] z, float[] labels, float[] loss, float[] gradient, int i) {
        float gamma = kernel.gamma;
        boolean alphaOn = kernel.alpha >= 0;
        float alphaSlope = alphaOn ? 2 * kernel.alpha - 1 : 0;
        float alphaBase = alphaOn ? 1 - kernel.alpha : 1;
        FloatVector x = FloatVector.fromArray(S, z, i);
        FloatVector y = FloatVector.fromArray(S, labels, i).mul(1 - kernel.smoothing).add(0.5f * kernel.smoothing);
        FloatVector t = x.abs().neg().lanewise(VectorOperators.EXP);
        FloatVector r = FloatVector.broadcast(S, 1f).div(t.add(1f));
        FloatVector tr = t.mul(r);
        VectorMask<Float> nonNegative = x.compare(VectorOperators.GE, 0f);
        FloatVector p = tr.blend(r, nonNegative);
        FloatVector pNeg = r.blend(tr, nonNegative);
        FloatVector q = y.neg().add(1f).mul(p).add(y.mul(pNeg));
        FloatVector ce = x.max(0f).add(t.lanewise(VectorOperators.LOG1P)).sub(y.mul(x));
        FloatVector alphaT = y.mul(alphaSlope).add(alphaBase);
        FloatVector qg = VectorLanes.pow(q, gamma);
        if (loss != null) {
            qg.mul(ce).mul(alphaT).add(qg.mul(q).mul(kernel.epsilon)).intoArray(loss, i);
        }
        if (gradient != null) {
            FloatVector dq = y.mul(-2f).add(1f).mul(p).mul(pNeg);
            FloatVector focal = VectorLanes.pow(q, gamma > 0 ? gamma - 1 : 1).mul(dq).mul(ce).mul(gamma);
            p.sub(y).mul(qg).add(focal).mul(alphaT).add(qg.mul(dq).mul(kernel.epsilon * (gamma + 1)))
                    .intoArray(gradient, i);
        }
    }
}
