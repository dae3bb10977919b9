package org.dl4jlosses.embedding;

import static org.dl4jlosses.embedding.TripletLossTest.finite;
import static org.dl4jlosses.embedding.TripletLossTest.ids;
import static org.dl4jlosses.embedding.TripletLossTest.rejects;
import static org.dl4jlosses.embedding.TripletLossTest.rejectsEverywhere;
import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.dl4jlosses.testing.CoupledCatalogue;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * CoSentLoss and AnglELoss: values by hand, the sorted sum against every pair of pairs at a
 * large batch, invariances, nothing to learn, extremes and bad input (their finite differences,
 * masks, threads and precisions run in the coupled catalogue; the PyTorch values in the
 * embedding_pair fixtures).
 */
class CoSentLossTest {
    private static final IActivation IDENTITY = new ActivationIdentity();

    private static List<PairScoreRankingLoss> both() {
        return List.of(new CoSentLoss(), new AnglELoss(), CoSentLoss.builder().scale(3).build(),
                AnglELoss.builder().scale(3).build());
    }

    /** Block-0 labels {@code y} and block 1 holding 7 (not read). */
    private static INDArray labels(DataType type, double... y) {
        double[] all = new double[2 * y.length];
        System.arraycopy(y, 0, all, 0, y.length);
        java.util.Arrays.fill(all, y.length, all.length, 7);
        return ids(type, all);
    }

    @Test
    void valuesByHand() {
        // Pair 0: cos 1 ([1, 0] and [2, 0]); pair 1: cos 0.6 ([1, 0] and [0.6, 0.8]).
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 0}, {1, 0}, {2, 0}, {0.6, 0.8}});
        double s = 3;
        CoSentLoss cosent = CoSentLoss.builder().scale(s).build();
        // Scores ranked as the cosines: the only pair of pairs costs exp(s (0.6 - 1)).
        close(Math.log1p(Math.exp(s * (0.6 - 1))), cosent.computeScore(labels(DataType.DOUBLE, 1, 0), z, IDENTITY, null,
                true), 1e-14, "ordered");
        close(4 * Math.log1p(Math.exp(s * (1 - 0.6))), cosent.computeScore(labels(DataType.DOUBLE, 0, 1), z, IDENTITY,
                null, false), 1e-14, "misordered, summed over the 4 rows");
        // AnglE with D = 2: l = [a, b], r = [c, d] -> |ac + bd + bc - ad| / (|l| |r|).
        // Pair 0: [1, 0], [2, 0] -> 2 / 2 = 1; pair 1: [1, 0], [0.6, 0.8] -> |0.6 - 0.8| = 0.2.
        AnglELoss angle = AnglELoss.builder().scale(s).build();
        close(Math.log1p(Math.exp(s * (0.2 - 1))), angle.computeScore(labels(DataType.DOUBLE, 1, 0), z, IDENTITY, null,
                true), 1e-14, "AnglE, ordered");
        // Three pairs, scores 2 > 1 > 0: all three pairs of pairs count.
        INDArray z3 = Nd4j.createFromArray(new double[][] {{1, 0}, {1, 0}, {1, 0}, {0.6, 0.8}, {0.8, 0.6}, {0, 1}});
        double expected = Math.log(1 + Math.exp(s * (0.8 - 0.6)) + Math.exp(s * (0.0 - 0.6)) + Math.exp(s * (0.0 - 0.8)));
        close(expected, cosent.computeScore(labels(DataType.DOUBLE, 2, 1, 0), z3, IDENTITY, null, true), 1e-14,
                "three pairs");
        // Ties are never compared: scores 1, 1, 0 leave two pairs of pairs.
        expected = Math.log(1 + Math.exp(s * (0.0 - 0.6)) + Math.exp(s * (0.0 - 0.8)));
        close(expected, cosent.computeScore(labels(DataType.DOUBLE, 1, 1, 0), z3, IDENTITY, null, true), 1e-14, "ties");
    }

    /** The sorted log-sum-exp against the sum over every pair of pairs, at a batch of 300 pairs with many ties. */
    @Test
    void sortedSumEqualsTheSumOverEveryPairOfPairs() {
        Random random = new Random(11);
        int n = 300;
        int d = 8;
        INDArray z = CoupledCatalogue.gaussian(random, 2 * n, d, DataType.DOUBLE);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(6) * 0.5 - 1;
        }
        y[3] = -0.0;
        y[4] = 0.0;
        for (double scale : new double[] {1, 20, 500}) {
            for (boolean angle : new boolean[] {false, true}) {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) {
                    double[] l = z.getRow(i).toDoubleVector();
                    double[] r = z.getRow(n + i).toDoubleVector();
                    double dot = 0;
                    double ll = 0;
                    double rr = 0;
                    double cross = 0;
                    for (int k = 0; k < d; k++) {
                        dot += l[k] * r[k];
                        ll += l[k] * l[k];
                        rr += r[k] * r[k];
                    }
                    for (int k = 0; k < d / 2; k++) {
                        cross += l[d / 2 + k] * r[k] - l[k] * r[d / 2 + k];
                    }
                    x[i] = scale * (angle ? Math.abs(dot + cross) : dot) / Math.sqrt(ll * rr);
                }
                double max = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        if (y[i] > y[j]) {
                            max = Math.max(max, x[j] - x[i]);
                        }
                    }
                }
                double sum = Math.exp(-max);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        if (y[i] > y[j]) {
                            sum += Math.exp(x[j] - x[i] - max);
                        }
                    }
                }
                PairScoreRankingLoss loss = angle ? AnglELoss.builder().scale(scale).build()
                        : CoSentLoss.builder().scale(scale).build();
                close(max + Math.log(sum), loss.computeScore(labels(DataType.DOUBLE, y), z, IDENTITY, null, true), 1e-12,
                        loss.toString());
            }
        }
    }

    @Test
    void invariances() {
        Random random = new Random(3);
        int n = 7;
        INDArray z = CoupledCatalogue.gaussian(random, 2 * n, 6, DataType.DOUBLE);
        double[] y = {0.3, -1, 2, 0.3, 5, 1, -1};
        int[] permutation = {4, 0, 6, 2, 1, 5, 3};
        INDArray permuted = Nd4j.zeros(DataType.DOUBLE, 2 * n, 6);
        double[] permutedY = new double[n];
        double[] transformedY = new double[n];
        INDArray scaledRows = z.dup();
        for (int i = 0; i < n; i++) {
            permuted.putRow(i, z.getRow(permutation[i]));
            permuted.putRow(n + i, z.getRow(n + permutation[i]));
            permutedY[i] = y[permutation[i]];
            transformedY[i] = 3 * Math.exp(y[i]) - 10;
            scaledRows.getRow(i).muli(0.1 + i);
        }
        for (PairScoreRankingLoss loss : both()) {
            double reference = loss.computeScore(labels(DataType.DOUBLE, y), z, IDENTITY, null, false);
            close(reference, loss.computeScore(labels(DataType.DOUBLE, permutedY), permuted, IDENTITY, null, false), 1e-12,
                    loss + ": pairs in another order");
            close(reference, loss.computeScore(labels(DataType.DOUBLE, transformedY), z, IDENTITY, null, false), 1e-12,
                    loss + ": scores through an increasing map");
            close(reference, loss.computeScore(labels(DataType.DOUBLE, y), scaledRows, IDENTITY, null, false), 1e-12,
                    loss + ": rows rescaled");
        }
    }

    @Test
    void nothingToLearnGivesZeros() {
        Random random = new Random(5);
        for (PairScoreRankingLoss loss : both()) {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                INDArray z = CoupledCatalogue.gaussian(random, 8, 4, DataType.DOUBLE).castTo(type);
                for (INDArray y : new INDArray[] {labels(type, 0.5, 0.5, 0.5, 0.5), labels(type, 2, 2, 2, 2)}) {
                    Pair<Double, INDArray> r = finite(loss, y, z, null);
                    assertEquals(0.0, r.getFirst(), loss + " " + type);
                    assertEquals(0.0, r.getSecond().amaxNumber().doubleValue(), loss + " " + type);
                }
                // One pair: nothing to compare it with.
                INDArray one = CoupledCatalogue.gaussian(random, 2, 4, DataType.DOUBLE).castTo(type);
                assertEquals(0.0, loss.computeScore(labels(type, 1), one, IDENTITY, null, false));
                assertEquals(0.0, loss.computeGradient(labels(type, 1), one, IDENTITY, null).amaxNumber().doubleValue());
                // All pairs but one masked.
                INDArray mask = Nd4j.zeros(type, 8, 1);
                mask.putScalar(2, 0, 1);
                mask.putScalar(6, 0, 1);
                assertEquals(0.0, loss.computeScore(labels(type, 0, 1, 2, 3), z, IDENTITY, mask, false));
            }
        }
    }

    @Test
    void extremesAreFinite() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            // cosines of +1 and -1, a zero row on each side, identical pairs
            INDArray z = Nd4j.createFromArray(new double[][] {
                {1, 2, 3, 4}, {1, 0, 0, 1}, {0, 0, 0, 0}, {0.5, -0.5, 1, 2}, {3, 1, 4, 1},
                {2, 4, 6, 8}, {-1, 0, 0, -1}, {1, 2, 3, 4}, {0, 0, 0, 0}, {3, 1, 4, 1}}).castTo(type);
            INDArray y = labels(type, 0, 1, 0.5, 2, 0.25);
            for (PairScoreRankingLoss loss : List.of(new CoSentLoss(), new AnglELoss(),
                    CoSentLoss.builder().scale(1e5).build(), AnglELoss.builder().scale(1e5).build())) {
                Pair<Double, INDArray> r = finite(loss, y, z, null);
                if (loss instanceof AnglELoss) {
                    // A zero row's angle similarity is 0 and |t| has no slope there: its pair gets no gradient.
                    assertEquals(0.0, r.getSecond().getRow(2).amaxNumber().doubleValue(), loss + " " + type);
                    assertEquals(0.0, r.getSecond().getRow(8).amaxNumber().doubleValue(), loss + " " + type);
                }
            }
            // a large scale: the loss is the largest difference of scaled similarities, exactly
            INDArray two = Nd4j.createFromArray(new double[][] {{1, 0}, {1, 0}, {1, 0}, {0, 1}}).castTo(type);
            double s = 1e5;
            close(2 * 2 * s, CoSentLoss.builder().scale(s).build().computeScore(labels(type, 0, 1), two, IDENTITY, null,
                    false), 1e-7, "scale 1e5, " + type);
        }
    }

    @Test
    void badInputIsRejected() {
        INDArray z = Nd4j.randn(DataType.FLOAT, 6, 4);
        for (PairScoreRankingLoss loss : both()) {
            String name = loss.name();
            rejectsEverywhere(loss, ids(DataType.FLOAT, 1, 0, 2, 0, 7, 7, 7), Nd4j.randn(DataType.FLOAT, 7, 4), null,
                    name, "preOutput", "2 blocks", "left; right", "[7, 4]");
            rejectsEverywhere(loss, labels(DataType.FLOAT, 1, Double.NaN, 0), z, null,
                    name + ": labels must be finite, got NaN at row 1");
            rejectsEverywhere(loss, labels(DataType.FLOAT, 1, 0, Double.POSITIVE_INFINITY), z, null,
                    name + ": labels must be finite, got Infinity at row 2");
            rejectsEverywhere(loss, Nd4j.zeros(DataType.FLOAT, 6, 2), z, null, name, "labels");
            INDArray split = Nd4j.ones(DataType.FLOAT, 6, 1);
            split.putScalar(4, 0, 0);
            rejectsEverywhere(loss, labels(DataType.FLOAT, 1, 0, 2), z, split, name, "mask", "tuple");
            // Block 1's labels are not read, a masked pair's neither: any value there is accepted.
            INDArray y = labels(DataType.FLOAT, 1, 0, 2);
            y.putScalar(4, 0, Double.NaN);
            finite(loss, y, z, null);
            INDArray masked = labels(DataType.FLOAT, 1, Double.NaN, 2);
            INDArray mask = Nd4j.ones(DataType.FLOAT, 6, 1);
            mask.putScalar(1, 0, 0);
            mask.putScalar(4, 0, 0);
            assertEquals(loss.computeScore(labels(DataType.FLOAT, 1, 0, 2), z, IDENTITY, mask, false),
                    loss.computeScore(masked, z, IDENTITY, mask, false));
            assertEquals(loss.computeGradient(labels(DataType.FLOAT, 1, 0, 2), z, IDENTITY, mask),
                    loss.computeGradient(masked, z, IDENTITY, mask));
        }
        INDArray odd = Nd4j.randn(DataType.FLOAT, 4, 3);
        rejectsEverywhere(new AnglELoss(), labels(DataType.FLOAT, 1, 0), odd, null,
                "AnglELoss: preOutput must be [2N, D] with D even", "got [4, 3]");
        finite(new CoSentLoss(), labels(DataType.FLOAT, 1, 0), odd, null);
        rejects(() -> CoSentLoss.builder().scale(0).build(), "CoSentLoss: scale must be finite and > 0");
        rejects(() -> AnglELoss.builder().scale(Double.NaN).build(), "AnglELoss: scale");
        rejects(() -> AnglELoss.builder().scale(-1).build(), "AnglELoss: scale");
    }
}
