package org.dl4jlosses.embedding;

import static org.dl4jlosses.embedding.TripletLossTest.finite;
import static org.dl4jlosses.embedding.TripletLossTest.ids;
import static org.dl4jlosses.embedding.TripletLossTest.rejects;
import static org.dl4jlosses.embedding.TripletLossTest.rejectsEverywhere;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ContrastiveLoss: bad input and options with clear messages, and the numerically delicate batches. */
class ContrastiveLossTest {
    private static final ContrastiveLoss GROUPS = ContrastiveLoss.builder().layout(ContrastiveLoss.Layout.GROUPS).build();
    /** The distances ContrastiveLoss takes. */
    private static final Distance[] DISTANCES = {Distance.EUCLIDEAN, Distance.COSINE};

    @Test
    void defaultsFollowTheSpec() {
        ContrastiveLoss loss = new ContrastiveLoss();
        assertEquals(1.0, loss.getMargin());
        assertEquals(Distance.EUCLIDEAN, loss.getDistance());
        assertEquals(ContrastiveLoss.Layout.BLOCKS, loss.getLayout());
        assertEquals(loss, ContrastiveLoss.builder().build());
        assertTrue(loss.toString().contains("ContrastiveLoss") && loss.toString().contains("layout"), loss.toString());
    }

    @Test
    void badOptionsFailAtBuild() {
        rejects(() -> ContrastiveLoss.builder().margin(0).build(), "ContrastiveLoss", "margin", "> 0", "0.0");
        rejects(() -> ContrastiveLoss.builder().margin(-1).build(), "ContrastiveLoss", "margin", "> 0");
        rejects(() -> ContrastiveLoss.builder().margin(Double.NaN).build(), "ContrastiveLoss", "margin");
        rejects(() -> ContrastiveLoss.builder().distance(null).build(), "ContrastiveLoss", "distance", "non-null");
        rejects(() -> ContrastiveLoss.builder().layout(null).build(), "ContrastiveLoss", "layout", "non-null");
    }

    @Test
    void onlyEuclideanAndCosineAreAccepted() {
        for (Distance distance : DISTANCES) {
            assertEquals(distance, ContrastiveLoss.builder().distance(distance).build().getDistance());
        }
        for (Distance distance : new Distance[] {Distance.SQUARED_EUCLIDEAN, Distance.DOT}) {
            for (ContrastiveLoss.Layout layout : ContrastiveLoss.Layout.values()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> ContrastiveLoss.builder().distance(distance).layout(layout).build());
                assertEquals("ContrastiveLoss: distance must be EUCLIDEAN or COSINE, got " + distance, e.getMessage());
            }
        }
    }

    @Test
    void badInputIsRejected() {
        ContrastiveLoss loss = new ContrastiveLoss();
        INDArray z = Nd4j.randn(DataType.FLOAT, 6, 3);
        rejectsEverywhere(loss, ids(DataType.FLOAT, 1, 0, 1, 1, 0, 1, 0), Nd4j.randn(DataType.FLOAT, 7, 3), null,
                "ContrastiveLoss", "preOutput", "2 blocks", "left; right", "[7, 3]");
        // block 0's labels must be 0 or 1; block 1's are not read
        rejectsEverywhere(loss, ids(DataType.FLOAT, 1, 2, 0, 5, 5, 5), z, null,
                "ContrastiveLoss", "labels", "1 (similar) or 0 (dissimilar)", "2.0 at pair 1");
        rejectsEverywhere(loss, ids(DataType.FLOAT, -1, 1, 0, 0, 0, 0), z, null, "ContrastiveLoss", "labels", "-1.0 at pair 0");
        rejectsEverywhere(loss, ids(DataType.FLOAT, Double.NaN, 1, 0, 0, 0, 0), z, null, "ContrastiveLoss", "labels", "finite");
        rejectsEverywhere(loss, Nd4j.zeros(DataType.FLOAT, 6, 2), z, null, "ContrastiveLoss", "labels");
        INDArray mask = Nd4j.ones(DataType.FLOAT, 6, 1);
        mask.putScalar(0, 0, 0);
        rejectsEverywhere(loss, ids(DataType.FLOAT, 1, 0, 1, 0, 0, 0), z, mask, "ContrastiveLoss", "mask", "tuple");
        INDArray twoOnes = Nd4j.createFromArray(new float[][] {{1, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 1}, {0, 1}});
        rejectsEverywhere(GROUPS, twoOnes, z, null, "ContrastiveLoss", "labels", "one-hot");
        // labels read in BLOCKS, ignored in block 1: any value there is accepted
        finite(loss, ids(DataType.FLOAT, 1, 0, 1, Double.NaN, 9, -3), z, null);
    }

    @Test
    void zeroDistancesAndEmptyBatchesAreSafe() {
        for (Distance distance : DISTANCES) {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                ContrastiveLoss blocks = ContrastiveLoss.builder().distance(distance).margin(0.5).build();
                ContrastiveLoss groups = ContrastiveLoss.builder().distance(distance).margin(0.5)
                        .layout(ContrastiveLoss.Layout.GROUPS).build();
                INDArray row = Nd4j.createFromArray(0.3, -1.2, 0.7).castTo(type).reshape(1, 3);
                INDArray same = Nd4j.vstack(row, row, row, row);
                // a similar and a dissimilar pair of identical rows: 0 and 0.5 m^2; no push (d = 0 has no direction)
                Pair<Double, INDArray> b = finite(blocks, ids(type, 1, 0, 0, 0), same, null);
                assertEquals(2 * (0 + 0.5 * 0.25), b.getFirst(), 1e-5, distance + " blocks");
                assertEquals(0.0, b.getSecond().amaxNumber().doubleValue(), 1e-3, distance + " blocks gradient");
                Pair<Double, INDArray> g = finite(groups, ids(type, 1, 1, 2, 2), same, null);
                // 6 pairs, 4 dissimilar: mean 4 x 0.125 / 6, spread over 4 rows
                assertEquals(4 * (4 * 0.125 / 6), g.getFirst(), 1e-5, distance + " groups");
                assertEquals(0.0, g.getSecond().amaxNumber().doubleValue(), 1e-3, distance + " groups gradient");
                // zero vectors (cosine of a zero row) stay finite
                finite(blocks, ids(type, 1, 0, 0, 0), Nd4j.zeros(type, 4, 3), null);
                finite(groups, ids(type, 1, 1, 2, 2), Nd4j.zeros(type, 4, 3), null);
                // one row: no pair
                Pair<Double, INDArray> one = finite(groups, ids(type, 1), row, null);
                assertEquals(0.0, one.getFirst());
                assertEquals(0.0, one.getSecond().amaxNumber().doubleValue());
                // large float32 embeddings
                finite(groups, ids(type, 1, 1, 2, 2), Nd4j.randn(type, 4, 3).muli(1e4), null);
            }
        }
    }

    @Test
    void groupsEqualsBlocksOverEveryPair() {
        // GROUPS over rows {0, 1, 2} equals BLOCKS over the pairs (0,1), (0,2), (1,2) with y = same group
        INDArray z = Nd4j.createFromArray(new double[][] {{0, 1}, {0.5, 0.2}, {2, -1}});
        double groups = GROUPS.computeScore(ids(DataType.DOUBLE, 7, 7, 8), z, new org.nd4j.linalg.activations.impl.ActivationIdentity(),
                null, false) / 3;
        INDArray left = z.getRows(0, 0, 1);
        INDArray right = z.getRows(1, 2, 2);
        double blocks = new ContrastiveLoss().computeScore(ids(DataType.DOUBLE, 1, 0, 0, 9, 9, 9), Nd4j.vstack(left, right),
                new org.nd4j.linalg.activations.impl.ActivationIdentity(), null, false) / 6;
        assertEquals(blocks, groups, 1e-12);
    }

    @Test
    void tiesAndZeroDistancesAreFiniteAndRepeatable() {
        // duplicate and zero rows: zero distances in both layouts, in float32 and float64
        Random random = new Random(3);
        for (Distance distance : DISTANCES) {
            for (ContrastiveLoss.Layout layout : ContrastiveLoss.Layout.values()) {
                ContrastiveLoss loss = ContrastiveLoss.builder().distance(distance).layout(layout)
                        .margin(distance == Distance.COSINE ? 0.8 : 4).build();
                for (int trial = 0; trial < 3; trial++) {
                    INDArray[] batch = TripletLossTest.tiedBatch(random, false, true);
                    // BLOCKS pairs (i, 6 + i): a similar and a dissimilar pair of identical rows
                    batch[0].putRow(6, batch[0].getRow(0));
                    batch[0].putRow(7, batch[0].getRow(1));
                    INDArray labels = layout == ContrastiveLoss.Layout.GROUPS ? batch[1]
                            : ids(DataType.FLOAT, 1, 0, 0, 1, 1, 0, 7, 7, 7, 7, 7, 7);
                    TripletLossTest.tiedBatchIsFiniteAndRepeatable(loss, labels, batch[0], null, loss + " trial " + trial);
                }
            }
        }
    }
}
