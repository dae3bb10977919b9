package org.dl4jlosses.classification;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The vector bodies of {@link MultiClassHingeKernel} (loaded only with the Vector API). */
final class HingeVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private HingeVectors() {
    }

    /** Whole vectors of the Weston-Watkins pass, as {@link MultiClassHingeKernel#westonWatkins(float[], float, float[], double[], int, int)}. */
    static int westonWatkins(MultiClassHingeKernel kernel, float[] f, float shift, float[] gradient, double[] sums, int n) {
        int bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector loss = zero;
        FloatVector slopes = zero;
        for (int i = 0; i < bound; i += S.length()) {
            FloatVector h = FloatVector.fromArray(S, f, i).sub(shift).add(kernel.margin).max(0f);
            FloatVector d;
            if (kernel.squared) {
                loss = loss.add(h.mul(h));
                d = h.mul(2f);
            } else {
                loss = loss.add(h);
                VectorMask<Float> positive = h.compare(VectorOperators.GT, 0f);
                d = zero.blend(one, positive);
            }
            slopes = slopes.add(d);
            if (gradient != null) {
                d.intoArray(gradient, i);
            }
        }
        sums[0] += loss.reduceLanes(VectorOperators.ADD);
        sums[1] += slopes.reduceLanes(VectorOperators.ADD);
        return bound;
    }
}
