package org.dl4jlosses.internal;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The base of losses that couple rows: embedding, ranking and segmentation losses, which see the
 * whole minibatch. On top of {@link BaseLoss}'s plumbing it arranges the rows by the loss's
 * {@link Units}, removes masked rows (whole tuples for BLOCKS) before the formula runs, and puts
 * the formula's per-row results back in place ({@link CoupledPath}). A batch with every row masked
 * gives zero loss and zero gradient without calling the formula.
 *
 * <p>A subclass gives its {@link CoupledFormula} (see {@link #coupledFormula}): per-row losses whose
 * sum is the number of kept rows times the reference value, and the derivative of that sum with
 * respect to the activation's output.
 */
public abstract class CoupledLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /**
     * How this call's rows form units; may depend on preOutput's shape (e.g. [N, 2] pairs vs [2N, 1] blocks).
     *
     * @param preOutput this call's pre-output (the activation's input), whose shape may pick the layout
     * @return how the rows of this call form units
     */
    protected abstract Units units(INDArray preOutput);

    /**
     * This loss's {@link CoupledFormula} with this activation (for every precision).
     *
     * @param activation the layer's activation
     * @return the formula's class and options
     */
    protected abstract FormulaSetup coupledFormula(IActivation activation);

    /**
     * A loss with an element or row formula that this loss adds to its own, with its weight (a sum
     * of two losses, such as Dice and cross-entropy), or null (the default). It runs on the same
     * inputs, its errors naming this loss; it may reject the activation.
     *
     * @param activation the layer's activation
     * @return the added loss and its weight, or null
     */
    protected AddedTerm addedTerm(IActivation activation) {
        return null;
    }

    /** A loss and its weight in a sum with a coupled loss (see {@link #addedTerm}). */
    protected static final class AddedTerm {
        final BaseLoss loss;
        final double weight;

        /**
         * @param loss a loss with an element or row formula
         * @param weight its weight in the sum
         */
        public AddedTerm(BaseLoss loss, double weight) {
            this.loss = loss;
            this.weight = weight;
        }
    }

    @Override
    final CoupledPath.Result coupledRun(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask,
                                        boolean score, boolean gradient) {
        FormulaSetup setup = coupledFormula(activation);
        AddedTerm added = addedTerm(activation);
        LabelKind kind = labelKind(activation);
        Inputs.Shapes shapes = Inputs.checkShapes(name(), kind, labels, preOutput, activation, mask);
        CoupledPath.Result own = CoupledPath.run(name(), n -> formula(setup, CoupledFormula.class, n), kind, units(preOutput),
                labels, preOutput, activation, mask, shapes, score, gradient);
        if (added == null) {
            return own;
        }
        try (Memory memory = Memory.enter()) {
            return own.plus(added.weight,
                    added.loss.formulaRun(name(), labels, preOutput, activation, mask, score, score, gradient));
        }
    }
}
