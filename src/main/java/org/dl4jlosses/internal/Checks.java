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
}
