package org.dl4jlosses;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.dl4jlosses.testing.Catalogue;
import org.dl4jlosses.testing.Catalogue.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Numerical safety: huge logits, saturated probabilities, empty masks. */
class ExtremesTest {

    static List<Entry> entries() {
        return Catalogue.pointwise();
    }

    private static boolean finite(INDArray x) {
        return Double.isFinite(x.castTo(DataType.DOUBLE).sumNumber().doubleValue())
                && Double.isFinite(x.amaxNumber().doubleValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void logitsOfMagnitude1e4InFloat32StayFinite(Entry e) {
        Random random = new Random(5);
        // An identity feeding a probability loss gets probabilities; everything else logits of size 1e4.
        INDArray z = e.consumesProbabilities() ? e.z(random, 6, 4, DataType.FLOAT) : Nd4j.randn(DataType.FLOAT, 6, 4).muli(1e4);
        INDArray labels = e.labels(random, 6, 4, DataType.FLOAT);
        double score = e.loss.computeScore(labels, z, e.activation, null, false);
        INDArray gradient = e.loss.computeGradient(labels, z, e.activation, null);
        assertTrue(Double.isFinite(score), "finite score, got " + score);
        assertTrue(finite(gradient), "finite gradient");
        assertTrue(finite(e.loss.computeScoreArray(labels, z, e.activation, null)), "finite score array");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void anAllZeroMaskGivesZeroLossAndGradient(Entry e) {
        Random random = new Random(6);
        INDArray z = e.z(random, 5, 4, DataType.FLOAT);
        INDArray labels = e.labels(random, 5, 4, DataType.FLOAT);
        INDArray mask = Nd4j.zeros(DataType.FLOAT, 5, 1);
        assertEquals(0.0, e.loss.computeScore(labels, z, e.activation, mask, true));
        assertEquals(0.0, e.loss.computeGradient(labels, z, e.activation, mask).amaxNumber().doubleValue());
        assertEquals(0.0, e.loss.computeScoreArray(labels, z, e.activation, mask).amaxNumber().doubleValue());
    }

    @Test
    void crossEntropyUsesLogSumExpNotClipping() {
        // The true class 30 logits below the others: p = e^-30 ~ 9e-14, below any clipping floor.
        INDArray z = Nd4j.createFromArray(new double[][] {{0, 30, 30}});
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0, 0}});
        double expected = 30 + Math.log(2 + Math.exp(-30));
        close(expected, new CrossEntropyLoss().computeScore(y, z, new ActivationSoftmax(), null, false), 1e-12, "CE");
        // In float32, with logits 1e4 apart, the loss is the gap itself.
        INDArray z32 = Nd4j.createFromArray(new float[][] {{-1e4f, 1e4f}});
        INDArray y32 = Nd4j.createFromArray(new float[][] {{1, 0}});
        close(2e4, new CrossEntropyLoss().computeScore(y32, z32, new ActivationSoftmax(), null, false), 1e-6, "CE float32");
        close(1e4, new BinaryCrossEntropyLoss().computeScore(Nd4j.createFromArray(new float[][] {{1}}),
                Nd4j.createFromArray(new float[][] {{-1e4f}}), new ActivationSigmoid(), null, false), 1e-6, "BCE float32");
    }
}
