package org.dl4jlosses.evaluation;

import static org.dl4jlosses.internal.Checks.require;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The genuine and impostor scores of a verification trial list, built from labelled embeddings
 * (all pairs, or test embeddings against enrolment centroids), with their ROC-AUC and EER.
 */
public final class VerificationScores {
    private final double[] genuine;
    private final double[] impostor;

    /** Scores given directly: genuine (same identity) and impostor (different identities) pairs. */
    public VerificationScores(double[] genuine, double[] impostor) {
        require(genuine != null, "VerificationScores", "genuine", "an array of scores", "null");
        require(impostor != null, "VerificationScores", "impostor", "an array of scores", "null");
        this.genuine = genuine;
        this.impostor = impostor;
    }

    /**
     * Every unordered pair {i, j}, i &lt; j, of the N embeddings {@code [N, D]}: genuine when the two
     * labels are equal, impostor otherwise, scored by {@code similarity} (cosine, or the negated
     * Euclidean distance). Computed a block of rows at a time (one matrix product per block), but
     * the result itself holds N(N-1)/2 scores: for large N, sample the rows first. Labels as in
     * {@link RetrievalEvaluator#leaveOneOut(INDArray, INDArray)}.
     *
     * @throws IllegalArgumentException on bad input, or when either kind of pair would exceed 2^31 - 9 scores
     */
    public static VerificationScores allPairs(INDArray embeddings, INDArray labels, Similarity similarity) {
        String method = "VerificationScores.allPairs";
        EmbeddingRows rows = EmbeddingRows.of(embeddings, similarity, method, "embeddings");
        int[] y = LabelArrays.of(labels, rows.rows(), method, "labels");
        Map<Integer, Integer> counts = new HashMap<>();
        for (int label : y) {
            counts.merge(label, 1, Integer::sum);
        }
        long n = rows.rows();
        long same = 0;
        for (int c : counts.values()) {
            same += (long) c * (c - 1) / 2;
        }
        long different = n * (n - 1) / 2 - same;
        require(same <= Integer.MAX_VALUE - 8 && different <= Integer.MAX_VALUE - 8, method, "embeddings",
                "few enough rows for at most 2^31 - 9 genuine and impostor pairs each (sample them)",
                n + " rows: " + same + " genuine and " + different + " impostor pairs");
        double[] genuine = new double[(int) same];
        double[] impostor = new double[(int) different];
        int[] filled = new int[2];
        ScoreBlocks.forEachRow(rows, rows, ScoreBlocks.defaultBlockRows(rows.rows()), (i, scores, offset) -> {
            for (int j = i + 1; j < y.length; j++) {
                if (y[i] == y[j]) {
                    genuine[filled[0]++] = scores[offset + j];
                } else {
                    impostor[filled[1]++] = scores[offset + j];
                }
            }
        });
        return new VerificationScores(genuine, impostor);
    }

    /** {@link #allPairs(INDArray, INDArray, Similarity)} with cosine similarity. */
    public static VerificationScores allPairs(INDArray embeddings, INDArray labels) {
        return allPairs(embeddings, labels, Similarity.COSINE);
    }

    /**
     * Test embeddings against enrolment centroids (speaker or face verification): each identity's
     * centroid is the mean of its enrolment embeddings, for {@link Similarity#COSINE} the mean of
     * the L2-normalised embeddings, L2-normalised again (GE2E's and the x-vector recipes'
     * convention). Every test embedding is scored against every centroid: genuine against its own
     * identity's, impostor against the others. A test label with no enrolment (an unknown
     * identity, open-set verification) gives impostor scores only.
     *
     * @param enrolment       {@code [Ne, D]} enrolment embeddings
     * @param enrolmentLabels their identities, as in {@link RetrievalEvaluator#leaveOneOut(INDArray, INDArray)}
     * @param test            {@code [Nt, D]} test embeddings
     * @param testLabels      their identities
     */
    public static VerificationScores enrolmentCentroids(INDArray enrolment, INDArray enrolmentLabels, INDArray test,
                                                        INDArray testLabels, Similarity similarity) {
        String method = "VerificationScores.enrolmentCentroids";
        EmbeddingRows enrolled = EmbeddingRows.of(enrolment, similarity, method, "enrolment");
        int[] enrolledIds = LabelArrays.of(enrolmentLabels, enrolled.rows(), method, "enrolmentLabels");
        EmbeddingRows trials = EmbeddingRows.of(test, similarity, method, "test");
        int[] testIds = LabelArrays.of(testLabels, trials.rows(), method, "testLabels");
        require(enrolled.columns() == trials.columns(), method, "test",
                enrolled.columns() + " columns, as the enrolment embeddings", trials.columns());
        Map<Integer, Integer> slot = new TreeMap<>();
        for (int id : enrolledIds) {
            slot.putIfAbsent(id, slot.size());
        }
        int[] centroidIds = new int[slot.size()];
        slot.forEach((id, s) -> centroidIds[s] = id);
        EmbeddingRows centroids = EmbeddingRows.of(means(enrolled, enrolledIds, slot), similarity, method, "enrolment");
        int k = centroidIds.length;
        long genuineCount = 0;
        for (int id : testIds) {
            genuineCount += slot.containsKey(id) ? 1 : 0;
        }
        long impostorCount = (long) testIds.length * k - genuineCount;
        require(impostorCount <= Integer.MAX_VALUE - 8, method, "test", "at most 2^31 - 9 impostor trials",
                impostorCount + " (" + testIds.length + " tests x " + k + " centroids)");
        double[] genuine = new double[(int) genuineCount];
        double[] impostor = new double[(int) impostorCount];
        int[] filled = new int[2];
        ScoreBlocks.forEachRow(trials, centroids, ScoreBlocks.defaultBlockRows(k), (i, scores, offset) -> {
            for (int c = 0; c < k; c++) {
                if (centroidIds[c] == testIds[i]) {
                    genuine[filled[0]++] = scores[offset + c];
                } else {
                    impostor[filled[1]++] = scores[offset + c];
                }
            }
        });
        return new VerificationScores(genuine, impostor);
    }

    /** {@link #enrolmentCentroids(INDArray, INDArray, INDArray, INDArray, Similarity)} with cosine similarity. */
    public static VerificationScores enrolmentCentroids(INDArray enrolment, INDArray enrolmentLabels, INDArray test,
                                                        INDArray testLabels) {
        return enrolmentCentroids(enrolment, enrolmentLabels, test, testLabels, Similarity.COSINE);
    }

    /** The mean of the (prepared) rows of each identity, one row per identity in slot order. */
    private static INDArray means(EmbeddingRows rows, int[] ids, Map<Integer, Integer> slot) {
        int d = rows.columns();
        double[] x = rows.matrix.data().asDouble();
        double[][] sums = new double[slot.size()][d];
        int[] counts = new int[slot.size()];
        for (int i = 0; i < ids.length; i++) {
            int s = slot.get(ids[i]);
            counts[s]++;
            for (int j = 0; j < d; j++) {
                sums[s][j] += x[i * d + j];
            }
        }
        for (int s = 0; s < sums.length; s++) {
            for (int j = 0; j < d; j++) {
                sums[s][j] /= counts[s];
            }
        }
        return Nd4j.createFromArray(sums);
    }

    /** The genuine scores (the array itself, not a copy). */
    public double[] genuine() {
        return genuine;
    }

    /** The impostor scores (the array itself, not a copy). */
    public double[] impostor() {
        return impostor;
    }

    /** {@link VerificationMetrics#rocAuc} of these scores. */
    public double rocAuc() {
        return VerificationMetrics.rocAuc(genuine, impostor);
    }

    /** {@link VerificationMetrics#equalErrorRate} of these scores. */
    public double equalErrorRate() {
        return VerificationMetrics.equalErrorRate(genuine, impostor);
    }
}
