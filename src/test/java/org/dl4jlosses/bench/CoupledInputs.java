package org.dl4jlosses.bench;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inputs {z, labels} (float32, outside any workspace) of the coupled benchmark cases, drawn like
 * the PyTorch companion's (src/test/python/bench_torch.py): the same shapes and distributions.
 */
final class CoupledInputs {
    private CoupledInputs() {
    }

    private static INDArray gaussian(long rows, long columns, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, rows, columns);
    }

    /** n pairs of scores [n, 2], labels +-1 [n, 1]. */
    static INDArray[] pairs(int n, long seed) {
        Random rnd = new Random(seed);
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextBoolean() ? 1f : -1f;
        }
        return new INDArray[] {gaussian(n, 2, seed), Nd4j.create(y, new long[] {n, 1}, DataType.FLOAT)};
    }

    /** images x pixels rows of logits over k classes, one-hot labels. */
    static INDArray[] pixels(int images, int pixels, int k, long seed) {
        Random rnd = new Random(seed);
        int rows = images * pixels;
        float[] y = new float[rows * k];
        for (int r = 0; r < rows; r++) {
            y[r * k + rnd.nextInt(k)] = 1f;
        }
        return new INDArray[] {gaussian(rows, k, seed), Nd4j.create(y, new long[] {rows, k}, DataType.FLOAT)};
    }

    /** n embeddings [n, d] with group ids [n, 1] cycling through the given number of groups. */
    static INDArray[] groups(int n, int d, int groups, long seed) {
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % groups;
        }
        return new INDArray[] {gaussian(n, d, seed), Nd4j.create(y, new long[] {n, 1}, DataType.FLOAT)};
    }

    /** g blocks of n embeddings [g n, d]; labels [g n, 1] unused (zeros). */
    static INDArray[] blocks(int g, int n, int d, long seed) {
        return new INDArray[] {gaussian((long) g * n, d, seed), Nd4j.zeros(DataType.FLOAT, (long) g * n, 1)};
    }

    /** n pairs [2 n, d] (left block; right block) with scores 0..grades-1 in block 0's labels, zeros in block 1's. */
    static INDArray[] scoredPairs(int n, int d, int grades, long seed) {
        Random rnd = new Random(seed);
        float[] y = new float[2 * n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(grades);
        }
        return new INDArray[] {gaussian(2L * n, d, seed), Nd4j.create(y, new long[] {2L * n, 1}, DataType.FLOAT)};
    }

    /** n rows of cosines in (-1, 1) over c classes, class index labels [n, 1]. */
    static INDArray[] cosines(int n, int c, long seed) {
        Random rnd = new Random(seed);
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(c);
        }
        Nd4j.getRandom().setSeed(seed);
        INDArray z = Nd4j.rand(DataType.FLOAT, n, c).muli(1.8).subi(0.9);
        return new INDArray[] {z, Nd4j.create(y, new long[] {n, 1}, DataType.FLOAT)};
    }
}
