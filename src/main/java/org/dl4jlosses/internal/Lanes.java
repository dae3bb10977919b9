package org.dl4jlosses.internal;

/**
 * Row primitives of the Java kernels, over segments {@code [off, off + n)} of float arrays. Each is
 * one pass over a row, vectorised with the JDK's Vector API ({@link VectorLanes}) when the
 * {@code jdk.incubator.vector} module is present (the JVM flag {@code --add-modules
 * jdk.incubator.vector}), and plain loops otherwise. This is the only place where a formula is
 * written twice: the vector body and its scalar remainder.
 *
 * <p>Sums accumulate in double in the scalar loops and in float lanes (then double) in the vector
 * ones, so both agree to float precision.
 */
public final class Lanes {
    /** Whether the Vector API is in use: the module is present and not switched off by {@code -Ddl4jlosses.vector=false}. */
    public static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("dl4jlosses.vector"));

    private Lanes() {
    }

    /** max of a[off..off+n); NaN if any value is NaN. */
    public static float max(float[] a, int off, int n) {
        if (VECTOR) {
            return VectorLanes.max(a, off, n);
        }
        return maxScalar(a, off, off + n, Float.NEGATIVE_INFINITY);
    }

    /** max of |a[i]| over a[off..off+n); NaN if any value is NaN. */
    public static float maxAbs(float[] a, int off, int n) {
        if (VECTOR) {
            return VectorLanes.maxAbs(a, off, n);
        }
        return maxAbsScalar(a, off, off + n, 0f);
    }

    static float maxAbsScalar(float[] a, int from, int to, float start) {
        float m = start;
        for (int i = from; i < to; i++) {
            m = Math.max(m, Math.abs(a[i]));
        }
        return m;
    }

    static float maxScalar(float[] a, int from, int to, float start) {
        float m = start;
        for (int i = from; i < to; i++) {
            float v = a[i];
            // Math.max propagates NaN, as the vector max does.
            m = Math.max(m, v);
        }
        return m;
    }

    /**
     * sum_i exp(a[i] - shift); when {@code out} is not null, also writes each {@code exp(a[i] - shift)}
     * to {@code out[outOff + i - off]}.
     */
    public static double expSum(float[] a, int off, int n, float shift, float[] out, int outOff) {
        if (VECTOR) {
            return VectorLanes.expSum(a, off, n, shift, out, outOff);
        }
        return expSumScalar(a, off, off + n, shift, out, outOff - off);
    }

    static double expSumScalar(float[] a, int from, int to, float shift, float[] out, int delta) {
        double s = 0;
        for (int i = from; i < to; i++) {
            float e = (float) Math.exp(a[i] - shift);
            if (out != null) {
                out[i + delta] = e;
            }
            s += e;
        }
        return s;
    }

    /** sum_i a[aOff + i] b[bOff + i]. */
    public static double dot(float[] a, int aOff, float[] b, int bOff, int n) {
        if (VECTOR) {
            return VectorLanes.dot(a, aOff, b, bOff, n);
        }
        return dotScalar(a, aOff, b, bOff, 0, n);
    }

    /**
     * The Euclidean norm of a[off..off+n). The vector sum of squares runs in float and overflows for
     * norms above about 1.8e19; such a row (rare) is scaled by its largest magnitude first.
     */
    public static double norm(float[] a, int off, int n) {
        double squares = dot(a, off, a, off, n);
        if (squares < Float.MAX_VALUE) {
            return Math.sqrt(squares);
        }
        double scale = maxAbs(a, off, n);
        if (!(scale > 0) || Double.isInfinite(scale)) {
            return Math.sqrt(squares);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double v = a[off + i] / scale;
            sum += v * v;
        }
        return scale * Math.sqrt(sum);
    }

    static double dotScalar(float[] a, int aOff, float[] b, int bOff, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    /** y[yOff + i] += a * x[xOff + i]. */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        if (VECTOR) {
            VectorLanes.axpy(a, x, xOff, y, yOff, n);
            return;
        }
        axpyScalar(a, x, xOff, y, yOff, 0, n);
    }

    static void axpyScalar(float a, float[] x, int xOff, float[] y, int yOff, int from, int to) {
        for (int i = from; i < to; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    /** out[outOff + i] = a * x[xOff + i] + b, times w[i] when {@code w} is not null. */
    public static void affine(float[] x, int xOff, float a, float b, float[] w, float[] out, int outOff, int n) {
        if (VECTOR) {
            VectorLanes.affine(x, xOff, a, b, w, out, outOff, n);
            return;
        }
        affineScalar(x, xOff, a, b, w, out, outOff, 0, n);
    }

    static void affineScalar(float[] x, int xOff, float a, float b, float[] w, float[] out, int outOff, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = a * x[xOff + i] + b;
            out[outOff + i] = w == null ? v : v * w[i];
        }
    }

    /** Whether some value of a[off..off+n) is below 0, above 1 or NaN. */
    public static boolean outsideUnit(float[] a, int off, int n) {
        if (VECTOR) {
            return VectorLanes.outsideUnit(a, off, n);
        }
        return outsideUnitScalar(a, off, off + n);
    }

    static boolean outsideUnitScalar(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = a[i];
            if (!(v >= 0 && v <= 1)) {
                return true;
            }
        }
        return false;
    }

}
