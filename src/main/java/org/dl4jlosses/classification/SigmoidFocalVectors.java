package org.dl4jlosses.classification;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.dl4jlosses.internal.VectorLanes;

/** The vector body of {@link SigmoidFocalKernel} (loaded only with the Vector API). */
final class SigmoidFocalVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private SigmoidFocalVectors() {
    }

    /** Whole vectors of the row; returns where the scalar remainder starts. */
    static int elements(SigmoidFocalKernel kernel, float[] z, float[] labels, float[] loss, float[] gradient, int n) {
        int bound = S.loopBound(n);
        float keep = 1 - kernel.smoothing;
        float half = 0.5f * kernel.smoothing;
        float gamma = kernel.gamma;
        float alpha = kernel.alpha;
        float epsilon = kernel.epsilon;
        float polySlope = epsilon * (gamma + 1);
        for (int i = 0; i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, z, i);
            FloatVector y = FloatVector.fromArray(S, labels, i).mul(keep).add(half);
            FloatVector t = x.abs().neg().lanewise(VectorOperators.EXP);
            FloatVector r = t.add(1f);
            r = FloatVector.broadcast(S, 1f).div(r);
            FloatVector tr = t.mul(r);
            VectorMask<Float> nonNegative = x.compare(VectorOperators.GE, 0f);
            FloatVector p = tr.blend(r, nonNegative);
            FloatVector pNeg = r.blend(tr, nonNegative);
            FloatVector oneMinusY = y.neg().add(1f);
            FloatVector q = oneMinusY.mul(p).add(y.mul(pNeg));
            FloatVector ce = x.max(0f).add(t.lanewise(VectorOperators.LOG1P)).sub(y.mul(x));
            FloatVector alphaT = alpha >= 0 ? y.mul(2 * alpha - 1).add(1 - alpha) : null;
            FloatVector qg = VectorLanes.pow(q, gamma);
            if (loss != null) {
                FloatVector l = qg.mul(ce);
                if (alphaT != null) {
                    l = l.mul(alphaT);
                }
                if (epsilon != 0) {
                    l = l.add(VectorLanes.pow(q, gamma + 1).mul(epsilon));
                }
                l.intoArray(loss, i);
            }
            if (gradient != null) {
                FloatVector dq = y.mul(-2f).add(1f).mul(p).mul(pNeg);
                FloatVector g = p.sub(y).mul(qg);
                if (gamma > 0) {
                    g = g.add(VectorLanes.pow(q, gamma - 1).mul(dq).mul(ce).mul(gamma));
                }
                if (alphaT != null) {
                    g = g.mul(alphaT);
                }
                if (epsilon != 0) {
                    g = g.add(qg.mul(dq).mul(polySlope));
                }
                g.intoArray(gradient, i);
            }
        }
        return bound;
    }
}
