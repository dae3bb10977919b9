package org.dl4jlosses.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The examples' metrics on cases small enough to count by hand (the expected values are worked out in comments). */
class MetricsTest {
    private static final double EPS = 1e-12;

    @Test
    void classificationCounts() {
        int[] predicted = {0, 1, 1, 0, 1};
        int[] truth = {0, 1, 0, 0, 1};
        assertEquals(0.8, Metrics.accuracy(predicted, truth), EPS);
        assertEquals(1.0, Metrics.recall(predicted, truth, 1), EPS);       // rows 1, 4 both found
        assertEquals(2.0 / 3, Metrics.recall(predicted, truth, 0), EPS);   // rows 0, 3 of 0, 2, 3
        assertEquals(2.0 / 3, Metrics.precision(predicted, truth, 1), EPS); // rows 1, 4 of 1, 2, 4
        assertEquals(0.8, Metrics.f1(predicted, truth, 1), EPS);           // 2 (2/3)(1) / (5/3)
        assertEquals(0.0, Metrics.recall(predicted, truth, 2), EPS);       // no row of class 2
        assertEquals(0.0, Metrics.f1(new int[] {0, 0}, new int[] {1, 1}, 1), EPS);
    }

    @Test
    void rocAucIsTheLibrarys() {
        // ROC-AUC and EER are tested with the library (org.dl4jlosses.evaluation.VerificationTest);
        // here only that the classification examples' positives play the genuine scores' part.
        assertEquals(0.75, Metrics.rocAuc(new double[] {0.9, 0.4}, new double[] {0.1, 0.4, 0.8}), EPS);
        assertEquals(0.0, Metrics.rocAuc(new double[] {0, 1}, new double[] {2, 3}), EPS);
    }

    @Test
    void rankingCountsTiesAgainstTheRelevantCandidate() {
        double[] scores = {0.2, 0.9, 0.5, 0.9};
        assertEquals(3, Metrics.rankOfFirstRelevant(scores, new boolean[] {false, false, true, false}));
        assertEquals(2, Metrics.rankOfFirstRelevant(scores, new boolean[] {false, true, true, false})); // 0.9 ties 0.9
        assertEquals(1, Metrics.rankOfFirstRelevant(scores, new boolean[] {false, true, false, true}));
        assertEquals(2, Metrics.rankOfFirstRelevant(new double[] {0.5, 0.5}, new boolean[] {true, false}));
        assertThrows(IllegalArgumentException.class,
                () -> Metrics.rankOfFirstRelevant(new double[] {1, 2}, new boolean[] {false, false}));
    }

    @Test
    void overlapAndErrors() {
        boolean[] p = {true, true, false, false};
        boolean[] t = {true, false, true, false};
        assertEquals(0.5, Metrics.dice(p, t), EPS);       // 2 x 1 / (2 + 2)
        assertEquals(1.0 / 3, Metrics.iou(p, t), EPS);    // 1 / 3
        assertEquals(1.0, Metrics.dice(new boolean[2], new boolean[2]), EPS);
        assertEquals(1.0, Metrics.iou(new boolean[2], new boolean[2]), EPS);
        assertEquals(Math.sqrt(2.5), Metrics.rmse(new double[] {1, 2}, new double[] {0, 0}), EPS);
        assertEquals(1.5, Metrics.mae(new double[] {1, -2}, new double[] {0, 0}), EPS);
        assertArrayEquals(new int[] {1, 0, 2}, Metrics.argMax(new double[][] {{0, 3, 1}, {5, 5, 1}, {0, 1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(new int[2], new int[3]));
    }

    @Test
    void spearmanRanksWithTiesAtTheirMeanRank() {
        // Ranks of b: 1, 2, 3.5, 5, 3.5; against 1..5: 8 / sqrt(10 x 9.5).
        assertEquals(8 / Math.sqrt(95), Metrics.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7}), EPS);
        assertEquals(-1.0, Metrics.spearman(new double[] {0.1, 0.5, 0.9}, new double[] {30, 20, -4}), EPS);
        assertEquals(0.0, Metrics.spearman(new double[] {1, 2, 3}, new double[] {7, 7, 7}), EPS, "a constant series");
    }
}
