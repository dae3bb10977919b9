package org.dl4jlosses.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link LaneMath} over the Vector API's preferred vectors (loaded only when its module is present). */
final class VectorMath {
    static final LaneMath<FloatVector> FLOAT = new Floats();
    static final LaneMath<DoubleVector> DOUBLE = new Doubles();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorMath() {
    }


    /** Float32 lanes of the Vector API. */
    static final class Floats extends LaneMath<FloatVector> {
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
            return acc.add(v.blend(0, IOTA.compare(VectorOperators.GE, length - i)));
        }

        @Override
        public double sum(FloatVector v, int length) {
            return v.reduceLanes(VectorOperators.ADD);
        }

        @Override
        public FloatVector keep(FloatVector x, FloatVector m) {
            return x.blend(0, m.compare(VectorOperators.EQ, 0));
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
            return a.blend(1, a.compare(VectorOperators.GT, 0)).blend(-1, a.compare(VectorOperators.LT, 0));
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
    }

    /** Float64 lanes of the Vector API. */
    static final class Doubles extends LaneMath<DoubleVector> {
        private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
        private static final int BYTES = Double.BYTES;
        private static final DoubleVector IOTA = DoubleVector.zero(S).addIndex(1);

        @Override
        public int width(int length) {
            return S.length();
        }

        @Override
        public ByteBuffer rowOf(double[] values) {
            ByteBuffer row = ByteBuffer.allocateDirect(LaneMath.padded(values.length) * Double.BYTES).order(ByteOrder.nativeOrder());
            for (int i = 0; i < values.length; i++) {
                row.putDouble(i * Double.BYTES, (double) values[i]);
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
                target.putDouble((offset + i) * BYTES, 0);
            }
        }

        @Override
        public DoubleVector load(ByteBuffer source, int i) {
            return DoubleVector.fromByteBuffer(S, source, i * BYTES, ORDER);
        }

        @Override
        public DoubleVector loadTail(ByteBuffer source, int i, int end) {
            // Masked memory access is slow in JDK 17: the tail is copied.
            double[] lanes = new double[S.length()];
            for (int j = 0; j < end - i; j++) {
                lanes[j] = source.getDouble((i + j) * BYTES);
            }
            return DoubleVector.fromArray(S, lanes, 0);
        }

        @Override
        public void store(DoubleVector v, ByteBuffer target, int i) {
            v.intoByteBuffer(target, i * BYTES, ORDER);
        }

        @Override
        public void storeTail(DoubleVector v, ByteBuffer target, int i, int end) {
            double[] lanes = new double[S.length()];
            v.intoArray(lanes, 0);
            for (int j = 0; j < end - i; j++) {
                target.putDouble((i + j) * BYTES, lanes[j]);
            }
        }

        @Override
        public DoubleVector of(double c) {
            return DoubleVector.broadcast(S, (double) c);
        }

        @Override
        public DoubleVector addLanes(DoubleVector acc, DoubleVector v, int i, int length) {
            return acc.add(v.blend(0, IOTA.compare(VectorOperators.GE, length - i)));
        }

        @Override
        public double sum(DoubleVector v, int length) {
            return v.reduceLanes(VectorOperators.ADD);
        }

        @Override
        public DoubleVector keep(DoubleVector x, DoubleVector m) {
            return x.blend(0, m.compare(VectorOperators.EQ, 0));
        }

        @Override
        public DoubleVector add(DoubleVector a, DoubleVector b) {
            return a.add(b);
        }

        @Override
        public DoubleVector sub(DoubleVector a, DoubleVector b) {
            return a.sub(b);
        }

        @Override
        public DoubleVector mul(DoubleVector a, DoubleVector b) {
            return a.mul(b);
        }

        @Override
        public DoubleVector div(DoubleVector a, DoubleVector b) {
            return a.div(b);
        }

        @Override
        public DoubleVector fma(DoubleVector a, DoubleVector b, DoubleVector c) {
            return a.fma(b, c);
        }

        @Override
        public DoubleVector neg(DoubleVector a) {
            return a.neg();
        }

        @Override
        public DoubleVector abs(DoubleVector a) {
            return a.abs();
        }

        @Override
        public DoubleVector min(DoubleVector a, DoubleVector b) {
            return a.min(b);
        }

        @Override
        public DoubleVector max(DoubleVector a, DoubleVector b) {
            return a.max(b);
        }

        @Override
        public DoubleVector signum(DoubleVector a) {
            // The blend keeps a itself where it is 0 or NaN.
            return a.blend(1, a.compare(VectorOperators.GT, 0)).blend(-1, a.compare(VectorOperators.LT, 0));
        }

        @Override
        public DoubleVector exp(DoubleVector a) {
            return a.lanewise(VectorOperators.EXP);
        }

        @Override
        public DoubleVector log(DoubleVector a) {
            return a.lanewise(VectorOperators.LOG);
        }

        @Override
        public DoubleVector log1p(DoubleVector a) {
            return a.lanewise(VectorOperators.LOG1P);
        }

        @Override
        public DoubleVector expm1(DoubleVector a) {
            return a.lanewise(VectorOperators.EXPM1);
        }

        @Override
        public DoubleVector sqrt(DoubleVector a) {
            return a.sqrt();
        }
    }
}
