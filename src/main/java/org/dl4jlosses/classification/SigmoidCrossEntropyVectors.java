package org.dl4jlosses.classification;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The vector body of {@link SigmoidCrossEntropyKernel} (loaded only with the Vector API). */
final class SigmoidCrossEntropyVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private SigmoidCrossEntropyVectors() {
    }

    /** Whole vectors of the row; returns where the scalar remainder starts. */
    static int elements(SigmoidCrossEntropyKernel kernel, float[] z, float[] labels, float[] loss, float[] gradient,
                        int n) {
        int bound = S.loopBound(n);
        float keep = 1 - kernel.smoothing;
        float half = 0.5f * kernel.smoothing;
        for (int i = 0; i < bound; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, z, i);
            FloatVector y = FloatVector.fromArray(S, labels, i).mul(keep).add(half);
            FloatVector pw = kernel.posWeight == null ? null : FloatVector.fromArray(S, kernel.posWeight, i);
            FloatVector c = pw == null ? null : pw.sub(1).mul(y).add(1);
            FloatVector t = x.abs().neg().lanewise(VectorOperators.EXP);
            if (loss != null) {
                FloatVector softplus = x.neg().max(0f).add(t.lanewise(VectorOperators.LOG1P));
                FloatVector l = c == null ? softplus : softplus.mul(c);
                l.add(y.neg().add(1f).mul(x)).intoArray(loss, i);
            }
            if (gradient != null) {
                FloatVector onePlusT = t.add(1f);
                FloatVector sigmoid = t.div(onePlusT).blend(FloatVector.broadcast(S, 1f).div(onePlusT),
                        x.compare(VectorOperators.GE, 0f));
                FloatVector g = c == null ? sigmoid.sub(y) : sigmoid.mul(c).sub(pw.mul(y));
                g.intoArray(gradient, i);
            }
        }
        return bound;
    }
}
