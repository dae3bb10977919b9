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

    /** The error for a mask entry that is neither 0 nor 1 (NaN and infinity included), at {@code where}. */
    static IllegalArgumentException badMask(String loss, double value, String where) {
        return fail(loss, "mask", "0 or 1 in every entry (a mask keeps or removes entries; it does not weigh them)",
                value + " at " + where);
    }

    /**
     * The error for a value of the rows a mask keeps that is not finite: of {@code preOutput}, or
     * with {@code activated} of the activation's output (what the formula reads).
     */
    static IllegalArgumentException notFinite(String loss, boolean activated, double value, int row, int column) {
        return fail(loss, "preOutput", activated ? "finite values after the activation in the rows the mask keeps"
                : "finite values in the rows the mask keeps", (Double.isNaN(value) ? "NaN" : "an infinite value")
                + " at row " + row + ", column " + column);
    }

    /**
     * The error for row {@code row}, whose values are finite but give a loss that is not: a value
     * outside the formula's domain (a negative rate under a logarithm), or one so large that the loss
     * overflows the data type.
     */
    static IllegalArgumentException outsideDomain(String loss, boolean activated, int row) {
        return fail(loss, "preOutput", (activated ? "values after the activation" : "values")
                + " for which the loss is defined and finite (see the loss's Javadoc)",
                "values at row " + row + " that give a NaN or infinite loss");
    }

    public static String shape(INDArray array) {
        return Arrays.toString(array.shape());
    }
}
