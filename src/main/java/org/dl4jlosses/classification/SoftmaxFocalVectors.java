package org.dl4jlosses.classification;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.dl4jlosses.internal.VectorLanes;

/** The vector body of {@link SoftmaxFocalKernel}'s terms (loaded only with the Vector API). */
final class SoftmaxFocalVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private SoftmaxFocalVectors() {
    }

    /** Whole vectors of the row, as {@link SoftmaxFocalKernel#terms}; returns where the scalar remainder starts. */
    static int terms(SoftmaxFocalKernel kernel, float[] z, float[] exps, float[] labels, int target, float[] out,
                     double[] sums, float lse, float invS, float coefficient, float uniform, int n) {
        int bound = S.loopBound(n);
        float keep = 1 - kernel.smoothing;
        float gamma = kernel.gamma;
        float[] weights = kernel.weights;
        FloatVector zero = FloatVector.zero(S);
        FloatVector lossSum = zero;
        FloatVector gSum = zero;
        for (int i = 0; i < bound; i += S.length()) {
            FloatVector y;
            if (labels != null) {
                y = FloatVector.fromArray(S, labels, i);
            } else {
                y = target >= i && target < i + S.length() ? zero.withLane(target - i, 1f) : zero;
            }
            FloatVector yp = y.mul(keep).add(uniform);
            FloatVector m = weights == null ? yp : yp.mul(FloatVector.fromArray(S, weights, i));
            FloatVector logp = FloatVector.fromArray(S, z, i).sub(lse);
            FloatVector p = FloatVector.fromArray(S, exps, i).mul(invS);
            FloatVector g;
            if (gamma > 0) {
                FloatVector u = logp.lanewise(VectorOperators.EXPM1).neg();
                FloatVector ug = VectorLanes.pow(u, gamma);
                lossSum = lossSum.add(m.mul(ug).mul(logp));
                g = m.mul(ug.sub(VectorLanes.pow(u, gamma - 1).mul(p).mul(logp).mul(gamma)));
            } else {
                lossSum = lossSum.add(m.mul(logp));
                g = m;
            }
            gSum = gSum.add(g);
            if (out != null) {
                g.sub(p.mul(yp).mul(coefficient)).intoArray(out, i);
            }
        }
        sums[0] += lossSum.reduceLanes(VectorOperators.ADD);
        sums[1] += gSum.reduceLanes(VectorOperators.ADD);
        return bound;
    }
}
