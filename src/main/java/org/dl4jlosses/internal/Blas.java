package org.dl4jlosses.internal;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products of row-major float arrays through ND4J's BLAS, for {@link CoupledKernel}s: the
 * operands are copied into per-thread native buffers that live across calls (a fresh native
 * allocation per product would cost more than the product), multiplied by one {@code gemm}, and
 * the product copied back.
 */
public final class Blas {
    private static final ThreadLocal<INDArray[]> BUFFERS = ThreadLocal.withInitial(() -> new INDArray[3]);

    private Blas() {
    }

    /**
     * {@code c = op(a) op(b)}, with {@code op(x) = x} or its transpose; {@code a} is stored as
     * {@code aRows x aColumns} and {@code b} as {@code bRows x bColumns}, both row-major, and
     * {@code c} receives the {@code m x n} product row-major. {@code a} and {@code b} may be the
     * same array.
     */
    public static void multiply(float[] a, int aRows, int aColumns, boolean transposeA,
                                float[] b, int bRows, int bColumns, boolean transposeB, float[] c) {
        int m = transposeA ? aColumns : aRows;
        int k = transposeA ? aRows : aColumns;
        int n = transposeB ? bRows : bColumns;
        int kb = transposeB ? bColumns : bRows;
        if (k != kb) {
            throw new IllegalArgumentException("inner dimensions differ: " + k + " and " + kb);
        }
        INDArray left = load(0, a, aRows, aColumns);
        INDArray right = b == a && aRows == bRows && aColumns == bColumns ? left : load(1, b, bRows, bColumns);
        INDArray product = buffer(2, m, n);
        Nd4j.gemm(left, right, product, transposeA, transposeB, 1.0, 0.0);
        raw(2).get(0, c, 0, m * n);
    }

    private static INDArray load(int slot, float[] values, int rows, int columns) {
        INDArray x = buffer(slot, rows, columns);
        raw(slot).put(0, values, 0, rows * columns);
        return x;
    }

    private static FloatBuffer raw(int slot) {
        return BUFFERS.get()[slot].data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** A [rows, columns] view of the per-thread buffer {@code slot}, grown as needed, outside any workspace. */
    private static INDArray buffer(int slot, int rows, int columns) {
        INDArray[] buffers = BUFFERS.get();
        long length = (long) rows * columns;
        if (buffers[slot] == null || buffers[slot].length() < length) {
            try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                buffers[slot] = Nd4j.createUninitialized(DataType.FLOAT, Math.max(length, 1));
            }
        }
        return Nd4j.create(buffers[slot].data(), new long[] {rows, columns}, new long[] {columns, 1}, 0, 'c',
                DataType.FLOAT);
    }
}
