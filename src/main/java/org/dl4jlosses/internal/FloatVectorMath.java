package org.dl4jlosses.internal;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link LaneMath} over the Vector API's preferred float32 vectors (loaded only when its module is
 * present). The build writes its float64 twin, {@code DoubleVectorMath}, from this file by replacing
 * {@code float} with {@code double} (pom.xml, {@code precision-twins}): edit this file only.
 */
@SuppressWarnings("cast") // in the float64 twin, the casts to double are redundant
final class FloatVectorMath extends LaneMath<FloatVector> {
    static final FloatVectorMath INSTANCE = new FloatVectorMath();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    @Override
    public double minPositive() {
        return Float.MIN_VALUE;
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int BYTES = Float.BYTES;
    private static final FloatVector IOTA = FloatVector.zero(S).addIndex(1);
    
    @Override
    public int width(int length) {
        return S.length();
    }

    @Override
    public ByteBuffer rowOf(double[] values) {
        ByteBuffer row = ByteBuffer.allocateDirect(LaneMath.padded(values.length) * Float.BYTES).order(ByteOrder.nativeOrder());
        for (int i = 0; i < values.length; i++) {
            row.putFloat(i * Float.BYTES, (float) values[i]);
        }
        return row;
    }

    private final ByteBuffer ones = rowOf(ones(LaneMath.PAD));

    @Override
    public ByteBuffer ones() {
        return ones;
    }

    @Override
    public void clear(ByteBuffer target, int offset, int length) {
        for (int i = 0; i < length; i++) {
            target.putFloat((offset + i) * BYTES, 0);
        }
    }

    @Override
    public FloatVector load(ByteBuffer source, int i) {
        return FloatVector.fromByteBuffer(S, source, i * BYTES, ORDER);
    }

    @Override
    public FloatVector loadTail(ByteBuffer source, int i, int end) {
        // Masked memory access is slow in JDK 17: the tail is copied.
        float[] lanes = new float[S.length()];
        for (int j = 0; j < end - i; j++) {
            lanes[j] = source.getFloat((i + j) * BYTES);
        }
        return FloatVector.fromArray(S, lanes, 0);
    }

    @Override
    public void store(FloatVector v, ByteBuffer target, int i) {
        v.intoByteBuffer(target, i * BYTES, ORDER);
    }

    @Override
    public void storeTail(FloatVector v, ByteBuffer target, int i, int end) {
        float[] lanes = new float[S.length()];
        v.intoArray(lanes, 0);
        for (int j = 0; j < end - i; j++) {
            target.putFloat((i + j) * BYTES, lanes[j]);
        }
    }

    @Override
    public FloatVector of(double c) {
        return FloatVector.broadcast(S, (float) c);
    }

    @Override
    public FloatVector addLanes(FloatVector acc, FloatVector v, int i, int length) {
        return acc.add(v.blend(0f, IOTA.compare(VectorOperators.GE, length - i)));
    }

    @Override
    public double sum(FloatVector v, int length) {
        return v.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public FloatVector keep(FloatVector x, FloatVector m) {
        return x.blend(0f, m.compare(VectorOperators.EQ, 0f));
    }

    @Override
    public FloatVector add(FloatVector a, FloatVector b) {
        return a.add(b);
    }

    @Override
    public FloatVector sub(FloatVector a, FloatVector b) {
        return a.sub(b);
    }

    @Override
    public FloatVector mul(FloatVector a, FloatVector b) {
        return a.mul(b);
    }

    @Override
    public FloatVector div(FloatVector a, FloatVector b) {
        return a.div(b);
    }

    @Override
    public FloatVector fma(FloatVector a, FloatVector b, FloatVector c) {
        return a.fma(b, c);
    }

    @Override
    public FloatVector neg(FloatVector a) {
        return a.neg();
    }

    @Override
    public FloatVector abs(FloatVector a) {
        return a.abs();
    }

    @Override
    public FloatVector min(FloatVector a, FloatVector b) {
        return a.min(b);
    }

    @Override
    public FloatVector max(FloatVector a, FloatVector b) {
        return a.max(b);
    }

    @Override
    public FloatVector signum(FloatVector a) {
        // The blend keeps a itself where it is 0 or NaN.
        return a.blend(1f, a.compare(VectorOperators.GT, 0f)).blend(-1f, a.compare(VectorOperators.LT, 0f));
    }

    @Override
    public FloatVector exp(FloatVector a) {
        return a.lanewise(VectorOperators.EXP);
    }

    @Override
    public FloatVector log(FloatVector a) {
        return a.lanewise(VectorOperators.LOG);
    }

    @Override
    public FloatVector log1p(FloatVector a) {
        return a.lanewise(VectorOperators.LOG1P);
    }

    @Override
    public FloatVector expm1(FloatVector a) {
        return a.lanewise(VectorOperators.EXPM1);
    }

    @Override
    public FloatVector sqrt(FloatVector a) {
        return a.sqrt();
    }

    @Override
    public FloatVector pow(FloatVector a, double b) {
        return a.lanewise(VectorOperators.POW, (float) b);
    }

    @Override
    public FloatVector whereNonNegative(FloatVector test, FloatVector yes, FloatVector no) {
        return no.blend(yes, test.compare(VectorOperators.GE, 0f));
    }

    @Override
    public FloatVector softplus(FloatVector a) {
        return a.max(0).add(a.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P));
    }

    @Override
    public FloatVector sigmoid(FloatVector a) {
        FloatVector t = a.abs().neg().lanewise(VectorOperators.EXP);
        return t.blend(1f, a.compare(VectorOperators.GE, 0f)).div(t.add(1));
    }

    @Override
    public FloatVector nanOutsideUnit(FloatVector y) {
        // sqrt(y - y^2) - itself: 0 for y in [0, 1], NaN elsewhere, with no constant to broadcast.
        FloatVector root = y.neg().lanewise(VectorOperators.FMA, y, y).sqrt();
        return root.sub(root);
    }

    @Override
    public double first(FloatVector v) {
        return v.lane(0);
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
    public FloatVector loadRow(Object row, int i) {
        return FloatVector.fromArray(S, (float[]) row, i);
    }

    @Override
    public void storeRow(FloatVector v, Object row, int i) {
        v.intoArray((float[]) row, i);
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
        return source.getFloat(i * BYTES);
    }

    @Override
    public double max(Object row, int offset, int length) {
        float[] x = (float[]) row;
        int whole = S.loopBound(length);
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < whole; i += S.length()) {
            acc = acc.max(FloatVector.fromArray(S, x, offset + i));
        }
        float max = acc.reduceLanes(VectorOperators.MAX);
        for (int i = whole; i < length; i++) {
            max = Math.max(max, x[offset + i]);
        }
        return max;
    }

    @Override
    public double expSum(Object row, int offset, int length, double shift, Object out) {
        float[] x = (float[]) row;
        int whole = S.loopBound(length);
        FloatVector s = of(shift);
        FloatVector acc = FloatVector.zero(S);
        if (out == null) {
            for (int i = 0; i < whole; i += S.length()) {
                acc = acc.add(FloatVector.fromArray(S, x, offset + i).sub(s).lanewise(VectorOperators.EXP));
            }
        } else {
            float[] o = (float[]) out;
            for (int i = 0; i < whole; i += S.length()) {
                FloatVector e = FloatVector.fromArray(S, x, offset + i).sub(s).lanewise(VectorOperators.EXP);
                e.intoArray(o, offset + i);
                acc = acc.add(e);
            }
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (int i = offset + whole; i < offset + length; i++) {
            float e = (float) Math.exp(x[i] - (float) shift);
            if (out != null) {
                ((float[]) out)[i] = e;
            }
            sum += e;
        }
        return sum;
    }


    @Override
    public void scale(Object row, int offset, int length, double factor) {
        float[] x = (float[]) row;
        FloatVector f = of(factor);
        int whole = S.loopBound(length);
        for (int j = 0; j < whole; j += S.length()) {
            FloatVector.fromArray(S, x, offset + j).mul(f).intoArray(x, offset + j);
        }
        for (int j = offset + whole; j < offset + length; j++) {
            x[j] *= (float) factor;
        }
    }

    @Override
    public double dot(Object a, int aOffset, Object b, int bOffset, int length) {
        float[] u = (float[]) a;
        float[] v = (float[]) b;
        int whole = S.loopBound(length);
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < whole; j += S.length()) {
            acc = FloatVector.fromArray(S, u, aOffset + j).fma(FloatVector.fromArray(S, v, bOffset + j), acc);
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (int j = whole; j < length; j++) {
            sum += u[aOffset + j] * v[bOffset + j];
        }
        return sum;
    }

    @Override
    public void axpy(double alpha, Object x, int xOffset, Object y, int yOffset, int length) {
        float[] u = (float[]) x;
        float[] v = (float[]) y;
        FloatVector a = of(alpha);
        int whole = S.loopBound(length);
        for (int j = 0; j < whole; j += S.length()) {
            FloatVector.fromArray(S, u, xOffset + j).fma(a, FloatVector.fromArray(S, v, yOffset + j)).intoArray(v, yOffset + j);
        }
        for (int j = whole; j < length; j++) {
            v[yOffset + j] += (float) alpha * u[xOffset + j];
        }
    }

    @Override
    public void linear(Object x, int offset, int length, double factor, double shift) {
        float[] v = (float[]) x;
        if (factor == 0) {
            java.util.Arrays.fill(v, offset, offset + length, (float) shift);
            return;
        }
        FloatVector f = of(factor);
        FloatVector s = of(shift);
        int whole = S.loopBound(length);
        for (int j = 0; j < whole; j += S.length()) {
            FloatVector.fromArray(S, v, offset + j).fma(f, s).intoArray(v, offset + j);
        }
        for (int j = offset + whole; j < offset + length; j++) {
            v[j] = (float) factor * v[j] + (float) shift;
        }
    }

    @Override
    public void divideWherePositive(Object x, Object d, int length, double factor) {
        float[] v = (float[]) x;
        float[] w = (float[]) d;
        FloatVector f = of(factor);
        FloatVector zero = FloatVector.zero(S);
        int whole = S.loopBound(length);
        for (int j = 0; j < whole; j += S.length()) {
            FloatVector dj = FloatVector.fromArray(S, w, j);
            FloatVector.fromArray(S, v, j).mul(f).div(dj).blend(zero, dj.compare(VectorOperators.LE, 0)).intoArray(v, j);
        }
        for (int j = whole; j < length; j++) {
            v[j] = w[j] > 0 ? (float) factor * v[j] / w[j] : 0;
        }
    }

    @Override
    public void distancesFromGram(Object gram, int n, boolean root) {
        float[] g = (float[]) gram;
        float[] squares = new float[n];
        for (int i = 0; i < n; i++) {
            squares[i] = g[i * n + i];
        }
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < n; i++) {
            int row = i * n;
            float own = squares[i];
            FloatVector base = of(own);
            int whole = S.loopBound(n);
            for (int j = 0; j < whole; j += S.length()) {
                FloatVector s = FloatVector.fromArray(S, g, row + j).mul(-2).add(FloatVector.fromArray(S, squares, j)).add(base).max(zero);
                (root ? s.lanewise(VectorOperators.SQRT) : s).intoArray(g, row + j);
            }
            for (int j = whole; j < n; j++) {
                float s = Math.max(own + squares[j] - 2 * g[row + j], 0);
                g[row + j] = root ? (float) Math.sqrt(s) : s;
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
        FloatVector f = of(alpha);
        FloatVector s = of(shift);
        int whole = S.loopBound(length);
        for (int j = 0; j < whole; j += S.length()) {
            FloatVector d = FloatVector.fromArray(S, u, aOffset + j).sub(FloatVector.fromArray(S, v, bOffset + j)).add(s);
            d.fma(f, FloatVector.fromArray(S, w, yOffset + j)).intoArray(w, yOffset + j);
        }
        for (int j = whole; j < length; j++) {
            w[yOffset + j] += (float) alpha * (u[aOffset + j] - v[bOffset + j] + (float) shift);
        }
    }

    @Override
    public double squaredDistance(Object a, int aOffset, Object b, int bOffset, int length, double shift) {
        float[] u = (float[]) a;
        float[] v = (float[]) b;
        FloatVector s = of(shift);
        int whole = S.loopBound(length);
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < whole; j += S.length()) {
            FloatVector d = FloatVector.fromArray(S, u, aOffset + j).sub(FloatVector.fromArray(S, v, bOffset + j)).add(s);
            acc = d.fma(d, acc);
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (int j = whole; j < length; j++) {
            float d = u[aOffset + j] - v[bOffset + j] + (float) shift;
            sum += d * d;
        }
        return sum;
    }

    @Override
    public int labelClass(Object row, int length) {
        // One pass that is cheap for one-hot rows (every v (v - 1) zero, NaN shows, and a sum of 1); the
        // position of the 1 is the sum of v times its index. Other rows take a second pass for their range.
        float[] y = (float[]) row;
        int whole = S.loopBound(length);
        FloatVector sum = FloatVector.zero(S);
        FloatVector offSet = FloatVector.zero(S);
        FloatVector where = FloatVector.zero(S);
        for (int i = 0; i < whole; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, y, i);
            sum = sum.add(v);
            offSet = offSet.max(v.fma(v, v.neg()).abs());
            where = v.fma(IOTA.add(i), where);
        }
        double total = sum.reduceLanes(VectorOperators.ADD);
        double worst = offSet.reduceLanes(VectorOperators.MAX);
        double index = where.reduceLanes(VectorOperators.ADD);
        for (int i = whole; i < length; i++) {
            double v = y[i];
            total += v;
            worst = Math.max(worst, Math.abs(v * v - v));
            index += v * i;
        }
        if (worst == 0 && total == 1) {
            return (int) index;
        }
        FloatVector low = FloatVector.zero(S);
        FloatVector high = FloatVector.zero(S);
        for (int i = 0; i < whole; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, y, i);
            low = low.min(v);
            high = high.max(v);
        }
        double min = low.reduceLanes(VectorOperators.MIN);
        double max = high.reduceLanes(VectorOperators.MAX);
        for (int i = whole; i < length; i++) {
            min = Math.min(min, y[i]);
            max = Math.max(max, y[i]);
        }
        return min >= 0 && max <= 1 ? -1 : OUTSIDE_UNIT;
    }
}
