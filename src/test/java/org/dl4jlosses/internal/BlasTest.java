package org.dl4jlosses.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.factory.Nd4j;

/** {@link Blas#multiply} against a plain triple loop, for all four transpositions and shapes that grow and shrink. */
class BlasTest {
    @Test
    void productsMatchTheDefinition() {
        Random random = new Random(11);
        int[][] shapes = {{3, 4, 5}, {64, 33, 17}, {1, 7, 1}, {130, 129, 65}, {2, 2, 2}};
        for (int[] shape : shapes) {
            int m = shape[0];
            int k = shape[1];
            int n = shape[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = random(random, m * k);
                    float[] b = random(random, k * n);
                    float[] c = new float[m * n];
                    Blas.multiply(a, ta ? k : m, ta ? m : k, ta, b, tb ? n : k, tb ? k : n, tb, c);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double expected = 0;
                            for (int p = 0; p < k; p++) {
                                double x = ta ? a[p * m + i] : a[i * k + p];
                                double y = tb ? b[j * k + p] : b[p * n + j];
                                expected += x * y;
                            }
                            assertEquals(expected, c[i * n + j], 1e-4 * (1 + Math.abs(expected)),
                                    m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb + " at " + i + "," + j);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theSameArrayOnBothSidesGivesItsGramMatrix() {
        Random random = new Random(5);
        float[] x = random(random, 6 * 4);
        float[] gram = new float[36];
        Blas.multiply(x, 6, 4, false, x, 6, 4, true, gram);
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                double expected = 0;
                for (int p = 0; p < 4; p++) {
                    expected += (double) x[i * 4 + p] * x[j * 4 + p];
                }
                assertEquals(expected, gram[i * 6 + j], 1e-5);
            }
        }
    }

    @Test
    void insideACallersWorkspaceTheBuffersOutliveIt() {
        // The per-thread buffers are made outside any workspace: a workspace closing (and being
        // reset) between calls must not pull them away.
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(1 << 20).build();
        float[] x = random(new Random(2), 50 * 20);
        float[] first = new float[2500];
        float[] second = new float[2500];
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "BLAS_TEST")) {
            Blas.multiply(x, 50, 20, false, x, 50, 20, true, first);
        }
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "BLAS_TEST")) {
            Nd4j.rand(DataType.FLOAT, 512, 512); // overwrites whatever the workspace held
            Blas.multiply(x, 50, 20, false, x, 50, 20, true, second);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(first, second);
    }

    @Test
    void innerDimensionsMustAgree() {
        assertThrows(IllegalArgumentException.class,
                () -> Blas.multiply(new float[6], 2, 3, false, new float[8], 4, 2, false, new float[4]));
    }

    private static float[] random(Random random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }
}
