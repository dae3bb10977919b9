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

    /**
     * {@code log(1 + x)} through the intrinsic {@code Math.log} ({@code Math.log1p} is a software
     * routine, a few times slower): {@code log(u) x / (u - 1)} with {@code u = 1 + x} cancels the
     * rounding of {@code u} (Goldberg 1991, Theorem 4), so the result is within a few ulps.
     */
    static double log1pViaLog(double x) {
        double u = 1.0 + x;
        return u == 1.0 || u == Double.POSITIVE_INFINITY ? x : Math.log(u) * x / (u - 1.0);
    }
}
