package org.dl4jlosses.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Every {@link LaneMath} present in this JVM (plain Java always, the Vector API's lanes with its
 * module) against the plain definition of each operation, on rows of several lengths (whole
 * vectors, a tail, shorter than one vector) holding ordinary and special values.
 */
class LaneMathTest {
    private static final double[] SPECIAL = {0, -0.0, 1, -1, 0.5, 1e-30, -1e-30, 1e4, -1e4, 88, -104, 700, -745,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 3e38, 1e-8};

    private static List<LaneMath<?>> maths() {
        List<LaneMath<?>> all = new ArrayList<>(List.of(new FloatArrayMath(), new DoubleArrayMath()));
        if (LaneMath.VECTOR) {
            all.add(FloatVectorMath.INSTANCE);
            all.add(DoubleVectorMath.INSTANCE);
        }
        return all;
    }

    private static boolean single(LaneMath<?> n) {
        return n.dataType() == DataType.FLOAT;
    }

    private static ByteBuffer buffer(LaneMath<?> n, int length) {
        return ByteBuffer.allocateDirect(LaneMath.padded(length) * (single(n) ? Float.BYTES : Double.BYTES))
                .order(ByteOrder.nativeOrder());
    }

    private static ByteBuffer row(LaneMath<?> n, double[] values) {
        return n.rowOf(values);
    }

    private static double[] values(Random random, int length, int shift) {
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            v[i] = i % 3 == 0 ? SPECIAL[(i / 3 + shift) % SPECIAL.length] : random.nextGaussian() * 3;
        }
        return v;
    }



    /** Applies one operation of n over a row with the formula's loop: load, combine, store, step by width. */
    private static <V> ByteBuffer apply(LaneMath<V> n, String op, ByteBuffer a, ByteBuffer b, ByteBuffer c, int length) {
        n.begin(length);
        ByteBuffer out = buffer(n, length);
        for (int i = 0; i < length; i += n.width(length)) {
            V x = n.load(a, i);
            V y = n.load(b, i);
            V z = n.load(c, i);
            V r;
            switch (op) {
                case "add": r = n.add(x, y); break;
                case "sub": r = n.sub(x, y); break;
                case "mul": r = n.mul(x, y); break;
                case "div": r = n.div(x, y); break;
                case "min": r = n.min(x, y); break;
                case "max": r = n.max(x, y); break;
                case "fma": r = n.fma(x, y, z); break;
                case "neg": r = n.neg(x); break;
                case "abs": r = n.abs(x); break;
                case "signum": r = n.signum(x); break;
                case "exp": r = n.exp(x); break;
                case "log": r = n.log(x); break;
                case "log1p": r = n.log1p(x); break;
                case "expm1": r = n.expm1(x); break;
                case "sqrt": r = n.sqrt(x); break;
                case "keep": r = n.keep(x, y); break;
                case "pow": r = n.pow(x, 2.5); break;
                case "pow0": r = n.pow(x, 0); break;
                case "where": r = n.whereNonNegative(x, y, z); break;
                case "softplus": r = n.softplus(x); break;
                case "sigmoid": r = n.sigmoid(x); break;
                case "nanOutsideUnit": r = n.nanOutsideUnit(x); break;
                case "of": r = n.of(-2.5); break;
                default: throw new IllegalArgumentException(op);
            }
            n.store(r, out, i);
        }
        return out;
    }

    private static <V> double sum(LaneMath<V> n, ByteBuffer a, int length) {
        n.begin(length);
        V acc = n.of(0);
        for (int i = 0; i < length; i += n.width(length)) {
            acc = n.addLanes(acc, n.load(a, i), i, length);
        }
        return n.sum(acc, length);
    }

    private static void check(LaneMath<?> n, String op, double[] a, double[] b, double[] c, DoubleUnaryOperator ref1,
                              DoubleBinaryOperator ref2, double ulps) {
        boolean single = single(n);
        ByteBuffer out = apply(n, op, row(n, a), row(n, b), row(n, c), a.length);
        for (int i = 0; i < a.length; i++) {
            double x = single ? (float) a[i] : a[i];
            double y = single ? (float) b[i] : b[i];
            double z = single ? (float) c[i] : c[i];
            double expected = op.equals("fma") ? (single ? (float) ((double) (float) a[i] * (float) b[i] + (float) c[i])
                    : Math.fma(a[i], b[i], c[i]))
                    : op.equals("where") ? (x >= 0 ? y : z)
                    : ref1 != null ? ref1.applyAsDouble(x) : ref2.applyAsDouble(x, y);
            if (single) {
                expected = (float) expected;
            }
            double actual = get(out, single, i);
            double ulp = single ? Math.ulp((float) expected) : Math.ulp(expected);
            boolean same = Double.compare(expected, actual) == 0 || expected == actual
                    || Math.abs(expected - actual) <= ulps * ulp
                    // exp/log families near the float range's edges: relative error of the library routine
                    || Math.abs(expected - actual) <= (single ? 3e-7 : 1e-15) * Math.abs(expected) * ulps;
            if (!same) {
                fail(n.getClass().getSimpleName() + " " + op + "(" + x + (ref2 != null ? ", " + y : "") + ") = " + actual
                        + ", expected " + expected + " (length " + a.length + ", element " + i + ")");
            }
        }
    }

    /**
     * The plain-Java float32 log (the bits split off, then a polynomial) is within 1 ulp of the
     * exact value over every 1021st positive float (subnormals included), equals {@code Math.log}
     * at NaN, infinities, zeros and negative numbers, and may overwrite its input.
     */
    @Test
    void plainFloatLogIsWithinOneUlp() {
        int count = 0x7F800000 / 1021;
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = Float.intBitsToFloat(1 + i * 1021);
        }
        float[] out = new float[count];
        ArrayMath.logInto(x, out, count, new float[count], new float[count]);
        double worst = 0;
        for (int i = 0; i < count; i++) {
            double exact = Math.log(x[i]);
            worst = Math.max(worst, Math.abs(out[i] - exact) / Math.ulp((float) exact));
        }
        assertTrue(worst <= 1, "worst error " + worst + " ulp");
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, -1f, 1f, Float.MAX_VALUE};
        float[] logs = special.clone();
        ArrayMath.logInto(logs, logs, special.length, new float[special.length], new float[special.length]);
        for (int i = 0; i < special.length; i++) {
            assertEquals((float) Math.log(special[i]), logs[i], 0, "log(" + special[i] + ")");
        }
    }

    /**
     * The plain-Java float32 exp (a polynomial in two passes) is within 1 ulp of the exact value
     * everywhere from -110 to 95 (every 2e-4, underflow and overflow included), and equals
     * {@code Math.exp} at NaN, infinities and signed zeros; a shift is subtracted first, the
     * result lands at the given offset, and it may overwrite its input.
     */
    @Test
    void plainFloatExpIsWithinOneUlp() {
        int count = 1_025_000;
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) (-110 + i * 2e-4);
        }
        float[] out = new float[count + 3];
        ArrayMath.expInto(x, 0, 0f, out, 3, count, new float[count], new float[count]);
        double worst = 0;
        for (int i = 0; i < count; i++) {
            double exact = Math.exp(x[i]);
            float nearest = (float) exact;
            if (Float.isInfinite(nearest)) {
                assertEquals(nearest, out[3 + i], 0, "exp(" + x[i] + ") overflows");
                continue;
            }
            worst = Math.max(worst, Math.abs(out[3 + i] - exact) / Math.ulp(nearest == 0 ? Float.MIN_VALUE : nearest));
        }
        assertTrue(worst <= 1, "worst error " + worst + " ulp");
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, 88.72f, 88.8f, -103.9f, -104f};
        float[] exps = new float[special.length];
        ArrayMath.expInto(special, 0, 0f, exps, 0, special.length, new float[special.length], new float[special.length]);
        for (int i = 0; i < special.length; i++) {
            assertEquals((float) Math.exp(special[i]), exps[i], 0, "exp(" + special[i] + ")");
        }
        float[] inPlace = {1, 2};
        ArrayMath.expInto(inPlace, 0, 2f, inPlace, 0, 2, new float[2], new float[2]);
        assertEquals((float) Math.exp(-1), inPlace[0], Math.ulp((float) Math.exp(-1)));
        assertEquals(1f, inPlace[1], 0);
    }

    @Test
    void everyOperationMatchesItsDefinition() {
        Random random = new Random(3);
        for (LaneMath<?> n : maths()) {
            for (int length : new int[] {1, 5, 16, 37, 100}) {
                double[] a = values(random, length, 0);
                double[] b = values(random, length, 7);
                double[] c = values(random, length, 11);
                check(n, "add", a, b, c, null, (x, y) -> x + y, 0);
                check(n, "sub", a, b, c, null, (x, y) -> x - y, 0);
                check(n, "mul", a, b, c, null, (x, y) -> x * y, 0);
                check(n, "div", a, b, c, null, (x, y) -> x / y, 0);
                check(n, "min", a, b, c, null, Math::min, 0);
                check(n, "max", a, b, c, null, Math::max, 0);
                check(n, "fma", a, b, c, null, null, 1);
                check(n, "neg", a, b, c, x -> -x, null, 0);
                check(n, "abs", a, b, c, Math::abs, null, 0);
                check(n, "signum", a, b, c, Math::signum, null, 0);
                check(n, "exp", a, b, c, Math::exp, null, 2);
                check(n, "log", a, b, c, Math::log, null, 2);
                check(n, "log1p", a, b, c, Math::log1p, null, 2);
                check(n, "expm1", a, b, c, Math::expm1, null, 2);
                check(n, "sqrt", a, b, c, Math::sqrt, null, 0);
                check(n, "of", a, b, c, x -> -2.5, null, 0);
                check(n, "keep", a, b, c, null, (x, y) -> y != 0 ? x : 0, 0);
                check(n, "pow", a, b, c, x -> Math.pow(x, 2.5), null, 2);
                check(n, "pow0", a, b, c, x -> Math.pow(x, 0), null, 0);
                check(n, "where", a, b, c, null, null, 0);
                // The definitions, each side of 0 in the form whose exponential cannot overflow.
                check(n, "softplus", a, b, c, x -> x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)), null, 3);
                check(n, "sigmoid", a, b, c, x -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)), null, 3);
                check(n, "nanOutsideUnit", a, b, c, x -> x >= 0 && x <= 1 ? 0 : Double.NaN, null, 0);
            }
        }
    }

    private static Object heapRow(LaneMath<?> n, double[] values) {
        Object row = n.row(values.length);
        for (int i = 0; i < values.length; i++) {
            n.set(row, i, values[i]);
        }
        return row;
    }

    @Test
    void rowPrimitivesMatchTheirDefinitions() {
        Random random = new Random(9);
        for (LaneMath<?> n : maths()) {
            boolean single = single(n);
            String name = n.getClass().getSimpleName();
            for (int length : new int[] {1, 3, 8, 16, 37, 100}) {
                double[] x = new double[length];
                double[] y = new double[length];
                for (int i = 0; i < length; i++) {
                    x[i] = round(single, random.nextGaussian() * 20 - 700);
                    y[i] = round(single, random.nextGaussian());
                }
                Object xs = heapRow(n, x);
                Object ys = heapRow(n, y);
                // Garbage in the padding must not count.
                for (int i = length; i < LaneMath.padded(length); i++) {
                    n.set(xs, i, i % 2 == 0 ? Double.NaN : 1e30);
                    n.set(ys, i, Double.NaN);
                }
                double max = Double.NEGATIVE_INFINITY;
                double dot = 0;
                double expected = 0;
                for (int i = 0; i < length; i++) {
                    max = Math.max(max, x[i]);
                    dot += x[i] * y[i];
                }
                for (int i = 0; i < length; i++) {
                    expected += Math.exp(x[i] - max);
                }
                String what = name + " over " + length;
                n.begin(length);
                assertEquals(max, n.max(xs, 0, length), 0, what + ": max");
                assertEquals(dot, n.dot(xs, 0, ys, 0, length), Math.abs(dot) * (single ? 1e-5 : 1e-13) + 1e-9, what + ": dot");
                Object out = n.row(length);
                assertEquals(expected, n.expSum(xs, 0, length, max, out), expected * (single ? 1e-5 : 1e-13), what + ": expSum");
                assertEquals(expected, n.expSum(xs, 0, length, max, null), expected * (single ? 1e-5 : 1e-13), what);
                for (int i = 0; i < length; i++) {
                    assertEquals(Math.exp(x[i] - max), n.get(out, i), single ? 1e-6 : 1e-15, what + ": exp " + i);
                }
                n.scale(out, 0, length, -2);
                assertEquals(-2 * Math.exp(x[length - 1] - max), n.get(out, length - 1), single ? 1e-6 : 1e-15, what + ": scale");
                Object copy = n.row(length);
                ByteBuffer bytes = buffer(n, length + 2);
                n.copy(xs, n.view(bytes), 1, length);
                n.copy(n.view(bytes), 1, copy, length);
                assertEquals(x[length - 1], n.get(copy, length - 1), 0, what + ": copies");
                assertEquals(x[0], n.get(bytes, 1), 0, what + ": copy to a buffer");
                assertEquals(0, get(bytes, single, 0), 0, what + ": copies only its elements");
                x[length / 2] = Double.NaN;
                assertEquals(Double.NaN, n.max(heapRow(n, x), 0, length), 0, what + ": max of a row with NaN");
            }
        }
    }

    /**
     * The flat-array primitives at offsets inside a longer array, against their definitions: each
     * reads and writes only the elements it names (the ones around them are NaN, and stay as they are).
     */
    @Test
    void flatPrimitivesTouchOnlyTheirElements() {
        Random random = new Random(11);
        for (LaneMath<?> n : maths()) {
            boolean single = single(n);
            double tolerance = single ? 1e-5 : 1e-13;
            for (int length : new int[] {1, 5, 16, 37, 100}) {
                String what = n.getClass().getSimpleName() + " over " + length;
                int total = 3 * length + 7;
                double[] x = new double[total];
                double[] y = new double[total];
                Arrays.fill(x, Double.NaN);
                Arrays.fill(y, Double.NaN);
                int xOffset = 3;
                int yOffset = length + 5;
                for (int i = 0; i < length; i++) {
                    x[xOffset + i] = round(single, random.nextGaussian());
                    y[yOffset + i] = round(single, random.nextGaussian());
                }
                double dot = 0;
                double squared = 0;
                for (int i = 0; i < length; i++) {
                    dot += x[xOffset + i] * y[yOffset + i];
                    double d = x[xOffset + i] - y[yOffset + i] + 0.25;
                    squared += d * d;
                }
                Object xs = heapRow(n, x);
                Object ys = heapRow(n, y);
                assertEquals(dot, n.dot(xs, xOffset, ys, yOffset, length), Math.abs(dot) * tolerance + 1e-6, what + ": dot");
                assertEquals(squared, n.squaredDistance(xs, xOffset, ys, yOffset, length, 0.25), squared * tolerance,
                        what + ": squaredDistance");
                double max = Double.NEGATIVE_INFINITY;
                double exps = 0;
                for (int i = 0; i < length; i++) {
                    max = Math.max(max, x[xOffset + i]);
                }
                for (int i = 0; i < length; i++) {
                    exps += Math.exp(x[xOffset + i] - max);
                }
                assertEquals(max, n.max(xs, xOffset, length), 0, what + ": max");
                assertEquals(exps, n.expSum(xs, xOffset, length, max, null), exps * tolerance, what + ": expSum");
                Object out = n.row(total);
                n.linear(out, 0, total, 0, Double.NaN);
                assertEquals(exps, n.expSum(xs, xOffset, length, max, out), exps * tolerance, what + ": expSum into out");
                for (int i = 0; i < total; i++) {
                    boolean inX = i >= xOffset && i < xOffset + length;
                    assertEquals(inX ? Math.exp(x[i] - max) : Double.NaN, n.get(out, i), tolerance, what + ": exp at " + i);
                }
                n.axpy(-1.5, xs, xOffset, ys, yOffset, length);
                n.scale(xs, xOffset, length, 3);
                for (int i = 0; i < total; i++) {
                    boolean inY = i >= yOffset && i < yOffset + length;
                    boolean inX = i >= xOffset && i < xOffset + length;
                    double expectedY = inY ? y[i] - 1.5 * x[xOffset + i - yOffset] : Double.NaN;
                    assertEquals(expectedY, n.get(ys, i), inY ? Math.abs(expectedY) * tolerance + 1e-6 : 0, what + ": axpy at " + i);
                    assertEquals(inX ? 3 * x[i] : Double.NaN, n.get(xs, i), tolerance, what + ": scale at " + i);
                }
            }
        }
    }

    @Test
    void labelClassTellsOneHotRowsFromProbabilitiesAndOutsiders() {
        for (LaneMath<?> n : maths()) {
            String name = n.getClass().getSimpleName();
            for (int length : new int[] {1, 3, 8, 16, 37, 100}) {
                for (int hot = 0; hot < length; hot += Math.max(1, length / 7)) {
                    double[] y = new double[length];
                    y[hot] = 1;
                    assertEquals(hot, n.labelClass(heapRow(n, y), length), name + " one-hot " + hot + " of " + length);
                    y[(hot + 1) % length] += 0.5;
                    int expected = length == 1 ? LaneMath.OUTSIDE_UNIT : -1;
                    assertEquals(expected, n.labelClass(heapRow(n, y), length), name + " two values in " + length);
                    y[hot] = Double.NaN;
                    assertEquals(LaneMath.OUTSIDE_UNIT, n.labelClass(heapRow(n, y), length), name + " NaN in " + length);
                    y[hot] = -0.5;
                    assertEquals(LaneMath.OUTSIDE_UNIT, n.labelClass(heapRow(n, y), length), name + " -0.5 in " + length);
                    y[(hot + 1) % length] = 0;
                    y[hot] = 1;
                    Object padded = heapRow(n, y);
                    for (int i = length; i < LaneMath.padded(length); i++) {
                        n.set(padded, i, 7);
                    }
                    assertEquals(hot, n.labelClass(padded, length), name + " padding not read, " + length);
                }
                assertEquals(-1, n.labelClass(heapRow(n, new double[length]), length), name + " zeros");
                double[] half = new double[length];
                java.util.Arrays.fill(half, 1.0 / length);
                assertEquals(length == 1 ? 0 : -1, n.labelClass(heapRow(n, half), length), name + " uniform");
            }
        }
    }

    private static double round(boolean single, double v) {
        return single ? (float) v : v;
    }

    @Test
    void sumsCountOnlyTheRowsElements() {
        Random random = new Random(4);
        for (LaneMath<?> n : maths()) {
            for (int length : new int[] {1, 5, 16, 37, 100}) {
                double[] a = new double[length];
                double expected = 0;
                for (int i = 0; i < length; i++) {
                    a[i] = single(n) ? (float) random.nextGaussian() : random.nextGaussian();
                    expected += a[i];
                }
                ByteBuffer r = row(n, a);
                // Garbage in the padding must not count.
                for (int i = length; i < LaneMath.padded(length); i++) {
                    put(r, single(n), i, Double.NaN);
                }
                double actual = sum(n, r, length);
                assertEquals(expected, actual, (single(n) ? 1e-5 : 1e-12) * length, n.getClass().getSimpleName() + " sum of " + length);
            }
        }
    }

    @Test
    void loadsAndStoresReachOnlyTheirElementsOfNativeBuffers() {
        for (LaneMath<?> n : maths()) {
            moveThroughNativeMemory(n);
        }
    }

    private static <V> void moveThroughNativeMemory(LaneMath<V> n) {
        String name = n.getClass().getSimpleName();
        boolean single = single(n);
        int bytes = single ? Float.BYTES : Double.BYTES;
        int size = 3 * LaneMath.PAD + 5;
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = i + 0.5;
        }
        ByteBuffer source = n.rowOf(values);
        ByteBuffer target = ByteBuffer.allocateDirect(size * bytes).order(ByteOrder.nativeOrder());
        for (int length : new int[] {3, LaneMath.PAD + 3}) {
            int offset = 2;
            n.begin(length);
            for (int i = 0; i < size; i++) {
                put(target, single, i, -1);
            }
            int width = n.width(length);
            int i = 0;
            for (; i + width <= length; i += width) {
                n.store(n.load(source, offset + i), target, offset + i);
            }
            if (i < length) {
                V tail = n.loadTail(source, offset + i, offset + length);
                n.storeTail(tail, target, offset + i, offset + length);
                ByteBuffer lanes = buffer(n, width);
                n.store(tail, lanes, 0);
                for (int j = length - i; j < width; j++) {
                    assertEquals(0, get(lanes, single, j), 0, name + ": lanes past the tail load as 0");
                }
            }
            for (int k = 0; k < size; k++) {
                double expected = k >= offset && k < offset + length ? k + 0.5 : -1;
                assertEquals(expected, get(target, single, k), 0, name + " element " + k + " of a copy of " + length);
            }
            n.clear(target, offset, length);
            assertEquals(0, get(target, single, offset + length - 1), 0, name + ": cleared");
            assertEquals(-1, get(target, single, offset + length), 0, name + ": clear stops at the end");
        }
        V ones = n.load(n.ones(), 0);
        ByteBuffer out = buffer(n, LaneMath.PAD);
        n.begin(Math.min(LaneMath.PAD, n.width(LaneMath.PAD)));
        n.store(n.load(n.ones(), 0), out, 0);
        assertEquals(1, get(out, single, 0), 0, name + ": ones");
        assertEquals(true, ones != null);
    }

    @Test
    void onesAreOnesForEveryRowLengthAfterAnother() {
        // A shorter row's buffer of ones once had zeros where a longer row read on.
        for (LaneMath<?> n : maths()) {
            for (int[] lengths : new int[][] {{6, 10}, {3, 16}, {20, 40}, {40, 20}}) {
                for (int length : lengths) {
                    n.begin(length);
                    int width = Math.min(length, n.width(length));
                    ByteBuffer out = buffer(n, width);
                    store(n, n.ones(), out);
                    for (int j = 0; j < width; j++) {
                        assertEquals(1, get(out, single(n), j), 0, n.getClass().getSimpleName() + " one " + j + " of " + length);
                    }
                }
            }
        }
    }

    private static <V> void store(LaneMath<V> n, ByteBuffer source, ByteBuffer target) {
        n.store(n.load(source, 0), target, 0);
    }

    private static void put(ByteBuffer b, boolean single, int i, double v) {
        if (single) {
            b.putFloat(i * Float.BYTES, (float) v);
        } else {
            b.putDouble(i * Double.BYTES, v);
        }
    }

    private static double get(ByteBuffer b, boolean single, int i) {
        return single ? b.getFloat(i * Float.BYTES) : b.getDouble(i * Double.BYTES);
    }
}
