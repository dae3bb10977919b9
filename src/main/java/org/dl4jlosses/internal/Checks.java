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

    /** Throws {@link #badMask} for the first entry of {@code mask} [R, 1] or [R, K] that is neither 0 nor 1. */
    static void maskValues(String loss, INDArray mask) {
        if (mask == null) {
            return;
        }
        INDArray m = mask.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        if (m.mul(m.sub(1)).norm1Number().doubleValue() == 0) {
            return;
        }
        double[] values = m.reshape(m.length()).toDoubleVector();
        long columns = mask.rank() == 2 ? mask.size(1) : 1;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0 && values[i] != 1) {
                throw badMask(loss, values[i], "row " + i / columns + (columns == 1 ? "" : ", column " + i % columns));
            }
        }
    }

    public static String shape(INDArray array) {
        return Arrays.toString(array.shape());
    }
}
