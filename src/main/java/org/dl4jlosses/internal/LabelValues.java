package org.dl4jlosses.internal;

import static org.dl4jlosses.internal.Checks.fail;


/** What labels of each kind must be, and the messages that name a label outside its domain. */
public final class LabelValues {
    private LabelValues() {
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
            case COUNT:
                return "counts: finite and >= 0";
            case GRADES:
                return "relevance grades: finite and >= 0";
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

    /** Whether one label value is in the domain of an element-wise kind (REAL, PROBABILITY, COUNT, SIGNED_BINARY). */
    static boolean inDomain(LabelKind kind, double v) {
        switch (kind) {
            case PROBABILITY:
                return v >= 0 && v <= 1;
            case SIGNED_BINARY:
                return v == -1 || v == 0 || v == 1;
            case COUNT:
                return v >= 0 && v < Double.POSITIVE_INFINITY;
            default:
                return Double.isFinite(v);
        }
    }

}
