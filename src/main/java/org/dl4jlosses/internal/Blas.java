package org.dl4jlosses.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products of row-major float[] or double[] arrays through ND4J's BLAS ({@code sgemm},
 * {@code dgemm}), for the coupled formulas: the operands are copied into per-thread native
 * buffers that live across calls (a fresh native allocation per product would cost more than the
 * product), multiplied by one {@code gemm}, and the product copied back.
 */
public final class Blas {
    /** Per thread: three float32 buffers, then three float64 ones. */
    private static final ThreadLocal<INDArray[]> BUFFERS = ThreadLocal.withInitial(() -> new INDArray[6]);

    private Blas() {
    }

    /**
     * {@code c = op(a) op(b)}, with {@code op(x) = x} or its transpose; {@code a} is stored as
     * {@code aRows x aColumns} and {@code b} as {@code bRows x bColumns}, both row-major, and
     * {@code c} receives the {@code m x n} product row-major. {@code a} and {@code b} may be the
     * same array; all three are float[] or all double[].
     */
    public static void multiply(Object a, int aRows, int aColumns, boolean transposeA,
                                Object b, int bRows, int bColumns, boolean transposeB, Object c) {
        int m = transposeA ? aColumns : aRows;
        int k = transposeA ? aRows : aColumns;
        int n = transposeB ? bRows : bColumns;
        int kb = transposeB ? bColumns : bRows;
        if (k != kb) {
            throw new IllegalArgumentException("inner dimensions differ: " + k + " and " + kb);
        }
        DataType type = c instanceof float[] ? DataType.FLOAT : DataType.DOUBLE;
        int first = type == DataType.FLOAT ? 0 : 3;
        INDArray left = load(first, type, a, aRows, aColumns);
        INDArray right = b == a && aRows == bRows && aColumns == bColumns ? left : load(first + 1, type, b, bRows, bColumns);
        INDArray product = buffer(first + 2, type, m, n);
        Nd4j.gemm(left, right, product, transposeA, transposeB, 1.0, 0.0);
        ByteBuffer out = raw(first + 2);
        if (type == DataType.FLOAT) {
            out.asFloatBuffer().get((float[]) c, 0, m * n);
        } else {
            out.asDoubleBuffer().get((double[]) c, 0, m * n);
        }
    }

    private static INDArray load(int slot, DataType type, Object values, int rows, int columns) {
        INDArray x = buffer(slot, type, rows, columns);
        if (type == DataType.FLOAT) {
            raw(slot).asFloatBuffer().put((float[]) values, 0, rows * columns);
        } else {
            raw(slot).asDoubleBuffer().put((double[]) values, 0, rows * columns);
        }
        return x;
    }

    private static ByteBuffer raw(int slot) {
        return BUFFERS.get()[slot].data().asNio().order(ByteOrder.nativeOrder());
    }

    /** A [rows, columns] view of the per-thread buffer {@code slot}, grown as needed, outside any workspace. */
    private static INDArray buffer(int slot, DataType type, int rows, int columns) {
        INDArray[] buffers = BUFFERS.get();
        long length = (long) rows * columns;
        if (buffers[slot] == null || buffers[slot].length() < length) {
            try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                buffers[slot] = Nd4j.createUninitialized(type, Math.max(length, 1));
            }
        }
        return Nd4j.create(buffers[slot].data(), new long[] {rows, columns}, new long[] {columns, 1}, 0, 'c', type);
    }
}
