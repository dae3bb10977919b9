package org.dl4jlosses.internal;

import static org.dl4jlosses.testing.Assert.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * One call of every ILossFunction method on the kernel path against the op path (kernels off),
 * after asserting that the kernel path does take this input: a kernel that silently declined
 * would otherwise compare the op path with itself.
 */
final class PathComparison {
    static final double TOLERANCE = 2e-5;

    private PathComparison() {
    }

    static void compare(ILossFunction loss, IActivation activation, String what, INDArray labels, INDArray z,
                        INDArray mask) {
        String name = what + (mask == null ? "" : " masked " + mask.size(1));
        assertNotNull(((BaseLoss) loss).kernelRun(labels, z, activation, mask, true, true),
                name + ": the kernel path must take this input");
        INDArray zBefore = z.dup();
        INDArray labelsBefore = labels.dup();
        Kernels.setEnabled(false);
        double opScore = loss.computeScore(labels, z, activation, mask, false);
        double opMean = loss.computeScore(labels, z, activation, mask, true);
        INDArray opArray = loss.computeScoreArray(labels, z, activation, mask);
        INDArray opGradient = loss.computeGradient(labels, z, activation, mask);
        Kernels.setEnabled(true);
        double score = loss.computeScore(labels, z, activation, mask, false);
        double mean = loss.computeScore(labels, z, activation, mask, true);
        INDArray array = loss.computeScoreArray(labels, z, activation, mask);
        INDArray gradient = loss.computeGradient(labels, z, activation, mask);
        var both = loss.computeGradientAndScore(labels, z, activation, mask, false);
        close(opScore, score, TOLERANCE, name + ": score");
        close(opMean, mean, TOLERANCE, name + ": mean score");
        close(opArray, array, TOLERANCE, name + ": score array");
        close(opGradient, gradient, TOLERANCE, name + ": gradient");
        close(opScore, both.getFirst(), TOLERANCE, name + ": score of computeGradientAndScore");
        close(opGradient, both.getSecond(), TOLERANCE, name + ": gradient of computeGradientAndScore");
        assertEquals(DataType.FLOAT, gradient.dataType());
        assertEquals(zBefore, z, name + ": preOutput untouched");
        assertEquals(labelsBefore, labels, name + ": labels untouched");
    }
}
