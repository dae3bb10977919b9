package org.dl4jlosses.regression;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The vector body of {@link ResidualKernel} (loaded only with the Vector API). */
final class ResidualVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private ResidualVectors() {
    }

    /**
     * Whole vectors of the row; returns where the scalar remainder starts. One loop per form:
     * vectors assigned in the branches of a switch inside the loop would be boxed by C2.
     */
    static int elements(ResidualKernel kernel, float[] z, float[] y, float[] loss, float[] gradient, int n) {
        int bound = S.loopBound(n);
        switch (kernel.form) {
            case SQUARE:
                for (int i = 0; i < bound; i += S.length()) {
                    FloatVector r = FloatVector.fromArray(S, z, i).sub(FloatVector.fromArray(S, y, i));
                    if (loss != null) {
                        r.mul(r).intoArray(loss, i);
                    }
                    if (gradient != null) {
                        r.add(r).intoArray(gradient, i);
                    }
                }
                break;
            case ABSOLUTE:
                for (int i = 0; i < bound; i += S.length()) {
                    FloatVector r = FloatVector.fromArray(S, z, i).sub(FloatVector.fromArray(S, y, i));
                    if (loss != null) {
                        r.abs().intoArray(loss, i);
                    }
                    if (gradient != null) {
                        // sign(r): +1, -1, 0 at 0, and NaN stays NaN (the blend keeps r itself there).
                        FloatVector.zero(S).blend(1f, r.compare(VectorOperators.GT, 0f))
                                .blend(-1f, r.compare(VectorOperators.LT, 0f))
                                .blend(r, r.test(VectorOperators.IS_NAN)).intoArray(gradient, i);
                    }
                }
                break;
            default:
                for (int i = 0; i < bound; i += S.length()) {
                    FloatVector r = FloatVector.fromArray(S, z, i).sub(FloatVector.fromArray(S, y, i));
                    FloatVector c = r.max(-kernel.threshold).min(kernel.threshold);
                    if (loss != null) {
                        c.mul(r.sub(c.mul(0.5f))).mul(kernel.scale).intoArray(loss, i);
                    }
                    if (gradient != null) {
                        c.mul(kernel.scale).intoArray(gradient, i);
                    }
                }
        }
        return bound;
    }
}
