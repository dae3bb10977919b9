package org.dl4jlosses.evaluation;

import static org.dl4jlosses.evaluation.EvaluationFixtures.doubles;
import static org.dl4jlosses.evaluation.EvaluationFixtures.matrix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;

/** ROC-AUC and EER against the torch fixtures and by hand; genuine/impostor scores from pairs and centroids. */
class VerificationTest {
    private static final double EPS = 1e-12;
    private static final double TOLERANCE = 1e-9;

    static Stream<JsonNode> scoreCases() {
        return EvaluationFixtures.cases("verification").stream();
    }

    static Stream<JsonNode> embeddingCases() {
        return EvaluationFixtures.cases("verification_embeddings").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scoreCases")
    void scoresMatchTheReference(JsonNode c) {
        double[] genuine = doubles(c.get("genuine"));
        double[] impostor = doubles(c.get("impostor"));
        assertEquals(c.get("roc_auc").asDouble(), VerificationMetrics.rocAuc(genuine, impostor), TOLERANCE);
        assertEquals(c.get("eer").asDouble(), VerificationMetrics.equalErrorRate(genuine, impostor), TOLERANCE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("embeddingCases")
    void embeddingScoresMatchTheReference(JsonNode c) {
        Similarity similarity = EvaluationFixtures.similarity(c);
        VerificationScores scores;
        if ("all_pairs".equals(c.get("kind").asText())) {
            scores = VerificationScores.allPairs(matrix(c.get("embeddings")), labels(c.get("labels")), similarity);
        } else {
            scores = VerificationScores.enrolmentCentroids(matrix(c.get("enrolment")), labels(c.get("enrolment_labels")),
                    matrix(c.get("test")), labels(c.get("test_labels")), similarity);
        }
        assertEquals(c.get("genuine_count").asInt(), scores.genuine().length);
        assertEquals(c.get("impostor_count").asInt(), scores.impostor().length);
        assertEquals(c.get("genuine_sum").asDouble(), Arrays.stream(scores.genuine()).sum(), TOLERANCE);
        assertEquals(c.get("impostor_sum").asDouble(), Arrays.stream(scores.impostor()).sum(), TOLERANCE);
        assertEquals(c.get("roc_auc").asDouble(), scores.rocAuc(), TOLERANCE);
        assertEquals(c.get("eer").asDouble(), scores.equalErrorRate(), TOLERANCE);
    }

    private static INDArray labels(JsonNode ids) {
        return Nd4j.createFromArray(EvaluationFixtures.ints(ids)).castTo(DataType.FLOAT).reshape(ids.size(), 1);
    }

    @Test
    void rocAucCountsPairsAndHalvesTies() {
        // 0.9 beats all three impostors (3); 0.4 beats 0.1, ties 0.4, loses to 0.8 (1.5): 4.5 of 6 pairs.
        assertEquals(0.75, VerificationMetrics.rocAuc(new double[] {0.9, 0.4}, new double[] {0.1, 0.4, 0.8}), EPS);
        assertEquals(1.0, VerificationMetrics.rocAuc(new double[] {2, 3}, new double[] {0, 1}), EPS);
        assertEquals(0.0, VerificationMetrics.rocAuc(new double[] {0, 1}, new double[] {2, 3}), EPS);
        assertEquals(0.5, VerificationMetrics.rocAuc(new double[] {1, 1}, new double[] {1}), EPS);
    }

    @Test
    void equalErrorRateWhereFalseAcceptsMeetFalseRejects() {
        assertEquals(0.0, VerificationMetrics.equalErrorRate(new double[] {0.9, 0.8}, new double[] {0.1, 0.2}), EPS);
        assertEquals(1.0, VerificationMetrics.equalErrorRate(new double[] {0.1, 0.2}, new double[] {0.8, 0.9}), EPS);
        // Threshold 0.6 accepts 0.6, 0.8, 0.9 and 0.7: FAR 1/4 (0.7), FRR 1/4 (0.4).
        assertEquals(0.25, VerificationMetrics.equalErrorRate(new double[] {0.4, 0.6, 0.8, 0.9}, new double[] {0.1, 0.3, 0.5, 0.7}), EPS);
        // One impostor between two genuine scores: FAR jumps 1 -> 0 while FRR sits at 1/2; they cross at 1/2.
        assertEquals(0.5, VerificationMetrics.equalErrorRate(new double[] {0.5, 0.7}, new double[] {0.6}), EPS);
    }

    @Test
    void centroidsByHand() {
        // identity 0 enrolled as (2, 0) and (0, 3): unit rows (1, 0), (0, 1), centroid (1, 1)/sqrt 2;
        // identity 1 as (0, -1): centroid (0, -1). Test (1, 0) of identity 0: genuine 1/sqrt 2, impostor 0.
        INDArray enrolment = Nd4j.createFromArray(new double[][] {{2, 0}, {0, 3}, {0, -1}});
        VerificationScores s = VerificationScores.enrolmentCentroids(enrolment, Nd4j.createFromArray(0, 0, 1),
                Nd4j.createFromArray(new double[][] {{1, 0}, {0, 5}}), Nd4j.createFromArray(0, 7));
        assertEquals(1, s.genuine().length);
        assertEquals(Math.sqrt(0.5), s.genuine()[0], EPS);
        // test 0 against identity 1: 0; test 1 (unknown identity 7) against both: 1/sqrt 2 and -1
        double[] impostor = s.impostor().clone();
        Arrays.sort(impostor);
        assertEquals(-1, impostor[0], EPS);
        assertEquals(0, impostor[1], EPS);
        assertEquals(Math.sqrt(0.5), impostor[2], EPS);
    }

    @Test
    void badInputIsNamed() {
        assertMessage("VerificationMetrics.rocAuc: genuine must be at least one score, got none",
                () -> VerificationMetrics.rocAuc(new double[0], new double[] {1}));
        assertMessage("VerificationMetrics.equalErrorRate: impostor must be at least one score, got none",
                () -> VerificationMetrics.equalErrorRate(new double[] {1}, new double[0]));
        assertMessage("VerificationMetrics.rocAuc: impostor must be scores that are not NaN, got NaN at index 1",
                () -> VerificationMetrics.rocAuc(new double[] {1}, new double[] {0, Double.NaN}));
        assertMessage("VerificationScores.allPairs: labels must be 3 rows (one per embedding), got 2 rows, shape [2]",
                () -> VerificationScores.allPairs(Nd4j.rand(DataType.DOUBLE, 3, 2), Nd4j.createFromArray(0, 1)));
        assertMessage("VerificationScores.enrolmentCentroids: test must be 2 columns, as the enrolment embeddings, got 3",
                () -> VerificationScores.enrolmentCentroids(Nd4j.rand(DataType.DOUBLE, 3, 2), Nd4j.createFromArray(0, 1, 1),
                        Nd4j.rand(DataType.DOUBLE, 2, 3), Nd4j.createFromArray(0, 1)));
        // all pairs of one identity: no impostor
        assertMessage("VerificationMetrics.rocAuc: impostor must be at least one score, got none",
                () -> VerificationScores.allPairs(Nd4j.rand(DataType.DOUBLE, 3, 2), Nd4j.createFromArray(4, 4, 4)).rocAuc());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
