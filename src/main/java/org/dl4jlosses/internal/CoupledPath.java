package org.dl4jlosses.internal;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.Function;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a coupled loss's {@link CoupledFormula} (float32 or float64, any activation): reads the kept
 * rows (the row mask applied, whole units kept or removed) and their labels into per-thread
 * arrays of the call's precision, runs the formula, and puts its per-row losses and gradient rows
 * back in place, zeros for masked rows. An activation other than the identity (and other than one
 * the formula fuses) runs before (ND4J's {@code getActivation}) and after (its {@code backprop}).
 */
final class CoupledPath {
    /** Per thread and precision (float32, float64): the kept values, the gradient rows, the kept labels. */
    private static final ThreadLocal<Object[][]> BUFFERS = ThreadLocal.withInitial(() -> new Object[2][3]);
    private static final int VALUES = 0;
    private static final int GRADIENT = 1;
    private static final int LABELS = 2;
    private static final ThreadLocal<double[][]> LOSSES = ThreadLocal.withInitial(() -> new double[2][0]);

    /** The lanes the last formula ran on, for tests that must know which execution they compared. */
    static volatile Class<?> lastLanes;

    private CoupledPath() {
    }

    /** A run's result: per-row losses (mask applied), their total, and the gradient array. */
    static final class Result {
        final double[] losses;
        final int rows;
        final double total;
        final INDArray gradient;

        Result(double[] losses, int rows, double total, INDArray gradient) {
            this.losses = losses;
            this.rows = rows;
            this.total = total;
            this.gradient = gradient;
        }

        /**
         * This result plus {@code weight} times another loss's on the same call; the other's arrays may
         * live in a scratch workspace (the sum goes into this result's own).
         */
        Result plus(double weight, ElementPath.Result other) {
            if (losses != null) {
                double[] otherRows = other.scoreArray.toDoubleVector();
                for (int r = 0; r < rows; r++) {
                    losses[r] += weight * otherRows[r];
                }
            }
            if (gradient != null) {
                gradient.addi(weight == 1 ? other.gradient : other.gradient.muli(weight));
            }
            return new Result(losses, rows, total + weight * other.total, gradient);
        }

        INDArray scoreArray(DataType type) {
            return Nd4j.createFromArray(Arrays.copyOf(losses, rows)).castTo(type).reshape(rows, 1);
        }
    }

    /** Runs the formula over the call's kept rows. */
    static Result run(String loss, Function<LaneMath<?>, CoupledFormula> formulas, LabelKind kind, Units units,
                      INDArray labels, INDArray z, IActivation activation, INDArray mask, Inputs.Shapes shapes,
                      boolean score, boolean gradient) {
        int rows = (int) z.size(0);
        int columns = (int) z.size(1);
        if ((long) rows * Math.max(columns, labels.size(1)) >= Integer.MAX_VALUE) {
            throw Checks.fail(loss, "preOutput", "fewer than 2^31 elements", Checks.shape(z));
        }
        DataType type = z.dataType();
        LaneMath<?> n = LaneMath.of(type);
        CoupledFormula formula = formulas.apply(n);
        boolean fused = formula.fusesActivation() || activation instanceof ActivationIdentity;
        INDArray a = fused ? z : activation.getActivation(z.dup(), true);
        try (HostArrays host = new HostArrays()) {
            ByteBuffer maskBytes = shapes.mask == Inputs.MaskShape.ROW ? host.bytes(mask, type) : null;
            double[] rowMask = maskBytes == null ? null : doubles(n, maskBytes, rows);
            int[] kept = Rows.keptRows(loss, units, Checks.shape(z), rows, rowMask);
            int count = kept == null ? rows : kept.length;
            double[] allLosses = score ? losses(0, rows) : null;
            INDArray grad = gradient ? Nd4j.createUninitialized(type, rows, columns) : null;
            if (count == 0) {
                if (score) {
                    Arrays.fill(allLosses, 0, rows, 0);
                }
                if (gradient) {
                    grad.assign(0);
                }
                return new Result(allLosses, rows, 0, grad);
            }

            KeptRows keptRows = read(n, host, loss, kind, units, labels, a, kept, count, columns);
            requireFinite(n, loss, keptRows, !fused);
            double[] losses = score ? losses(1, count) : null;
            Object gradientRows = gradient ? buffer(n, GRADIENT, count * columns) : null;
            lastLanes = n.getClass();
            formula.evaluate(n, keptRows, losses, gradientRows);

            double total = 0;
            if (score) {
                Arrays.fill(allLosses, 0, rows, 0);
                for (int r = 0; r < count; r++) {
                    allLosses[kept == null ? r : kept[r]] = losses[r];
                    total += losses[r];
                }
                // The inputs are finite (checked above): a loss that is not has overflowed the precision.
                if (!Double.isFinite(total)) {
                    throw Checks.fail(loss, "preOutput", "values whose loss fits in " + type + " (float64 holds more)",
                            "a loss of " + total);
                }
            }
            if (gradient) {
                Buffer out = n.view(host.bytes(grad, type));
                if (kept != null) {
                    grad.assign(0);
                }
                // All rows in one copy: a copy per row of a few columns costs more than the formula.
                for (int r = 0; r < (kept == null ? 1 : count); r++) {
                    int length = kept == null ? count * columns : columns;
                    put(gradientRows, r * columns, out, (kept == null ? r : kept[r]) * columns, length);
                }
                if (!fused) {
                    grad = ElementPath.throughActivation(activation, z, grad, maskBytes, null, type, host);
                }
            }
            return new Result(allLosses, rows, total, grad);
        }
    }

    /**
     * Every kept value must be finite: a NaN or infinite embedding would otherwise drop out of a
     * mining or poison every row's loss. One pass ({@code (x - x)^2} summed is NaN exactly when some
     * x is not finite); the scan for the first bad value only when there is one.
     */
    private static void requireFinite(LaneMath<?> n, String loss, KeptRows rows, boolean activated) {
        Object values = rows.rows();
        int length = rows.count() * rows.columns();
        if (!Double.isNaN(n.squaredDistance(values, 0, values, 0, length, 0))) {
            return;
        }
        for (int x = 0; x < length; x++) {
            double v = n.get(values, x);
            if (!Double.isFinite(v)) {
                throw Checks.notFinite(loss, activated, v, rows.originalRow(x / rows.columns()), x % rows.columns());
            }
        }
    }

    /** The kept rows of the activation's output {@code a} and their labels as arrays of the call's precision. */
    private static KeptRows read(LaneMath<?> n, HostArrays host, String loss, LabelKind kind, Units units, INDArray labels,
                                 INDArray a, int[] kept, int count, int columns) {
        DataType type = n.dataType();
        Object values = gather(n.view(host.bytes(a, type)), kept, count, columns, buffer(n, VALUES, count * columns));
        int tuples = count / units.blocks();
        int labelRows = (int) labels.size(0);
        int labelColumns = (int) labels.size(1);
        int rows = (int) a.size(0);
        switch (kind) {
            case GROUPS: {
                double[] flat = doubles(n, host.bytes(labels, type), labelRows * labelColumns);
                int[] groups = Rows.denseGroups(loss, flat, labelRows, labelColumns, kept, count);
                return new KeptRows(values, count, columns, tuples, groups, null, flat, labelColumns, kept, rows);
            }
            case ROW_VALUES: {
                double[] flat = doubles(n, host.bytes(labels, type), labelRows);
                double[] unitValues = Rows.unitValues(loss, units, flat, kept, tuples);
                return new KeptRows(values, count, columns, tuples, null, unitValues, null, 0, kept, rows);
            }
            case UNUSED:
                return new KeptRows(values, count, columns, tuples, null, null, null, 0, kept, rows);
            default: {
                Object keptLabels = gather(n.view(host.bytes(labels, type)), kept, count, labelColumns,
                        buffer(n, LABELS, count * labelColumns));
                return new KeptRows(values, count, columns, tuples, null, null, keptLabels, labelColumns, kept, rows);
            }
        }
    }

    /** The rows {@code kept} (all when null) of a row-major buffer of {@code width} columns, packed into {@code out}. */
    private static Object gather(Buffer source, int[] kept, int count, int width, Object out) {
        // All rows in one copy when none is masked.
        for (int r = 0; r < (kept == null ? 1 : count); r++) {
            int from = (kept == null ? r : kept[r]) * width;
            int length = kept == null ? count * width : width;
            if (out instanceof float[]) {
                ((FloatBuffer) source).duplicate().position(from).get((float[]) out, r * width, length);
            } else {
                ((DoubleBuffer) source).duplicate().position(from).get((double[]) out, r * width, length);
            }
        }
        return out;
    }

    /** {@code length} elements of {@code row} from {@code from} into {@code target} at {@code at}. */
    private static void put(Object row, int from, Buffer target, int at, int length) {
        if (row instanceof float[]) {
            ((FloatBuffer) target).duplicate().position(at).put((float[]) row, from, length);
        } else {
            ((DoubleBuffer) target).duplicate().position(at).put((double[]) row, from, length);
        }
    }

    private static double[] doubles(LaneMath<?> n, ByteBuffer source, int length) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = n.get(source, i);
        }
        return out;
    }

    /** The per-thread array {@code slot} of the lanes' precision, of at least {@code length} elements. */
    private static Object buffer(LaneMath<?> n, int slot, int length) {
        Object[] buffers = BUFFERS.get()[n.dataType() == DataType.FLOAT ? 0 : 1];
        Object b = buffers[slot];
        if (b == null || java.lang.reflect.Array.getLength(b) < length) {
            b = n.dataType() == DataType.FLOAT ? new float[length] : new double[length];
            buffers[slot] = b;
        }
        return b;
    }

    private static double[] losses(int slot, int length) {
        double[][] all = LOSSES.get();
        if (all[slot].length < length) {
            all[slot] = new double[length];
        }
        return all[slot];
    }
}
