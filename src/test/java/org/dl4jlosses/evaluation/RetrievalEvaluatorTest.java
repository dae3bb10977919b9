package org.dl4jlosses.evaluation;

import static org.dl4jlosses.evaluation.EvaluationFixtures.doubles;
import static org.dl4jlosses.evaluation.EvaluationFixtures.ints;
import static org.dl4jlosses.evaluation.EvaluationFixtures.matrix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;

/**
 * Retrieval metrics against the torch re-implementation of pytorch-metric-learning's
 * AccuracyCalculator (fixtures), independence of the block size, label forms, bad input and memory.
 */
class RetrievalEvaluatorTest {
    private static final double TOLERANCE = 1e-9;

    static Stream<JsonNode> retrievalCases() {
        return EvaluationFixtures.cases("retrieval").stream();
    }

    private static RetrievalMetrics evaluate(JsonNode c, int blockRows) {
        RetrievalEvaluator evaluator = new RetrievalEvaluator().similarity(EvaluationFixtures.similarity(c))
                .recallAt(ints(c.get("recall_ks"))).blockRows(blockRows);
        INDArray queries = matrix(c.get("queries"));
        int[] queryLabels = ints(c.get("query_labels"));
        if ("leave_one_out".equals(c.get("mode").asText())) {
            return evaluator.leaveOneOut(queries, queryLabels);
        }
        return evaluator.evaluate(queries, queryLabels, matrix(c.get("references")), ints(c.get("reference_labels")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("retrievalCases")
    void matchesTheReference(JsonNode c) {
        RetrievalMetrics m = evaluate(c, 0);
        String id = c.get("id").asText();
        assertEquals(c.get("precision_at_1").asDouble(), m.precisionAt1(), TOLERANCE, id + " precision@1");
        assertEquals(c.get("r_precision").asDouble(), m.rPrecision(), TOLERANCE, id + " R-precision");
        assertEquals(c.get("map_at_r").asDouble(), m.meanAveragePrecisionAtR(), TOLERANCE, id + " MAP@R");
        assertEquals(c.get("mrr").asDouble(), m.meanReciprocalRank(), TOLERANCE, id + " MRR");
        int[] ks = ints(c.get("recall_ks"));
        double[] recall = doubles(c.get("recall_at_k"));
        for (int i = 0; i < ks.length; i++) {
            assertEquals(recall[i], m.recallAt(ks[i]), TOLERANCE, id + " recall@" + ks[i]);
        }
        assertEquals(c.get("evaluated").asInt(), m.evaluatedQueries(), id);
        assertEquals(c.get("lone").asInt(), m.loneQueries(), id);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("retrievalCases")
    void blockSizeChangesNothing(JsonNode c) {
        RetrievalMetrics all = evaluate(c, Integer.MAX_VALUE / 1000);
        for (int block : new int[] {1, 7}) {
            RetrievalMetrics m = evaluate(c, block);
            assertEquals(all.toString(), m.toString());
            assertEquals(all.precisionAt1(), m.precisionAt1(), 0.0);
            assertEquals(all.rPrecision(), m.rPrecision(), 0.0);
            assertEquals(all.meanAveragePrecisionAtR(), m.meanAveragePrecisionAtR(), 0.0);
            assertEquals(all.meanReciprocalRank(), m.meanReciprocalRank(), 0.0);
        }
    }

    @Test
    void labelFormsAndDataTypesAgree() {
        JsonNode c = EvaluationFixtures.cases("retrieval").get(0);
        INDArray x = matrix(c.get("queries"));
        int[] y = ints(c.get("query_labels"));
        RetrievalEvaluator evaluator = new RetrievalEvaluator();
        String expected = evaluator.leaveOneOut(x, y).toString();
        INDArray column = Nd4j.createFromArray(y).castTo(DataType.FLOAT).reshape(y.length, 1);
        assertEquals(expected, evaluator.leaveOneOut(x, column).toString());
        assertEquals(expected, evaluator.leaveOneOut(x, Nd4j.createFromArray(y)).toString());
        int classes = 7;
        INDArray oneHot = Nd4j.zeros(DataType.DOUBLE, y.length, classes);
        for (int i = 0; i < y.length; i++) {
            oneHot.putScalar(i, y[i], 1);
        }
        assertEquals(expected, evaluator.leaveOneOut(x, oneHot).toString());
        // the same vectors as float32: same neighbours here (no near ties)
        assertEquals(expected, evaluator.leaveOneOut(x.castTo(DataType.FLOAT), y).toString());
        // the query/reference form with the queries among the references is not leave-one-out: each finds itself first
        RetrievalMetrics split = evaluator.evaluate(x, y, x, y);
        assertEquals(1.0, split.precisionAt1(), 0.0);
        assertEquals(0, split.loneQueries());
    }

    @Test
    void defaultsAreCosineAndRecallAt1510() {
        JsonNode c = EvaluationFixtures.cases("retrieval").get(0);
        RetrievalMetrics m = new RetrievalEvaluator().leaveOneOut(matrix(c.get("queries")), ints(c.get("query_labels")));
        assertEquals(c.get("precision_at_1").asDouble(), m.precisionAt1(), TOLERANCE);
        assertEquals(List.of(1, 5, 10), java.util.Arrays.stream(m.recallKs()).boxed().collect(java.util.stream.Collectors.toList()));
        assertEquals(m.precisionAt1(), m.recallAt(1), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.recallAt(3));
        assertEquals("RetrievalMetrics.recallAt: k must be one of the k the evaluator was given [1, 5, 10], got 3", e.getMessage());
    }

    @Test
    void badInputIsNamed() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 3);
        int[] y = {0, 0, 1, 1, 2};
        RetrievalEvaluator evaluator = new RetrievalEvaluator();
        assertMessage("RetrievalEvaluator.leaveOneOut: labels must be 5 labels (one per embedding), got 4 labels",
                () -> evaluator.leaveOneOut(x, new int[4]));
        assertMessage("RetrievalEvaluator.leaveOneOut: labels must be 5 rows (one per embedding), got 6 rows, shape [6, 1]",
                () -> evaluator.leaveOneOut(x, Nd4j.zeros(6, 1)));
        INDArray nan = x.dup();
        nan.putScalar(3, 1, Double.NaN);
        assertMessage("RetrievalEvaluator.leaveOneOut: embeddings must be finite values, got NaN at row 3, column 1",
                () -> evaluator.leaveOneOut(nan, y));
        INDArray inf = x.dup();
        inf.putScalar(0, 2, Double.NEGATIVE_INFINITY);
        assertMessage("RetrievalEvaluator.evaluate: references must be finite values, got an infinite value at row 0, column 2",
                () -> evaluator.evaluate(x, y, inf, y));
        assertMessage("RetrievalEvaluator.evaluate: references must be 3 columns, as the queries, got 4",
                () -> evaluator.evaluate(x, y, Nd4j.rand(DataType.DOUBLE, 5, 4), y));
        assertMessage("RetrievalEvaluator.leaveOneOut: embeddings must be an [N, D] matrix with N >= 1 and D >= 1, got [15]",
                () -> evaluator.leaveOneOut(Nd4j.rand(DataType.DOUBLE, 15), y));
        assertMessage("RetrievalEvaluator.leaveOneOut: embeddings must be an [N, D] INDArray of embeddings, got null",
                () -> evaluator.leaveOneOut(null, y));
        assertMessage("RetrievalEvaluator.recallAt: k must be at least 1, got 0", () -> evaluator.recallAt(1, 0));
        assertMessage("RetrievalEvaluator.blockRows: rows must be at least 1 (or 0: automatic), got -1", () -> evaluator.blockRows(-1));
        assertMessage("RetrievalEvaluator.leaveOneOut: labels must be integer class ids, got 0.5 at row 2",
                () -> evaluator.leaveOneOut(x, Nd4j.createFromArray(0, 0, 0.5, 1, 1).reshape(5, 1)));
        INDArray twoHot = Nd4j.zeros(DataType.DOUBLE, 5, 3);
        for (int i = 0; i < 5; i++) {
            twoHot.putScalar(i, 0, 1);
        }
        twoHot.putScalar(1, 2, 1);
        assertMessage("RetrievalEvaluator.leaveOneOut: labels must be one-hot rows (a single 1, zeros elsewhere), got row 1 = [1.0, 0.0, 1.0]",
                () -> evaluator.leaveOneOut(x, twoHot));
        assertMessage("RetrievalEvaluator.leaveOneOut: labels must be one-hot rows (a single 1, zeros elsewhere), got no 1 in row 0",
                () -> evaluator.leaveOneOut(x, Nd4j.zeros(DataType.DOUBLE, 5, 3)));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    /**
     * 20 000 x 20 000 scores would be 3.2 GB of doubles; blocks of 64 queries keep the heap
     * allocations of the whole evaluation well under that (the native product buffer is one block,
     * [64, 20 000], by construction: ScoreBlocks).
     */
    @Test
    void memoryStaysBoundedByTheBlock() {
        int n = 20_000;
        int d = 16;
        Random random = new Random(5);
        float[][] x = new float[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 1000;
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) (random.nextGaussian() + (j == y[i] % d ? 3 : 0));
            }
        }
        INDArray embeddings = Nd4j.createFromArray(x);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long heapBefore = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        RetrievalMetrics m = new RetrievalEvaluator().blockRows(64).leaveOneOut(embeddings, y);
        double seconds = (System.nanoTime() - start) / 1e9;
        long heap = threads.getCurrentThreadAllocatedBytes() - heapBefore;
        long square = 8L * n * n;
        assertEquals(n, m.evaluatedQueries());
        assertTrue(m.precisionAt1() > 0 && m.precisionAt1() <= 1, m.toString());
        assertTrue(heap < square / 10, "heap allocated " + heap + " bytes, N x N doubles are " + square);
        System.out.printf("20k x 20k leave-one-out in %.1f s, heap allocated %.0f MB%n", seconds, heap / 1e6);
    }
}
