package org.dl4jlosses.internal;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The kept rows of a {@link CoupledLoss} call as Java arrays of the call's precision (float[] or
 * double[]), for its {@link CoupledFormula}: masked rows removed (whole tuples for BLOCKS), in
 * their order, block by block for BLOCKS.
 *
 * <p>The arrays are per-thread scratch that the next call on the thread overwrites: a formula
 * reads them during its call only. {@link #scratch} lends a formula more of the same kind.
 */
public final class KeptRows {
    private static final int SLOTS = 6;
    private static final ThreadLocal<Object[][]> SCRATCH = ThreadLocal.withInitial(() -> new Object[2][SLOTS]);

    final Object values;
    final int count;
    final int columns;
    final int tuples;
    final int[] groups;
    final int groupCount;
    final double[] unitValues;
    final Object labels;
    final int labelColumns;
    final int[] kept;
    final int originalRows;

    KeptRows(Object values, int count, int columns, int tuples, int[] groups, double[] unitValues,
             Object labels, int labelColumns, int[] kept, int originalRows) {
        this.values = values;
        this.count = count;
        this.columns = columns;
        this.tuples = tuples;
        this.groups = groups;
        this.groupCount = groups == null ? 0 : Rows.groupCount(groups);
        this.unitValues = unitValues;
        this.labels = labels;
        this.labelColumns = labelColumns;
        this.kept = kept;
        this.originalRows = originalRows;
    }

    /** The number n of kept rows. */
    public int count() {
        return count;
    }

    /** The number of rows of the call, masked ones included. */
    public int originalRows() {
        return originalRows;
    }

    /** The row of the call that kept row r is (as {@link Rows#originalRow}): where a loss groups rows by position. */
    public int originalRow(int r) {
        return kept == null ? r : kept[r];
    }

    /** Columns D of each row. */
    public int columns() {
        return columns;
    }

    /** The kept rows of the activation's output, row-major {@code n x D} (read-only), a float[] or double[]. */
    public Object rows() {
        return values;
    }

    /** BLOCKS: the number of kept tuples N' (rows per block); otherwise {@link #count()}. */
    public int tuples() {
        return tuples;
    }

    /** GROUPS: each kept row's group, numbered 0..{@link #groupCount()}-1 in order of first appearance. */
    public int[] groups() {
        return groups;
    }

    /** GROUPS: the kept rows of each group, in order, indexed by group (a new array per call). */
    public int[][] groupMembers() {
        int[] sizes = new int[groupCount];
        for (int g : groups) {
            sizes[g]++;
        }
        int[][] members = new int[groupCount][];
        for (int g = 0; g < groupCount; g++) {
            members[g] = new int[sizes[g]];
            sizes[g] = 0;
        }
        for (int r = 0; r < count; r++) {
            members[groups[r]][sizes[groups[r]]++] = r;
        }
        return members;
    }

    /** GROUPS: kept row r's group as its labels give it, for messages: the id, or "one-hot column c". */
    public String groupLabel(int r) {
        double[] flat = (double[]) labels;
        int row = originalRow(r);
        if (labelColumns == 1) {
            double id = flat[row];
            return id == Math.rint(id) ? String.valueOf((long) id) : String.valueOf(id);
        }
        int column = 0;
        while (flat[row * labelColumns + column] != 1) {
            column++;
        }
        return "one-hot column " + column;
    }

    public int groupCount() {
        return groupCount;
    }

    /** ROW_VALUES: each unit's finite label value, as {@link Rows#values()}. */
    public double[] unitValues() {
        return unitValues;
    }

    /** Other label kinds: the kept rows' labels as given, row-major {@code n x labelColumns()} (unchecked), a float[] or double[]. */
    public Object labelRows() {
        return labels;
    }

    public int labelColumns() {
        return labelColumns;
    }

    /**
     * A per-thread array of at least {@code length} elements of the lanes' precision (a float[] or
     * double[], contents undefined), slot 0..5; a formula's slots are its own for the call.
     */
    public static Object scratch(LaneMath<?> n, int slot, int length) {
        DataType type = n.dataType();
        Object[] slots = SCRATCH.get()[type == DataType.FLOAT ? 0 : 1];
        if (slots[slot] == null || java.lang.reflect.Array.getLength(slots[slot]) < length) {
            slots[slot] = type == DataType.FLOAT ? new float[length] : new double[length];
        }
        return slots[slot];
    }

}
