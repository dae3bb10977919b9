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

    @Override
    final CoupledPath.Result coupledRun(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask,
                                        boolean score, boolean gradient) {
        FormulaSetup setup = coupledFormula(activation);
        LabelKind kind = labelKind(activation);
        Inputs.Shapes shapes = Inputs.checkShapes(name(), kind, labels, preOutput, activation, mask);
        return CoupledPath.run(name(), n -> formula(setup, CoupledFormula.class, n), kind, units(preOutput), labels,
                preOutput, activation, mask, shapes, score, gradient);
    }
}
