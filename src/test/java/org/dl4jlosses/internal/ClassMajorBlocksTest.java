package org.dl4jlosses.internal;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.FocalLoss;
import org.dl4jlosses.classification.PolyLoss;
import org.dl4jlosses.testing.Assert;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The class-major blocks that short rows take agree with the row-by-row path: a batch of
 * {@link RowPath#SHORT_ROW} classes (blocks) against the same batch with one more class whose
 * logit is 1e4 below the others (rows; its probability is exactly 0, so every other number is the
 * same), over several blocks and a partial one, with masked rows holding NaN.
 */
class ClassMajorBlocksTest {
    private static final int K = RowPath.SHORT_ROW;
    private static final int ROWS = 300;

    static Stream<Arguments> cases() {
        double[] weights = new double[K];
        for (int c = 0; c < K; c++) {
            weights[c] = 0.5 + c / 8.0;
        }
        Stream.Builder<Arguments> all = Stream.builder();
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            for (String labels : new String[] {"one-hot", "indices", "probabilities"}) {
                all.add(Arguments.of(new CrossEntropyLoss(), null, type, labels));
                all.add(Arguments.of(CrossEntropyLoss.builder().weights(weights).build(), weights, type, labels));
                all.add(Arguments.of(FocalLoss.builder().gamma(2).build(), null, type, labels));
                all.add(Arguments.of(PolyLoss.builder().epsilon(1.5).gamma(1).build(), null, type, labels));
                all.add(Arguments.of(PolyLoss.builder().epsilon(-0.5).weights(weights).build(), weights, type, labels));
            }
        }
        return all.build();
    }

    @ParameterizedTest(name = "{0} {2} {3}")
    @MethodSource("cases")
    void blocksAgreeWithRows(ILossFunction loss, double[] weights, DataType type, String labelForm) {
        Random random = new Random(ROWS + labelForm.length());
        INDArray z = Nd4j.create(DataType.DOUBLE, ROWS, K);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, ROWS, 1);
        INDArray labels = labelForm.equals("indices") ? Nd4j.create(DataType.DOUBLE, ROWS, 1)
                : Nd4j.create(DataType.DOUBLE, ROWS, K);
        for (int r = 0; r < ROWS; r++) {
            int target = random.nextInt(K);
            for (int c = 0; c < K; c++) {
                z.putScalar(r, c, 4 * random.nextGaussian());
                if (labelForm.equals("probabilities")) {
                    labels.putScalar(r, c, random.nextDouble() / K);
                }
            }
            if (labelForm.equals("indices")) {
                labels.putScalar(r, 0, target);
            } else if (labelForm.equals("one-hot")) {
                labels.putScalar(r, target, 1);
            }
            if (r % 37 == 5) {
                mask.putScalar(r, 0, 0);
                z.putScalar(r, target, Double.NaN);
                labels.putScalar(r, 0, Double.NaN);
            }
        }
        z = z.castTo(type);
        labels = labels.castTo(type);
        mask = mask.castTo(type);

        INDArray blockScores = loss.computeScoreArray(labels, z, new ActivationSoftmax(), mask);
        INDArray blockGradient = loss.computeGradient(labels, z, new ActivationSoftmax(), mask);
        assertTrue(RowPath.lastInBlocks, "rows of " + K + " classes ran in blocks");

        ILossFunction wider = weights == null ? loss : withWeights(loss, weights);
        INDArray widerZ = Nd4j.concat(1, z, Nd4j.valueArrayOf(new long[] {ROWS, 1}, -1e4, type));
        INDArray widerLabels = labelForm.equals("indices") ? labels : Nd4j.concat(1, labels, Nd4j.zeros(type, ROWS, 1));
        INDArray rowScores = wider.computeScoreArray(widerLabels, widerZ, new ActivationSoftmax(), mask);
        INDArray rowGradient = wider.computeGradient(widerLabels, widerZ, new ActivationSoftmax(), mask);
        assertFalse(RowPath.lastInBlocks, "rows of " + (K + 1) + " classes ran row by row");

        double tolerance = type == DataType.DOUBLE ? 1e-12 : 2e-5;
        close(rowScores, blockScores, tolerance, "per-row losses");
        close(rowGradient.get(NDArrayIndex.all(), NDArrayIndex.interval(0, K)), blockGradient, tolerance, "gradient");
        assertEquals(0, rowGradient.getColumn(K).amaxNumber().doubleValue(), "the extra class's gradient");
        for (int r = 5; r < ROWS; r += 37) {
            assertEquals(0.0, blockScores.getDouble(r, 0), "masked row " + r + "'s loss");
            assertEquals(0.0, blockGradient.getRow(r).amaxNumber().doubleValue(), "masked row " + r + "'s gradient");
        }
    }

    /** The same loss with a weight of 1 for the extra class. */
    private static ILossFunction withWeights(ILossFunction loss, double[] weights) {
        double[] wider = java.util.Arrays.copyOf(weights, K + 1);
        wider[K] = 1;
        if (loss instanceof CrossEntropyLoss) {
            return CrossEntropyLoss.builder().weights(wider).build();
        }
        PolyLoss poly = (PolyLoss) loss;
        return PolyLoss.builder().epsilon(poly.getEpsilon()).gamma(poly.getGamma()).weights(wider).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void aBadLabelInABlockNamesItsRow(DataType type) {
        INDArray z = Nd4j.rand(type, ROWS, 4);
        INDArray labels = Nd4j.zeros(type, ROWS, 4);
        for (int r = 0; r < ROWS; r++) {
            labels.putScalar(r, r % 4, 1);
        }
        labels.putScalar(201, 2, 1.5);
        Assert.rejects(() -> new CrossEntropyLoss().computeGradient(labels, z, new ActivationSoftmax(), null),
                "CrossEntropyLoss", "labels", "row 201");
        INDArray indices = Nd4j.zeros(type, ROWS, 1);
        indices.putScalar(150, 0, 4);
        Assert.rejects(() -> new CrossEntropyLoss().computeScore(indices, z, new ActivationSoftmax(), null, true),
                "CrossEntropyLoss", "labels");
        INDArray nanZ = z.dup();
        nanZ.putScalar(77, 1, Double.NaN);
        Assert.rejects(() -> new CrossEntropyLoss().computeScore(labels.getRow(0).broadcast(ROWS, 4).dup(), nanZ,
                new ActivationSoftmax(), null, true), "CrossEntropyLoss", "row 77");
    }

    static Stream<DataType> types() {
        return Stream.of(DataType.DOUBLE, DataType.FLOAT);
    }
}
