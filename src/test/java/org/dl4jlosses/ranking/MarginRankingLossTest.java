package org.dl4jlosses.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dl4jlosses.testing.Assert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** MarginRankingLoss: its two layouts agree, and its bad input is rejected with clear messages. */
class MarginRankingLossTest {
    private static final IActivation IDENTITY = new ActivationIdentity();

    private static void assertRejected(Executable call, String... fragments) {
        assertTrue(Assert.rejects(call, fragments).getMessage().startsWith("MarginRankingLoss: "));
    }

    @Test
    void pairsAndBlocksAgree() {
        INDArray pairs = Nd4j.createFromArray(new double[][] {{0.5, 0.1}, {-0.2, 0.4}, {1.0, 1.5}});
        INDArray y = Nd4j.createFromArray(new double[][] {{1}, {1}, {1}});
        INDArray blocks = Nd4j.vstack(pairs.getColumn(0, true), pairs.getColumn(1, true));
        INDArray yBlocks = Nd4j.vstack(y, Nd4j.zeros(DataType.DOUBLE, 3, 1));
        MarginRankingLoss loss = MarginRankingLoss.builder().margin(0.2).build();
        // The per-pair mean is the same; average=false is E x mean with E = 3 pairs vs 6 rows.
        double mean = loss.computeScore(y, pairs, IDENTITY, null, true);
        Assert.close(mean, loss.computeScore(yBlocks, blocks, IDENTITY, null, false) / 6, 1e-15, "mean");
        // by hand: max(0, -0.4 + 0.2) = 0, max(0, 0.6 + 0.2) = 0.8, max(0, 0.5 + 0.2) = 0.7
        Assert.close(0.5, mean, 1e-15, "reference mean");
        INDArray g = loss.computeGradient(y, pairs, IDENTITY, null);
        assertEquals(Nd4j.createFromArray(new double[][] {{0, 0}, {-1, 1}, {-1, 1}}), g);
    }

    @Test
    void badInputIsRejected() {
        MarginRankingLoss loss = new MarginRankingLoss();
        INDArray three = Nd4j.rand(DataType.DOUBLE, 4, 3);
        assertRejected(() -> loss.computeScore(Nd4j.ones(DataType.DOUBLE, 4, 1), three, IDENTITY, null, true),
                "preOutput", "[N, 2]", "[4, 3]");
        assertRejected(() -> loss.computeScore(Nd4j.ones(DataType.DOUBLE, 5, 1), Nd4j.rand(DataType.DOUBLE, 5, 1),
                IDENTITY, null, true), "preOutput", "2 blocks", "5 rows");
        INDArray zeroLabel = Nd4j.createFromArray(new double[][] {{1}, {0}});
        assertRejected(() -> loss.computeScore(zeroLabel, Nd4j.rand(DataType.DOUBLE, 2, 2), IDENTITY, null, true),
                "labels", "-1 or +1", "0.0 at pair 1");
        assertRejected(() -> loss.computeScore(Nd4j.ones(DataType.DOUBLE, 2, 2), Nd4j.rand(DataType.DOUBLE, 2, 2),
                IDENTITY, null, true), "labels", "[2, 1]");
        INDArray nan = Nd4j.createFromArray(new double[][] {{1}, {Double.NaN}});
        assertRejected(() -> loss.computeScore(nan, Nd4j.rand(DataType.DOUBLE, 2, 2), IDENTITY, null, true),
                "labels", "finite", "NaN");
        INDArray splitMask = Nd4j.createFromArray(new double[][] {{1}, {0}, {1}, {1}});
        assertRejected(() -> loss.computeScore(Nd4j.ones(DataType.DOUBLE, 4, 1), Nd4j.rand(DataType.DOUBLE, 4, 1),
                IDENTITY, splitMask, true), "mask", "tuple");
        assertRejected(() -> MarginRankingLoss.builder().margin(Double.POSITIVE_INFINITY).build(), "margin");
    }
}
