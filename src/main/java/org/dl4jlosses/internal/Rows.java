package org.dl4jlosses.internal;

import static org.dl4jlosses.internal.Checks.fail;
import static org.dl4jlosses.internal.Checks.require;

import java.util.HashMap;
import java.util.Map;

/**
 * How a coupled loss's row mask removes rows and how its labels form units: the kept rows (whole
 * tuples for BLOCKS, with the mask checked), each kept row's dense group (GROUPS) and each kept
 * unit's value (ROW_VALUES), with the messages that name a bad mask or label.
 */
final class Rows {
    private Rows() {
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

    /** {@link #values()} from the labels' values (one column) and the kept rows (null: all). */
    static double[] unitValues(String loss, Units units, double[] all, int[] kept, int tuples) {
        // Only the kept units' values are read, and checked: a masked unit's label is not data.
        double[] out = new double[tuples];
        for (int t = 0; t < tuples; t++) {
            int row = kept == null ? t : kept[t];
            out[t] = all[row];
            if (!Double.isFinite(out[t])) {
                throw fail(loss, "labels", "finite", out[t] + " at row " + row);
            }
        }
        return out;
    }

    /**
     * GROUPS: each kept row's group (kept null: all {@code count} rows), numbered 0, 1, ... in order
     * of first appearance, from the labels' values: integer ids {@code [R, 1]} or one-hot rows.
     */
    static int[] denseGroups(String loss, double[] flat, int rowCount, int width, int[] kept, int count) {
        int[] ids = new int[rowCount];
        // Only the kept rows' labels are read and checked: a masked row's label is not data (spec section 1).
        for (int r = 0; r < count; r++) {
            int i = kept == null ? r : kept[r];
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
}
