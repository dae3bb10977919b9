package org.dl4jlosses.evaluation;

import java.util.Arrays;

/**
 * The retrieval metrics of one evaluation ({@link RetrievalEvaluator}): means over the queries whose
 * label has at least one reference (pytorch-metric-learning drops the others, its "lone" queries).
 */
public final class RetrievalMetrics {
    private final double precisionAt1;
    private final double rPrecision;
    private final double meanAveragePrecisionAtR;
    private final double meanReciprocalRank;
    private final int[] recallKs;
    private final double[] recallAtK;
    private final int evaluatedQueries;
    private final int loneQueries;

    RetrievalMetrics(double precisionAt1, double rPrecision, double meanAveragePrecisionAtR, double meanReciprocalRank,
                     int[] recallKs, double[] recallAtK, int evaluatedQueries, int loneQueries) {
        this.precisionAt1 = precisionAt1;
        this.rPrecision = rPrecision;
        this.meanAveragePrecisionAtR = meanAveragePrecisionAtR;
        this.meanReciprocalRank = meanReciprocalRank;
        this.recallKs = recallKs.clone();
        this.recallAtK = recallAtK.clone();
        this.evaluatedQueries = evaluatedQueries;
        this.loneQueries = loneQueries;
    }

    /**
     * pytorch-metric-learning's {@code precision_at_1}: the fraction of queries whose nearest
     * reference has the query's label (0 when no query is evaluated, as there).
     */
    public double precisionAt1() {
        return precisionAt1;
    }

    /**
     * pytorch-metric-learning's {@code r_precision}: the mean over queries of (same-label references
     * among the R nearest) / R, where R is the number of references with the query's label (the
     * query itself not counted in leave-one-out).
     */
    public double rPrecision() {
        return rPrecision;
    }

    /**
     * pytorch-metric-learning's {@code mean_average_precision_at_r}: the mean over queries of
     * {@code (1/R) sum_{i <= R} P(i) rel(i)}, where rel(i) is 1 when the i-th nearest reference has
     * the query's label and P(i) the fraction of the i nearest that have it.
     */
    public double meanAveragePrecisionAtR() {
        return meanAveragePrecisionAtR;
    }

    /**
     * Mean reciprocal rank: the mean over queries of 1 / the rank (1 = nearest) of the nearest
     * reference with the query's label.
     */
    public double meanReciprocalRank() {
        return meanReciprocalRank;
    }

    /**
     * Recall@k as the metric-learning literature uses it (Song et al. 2016, CUB/Cars/SOP): the
     * fraction of queries with at least one reference of their label among their k nearest. Only
     * the k given to {@link RetrievalEvaluator#recallAt(int...)} are available.
     *
     * @throws IllegalArgumentException when k was not requested
     */
    public double recallAt(int k) {
        for (int i = 0; i < recallKs.length; i++) {
            if (recallKs[i] == k) {
                return recallAtK[i];
            }
        }
        throw org.dl4jlosses.internal.Checks.fail("RetrievalMetrics.recallAt", "k",
                "one of the k the evaluator was given " + Arrays.toString(recallKs), k);
    }

    /** The k of {@link #recallAt(int)}, in the order given. */
    public int[] recallKs() {
        return recallKs.clone();
    }

    /** Number of queries the means are over: those whose label has at least one reference. */
    public int evaluatedQueries() {
        return evaluatedQueries;
    }

    /**
     * Number of queries left out because no reference has their label (in leave-one-out: their
     * label has no other member), pytorch-metric-learning's lone queries.
     */
    public int loneQueries() {
        return loneQueries;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(java.util.Locale.ROOT, "precision@1 %.4f, R-precision %.4f, MAP@R %.4f, MRR %.4f",
                precisionAt1, rPrecision, meanAveragePrecisionAtR, meanReciprocalRank));
        for (int i = 0; i < recallKs.length; i++) {
            s.append(String.format(java.util.Locale.ROOT, ", recall@%d %.4f", recallKs[i], recallAtK[i]));
        }
        return s.append(" (").append(evaluatedQueries).append(" queries, ").append(loneQueries).append(" lone)").toString();
    }
}
