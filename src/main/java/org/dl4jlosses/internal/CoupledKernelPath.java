package org.dl4jlosses.internal;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a {@link CoupledKernel} over a float32 batch: reads the kept rows (the row mask applied as
 * {@link Rows} applies it, with the same checks and messages) and the labels into per-thread
 * arrays, runs the kernel, and puts its per-row losses and gradient rows back in place, zeros for
 * masked rows. The only ND4J work is the result array.
 */
final class CoupledKernelPath {
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[5][0]);
    private static final int VALUES = 0;
    private static final int GRADIENT = 1;
    private static final int LOSSES = 2;
    private static final int ALL_LOSSES = 3;
    private static final int LABELS = 4;

    private CoupledKernelPath() {
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

    /** Runs the kernel, or returns null when the op path must run (an element mask, or labels outside the domain). */
    static Result run(String loss, CoupledKernel kernel, LabelKind kind, Units units, INDArray labels,
                                 INDArray z, INDArray mask, Batch.Shapes shapes, boolean score, boolean gradient) {
        int rows = (int) z.size(0);
        int columns = (int) z.size(1);
        if (shapes.mask == Batch.MaskShape.ELEMENT || (long) rows * Math.max(columns, labels.size(1)) >= Integer.MAX_VALUE) {
            return null;
        }
        try (HostArrays host = new HostArrays()) {
            double[] rowMask = shapes.mask == Batch.MaskShape.ROW ? doubles(host.floats(mask), rows) : null;
            int[] kept = Rows.keptRows(loss, units, Checks.shape(z), rows, rowMask);
            int count = kept == null ? rows : kept.length;
            float[] allLosses = score ? buffer(ALL_LOSSES, rows) : null;
            INDArray grad = gradient ? Nd4j.createUninitialized(DataType.FLOAT, rows, columns) : null;
            if (count == 0) {
                if (score) {
                    Arrays.fill(allLosses, 0, rows, 0f);
                }
                if (gradient) {
                    grad.assign(0);
                }
                return new Result(allLosses, rows, 0, grad);
            }

            FloatRows keptRows = read(host, loss, kind, units, labels, z, kept, count, columns);
            if (keptRows == null) {
                return null;
            }
            float[] losses = score ? buffer(LOSSES, count) : null;
            float[] gradientRows = gradient ? buffer(GRADIENT, count * columns) : null;
            if (!kernel.evaluate(keptRows, losses, gradientRows)) {
                return null;
            }

            double total = 0;
            if (score) {
                if (kept == null) {
                    System.arraycopy(losses, 0, allLosses, 0, rows);
                } else {
                    Arrays.fill(allLosses, 0, rows, 0f);
                    for (int r = 0; r < count; r++) {
                        allLosses[kept[r]] = losses[r];
                    }
                }
                for (int r = 0; r < count; r++) {
                    total += losses[r];
                }
            }
            if (gradient) {
                FloatBuffer out = host.floats(grad);
                if (kept == null) {
                    out.put(0, gradientRows, 0, count * columns);
                } else {
                    grad.assign(0);
                    for (int r = 0; r < count; r++) {
                        out.put(kept[r] * columns, gradientRows, r * columns, columns);
                    }
                }
            }
            return new Result(allLosses, rows, total, grad);
        }
    }

    /** The kept rows as arrays, or null when a masked row's labels are not finite (the op path rejects those too). */
    private static FloatRows read(HostArrays host, String loss, LabelKind kind, Units units, INDArray labels,
                                  INDArray z, int[] kept, int count, int columns) {
        FloatBuffer source = host.floats(z);
        float[] values = gather(source, kept, count, columns, buffer(VALUES, count * columns));
        int tuples = count / units.blocks();
        int labelRows = (int) labels.size(0);
        int labelColumns = (int) labels.size(1);
        switch (kind) {
            case GROUPS: {
                double[] flat = doubles(host.floats(labels), labelRows * labelColumns);
                int[] groups = Rows.denseGroups(loss, flat, labelRows, labelColumns, kept, count);
                return new FloatRows(values, count, columns, tuples, groups, null, null, 0, kept, z.rows());
            }
            case ROW_VALUES: {
                double[] flat = doubles(host.floats(labels), labelRows);
                double[] unitValues = Rows.unitValues(loss, units, flat, kept, tuples);
                return new FloatRows(values, count, columns, tuples, null, unitValues, null, 0, kept, z.rows());
            }
            case UNUSED:
                return new FloatRows(values, count, columns, tuples, null, null, null, 0, kept, z.rows());
            default: {
                FloatBuffer given = host.floats(labels);
                float[] keptLabels = gather(given, kept, count, labelColumns, buffer(LABELS, count * labelColumns));
                if (kept != null && !maskedLabelsFinite(given, kept, labelRows, labelColumns)) {
                    return null;
                }
                return new FloatRows(values, count, columns, tuples, null, null, keptLabels, labelColumns, kept,
                        z.rows());
            }
        }
    }

    /** The rows {@code kept} (all when null) of a row-major buffer of {@code width} columns, packed into {@code out}. */
    private static float[] gather(FloatBuffer source, int[] kept, int count, int width, float[] out) {
        if (kept == null) {
            source.get(0, out, 0, count * width);
        } else {
            for (int r = 0; r < count; r++) {
                source.get(kept[r] * width, out, r * width, width);
            }
        }
        return out;
    }

    /** Whether the labels of the rows not in {@code kept} (ascending) are finite: a masked row may hold any value but those. */
    private static boolean maskedLabelsFinite(FloatBuffer labels, int[] kept, int rows, int columns) {
        int next = 0;
        for (int r = 0; r < rows; r++) {
            if (next < kept.length && kept[next] == r) {
                next++;
                continue;
            }
            for (int c = 0; c < columns; c++) {
                if (!Float.isFinite(labels.get(r * columns + c))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static double[] doubles(FloatBuffer source, int length) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = source.get(i);
        }
        return out;
    }

    private static float[] buffer(int slot, int length) {
        float[][] buffers = BUFFERS.get();
        if (buffers[slot].length < length) {
            buffers[slot] = new float[length];
        }
        return buffers[slot];
    }
}
