package org.dl4jlosses.examples;

/**
 * Principal-component projection of embeddings to two dimensions, for the scatter plots of the
 * verification examples. Plain Java on {@code double[][]}: embeddings are a few hundred rows of
 * a few dozen columns, so the {@code D x D} covariance and power iteration are instantaneous and
 * deterministic (no random start, no native solver).
 */
public final class Projection {
    private Projection() {
    }

    /** The rows of {@code x} ({@code [N, D]}) projected on their first two principal axes: {@code [2][N]} (x and y coordinates). */
    public static double[][] pca2(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] cov = new double[d][d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                double ci = row[i] - mean[i];
                for (int j = 0; j < d; j++) {
                    cov[i][j] += ci * (row[j] - mean[j]);
                }
            }
        }
        double[] first = leadingAxis(cov);
        deflate(cov, first);
        double[] second = leadingAxis(cov);
        double[][] out = new double[2][n];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < d; j++) {
                double c = x[r][j] - mean[j];
                out[0][r] += c * first[j];
                out[1][r] += c * second[j];
            }
        }
        return out;
    }

    /** The unit eigenvector of the largest eigenvalue of a symmetric positive semi-definite matrix. */
    private static double[] leadingAxis(double[][] m) {
        int d = m.length;
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            // A fixed, non-degenerate start: not orthogonal to any axis of a generic matrix.
            v[j] = 1.0 + 0.1 * j;
        }
        normalise(v);
        for (int iter = 0; iter < 500; iter++) {
            double[] next = new double[d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    next[i] += m[i][j] * v[j];
                }
            }
            if (normalise(next) == 0) {
                return v;
            }
            double change = 0;
            for (int j = 0; j < d; j++) {
                change += Math.abs(next[j] - v[j]);
            }
            v = next;
            if (change < 1e-12) {
                break;
            }
        }
        return v;
    }

    /** Removes the component along unit vector {@code v}: {@code m - (v' m v) v v'}. */
    private static void deflate(double[][] m, double[] v) {
        int d = m.length;
        double lambda = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                lambda += v[i] * m[i][j] * v[j];
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                m[i][j] -= lambda * v[i] * v[j];
            }
        }
    }

    private static double normalise(double[] v) {
        double norm = 0;
        for (double a : v) {
            norm += a * a;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int j = 0; j < v.length; j++) {
                v[j] /= norm;
            }
        }
        return norm;
    }
}
