package org.dl4jlosses.internal;

import static org.dl4jlosses.internal.Checks.fail;
import static org.dl4jlosses.internal.Checks.require;
import static org.dl4jlosses.internal.Checks.shape;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.OneHot;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The unmasked rows of one {@link CoupledLoss} call, arranged by its {@link Units}: what a
 * coupled loss's formula reads, and the builders of what it returns.
 *
 * <p>Masked rows are removed before the formula sees the batch (for BLOCKS, whole tuples), so a
 * masked row is neither an example nor a candidate, positive or negative of another row, exactly
 * as if it had not been in the batch. The formula works on {@link #count()} rows and returns
 * per-row losses and gradients for those rows only; {@link CoupledLoss} puts them back in place
 * with zeros for the masked rows. Without a mask nothing is copied.
 *
 * <p>Returned losses follow the library's convention: their sum is {@code n x} the reference value over
 * the {@code n} kept rows, the gradient is the derivative of that sum with respect to the
 * activation's output.
 */
public final class Rows {
    private final Batch batch;
    private final Units units;
    /** Original indices of the kept rows, in order (block by block for BLOCKS); null when all are kept. */
    private final int[] kept;
    private final int count;
    private final int tuples;
    private final INDArray output;
    private int[] groups;
    private int groupCount;

    private Rows(Batch batch, Units units, int[] kept, int count, int tuples) {
        this.batch = batch;
        this.units = units;
        this.kept = kept;
        this.count = count;
        this.tuples = tuples;
        this.output = kept == null ? batch.output() : count == 0 ? null : Nd4j.pullRows(batch.output(), 1, kept);
    }

    static Rows of(Batch batch, Units units) {
        int rows = Math.toIntExact(batch.rows());
        int[] kept = keptRows(batch.loss(), units, shape(batch.z()), rows, batch.rowMask() == null ? null : batch.rowMask().toDoubleVector());
        int n = rows / units.blocks();
        if (kept == null) {
            return new Rows(batch, units, null, rows, n);
        }
        return new Rows(batch, units, kept, kept.length, kept.length / units.blocks());
    }

    /**
     * The original indices of the rows a row mask keeps, block by block for BLOCKS (whole tuples),
     * or null when every row is kept; checks that BLOCKS rows divide into the blocks and that the
     * mask is 0/1 and equal across a tuple.
     */
    static int[] keptRows(String loss, Units units, String zShape, int rows, double[] mask) {
        int g = units.blocks();
        if (units.kind() == Units.Kind.BLOCKS) {
            require(rows % g == 0, loss, "preOutput", "[" + g + "N, D]: " + g + " blocks (" + units.blockNames()
                    + ") of N rows each", zShape + " (" + rows + " rows do not divide into " + g + " blocks)");
        }
        if (mask == null) {
            return null;
        }
        int n = rows / g;
        for (int i = 0; i < rows; i++) {
            if (mask[i] != 0 && mask[i] != 1) {
                throw fail(loss, "mask", "0 or 1 in every row (a coupled loss keeps or removes whole rows)",
                        mask[i] + " at row " + i);
            }
        }
        int[] keptTuples = new int[n];
        int keptCount = 0;
        for (int i = 0; i < n; i++) {
            for (int b = 1; b < g; b++) {
                if (mask[b * n + i] != mask[i]) {
                    throw fail(loss, "mask", "equal on all " + g + " rows of a tuple (rows i, N+i, ...; N = " + n + ")",
                            mask[i] + " at row " + i + " and " + mask[b * n + i] + " at row " + (b * n + i));
                }
            }
            if (mask[i] != 0) {
                keptTuples[keptCount++] = i;
            }
        }
        if (keptCount == n) {
            return null;
        }
        int[] kept = new int[keptCount * g];
        for (int b = 0; b < g; b++) {
            for (int t = 0; t < keptCount; t++) {
                kept[b * keptCount + t] = b * n + keptTuples[t];
            }
        }
        return kept;
    }

    public String loss() {
        return batch.loss();
    }

    public DataType dataType() {
        return batch.dataType();
    }

    /** The number n of kept rows. */
    public int count() {
        return count;
    }

    /** Columns D of the embeddings (K of preOutput). */
    public int columns() {
        return batch.columns();
    }

    /** The number of rows of the call, masked ones included. */
    public long originalRows() {
        return batch.rows();
    }

    /** The original row index of kept row r. */
    public int originalRow(int r) {
        return kept == null ? r : kept[r];
    }

    /** The activation's output of the kept rows [n, D] (read-only). */
    public INDArray output() {
        return output;
    }

    public Batch batch() {
        return batch;
    }

    // ---------------------------------------------------------------- BLOCKS

    /** BLOCKS: the number of kept tuples N' (rows per block); otherwise {@link #count()}. */
    public int tuples() {
        return tuples;
    }

    /** BLOCKS: block b of the kept rows [N', D], a view of {@link #output()}. */
    public INDArray block(int b) {
        return output.get(NDArrayIndex.interval((long) b * tuples, (long) (b + 1) * tuples), NDArrayIndex.all());
    }

    // ---------------------------------------------------------------- labels

    /**
     * {@link LabelKind#ROW_VALUES}: the value of each unit, finite: block 0's labels of the kept
     * tuples for BLOCKS, the kept rows' labels otherwise. The loss checks their domain.
     */
    public double[] values() {
        return unitValues(loss(), units, batch.labels().toDoubleVector(), kept, tuples);
    }

    /** {@link #values()} from the labels' values (one column) and the kept rows (null: all). */
    static double[] unitValues(String loss, Units units, double[] all, int[] kept, int tuples) {
        int read = units.kind() == Units.Kind.BLOCKS ? all.length / units.blocks() : all.length;
        for (int i = 0; i < read; i++) {
            if (!Double.isFinite(all[i])) {
                throw fail(loss, "labels", "finite", all[i] + " at row " + i);
            }
        }
        double[] out = new double[tuples];
        for (int t = 0; t < tuples; t++) {
            out[t] = all[kept == null ? t : kept[t]];
        }
        return out;
    }

    /** Labels of the kept rows, for the label kinds the base checks by value ({@code [n, K]}, z's data type). */
    public INDArray labels() {
        return kept == null ? batch.labels() : Nd4j.pullRows(batch.labels(), 1, kept);
    }

    /** GROUPS: each kept row's group, numbered 0..{@link #groupCount()}-1 in order of first appearance. */
    public int[] groups() {
        if (groups == null) {
            readGroups();
        }
        return groups;
    }

    public int groupCount() {
        groups();
        return groupCount;
    }

    private void readGroups() {
        INDArray labels = batch.labels();
        groups = denseGroups(loss(), Ops.values(labels), (int) labels.size(0), (int) labels.size(1), kept, count);
        groupCount = groupCount(groups);
    }

    /**
     * GROUPS: each kept row's group (kept null: all {@code count} rows), numbered 0, 1, ... in order
     * of first appearance, from the labels' values: integer ids {@code [R, 1]} or one-hot rows.
     */
    static int[] denseGroups(String loss, double[] flat, int rowCount, int width, int[] kept, int count) {
        int[] ids = new int[rowCount];
        for (int i = 0; i < rowCount; i++) {
            int at = i * width;
            for (int j = 0; j < width; j++) {
                if (!Double.isFinite(flat[at + j])) {
                    throw fail(loss, "labels", "finite group ids", flat[at + j] + " at row " + i);
                }
            }
            if (width == 1) {
                double v = flat[at];
                // Messages are built only on failure: this runs for every row of every call.
                if (!(v == Math.rint(v) && Math.abs(v) < Integer.MAX_VALUE)) {
                    throw fail(loss, "labels", "integer group ids [" + rowCount + ", 1] or one-hot rows", v + " at row " + i);
                }
                ids[i] = (int) v;
            } else {
                int hot = -1;
                int ones = 0;
                for (int j = 0; j < width; j++) {
                    double v = flat[at + j];
                    if (v == 1) {
                        hot = j;
                        ones++;
                    } else if (v != 0) {
                        throw fail(loss, "labels", "one-hot rows (exactly one 1 per row) or group ids [" + rowCount + ", 1]",
                                v + " at row " + i + ", column " + j);
                    }
                }
                if (ones != 1) {
                    throw fail(loss, "labels", "one-hot rows (exactly one 1 per row) or group ids [" + rowCount + ", 1]",
                            "a row with " + ones + " ones at row " + i);
                }
                ids[i] = hot;
            }
        }
        Map<Integer, Integer> dense = new HashMap<>();
        int[] out = new int[count];
        for (int r = 0; r < count; r++) {
            out[r] = dense.computeIfAbsent(ids[kept == null ? r : kept[r]], id -> dense.size());
        }
        return out;
    }

    /** The number of groups of dense group numbers (their maximum + 1). */
    static int groupCount(int[] groups) {
        int max = -1;
        for (int g : groups) {
            max = Math.max(max, g);
        }
        return max + 1;
    }

    // ---------------------------------------------------------------- results

    /** Each kept row's own loss {@code [n, 1]} (null if only the gradient was asked for) and dL/da {@code [n, D]}. */
    public Terms perRow(INDArray loss, INDArray dLda) {
        return Terms.perRow(loss, dLda);
    }

    /** Each kept tuple's loss {@code [N', 1]}, put on every row of its tuple, and dL/da {@code [n, D]}. */
    public Terms perTuple(INDArray tupleLoss, INDArray dLda) {
        INDArray loss = null;
        if (tupleLoss != null) {
            INDArray[] copies = new INDArray[units.blocks()];
            java.util.Arrays.fill(copies, tupleLoss.reshape(tuples, 1));
            loss = copies.length == 1 ? tupleLoss.reshape(tuples, 1).dup() : Nd4j.concat(0, copies);
        }
        return Terms.perRow(loss, dLda);
    }

    /** A loss over the whole batch: {@code total} spread evenly over the kept rows, and dL/da {@code [n, D]}. */
    public Terms spread(double total, INDArray dLda) {
        return Terms.perRow(Nd4j.valueArrayOf(new long[] {count, 1}, total / count, dataType()), dLda);
    }

    /** Terms over the kept rows, put back in place over all rows (zeros for masked rows). */
    Terms expand(Terms terms) {
        if (kept == null) {
            return terms;
        }
        return Terms.perRow(scatter(terms.loss()), scatter(terms.gradient()));
    }

    private INDArray scatter(INDArray keptRows) {
        if (keptRows == null) {
            return null;
        }
        INDArray full = Nd4j.zeros(dataType(), batch.rows(), keptRows.size(1));
        long[] index = new long[kept.length];
        for (int r = 0; r < kept.length; r++) {
            index[r] = kept[r];
        }
        full.put(new INDArrayIndex[] {NDArrayIndex.indices(index), NDArrayIndex.all()}, keptRows);
        return full;
    }

    /** Zero terms over all rows: nothing is left to learn from. */
    static Terms nothing(Batch batch) {
        return Terms.perRow(Nd4j.zeros(batch.dataType(), batch.rows(), 1),
                Nd4j.zeros(batch.dataType(), batch.rows(), batch.columns()));
    }
}
