package org.dl4jlosses.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a loss's formula produced for one batch, before weights, masks and reduction.
 *
 * <p>Per-element terms: {@code loss [R, K]} is each element's loss and {@code gradient [R, K]}
 * its derivative; the base multiplies by the element mask and the column weights and averages
 * over the K columns. Per-row terms: {@code loss [R, 1]} is each row's loss and
 * {@code gradient [R, K]} the derivative of the row loss. The gradient is with respect to the
 * activation's output a (the base then backpropagates through the activation) or, for fused
 * activations, already with respect to z. Both arrays must be new: the base modifies them.
 */
public final class Terms {
    private final INDArray loss;
    private final INDArray gradient;
    private final boolean perElement;
    private final boolean wrtLogits;

    private Terms(INDArray loss, INDArray gradient, boolean perElement, boolean wrtLogits) {
        this.loss = loss;
        this.gradient = gradient;
        this.perElement = perElement;
        this.wrtLogits = wrtLogits;
    }

    /** Per-element loss and dL/da. */
    public static Terms perElement(INDArray loss, INDArray dLda) {
        return new Terms(loss, dLda, true, false);
    }

    /** Per-row loss [R, 1] and dL/da. */
    public static Terms perRow(INDArray loss, INDArray dLda) {
        return new Terms(loss, dLda, false, false);
    }

    /** Per-row loss [R, 1] and dL/dz, the activation fused into the formula. */
    public static Terms perRowFused(INDArray loss, INDArray dLdz) {
        return new Terms(loss, dLdz, false, true);
    }

    INDArray loss() {
        return loss;
    }

    INDArray gradient() {
        return gradient;
    }

    boolean perElement() {
        return perElement;
    }

    boolean gradientWrtLogits() {
        return wrtLogits;
    }
}
