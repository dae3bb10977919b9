package org.dl4jlosses.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs an {@link ElementFormula} over a batch, in its own data type (float32 or float64), row by
 * row straight from and to ND4J's memory: each row is copied into small per-thread rows (kept in
 * the L1 cache while the formula works on them), its gradient row written into the result. Rows
 * a row mask removes, and labels an element mask removes, are never read. Batches from
 * {@link #PARALLEL_FROM} elements on are split over the {@link Workers}. Masks hold 0 or 1 only. Activations other than
 * the identity run before (ND4J's {@code getActivation}) and after (its {@code backprop}), but for
 * a formula on a sigmoid layer's logits ({@link ElementFormula.OnSigmoidLogits}).
 */
final class ElementPath {
    /** From this many elements a batch is split over the cores (cheap arithmetic needs much work to repay the hand-off). */
    static final long PARALLEL_FROM = 1 << 14;
    /** Elements per call of the loop in a flat run: whole vectors, and a few kilobytes for the plain-Java lanes' temporaries. */
    private static final int BLOCK = 4096;

    /** The lanes the last row range ran on, for tests that must know which execution they compared. */
    static volatile Class<?> lastLanes;

    private static final ThreadLocal<double[]> LOSSES = ThreadLocal.withInitial(() -> new double[0]);

    private ElementPath() {
    }

    /** The loop over one row, {@link ElementRows} specialised for one formula and precision. */
    interface Rows {
        /**
         * For the row of {@code length} elements from element {@code offset} of the buffers
         * {@code a}, {@code y} and {@code mask} (or null): the weighted loss
         * {@code sum_k s_k l(a_k, y_k)} with {@code s_k = rowScale w_k m_k} (0 when
         * {@code wantLoss} is false), plus NaN when an unmasked label is not finite; when
         * {@code gradient} is not null, {@code s_k dl/da_k} written there at the same elements.
         * {@code weights} and {@code option} (the formula's per-column option) are buffers from
         * {@link LaneMath#rowOf}, or null.
         */
        <V> double row(LaneMath<V> n, ByteBuffer a, ByteBuffer y, ByteBuffer mask, ByteBuffer gradient, int offset,
                       ByteBuffer weights, ByteBuffer option, double rowScale, boolean wantLoss, int length);
    }

    /** A loss's formula, specialised for each {@link LaneMath}. */
    interface Specialization {
        Rows rows(LaneMath<?> n);
    }

    /** A call's result: the total loss, the per-row losses [R, 1] (when asked) and dL/dz (when asked). */
    static final class Result {
        final double total;
        final INDArray scoreArray;
        final INDArray gradient;

        Result(double total, INDArray scoreArray, INDArray gradient) {
            this.total = total;
            this.scoreArray = scoreArray;
            this.gradient = gradient;
        }
    }

    /**
     * Runs the formula of class {@code formulaType} (made for each lanes by {@code formula}) over a batch
     * whose labels are of {@code kind} (REAL, PROBABILITY or SIGNED_BINARY), with the loss's per-column
     * {@code weights} and per-column {@code option} (or nulls).
     */
    static Result run(String loss, Class<?> formulaType, Specialization formula, LabelKind kind, double[] weights, String optionName,
                      double[] option, INDArray labels, INDArray z, IActivation activation, INDArray mask, boolean sum,
                      boolean score, boolean gradient) {
        Inputs.Shapes shapes = Inputs.checkShapes(loss, kind, labels, z, activation, mask, true);
        int rows = (int) z.size(0);
        int columns = (int) z.size(1);
        checkLength(loss, "weights", weights, columns);
        checkLength(loss, optionName, option, columns);
        boolean fused = activation instanceof ActivationIdentity
                || activation instanceof ActivationSigmoid && ElementFormula.OnSigmoidLogits.class.isAssignableFrom(formulaType);
        DataType type = z.dataType();
        INDArray a = fused ? z : activation.getActivation(z.dup(), true);
        try (HostArrays host = new HostArrays()) {
            ByteBuffer aBytes = host.bytes(a, type);
            ByteBuffer yBytes = host.bytes(labels, type);
            ByteBuffer rowMask = shapes.mask == Inputs.MaskShape.ROW ? host.bytes(mask, type) : null;
            ByteBuffer elementMask = shapes.mask == Inputs.MaskShape.ELEMENT ? host.bytes(mask, type) : null;
            INDArray grad = gradient ? Nd4j.createUninitialized(type, rows, columns) : null;
            ByteBuffer gradBytes = grad == null ? null : host.bytes(grad, type);
            double[] losses = LOSSES.get();
            if (score && losses.length < rows) {
                losses = new double[rows];
                LOSSES.set(losses);
            }
            double[] lossOut = score ? losses : null;
            boolean wantLoss = sum || score;
            // Without masks, weights, option or per-row losses, the rows are one run of elements with a single tail.
            boolean flat = rowMask == null && elementMask == null && weights == null && option == null && !score;
            Workers.Range range = (from, to) -> {
                LaneMath<?> n = LaneMath.of(type);
                lastLanes = n.getClass();
                Rows loop = formula.rows(n);
                return flat ? flatRows(loss, kind, loop, n, aBytes, yBytes, gradBytes, type, from, to, columns, wantLoss, !fused)
                        : rowByRow(loss, kind, loop, n, aBytes, yBytes, rowMask, elementMask, gradBytes, weights, option, type,
                                from, to, columns, wantLoss, lossOut, !fused);
            };
            int threads = (long) rows * columns >= PARALLEL_FROM ? Math.min(Workers.threads(), rows) : 1;
            double total = threads == 1 ? range.run(0, rows) : Workers.run(range, rows, threads);
            INDArray scoreArray = score ? Nd4j.createFromArray(Arrays.copyOf(losses, rows)).castTo(type).reshape(rows, 1) : null;
            if (grad != null && !fused) {
                grad = throughActivation(activation, z, grad, rowMask, elementMask, type, host);
            }
            return new Result(total, scoreArray, grad);
        }
    }

    /**
     * dL/dz from dL/da through the activation's {@code backprop}. Masked entries get a gradient of
     * exactly 0, whatever their preOutput (0 x NaN is NaN), and, as DL4J's losses do, also where the
     * activation couples the outputs (softmax) and the masked score still depends on them.
     */
    static INDArray throughActivation(IActivation activation, INDArray z, INDArray dLda, ByteBuffer rowMask,
                                      ByteBuffer elementMask, DataType type, HostArrays host) {
        INDArray grad = activation.backprop(z.dup(), dLda).getFirst();
        int rows = (int) z.size(0);
        int columns = (int) z.size(1);
        if (rowMask != null) {
            for (int r = 0; r < rows; r++) {
                if (element(rowMask, type, r) == 0) {
                    grad.getRow(r).assign(0);
                }
            }
        } else if (elementMask != null) {
            grad = grad.ordering() == 'c' && !grad.isView() ? grad : grad.dup('c');
            ByteBuffer out = host.bytes(grad, type);
            for (int i = 0; i < rows * columns; i++) {
                if (element(elementMask, type, i) == 0) {
                    put(out, type, i, 0);
                }
            }
        }
        return grad;
    }

    private static void checkLength(String loss, String name, double[] option, int columns) {
        if (option != null && option.length != columns) {
            throw Checks.fail(loss, name, "of length " + columns + " (one entry per column of preOutput)",
                    "length " + option.length);
        }
    }

    /**
     * Rows [from, to) as one run of elements, in blocks of {@link #BLOCK}; returns their total loss.
     * A loss that is not finite is traced to its label or value ({@code activated}: a value of the
     * activation's output), or else to the row whose finite values lie outside the formula's domain,
     * which is an error.
     */
    private static double flatRows(String loss, LabelKind kind, Rows loop, LaneMath<?> n, ByteBuffer a, ByteBuffer y,
                                   ByteBuffer gradient, DataType type, int from, int to, int columns, boolean wantLoss,
                                   boolean activated) {
        double total = 0;
        int end = to * columns;
        for (int start = from * columns; start < end; start += BLOCK) {
            int length = Math.min(BLOCK, end - start);
            double l = loop.row(n, a, y, null, gradient, start, null, null, 1.0 / columns, wantLoss, length);
            if (!Double.isFinite(l)) {
                for (int r = start / columns; r <= (start + length - 1) / columns; r++) {
                    checkLabels(loss, kind, y, null, type, r, columns);
                    checkValues(loss, activated, a, null, type, r, columns);
                }
                for (int r = start / columns; r <= (start + length - 1) / columns; r++) {
                    if (!Double.isFinite(loop.row(n, a, y, null, null, r * columns, null, null, 1.0, true, columns))) {
                        throw Checks.outsideDomain(loss, activated, r);
                    }
                }
            }
            total += l;
        }
        return total;
    }

    /** Rows [from, to) one by one, with masks and weights; returns their total loss, each row's into {@code losses} if not null. */
    private static double rowByRow(String loss, LabelKind kind, Rows loop, LaneMath<?> n, ByteBuffer a, ByteBuffer y,
                                   ByteBuffer rowMask, ByteBuffer elementMask, ByteBuffer gradient, double[] weights,
                                   double[] option, DataType type, int from, int to, int columns, boolean wantLoss,
                                   double[] losses, boolean activated) {
        ByteBuffer weightRow = weights == null ? null : n.rowOf(weights);
        ByteBuffer optionRow = option == null ? null : n.rowOf(option);
        double total = 0;
        for (int r = from; r < to; r++) {
            double m = rowMask == null ? 1 : element(rowMask, type, r);
            if (m != 1 && m != 0) {
                throw Checks.badMask(loss, m, "row " + r);
            }
            int at = r * columns;
            if (m == 0) {
                if (losses != null) {
                    losses[r] = 0;
                }
                if (gradient != null) {
                    n.clear(gradient, at, columns);
                }
                continue;
            }
            double l = loop.row(n, a, y, elementMask, gradient, at, weightRow, optionRow, m / columns, wantLoss, columns);
            if (!Double.isFinite(l)) {
                checkLabels(loss, kind, y, elementMask, type, r, columns);
                checkMask(loss, elementMask, type, r, columns);
                checkValues(loss, activated, a, elementMask, type, r, columns);
                throw Checks.outsideDomain(loss, activated, r);
            }
            total += l;
            if (losses != null) {
                losses[r] = l;
            }
        }
        return total;
    }

    /** Throws for the first label of row r (not masked) outside the domain of {@code kind}, if there is one. */
    private static void checkLabels(String loss, LabelKind kind, ByteBuffer labels, ByteBuffer mask, DataType type, int r,
                                    int columns) {
        for (int c = 0; c < columns; c++) {
            double v = element(labels, type, r * columns + c);
            if (!LabelValues.inDomain(kind, v) && (mask == null || element(mask, type, r * columns + c) != 0)) {
                throw LabelValues.outside(loss, kind, v, r, c);
            }
        }
    }

    /** Throws for the first value of row r (not masked) of {@code a} that is not finite, if there is one. */
    static void checkValues(String loss, boolean activated, ByteBuffer a, ByteBuffer mask, DataType type, int r,
                            int columns) {
        for (int c = 0; c < columns; c++) {
            double v = element(a, type, r * columns + c);
            if (!Double.isFinite(v) && (mask == null || element(mask, type, r * columns + c) != 0)) {
                throw Checks.notFinite(loss, activated, v, r, c);
            }
        }
    }

    /** Throws for the first entry of row r of the element mask (if there is one) that is neither 0 nor 1. */
    private static void checkMask(String loss, ByteBuffer mask, DataType type, int r, int columns) {
        for (int c = 0; mask != null && c < columns; c++) {
            double m = element(mask, type, r * columns + c);
            if (m != 0 && m != 1) {
                throw Checks.badMask(loss, m, "row " + r + ", column " + c);
            }
        }
    }

    private static void put(ByteBuffer b, DataType type, int i, double v) {
        if (type == DataType.FLOAT) {
            b.putFloat(i * Float.BYTES, (float) v);
        } else {
            b.putDouble(i * Double.BYTES, v);
        }
    }

    private static double element(ByteBuffer b, DataType type, int i) {
        return type == DataType.FLOAT ? b.getFloat(i * Float.BYTES) : b.getDouble(i * Double.BYTES);
    }
}
