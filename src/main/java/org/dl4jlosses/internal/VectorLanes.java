package org.dl4jlosses.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector bodies of {@link Lanes}: whole vectors of the machine's widest float species, the
 * remainder by Lanes' scalar loops; and lane-wise helpers the losses' own vector bodies share.
 * Loaded only when the {@code jdk.incubator.vector} module is present.
 */
public final class VectorLanes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lane indices 0, 1, 2, ... as floats. */
    private static final FloatVector IOTA = FloatVector.zero(S).addIndex(1);

    private VectorLanes() {
    }

    static float max(float[] a, int off, int n) {
        int bound = S.loopBound(n);
        float m = Float.NEGATIVE_INFINITY;
        if (bound > 0) {
            FloatVector acc = FloatVector.fromArray(S, a, off);
            for (int i = S.length(); i < bound; i += S.length()) {
                acc = acc.max(FloatVector.fromArray(S, a, off + i));
            }
            m = acc.reduceLanes(VectorOperators.MAX);
            // The lane max drops NaN; the row's NaN must still show.
            if (acc.test(VectorOperators.IS_NAN).anyTrue()) {
                return Float.NaN;
            }
        }
        return Lanes.maxScalar(a, off + bound, off + n, m);
    }

    static float maxAbs(float[] a, int off, int n) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < bound; i += S.length()) {
            acc = acc.max(FloatVector.fromArray(S, a, off + i).abs());
        }
        if (acc.test(VectorOperators.IS_NAN).anyTrue()) {
            return Float.NaN;
        }
        return Lanes.maxAbsScalar(a, off + bound, off + n, acc.reduceLanes(VectorOperators.MAX));
    }

    static double expSum(float[] a, int off, int n, float shift, float[] out, int outOff) {
        int lanes = S.length();
        if (n < lanes) {
            return Lanes.expSumScalar(a, off, off + n, shift, out, outOff - off);
        }
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < bound; i += lanes) {
            FloatVector e = FloatVector.fromArray(S, a, off + i).sub(shift).lanewise(VectorOperators.EXP);
            if (out != null) {
                e.intoArray(out, outOff + i);
            }
            acc = acc.add(e);
        }
        if (bound < n) {
            // The remainder as the row's last whole vector, overlapping lanes already done: a scalar
            // Math.exp costs as much as a whole vector, and masked loads and stores fall back to
            // slow Java on JDK 17. The overlap keeps what the loop wrote (out may be a itself) and
            // is left out of the sum.
            int start = n - lanes;
            VectorMask<Float> done = IOTA.compare(VectorOperators.LT, (float) (bound - start));
            FloatVector e = FloatVector.fromArray(S, a, off + start).sub(shift).lanewise(VectorOperators.EXP);
            if (out != null) {
                e.blend(FloatVector.fromArray(S, out, outOff + start), done).intoArray(out, outOff + start);
            }
            acc = acc.add(e.blend(0f, done));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    static double dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < bound; i += S.length()) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD) + Lanes.dotScalar(a, aOff, b, bOff, bound, n);
    }

    static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xOff + i).mul(a).add(FloatVector.fromArray(S, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        Lanes.axpyScalar(a, x, xOff, y, yOff, bound, n);
    }

    static void affine(float[] x, int xOff, float a, float b, float[] w, float[] out, int outOff, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i).mul(a).add(b);
            if (w != null) {
                v = v.mul(FloatVector.fromArray(S, w, i));
            }
            v.intoArray(out, outOff + i);
        }
        Lanes.affineScalar(x, xOff, a, b, w, out, outOff, bound, n);
    }

    static boolean outsideUnit(float[] a, int off, int n) {
        int bound = S.loopBound(n);
        VectorMask<Float> bad = S.maskAll(false);
        for (int i = 0; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, a, off + i);
            // NaN fails both comparisons, so it is caught by "not (v >= 0 and v <= 1)".
            bad = bad.or(v.compare(VectorOperators.GE, 0f).and(v.compare(VectorOperators.LE, 1f)).not());
        }
        return bad.anyTrue() || Lanes.outsideUnitScalar(a, off + bound, off + n);
    }

        // Vector variables are never assigned conditionally inside a loop: a merge of two vector
    // values (or of a vector and null) makes C2 box them, about 50x slower. Hence separate loops.
    }
