package org.dl4jlosses.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The row primitives (vectorised when the Vector API is present) against their definitions, at
 * every length around the vector widths (bodies, remainders, rows shorter than one vector) and
 * at offsets into a longer array.
 */
class LanesTest {
    private static final int[] LENGTHS = lengths();

    private static int[] lengths() {
        int[] out = new int[80];
        for (int i = 0; i < 70; i++) {
            out[i] = i;
        }
        int[] large = {127, 128, 129, 255, 256, 257, 1000, 1001, 4099, 10000};
        System.arraycopy(large, 0, out, 70, large.length);
        return out;
    }

    @Test
    void expSumWritesEveryExpAndSumsThemOnce() {
        Random random = new Random(1);
        for (int n : LENGTHS) {
            int off = 3;
            float[] a = gaussian(random, n + off + 2);
            float shift = 0.7f;
            double expected = 0;
            float[] expectedOut = new float[n];
            for (int i = 0; i < n; i++) {
                expectedOut[i] = (float) Math.exp(a[off + i] - shift);
                expected += expectedOut[i];
            }
            float[] out = new float[n + 5];
            double sum = Lanes.expSum(a, off, n, shift, out, 5);
            assertEquals(expected, sum, 1e-5 * (1 + expected), "sum, n = " + n);
            assertArrayEquals(expectedOut, Arrays.copyOfRange(out, 5, 5 + n), 1e-6f, "exps, n = " + n);
            assertEquals(expected, Lanes.expSum(a, off, n, shift, null, 0), 1e-5 * (1 + expected), "no out, n = " + n);
            // In place, as the ArcFace kernel calls it.
            float[] inPlace = Arrays.copyOfRange(a, off, off + n);
            assertEquals(expected, Lanes.expSum(inPlace, 0, n, shift, inPlace, 0), 1e-5 * (1 + expected));
            assertArrayEquals(expectedOut, inPlace, 1e-6f, "in place, n = " + n);
        }
    }

    @Test
    void maxAbsAndMaxShowNaN() {
        Random random = new Random(2);
        for (int n : LENGTHS) {
            if (n == 0) {
                continue;
            }
            float[] a = gaussian(random, n);
            float expectedAbs = 0;
            float expectedMax = Float.NEGATIVE_INFINITY;
            for (float v : a) {
                expectedAbs = Math.max(expectedAbs, Math.abs(v));
                expectedMax = Math.max(expectedMax, v);
            }
            assertEquals(expectedAbs, Lanes.maxAbs(a, 0, n), "maxAbs, n = " + n);
            assertEquals(expectedMax, Lanes.max(a, 0, n), "max, n = " + n);
            a[random.nextInt(n)] = Float.NaN;
            assertEquals(Float.NaN, Lanes.maxAbs(a, 0, n), "maxAbs with NaN, n = " + n);
            assertEquals(Float.NaN, Lanes.max(a, 0, n), "max with NaN, n = " + n);
        }
    }

    private static float[] gaussian(Random random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }
}
