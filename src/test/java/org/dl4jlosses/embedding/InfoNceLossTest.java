package org.dl4jlosses.embedding;

import static org.dl4jlosses.embedding.RetrievalChecks.IDENTITY;
import static org.dl4jlosses.embedding.RetrievalChecks.finiteScoreAndGradient;
import static org.dl4jlosses.embedding.RetrievalChecks.gaussian;
import static org.dl4jlosses.embedding.RetrievalChecks.nothingToLearn;
import static org.dl4jlosses.embedding.RetrievalChecks.rejects;
import static org.dl4jlosses.embedding.RetrievalChecks.rejectsEverywhere;
import static org.dl4jlosses.embedding.RetrievalChecks.zeros;
import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dl4jlosses.embedding.InfoNceLoss.Layout;
import org.dl4jlosses.embedding.InfoNceLoss.NegativeMode;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** InfoNceLoss: options, bad input, numerical safety and the meaning of its negative modes. */
class InfoNceLossTest {
    private static final InfoNceLoss GROUPS = InfoNceLoss.builder().layout(Layout.GROUPS).build();

    private static INDArray ids(double... ids) {
        return Nd4j.createFromArray(ids).reshape(ids.length, 1).castTo(DataType.FLOAT);
    }

    // ------------------------------------------------------------------ options

    @Test
    void defaultsAndBuilder() {
        InfoNceLoss d = new InfoNceLoss();
        assertEquals(0.1, d.getTemperature());
        assertTrue(d.isNormalize());
        assertEquals(0, d.getNegatives());
        assertEquals(NegativeMode.UNPAIRED, d.getNegativeMode());
        assertEquals(Layout.BLOCKS, d.getLayout());
        assertEquals(d, InfoNceLoss.builder().build());

        InfoNceLoss b = InfoNceLoss.builder().temperature(0.07).normalize(false).negatives(3)
                .negativeMode(NegativeMode.PAIRED).build();
        assertEquals(0.07, b.getTemperature());
        assertFalse(b.isNormalize());
        assertEquals(3, b.getNegatives());
        assertEquals(NegativeMode.PAIRED, b.getNegativeMode());
        assertNotEquals(d, b);
        String s = b.toString();
        for (String part : new String[] {"InfoNceLoss", "temperature=0.07", "normalize=false", "negatives=3",
            "negativeMode=PAIRED", "layout=BLOCKS"}) {
            assertTrue(s.contains(part), s + " names " + part);
        }
    }

    @Test
    void badOptionsThrowAtBuild() {
        for (double t : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            rejects(() -> InfoNceLoss.builder().temperature(t).build(), "InfoNceLoss", "temperature", "> 0");
        }
        rejects(() -> InfoNceLoss.builder().negatives(-1).build(), "InfoNceLoss", "negatives", "in [0, 1000000]", "-1");
        // A count whose row arithmetic would overflow int is rejected at build(), not at the first call.
        rejects(() -> InfoNceLoss.builder().negatives(Integer.MAX_VALUE).build(), "InfoNceLoss", "negatives",
                "in [0, 1000000]", String.valueOf(Integer.MAX_VALUE));
        rejects(() -> InfoNceLoss.builder().negatives(2).layout(Layout.GROUPS).build(), "InfoNceLoss", "negatives",
                "GROUPS");
        rejects(() -> InfoNceLoss.builder().negativeMode(null).build(), "InfoNceLoss", "negativeMode", "null");
        rejects(() -> InfoNceLoss.builder().layout(null).build(), "InfoNceLoss", "layout", "null");
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void indivisibleBlocksAreRejected() {
        InfoNceLoss loss = InfoNceLoss.builder().negatives(1).build();
        rejectsEverywhere(loss, zeros(10), gaussian(1, 10, 4, DataType.FLOAT), null,
                "InfoNceLoss", "preOutput", "3 blocks", "query; positive key; negative key", "[10, 4]");
        rejectsEverywhere(new InfoNceLoss(), zeros(7), gaussian(1, 7, 4, DataType.FLOAT), null,
                "InfoNceLoss", "preOutput", "2 blocks", "[7, 4]");
        rejectsEverywhere(InfoNceLoss.builder().negatives(3).build(), zeros(12), gaussian(1, 12, 4, DataType.FLOAT),
                null, "InfoNceLoss", "preOutput", "5 blocks", "3 negative-key blocks");
    }

    @Test
    void badMasksAreRejected() {
        INDArray z = gaussian(2, 8, 3, DataType.FLOAT);
        INDArray split = Nd4j.ones(DataType.FLOAT, 8, 1);
        split.putScalar(1, 0, 0); // query 1 masked, its key (row 5) not
        rejectsEverywhere(new InfoNceLoss(), zeros(8), z, split, "InfoNceLoss", "mask", "tuple");
        INDArray half = Nd4j.ones(DataType.FLOAT, 8, 1).muli(0.5);
        rejectsEverywhere(new InfoNceLoss(), zeros(8), z, half, "InfoNceLoss", "mask", "0 or 1");
        rejectsEverywhere(new InfoNceLoss(), zeros(8), z, Nd4j.ones(DataType.FLOAT, 8, 3), "InfoNceLoss", "mask",
                "[8, 1]");
    }

    @Test
    void badGroupLabelsAreRejected() {
        INDArray z = gaussian(3, 4, 3, DataType.FLOAT);
        rejectsEverywhere(GROUPS, ids(1, 1, 2.5, 2), z, null, "InfoNceLoss", "labels", "integer group ids", "2.5");
        rejectsEverywhere(GROUPS, ids(1, Double.NaN, 2, 2), z, null, "InfoNceLoss", "labels", "finite");
        INDArray twoHot = Nd4j.createFromArray(new float[][] {{1, 0}, {1, 1}, {0, 1}, {0, 1}});
        rejectsEverywhere(GROUPS, twoHot, z, null, "InfoNceLoss", "labels", "one-hot", "2 ones");
        INDArray soft = Nd4j.createFromArray(new float[][] {{1, 0}, {0.5f, 0.5f}, {0, 1}, {0, 1}});
        rejectsEverywhere(GROUPS, soft, z, null, "InfoNceLoss", "labels", "one-hot", "0.5");
        rejectsEverywhere(GROUPS, ids(1, 1, 2), z, null, "InfoNceLoss", "labels", "[4, 1]", "[3, 1]");
    }

    // ------------------------------------------------------------------ what the options mean

    @Test
    void unpairedNegativesAreSharedButPairedOnesBelongToTheirQuery() {
        int n = 5;
        INDArray z = gaussian(4, 3 * n, 4, DataType.DOUBLE);
        INDArray shuffled = z.dup();
        // Reverse the negative block: every query keeps the same set of negatives but gets another own one.
        for (int i = 0; i < n; i++) {
            shuffled.putRow(2 * n + i, z.getRow(3 * n - 1 - i));
        }
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 3 * n, 1);
        InfoNceLoss unpaired = InfoNceLoss.builder().negatives(1).build();
        InfoNceLoss paired = InfoNceLoss.builder().negatives(1).negativeMode(NegativeMode.PAIRED).build();
        close(unpaired.computeScore(labels, z, IDENTITY, null, true),
                unpaired.computeScore(labels, shuffled, IDENTITY, null, true), 1e-12, "unpaired: a set of negatives");
        double before = paired.computeScore(labels, z, IDENTITY, null, true);
        double after = paired.computeScore(labels, shuffled, IDENTITY, null, true);
        assertTrue(Math.abs(before - after) > 1e-3, "paired: each query's own negatives, " + before + " vs " + after);
    }

    @Test
    void withoutNegativeBlocksTheModeIsNotReadAndOtherKeysAreTheNegatives() {
        int n = 6;
        INDArray z = gaussian(5, 2 * n, 3, DataType.DOUBLE);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2 * n, 1);
        InfoNceLoss unpaired = new InfoNceLoss();
        InfoNceLoss paired = InfoNceLoss.builder().negativeMode(NegativeMode.PAIRED).build();
        assertEquals(unpaired.computeScore(labels, z, IDENTITY, null, false),
                paired.computeScore(labels, z, IDENTITY, null, false));
        // K = 0 is MultipleNegativesRankingLoss's formula with scale = 1 / temperature.
        MultipleNegativesRankingLoss mnrl = MultipleNegativesRankingLoss.builder().scale(10).build();
        close(mnrl.computeScore(labels, z, IDENTITY, null, false),
                unpaired.computeScore(labels, z, IDENTITY, null, false), 1e-12, "InfoNCE K=0 = MNRL scale 1/t");
        close(mnrl.computeGradient(labels, z, IDENTITY, null), unpaired.computeGradient(labels, z, IDENTITY, null),
                1e-12, "gradients");
    }

    @Test
    void blocksDoNotReadLabels() {
        INDArray z = gaussian(6, 9, 3, DataType.DOUBLE);
        InfoNceLoss loss = InfoNceLoss.builder().negatives(1).build();
        double expected = loss.computeScore(Nd4j.zeros(DataType.DOUBLE, 9, 1), z, IDENTITY, null, false);
        INDArray anything = gaussian(7, 9, 5, DataType.DOUBLE).muli(1e6);
        assertEquals(expected, loss.computeScore(anything, z, IDENTITY, null, false));
    }

    @Test
    void scalingRowsChangesNothingWhenNormalizedButEverythingWhenNot() {
        INDArray z = gaussian(8, 8, 3, DataType.DOUBLE);
        INDArray scaled = z.mul(3.7);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 8, 1);
        InfoNceLoss normalized = new InfoNceLoss();
        close(normalized.computeScore(labels, z, IDENTITY, null, false),
                normalized.computeScore(labels, scaled, IDENTITY, null, false), 1e-12, "cosine logits");
        InfoNceLoss raw = InfoNceLoss.builder().normalize(false).build();
        assertTrue(Math.abs(raw.computeScore(labels, z, IDENTITY, null, false)
                - raw.computeScore(labels, scaled, IDENTITY, null, false)) > 1e-3, "dot-product logits");
    }

    // ------------------------------------------------------------------ numerical safety

    @Test
    void smallTemperaturesStayFiniteAndExactInFloat32() {
        InfoNceLoss[] losses = {
            InfoNceLoss.builder().temperature(0.01).build(),
            InfoNceLoss.builder().temperature(0.01).negatives(2).build(),
            InfoNceLoss.builder().temperature(0.01).negatives(2).negativeMode(NegativeMode.PAIRED).build(),
            InfoNceLoss.builder().temperature(0.01).normalize(false).negatives(1).build(),
        };
        for (InfoNceLoss loss : losses) {
            int g = 2 + loss.getNegatives();
            // Without normalisation the logits reach 1e5: only a shifted log-sum-exp survives that.
            INDArray z64 = gaussian(9, 4 * g, 8, DataType.DOUBLE).muli(loss.isNormalize() ? 1 : 30);
            INDArray labels = Nd4j.zeros(DataType.FLOAT, 4 * g, 1);
            Pair<Double, INDArray> f32 = finiteScoreAndGradient(loss, labels, z64.castTo(DataType.FLOAT), null);
            Pair<Double, INDArray> f64 = loss.computeGradientAndScore(labels.castTo(DataType.DOUBLE), z64, IDENTITY,
                    null, false);
            assertTrue(f64.getFirst() > 1, loss + ": a loss worth checking, " + f64.getFirst());
            close(f64.getFirst(), f32.getFirst(), loss.isNormalize() ? 1e-4 : 1e-3, loss + " float32 score");
        }
        INDArray z = gaussian(10, 12, 8, DataType.FLOAT);
        INDArray labels = ids(1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3);
        Pair<Double, INDArray> groups = finiteScoreAndGradient(
                InfoNceLoss.builder().layout(Layout.GROUPS).temperature(0.01).build(), labels, z, null);
        assertTrue(groups.getFirst() > 1, "GROUPS at t = 0.01: " + groups.getFirst());
    }

    @Test
    void zeroEmbeddingsStayFinite() {
        INDArray z = gaussian(11, 8, 3, DataType.FLOAT);
        z.putRow(0, Nd4j.zeros(DataType.FLOAT, 3)); // a zero query
        z.putRow(5, Nd4j.zeros(DataType.FLOAT, 3)); // a zero key
        finiteScoreAndGradient(new InfoNceLoss(), zeros(8), z, null);
        INDArray all = Nd4j.zeros(DataType.FLOAT, 12, 3);
        finiteScoreAndGradient(InfoNceLoss.builder().negatives(2).negativeMode(NegativeMode.PAIRED).build(), zeros(12),
                all, null);
        finiteScoreAndGradient(GROUPS, ids(1, 1, 2, 2, 3, 3, 1, 2), z, null);
        finiteScoreAndGradient(GROUPS, ids(1, 1, 2, 2, 3, 3, 1, 2), Nd4j.zeros(DataType.FLOAT, 8, 3), null);
    }

    @Test
    void nothingToLearnGivesZeroLossAndGradient() {
        // One tuple and no negative blocks: the key is the only candidate.
        nothingToLearn(new InfoNceLoss(), zeros(2), gaussian(12, 2, 3, DataType.FLOAT), null);
        // GROUPS without positive pairs, and GROUPS without negatives.
        INDArray z = gaussian(13, 6, 3, DataType.FLOAT);
        nothingToLearn(GROUPS, ids(1, 2, 3, 4, 5, 6), z, null);
        nothingToLearn(GROUPS, ids(7, 7, 7, 7, 7, 7), z, null);
        // Masks that leave one of those situations, or nothing at all.
        INDArray mask = Nd4j.createFromArray(new float[] {1, 0, 1, 0, 1, 1}).reshape(6, 1);
        nothingToLearn(GROUPS, ids(1, 1, 2, 2, 3, 4), z, mask);
        nothingToLearn(new InfoNceLoss(), zeros(6), z, Nd4j.zeros(DataType.FLOAT, 6, 1));
        nothingToLearn(GROUPS, ids(1, 1, 2, 2, 3, 4), z, Nd4j.zeros(DataType.FLOAT, 6, 1));
    }

    @Test
    void aGroupsBatchCountsEveryOrderedPositivePair() {
        // Two rows of one id and one of another: pairs (0,1) and (1,0), each against row 2.
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 0}, {0.6, 0.8}, {0, 1}});
        double t = 0.5;
        double s01 = 0.6 / t;
        double s02 = 0;
        double s12 = 0.8 / t;
        double pair01 = -s01 + Math.log(Math.exp(s01) + Math.exp(s02));
        double pair10 = -s01 + Math.log(Math.exp(s01) + Math.exp(s12));
        InfoNceLoss loss = InfoNceLoss.builder().layout(Layout.GROUPS).temperature(t).build();
        INDArray labels = Nd4j.createFromArray(new double[][] {{4}, {4}, {9}});
        close((pair01 + pair10) / 2, loss.computeScore(labels, z, IDENTITY, null, true), 1e-12, "mean over pairs");
        INDArray scores = loss.computeScoreArray(labels, z, IDENTITY, null);
        close(3 * (pair01 + pair10) / 2, scores.sumNumber().doubleValue(), 1e-12, "E x mean");
        close(scores.getDouble(0), scores.getDouble(2), 1e-15, "spread evenly");
    }
}
