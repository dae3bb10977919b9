package org.dl4jlosses;

import static org.dl4jlosses.testing.Assert.close;

import java.util.Random;
import org.dl4jlosses.classification.BinaryCrossEntropyLoss;
import org.dl4jlosses.regression.MaeLoss;
import org.dl4jlosses.regression.MseLoss;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Element-wise losses take an element mask with a softmax activation, as DL4J's {@code LossMSE}
 * and {@code LossMAE} do (and binary cross-entropy): the masked outputs do not count, the gradient goes through the
 * softmax's Jacobian, and, as in DL4J, a masked output's logit gets no gradient. Checked against
 * DL4J's losses, and the unmasked logits' gradient against finite differences, in float64.
 */
class SoftmaxElementMaskTest {
    private static final IActivation SOFTMAX = new ActivationSoftmax();

    @Test
    void elementWiseLossesTakeAnElementMaskWithSoftmax() {
        Random random = new Random(5);
        INDArray z = Nd4j.randn(DataType.DOUBLE, 7, 5).muli(2);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 7, 5);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, 7, 5);
        for (int i = 0; i < 12; i++) {
            mask.putScalar(random.nextInt(7), random.nextInt(5), 0.0);
        }
        // Garbage under the mask must not matter.
        INDArray garbage = y.dup();
        for (int r = 0; r < 7; r++) {
            for (int c = 0; c < 5; c++) {
                if (mask.getDouble(r, c) == 0) {
                    garbage.putScalar(r, c, Double.NaN);
                }
            }
        }
        check(new MseLoss(), new LossMSE(), y, garbage, z, mask);
        check(new MaeLoss(), new LossMAE(), y, garbage, z, mask);
        // DL4J's LossBinaryXENT keeps only the y log p terms with a softmax: finite differences only.
        check(new BinaryCrossEntropyLoss(), null, y, garbage, z, mask);
    }

    private static void check(ILossFunction ours, ILossFunction dl4j, INDArray y, INDArray garbage, INDArray z,
                              INDArray mask) {
        String name = ours.name();
        double score = ours.computeScore(garbage, z, SOFTMAX, mask, false);
        INDArray gradient = ours.computeGradient(garbage, z, SOFTMAX, mask);
        if (dl4j != null) {
            close(dl4j.computeScore(y, z.dup(), SOFTMAX, mask, false), score, 1e-12, name + " score vs DL4J");
            close(dl4j.computeGradient(y, z.dup(), SOFTMAX, mask), gradient, 1e-10, name + " gradient vs DL4J");
        }
        // (DL4J's LossMAE leaves the 1/K out of its score array, not of its score: compare with the score.)
        close(score, ours.computeScoreArray(garbage, z, SOFTMAX, mask).sumNumber().doubleValue(), 1e-12,
                name + " score array sums to the score");
        double h = 1e-6;
        for (int r = 0; r < z.rows(); r++) {
            for (int c = 0; c < z.columns(); c++) {
                INDArray plus = z.dup();
                plus.putScalar(r, c, z.getDouble(r, c) + h);
                INDArray minus = z.dup();
                minus.putScalar(r, c, z.getDouble(r, c) - h);
                double numeric = (ours.computeScore(garbage, plus, SOFTMAX, mask, false)
                        - ours.computeScore(garbage, minus, SOFTMAX, mask, false)) / (2 * h);
                double expected = mask.getDouble(r, c) == 0 ? 0 : numeric;
                close(expected, gradient.getDouble(r, c), 1e-6, name + " d score / d z[" + r + ", " + c + "]");
            }
        }
    }
}
