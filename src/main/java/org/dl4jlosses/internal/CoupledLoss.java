package org.dl4jlosses.internal;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The base of losses that couple rows: embedding, ranking and
 * segmentation losses, which see the whole minibatch. On top of {@link BaseLoss}'s plumbing it
 * arranges the rows by the loss's {@link Units}, removes masked rows (whole tuples for BLOCKS)
 * before the formula runs, and puts the formula's per-row results back in place. A batch with
 * every row masked gives zero loss and zero gradient without calling the formula.
 *
 * <p>A subclass implements its {@link CoupledFormula} (see {@link #coupledFormula}), or
 * {@link #evaluate(Rows, Need)} over the kept rows, returning through
 * {@code Rows.perRow}, {@code perTuple} or {@code spread} losses whose sum is the number
 * of kept rows times the reference value, and the derivative of that sum with respect to the
 * activation's output (the base backpropagates it through the activation).
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
     * This loss's {@link CoupledFormula} with this activation (for every precision), or null (the
     * default) when a kernel or the ND4J formula of {@link #evaluate(Rows, Need)} computes it.
     *
     * @param activation the layer's activation
     * @return the formula's class and options, or null
     */
    protected FormulaSetup coupledFormula(IActivation activation) {
        return null;
    }

    /**
     * This loss's Java formula for float32 batches with this activation and column count, or null
     * (the default) when the ND4J formula of {@link #evaluate(Rows, Need)} should run. The kernel
     * must compute the same per-row losses and gradient over the same kept rows.
     *
     * @param activation the layer's activation function
     * @param columns the number of columns of the batch's pre-output
     * @return the Java kernel for this activation and column count, or null for the ND4J formula
     */
    protected CoupledKernel coupledKernel(IActivation activation, int columns) {
        return null;
    }

    /**
     * The formula over the kept rows.
     *
     * @param rows the kept rows, arranged in this loss's units
     * @param need which of the score and the gradient to compute
     * @return the per-row losses and their derivative with respect to the activation's output, made by
     *     {@code Rows.perRow}, {@code perTuple} or {@code spread}
     */
    protected Terms evaluate(Rows rows, Need need) {
        throw new IllegalStateException(name() + " has a coupled formula");
    }

    @Override
    protected final Terms evaluate(Batch batch, Need need) {
        Rows rows = Rows.of(batch, units(batch.z()));
        if (rows.count() == 0) {
            return Rows.nothing(batch);
        }
        return rows.expand(evaluate(rows, need));
    }

    @Override
    final CoupledKernelPath.Result kernelRun(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask,
                                      boolean score, boolean gradient) {
        FormulaSetup setup = coupledFormula(activation);
        CoupledKernel kernel = setup != null || !Kernels.appliesCoupled(preOutput) ? null
                : coupledKernel(activation, (int) preOutput.size(1));
        if (setup == null && kernel == null) {
            return null;
        }
        LabelKind kind = labelKind(activation);
        Batch.Shapes shapes = Batch.checkShapes(name(), kind, labels, preOutput, activation, mask);
        return CoupledKernelPath.run(name(), setup == null ? null : n -> formula(setup, CoupledFormula.class, n), kernel, kind,
                units(preOutput), labels, preOutput, activation, mask, shapes, score, gradient);
    }
}
