package org.dl4jlosses.evaluation;

import static org.dl4jlosses.internal.Checks.require;

import java.util.Arrays;
import java.util.Locale;
import org.dl4jlosses.embedding.Distance;
import org.dl4jlosses.internal.Blas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Health figures of one batch of labelled embeddings, from one Gram matrix product (in the
 * embeddings' precision): the fraction of
 * triplets and of negative pairs a margin loss still works on, and the mean pairwise cosine (near 1:
 * the embeddings have collapsed onto one direction).
 */
public final class EmbeddingBatchStats {
    private final int rows;
    private final double meanPairwiseCosine;
    private final double activeTripletFraction;
    private final double activeNegativePairFraction;

    private EmbeddingBatchStats(int rows, double meanPairwiseCosine, double activeTripletFraction,
                                double activeNegativePairFraction) {
        this.rows = rows;
        this.meanPairwiseCosine = meanPairwiseCosine;
        this.activeTripletFraction = activeTripletFraction;
        this.activeNegativePairFraction = activeNegativePairFraction;
    }

    /**
     * The figures of {@code embeddings} {@code [N, D]} with their group labels (one int per row; null
     * when there are none: only the mean cosine is computed), for a margin loss with
     * {@code distance} ({@link Distance#EUCLIDEAN}, {@link Distance#SQUARED_EUCLIDEAN} or
     * {@link Distance#COSINE}, {@code 1 - cos}) and margin {@code margin}:
     * <ul>
     * <li>active triplets: of all triplets (a, p, n) with {@code label(p) = label(a)}, p != a and
     * {@code label(n) != label(a)}, the fraction with {@code d(a, p) - d(a, n) + margin > 0}, i.e.
     * with a non-zero triplet loss (batch-all's "fraction of positive triplets");</li>
     * <li>active negative pairs: of all pairs of different labels, the fraction with
     * {@code d < margin}, i.e. with a non-zero contrastive loss (with the cosine distance: cosine
     * above {@code 1 - margin});</li>
     * <li>mean pairwise cosine: the mean of {@code cos(x_i, x_j)} over all pairs i &lt; j, norms
     * clamped at 1e-12.</li>
     * </ul>
     * A fraction with nothing to count (no valid triplet, no negative pair) is NaN.
     */
    public static EmbeddingBatchStats of(INDArray embeddings, int[] labels, Distance distance, double margin) {
        String method = "EmbeddingBatchStats.of";
        require(embeddings != null && embeddings.rank() == 2 && embeddings.size(0) >= 2, method, "embeddings",
                "an [N, D] matrix with N >= 2", embeddings == null ? "null" : org.dl4jlosses.internal.Checks.shape(embeddings));
        require(distance == Distance.EUCLIDEAN || distance == Distance.SQUARED_EUCLIDEAN || distance == Distance.COSINE,
                method, "distance", "EUCLIDEAN, SQUARED_EUCLIDEAN or COSINE", distance);
        require(Double.isFinite(margin) && margin >= 0, method, "margin", "finite and >= 0", margin);
        int n = (int) embeddings.size(0);
        int d = (int) embeddings.size(1);
        require(labels == null || labels.length == n, method, "labels", n + " labels (one per row)",
                labels == null ? 0 : labels.length);
        double[] gram = gram(embeddings, n, d);
        double[] norm = new double[n];
        for (int i = 0; i < n; i++) {
            norm[i] = Math.max(Math.sqrt(Math.max(gram[i * n + i], 0)), 1e-12);
        }
        double cosineSum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                cosineSum += gram[i * n + j] / (norm[i] * norm[j]);
            }
        }
        double meanCosine = cosineSum / ((double) n * (n - 1) / 2);
        if (labels == null) {
            return new EmbeddingBatchStats(n, meanCosine, Double.NaN, Double.NaN);
        }
        double[] dist = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                dist[i * n + j] = distance(distance, gram, norm, n, i, j);
            }
        }
        return new EmbeddingBatchStats(n, meanCosine, activeTriplets(dist, labels, n, margin),
                activeNegativePairs(dist, labels, n, margin));
    }

    /**
     * The Gram matrix {@code X X^T} by one BLAS product, in the embeddings' precision (sgemm for
     * float32 and float16, whose figures need no more; dgemm for float64), returned as doubles.
     */
    private static double[] gram(INDArray embeddings, int n, int d) {
        if (embeddings.dataType() == DataType.DOUBLE) {
            double[] x = embeddings.dup('c').data().asDouble();
            double[] gram = new double[n * n];
            Blas.multiply(x, n, d, false, x, n, d, true, gram);
            return gram;
        }
        float[] x = embeddings.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] product = new float[n * n];
        Blas.multiply(x, n, d, false, x, n, d, true, product);
        double[] gram = new double[n * n];
        for (int i = 0; i < gram.length; i++) {
            gram[i] = product[i];
        }
        return gram;
    }

    private static double distance(Distance distance, double[] gram, double[] norm, int n, int i, int j) {
        if (distance == Distance.COSINE) {
            return 1 - gram[i * n + j] / (norm[i] * norm[j]);
        }
        double squared = i == j ? 0 : Math.max(gram[i * n + i] + gram[j * n + j] - 2 * gram[i * n + j], 0);
        return distance == Distance.EUCLIDEAN ? Math.sqrt(squared) : squared;
    }

    /**
     * Per anchor: the thresholds {@code d(a, p) + margin} of its positives sorted, then for each
     * negative the number of thresholds above {@code d(a, n)} (a binary search): O(N^2 log P).
     */
    private static double activeTriplets(double[] dist, int[] labels, int n, double margin) {
        long active = 0;
        long total = 0;
        double[] thresholds = new double[n];
        for (int a = 0; a < n; a++) {
            int positives = 0;
            for (int p = 0; p < n; p++) {
                if (p != a && labels[p] == labels[a]) {
                    thresholds[positives++] = dist[a * n + p] + margin;
                }
            }
            if (positives == 0) {
                continue;
            }
            Arrays.sort(thresholds, 0, positives);
            for (int q = 0; q < n; q++) {
                if (labels[q] != labels[a]) {
                    active += positives - VerificationMetrics.upperBound(thresholds, positives, dist[a * n + q]);
                    total += positives;
                }
            }
        }
        return total == 0 ? Double.NaN : active / (double) total;
    }

    private static double activeNegativePairs(double[] dist, int[] labels, int n, double margin) {
        long active = 0;
        long total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (labels[i] != labels[j]) {
                    total++;
                    active += dist[i * n + j] < margin ? 1 : 0;
                }
            }
        }
        return total == 0 ? Double.NaN : active / (double) total;
    }

    /** Number of rows the figures are over. */
    public int rows() {
        return rows;
    }

    /** Mean cosine similarity over all pairs of rows; near 1 when the embeddings have collapsed. */
    public double meanPairwiseCosine() {
        return meanPairwiseCosine;
    }

    /** Fraction of valid triplets with a non-zero triplet loss (NaN when there is none, or no labels). */
    public double activeTripletFraction() {
        return activeTripletFraction;
    }

    /** Fraction of negative pairs closer than the margin (NaN when there is none, or no labels). */
    public double activeNegativePairFraction() {
        return activeNegativePairFraction;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d rows: active triplets %.4f, active negative pairs %.4f, mean pairwise cosine %.4f",
                rows, activeTripletFraction, activeNegativePairFraction, meanPairwiseCosine);
    }
}
