package org.dl4jlosses.classification;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The vector body of {@link SigmoidCrossEntropyKernel} (loaded only with the Vector API). */
final class SigmoidCrossEntropyVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private SigmoidCrossEntropyVectors() {
    }

    /**
     * The whole row: full vectors, then one masked step for the remainder (a scalar exp or log
     * costs as much as a whole vector). Returns n: nothing is left for the scalar form.
     */
    static int elements(SigmoidCrossEntropyKernel kernel, float[] z, float[] labels, float[] loss, float[] gradient,
                        int n) {
        float keep = 1 - kernel.smoothing;
        float half = 0.5f * kernel.smoothing;
        for (int i = 0; i < n; i += S.length()) {
            VectorMask<Float> in = S.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(S, z, i, in);
            FloatVector y = FloatVector.fromArray(S, labels, i, in).mul(keep).add(half);
            FloatVector pw = kernel.posWeight == null ? null : FloatVector.fromArray(S, kernel.posWeight, i, in);
            FloatVector c = pw == null ? null : pw.sub(1).mul(y).add(1);
            FloatVector t = x.abs().neg().lanewise(VectorOperators.EXP);
            if (loss != null) {
                FloatVector softplus = x.neg().max(0f).add(t.lanewise(VectorOperators.LOG1P));
                FloatVector l = c == null ? softplus : softplus.mul(c);
                l.add(y.neg().add(1f).mul(x)).intoArray(loss, i, in);
            }
            if (gradient != null) {
                FloatVector onePlusT = t.add(1f);
                FloatVector sigmoid = t.div(onePlusT).blend(FloatVector.broadcast(S, 1f).div(onePlusT),
                        x.compare(VectorOperators.GE, 0f));
                FloatVector g = c == null ? sigmoid.sub(y) : sigmoid.mul(c).sub(pw.mul(y));
                g.intoArray(gradient, i, in);
            }
        }
        return n;
    }
}
