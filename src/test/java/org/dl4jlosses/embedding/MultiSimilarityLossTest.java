package org.dl4jlosses.embedding;

import static org.dl4jlosses.embedding.SupervisedContrastiveLossTest.FOUR;
import static org.dl4jlosses.embedding.SupervisedContrastiveLossTest.IDENTITY;
import static org.dl4jlosses.embedding.TripletLossTest.finite;
import static org.dl4jlosses.embedding.TripletLossTest.ids;
import static org.dl4jlosses.embedding.TripletLossTest.rejects;
import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MultiSimilarityLoss: values and mined pairs by hand, the per-row losses, the reference's
 * zeros, bad options (what the three GROUPS losses share is tested in
 * {@link SupervisedContrastiveLossTest}; the PyTorch values in the embedding_group fixtures).
 */
class MultiSimilarityLossTest {
    private static final double A = 2;
    private static final double B = 10;
    private static final double BASE = 0.5;

    /** One anchor's loss over the given kept positive and negative cosines. */
    private static double anchor(double[] positives, double[] negatives) {
        double p = 1;
        for (double s : positives) {
            p += Math.exp(-A * (s - BASE));
        }
        double n = 1;
        for (double s : negatives) {
            n += Math.exp(B * (s - BASE));
        }
        return Math.log(p) / A + Math.log(n) / B;
    }

    @Test
    void valuesAndMiningByHand() {
        // Cosines (see FOUR): s01 = 0.6, s02 = 0, s03 = 0.8, s12 = 0.8, s13 = 0, s23 = -0.6; ids 0, 0, 1, 1.
        INDArray z = Nd4j.createFromArray(FOUR);
        INDArray y = ids(DataType.DOUBLE, 0, 0, 1, 1);
        double[] all = {anchor(new double[] {0.6}, new double[] {0, 0.8}), anchor(new double[] {0.6}, new double[] {0.8, 0}),
            anchor(new double[] {-0.6}, new double[] {0, 0.8}), anchor(new double[] {-0.6}, new double[] {0.8, 0})};
        MultiSimilarityLoss unmined = MultiSimilarityLoss.builder().alpha(A).beta(B).base(BASE).miningEpsilon(-1).build();
        INDArray rows = unmined.computeScoreArray(y, z, IDENTITY, null);
        for (int a = 0; a < 4; a++) {
            close(all[a], rows.getDouble(a, 0), 1e-14, "row " + a + ": its own anchor's loss");
        }
        close((all[0] + all[1] + all[2] + all[3]) / 4, unmined.computeScore(y, z, IDENTITY, null, true), 1e-14, "mean");
        // eps = 0.1. Anchor 0: positive 0.6 - 0.1 < 0.8 kept; negatives 0 + 0.1 > 0.6 no, 0.8 + 0.1 yes.
        // Anchor 1 alike (its 0.8 negative is row 2). Anchors 2, 3: positive -0.6 kept, both negatives above -0.7.
        double[] mined = {anchor(new double[] {0.6}, new double[] {0.8}), anchor(new double[] {0.6}, new double[] {0.8}),
            all[2], all[3]};
        MultiSimilarityLoss mining = MultiSimilarityLoss.builder().alpha(A).beta(B).base(BASE).miningEpsilon(0.1).build();
        close((mined[0] + mined[1] + mined[2] + mined[3]) / 4, mining.computeScore(y, z, IDENTITY, null, true), 1e-14,
                "mined");
        // eps = 0 and ids 0, 0, 1, 2 (rows 2 and 3 without a positive): anchor 0 keeps 0.6 (< 0.8) and the 0.8
        // negative (> 0.6); anchor 1 keeps 0.6 (< 0.8) and 0.8. Two positive and two negative pairs in all.
        MultiSimilarityLoss strict = MultiSimilarityLoss.builder().alpha(A).beta(B).base(BASE).miningEpsilon(0).build();
        double expected = 2 * anchor(new double[] {0.6}, new double[] {0.8}) / 4;
        close(expected, strict.computeScore(ids(DataType.DOUBLE, 0, 0, 1, 2), z, IDENTITY, null, true), 1e-14,
                "eps 0, rows without a positive mine nothing");
    }

    /** One positive and one negative pair mined in all: the reference's pair loss takes that as no pairs. */
    @Test
    void atMostOnePairOfEachKindGivesZero() {
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {1, -0.3}});
        MultiSimilarityLoss strict = MultiSimilarityLoss.builder().miningEpsilon(0).build();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            assertEquals(0.0, finite(strict, ids(type, 0, 0, 1), z.castTo(type), null).getFirst());
            assertEquals(0.0, strict.computeGradient(ids(type, 0, 0, 1), z.castTo(type), IDENTITY, null)
                    .amaxNumber().doubleValue());
            // A second negative row makes it two negative pairs: no longer zero.
            INDArray four = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {1, -0.3}, {0.9, -0.5}}).castTo(type);
            assertTrue(strict.computeScore(ids(type, 0, 0, 1, 2), four, IDENTITY, null, false) > 0);
        }
        // Without mining, two rows of one id are two positive pairs: not zero.
        INDArray two = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}});
        close(2 * anchor(new double[] {0}, new double[0]), MultiSimilarityLoss.builder().alpha(A).beta(B).base(BASE)
                .miningEpsilon(-1).build().computeScore(ids(DataType.DOUBLE, 3, 3), two, IDENTITY, null, false), 1e-14,
                "two rows of one id, no mining");
    }

    @Test
    void badOptionsAreRejected() {
        rejects(() -> MultiSimilarityLoss.builder().alpha(0).build(), "MultiSimilarityLoss: alpha must be finite and > 0");
        rejects(() -> MultiSimilarityLoss.builder().beta(-1).build(), "MultiSimilarityLoss: beta");
        rejects(() -> MultiSimilarityLoss.builder().base(Double.NaN).build(), "MultiSimilarityLoss: base");
        rejects(() -> MultiSimilarityLoss.builder().miningEpsilon(Double.POSITIVE_INFINITY).build(),
                "MultiSimilarityLoss: miningEpsilon");
    }
}
