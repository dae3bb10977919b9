package org.dl4jlosses;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dl4jlosses.integration.LossCases;
import org.dl4jlosses.testing.CoupledCatalogue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Half-precision batches (FLOAT16 and BFLOAT16, as a DL4J network of that data type hands them
 * over) work for every loss: computed in float32 from the same values, the gradient and per-row
 * scores returned in the batch's own type. Before, several losses failed deep inside ND4J
 * (ClassCastException from BLAS, UnsupportedOperationException from a half dot product).
 */
class HalfPrecisionTest {
    static List<Object[]> cases() {
        List<Object[]> all = new ArrayList<>();
        Random random = new Random(11);
        for (LossCases.Case c : LossCases.distinctLosses()) {
            INDArray z = LossCases.gaussian(6, LossCases.K, random, DataType.FLOAT);
            INDArray labels = LossCases.labels(c.labels, 6, LossCases.K, random, DataType.FLOAT);
            all.add(new Object[] {c.toString(), c.loss, c.activation, labels, z});
        }
        for (CoupledCatalogue.Entry e : CoupledCatalogue.all()) {
            CoupledCatalogue.Sample s = e.sample(random, DataType.FLOAT);
            all.add(new Object[] {e.toString(), e.loss, e.activation, s.labels, s.z});
        }
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void halfPrecisionIsComputedInFloat(String name, ILossFunction loss, IActivation activation, INDArray labels,
                                        INDArray z) {
        for (DataType half : new DataType[] {DataType.HALF, DataType.BFLOAT16}) {
            INDArray zHalf = z.castTo(half);
            INDArray labelsHalf = labels.castTo(half);
            // The float32 reference sees exactly the values the half-precision arrays hold.
            INDArray zFloat = zHalf.castTo(DataType.FLOAT);
            INDArray labelsFloat = labelsHalf.castTo(DataType.FLOAT);
            double expected = loss.computeScore(labelsFloat, zFloat, activation, null, true);
            assertEquals(expected, loss.computeScore(labelsHalf, zHalf, activation, null, true), 0.0, half + " score");
            INDArray gradient = loss.computeGradient(labelsHalf, zHalf, activation, null);
            assertEquals(half, gradient.dataType(), half + " gradient type");
            assertEquals(loss.computeGradient(labelsFloat, zFloat, activation, null).castTo(half), gradient,
                    half + " gradient");
            INDArray rows = loss.computeScoreArray(labelsHalf, zHalf, activation, null);
            assertEquals(half, rows.dataType(), half + " score array type");
            Pair<Double, INDArray> both = loss.computeGradientAndScore(labelsHalf, zHalf, activation, null, true);
            assertEquals(expected, both.getFirst(), 0.0, half + " score of computeGradientAndScore");
            assertEquals(gradient, both.getSecond(), half + " gradient of computeGradientAndScore");
        }
    }
}
