package org.dl4jlosses.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link LaneMath} in plain Java, for JVMs without the Vector API: one step covers the whole row,
 * each operation is a loop over it (C2 vectorises the arithmetic ones), and its result goes to a
 * per-thread temporary row that {@link #begin} hands out again for the next row.
 *
 * @param <A> float[] or double[] ({@link FloatArrayMath} and its float64 twin)
 */
abstract class ArrayMath<A> extends LaneMath<A> {
    static final ThreadLocal<ArrayMath<float[]>> FLOATS = ThreadLocal.withInitial(FloatArrayMath::new);
    static final ThreadLocal<ArrayMath<double[]>> DOUBLES = ThreadLocal.withInitial(DoubleArrayMath::new);

    private final List<A> temporaries = new ArrayList<>();
    private int used;
    private int capacity;
    /** The current row's length: every operation covers this many elements. */
    int width;

    @Override
    public final int width(int length) {
        return length;
    }

    @Override
    public final void begin(int length) {
        if (length > capacity) {
            temporaries.clear();
            capacity = length;
        }
        width = length;
        used = 0;
    }

    /** A new array of {@code length} elements. */
    abstract A temporary(int length);

    /** The next free temporary row of the current row's width. */
    final A next() {
        if (used == temporaries.size()) {
            temporaries.add(temporary(capacity));
        }
        return temporaries.get(used++);
    }

    // exp for float32 rows, in two passes. Math.exp is a call per element (about 15 ns from a
    // float); the first pass is arithmetic only, which C2 vectorises: exp(v) = 2^k p(r) with
    // k = round(v / ln 2) (adding 1.5 * 2^23 rounds it into the low bits of t), r = v - k ln 2 in
    // two parts (Cody and Waite) and p Cephes' degree-7 polynomial (within 1 ulp); the second pass
    // puts 2^k together from t's bits, and leaves v outside [-87, 88] (2^k not a normal float) and
    // NaN to Math.exp.
    private static final float ROUNDER = 12582912f;
    private static final float LOW = -87f;
    private static final float HIGH = 88f;

    /**
     * {@code out[outOffset + j] = exp(x[xOffset + j] - shift)} for j below {@code length}, also in
     * place; {@code values} and {@code scales} (two arrays: one, at two offsets, keeps C2 from
     * vectorising) hold at least {@code length}.
     */
    static void expInto(float[] x, int xOffset, float shift, float[] out, int outOffset, int length, float[] values,
                        float[] scales) {
        // From offset 0: C2 (JDK 17) vectorises no loop whose arrays sit at different offsets.
        System.arraycopy(x, xOffset, values, 0, length);
        for (int j = 0; j < length; j++) {
            float v = Math.max(Math.min(values[j] - shift, HIGH), LOW);
            float t = v * 1.44269504f + ROUNDER;
            float k = t - ROUNDER;
            float r = v - k * 0.693359375f - k * -2.12194440e-4f;
            float p = 1.9875691500e-4f;
            p = p * r + 1.3981999507e-3f;
            p = p * r + 8.3334519073e-3f;
            p = p * r + 4.1665795894e-2f;
            p = p * r + 1.6666665459e-1f;
            p = p * r + 5.0000001201e-1f;
            values[j] = p * r * r + r + 1f;
            scales[j] = t;
        }
        for (int j = 0; j < length; j++) {
            float v = x[xOffset + j] - shift;
            out[outOffset + j] = v >= LOW && v <= HIGH
                    ? values[j] * Float.intBitsToFloat((Float.floatToRawIntBits(scales[j]) << 23) + (127 << 23))
                    : (float) Math.exp(v);
        }
    }

    /** The float64 form of {@link #expInto(float[], int, float, float[], int, int, float[], float[])}: Math.exp, exact. */
    static void expInto(double[] x, int xOffset, double shift, double[] out, int outOffset, int length, double[] values,
                        double[] scales) {
        for (int j = 0; j < length; j++) {
            out[outOffset + j] = Math.exp(x[xOffset + j] - shift);
        }
    }

    // log for float32 rows, in three passes: x = 2^e m with m in [sqrt(1/2), sqrt(2)) from the
    // bits, then Cephes' polynomial for log(m) plus e ln 2 in two parts (arithmetic only, which C2
    // vectorises; within 1 ulp), and Math.log for what is not a positive normal float.
    private static final float SQRT_HALF = 0.70710677f;

    /**
     * {@code out[j] = log(x[j])} for j below {@code length}, also in place; {@code mantissas} and
     * {@code exponents} hold at least {@code length}.
     */
    static void logInto(float[] x, float[] out, int length, float[] mantissas, float[] exponents) {
        for (int j = 0; j < length; j++) {
            float v = x[j];
            if (v >= Float.MIN_NORMAL && v < Float.POSITIVE_INFINITY) {
                int bits = Float.floatToRawIntBits(v);
                // m in [sqrt(1/2), sqrt(2)): the exponent of 2^-1 for mantissas above sqrt(2)
                int up = (bits & 0x007FFFFF) > 0x003504F3 ? 1 : 0;
                mantissas[j] = Float.intBitsToFloat((bits & 0x007FFFFF) | (0x3F800000 - (up << 23))) - 1f;
                exponents[j] = (bits >>> 23) - 127 + up;
            } else {
                mantissas[j] = v;
                exponents[j] = Float.NaN;
            }
        }
        for (int j = 0; j < length; j++) {
            float f = mantissas[j];
            float e = exponents[j];
            float z = f * f;
            float y = 7.0376836292e-2f;
            y = y * f - 1.1514610310e-1f;
            y = y * f + 1.1676998740e-1f;
            y = y * f - 1.2420140846e-1f;
            y = y * f + 1.4249322787e-1f;
            y = y * f - 1.6668057665e-1f;
            y = y * f + 2.0000714765e-1f;
            y = y * f - 2.4999993993e-1f;
            y = y * f + 3.3333331174e-1f;
            y = y * f * z + e * -2.12194440e-4f - 0.5f * z;
            out[j] = f + y + e * 0.693359375f;
        }
        for (int j = 0; j < length; j++) {
            if (Float.isNaN(exponents[j])) {
                out[j] = (float) Math.log(mantissas[j]);
            }
        }
    }

    /** The float64 form of {@link #logInto(float[], float[], int, float[], float[])}: Math.log, exact. */
    static void logInto(double[] x, double[] out, int length, double[] mantissas, double[] exponents) {
        for (int j = 0; j < length; j++) {
            out[j] = Math.log(x[j]);
        }
    }
}
