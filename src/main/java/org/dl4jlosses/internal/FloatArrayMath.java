package org.dl4jlosses.internal;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * {@link ArrayMath} over float32 rows. The build writes its float64 twin, {@code DoubleArrayMath},
 * from this file by replacing {@code float} with {@code double} (pom.xml, {@code precision-twins}):
 * edit this file only, and write nothing here that the replacement would break.
 */
@SuppressWarnings("cast") // in the float64 twin, the casts to double are redundant
final class FloatArrayMath extends ArrayMath<float[]> {
    @Override
    public double minPositive() {
        return Float.MIN_VALUE;
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
        source.asFloatBuffer().position(i).get(out, 0, width);
        return out;
    }

    @Override
    public float[] loadTail(ByteBuffer source, int i, int end) {
        throw new UnsupportedOperationException("one step covers the whole row");
    }

    @Override
    public void store(float[] v, ByteBuffer target, int i) {
        target.asFloatBuffer().position(i).put(v, 0, width);
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
            out[j] = Math.copySign(Math.min(Math.abs(a[j]) * Float.MAX_VALUE * Float.MAX_VALUE, 1), a[j]);
        }
        return out;
    }

    /** Scratch rows: the two passes' of exp and of log (one runs at a time), and exp's values where a caller keeps none. */
    private float[] passA = new float[0];
    private float[] passB = new float[0];
    private float[] expSums = new float[0];

    private void passes(int length) {
        if (passA.length < length) {
            passA = new float[length];
            passB = new float[length];
        }
    }

    /** exp(x[xOffset + j] - shift) into out from outOffset, for j below length. */
    private void exp(float[] x, int xOffset, float shift, float[] out, int outOffset, int length) {
        passes(length);
        expInto(x, xOffset, shift, out, outOffset, length, passA, passB);
    }

    @Override
    public float[] exp(float[] a) {
        float[] out = next();
        exp(a, 0, 0, out, 0, width);
        return out;
    }

    @Override
    public float[] log(float[] a) {
        float[] out = next();
        log(a, out);
        return out;
    }

    private void log(float[] a, float[] out) {
        passes(width);
        logInto(a, out, width, passA, passB);
    }

    @Override
    public float[] log1p(float[] a) {
        float[] out = next();
        log1p(a, out);
        return out;
    }

    /**
     * {@code log(1 + a)} into out through log ({@code Math.log1p} is a software routine, a few
     * times slower): {@code log(u) a / (u - 1)} with {@code u = 1 + a} cancels the rounding of u
     * (Goldberg 1991, Theorem 4).
     */
    private void log1p(float[] a, float[] out) {
        float[] u = next();
        for (int j = 0; j < width; j++) {
            u[j] = 1 + a[j];
        }
        log(u, out);
        for (int j = 0; j < width; j++) {
            out[j] = u[j] == 1 || u[j] == Float.POSITIVE_INFINITY ? a[j] : out[j] * (a[j] / (u[j] - 1));
        }
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
        log1p(minusAbsExp(a), out);
        for (int j = 0; j < width; j++) {
            out[j] += Math.max(a[j], 0);
        }
        return out;
    }

    @Override
    public float[] sigmoid(float[] a) {
        // The exponentials, then the rest in a loop of arithmetic only, which C2 vectorises: 1 or t
        // as max(t, step(a)) (t <= 1), without a branch.
        float[] out = minusAbsExp(a);
        for (int j = 0; j < width; j++) {
            float t = out[j];
            float step = Math.min(Math.max(a[j] * Float.MAX_VALUE * Float.MAX_VALUE, 0f), 1f);
            out[j] = Math.max(t, step) / (1 + t);
        }
        return out;
    }

    /** {@code exp(-|a|)}, a temporary row. */
    private float[] minusAbsExp(float[] a) {
        float[] minusAbs = next();
        for (int j = 0; j < width; j++) {
            minusAbs[j] = -Math.abs(a[j]);
        }
        float[] out = next();
        exp(minusAbs, 0, 0, out, 0, width);
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
        float[] o;
        int at;
        if (out == null) {
            if (expSums.length < length) {
                expSums = new float[length];
            }
            o = expSums;
            at = 0;
        } else {
            o = (float[]) out;
            at = offset;
        }
        exp(x, offset, (float) shift, o, at, length);
        double sum = 0;
        for (int j = at; j < at + length; j++) {
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

    // The matrix helpers of LaneMath. A narrow side (a few classes) is walked in the outer loop, so
    // the inner one streams through the long side; square blocks go tile by tile.

    static void mirror(float[] m, int n) {
        for (int i0 = 0; i0 < n; i0 += TILE) {
            for (int j0 = i0; j0 < n; j0 += TILE) {
                for (int i = i0; i < Math.min(i0 + TILE, n); i++) {
                    for (int j = Math.max(j0, i + 1); j < Math.min(j0 + TILE, n); j++) {
                        m[j * n + i] = m[i * n + j];
                    }
                }
            }
        }
    }

    static void transpose(float[] in, int rows, int columns, int inStride, float[] out, int outStride) {
        if (columns <= TILE) {
            for (int c = 0; c < columns; c++) {
                for (int r = 0; r < rows; r++) {
                    out[c * outStride + r] = in[r * inStride + c];
                }
            }
            return;
        }
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            for (int c0 = 0; c0 < columns; c0 += TILE) {
                for (int r = r0; r < Math.min(r0 + TILE, rows); r++) {
                    for (int c = c0; c < Math.min(c0 + TILE, columns); c++) {
                        out[c * outStride + r] = in[r * inStride + c];
                    }
                }
            }
        }
    }

    static void addTransposed(float[] t, int r, float[] s, int stride) {
        for (int i0 = 0; i0 < r; i0 += TILE) {
            for (int j0 = 0; j0 < r; j0 += TILE) {
                for (int i = i0; i < Math.min(i0 + TILE, r); i++) {
                    for (int j = j0; j < Math.min(j0 + TILE, r); j++) {
                        s[i * stride + j] += t[j * r + i];
                    }
                }
            }
        }
    }

    static void addTranspose(float[] m, int n) {
        for (int i0 = 0; i0 < n; i0 += TILE) {
            for (int j0 = i0; j0 < n; j0 += TILE) {
                for (int i = i0; i < Math.min(i0 + TILE, n); i++) {
                    for (int j = Math.max(j0, i); j < Math.min(j0 + TILE, n); j++) {
                        float both = m[i * n + j] + m[j * n + i];
                        m[i * n + j] = both;
                        m[j * n + i] = both;
                    }
                }
            }
        }
    }
}
