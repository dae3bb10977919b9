package org.dl4jlosses.internal;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link LaneMath} in plain Java, for JVMs without the Vector API: one step covers the whole row,
 * each operation is a loop over it (C2 vectorises the arithmetic ones), and its result goes to a
 * per-thread temporary row that {@link #begin} hands out again for the next row.
 *
 * @param <A> float[] or double[]
 */
abstract class ArrayMath<A> extends LaneMath<A> {
    static final ThreadLocal<ArrayMath<float[]>> FLOATS = ThreadLocal.withInitial(Floats::new);
    static final ThreadLocal<ArrayMath<double[]>> DOUBLES = ThreadLocal.withInitial(Doubles::new);

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

    /** Float32 rows. */
    static final class Floats extends ArrayMath<float[]> {
        @Override
        public double minPositive() {
            return Float.MIN_VALUE;
        }

        /**
         * {@code log(1 + x)} for a float's worth of precision, through the intrinsic {@code Math.log}
         * ({@code Math.log1p} is a software routine, a few times slower): {@code log(u) x / (u - 1)}
         * with {@code u = 1 + x} in double cancels the rounding of {@code u} (Goldberg 1991, Theorem 4).
         */
        private static double log1pOfFloat(double x) {
            double u = 1.0 + x;
            return u == 1.0 || u == Double.POSITIVE_INFINITY ? x : Math.log(u) * x / (u - 1.0);
        }

        @Override
        float[] temporary(int length) {
            return new float[length];
        }

        @Override
        public ByteBuffer rowOf(double[] values) {
            ByteBuffer row = ByteBuffer.allocateDirect(LaneMath.padded(values.length) * Float.BYTES).order(ByteOrder.nativeOrder());
            for (int i = 0; i < values.length; i++) {
                row.putFloat(i * Float.BYTES, (float) values[i]);
            }
            return row;
        }

        private ByteBuffer ones = ByteBuffer.allocate(0);

        @Override
        public ByteBuffer ones() {
            if (ones.capacity() < width * Float.BYTES) {
                ones = rowOf(LaneMath.ones(LaneMath.padded(width)));
            }
            return ones;
        }

        @Override
        public void clear(ByteBuffer target, int offset, int length) {
            for (int i = 0; i < length; i++) {
                target.putFloat((offset + i) * Float.BYTES, 0);
            }
        }

        @Override
        public float[] load(ByteBuffer source, int i) {
            float[] out = next();
            source.asFloatBuffer().get(i, out, 0, width);
            return out;
        }

        @Override
        public float[] loadTail(ByteBuffer source, int i, int end) {
            throw new UnsupportedOperationException("one step covers the whole row");
        }

        @Override
        public void store(float[] v, ByteBuffer target, int i) {
            target.asFloatBuffer().put(i, v, 0, width);
        }

        @Override
        public void storeTail(float[] v, ByteBuffer target, int i, int end) {
            throw new UnsupportedOperationException("one step covers the whole row");
        }

        @Override
        public float[] of(double c) {
            float[] out = next();
            Arrays.fill(out, 0, width, (float) c);
            return out;
        }

        @Override
        public float[] addLanes(float[] acc, float[] v, int i, int length) {
            return add(acc, v);
        }

        @Override
        public double sum(float[] v, int length) {
            // Four running sums: a chain of dependent additions would wait on each one.
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int j = 0;
            for (; j + 3 < length; j += 4) {
                s0 += v[j];
                s1 += v[j + 1];
                s2 += v[j + 2];
                s3 += v[j + 3];
            }
            for (; j < length; j++) {
                s0 += v[j];
            }
            return (s0 + s1) + (s2 + s3);
        }

        @Override
        public float[] keep(float[] x, float[] m) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = m[j] != 0 ? x[j] : 0;
            }
            return out;
        }

        @Override
        public float[] add(float[] a, float[] b) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = a[j] + b[j];
            }
            return out;
        }

        @Override
        public float[] sub(float[] a, float[] b) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = a[j] - b[j];
            }
            return out;
        }

        @Override
        public float[] mul(float[] a, float[] b) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = a[j] * b[j];
            }
            return out;
        }

        @Override
        public float[] div(float[] a, float[] b) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = a[j] / b[j];
            }
            return out;
        }

        @Override
        public float[] fma(float[] a, float[] b, float[] c) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = Math.fma(a[j], b[j], c[j]);
            }
            return out;
        }

        @Override
        public float[] neg(float[] a) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = -a[j];
            }
            return out;
        }

        @Override
        public float[] abs(float[] a) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = Math.abs(a[j]);
            }
            return out;
        }

        @Override
        public float[] min(float[] a, float[] b) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = Math.min(a[j], b[j]);
            }
            return out;
        }

        @Override
        public float[] max(float[] a, float[] b) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = Math.max(a[j], b[j]);
            }
            return out;
        }

        @Override
        public float[] signum(float[] a) {
            // Without branches (Math.signum's cost a misprediction per element on mixed signs): |a|
            // scaled past 1 and capped is 1, 0 stays 0, NaN stays NaN; then a's sign.
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = Math.copySign(Math.min(Math.abs(a[j]) * 0x1p100f * 0x1p100f, 1), a[j]);
            }
            return out;
        }

        @Override
        public float[] exp(float[] a) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (float) Math.exp(a[j]);
            }
            return out;
        }

        @Override
        public float[] log(float[] a) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (float) Math.log(a[j]);
            }
            return out;
        }

        @Override
        public float[] log1p(float[] a) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (float) log1pOfFloat(a[j]);
            }
            return out;
        }

        @Override
        public float[] expm1(float[] a) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (float) Math.expm1(a[j]);
            }
            return out;
        }

        @Override
        public float[] sqrt(float[] a) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (float) Math.sqrt(a[j]);
            }
            return out;
        }

        @Override
        public float[] pow(float[] a, double b) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (float) Math.pow(a[j], b);
            }
            return out;
        }

        @Override
        public float[] whereNonNegative(float[] test, float[] yes, float[] no) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = test[j] >= 0 ? yes[j] : no[j];
            }
            return out;
        }

        @Override
        public float[] softplus(float[] a) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (float) (Math.max(a[j], 0) + log1pOfFloat(Math.exp(-Math.abs(a[j]))));
            }
            return out;
        }

        @Override
        public float[] sigmoid(float[] a) {
            // The exponentials one by one, then the rest in a loop of arithmetic only, which C2
            // vectorises: 1 or t as max(t, step(a)) (t <= 1), without a branch.
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (float) Math.exp(-Math.abs(a[j]));
            }
            for (int j = 0; j < width; j++) {
                float t = out[j];
                float step = Math.min(Math.max(a[j] * 0x1p100f * 0x1p100f, 0f), 1f);
                out[j] = Math.max(t, step) / (1 + t);
            }
            return out;
        }

        @Override
        public float[] nanOutsideUnit(float[] y) {
            float[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = y[j] >= 0 && y[j] <= 1 ? 0 : Float.NaN;
            }
            return out;
        }
        @Override
        public double first(float[] v) {
            return v[0];
        }

        @Override
        public Object row(int length) {
            return new float[LaneMath.padded(length)];
        }

        @Override
        public Buffer view(ByteBuffer bytes) {
            return bytes.asFloatBuffer();
        }

        @Override
        public void copy(Buffer source, int offset, Object row, int length) {
            ((FloatBuffer) source).get(offset, (float[]) row, 0, length);
        }

        @Override
        public void copy(Object row, Buffer target, int offset, int length) {
            ((FloatBuffer) target).put(offset, (float[]) row, 0, length);
        }

        @Override
        public float[] loadRow(Object row, int i) {
            float[] out = next();
            System.arraycopy((float[]) row, i, out, 0, width);
            return out;
        }

        @Override
        public void storeRow(float[] v, Object row, int i) {
            System.arraycopy(v, 0, (float[]) row, i, width);
        }

        @Override
        public double get(Object row, int i) {
            return ((float[]) row)[i];
        }

        @Override
        public void set(Object row, int i, double value) {
            ((float[]) row)[i] = (float) value;
        }

        @Override
        public double get(ByteBuffer source, int i) {
            return source.getFloat(i * Float.BYTES);
        }

        @Override
        public double max(Object row, int offset, int length) {
            float[] x = (float[]) row;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = offset; j < offset + length; j++) {
                max = Math.max(max, x[j]);
            }
            return max;
        }

        @Override
        public double expSum(Object row, int offset, int length, double shift, Object out) {
            float[] x = (float[]) row;
            float s = (float) shift;
            double sum = 0;
            if (out == null) {
                for (int j = offset; j < offset + length; j++) {
                    sum += (float) Math.exp(x[j] - s);
                }
                return sum;
            }
            float[] o = (float[]) out;
            for (int j = offset; j < offset + length; j++) {
                o[j] = (float) Math.exp(x[j] - s);
                sum += o[j];
            }
            return sum;
        }


        @Override
        public void scale(Object row, int offset, int length, double factor) {
            float[] x = (float[]) row;
            float f = (float) factor;
            for (int j = offset; j < offset + length; j++) {
                x[j] *= f;
            }
        }

        @Override
        public double dot(Object a, int aOffset, Object b, int bOffset, int length) {
            float[] u = (float[]) a;
            float[] v = (float[]) b;
            // Four running sums, as in sum.
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int j = 0;
            for (; j + 3 < length; j += 4) {
                s0 += u[aOffset + j] * v[bOffset + j];
                s1 += u[aOffset + j + 1] * v[bOffset + j + 1];
                s2 += u[aOffset + j + 2] * v[bOffset + j + 2];
                s3 += u[aOffset + j + 3] * v[bOffset + j + 3];
            }
            for (; j < length; j++) {
                s0 += u[aOffset + j] * v[bOffset + j];
            }
            return (s0 + s1) + (s2 + s3);
        }

        @Override
        public void axpy(double alpha, Object x, int xOffset, Object y, int yOffset, int length) {
            float[] u = (float[]) x;
            float[] v = (float[]) y;
            float a = (float) alpha;
            for (int j = 0; j < length; j++) {
                v[yOffset + j] += a * u[xOffset + j];
            }
        }

        @Override
        public void linear(Object x, int offset, int length, double factor, double shift) {
            float[] v = (float[]) x;
            if (factor == 0) {
                Arrays.fill(v, offset, offset + length, (float) shift);
                return;
            }
            float f = (float) factor;
            float s = (float) shift;
            for (int j = offset; j < offset + length; j++) {
                v[j] = f * v[j] + s;
            }
        }

        @Override
        public void divideWherePositive(Object x, Object d, int length, double factor) {
            float[] v = (float[]) x;
            float[] w = (float[]) d;
            float f = (float) factor;
            for (int j = 0; j < length; j++) {
                v[j] = w[j] > 0 ? f * v[j] / w[j] : 0;
            }
        }

        @Override
        public void distancesFromGram(Object gram, int n, boolean root) {
            float[] g = (float[]) gram;
            float[] squares = new float[n];
            for (int i = 0; i < n; i++) {
                squares[i] = g[i * n + i];
            }
            for (int i = 0; i < n; i++) {
                int row = i * n;
                float own = squares[i];
                // max(s, 0) as s/2 + |s|/2 (exact), and the root in a loop of its own: loops C2
                // vectorises, where Math.max is a branch per element.
                for (int j = 0; j < n; j++) {
                    float s = own + squares[j] - 2 * g[row + j];
                    g[row + j] = 0.5f * s + 0.5f * Math.abs(s);
                }
                if (root) {
                    for (int j = 0; j < n; j++) {
                        g[row + j] = (float) Math.sqrt(g[row + j]);
                    }
                }
            }
            LaneMath.mirror(g, n);
        }

        @Override
        public void axpyDifference(double alpha, Object a, int aOffset, Object b, int bOffset, double shift, Object y, int yOffset,
                                   int length) {
            float[] u = (float[]) a;
            float[] v = (float[]) b;
            float[] w = (float[]) y;
            float f = (float) alpha;
            float s = (float) shift;
            for (int j = 0; j < length; j++) {
                w[yOffset + j] += f * (u[aOffset + j] - v[bOffset + j] + s);
            }
        }

        @Override
        public double squaredDistance(Object a, int aOffset, Object b, int bOffset, int length, double shift) {
            float[] u = (float[]) a;
            float[] v = (float[]) b;
            float s = (float) shift;
            double sum = 0;
            for (int j = 0; j < length; j++) {
                float d = u[aOffset + j] - v[bOffset + j] + s;
                sum += d * d;
            }
            return sum;
        }

        @Override
        public int labelClass(Object row, int length) {
            float[] v = (float[]) row;
            float min = 0;
            float max = 0;
            int count = 0;
            int index = -1;
            for (int j = 0; j < length; j++) {
                min = Math.min(min, v[j]);
                max = Math.max(max, v[j]);
                if (v[j] != 0) {
                    count++;
                    index = j;
                }
            }
            if (!(min >= 0 && max <= 1)) {
                return OUTSIDE_UNIT;
            }
            return count == 1 && max == 1 ? index : -1;
        }
    }

    /** Float64 rows. */
    static final class Doubles extends ArrayMath<double[]> {
        @Override
        public double minPositive() {
            return Double.MIN_VALUE;
        }

        @Override
        double[] temporary(int length) {
            return new double[length];
        }

        @Override
        public ByteBuffer rowOf(double[] values) {
            ByteBuffer row = ByteBuffer.allocateDirect(LaneMath.padded(values.length) * Double.BYTES).order(ByteOrder.nativeOrder());
            for (int i = 0; i < values.length; i++) {
                row.putDouble(i * Double.BYTES, (double) values[i]);
            }
            return row;
        }

        private ByteBuffer ones = ByteBuffer.allocate(0);

        @Override
        public ByteBuffer ones() {
            if (ones.capacity() < width * Double.BYTES) {
                ones = rowOf(LaneMath.ones(LaneMath.padded(width)));
            }
            return ones;
        }

        @Override
        public void clear(ByteBuffer target, int offset, int length) {
            for (int i = 0; i < length; i++) {
                target.putDouble((offset + i) * Double.BYTES, 0);
            }
        }

        @Override
        public double[] load(ByteBuffer source, int i) {
            double[] out = next();
            source.asDoubleBuffer().get(i, out, 0, width);
            return out;
        }

        @Override
        public double[] loadTail(ByteBuffer source, int i, int end) {
            throw new UnsupportedOperationException("one step covers the whole row");
        }

        @Override
        public void store(double[] v, ByteBuffer target, int i) {
            target.asDoubleBuffer().put(i, v, 0, width);
        }

        @Override
        public void storeTail(double[] v, ByteBuffer target, int i, int end) {
            throw new UnsupportedOperationException("one step covers the whole row");
        }

        @Override
        public double[] of(double c) {
            double[] out = next();
            Arrays.fill(out, 0, width, (double) c);
            return out;
        }

        @Override
        public double[] addLanes(double[] acc, double[] v, int i, int length) {
            return add(acc, v);
        }

        @Override
        public double sum(double[] v, int length) {
            // Four running sums: a chain of dependent additions would wait on each one.
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int j = 0;
            for (; j + 3 < length; j += 4) {
                s0 += v[j];
                s1 += v[j + 1];
                s2 += v[j + 2];
                s3 += v[j + 3];
            }
            for (; j < length; j++) {
                s0 += v[j];
            }
            return (s0 + s1) + (s2 + s3);
        }

        @Override
        public double[] keep(double[] x, double[] m) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = m[j] != 0 ? x[j] : 0;
            }
            return out;
        }

        @Override
        public double[] add(double[] a, double[] b) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = a[j] + b[j];
            }
            return out;
        }

        @Override
        public double[] sub(double[] a, double[] b) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = a[j] - b[j];
            }
            return out;
        }

        @Override
        public double[] mul(double[] a, double[] b) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = a[j] * b[j];
            }
            return out;
        }

        @Override
        public double[] div(double[] a, double[] b) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = a[j] / b[j];
            }
            return out;
        }

        @Override
        public double[] fma(double[] a, double[] b, double[] c) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = Math.fma(a[j], b[j], c[j]);
            }
            return out;
        }

        @Override
        public double[] neg(double[] a) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = -a[j];
            }
            return out;
        }

        @Override
        public double[] abs(double[] a) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = Math.abs(a[j]);
            }
            return out;
        }

        @Override
        public double[] min(double[] a, double[] b) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = Math.min(a[j], b[j]);
            }
            return out;
        }

        @Override
        public double[] max(double[] a, double[] b) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = Math.max(a[j], b[j]);
            }
            return out;
        }

        @Override
        public double[] signum(double[] a) {
            // Without branches (Math.signum's cost a misprediction per element on mixed signs): |a|
            // scaled past 1 and capped is 1, 0 stays 0, NaN stays NaN; then a's sign.
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = Math.copySign(Math.min(Math.abs(a[j]) * 0x1p600 * 0x1p600, 1), a[j]);
            }
            return out;
        }

        @Override
        public double[] exp(double[] a) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (double) Math.exp(a[j]);
            }
            return out;
        }

        @Override
        public double[] log(double[] a) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (double) Math.log(a[j]);
            }
            return out;
        }

        @Override
        public double[] log1p(double[] a) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (double) Math.log1p(a[j]);
            }
            return out;
        }

        @Override
        public double[] expm1(double[] a) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (double) Math.expm1(a[j]);
            }
            return out;
        }

        @Override
        public double[] sqrt(double[] a) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (double) Math.sqrt(a[j]);
            }
            return out;
        }

        @Override
        public double[] pow(double[] a, double b) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (double) Math.pow(a[j], b);
            }
            return out;
        }

        @Override
        public double[] whereNonNegative(double[] test, double[] yes, double[] no) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = test[j] >= 0 ? yes[j] : no[j];
            }
            return out;
        }

        @Override
        public double[] softplus(double[] a) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = (double) (Math.max(a[j], 0) + Math.log1p(Math.exp(-Math.abs(a[j]))));
            }
            return out;
        }

        @Override
        public double[] sigmoid(double[] a) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                double t = (double) Math.exp(-Math.abs(a[j]));
                out[j] = (a[j] >= 0 ? 1 : t) / (1 + t);
            }
            return out;
        }

        @Override
        public double[] nanOutsideUnit(double[] y) {
            double[] out = next();
            for (int j = 0; j < width; j++) {
                out[j] = y[j] >= 0 && y[j] <= 1 ? 0 : Double.NaN;
            }
            return out;
        }
        @Override
        public double first(double[] v) {
            return v[0];
        }

        @Override
        public Object row(int length) {
            return new double[LaneMath.padded(length)];
        }

        @Override
        public Buffer view(ByteBuffer bytes) {
            return bytes.asDoubleBuffer();
        }

        @Override
        public void copy(Buffer source, int offset, Object row, int length) {
            ((DoubleBuffer) source).get(offset, (double[]) row, 0, length);
        }

        @Override
        public void copy(Object row, Buffer target, int offset, int length) {
            ((DoubleBuffer) target).put(offset, (double[]) row, 0, length);
        }

        @Override
        public double[] loadRow(Object row, int i) {
            double[] out = next();
            System.arraycopy((double[]) row, i, out, 0, width);
            return out;
        }

        @Override
        public void storeRow(double[] v, Object row, int i) {
            System.arraycopy(v, 0, (double[]) row, i, width);
        }

        @Override
        public double get(Object row, int i) {
            return ((double[]) row)[i];
        }

        @Override
        public void set(Object row, int i, double value) {
            ((double[]) row)[i] = (double) value;
        }

        @Override
        public double get(ByteBuffer source, int i) {
            return source.getDouble(i * Double.BYTES);
        }

        @Override
        public double max(Object row, int offset, int length) {
            double[] x = (double[]) row;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = offset; j < offset + length; j++) {
                max = Math.max(max, x[j]);
            }
            return max;
        }

        @Override
        public double expSum(Object row, int offset, int length, double shift, Object out) {
            double[] x = (double[]) row;
            double s = (double) shift;
            double sum = 0;
            if (out == null) {
                for (int j = offset; j < offset + length; j++) {
                    sum += (double) Math.exp(x[j] - s);
                }
                return sum;
            }
            double[] o = (double[]) out;
            for (int j = offset; j < offset + length; j++) {
                o[j] = (double) Math.exp(x[j] - s);
                sum += o[j];
            }
            return sum;
        }


        @Override
        public void scale(Object row, int offset, int length, double factor) {
            double[] x = (double[]) row;
            double f = (double) factor;
            for (int j = offset; j < offset + length; j++) {
                x[j] *= f;
            }
        }

        @Override
        public double dot(Object a, int aOffset, Object b, int bOffset, int length) {
            double[] u = (double[]) a;
            double[] v = (double[]) b;
            // Four running sums, as in sum.
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int j = 0;
            for (; j + 3 < length; j += 4) {
                s0 += u[aOffset + j] * v[bOffset + j];
                s1 += u[aOffset + j + 1] * v[bOffset + j + 1];
                s2 += u[aOffset + j + 2] * v[bOffset + j + 2];
                s3 += u[aOffset + j + 3] * v[bOffset + j + 3];
            }
            for (; j < length; j++) {
                s0 += u[aOffset + j] * v[bOffset + j];
            }
            return (s0 + s1) + (s2 + s3);
        }

        @Override
        public void axpy(double alpha, Object x, int xOffset, Object y, int yOffset, int length) {
            double[] u = (double[]) x;
            double[] v = (double[]) y;
            double a = (double) alpha;
            for (int j = 0; j < length; j++) {
                v[yOffset + j] += a * u[xOffset + j];
            }
        }

        @Override
        public void linear(Object x, int offset, int length, double factor, double shift) {
            double[] v = (double[]) x;
            if (factor == 0) {
                Arrays.fill(v, offset, offset + length, (double) shift);
                return;
            }
            double f = (double) factor;
            double s = (double) shift;
            for (int j = offset; j < offset + length; j++) {
                v[j] = f * v[j] + s;
            }
        }

        @Override
        public void divideWherePositive(Object x, Object d, int length, double factor) {
            double[] v = (double[]) x;
            double[] w = (double[]) d;
            double f = (double) factor;
            for (int j = 0; j < length; j++) {
                v[j] = w[j] > 0 ? f * v[j] / w[j] : 0;
            }
        }

        @Override
        public void distancesFromGram(Object gram, int n, boolean root) {
            double[] g = (double[]) gram;
            double[] squares = new double[n];
            for (int i = 0; i < n; i++) {
                squares[i] = g[i * n + i];
            }
            for (int i = 0; i < n; i++) {
                int row = i * n;
                double own = squares[i];
                // max(s, 0) as s/2 + |s|/2 (exact), and the root in a loop of its own: loops C2
                // vectorises, where Math.max is a branch per element.
                for (int j = 0; j < n; j++) {
                    double s = own + squares[j] - 2 * g[row + j];
                    g[row + j] = 0.5 * s + 0.5 * Math.abs(s);
                }
                if (root) {
                    for (int j = 0; j < n; j++) {
                        g[row + j] = (double) Math.sqrt(g[row + j]);
                    }
                }
            }
            LaneMath.mirror(g, n);
        }

        @Override
        public void axpyDifference(double alpha, Object a, int aOffset, Object b, int bOffset, double shift, Object y, int yOffset,
                                   int length) {
            double[] u = (double[]) a;
            double[] v = (double[]) b;
            double[] w = (double[]) y;
            double f = (double) alpha;
            double s = (double) shift;
            for (int j = 0; j < length; j++) {
                w[yOffset + j] += f * (u[aOffset + j] - v[bOffset + j] + s);
            }
        }

        @Override
        public double squaredDistance(Object a, int aOffset, Object b, int bOffset, int length, double shift) {
            double[] u = (double[]) a;
            double[] v = (double[]) b;
            double s = (double) shift;
            double sum = 0;
            for (int j = 0; j < length; j++) {
                double d = u[aOffset + j] - v[bOffset + j] + s;
                sum += d * d;
            }
            return sum;
        }

        @Override
        public int labelClass(Object row, int length) {
            double[] v = (double[]) row;
            double min = 0;
            double max = 0;
            int count = 0;
            int index = -1;
            for (int j = 0; j < length; j++) {
                min = Math.min(min, v[j]);
                max = Math.max(max, v[j]);
                if (v[j] != 0) {
                    count++;
                    index = j;
                }
            }
            if (!(min >= 0 && max <= 1)) {
                return OUTSIDE_UNIT;
            }
            return count == 1 && max == 1 ? index : -1;
        }
    }
}
