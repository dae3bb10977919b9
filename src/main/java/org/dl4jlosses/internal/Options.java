package org.dl4jlosses.internal;

import java.util.Arrays;

/** The check of one {@link Option} value against its bounds, with the library's message form. */
final class Options {
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
        } else if (value instanceof Integer) {
            int v = (Integer) value;
            Checks.require(within(v, bounds), loss, option, expected(bounds, ""), v);
        } else if (value instanceof double[]) {
            double[] values = (double[]) value;
            Checks.require(values.length > 0, loss, option, "null or a non-empty vector", "an empty vector");
            for (double v : values) {
                Checks.require(Double.isFinite(v) && within(v, bounds), loss, option, expected(bounds, " in every entry"),
                        Arrays.toString(values));
            }
        }
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
