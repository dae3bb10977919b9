package org.dl4jlosses.embedding;

import static org.dl4jlosses.embedding.SupervisedContrastiveLossTest.FOUR;
import static org.dl4jlosses.embedding.SupervisedContrastiveLossTest.IDENTITY;
import static org.dl4jlosses.embedding.TripletLossTest.ids;
import static org.dl4jlosses.embedding.TripletLossTest.rejects;
import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.dl4jlosses.testing.CoupledCatalogue;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * CircleLoss: values by hand, its gradient (the score's finite differences, weights included, where
 * it differs from the reference's detached gradient), bad options (what
 * the three GROUPS losses share is tested in {@link SupervisedContrastiveLossTest}; the PyTorch
 * values in the embedding_group fixtures).
 */
class CircleLossTest {

    /** sum over anchors with a positive and a negative of L_a, times n / A, on the rows z; weights from the rows w. */
    private static double frozen(double[][] z, double[][] w, int[] id, double m, double gamma) {
        int n = z.length;
        double[][] s = cosines(z);
        double[][] weights = cosines(w);
        double sum = 0;
        int anchors = 0;
        for (int a = 0; a < n; a++) {
            double p = 0;
            double q = 0;
            boolean positive = false;
            boolean negative = false;
            for (int j = 0; j < n; j++) {
                if (j == a) {
                    continue;
                }
                if (id[j] == id[a]) {
                    p += Math.exp(-gamma * Math.max(0, 1 + m - weights[a][j]) * (s[a][j] - (1 - m)));
                    positive = true;
                } else {
                    q += Math.exp(gamma * Math.max(0, weights[a][j] + m) * (s[a][j] - m));
                    negative = true;
                }
            }
            if (positive && negative) {
                sum += Math.log1p(p * q);
                anchors++;
            }
        }
        return sum * n / anchors;
    }

    private static double[][] cosines(double[][] z) {
        int n = z.length;
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                double ii = 0;
                double jj = 0;
                for (int k = 0; k < z[i].length; k++) {
                    dot += z[i][k] * z[j][k];
                    ii += z[i][k] * z[i][k];
                    jj += z[j][k] * z[j][k];
                }
                s[i][j] = dot / Math.sqrt(ii * jj);
            }
        }
        return s;
    }

    @Test
    void valuesByHand() {
        double m = 0.25;
        double gamma = 2;
        CircleLoss loss = CircleLoss.builder().margin(m).gamma(gamma).build();
        INDArray z = Nd4j.createFromArray(FOUR);
        // ids 0, 0, 1, 2: anchors 0 and 1 have a positive (each other, s = 0.6) and negatives.
        double lp = -gamma * (1 + m - 0.6) * (0.6 - (1 - m));
        double l0 = Math.log1p(Math.exp(lp) * (Math.exp(gamma * (0 + m) * (0 - m)) + Math.exp(gamma * (0.8 + m) * (0.8 - m))));
        double l1 = Math.log1p(Math.exp(lp) * (Math.exp(gamma * (0.8 + m) * (0.8 - m)) + Math.exp(gamma * (0 + m) * (0 - m))));
        close((l0 + l1) / 2, loss.computeScore(ids(DataType.DOUBLE, 0, 0, 1, 2), z, IDENTITY, null, true), 1e-14, "mean");
        close(4 * (l0 + l1) / 2, loss.computeScore(ids(DataType.DOUBLE, 0, 0, 1, 2), z, IDENTITY, null, false), 1e-14,
                "sum over the 4 rows");
        // A negative at or below -m has weight 0 and logit 0: ids 0, 0, 1, 1 with each positive at 0.6 and each
        // anchor's negatives at -1 and -0.6, so every anchor has L = log(1 + e^{logit_p} 2).
        double[][] far = {{1, 0}, {0.6, 0.8}, {-1, 0}, {-0.6, -0.8}};
        double lpFar = -gamma * (1 + m - 0.6) * (0.6 - (1 - m));
        double expected = Math.log1p(Math.exp(lpFar) * 2);
        close(expected, loss.computeScore(ids(DataType.DOUBLE, 0, 0, 1, 1), Nd4j.createFromArray(far), IDENTITY, null,
                true), 1e-14, "negatives past the optimum");
    }

    /**
     * The gradient is the score's own derivative, the weights' slopes included: the finite
     * differences of the loss by hand, which differ from those with alpha_p, alpha_n frozen (the
     * reference's detached gradient) by more than the tolerance.
     */
    @Test
    void gradientIsTheScoresDerivativeWeightsIncluded() {
        Random random = new Random(7);
        int n = 7;
        int d = 3;
        int[] id = {0, 1, 0, 2, 1, 2, 0};
        double[] labels = {0, 1, 0, 2, 1, 2, 0};
        double m = 0.3;
        double gamma = 4;
        CircleLoss loss = CircleLoss.builder().margin(m).gamma(gamma).build();
        INDArray z = CoupledCatalogue.gaussian(random, n, d, DataType.DOUBLE);
        double[][] base = z.toDoubleMatrix();
        INDArray gradient = loss.computeGradient(ids(DataType.DOUBLE, labels), z, IDENTITY, null);
        close(frozen(base, base, id, m, gamma), loss.computeScore(ids(DataType.DOUBLE, labels), z, IDENTITY, null, false),
                1e-12, "score");
        double h = 1e-6;
        double fromFrozen = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double[][] plus = z.toDoubleMatrix();
                double[][] minus = z.toDoubleMatrix();
                plus[i][j] += h;
                minus[i][j] -= h;
                double numeric = (frozen(plus, plus, id, m, gamma) - frozen(minus, minus, id, m, gamma)) / (2 * h);
                close(numeric, gradient.getDouble(i, j), 1e-6, "d/dz[" + i + "," + j + "]");
                double detached = (frozen(plus, base, id, m, gamma) - frozen(minus, base, id, m, gamma)) / (2 * h);
                fromFrozen = Math.max(fromFrozen, Math.abs(detached - gradient.getDouble(i, j)));
            }
        }
        assertTrue(fromFrozen > 1e-3, "the detached gradient differs (the weights' slopes): " + fromFrozen);
    }

    @Test
    void badOptionsAreRejected() {
        rejects(() -> CircleLoss.builder().gamma(0).build(), "CircleLoss: gamma must be finite and > 0");
        rejects(() -> CircleLoss.builder().margin(-0.1).build(), "CircleLoss: margin");
        rejects(() -> CircleLoss.builder().margin(1.5).build(), "CircleLoss: margin");
    }
}
