package org.dl4jlosses.internal;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a {@link FloatKernel} over a float32 batch, row by row, straight from and to ND4J's
 * memory: each row is copied into a small per-thread array (it stays in the L1 cache while the
 * kernel makes its passes), and its gradient row is written into the result array. So the batch
 * is read once and the gradient written once, with no full-size temporary.
 *
 * <p>Batches from {@link FloatKernel#parallelFrom} elements on are split into row ranges over the
 * calling thread and the {@link Workers}: PyTorch's CPU kernels use the cores too.
 *
 * <p>Label checks happen here, per row, for the label kinds that can be checked row by row
 * (finite real values, values in [0, 1], class indices, one-hot rows, and -1/0/1 values, where
 * the rows together must be all +-1 or all 0/1). When a check fails this returns null and the
 * op path runs, which reports the labels with its full message. As on the op path, rows a row
 * mask excludes are only checked to be finite.
 */
final class KernelPath {
    private static final ThreadLocal<FloatRow> ROWS = ThreadLocal.withInitial(FloatRow::new);
    /** {@code checkRow}'s answer for a row outside the label kind's domain. */
    private static final int BAD = -2;
    private static final ThreadLocal<float[]> LOSSES = ThreadLocal.withInitial(() -> new float[0]);

    private KernelPath() {
    }

    /** A kernel's result: per-row losses (mask applied), their total, and the gradient array. */
    static final class Result {
        final float[] losses;
        final int rows;
        final double total;
        final INDArray gradient;

        Result(float[] losses, int rows, double total, INDArray gradient) {
            this.losses = losses;
            this.rows = rows;
            this.total = total;
            this.gradient = gradient;
        }

        INDArray scoreArray() {
            INDArray out = Nd4j.createUninitialized(DataType.FLOAT, rows, 1);
            try (HostArrays host = new HostArrays()) {
                host.floats(out).put(0, losses, 0, rows);
            }
            return out;
        }
    }

    /** Whether the base can check these labels row by row (the kernels' labels: one class per row). */
    static boolean checksRows(LabelKind kind) {
        return kind == LabelKind.ONE_CLASS;
    }

    /** Runs the kernel, or returns null when the op path must run (labels or preOutput outside their domain). */
    static Result run(FloatKernel kernel, LabelKind kind, INDArray labels, INDArray z, INDArray mask,
                      Batch.Shapes shapes, boolean score, boolean gradient) {
        int rows = (int) z.size(0);
        int columns = (int) z.size(1);
        try (HostArrays host = new HostArrays()) {
            Call call = new Call(host, kernel, kind, z, labels, mask, shapes);
            INDArray grad = gradient ? Nd4j.createUninitialized(DataType.FLOAT, rows, columns) : null;
            ByteBuffer gradBytes = grad == null ? null : host.bytes(grad);
            FloatBuffer gradBuffer = grad == null ? null : gradBytes.asFloatBuffer();
            float[] losses = LOSSES.get();
            if (score && losses.length < rows) {
                losses = new float[rows];
                LOSSES.set(losses);
            }
            float[] lossOut = score ? losses : null;

            Workers.Range range = (from, to) -> call.rows(from, to, lossOut, gradBuffer);
            int chunks = splits(kernel, rows, columns);
            double total = chunks == 1 ? range.run(0, rows) : Workers.run(range, rows, chunks);
            return call.rejected ? null : new Result(losses, rows, total, grad);
        }
    }

    /** Over how many threads a batch of this size runs: more than one from the kernel's {@link FloatKernel#parallelFrom}. */
    static int splits(FloatKernel kernel, int rows, int columns) {
        return (long) rows * columns >= kernel.parallelFrom() ? Math.min(Workers.threads(), rows) : 1;
    }

    /** One call's inputs, shared read-only by the threads working on its row ranges. */
    private static final class Call {
        final FloatKernel kernel;
        final LabelKind kind;
        final int columns;
        final FloatBuffer z;
        final FloatBuffer labels;
        final int labelColumns;
        final boolean indices;
        final FloatBuffer rowMask;
        final FloatBuffer elementMask;
        volatile boolean rejected;

        Call(HostArrays host, FloatKernel kernel, LabelKind kind, INDArray z, INDArray labels, INDArray mask,
             Batch.Shapes shapes) {
            this.kernel = kernel;
            this.kind = kind;
            this.columns = (int) z.size(1);
            this.labelColumns = (int) labels.size(1);
            this.indices = shapes.indexLabels;
            this.z = host.floats(z);
            this.labels = host.floats(labels);
            this.rowMask = shapes.mask == Batch.MaskShape.ROW ? host.floats(mask) : null;
            this.elementMask = shapes.mask == Batch.MaskShape.ELEMENT ? host.floats(mask) : null;
        }

        /** Rows [from, to): losses into {@code losses}, gradient rows into {@code gradient}; returns their total, NaN on bad labels. */
        double rows(int from, int to, float[] losses, FloatBuffer gradient) {
            FloatRow row = ROWS.get();
            row.size(columns, labelColumns);
            int k = columns;
            float[] labelRow = row.labelBuffer;
            double total = 0;
            for (int r = from; r < to; r++) {
                float m = rowMask == null ? 1 : rowMask.get(r);
                labels.get(r * labelColumns, labelRow, 0, labelColumns);
                if (m == 0) {
                    // A masked row must still be finite; when it is not, the op path decides what that gives.
                    z.get(r * k, row.zBuffer, 0, k);
                    if (Lanes.notFinite(labelRow, 0, labelColumns) || Lanes.notFinite(row.zBuffer, 0, k)) {
                        return fail();
                    }
                    if (losses != null) {
                        losses[r] = 0;
                    }
                    if (gradient != null) {
                        Arrays.fill(row.gradientBuffer, 0, k, 0f);
                        gradient.put(r * k, row.gradientBuffer, 0, k);
                    }
                    continue;
                }
                if (indices) {
                    float v = labelRow[0];
                    if (!(v >= 0 && v < k && v == Math.rint(v))) {
                        return fail();
                    }
                    row.target = (int) v;
                    row.labels = null;
                }
                z.get(r * k, row.zBuffer, 0, k);
                if (!kernel.accepts(row)) {
                    return fail();
                }
                if (elementMask != null) {
                    elementMask.get(r * k, row.maskBuffer, 0, k);
                    row.elementMask = row.maskBuffer;
                } else {
                    row.elementMask = null;
                }
                if (!indices) {
                    row.target = checkRow(labelRow);
                    if (row.target == BAD) {
                        return fail();
                    }
                    row.labels = labelRow;
                }
                row.gradient = gradient == null ? null : row.gradientBuffer;
                row.wantLoss = losses != null;
                double loss = kernel.loss(row) * m;
                total += loss;
                if (losses != null) {
                    losses[r] = (float) loss;
                }
                if (gradient != null) {
                    if (m != 1) {
                        float[] g = row.gradientBuffer;
                        for (int c = 0; c < k; c++) {
                            g[c] *= m;
                        }
                    }
                    gradient.put(r * k, row.gradientBuffer, 0, k);
                }
            }
            return total;
        }

        /** The dense label row's class (ONE_CLASS labels), or BAD when the row is not one-hot. */
        private int checkRow(float[] labelRow) {
            int target = Lanes.oneHotIndex(labelRow, 0, labelColumns);
            return target < 0 ? BAD : target;
        }

        private double fail() {
            rejected = true;
            return Double.NaN;
        }
    }
}
