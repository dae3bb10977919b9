package org.dl4jlosses.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dl4jlosses.testing.Assert;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** Assertions shared by the InfoNceLoss and MultipleNegativesRankingLoss tests. */
final class RetrievalChecks {
    static final IActivation IDENTITY = new ActivationIdentity();

    private RetrievalChecks() {
    }

    static void rejects(Executable call, String... fragments) {
        Assert.rejects(call, fragments);
    }

    /** All four entry points reject the input with a message holding every fragment. */
    static void rejectsEverywhere(ILossFunction loss, INDArray labels, INDArray z, INDArray mask, String... fragments) {
        rejects(() -> loss.computeScore(labels, z, IDENTITY, mask, true), fragments);
        rejects(() -> loss.computeScoreArray(labels, z, IDENTITY, mask), fragments);
        rejects(() -> loss.computeGradient(labels, z, IDENTITY, mask), fragments);
        rejects(() -> loss.computeGradientAndScore(labels, z, IDENTITY, mask, true), fragments);
    }

    static INDArray gaussian(long seed, int rows, int columns, DataType type) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, rows, columns).castTo(type);
    }

    static boolean finite(INDArray x) {
        double[] values = x.castTo(DataType.DOUBLE).reshape(x.length()).toDoubleVector();
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** The score (sum) and gradient, asserting both are finite and of z's data type. */
    static Pair<Double, INDArray> finiteScoreAndGradient(ILossFunction loss, INDArray labels, INDArray z, INDArray mask) {
        Pair<Double, INDArray> both = loss.computeGradientAndScore(labels, z, IDENTITY, mask, false);
        assertTrue(Double.isFinite(both.getFirst()), "finite score, got " + both.getFirst());
        assertTrue(finite(both.getSecond()), "finite gradient");
        assertEquals(z.dataType(), both.getSecond().dataType());
        INDArray array = loss.computeScoreArray(labels, z, IDENTITY, mask);
        assertTrue(finite(array), "finite score array");
        return both;
    }

    /** Zero loss and exactly zero gradient: nothing to learn. */
    static void nothingToLearn(ILossFunction loss, INDArray labels, INDArray z, INDArray mask) {
        Pair<Double, INDArray> both = finiteScoreAndGradient(loss, labels, z, mask);
        assertEquals(0.0, both.getFirst(), 0.0, "zero loss");
        assertEquals(0.0, both.getSecond().amaxNumber().doubleValue(), 0.0, "zero gradient");
        assertEquals(0.0, loss.computeScoreArray(labels, z, IDENTITY, mask).amaxNumber().doubleValue(), 0.0,
                "zero score array");
    }

    static INDArray zeros(int rows) {
        return Nd4j.zeros(DataType.FLOAT, rows, 1);
    }
}
