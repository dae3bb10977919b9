package org.dl4jlosses.internal;

/**
 * The base of losses that couple rows (section 3 of the spec): embedding, ranking and
 * segmentation losses, which see the whole minibatch. On top of {@link BaseLoss}'s plumbing it
 * arranges the rows by the loss's {@link Layout}, removes masked rows (whole tuples for BLOCKS)
 * before the formula runs, and puts the formula's per-row results back in place. A batch with
 * every row masked gives zero loss and zero gradient without calling the formula.
 *
 * <p>A subclass implements {@link #evaluate(Rows, Need)} over the kept rows, returning through
 * {@link Rows#perRow}, {@link Rows#perTuple} or {@link Rows#spread} losses whose sum is the number
 * of kept rows times the reference value, and the derivative of that sum with respect to the
 * activation's output (the base backpropagates it through the activation).
 */
public abstract class CoupledLoss extends BaseLoss {
    private static final long serialVersionUID = 1L;

    /** How this call's rows form units; may depend on the batch's shape (e.g. [N, 2] pairs vs [2N, 1] blocks). */
    protected abstract Layout layout(Batch batch);

    /** The formula over the kept rows. */
    protected abstract Terms evaluate(Rows rows, Need need);

    @Override
    protected final Terms evaluate(Batch batch, Need need) {
        Rows rows = Rows.of(batch, layout(batch));
        if (rows.count() == 0) {
            return Rows.nothing(batch);
        }
        return rows.expand(evaluate(rows, need));
    }
}
