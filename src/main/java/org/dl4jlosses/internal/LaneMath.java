package org.dl4jlosses.internal;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The arithmetic a loss formula is written in: operations on a group of lanes {@code V} of one row,
 * so that one formula serves float32 and float64, with the Vector API or without it.
 *
 * <p>A formula's loop walks a row in steps of {@link #width}, loading lanes from the batch's
 * native buffers (and small ones of its own, padded to whole vectors), combining them and
 * storing the result; the last, partial step uses the {@code Tail} forms. Four implementations exist:
 * {@code FloatVector} and {@code DoubleVector} lanes of the Vector API (one vector per step), and
 * plain Java over whole rows ({@code float[]} or {@code double[]}: one step per row, each
 * operation a loop that C2 vectorises where it can).
 *
 * <p>A formula generic in {@code V} is fast only when C2 sees one implementation at its call
 * sites; {@link Specialized} gives each precision its own copy of the formula's class.
 *
 * @param <V> one group of lanes
 */
public abstract class LaneMath<V> {
    /** Padding of every row, in elements: a whole 512-bit vector of float32. */
    public static final int PAD = 16;

    /**
     * Whether the Vector API's module is present in the form these lanes are written for, and not
     * switched off ({@code -Ddl4jlosses.vector=false}).
     */
    public static final boolean VECTOR = vectorApiOfJdk17() && !"false".equals(System.getProperty("dl4jlosses.vector"));

    /**
     * Whether this is JDK 17 or 18 with the Vector API's module: the vector lanes are compiled for
     * Java 17, and JDK 19 replaced the {@code fromByteBuffer} and {@code intoByteBuffer} they use by
     * memory segments. Elsewhere the plain-Java lanes run.
     */
    private static boolean vectorApiOfJdk17() {
        if (Runtime.version().feature() < 17 || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            Class.forName("jdk.incubator.vector.FloatVector").getMethod("fromByteBuffer",
                    Class.forName("jdk.incubator.vector.VectorSpecies"), ByteBuffer.class, int.class, java.nio.ByteOrder.class);
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** {@code length} ones. */
    static double[] ones(int length) {
        double[] ones = new double[length];
        java.util.Arrays.fill(ones, 1);
        return ones;
    }

    /** {@code length} rounded up to whole {@link #PAD}s: a row of that length takes a whole vector at any step. */
    public static int padded(int length) {
        return (length + PAD - 1) / PAD * PAD;
    }

    /** Tests set this to run the formulas over the plain-Java lanes in a JVM that has the Vector API. */
    static volatile boolean portableOnly;

    /** The lanes for a batch of this data type (FLOAT or DOUBLE), for the calling thread. */
    static LaneMath<?> of(DataType type) {
        boolean single = type == DataType.FLOAT;
        if (VECTOR && !portableOnly) {
            return VectorLanes.LANES[single ? 0 : 1];
        }
        return (single ? ArrayMath.FLOATS : ArrayMath.DOUBLES).get();
    }

    /**
     * The Vector API's lanes, float32 and float64. Their classes are compiled for Java 17 (the rest
     * of the library for Java 11), so they are reached by name, and only once {@link #VECTOR} says
     * the module is there.
     */
    private static final class VectorLanes {
        static final LaneMath<?>[] LANES = {instance("FloatVectorMath"), instance("DoubleVectorMath")};

        private static LaneMath<?> instance(String name) {
            try {
                return (LaneMath<?>) Class.forName(LaneMath.class.getPackageName() + "." + name).getDeclaredField("INSTANCE")
                        .get(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the Vector API lanes " + name + " are missing from the library", e);
            }
        }
    }

    /** The precision of these lanes: FLOAT or DOUBLE. */
    public final DataType dataType() {
        return minPositive() == Float.MIN_VALUE ? DataType.FLOAT : DataType.DOUBLE;
    }

    /** How many elements one step covers in a row of {@code length} elements. */
    public abstract int width(int length);

    /** Starts a row: the plain-Java lanes reuse their temporaries from here on. */
    public void begin(int length) {
    }

    /** {@code values} as a buffer of native order, padded with zeros to whole vectors. */
    public abstract ByteBuffer rowOf(double[] values);

    /** A buffer of ones to load from element 0 (one step's worth). */
    public abstract ByteBuffer ones();

    /** Sets {@code length} elements of {@code target} (native order, from element {@code offset}) to 0. */
    public abstract void clear(ByteBuffer target, int offset, int length);

    /**
     * The lanes from element {@code i} of {@code source} (native order). Sources are always
     * buffers: a choice of source type inside this method would be a choice between vectors for
     * every formula that inlines it (see {@link ElementRows}).
     */
    public abstract V load(ByteBuffer source, int i);

    /** The lanes from element {@code i} of {@code source} up to element {@code end} (exclusive), 0 past it. */
    public abstract V loadTail(ByteBuffer source, int i, int end);

    /** Writes {@code v} to {@code target} (native order) from element {@code i}. */
    public abstract void store(V v, ByteBuffer target, int i);

    /** Writes the lanes of {@code v} for elements {@code i} to {@code end} (exclusive) only. */
    public abstract void storeTail(V v, ByteBuffer target, int i, int end);

    /** The smallest positive value of this precision ({@code Float.MIN_VALUE} or {@code Double.MIN_VALUE}). */
    public abstract double minPositive();

    /** {@code c} in every lane. */
    public abstract V of(double c);

    /** {@code acc + v}, counting only the lanes of elements before {@code length} (v's first is element i). */
    public abstract V addLanes(V acc, V v, int i, int length);

    /** The sum of the lanes of {@code v} (of the first {@code length} elements for whole rows). */
    public abstract double sum(V v, int length);

    /** {@code x} where {@code m != 0}, else 0 (NaN in x included). */
    public abstract V keep(V x, V m);

    public abstract V add(V a, V b);

    public abstract V sub(V a, V b);

    public abstract V mul(V a, V b);

    public abstract V div(V a, V b);

    /** {@code a * b + c}. */
    public abstract V fma(V a, V b, V c);

    public abstract V neg(V a);

    public abstract V abs(V a);

    public abstract V min(V a, V b);

    public abstract V max(V a, V b);

    /** {@code +1}, {@code -1}, 0 at 0 and NaN at NaN, as {@link Math#signum(double)}. */
    public abstract V signum(V a);

    public abstract V exp(V a);

    public abstract V log(V a);

    /** {@code log(1 + a)}, exact near 0. */
    public abstract V log1p(V a);

    /** {@code exp(a) - 1}, exact near 0. */
    public abstract V expm1(V a);

    public abstract V sqrt(V a);

    /** {@code a^b} lane-wise, as {@link Math#pow} ({@code 0^0 = 1}). */
    public abstract V pow(V a, double b);

    /** {@code yes} where {@code test >= 0}, {@code no} elsewhere (NaN included). */
    public abstract V whereNonNegative(V test, V yes, V no);

    // Composite primitives are written per implementation, not once here from the operations above:
    // a method of this class is shared by every precision, and once C2 has compiled it on its own
    // (with every precision's types) it no longer inlines it into a formula, whose vectors then go
    // to the heap (a focal loss ran 4x slower).

    /** {@code log(1 + exp(a))}, exact for any {@code a}: {@code max(a, 0) + log1p(exp(-|a|))}. */
    public abstract V softplus(V a);

    /** {@code 1 / (1 + exp(-a))}, exact for any {@code a}: the exponential taken, {@code exp(-|a|)}, is never above 1. */
    public abstract V sigmoid(V a);

    /** 0 where {@code y} is in [0, 1], NaN elsewhere (NaN and infinities included): {@code 0 sqrt(y (1 - y))}. */
    public abstract V nanOutsideUnit(V y);

    /** The value of lane 0. */
    public abstract double first(V v);

    // Rows on the heap: a row formula copies its row in and works on it in several passes (the
    // Vector API's loads from heap arrays are faster than from native buffers in JDK 17, by a
    // fifth on a softmax row). A row is a float[] or double[] of the lanes' precision, padded to
    // whole vectors, so a step may read and write past the row's end; sums leave those lanes out.

    /** A row of {@code length} elements, padded to whole vectors. */
    public abstract Object row(int length);

    /** {@code bytes} as a buffer of this precision's elements ({@code FloatBuffer} or {@code DoubleBuffer}), to copy rows with. */
    public abstract Buffer view(ByteBuffer bytes);

    /**
     * Copies {@code length} elements of {@code source} (a {@link #view}) from element {@code offset}
     * into {@code row}. Moves the view's position: a view serves one thread.
     */
    public final void copy(Buffer source, int offset, Object row, int length) {
        if (row instanceof float[]) {
            ((FloatBuffer) source).position(offset).get((float[]) row, 0, length);
        } else {
            ((DoubleBuffer) source).position(offset).get((double[]) row, 0, length);
        }
    }

    /** Copies the first {@code length} elements of {@code row} into {@code target} (a {@link #view}) from element {@code offset}. */
    public final void copy(Object row, Buffer target, int offset, int length) {
        if (row instanceof float[]) {
            ((FloatBuffer) target).position(offset).put((float[]) row, 0, length);
        } else {
            ((DoubleBuffer) target).position(offset).put((double[]) row, 0, length);
        }
    }

    /** The lanes of {@code row} from element {@code i} (past the row's end: what the padding holds). */
    public abstract V loadRow(Object row, int i);

    /** Writes {@code v} into {@code row} from element {@code i}. */
    public abstract void storeRow(V v, Object row, int i);

    /** Element {@code i} of {@code row}. */
    public abstract double get(Object row, int i);

    /** Sets element {@code i} of {@code row}. */
    public abstract void set(Object row, int i, double value);

    /** Element {@code i} of {@code source}. */
    public abstract double get(ByteBuffer source, int i);

    /** The largest of {@code length} elements of {@code row} from {@code offset}, NaN if one is NaN. */
    public abstract double max(Object row, int offset, int length);

    /**
     * {@code sum_i exp(x_i - shift)} over {@code length} elements of {@code x} from {@code offset},
     * each {@code exp(x_i - shift)} also written to {@code out} (at the same index) when it is not null.
     */
    public abstract double expSum(Object x, int offset, int length, double shift, Object out);

    // Flat arrays: the primitives below take an offset into a row-major array of rows (or any
    // array of the lanes' precision) and touch only the elements they name.

    /** Multiplies {@code length} elements of {@code row} from {@code offset} by {@code factor}, in place. */
    public abstract void scale(Object row, int offset, int length, double factor);

    /** {@code sum_i a[aOffset + i] b[bOffset + i]} over {@code length} elements. */
    public abstract double dot(Object a, int aOffset, Object b, int bOffset, int length);

    /** {@code y[yOffset + i] += alpha x[xOffset + i]} over {@code length} elements. */
    public abstract void axpy(double alpha, Object x, int xOffset, Object y, int yOffset, int length);

    /** {@code x <- factor x + shift} over {@code length} elements from {@code offset}; with factor 0, {@code x <- shift} whatever x held. */
    public abstract void linear(Object x, int offset, int length, double factor, double shift);

    /** {@code x <- factor x / d} where {@code d > 0}, 0 elsewhere, over the first {@code length} elements. */
    public abstract void divideWherePositive(Object x, Object d, int length, double factor);

    /**
     * Turns the Gram matrix {@code g = X X^T} [n, n] (row-major) of n rows into their squared
     * distances {@code max(g_ii + g_jj - 2 g_ij, 0)}, or with {@code root} their distances, in
     * place. The squared norms are g's own diagonal, so two rows that the product rounds alike are
     * at distance exactly 0; the result is exactly symmetric (the upper triangle is mirrored), so
     * a mining of (i, j) and of (j, i) agree.
     */
    public abstract void distancesFromGram(Object gram, int n, boolean root);

    /** {@code y[yOffset + i] += alpha (a[aOffset + i] - b[bOffset + i] + shift)} over {@code length} elements. */
    public abstract void axpyDifference(double alpha, Object a, int aOffset, Object b, int bOffset, double shift, Object y,
                                        int yOffset, int length);

    /**
     * The Euclidean norm of {@code length} elements of {@code a} from {@code offset}; where the sum
     * of squares overflows, it is taken again over the elements divided by the largest.
     */
    public final double norm(Object a, int offset, int length) {
        double squares = dot(a, offset, a, offset, length);
        if (squares <= (dataType() == DataType.FLOAT ? Float.MAX_VALUE : Double.MAX_VALUE)) {
            return Math.sqrt(squares);
        }
        double scale = 0;
        for (int i = 0; i < length; i++) {
            scale = Math.max(scale, Math.abs(get(a, offset + i)));
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            return Math.sqrt(squares);
        }
        double sum = 0;
        for (int i = 0; i < length; i++) {
            double v = get(a, offset + i) / scale;
            sum += v * v;
        }
        return scale * Math.sqrt(sum);
    }

    /** Rows whose norm is below this are scaled by its inverse, not normalised ({@code F.normalize}'s eps). */
    public static final double NORM_EPS = 1e-12;

    /**
     * {@code rows} rows of {@code columns} elements of {@code a} from {@code aOffset}, each divided by
     * {@code max(|a_r|, 1e-12)} (as {@code F.normalize}, so a zero row stays finite), into
     * {@code out} from {@code outOffset}; each row's norm into {@code norms} (from 0).
     */
    public final void unitRows(Object a, int aOffset, Object out, int outOffset, int rows, int columns, double[] norms) {
        System.arraycopy(a, aOffset, out, outOffset, rows * columns);
        for (int r = 0; r < rows; r++) {
            norms[r] = norm(a, aOffset + r * columns, columns);
            scale(out, outOffset + r * columns, columns, 1 / Math.max(norms[r], NORM_EPS));
        }
    }

    /**
     * The backward pass of {@link #unitRows}, in place: given the gradient g with respect to the unit
     * rows u (from {@code offset} in both), {@code g <- (g - u (u . g)) / |a|}; a row whose norm was
     * below 1e-12 was scaled, not normalised, so its map is linear: {@code g / 1e-12}.
     */
    public final void unitRowsBackward(Object u, Object g, int offset, int rows, int columns, double[] norms) {
        for (int r = 0; r < rows; r++) {
            int at = offset + r * columns;
            if (norms[r] >= NORM_EPS) {
                axpy(-dot(u, at, g, at, columns), u, at, g, at, columns);
            }
            scale(g, at, columns, 1 / Math.max(norms[r], NORM_EPS));
        }
    }

    /** {@code sum_i (a[aOffset + i] - b[bOffset + i] + shift)^2} over {@code length} elements. */
    public abstract double squaredDistance(Object a, int aOffset, Object b, int bOffset, int length, double shift);

    /**
     * What a row of class labels is: the class of a one-hot row (one 1, zeros elsewhere), -1 for
     * another row of values in [0, 1], {@link #OUTSIDE_UNIT} for a row with a value outside [0, 1] or NaN.
     */
    public abstract int labelClass(Object row, int length);

    /** Side of the square tiles in which the matrix helpers walk a matrix (a column walk of a 4 KB-multiple row thrashes the cache). */
    static final int TILE = 32;

    /** Copies the upper triangle of the n x n row-major matrix {@code m} (a float[] or double[]) onto its lower one. */
    public static void mirror(Object m, int n) {
        if (m instanceof float[]) {
            FloatArrayMath.mirror((float[]) m, n);
        } else {
            DoubleArrayMath.mirror((double[]) m, n);
        }
    }

    /**
     * {@code out[c * outStride + r] = in[r * inStride + c]} for the {@code rows x columns} block of
     * {@code in} (float[] or double[]): its transpose, row-major with row stride {@code outStride}.
     */
    public static void transpose(Object in, int rows, int columns, int inStride, Object out, int outStride) {
        if (in instanceof float[]) {
            FloatArrayMath.transpose((float[]) in, rows, columns, inStride, (float[]) out, outStride);
        } else {
            DoubleArrayMath.transpose((double[]) in, rows, columns, inStride, (double[]) out, outStride);
        }
    }

    /** Adds the transpose of {@code t} (r x r) to the leading r x r block of {@code s} (row stride {@code stride}). */
    public static void addTransposed(Object t, int r, Object s, int stride) {
        if (t instanceof float[]) {
            FloatArrayMath.addTransposed((float[]) t, r, (float[]) s, stride);
        } else {
            DoubleArrayMath.addTransposed((double[]) t, r, (double[]) s, stride);
        }
    }

    /** {@code m <- m + m^T} for the n x n row-major matrix {@code m} (a float[] or double[]). */
    public static void addTranspose(Object m, int n) {
        if (m instanceof float[]) {
            FloatArrayMath.addTranspose((float[]) m, n);
        } else {
            DoubleArrayMath.addTranspose((double[]) m, n);
        }
    }

    /** {@link #labelClass}'s answer for a row with a value outside [0, 1] or NaN. */
    public static final int OUTSIDE_UNIT = -2;
}
