package org.dl4jlosses.internal;

import static org.dl4jlosses.internal.Checks.fail;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Condition;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Label-domain checks. A small array is scanned in Java (one native copy, no op overheads); a
 * large one is first checked by one or two native counting passes, and only looked at closely
 * (for the message) when those fail. Rows a row mask excludes may hold anything: they are
 * only looked at again, and left out, when a check of the whole array fails; NaN and infinity are
 * rejected everywhere.
 */
public final class LabelValues {
    /** Up to this many elements, checks run in Java on a copy. */
    private static final long JAVA_SCAN_LIMIT = 1 << 14;

    private LabelValues() {
    }

    static INDArray check(String loss, LabelKind kind, INDArray labels, INDArray rowMask) {
        String problem = problem(kind, labels);
        // A masked row may hold any label, but not NaN or infinity: 0 x NaN would still poison the sums.
        boolean notFinite = "NaN".equals(problem) || "an infinite value".equals(problem);
        if (problem != null && rowMask != null && !notFinite) {
            INDArray kept = unmaskedRows(labels, rowMask);
            problem = kept == null ? null : problem(kind, kept);
        }
        if (problem != null) {
            throw fail(loss, "labels", expected(kind, labels.size(0)), problem);
        }
        return labels;
    }

    /** What labels of this kind must be, for messages; {@code rows} is the batch's row count. */
    static String expected(LabelKind kind, long rows) {
        switch (kind) {
            case CLASSES:
                return "one-hot or probability rows with values in [0, 1], or class indices [" + rows + ", 1]";
            case ONE_CLASS:
                return "one-hot rows (exactly one 1 per row), or class indices [" + rows + ", 1]";
            default:
                return expected(kind);
        }
    }

    /** What labels of a kind read value by value must be, for messages. */
    static String expected(LabelKind kind) {
        switch (kind) {
            case PROBABILITY:
            case CHANNELS:
                return "probabilities in [0, 1]";
            case SIGNED_BINARY:
                return "-1, 0 or +1 (0 read as -1)";
            default:
                return "finite";
        }
    }

    /** The error for the label v at row r, column c, outside the domain of {@code kind}. */
    static IllegalArgumentException outside(String loss, LabelKind kind, double v, int r, int c) {
        String value = Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? "an infinite value" : Double.toString(v);
        return Checks.fail(loss, "labels", expected(kind), value + " at row " + r + ", column " + c);
    }

    /**
     * The error for the label v at row r, column c of a batch of {@code rows} rows, outside the
     * domain of {@code kind} (CLASSES: values in [0, 1]; CHANNELS, PROBABILITY: probabilities).
     */
    public static IllegalArgumentException outside(String loss, LabelKind kind, long rows, double v, int r, int c) {
        String value = Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? "an infinite value" : Double.toString(v);
        return Checks.fail(loss, "labels", expected(kind, rows), value + " at row " + r + ", column " + c);
    }

    /** The error for the class index v at row r of a batch of {@code rows} rows and {@code classes} classes. */
    public static IllegalArgumentException badClassIndex(String loss, double v, int classes, long rows, int r) {
        return Checks.fail(loss, "labels", "class indices in 0.." + (classes - 1) + " (one per row) or one-hot rows ["
                + rows + ", " + classes + "]", v + " at row " + r);
    }

    /** Whether one label value is in the domain of an element-wise kind (REAL, PROBABILITY, SIGNED_BINARY). */
    static boolean inDomain(LabelKind kind, double v) {
        switch (kind) {
            case PROBABILITY:
                return v >= 0 && v <= 1;
            case SIGNED_BINARY:
                return v == -1 || v == 0 || v == 1;
            default:
                return Double.isFinite(v);
        }
    }

    /** What is wrong with these labels for this kind, or null. */
    private static String problem(LabelKind kind, INDArray labels) {
        if (labels.length() > JAVA_SCAN_LIMIT && plausible(kind, labels)) {
            return null;
        }
        double[] range = range(labels);
        double min = range[0];
        double max = range[1];
        if (Double.isNaN(range[2])) {
            return "NaN";
        }
        if (Double.isInfinite(range[2])) {
            return "an infinite value";
        }
        switch (kind) {
            case REAL:
                return null;
            case PROBABILITY:
            case CHANNELS:
            case CLASSES:
                return min >= 0 && max <= 1 ? null : "values in [" + min + ", " + max + "]";
            case ONE_CLASS:
                if (!(min >= 0 && max <= 1) || maxAbsOffSet(labels, 0, 1) != 0) {
                    return "values in [" + min + ", " + max + "] not all 0 or 1";
                }
                double[] sums = labels.sum(1).toDoubleVector();
                for (int i = 0; i < sums.length; i++) {
                    if (sums[i] != 1) {
                        return "a row with " + (long) sums[i] + " ones at row " + i;
                    }
                }
                return null;
            default:
                throw new AssertionError(kind);
        }
    }

    /**
     * The fast check of a large array, by BLAS passes: true when the values are certainly in the
     * domain of REAL, PROBABILITY, CHANNELS and CLASSES labels. Sum of absolute values finite = no NaN, no
     * infinity; largest |x - 1/2| at most 1/2 = all in [0, 1]. False means: look closer.
     */
    private static boolean plausible(LabelKind kind, INDArray x) {
        if (kind != LabelKind.REAL && kind != LabelKind.PROBABILITY && kind != LabelKind.CHANNELS
                && kind != LabelKind.CLASSES) {
            return false;
        }
        INDArray flat = kind == LabelKind.REAL ? x : x.sub(0.5);
        flat = flat.isView() || flat.ordering() != 'c' ? flat.dup('c') : flat;
        flat = flat.reshape(flat.length());
        if (!Double.isFinite(Nd4j.getBlasWrapper().asum(flat))) {
            return false;
        }
        return kind == LabelKind.REAL || Math.abs(flat.getDouble(Nd4j.getBlasWrapper().iamax(flat))) <= 0.5;
    }

    private static long count(INDArray x, Condition condition) {
        return Nd4j.getExecutioner().exec(new MatchCondition(x, condition)).getLong(0);
    }

    /** {min, max, sum}: the sum is NaN or infinite when some value is (or when it overflows, rechecked). */
    private static double[] range(INDArray x) {
        if (x.length() <= JAVA_SCAN_LIMIT) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (double v : values(x)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
            return new double[] {min, max, sum};
        }
        double sum = 0;
        if (count(x, Conditions.isNan()) > 0) {
            sum = Double.NaN;
        } else if (count(x, Conditions.isInfinite()) > 0) {
            sum = Double.POSITIVE_INFINITY;
        }
        return new double[] {x.minNumber().doubleValue(), x.maxNumber().doubleValue(), sum};
    }

    /** max |(x - a)(x - b)|: zero exactly when every value is a or b. */
    private static double maxAbsOffSet(INDArray x, double a, double b) {
        if (x.length() <= JAVA_SCAN_LIMIT) {
            double worst = 0;
            for (double v : values(x)) {
                worst = Math.max(worst, Math.abs((v - a) * (v - b)));
            }
            return worst;
        }
        return x.sub(a).muli(x.sub(b)).amaxNumber().doubleValue();
    }

    private static double[] values(INDArray x) {
        INDArray dense = x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
        return dense.data().getDoublesAt(dense.offset(), (int) dense.length());
    }

    /** The rows whose mask is not zero, or null if there are none. */
    private static INDArray unmaskedRows(INDArray labels, INDArray rowMask) {
        double[] mask = rowMask.toDoubleVector();
        long[] keep = new long[mask.length];
        int n = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                keep[n++] = i;
            }
        }
        return n == 0 ? null : labels.getRows(Arrays.stream(Arrays.copyOf(keep, n)).mapToInt(i -> (int) i).toArray());
    }

}
