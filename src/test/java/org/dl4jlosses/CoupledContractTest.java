package org.dl4jlosses;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dl4jlosses.testing.CoupledCatalogue.Entry;
import org.dl4jlosses.testing.CoupledCatalogue.Sample;
import org.dl4jlosses.testing.CoupledCatalogue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The contract of section 1 for every coupled loss configuration: hand-derived gradients against
 * central finite differences in double precision (with and without a mask), the score identities,
 * a masked unit equals removing it, inputs untouched, float32 against float64, and one instance
 * serving several threads.
 */
class CoupledContractTest {
    private static final double H = 1e-6;

    static List<Entry> entries() {
        return CoupledCatalogue.all();
    }

    /** Units to mask: the first and, for samples with more than three units, the third. */
    private static int[] someUnits(Sample s) {
        return s.units.length > 3 ? new int[] {0, 2} : new int[] {0};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void gradientMatchesFiniteDifferences(Entry e) {
        Sample s = e.sample(new Random(e.name.hashCode()), DataType.DOUBLE);
        for (INDArray mask : new INDArray[] {null, s.maskOf(someUnits(s))}) {
            INDArray analytic = e.loss.computeGradient(s.labels, s.z, e.activation, mask);
            assertTrue(analytic.amaxNumber().doubleValue() > 0, "a gradient check of a zero gradient proves nothing");
            double scale = Math.max(1, analytic.amaxNumber().doubleValue());
            INDArray z = s.z.dup();
            for (int i = 0; i < z.size(0); i++) {
                for (int j = 0; j < z.size(1); j++) {
                    double original = z.getDouble(i, j);
                    z.putScalar(i, j, original + H);
                    double plus = e.loss.computeScore(s.labels, z, e.activation, mask, false);
                    z.putScalar(i, j, original - H);
                    double minus = e.loss.computeScore(s.labels, z, e.activation, mask, false);
                    z.putScalar(i, j, original);
                    double numeric = (plus - minus) / (2 * H);
                    double got = analytic.getDouble(i, j);
                    if (Math.abs(numeric - got) > 1e-6 * scale) {
                        fail((mask == null ? "" : "masked: ") + "d score / d z[" + i + "," + j + "]: analytic " + got
                                + ", finite difference " + numeric);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void scoresAddUp(Entry e) {
        Sample s = e.sample(new Random(1), DataType.DOUBLE);
        for (INDArray mask : new INDArray[] {null, s.maskOf(someUnits(s))}) {
            double sum = e.loss.computeScore(s.labels, s.z, e.activation, mask, false);
            double mean = e.loss.computeScore(s.labels, s.z, e.activation, mask, true);
            INDArray array = e.loss.computeScoreArray(s.labels, s.z, e.activation, mask);
            assertEquals(List.of((long) s.rows(), 1L), List.of(array.size(0), array.size(1)));
            close(sum, array.sumNumber().doubleValue(), 1e-12, "score array sums to the score");
            close(sum, s.examples * mean, 1e-12, "sum = E x mean");
            Pair<Double, INDArray> both = e.loss.computeGradientAndScore(s.labels, s.z, e.activation, mask, false);
            close(sum, both.getFirst(), 1e-12, "computeGradientAndScore score");
            close(e.loss.computeGradient(s.labels, s.z, e.activation, mask), both.getSecond(), 1e-12,
                    "computeGradientAndScore gradient");
            assertTrue(Double.isFinite(sum), "finite score");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void maskedUnitsEqualRemovingThem(Entry e) {
        Sample s = e.sample(new Random(2), DataType.DOUBLE);
        int[] masked = someUnits(s);
        INDArray mask = s.maskOf(masked);
        int[] rows = s.rowsWithout(masked);
        INDArray zKept = s.z.getRows(rows);
        INDArray labelsKept = s.labels.getRows(rows);

        close(e.loss.computeScore(labelsKept, zKept, e.activation, null, false),
                e.loss.computeScore(s.labels, s.z, e.activation, mask, false), 1e-12, "masked sum");
        INDArray gradient = e.loss.computeGradient(s.labels, s.z, e.activation, mask);
        close(e.loss.computeGradient(labelsKept, zKept, e.activation, null), gradient.getRows(rows), 1e-12,
                "kept gradient rows");
        INDArray scores = e.loss.computeScoreArray(s.labels, s.z, e.activation, mask);
        for (int u : masked) {
            for (int r : s.units[u]) {
                assertEquals(0.0, gradient.getRow(r).amaxNumber().doubleValue(), "masked row's gradient");
                assertEquals(0.0, scores.getDouble(r, 0), "masked row's score");
            }
        }
        close(e.loss.computeScore(s.labels, s.z, e.activation, mask, false) / s.examples,
                e.loss.computeScore(s.labels, s.z, e.activation, mask, true), 1e-12, "masked mean divides by E");

        INDArray all = s.maskOf(java.util.stream.IntStream.range(0, s.units.length).toArray());
        assertEquals(0.0, e.loss.computeScore(s.labels, s.z, e.activation, all, false), "everything masked: zero loss");
        assertEquals(0.0, e.loss.computeGradient(s.labels, s.z, e.activation, all).amaxNumber().doubleValue(),
                "everything masked: zero gradient");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void inputsAreNotModified(Entry e) {
        Sample s = e.sample(new Random(3), DataType.FLOAT);
        INDArray labels = s.labels.castTo(DataType.DOUBLE); // another data type on purpose
        INDArray mask = s.maskOf(someUnits(s));
        INDArray z0 = s.z.dup();
        INDArray labels0 = labels.dup();
        INDArray mask0 = mask.dup();
        e.loss.computeScore(labels, s.z, e.activation, mask, true);
        e.loss.computeScoreArray(labels, s.z, e.activation, mask);
        e.loss.computeGradient(labels, s.z, e.activation, mask);
        e.loss.computeGradientAndScore(labels, s.z, e.activation, null, false);
        assertEquals(z0, s.z, "preOutput untouched");
        assertEquals(labels0, labels, "labels untouched");
        assertEquals(mask0, mask, "mask untouched");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void floatAndDoubleAgree(Entry e) {
        Sample s32 = e.sample(new Random(4), DataType.FLOAT);
        Sample s = s32.castTo(DataType.DOUBLE);
        close(e.loss.computeScore(s.labels, s.z, e.activation, null, false),
                e.loss.computeScore(s32.labels, s32.z, e.activation, null, false), 1e-5, "float32 score");
        INDArray g32 = e.loss.computeGradient(s32.labels, s32.z, e.activation, null);
        assertEquals(DataType.FLOAT, g32.dataType());
        assertEquals(DataType.FLOAT, e.loss.computeScoreArray(s32.labels, s32.z, e.activation, null).dataType());
        close(e.loss.computeGradient(s.labels, s.z, e.activation, null), g32, 1e-4, "float32 gradient");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void oneInstanceServesManyThreads(Entry e) throws Exception {
        int threads = 4;
        List<Sample> inputs = new ArrayList<>();
        List<Double> expectedScores = new ArrayList<>();
        List<INDArray> expectedGradients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Sample s = e.sample(new Random(10 + t), DataType.FLOAT);
            inputs.add(s);
            expectedScores.add(e.loss.computeScore(s.labels, s.z, e.activation, null, false));
            expectedGradients.add(e.loss.computeGradient(s.labels, s.z, e.activation, null));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int k = t;
                results.add(pool.submit(() -> {
                    Sample s = inputs.get(k);
                    boolean same = true;
                    for (int i = 0; i < 20; i++) {
                        // Equal to float rounding, not bit for bit (as in InvariantsTest): kernels that
                        // use the Vector API's exp get it in Java until the JIT compiles it to SVML, and
                        // the two may differ in the last bit. A race on shared state would differ far more.
                        double score = e.loss.computeScore(s.labels, s.z, e.activation, null, false);
                        same &= Math.abs(score - expectedScores.get(k)) <= 1e-5 * (1 + Math.abs(expectedScores.get(k)));
                        same &= e.loss.computeGradient(s.labels, s.z, e.activation, null)
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

    /**
     * Losses of cosines do not depend on the embeddings' norms: scaled by 1e20 (squares past
     * float's range), float32 embeddings give the same score, and a gradient 1e20 times smaller.
     * The scale-invariant entries are found in float64 (score at z and at 2 z).
     */
    @org.junit.jupiter.api.Test
    void cosineLossesHoldForNormsPastFloatSquares() {
        int checked = 0;
        for (Entry e : entries()) {
            Sample s = e.sample(new Random(3), DataType.DOUBLE);
            double at1 = e.loss.computeScore(s.labels, s.z, e.activation, null, false);
            double at2 = e.loss.computeScore(s.labels, s.z.mul(2), e.activation, null, false);
            if (Math.abs(at1 - at2) > 1e-9 * Math.max(1, Math.abs(at1))) {
                continue;
            }
            checked++;
            Sample f = s.castTo(DataType.FLOAT);
            // Rows of at least 40 columns, so that the vector sums (not only their scalar remainders) run.
            INDArray z = Nd4j.hstack(java.util.Collections.nCopies((int) Math.ceil(40.0 / f.z.size(1)), f.z)
                    .toArray(new INDArray[0]));
            INDArray huge = z.mul(1e20);
            double score = e.loss.computeScore(f.labels, z, e.activation, null, false);
            close(score, e.loss.computeScore(f.labels, huge, e.activation, null, false), 1e-4 * Math.max(1, Math.abs(score)),
                    e + ": score at norms of 1e20");
            INDArray g = e.loss.computeGradient(f.labels, z, e.activation, null).castTo(DataType.DOUBLE);
            INDArray gHuge = e.loss.computeGradient(f.labels, huge, e.activation, null).castTo(DataType.DOUBLE).muli(1e20);
            double largest = g.amaxNumber().doubleValue();
            assertTrue(gHuge.sub(g).amaxNumber().doubleValue() <= 1e-3 * largest,
                    e + ": gradient at norms of 1e20, times 1e20, against the gradient at z");
        }
        assertTrue(checked >= 5, "scale-invariant entries checked: " + checked);
    }
}
