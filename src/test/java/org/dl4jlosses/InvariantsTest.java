package org.dl4jlosses;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dl4jlosses.ranking.ApproxNdcgLoss;
import org.dl4jlosses.testing.Catalogue;
import org.dl4jlosses.testing.Catalogue.Entry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The contract's invariants of section 1 for every point-wise configuration. */
class InvariantsTest {
    private static final int ROWS = 7;
    private static final int COLUMNS = 4;

    static List<Entry> entries() {
        return Catalogue.pointwise();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void scoresAddUp(Entry e) {
        Random random = new Random(1);
        INDArray z = e.z(random, ROWS, COLUMNS, DataType.DOUBLE);
        INDArray labels = e.labels(random, ROWS, COLUMNS, DataType.DOUBLE);
        for (INDArray mask : new INDArray[] {null, Catalogue.rowMask(random, ROWS, DataType.DOUBLE)}) {
            double sum = e.loss.computeScore(labels, z, e.activation, mask, false);
            double mean = e.loss.computeScore(labels, z, e.activation, mask, true);
            INDArray array = e.loss.computeScoreArray(labels, z, e.activation, mask);
            assertEquals(List.of((long) ROWS, 1L), List.of(array.size(0), array.size(1)));
            close(sum, array.sumNumber().doubleValue(), 1e-12, "score array sums to the score");
            close(sum, ROWS * mean, 1e-12, "sum = R x mean");
            Pair<Double, INDArray> both = e.loss.computeGradientAndScore(labels, z, e.activation, mask, false);
            close(sum, both.getFirst(), 1e-12, "computeGradientAndScore score");
            close(e.loss.computeGradient(labels, z, e.activation, mask), both.getSecond(), 1e-12, "computeGradientAndScore gradient");
            // Poly-1 with epsilon < 0 may go below 0; ApproxNdcgLoss is minus an NDCG, in [-1, 0] per list.
            boolean ndcg = e.loss instanceof ApproxNdcgLoss;
            assertTrue(Double.isFinite(sum) && (sum >= (ndcg ? -ROWS : 0) && (!ndcg || sum <= 0)
                    || e.loss.toString().startsWith("PolyLoss")), "finite, non-negative score (ApproxNdcgLoss: in [-R, 0])");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void rowMaskEqualsRemovingTheRows(Entry e) {
        Random random = new Random(2);
        INDArray z = e.z(random, ROWS, COLUMNS, DataType.DOUBLE);
        INDArray labels = e.labels(random, ROWS, COLUMNS, DataType.DOUBLE);
        INDArray mask = Catalogue.rowMask(random, ROWS, DataType.DOUBLE);
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            if (mask.getDouble(i, 0) != 0) {
                kept.add(i);
            }
        }
        int[] rows = kept.stream().mapToInt(Integer::intValue).toArray();
        INDArray zKept = z.getRows(rows);
        INDArray labelsKept = labels.getRows(rows);

        close(e.loss.computeScore(labelsKept, zKept, e.activation, null, false),
                e.loss.computeScore(labels, z, e.activation, mask, false), 1e-12, "masked sum");
        INDArray masked = e.loss.computeGradient(labels, z, e.activation, mask);
        close(e.loss.computeGradient(labelsKept, zKept, e.activation, null), masked.getRows(rows), 1e-12, "kept gradient rows");
        INDArray scores = e.loss.computeScoreArray(labels, z, e.activation, mask);
        for (int i = 0; i < ROWS; i++) {
            if (mask.getDouble(i, 0) == 0) {
                assertEquals(0.0, masked.getRow(i).amaxNumber().doubleValue(), "masked row's gradient");
                assertEquals(0.0, scores.getDouble(i, 0), "masked row's score");
            }
        }
        // average=true still divides by all rows (DL4J's convention)
        close(e.loss.computeScore(labels, z, e.activation, mask, false) / ROWS,
                e.loss.computeScore(labels, z, e.activation, mask, true), 1e-12, "masked mean");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void inputsAreNotModified(Entry e) {
        Random random = new Random(3);
        INDArray z = e.z(random, ROWS, COLUMNS, DataType.FLOAT);
        INDArray labels = e.labels(random, ROWS, COLUMNS, DataType.DOUBLE); // another data type on purpose
        INDArray mask = e.elementWise ? Catalogue.elementMask(random, ROWS, COLUMNS, DataType.FLOAT)
                : Catalogue.rowMask(random, ROWS, DataType.FLOAT);
        INDArray z0 = z.dup();
        INDArray labels0 = labels.dup();
        INDArray mask0 = mask.dup();
        e.loss.computeScore(labels, z, e.activation, mask, true);
        e.loss.computeScoreArray(labels, z, e.activation, mask);
        e.loss.computeGradient(labels, z, e.activation, mask);
        e.loss.computeGradientAndScore(labels, z, e.activation, mask, false);
        assertEquals(z0, z, "preOutput untouched");
        assertEquals(labels0, labels, "labels untouched");
        assertEquals(mask0, mask, "mask untouched");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void floatAndDoubleAgree(Entry e) {
        Random random = new Random(4);
        INDArray z = e.z(random, ROWS, COLUMNS, DataType.FLOAT).castTo(DataType.DOUBLE);
        INDArray labels = e.labels(random, ROWS, COLUMNS, DataType.FLOAT).castTo(DataType.DOUBLE);
        INDArray z32 = z.castTo(DataType.FLOAT);
        INDArray labels32 = labels.castTo(DataType.FLOAT);
        close(e.loss.computeScore(labels, z, e.activation, null, false),
                e.loss.computeScore(labels32, z32, e.activation, null, false), 1e-5, "float32 score");
        INDArray g32 = e.loss.computeGradient(labels32, z32, e.activation, null);
        assertEquals(DataType.FLOAT, g32.dataType());
        assertEquals(DataType.FLOAT, e.loss.computeScoreArray(labels32, z32, e.activation, null).dataType());
        close(e.loss.computeGradient(labels, z, e.activation, null), g32, 1e-5, "float32 gradient");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void oneInstanceServesManyThreads(Entry e) throws Exception {
        int threads = 4;
        List<INDArray[]> inputs = new ArrayList<>();
        List<Double> expectedScores = new ArrayList<>();
        List<INDArray> expectedGradients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Random random = new Random(10 + t);
            INDArray z = e.z(random, 64, COLUMNS, DataType.FLOAT);
            INDArray labels = e.labels(random, 64, COLUMNS, DataType.FLOAT);
            inputs.add(new INDArray[] {z, labels});
            expectedScores.add(e.loss.computeScore(labels, z, e.activation, null, false));
            expectedGradients.add(e.loss.computeGradient(labels, z, e.activation, null));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int k = t;
                results.add(pool.submit(() -> {
                    INDArray z = inputs.get(k)[0];
                    INDArray labels = inputs.get(k)[1];
                    boolean same = true;
                    for (int i = 0; i < 30; i++) {
                        // Equal to float rounding, not bit for bit: the Vector API computes exp and log
                        // in Java until the JIT compiles it to SVML, and the two may differ in the
                        // last bit. A race between threads would show as a difference far larger.
                        double score = e.loss.computeScore(labels, z, e.activation, null, false);
                        same &= Math.abs(score - expectedScores.get(k)) <= 1e-5 * (1 + Math.abs(expectedScores.get(k)));
                        same &= e.loss.computeGradient(labels, z, e.activation, null)
                                .equalsWithEps(expectedGradients.get(k), 1e-5);
                    }
                    Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
                    return same;
                }));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get(), "every thread gets the single-threaded result");
            }
        } finally {
            pool.shutdown();
        }
    }
}
