package org.dl4jlosses.internal;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a {@link RowFormula} over a batch with class labels, in its own data type (float32 or
 * float64): each row is copied from ND4J's memory into a small row on the heap (the formula makes
 * several passes over it while it sits in the L1 cache), its labels are checked as they are read
 * (class indices, one-hot rows, or for {@link LabelKind#CLASSES} rows of values in [0, 1]), and
 * its gradient row is copied into the result. Rows a row mask removes are never read. For
 * {@link LabelKind#GRADES} (lists of items) an element mask marks padding: the kept items are
 * packed to the front of the row, so the formula sees a shorter list, and the padding's gradient is 0. Batches
 * from {@link ElementPath#PARALLEL_FROM} elements on are split over the {@link Workers}. The
 * activation is fused for a formula on a softmax layer's logits
 * ({@link RowFormula.OnSoftmaxLogits}) and for the identity; any other runs before and after, as
 * on the {@link ElementPath}.
 */
final class RowPath {
    /** The lanes the last row range ran on, for tests that must know which execution they compared. */
    static volatile Class<?> lastLanes;
    /** Whether the last row range ran in class-major blocks, for the same tests. */
    static volatile boolean lastInBlocks;

    /**
     * Rows of at most this many classes go class-major to a {@link RowFormula.ClassMajor} formula:
     * up to here a row fits one vector of float32; cross-entropy on 65,536 rows of 4 classes took
     * 1.1 ms in blocks against 8.9 row by row.
     */
    static final int SHORT_ROW = 16;
    /** Rows per class-major block: a multiple of every vector's lanes, with the block's arrays within the L1 cache. */
    private static final int BLOCK = 128;

    private static final ThreadLocal<double[]> LOSSES = ThreadLocal.withInitial(() -> new double[0]);
    /** Per thread and data type: the rows of z, labels, gradient, the formula's scratch, zeros, and a padded list's gradient. */
    private static final ThreadLocal<Object[][]> ROWS = ThreadLocal.withInitial(() -> new Object[2][]);
    /** Per thread and data type: a block's rows as read, then its class-major z, labels, gradient, scratch, scales and losses. */
    private static final ThreadLocal<Object[][]> BLOCKS = ThreadLocal.withInitial(() -> new Object[2][]);

    private RowPath() {
    }

    /** A loss's row formula, specialised for each {@link LaneMath}. */
    interface Specialization {
        RowFormula formula(LaneMath<?> n);
    }

    static ElementPath.Result run(String loss, Class<?> formulaType, Specialization formulas, LabelKind kind, double[] weights,
                                  INDArray labels, INDArray z, IActivation activation, INDArray mask, boolean sum,
                                  boolean score, boolean gradient) {
        Inputs.Shapes shapes = Inputs.checkShapes(loss, kind, labels, z, activation, mask);
        int rows = (int) z.size(0);
        int columns = (int) z.size(1);
        if (weights != null && weights.length != columns) {
            throw Checks.fail(loss, "weights", "of length " + columns + " (one entry per column of preOutput)",
                    "length " + weights.length);
        }
        DataType type = z.dataType();
        boolean fused = activation instanceof ActivationIdentity
                || activation instanceof ActivationSoftmax && RowFormula.OnSoftmaxLogits.class.isAssignableFrom(formulaType);
        INDArray a = fused ? z : activation.getActivation(z.dup(), true);
        try (HostArrays host = new HostArrays()) {
            ByteBuffer rowMask = shapes.mask == Inputs.MaskShape.ROW ? host.bytes(mask, type) : null;
            ByteBuffer padding = shapes.mask == Inputs.MaskShape.ELEMENT ? host.bytes(mask, type) : null;
            Call call = new Call(loss, kind, type, host.bytes(a, type), host.bytes(labels, type), rowMask, padding,
                    shapes.indexLabels, rows, columns, (int) labels.size(1), !fused);
            INDArray grad = gradient ? Nd4j.createUninitialized(type, rows, columns) : null;
            ByteBuffer gradBytes = grad == null ? null : host.bytes(grad, type);
            double[] losses = LOSSES.get();
            if (score && losses.length < rows) {
                losses = new double[rows];
                LOSSES.set(losses);
            }
            double[] lossOut = score ? losses : null;
            Workers.Range range = (from, to) -> {
                LaneMath<?> n = LaneMath.of(type);
                lastLanes = n.getClass();
                return call.rows(formulas.formula(n), n, gradBytes, from, to, lossOut, sum || score);
            };
            int threads = (long) rows * columns >= ElementPath.PARALLEL_FROM ? Math.min(Workers.threads(), rows) : 1;
            double total = threads == 1 ? range.run(0, rows) : Workers.run(range, rows, threads);
            INDArray scoreArray = score ? Nd4j.createFromArray(Arrays.copyOf(losses, rows)).castTo(type).reshape(rows, 1) : null;
            if (grad != null && !fused) {
                grad = ElementPath.throughActivation(activation, z, grad, rowMask, padding, type, host);
            }
            return new ElementPath.Result(total, scoreArray, grad);
        }
    }

    /**
     * The calling thread's rows for this precision, of at least k elements: reused from call to
     * call, since a call's rows are split into many ranges and fresh rows for each cost as much as
     * the arithmetic of a small range.
     */
    private static Object[] ownRows(LaneMath<?> n, DataType type, int k) {
        Object[][] all = ROWS.get();
        int which = type == DataType.FLOAT ? 0 : 1;
        Object[] rows = all[which];
        if (rows == null || java.lang.reflect.Array.getLength(rows[0]) < LaneMath.padded(k)) {
            rows = new Object[6];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = n.row(k);
            }
            all[which] = rows;
        }
        return rows;
    }

    /** The calling thread's arrays for class-major blocks of this precision. */
    private static Object[] ownBlocks(LaneMath<?> n, DataType type) {
        Object[][] all = BLOCKS.get();
        int which = type == DataType.FLOAT ? 0 : 1;
        if (all[which] == null) {
            int classMajor = SHORT_ROW * BLOCK;
            all[which] = new Object[] {n.row(classMajor), n.row(classMajor), n.row(classMajor), n.row(classMajor),
                n.row(classMajor), n.row(BLOCK), n.row(BLOCK)};
        }
        return all[which];
    }

    /** One call's inputs, read by every thread. */
    private static final class Call {
        final String loss;
        final LabelKind kind;
        final DataType type;
        final ByteBuffer z;
        final ByteBuffer labels;
        final ByteBuffer rowMask;
        /** An element mask over lists of items ({@link LabelKind#GRADES}): 0 marks padding. */
        final ByteBuffer padding;
        final boolean indices;
        final int rows;
        final int columns;
        final int labelColumns;
        /** Whether z is the activation's output rather than preOutput itself (for error messages). */
        final boolean activated;

        Call(String loss, LabelKind kind, DataType type, ByteBuffer z, ByteBuffer labels, ByteBuffer rowMask,
             ByteBuffer padding, boolean indices, int rows, int columns, int labelColumns, boolean activated) {
            this.loss = loss;
            this.kind = kind;
            this.type = type;
            this.z = z;
            this.labels = labels;
            this.rowMask = rowMask;
            this.padding = padding;
            this.indices = indices;
            this.rows = rows;
            this.columns = columns;
            this.labelColumns = labelColumns;
            this.activated = activated;
        }

        /** Rows [from, to); returns their total loss, each row's into {@code losses} if not null. */
        double rows(RowFormula formula, LaneMath<?> n, ByteBuffer gradient, int from, int to, double[] losses, boolean wantLoss) {
            int k = columns;
            lastInBlocks = formula instanceof RowFormula.ClassMajor && k <= SHORT_ROW && kind == LabelKind.CLASSES;
            if (lastInBlocks) {
                return blocks((RowFormula.ClassMajor) formula, n, gradient, from, to, losses);
            }
            Buffer zs = n.view(z);
            Buffer ys = indices ? null : n.view(labels);
            Buffer gs = gradient == null ? null : n.view(gradient);
            Object[] own = ownRows(n, type, k);
            Object zRow = own[0];
            Object yRow = indices && !formula.denseLabels() ? null : own[1];
            Object gradientRow = own[2];
            Object scratch = own[3];
            Object zeros = own[4];
            Object paddedGradient = own[5];
            int[] items = padding == null ? null : new int[k];
            if (yRow != null && indices) {
                for (int c = 0; c < k; c++) {
                    n.set(yRow, c, 0);
                }
            }
            int oneHot = -1;
            double total = 0;
            for (int r = from; r < to; r++) {
                double m = rowMask == null ? 1 : n.get(rowMask, r);
                if (m != 1 && m != 0) {
                    throw Checks.badMask(loss, m, "row " + r);
                }
                if (m == 0) {
                    if (losses != null) {
                        losses[r] = 0;
                    }
                    if (gradient != null) {
                        n.copy(zeros, gs, r * k, k);
                    }
                    continue;
                }
                int target = -1;
                int length = k;
                if (kind == LabelKind.GRADES) {
                    length = readList(n, zs, ys, r, zRow, yRow, items);
                } else if (indices) {
                    double v = n.get(labels, r);
                    if (!Inputs.isClassIndex(v, k)) {
                        throw LabelValues.badClassIndex(loss, v, k, rows, r);
                    }
                    target = (int) v;
                    if (yRow != null) {
                        if (oneHot >= 0) {
                            n.set(yRow, oneHot, 0);
                        }
                        n.set(yRow, target, 1);
                        oneHot = target;
                    }
                } else if (kind == LabelKind.TARGETS) {
                    int width = labelColumns;
                    n.copy(ys, r * width, yRow, width);
                    if (Double.isNaN(outside(n, yRow, width, false))) {
                        for (int c = 0; c < width; c++) {
                            if (!Double.isFinite(n.get(yRow, c))) {
                                throw LabelValues.outside(loss, LabelKind.REAL, n.get(yRow, c), r, c);
                            }
                        }
                    }
                } else {
                    n.copy(ys, r * k, yRow, k);
                    target = n.labelClass(yRow, k);
                    if (target == LaneMath.OUTSIDE_UNIT || target < 0 && kind == LabelKind.ONE_CLASS) {
                        throw badRow(n, yRow, r);
                    }
                }
                if (kind != LabelKind.GRADES) {
                    n.copy(zs, r * k, zRow, k);
                }
                formula.admit(n, zRow, length, r);
                double l = length == 0 ? 0 : formula.row(n, zRow, yRow, target, gradientRow, scratch, length, m, wantLoss);
                if (!Double.isFinite(l)) {
                    ElementPath.checkValues(loss, activated, z, padding, type, r, k);
                    throw Checks.outsideDomain(loss, activated, r);
                }
                if (gradient != null && items == null) {
                    n.copy(gradientRow, gs, r * k, k);
                } else if (gradient != null) {
                    System.arraycopy(zeros, 0, paddedGradient, 0, k);
                    for (int i = 0; i < length; i++) {
                        n.set(paddedGradient, items[i], n.get(gradientRow, i));
                    }
                    n.copy(paddedGradient, gs, r * k, k);
                }
                total += l;
                if (losses != null) {
                    losses[r] = l;
                }
            }
            return total;
        }

        /**
         * Rows [from, to) in class-major blocks: each block's rows are read at once and transposed,
         * masked rows get scores and labels 0 (they are never read), and the gradient is transposed
         * back; returns their total loss, each row's into {@code losses} if not null.
         */
        private double blocks(RowFormula.ClassMajor formula, LaneMath<?> n, ByteBuffer gradient, int from, int to,
                              double[] losses) {
            int k = columns;
            Buffer zs = n.view(z);
            Buffer ys = indices ? null : n.view(labels);
            Buffer gs = gradient == null ? null : n.view(gradient);
            Object[] own = ownBlocks(n, type);
            Object read = own[0];
            Object zBlock = own[1];
            Object yBlock = own[2];
            Object gradientBlock = gradient == null ? null : own[3];
            Object scratch = own[4];
            Object scale = own[5];
            Object blockLosses = own[6];
            double total = 0;
            for (int start = from; start < to; start += BLOCK) {
                int rowsHere = Math.min(BLOCK, to - start);
                boolean anyMasked = false;
                for (int i = 0; i < rowsHere; i++) {
                    double m = rowMask == null ? 1 : n.get(rowMask, start + i);
                    if (m != 1 && m != 0) {
                        throw Checks.badMask(loss, m, "row " + (start + i));
                    }
                    n.set(scale, i, m);
                    anyMasked |= m == 0;
                }
                n.copy(zs, start * k, read, rowsHere * k);
                LaneMath.transpose(read, rowsHere, k, k, zBlock, BLOCK);
                if (indices) {
                    oneHotBlock(n, start, rowsHere, scale, yBlock);
                } else {
                    n.copy(ys, start * k, read, rowsHere * k);
                    LaneMath.transpose(read, rowsHere, k, k, yBlock, BLOCK);
                }
                if (anyMasked) {
                    for (int i = 0; i < rowsHere; i++) {
                        if (n.get(scale, i) == 0) {
                            for (int c = 0; c < k; c++) {
                                n.set(zBlock, c * BLOCK + i, 0);
                                n.set(yBlock, c * BLOCK + i, 0);
                            }
                        }
                    }
                }
                if (!indices) {
                    checkLabelBlock(n, yBlock, start, rowsHere);
                }
                formula.block(n, zBlock, yBlock, gradientBlock, scratch, scale, blockLosses, rowsHere, BLOCK, k);
                for (int i = 0; i < rowsHere; i++) {
                    // A masked row's loss is +0 (its lanes' arithmetic may leave -0).
                    double l = n.get(scale, i) == 0 ? 0 : n.get(blockLosses, i);
                    if (!Double.isFinite(l)) {
                        ElementPath.checkValues(loss, activated, z, padding, type, start + i, k);
                        throw Checks.outsideDomain(loss, activated, start + i);
                    }
                    total += l;
                    if (losses != null) {
                        losses[start + i] = l;
                    }
                }
                if (gradient != null) {
                    LaneMath.transpose(gradientBlock, k, rowsHere, BLOCK, read, k);
                    if (anyMasked) {
                        for (int i = 0; i < rowsHere; i++) {
                            if (n.get(scale, i) == 0) {
                                n.linear(read, i * k, k, 0, 0);
                            }
                        }
                    }
                    n.copy(read, gs, start * k, rowsHere * k);
                }
            }
            return total;
        }

        /** The class indices of rows [start, start + count) as one-hot rows, class-major; masked rows' are not read. */
        private void oneHotBlock(LaneMath<?> n, int start, int count, Object scale, Object y) {
            for (int c = 0; c < columns; c++) {
                n.linear(y, c * BLOCK, count, 0, 0);
            }
            for (int i = 0; i < count; i++) {
                if (n.get(scale, i) != 0) {
                    double v = n.get(labels, start + i);
                    if (!Inputs.isClassIndex(v, columns)) {
                        throw LabelValues.badClassIndex(loss, v, columns, rows, start + i);
                    }
                    n.set(y, (int) v * BLOCK + i, 1);
                }
            }
        }

        /** Checks a class-major block of label rows: every value in [0, 1], in whole vectors; the scan for the culprit runs only on failure. */
        private <V> void checkLabelBlock(LaneMath<V> n, Object y, int start, int count) {
            n.begin(count);
            int width = n.width(count);
            V acc = n.of(0);
            for (int c = 0; c < columns; c++) {
                for (int i = 0; i < count; i += width) {
                    V bad = n.nanOutsideUnit(n.loadRow(y, c * BLOCK + i));
                    acc = i + width <= count ? n.add(acc, bad) : n.addLanes(acc, bad, i, count);
                }
            }
            if (!Double.isNaN(n.sum(acc, count))) {
                return;
            }
            Object row = n.row(columns);
            for (int i = 0; i < count; i++) {
                for (int c = 0; c < columns; c++) {
                    n.set(row, c, n.get(y, c * BLOCK + i));
                }
                if (n.labelClass(row, columns) == LaneMath.OUTSIDE_UNIT) {
                    throw badRow(n, row, start + i);
                }
            }
        }

        /**
         * Row r's list: its scores and grades (checked: finite and &gt;= 0) into zRow and yRow, the
         * items an element mask keeps packed to the front (their columns into {@code items}); returns
         * the list's length.
         */
        private int readList(LaneMath<?> n, Buffer zs, Buffer ys, int r, Object zRow, Object yRow, int[] items) {
            int k = columns;
            if (items == null) {
                n.copy(zs, r * k, zRow, k);
                n.copy(ys, r * k, yRow, k);
                if (outside(n, yRow, k, true) != 0) {
                    for (int c = 0; c < k; c++) {
                        checkGrade(n.get(yRow, c), r, c);
                    }
                }
                return k;
            }
            int length = 0;
            for (int c = 0; c < k; c++) {
                double keep = n.get(padding, r * k + c);
                if (keep != 0 && keep != 1) {
                    throw Checks.badMask(loss, keep, "row " + r + ", column " + c);
                }
                if (keep == 1) {
                    double grade = n.get(labels, r * k + c);
                    checkGrade(grade, r, c);
                    n.set(yRow, length, grade);
                    n.set(zRow, length, n.get(z, r * k + c));
                    items[length++] = c;
                }
            }
            return length;
        }

        private void checkGrade(double grade, int r, int c) {
            if (!(grade >= 0 && grade < Double.POSITIVE_INFINITY)) {
                throw LabelValues.outside(loss, LabelKind.GRADES, grade, r, c);
            }
        }

        /**
         * In one pass in whole vectors: 0 when every one of the k values is finite (and with
         * {@code grades} &gt;= 0), else NaN or a positive value: the sum of {@code v - v} (NaN for a
         * value that is not finite) or {@code |v| - v} (also positive for a negative one). The scan
         * for the first bad value runs only when there is one.
         */
        private static <V> double outside(LaneMath<V> n, Object row, int k, boolean grades) {
            n.begin(k);
            int width = n.width(k);
            int whole = k / width * width;
            V acc = n.of(0);
            for (int i = 0; i < whole; i += width) {
                V v = n.loadRow(row, i);
                acc = n.add(acc, n.sub(grades ? n.abs(v) : v, v));
            }
            if (whole < k) {
                // The last vector reaches into the row's padding: its lanes there are left out.
                V v = n.loadRow(row, whole);
                acc = n.addLanes(acc, n.sub(grades ? n.abs(v) : v, v), whole, k);
            }
            return n.sum(acc, k);
        }

        /** The error for row r of dense labels: a value outside [0, 1] or NaN, or for ONE_CLASS not one-hot. */
        private IllegalArgumentException badRow(LaneMath<?> n, Object y, int r) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double ones = 0;
            boolean binary = true;
            String expected = LabelValues.expected(kind, rows);
            for (int c = 0; c < columns; c++) {
                double v = n.get(y, c);
                if (Double.isNaN(v)) {
                    return Checks.fail(loss, "labels", expected, "NaN at row " + r + ", column " + c);
                }
                min = Math.min(min, v);
                max = Math.max(max, v);
                binary &= v == 0 || v == 1;
                ones += v;
            }
            String range = "values in [" + min + ", " + max + "]";
            if (kind == LabelKind.ONE_CLASS) {
                return Checks.fail(loss, "labels", expected, binary ? "a row with " + (long) ones + " ones at row " + r
                        : range + " not all 0 or 1 at row " + r);
            }
            return Checks.fail(loss, "labels", expected, range + " at row " + r);
        }
    }
}
