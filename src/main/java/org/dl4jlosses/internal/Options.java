package org.dl4jlosses.internal;

import java.util.Arrays;

/** The check of one {@link Option} value against its bounds, with the library's message form. */
final class Options {
    /**
     * The largest magnitude of any number an option takes. The losses multiply options with each
     * other and with inputs of up to 1e4 in float32, whose largest value is 3.4e38: from here on
     * products stay finite.
     */
    static final double LARGEST = 1e6;
    /** The smallest non-zero magnitude of a number an option takes: the smallest normal float32. */
    static final double SMALLEST = Float.MIN_NORMAL;
    private static final String IN_FLOAT32 = ", and 0 or between " + SMALLEST + " and " + (long) LARGEST
            + " in magnitude (float32 arithmetic overflows or underflows beyond)";

    private Options() {
    }

    /** Checks the value of an option of this type; null is "none" for arrays, an error for anything else. */
    static void check(String loss, String option, Class<?> type, Option bounds, Object value) {
        if (value == null) {
            Checks.require(type.isArray(), loss, option, "non-null", "null");
            return;
        }
        if (value instanceof Double) {
            double v = (Double) value;
            Checks.require(Double.isFinite(v) && within(v, bounds), loss, option, expected(bounds, ""), v);
            Checks.require(inFloat32(v), loss, option, expected(bounds, IN_FLOAT32), v);
        } else if (value instanceof Integer) {
            int v = (Integer) value;
            Checks.require(within(v, bounds), loss, option, expected(bounds, ""), v);
        } else if (value instanceof double[]) {
            double[] values = (double[]) value;
            Checks.require(values.length > 0, loss, option, "null or a non-empty vector", "an empty vector");
            for (double v : values) {
                Checks.require(Double.isFinite(v) && within(v, bounds), loss, option, expected(bounds, " in every entry"),
                        Arrays.toString(values));
                Checks.require(inFloat32(v), loss, option, expected(bounds, " in every entry" + IN_FLOAT32),
                        Arrays.toString(values));
            }
        }
    }

    private static boolean inFloat32(double v) {
        double magnitude = Math.abs(v);
        return magnitude == 0 || magnitude >= SMALLEST && magnitude <= LARGEST;
    }

    private static boolean within(double v, Option b) {
        boolean aboveMin = b.minExclusive() ? v > b.min() : v >= b.min();
        boolean belowMax = b.maxExclusive() ? v < b.max() : v <= b.max();
        return aboveMin && belowMax;
    }

    private static String expected(Option b, String suffix) {
        if (!b.expected().isEmpty()) {
            return b.expected();
        }
        boolean hasMin = b.min() != Double.NEGATIVE_INFINITY;
        boolean hasMax = b.max() != Double.POSITIVE_INFINITY;
        String text;
        if (hasMin && hasMax) {
            text = "in " + (b.minExclusive() ? "(" : "[") + number(b.min()) + ", " + number(b.max())
                    + (b.maxExclusive() ? ")" : "]");
        } else if (hasMin) {
            text = "finite and " + (b.minExclusive() ? "> " : ">= ") + number(b.min());
        } else if (hasMax) {
            text = "finite and " + (b.maxExclusive() ? "< " : "<= ") + number(b.max());
        } else {
            text = "finite";
        }
        return text + suffix;
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
