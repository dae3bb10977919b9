package org.dl4jlosses.classification;

import static org.dl4jlosses.testing.Assert.close;
import static org.dl4jlosses.testing.Assert.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Class-balanced weights against Cui et al.'s formula, written out here as the paper gives it. */
class ClassWeightsTest {

    /** The paper's recipe: (1 - beta) / (1 - beta^n), scaled so that the weights sum to the number of classes. */
    private static double[] paper(long[] counts, double beta) {
        double[] w = new double[counts.length];
        double sum = 0;
        for (int c = 0; c < counts.length; c++) {
            w[c] = (1 - beta) / (1 - Math.pow(beta, counts[c]));
            sum += w[c];
        }
        for (int c = 0; c < counts.length; c++) {
            w[c] = w[c] / sum * counts.length;
        }
        return w;
    }

    @Test
    void reproducesThePapersFormula() {
        long[] counts = {5000, 2000, 500, 50, 5};
        for (double beta : new double[] {0.9, 0.99, 0.999, 0.9999}) {
            double[] w = ClassWeights.effectiveNumber(counts, beta);
            double[] expected = paper(counts, beta);
            for (int c = 0; c < counts.length; c++) {
                close(expected[c], w[c], 1e-12, "beta " + beta + " class " + c);
            }
        }
    }

    @Test
    void limitsAndSum() {
        long[] counts = {1000, 10, 1};
        assertArrayEquals(new double[] {1, 1, 1}, ClassWeights.effectiveNumber(counts, 0), 0);
        // beta -> 1: inverse class frequency, normalised.
        double[] inverse = {1.0 / 1000, 1.0 / 10, 1};
        double total = inverse[0] + inverse[1] + inverse[2];
        double[] nearOne = ClassWeights.effectiveNumber(counts, 1 - 1e-12);
        for (int c = 0; c < 3; c++) {
            close(inverse[c] / total * 3, nearOne[c], 1e-6, "beta near 1, class " + c);
        }
        double sum = 0;
        for (double v : ClassWeights.effectiveNumber(new long[] {3, 1, 4, 1, 5}, 0.5)) {
            sum += v;
        }
        close(5, sum, 1e-12, "sum");
    }

    @Test
    void theWeightsServeALoss() {
        double[] w = ClassWeights.effectiveNumber(new long[] {900, 90, 10}, 0.99);
        CrossEntropyLoss loss = CrossEntropyLoss.builder().weights(w).build();
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 2, 3}});
        INDArray y = Nd4j.createFromArray(new double[][] {{0, 0, 1}});
        double logp = 3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        close(-w[2] * logp, loss.computeScore(y, z, new ActivationSoftmax(), null, false), 1e-12, "weighted CE");
    }

    @Test
    void badInput() {
        rejects(() -> ClassWeights.effectiveNumber(new long[] {5, 0}, 0.9),
                "ClassWeights: counts must be >= 1 in every entry", "got 0 at class 1");
        rejects(() -> ClassWeights.effectiveNumber(new long[] {5}, 1.0), "ClassWeights: beta must be in [0, 1), got 1.0");
        rejects(() -> ClassWeights.effectiveNumber(new long[0], 0.9), "ClassWeights: counts must be one count per class");
        rejects(() -> ClassWeights.effectiveNumber(null, 0.9), "ClassWeights: counts", "null");
    }
}
