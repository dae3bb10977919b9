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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** MultipleNegativesRankingLoss: options, bad input, numerical safety and the meaning of its options. */
class MultipleNegativesRankingLossTest {

    /** Blocks 0 and 1 swapped: anchors become positives and positives anchors. */
    private static INDArray swapFirstTwoBlocks(INDArray z, int n) {
        INDArray a = z.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
        INDArray p = z.get(NDArrayIndex.interval(n, 2 * n), NDArrayIndex.all());
        return Nd4j.vstack(p, a);
    }

    @Test
    void defaultsAndBuilder() {
        MultipleNegativesRankingLoss d = new MultipleNegativesRankingLoss();
        assertEquals(20.0, d.getScale());
        assertEquals(Distance.COSINE, d.getSimilarity());
        assertEquals(0, d.getHardNegatives());
        assertFalse(d.isSymmetric());
        assertEquals(d, MultipleNegativesRankingLoss.builder().build());

        MultipleNegativesRankingLoss b = MultipleNegativesRankingLoss.builder().scale(1).similarity(Distance.DOT)
                .hardNegatives(2).symmetric(true).build();
        assertEquals(1.0, b.getScale());
        assertEquals(Distance.DOT, b.getSimilarity());
        assertEquals(2, b.getHardNegatives());
        assertTrue(b.isSymmetric());
        assertNotEquals(d, b);
        String s = b.toString();
        for (String part : new String[] {"MultipleNegativesRankingLoss", "scale=1.0", "similarity=DOT", "hardNegatives=2",
            "symmetric=true"}) {
            assertTrue(s.contains(part), s + " names " + part);
        }
    }

    @Test
    void badOptionsThrowAtBuild() {
        for (double scale : new double[] {0, -20, Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}) {
            rejects(() -> MultipleNegativesRankingLoss.builder().scale(scale).build(), "MultipleNegativesRankingLoss",
                    "scale", "> 0");
        }
        rejects(() -> MultipleNegativesRankingLoss.builder().hardNegatives(-2).build(), "MultipleNegativesRankingLoss",
                "hardNegatives", "in [0, 1000000]", "-2");
        rejects(() -> MultipleNegativesRankingLoss.builder().hardNegatives(Integer.MAX_VALUE).build(),
                "MultipleNegativesRankingLoss", "hardNegatives", "in [0, 1000000]");
        rejects(() -> MultipleNegativesRankingLoss.builder().similarity(null).build(), "MultipleNegativesRankingLoss",
                "similarity", "null");
    }

    @Test
    void onlyCosineAndDotAreAccepted() {
        for (Distance similarity : new Distance[] {Distance.COSINE, Distance.DOT}) {
            assertEquals(similarity, MultipleNegativesRankingLoss.builder().similarity(similarity).build().getSimilarity());
        }
        for (Distance distance : new Distance[] {Distance.EUCLIDEAN, Distance.SQUARED_EUCLIDEAN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MultipleNegativesRankingLoss.builder().similarity(distance).build());
            assertEquals("MultipleNegativesRankingLoss: similarity must be COSINE or DOT, got " + distance, e.getMessage());
        }
    }

    @Test
    void indivisibleBlocksAreRejected() {
        rejectsEverywhere(new MultipleNegativesRankingLoss(), zeros(9), gaussian(1, 9, 4, DataType.FLOAT), null,
                "MultipleNegativesRankingLoss", "preOutput", "2 blocks", "anchor; positive", "[9, 4]");
        rejectsEverywhere(MultipleNegativesRankingLoss.builder().hardNegatives(2).build(), zeros(10),
                gaussian(1, 10, 4, DataType.FLOAT), null, "MultipleNegativesRankingLoss", "preOutput", "4 blocks",
                "2 hard-negative blocks", "[10, 4]");
        INDArray mask = Nd4j.ones(DataType.FLOAT, 9, 1);
        mask.putScalar(3, 0, 0); // anchor 0's positive (row 3) masked, the anchor and its hard negative not
        rejectsEverywhere(MultipleNegativesRankingLoss.builder().hardNegatives(1).build(), zeros(9),
                gaussian(1, 9, 4, DataType.FLOAT), mask, "MultipleNegativesRankingLoss", "mask", "tuple");
    }

    @Test
    void symmetricLossIsSymmetricInAnchorsAndPositives() {
        int n = 6;
        INDArray z = gaussian(2, 2 * n, 4, DataType.DOUBLE);
        INDArray swapped = swapFirstTwoBlocks(z, n);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2 * n, 1);
        MultipleNegativesRankingLoss symmetric = MultipleNegativesRankingLoss.builder().symmetric(true).build();
        close(symmetric.computeScore(labels, z, IDENTITY, null, false),
                symmetric.computeScore(labels, swapped, IDENTITY, null, false), 1e-12, "symmetric");
        MultipleNegativesRankingLoss oneWay = new MultipleNegativesRankingLoss();
        double forward = oneWay.computeScore(labels, z, IDENTITY, null, false);
        double backward = oneWay.computeScore(labels, swapped, IDENTITY, null, false);
        assertTrue(Math.abs(forward - backward) > 1e-3, "one way: " + forward + " vs " + backward);
        // The symmetric loss is the mean of the two directions.
        close((forward + backward) / 2, symmetric.computeScore(labels, z, IDENTITY, null, false), 1e-12, "halves");
    }

    @Test
    void hardNegativesAreCandidatesOfEveryAnchor() {
        int n = 4;
        INDArray z = gaussian(3, 3 * n, 4, DataType.DOUBLE);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 3 * n, 1);
        MultipleNegativesRankingLoss loss = MultipleNegativesRankingLoss.builder().hardNegatives(1).build();
        double base = loss.computeScore(labels, z, IDENTITY, null, false);
        INDArray reversed = z.dup();
        for (int i = 0; i < n; i++) {
            reversed.putRow(2 * n + i, z.getRow(3 * n - 1 - i));
        }
        close(base, loss.computeScore(labels, reversed, IDENTITY, null, false), 1e-12, "order of hard negatives");
        // Hard negatives only add candidates: every anchor's loss exceeds its loss without them.
        INDArray pairsOnly = z.get(NDArrayIndex.interval(0, 2 * n), NDArrayIndex.all());
        INDArray without = new MultipleNegativesRankingLoss().computeScoreArray(labels.get(NDArrayIndex.interval(0, 2 * n),
                NDArrayIndex.all()), pairsOnly, IDENTITY, null);
        INDArray with = loss.computeScoreArray(labels, z, IDENTITY, null);
        for (int i = 0; i < n; i++) {
            assertTrue(with.getDouble(i, 0) > without.getDouble(i, 0) + 1e-6,
                    "anchor " + i + ": " + with.getDouble(i, 0) + " vs " + without.getDouble(i, 0));
        }
    }

    @Test
    void cosineIgnoresRowLengthsButDotDoesNot() {
        INDArray z = gaussian(4, 8, 3, DataType.DOUBLE);
        INDArray scaled = z.mul(0.3);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 8, 1);
        MultipleNegativesRankingLoss cosine = new MultipleNegativesRankingLoss();
        close(cosine.computeScore(labels, z, IDENTITY, null, false),
                cosine.computeScore(labels, scaled, IDENTITY, null, false), 1e-12, "cosine");
        MultipleNegativesRankingLoss dot = MultipleNegativesRankingLoss.builder().similarity(Distance.DOT).scale(1)
                .build();
        assertTrue(Math.abs(dot.computeScore(labels, z, IDENTITY, null, false)
                - dot.computeScore(labels, scaled, IDENTITY, null, false)) > 1e-3, "dot");
    }

    @Test
    void largeScalesStayFiniteAndExactInFloat32() {
        MultipleNegativesRankingLoss[] losses = {
            MultipleNegativesRankingLoss.builder().scale(100).build(),
            MultipleNegativesRankingLoss.builder().scale(100).hardNegatives(2).symmetric(true).build(),
            MultipleNegativesRankingLoss.builder().scale(100).similarity(Distance.DOT).hardNegatives(1).build(),
        };
        for (MultipleNegativesRankingLoss loss : losses) {
            int g = 2 + loss.getHardNegatives();
            // Dot products of rows of length ~30 times 100: logits of 1e5.
            INDArray z64 = gaussian(5, 4 * g, 8, DataType.DOUBLE).muli(loss.getSimilarity() == Distance.DOT ? 10 : 1);
            INDArray labels = Nd4j.zeros(DataType.FLOAT, 4 * g, 1);
            Pair<Double, INDArray> f32 = finiteScoreAndGradient(loss, labels, z64.castTo(DataType.FLOAT), null);
            double f64 = loss.computeScore(labels.castTo(DataType.DOUBLE), z64, IDENTITY, null, false);
            assertTrue(f64 > 1, loss + ": a loss worth checking, " + f64);
            close(f64, f32.getFirst(), loss.getSimilarity() == Distance.DOT ? 1e-3 : 1e-4, loss + " float32 score");
        }
    }

    @Test
    void zeroEmbeddingsStayFinite() {
        INDArray z = gaussian(6, 9, 3, DataType.FLOAT);
        z.putRow(0, Nd4j.zeros(DataType.FLOAT, 3));
        z.putRow(4, Nd4j.zeros(DataType.FLOAT, 3));
        z.putRow(8, Nd4j.zeros(DataType.FLOAT, 3));
        MultipleNegativesRankingLoss loss = MultipleNegativesRankingLoss.builder().hardNegatives(1).symmetric(true).build();
        finiteScoreAndGradient(loss, zeros(9), z, null);
        finiteScoreAndGradient(loss, zeros(9), Nd4j.zeros(DataType.FLOAT, 9, 3), null);
    }

    @Test
    void nothingToLearnGivesZeroLossAndGradient() {
        for (boolean symmetric : new boolean[] {false, true}) {
            MultipleNegativesRankingLoss loss = MultipleNegativesRankingLoss.builder().symmetric(symmetric).build();
            nothingToLearn(loss, zeros(2), gaussian(7, 2, 3, DataType.FLOAT), null);
            INDArray mask = Nd4j.createFromArray(new float[] {1, 0, 0, 1, 0, 0}).reshape(6, 1);
            nothingToLearn(loss, zeros(6), gaussian(8, 6, 3, DataType.FLOAT), mask);
            nothingToLearn(loss, zeros(6), gaussian(8, 6, 3, DataType.FLOAT), Nd4j.zeros(DataType.FLOAT, 6, 1));
        }
    }
}
