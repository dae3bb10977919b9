package org.dl4jlosses.regression;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The vector body of {@link ResidualKernel} (loaded only with the Vector API). */
final class ResidualVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private ResidualVectors() {
    }

    /** Whole vectors of the row; returns where the scalar remainder starts. */
    static int elements(ResidualKernel kernel, float[] z, float[] y, float[] loss, float[] gradient, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += S.length()) {
            FloatVector r = FloatVector.fromArray(S, z, i).sub(FloatVector.fromArray(S, y, i));
            FloatVector l;
            FloatVector g;
            switch (kernel.form) {
                case SQUARE:
                    l = r.mul(r);
                    g = r.add(r);
                    break;
                case ABSOLUTE:
                    l = r.abs();
                    // sign(r): +1, -1, or 0 at 0 (and NaN stays NaN through the blend of r itself).
                    g = FloatVector.zero(S).blend(1f, r.compare(VectorOperators.GT, 0f))
                            .blend(-1f, r.compare(VectorOperators.LT, 0f))
                            .blend(r, r.test(VectorOperators.IS_NAN));
                    break;
                default:
                    FloatVector c = r.max(-kernel.threshold).min(kernel.threshold);
                    l = c.mul(r.sub(c.mul(0.5f))).mul(kernel.scale);
                    g = c.mul(kernel.scale);
            }
            if (loss != null) {
                l.intoArray(loss, i);
            }
            if (gradient != null) {
                g.intoArray(gradient, i);
            }
        }
        return bound;
    }
}
