package org.dl4jlosses.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a coupled loss's ND4J formula produced for one batch, before the row mask and reduction:
 * each row's loss {@code [R, 1]} and its derivative {@code [R, K]} with respect to the activation's
 * output (the base then backpropagates through the activation). Both arrays must be new: the
 * base modifies them.
 */
public final class Terms {
    private final INDArray loss;
    private final INDArray gradient;

    private Terms(INDArray loss, INDArray gradient) {
        this.loss = loss;
        this.gradient = gradient;
    }

    /** Per-row loss [R, 1] and dL/da. */
    public static Terms perRow(INDArray loss, INDArray dLda) {
        return new Terms(loss, dLda);
    }

    INDArray loss() {
        return loss;
    }

    INDArray gradient() {
        return gradient;
    }
}
