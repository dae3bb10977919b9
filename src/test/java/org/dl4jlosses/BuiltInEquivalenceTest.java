package org.dl4jlosses;

import static org.dl4jlosses.testing.Assert.close;

import java.util.Random;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.dl4jlosses.classification.CrossEntropyLoss;
import org.dl4jlosses.classification.HingeLoss;
import org.dl4jlosses.regression.MaeLoss;
import org.dl4jlosses.regression.MseLoss;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossHinge;
import org.nd4j.linalg.lossfunctions.impl.LossL1;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.lossfunctions.impl.LossSquaredHinge;

/** Where the maths coincide with a DL4J built-in, the numbers do too (scores, score arrays, gradients, masks). */
class BuiltInEquivalenceTest {
    private static final int ROWS = 9;
    private static final int COLUMNS = 5;
    private final Random random = new Random(42);

    private INDArray gaussian() {
        return Nd4j.randn(random.nextLong(), new long[] {ROWS, COLUMNS}).castTo(DataType.DOUBLE);
    }

    private INDArray oneHot() {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, ROWS, COLUMNS);
        for (int i = 0; i < ROWS; i++) {
            y.putScalar(i, random.nextInt(COLUMNS), 1);
        }
        return y;
    }

    private INDArray binary(double negative) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, ROWS, COLUMNS);
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLUMNS; j++) {
                y.putScalar(i, j, random.nextBoolean() ? 1 : negative);
            }
        }
        return y;
    }

    private INDArray rowMask() {
        INDArray m = Nd4j.ones(DataType.DOUBLE, ROWS, 1);
        m.putScalar(0, 0, 0);
        m.putScalar(4, 0, 0);
        return m;
    }

    /**
     * ours = factor x theirs for score, score array and gradient, with and without a row mask. The
     * built-ins get copies: some of them backpropagate in place through preOutput.
     */
    private void same(ILossFunction ours, ILossFunction theirs, double factor, INDArray labels, INDArray z, IActivation act) {
        same(ours, theirs, factor, factor, labels, z, act);
    }

    private void same(ILossFunction ours, ILossFunction theirs, double factor, double scoreArrayFactor, INDArray labels,
                      INDArray z, IActivation act) {
        for (INDArray mask : new INDArray[] {null, rowMask()}) {
            close(factor * theirs.computeScore(labels, z.dup(), act, mask, false), ours.computeScore(labels, z, act, mask, false), 1e-10, "score");
            close(factor * theirs.computeScore(labels, z.dup(), act, mask, true), ours.computeScore(labels, z, act, mask, true), 1e-10, "mean score");
            close(theirs.computeScoreArray(labels, z.dup(), act, mask).mul(scoreArrayFactor), ours.computeScoreArray(labels, z, act, mask), 1e-10, "score array");
            close(theirs.computeGradient(labels, z.dup(), act, mask).mul(factor), ours.computeGradient(labels, z, act, mask), 1e-10, "gradient");
        }
    }

    @Test
    void mseIsLossMSE() {
        same(new MseLoss(), new LossMSE(), 1, gaussian(), gaussian(), new ActivationIdentity());
        same(new MseLoss(), new LossMSE(), 1, gaussian(), gaussian(), new ActivationTanH());
        double[] w = {0.5, 2, 1, 1.5, 3};
        same(MseLoss.builder().weights(w).build(), new LossMSE(Nd4j.createFromArray(w).reshape(1, COLUMNS)), 1,
                gaussian(), gaussian(), new ActivationIdentity());
        same(new MseLoss(), new LossL2(), 1.0 / COLUMNS, gaussian(), gaussian(), new ActivationIdentity());
    }

    @Test
    void maeIsLossMAE() {
        // LossMAE's score array forgets its 1/K (it divides by the array's own width, 1): scale that one.
        same(new MaeLoss(), new LossMAE(), 1, 1.0 / COLUMNS, gaussian(), gaussian(), new ActivationIdentity());
        same(new MaeLoss(), new LossL1(), 1.0 / COLUMNS, gaussian(), gaussian(), new ActivationTanH());
    }

    @Test
    void crossEntropyIsLossMCXENTWithoutClipping() {
        same(new CrossEntropyLoss(), new LossMCXENT(0, null), 1, oneHot(), gaussian(), new ActivationSoftmax());
        double[] w = {0.5, 2, 1, 1.5, 3};
        same(CrossEntropyLoss.builder().weights(w).build(), new LossMCXENT(0, Nd4j.createFromArray(w).reshape(1, COLUMNS)), 1,
                oneHot(), gaussian(), new ActivationSoftmax());
    }

    @Test
    void binaryCrossEntropyIsLossBinaryXENTWithoutClipping() {
        same(new BinaryCrossEntropyLoss(), new LossBinaryXENT(0), 1.0 / COLUMNS, binary(0), gaussian(), new ActivationSigmoid());
    }

    @Test
    void binaryHingeIsLossHingeOverK() {
        same(new HingeLoss(), new LossHinge(), 1.0 / COLUMNS, binary(-1), gaussian(), new ActivationIdentity());
        same(HingeLoss.builder().squared(true).build(), new LossSquaredHinge(), 1.0 / COLUMNS, binary(-1), gaussian(),
                new ActivationIdentity());
    }
}
