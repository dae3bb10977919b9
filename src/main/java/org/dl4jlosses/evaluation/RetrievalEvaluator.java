package org.dl4jlosses.evaluation;

import static org.dl4jlosses.internal.Checks.require;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Computes {@link RetrievalMetrics} of labelled embeddings by exact nearest neighbours, as
 * pytorch-metric-learning's {@code AccuracyCalculator} defines precision@1, R-precision and MAP@R,
 * plus recall@k and MRR.
 *
 * <p>Conventions (pytorch-metric-learning's, with the decisions it leaves open):
 * <ul>
 * <li>Leave-one-out ({@link #leaveOneOut}, its {@code embeddings_come_from_same_source}): every
 * embedding is a query against all the others; the query itself is never its own neighbour
 * (removed by index, as its {@code return_results} does).</li>
 * <li>R of a query = the number of references with its label (minus the query itself in
 * leave-one-out). A query with R = 0 is "lone": left out of every mean, counted by
 * {@link RetrievalMetrics#loneQueries()}; when every query is lone all metrics are 0, as there.</li>
 * <li>R-precision and MAP@R look at exactly the R nearest references of each query, which is
 * pytorch-metric-learning with {@code k = "max_bin_count"} or {@code k = None} (with a k below the
 * largest R it warns that these two are wrong).</li>
 * <li>Ties: on equal scores the reference with the lower index is the nearer (a stable sort's
 * order); an exact k-NN search leaves this open.</li>
 * <li>Averages are over queries (its {@code avg_of_avgs=False}); labels are compared by equality.</li>
 * </ul>
 *
 * <p>Memory: the scores of {@link #blockRows(int)} queries against all references at a time (one
 * {@code dgemm} per block), plus a float64 copy of the embeddings and a heap of R per query: never
 * queries x references. Computation is in float64 whatever the input's type.
 */
public final class RetrievalEvaluator {
    private Similarity similarity = Similarity.COSINE;
    private int[] recallKs = {1, 5, 10};
    private int blockRows;

    /** An evaluator with the defaults: cosine similarity, recall@1, @5 and @10, automatic block size. */
    public RetrievalEvaluator() {
    }

    /** How queries and references are compared (default {@link Similarity#COSINE}). */
    public RetrievalEvaluator similarity(Similarity similarity) {
        require(similarity != null, "RetrievalEvaluator.similarity", "similarity", "COSINE or EUCLIDEAN", "null");
        this.similarity = similarity;
        return this;
    }

    /** The k of recall@k to report (default 1, 5, 10): each at least 1. */
    public RetrievalEvaluator recallAt(int... ks) {
        require(ks != null && ks.length > 0, "RetrievalEvaluator.recallAt", "ks", "at least one k", ks == null ? "null" : "none");
        for (int k : ks) {
            require(k >= 1, "RetrievalEvaluator.recallAt", "k", "at least 1", k);
        }
        this.recallKs = ks.clone();
        return this;
    }

    /**
     * How many queries share one matrix product (at least 1; 0 = automatic, about 2^23 scores per
     * block). The metrics do not depend on it.
     */
    public RetrievalEvaluator blockRows(int rows) {
        require(rows >= 0, "RetrievalEvaluator.blockRows", "rows", "at least 1 (or 0: automatic)", rows);
        this.blockRows = rows;
        return this;
    }

    /**
     * Leave-one-out: each of the N embeddings {@code [N, D]} is a query against the other N - 1.
     * Labels: {@code [N]} or {@code [N, 1]} integer ids, or {@code [N, C]} one-hot rows.
     */
    public RetrievalMetrics leaveOneOut(INDArray embeddings, INDArray labels) {
        String method = "RetrievalEvaluator.leaveOneOut";
        EmbeddingRows rows = EmbeddingRows.of(embeddings, similarity, method, "embeddings");
        return run(rows, LabelArrays.of(labels, rows.rows(), method, "labels"), rows,
                null, true, method);
    }

    /** {@link #leaveOneOut(INDArray, INDArray)} with int labels. */
    public RetrievalMetrics leaveOneOut(INDArray embeddings, int[] labels) {
        String method = "RetrievalEvaluator.leaveOneOut";
        EmbeddingRows rows = EmbeddingRows.of(embeddings, similarity, method, "embeddings");
        return run(rows, LabelArrays.of(labels, rows.rows(), method, "labels"), rows, null, true, method);
    }

    /**
     * Queries {@code [Nq, D]} against references {@code [Nr, D]}, two separate sets (a query is never
     * removed from the references, even if the same vector is among them). Labels as in
     * {@link #leaveOneOut(INDArray, INDArray)}.
     */
    public RetrievalMetrics evaluate(INDArray queries, INDArray queryLabels, INDArray references, INDArray referenceLabels) {
        String method = "RetrievalEvaluator.evaluate";
        EmbeddingRows q = EmbeddingRows.of(queries, similarity, method, "queries");
        EmbeddingRows r = EmbeddingRows.of(references, similarity, method, "references");
        return run(q, LabelArrays.of(queryLabels, q.rows(), method, "queryLabels"), r,
                LabelArrays.of(referenceLabels, r.rows(), method, "referenceLabels"), false, method);
    }

    /** {@link #evaluate(INDArray, INDArray, INDArray, INDArray)} with int labels. */
    public RetrievalMetrics evaluate(INDArray queries, int[] queryLabels, INDArray references, int[] referenceLabels) {
        String method = "RetrievalEvaluator.evaluate";
        EmbeddingRows q = EmbeddingRows.of(queries, similarity, method, "queries");
        EmbeddingRows r = EmbeddingRows.of(references, similarity, method, "references");
        return run(q, LabelArrays.of(queryLabels, q.rows(), method, "queryLabels"), r,
                LabelArrays.of(referenceLabels, r.rows(), method, "referenceLabels"), false, method);
    }

    private RetrievalMetrics run(EmbeddingRows queries, int[] queryLabels, EmbeddingRows references,
                                 int[] referenceLabels, boolean leaveOneOut, String method) {
        int[] refLabels = leaveOneOut ? queryLabels : referenceLabels;
        require(queries.columns() == references.columns(), method, "references",
                queries.columns() + " columns, as the queries", references.columns());
        int m = references.rows();
        int block = blockRows == 0 ? ScoreBlocks.defaultBlockRows(m) : Math.min(blockRows, queries.rows());
        require((long) block * m <= Integer.MAX_VALUE - 8, method, "blockRows",
                "at most " + (Integer.MAX_VALUE - 8) / m + " for " + m + " references", block);
        Map<Integer, Integer> counts = new HashMap<>();
        for (int label : refLabels) {
            counts.merge(label, 1, Integer::sum);
        }
        Accumulator sums = new Accumulator(recallKs);
        NeighbourOrder order = new NeighbourOrder(refLabels);
        ScoreBlocks.forEachRow(queries, references, block, (query, scores, offset) -> {
            int label = queryLabels[query];
            int self = leaveOneOut ? query : -1;
            int r = counts.getOrDefault(label, 0) - (leaveOneOut ? 1 : 0);
            if (r <= 0) {
                sums.lone++;
                return;
            }
            sums.add(order.rankOfFirstMatch(scores, offset, self, label),
                    order.matchesAmongNearest(scores, offset, self, label, r));
        });
        return sums.metrics();
    }

    /** Running sums of the per-query values. */
    private static final class Accumulator {
        final int[] ks;
        final double[] recallHits;
        int evaluated;
        int lone;
        double precisionAt1;
        double rPrecision;
        double averagePrecisionAtR;
        double reciprocalRank;

        Accumulator(int[] ks) {
            this.ks = ks;
            this.recallHits = new double[ks.length];
        }

        void add(int firstRank, boolean[] nearestR) {
            evaluated++;
            precisionAt1 += firstRank == 1 ? 1 : 0;
            reciprocalRank += 1.0 / firstRank;
            for (int i = 0; i < ks.length; i++) {
                recallHits[i] += firstRank <= ks[i] ? 1 : 0;
            }
            int hits = 0;
            double precisionSum = 0;
            for (int i = 0; i < nearestR.length; i++) {
                if (nearestR[i]) {
                    hits++;
                    precisionSum += hits / (double) (i + 1);
                }
            }
            rPrecision += hits / (double) nearestR.length;
            averagePrecisionAtR += precisionSum / nearestR.length;
        }

        RetrievalMetrics metrics() {
            double n = Math.max(evaluated, 1); // no query evaluated: every sum is 0, and so every metric
            double[] recall = new double[ks.length];
            for (int i = 0; i < ks.length; i++) {
                recall[i] = recallHits[i] / n;
            }
            return new RetrievalMetrics(precisionAt1 / n, rPrecision / n, averagePrecisionAtR / n,
                    reciprocalRank / n, ks, recall, evaluated, lone);
        }
    }

    @Override
    public String toString() {
        return "RetrievalEvaluator(" + similarity + ", recall@" + Arrays.toString(recallKs) + ", blockRows "
                + (blockRows == 0 ? "auto" : blockRows) + ")";
    }
}
