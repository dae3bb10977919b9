package org.dl4jlosses.embedding;

import static org.dl4jlosses.embedding.TripletLossTest.finite;
import static org.dl4jlosses.embedding.TripletLossTest.ids;
import static org.dl4jlosses.embedding.TripletLossTest.rejects;
import static org.dl4jlosses.embedding.TripletLossTest.rejectsEverywhere;
import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * SupervisedContrastiveLoss, and what the three GROUPS pair losses share (SupCon, MultiSimilarity,
 * Circle): values by hand, invariances, nothing to learn, extremes and bad input (finite
 * differences, masks, threads and precisions run in the coupled catalogue; the PyTorch values in
 * the embedding_group fixtures).
 */
class SupervisedContrastiveLossTest {
    static final IActivation IDENTITY = new ActivationIdentity();

    /** Four unit rows: cosines s01 = 0.6, s02 = 0, s03 = 0.8, s12 = 0.8, s13 = 0, s23 = -0.6. */
    static final double[][] FOUR = {{1, 0}, {0.6, 0.8}, {0, 1}, {0.8, -0.6}};

    static List<ILossFunction> groupLosses() {
        return List.of(new SupervisedContrastiveLoss(), SupervisedContrastiveLoss.builder().normalize(false).build(),
                new MultiSimilarityLoss(), MultiSimilarityLoss.builder().miningEpsilon(-1).build(), new CircleLoss());
    }

    @Test
    void valuesByHand() {
        double t = 0.5;
        SupervisedContrastiveLoss loss = SupervisedContrastiveLoss.builder().temperature(t).build();
        // ids 0, 0, 1 over rows 0..2: anchors 0 and 1 have a positive, row 2 none.
        INDArray z = Nd4j.createFromArray(new double[][] {FOUR[0], FOUR[1], FOUR[2]});
        double l0 = Math.log(Math.exp(0.6 / t) + Math.exp(0 / t)) - 0.6 / t;
        double l1 = Math.log(Math.exp(0.6 / t) + Math.exp(0.8 / t)) - 0.6 / t;
        double mean = (l0 + l1) / 2;
        close(mean, loss.computeScore(ids(DataType.DOUBLE, 4, 4, 9), z, IDENTITY, null, true), 1e-14, "mean");
        close(3 * mean, loss.computeScore(ids(DataType.DOUBLE, 4, 4, 9), z, IDENTITY, null, false), 1e-14, "sum");
        INDArray rows = loss.computeScoreArray(ids(DataType.DOUBLE, 4, 4, 9), z, IDENTITY, null);
        for (int r = 0; r < 3; r++) {
            close(mean, rows.getDouble(r, 0), 1e-14, "the mean spread evenly, row " + r);
        }
        // Ids 0, 0, 1, 1 over the four rows: two positives' means in one anchor when an id has three rows.
        INDArray four = Nd4j.createFromArray(FOUR);
        double[][] s = {{1, 0.6, 0, 0.8}, {0.6, 1, 0.8, 0}, {0, 0.8, 1, -0.6}, {0.8, 0, -0.6, 1}};
        int[] id = {0, 0, 0, 1};
        double sum = 0;
        for (int a = 0; a < 3; a++) {
            double lse = 0;
            double positives = 0;
            for (int k = 0; k < 4; k++) {
                if (k != a) {
                    lse += Math.exp(s[a][k] / t);
                    positives += id[k] == id[a] ? s[a][k] / t : 0;
                }
            }
            sum += Math.log(lse) - positives / 2;
        }
        close(sum / 3, loss.computeScore(ids(DataType.DOUBLE, 2, 2, 2, 5), four, IDENTITY, null, true), 1e-14,
                "three rows of one id, row 3 without a positive");
        // normalize = false: dot products of rows scaled by 2 are 4 s.
        SupervisedContrastiveLoss dot = SupervisedContrastiveLoss.builder().temperature(t).normalize(false).build();
        double d0 = Math.log(Math.exp(4 * 0.6 / t) + Math.exp(0)) - 4 * 0.6 / t;
        double d1 = Math.log(Math.exp(4 * 0.6 / t) + Math.exp(4 * 0.8 / t)) - 4 * 0.6 / t;
        close((d0 + d1) / 2, dot.computeScore(ids(DataType.DOUBLE, 4, 4, 9), z.mul(2), IDENTITY, null, true), 1e-14,
                "dot products");
    }

    /** Rows in another order, other id values (and one-hot rows), rows rescaled (cosines): the same loss. */
    @Test
    void invariances() {
        Random random = new Random(3);
        int n = 9;
        INDArray z = CoupledCatalogue.gaussian(random, n, 5, DataType.DOUBLE);
        double[] id = {3, 1, 3, 2, 1, 2, 3, 1, 7};
        int[] permutation = {4, 0, 8, 6, 2, 1, 5, 3, 7};
        INDArray permuted = Nd4j.zeros(DataType.DOUBLE, n, 5);
        double[] permutedId = new double[n];
        double[] otherId = new double[n];
        INDArray oneHot = Nd4j.zeros(DataType.DOUBLE, n, 8);
        INDArray scaled = z.dup();
        for (int i = 0; i < n; i++) {
            permuted.putRow(i, z.getRow(permutation[i]));
            permutedId[i] = id[permutation[i]];
            otherId[i] = 100 - 7 * id[i];
            oneHot.putScalar(i, (int) id[i], 1);
            scaled.getRow(i).muli(0.1 + i);
        }
        for (ILossFunction loss : groupLosses()) {
            double reference = loss.computeScore(ids(DataType.DOUBLE, id), z, IDENTITY, null, false);
            close(reference, loss.computeScore(ids(DataType.DOUBLE, permutedId), permuted, IDENTITY, null, false), 1e-12,
                    loss + ": rows in another order");
            close(reference, loss.computeScore(ids(DataType.DOUBLE, otherId), z, IDENTITY, null, false), 1e-12,
                    loss + ": other id values");
            close(reference, loss.computeScore(oneHot, z, IDENTITY, null, false), 1e-12, loss + ": one-hot rows");
            if (!(loss instanceof SupervisedContrastiveLoss) || ((SupervisedContrastiveLoss) loss).isNormalize()) {
                close(reference, loss.computeScore(ids(DataType.DOUBLE, id), scaled, IDENTITY, null, false), 1e-12,
                        loss + ": rows rescaled");
            }
        }
    }

    /** One id, no two rows of an id, one row, every row but one masked: loss 0 and gradient 0. */
    @Test
    void nothingToLearnGivesZeros() {
        Random random = new Random(5);
        for (ILossFunction loss : groupLosses()) {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                INDArray z = CoupledCatalogue.gaussian(random, 5, 4, DataType.DOUBLE).castTo(type);
                boolean msWithoutMining = loss instanceof MultiSimilarityLoss
                        && ((MultiSimilarityLoss) loss).getMiningEpsilon() < 0;
                for (INDArray y : new INDArray[] {ids(type, 1, 1, 1, 1, 1), ids(type, 1, 2, 3, 4, 5)}) {
                    Pair<Double, INDArray> r = finite(loss, y, z, null);
                    if (msWithoutMining) {
                        // Without the miner the reference keeps the terms of the one kind of pair there is.
                        assertTrue(r.getFirst() > 0, loss + " " + type);
                    } else {
                        assertEquals(0.0, r.getFirst(), loss + " " + type);
                        assertEquals(0.0, r.getSecond().amaxNumber().doubleValue(), loss + " " + type);
                    }
                }
                INDArray one = CoupledCatalogue.gaussian(random, 1, 4, DataType.DOUBLE).castTo(type);
                assertEquals(0.0, loss.computeScore(ids(type, 1), one, IDENTITY, null, false));
                assertEquals(0.0, loss.computeGradient(ids(type, 1), one, IDENTITY, null).amaxNumber().doubleValue());
                INDArray mask = Nd4j.zeros(type, 5, 1);
                mask.putScalar(3, 0, 1);
                assertEquals(0.0, loss.computeScore(ids(type, 1, 1, 2, 2, 1), z, IDENTITY, mask, false));
                assertEquals(0.0, loss.computeGradient(ids(type, 1, 1, 2, 2, 1), z, IDENTITY, mask)
                        .amaxNumber().doubleValue());
            }
        }
    }

    /** Duplicate and opposite rows (cosines of +-1), zero rows, extreme options: finite. */
    @Test
    void extremesAreFinite() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray z = Nd4j.createFromArray(new double[][] {
                {1, 2, 3, 4}, {2, 4, 6, 8}, {-1, -2, -3, -4}, {0, 0, 0, 0}, {1, 2, 3, 4}, {0, 0, 0, 0},
                {3, 1, 4, 1}}).castTo(type);
            INDArray y = ids(type, 0, 0, 1, 1, 2, 2, 1);
            for (ILossFunction loss : List.of(new SupervisedContrastiveLoss(),
                    SupervisedContrastiveLoss.builder().temperature(1e-4).build(),
                    SupervisedContrastiveLoss.builder().temperature(1e-4).normalize(false).build(),
                    new MultiSimilarityLoss(), MultiSimilarityLoss.builder().alpha(1e5).beta(1e5).miningEpsilon(-1).build(),
                    new CircleLoss(), CircleLoss.builder().gamma(1e5).margin(1).build())) {
                finite(loss, y, z, null);
                finite(loss, y, z.mul(1e4), null);
            }
        }
        // A tiny temperature: the loss is the largest logit minus the positive's, exactly.
        INDArray z = Nd4j.createFromArray(new double[][] {FOUR[0], FOUR[1], FOUR[2]});
        double t = 1e-4;
        close((0.8 - 0.6) / t / 2, SupervisedContrastiveLoss.builder().temperature(t).build()
                .computeScore(ids(DataType.DOUBLE, 4, 4, 9), z, IDENTITY, null, true), 1e-9, "temperature 1e-4");
    }

    @Test
    void badInputIsRejected() {
        INDArray z = Nd4j.randn(DataType.FLOAT, 4, 3);
        for (ILossFunction loss : groupLosses()) {
            String name = loss.getClass().getSimpleName();
            INDArray twoOnes = Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}, {1, 1}, {0, 1}});
            rejectsEverywhere(loss, twoOnes, z, null, name, "labels", "one-hot", "2 ones at row 2");
            rejectsEverywhere(loss, ids(DataType.FLOAT, 1, 2, 1.5, 2), z, null, name, "labels", "integer", "1.5 at row 2");
            rejectsEverywhere(loss, ids(DataType.FLOAT, 1, 2, Double.NaN, 2), z, null, name, "labels", "finite");
            rejectsEverywhere(loss, Nd4j.zeros(DataType.FLOAT, 3, 1), z, null, name, "labels");
            rejectsEverywhere(loss, ids(DataType.FLOAT, 1, 1, 2, 2), z, Nd4j.ones(DataType.FLOAT, 4, 3), name, "mask");
            // A masked row's label is not read.
            INDArray mask = Nd4j.ones(DataType.FLOAT, 4, 1);
            mask.putScalar(2, 0, 0);
            assertEquals(loss.computeScore(ids(DataType.FLOAT, 1, 1, 5, 2), z, IDENTITY, mask, false),
                    loss.computeScore(ids(DataType.FLOAT, 1, 1, Double.NaN, 2), z, IDENTITY, mask, false));
        }
        rejects(() -> SupervisedContrastiveLoss.builder().temperature(0).build(),
                "SupervisedContrastiveLoss: temperature must be finite and > 0");
        rejects(() -> SupervisedContrastiveLoss.builder().temperature(Double.NaN).build(),
                "SupervisedContrastiveLoss: temperature");
    }
}
