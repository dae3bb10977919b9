package org.dl4jlosses.internal;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Argument checks with the library's one message form:
 * {@code "<Loss>: <argument> must be <expected>, got <actual>"}.
 */
public final class Checks {
    private Checks() {
    }

    public static IllegalArgumentException fail(String loss, String argument, String expected, Object actual) {
        return new IllegalArgumentException(loss + ": " + argument + " must be " + expected + ", got " + actual);
    }

    public static void require(boolean ok, String loss, String argument, String expected, Object actual) {
        if (!ok) {
            throw fail(loss, argument, expected, actual);
        }
    }

    public static String shape(INDArray array) {
        return Arrays.toString(array.shape());
    }

    // ---- option checks, used at build() and JSON construction

    public static double finite(String loss, String option, double value) {
        require(Double.isFinite(value), loss, option, "finite", value);
        return value;
    }

    public static double atLeast(String loss, String option, double value, double min) {
        require(Double.isFinite(value) && value >= min, loss, option, "finite and >= " + min, value);
        return value;
    }

    public static double positive(String loss, String option, double value) {
        require(Double.isFinite(value) && value > 0, loss, option, "finite and > 0", value);
        return value;
    }

    public static double between(String loss, String option, double value, double min, double max) {
        require(value >= min && value <= max, loss, option, "in [" + min + ", " + max + "]", value);
        return value;
    }

    /** A per-column or per-class vector: null (none), or non-empty, finite and >= 0; copied. */
    public static double[] weights(String loss, String option, double[] values) {
        if (values == null) {
            return null;
        }
        require(values.length > 0, loss, option, "null or a non-empty vector", "an empty vector");
        for (double v : values) {
            require(Double.isFinite(v) && v >= 0, loss, option, "finite and >= 0 in every entry", Arrays.toString(values));
        }
        return values.clone();
    }

    /** Like {@link #weights} but every entry strictly positive. */
    public static double[] positiveWeights(String loss, String option, double[] values) {
        double[] copy = weights(loss, option, values);
        if (copy != null) {
            for (double v : copy) {
                require(v > 0, loss, option, "> 0 in every entry", Arrays.toString(values));
            }
        }
        return copy;
    }

    public static <T> T notNull(String loss, String option, T value) {
        require(value != null, loss, option, "non-null", "null");
        return value;
    }
}
