package org.dl4jlosses.ranking;

import org.dl4jlosses.internal.LaneMath;
import org.nd4j.linalg.api.buffer.DataType;

/** What the listwise losses share: per-thread working rows, a row's sum, and the items in order of grade. */
final class Lists {
    /** Per thread and precision (float32, float64): working rows of the lanes' precision. */
    private static final ThreadLocal<Object[][]> ROWS = ThreadLocal.withInitial(() -> new Object[2][]);
    /** Per thread: an ordering of the items, the merge sort's second array, and the counts of whole grades. */
    private static final ThreadLocal<int[][]> ORDERS =
            ThreadLocal.withInitial(() -> new int[][] {new int[0], new int[0], new int[Lists.COUNTED_GRADES + 1]});
    private static final ThreadLocal<double[]> DOUBLES = ThreadLocal.withInitial(() -> new double[0]);
    /** Grades that are whole numbers below this are put in order by counting (else by a merge sort). */
    private static final int COUNTED_GRADES = 64;

    private Lists() {
    }

    /**
     * {@code count} working rows of the lanes' precision for lists of k items, reused by the
     * calling thread: each holds a whole vector past k, so that a step may start anywhere inside.
     */
    static Object[] rows(LaneMath<?> n, int k, int count) {
        Object[][] all = ROWS.get();
        int which = n.dataType() == DataType.FLOAT ? 0 : 1;
        Object[] rows = all[which];
        int length = k + LaneMath.PAD;
        if (rows == null || rows.length < count || java.lang.reflect.Array.getLength(rows[0]) < length) {
            rows = new Object[Math.max(count, rows == null ? 0 : rows.length)];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = n.row(length);
            }
            all[which] = rows;
        }
        return rows;
    }

    /** A float64 working array of at least k elements, reused by the calling thread. */
    static double[] doubles(int k) {
        double[] d = DOUBLES.get();
        if (d.length < k) {
            d = new double[k];
            DOUBLES.set(d);
        }
        return d;
    }

    /** {@code sum_i row_i} over the first k elements. */
    static <V> double sum(LaneMath<V> n, Object row, int k) {
        n.begin(k);
        int width = n.width(k);
        int whole = k / width * width;
        V acc = n.of(0);
        for (int i = 0; i < whole; i += width) {
            acc = n.add(acc, n.loadRow(row, i));
        }
        if (whole < k) {
            // The last vector reaches into the row's padding: its lanes there are left out.
            acc = n.addLanes(acc, n.loadRow(row, whole), whole, k);
        }
        return n.sum(acc, k);
    }

    /**
     * The k items by grade, highest first, items of equal grade in the order they come: a stable
     * order, so that ties are broken the same way on every call. Whole grades below 64 (the usual
     * 0..4) are counted into place; any others go through a merge sort.
     */
    static int[] byGrade(LaneMath<?> n, Object grades, int k) {
        int[][] orders = ORDERS.get();
        if (orders[0].length < k) {
            orders[0] = new int[k];
            orders[1] = new int[k];
        }
        int[] order = orders[0];
        int[] count = orders[2];
        java.util.Arrays.fill(count, 0);
        boolean counted = true;
        for (int i = 0; i < k && counted; i++) {
            double g = n.get(grades, i);
            counted = g < COUNTED_GRADES && g == (int) g;
            if (counted) {
                count[COUNTED_GRADES - 1 - (int) g + 1]++;
            }
        }
        if (counted) {
            // count[b + 1] items in bucket b (grade 63 - b); prefix sums give each bucket's first place.
            for (int b = 1; b <= COUNTED_GRADES; b++) {
                count[b] += count[b - 1];
            }
            for (int i = 0; i < k; i++) {
                order[count[COUNTED_GRADES - 1 - (int) n.get(grades, i)]++] = i;
            }
            return order;
        }
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        return mergeSort(n, grades, k, order, orders[1]);
    }

    /** A bottom-up merge sort of {@code order}, highest grade first, stable. */
    private static int[] mergeSort(LaneMath<?> n, Object grades, int k, int[] order, int[] work) {
        int[] from = order;
        int[] to = work;
        for (int width = 1; width < k; width *= 2) {
            for (int lo = 0; lo < k; lo += 2 * width) {
                int mid = Math.min(lo + width, k);
                int hi = Math.min(lo + 2 * width, k);
                int left = lo;
                int right = mid;
                for (int out = lo; out < hi; out++) {
                    // The right run's item goes first only when its grade is strictly higher: stable.
                    boolean takeRight = left >= mid
                            || right < hi && n.get(grades, from[right]) > n.get(grades, from[left]);
                    to[out] = takeRight ? from[right++] : from[left++];
                }
            }
            int[] swap = from;
            from = to;
            to = swap;
        }
        return from;
    }
}
