package org.dl4jlosses.internal;

/**
 * The formula of a loss computed row by row from a row of class scores (the activation's output,
 * or a softmax layer's logits for an {@link OnSoftmaxLogits} formula), written once over
 * {@link LaneMath} for every precision. {@link RowPath} does everything around it (labels and
 * their checks, row masks, the activation, threads, buffers).
 *
 * <p>An implementation is a small class with one constructor and no state besides its options:
 * {@link Specialized} loads a copy of the class per precision and loss class, so that each copy's
 * profile sees one precision and the options of one loss (a choice on an option inside a loop is
 * then one C2 can drop).
 */
public interface RowFormula {
    /**
     * Marks a formula that works on a softmax layer's logits {@code z} and returns {@code dL/dz}:
     * with a softmax activation the activation is not run at all (with any other, the formula gets
     * the activation's output as for every row formula).
     */
    interface OnSoftmaxLogits extends RowFormula {
    }

    /**
     * A formula that also takes a block of short rows at once, class-major: element
     * {@code c * stride + i} is row i's class c, so one step covers one class of as many rows as
     * a vector has lanes, and a reduction over a row's classes is a lane-wise one. A row shorter
     * than a vector otherwise leaves most lanes idle and pays a row's fixed costs for a few
     * elements. {@link RowPath} takes blocks for rows of at most {@link RowPath#SHORT_ROW}
     * classes with class labels; such a formula takes every finite score ({@link #admit} is not
     * called) and labels as dense rows (a class index as a one-hot row).
     */
    interface ClassMajor extends RowFormula {
        /**
         * The rows' losses {@code scale l(z, y)} into {@code losses} and, when {@code gradient}
         * is not null, their gradients {@code scale dl/dz} class-major into it, every lane of the
         * first {@code rows} written. A row with scale 0 has labels and scores 0.
         *
         * @param n the lanes
         * @param z the scores, class-major
         * @param y the labels, class-major
         * @param gradient the gradient, class-major, or null
         * @param scratch {@code k * stride} elements for the formula's own use
         * @param scale each row's weight (its row mask value), one per lane
         * @param losses each row's loss, one per lane
         * @param rows the number of rows
         * @param stride the distance between two classes of a row
         * @param k the number of classes
         * @param <V> one group of lanes
         */
        <V> void block(LaneMath<V> n, Object z, Object y, Object gradient, Object scratch, Object scale, Object losses,
                       int rows, int stride, int k);
    }

    /**
     * Checks row r's scores before {@link #row} (default: any value is taken), throwing
     * {@link Checks#fail} for a value outside the formula's domain; may bring values within
     * rounding of the domain into it, in place (the row is the path's own copy).
     *
     * @param n the lanes
     * @param a the row's scores
     * @param k the row's length
     * @param r the row's index in the batch, for the message
     */
    default void admit(LaneMath<?> n, Object a, int k, int r) {
    }

    /**
     * Whether the formula needs every row's labels as values: class indices are then handed to
     * {@link #row} as one-hot rows too.
     *
     * @return true to get class indices as one-hot rows
     */
    boolean denseLabels();

    /**
     * One row's loss {@code scale l(z, y)} (when {@code wantLoss}, else anything) and, when
     * {@code gradient} is not null, its gradient {@code scale dl/dz} (with respect to the scores) written there. Every row is a
     * {@link LaneMath#row} of {@code k} elements.
     *
     * @param n the lanes
     * @param z the scores (the logits for an {@link OnSoftmaxLogits} formula)
     * @param y the labels; null for a class index unless {@link #denseLabels}
     * @param target the row's class when its labels are a class index or a one-hot row, else -1
     * @param gradient the row the gradient goes to, or null
     * @param scratch a row for the formula's own use
     * @param k the row's length
     * @param scale the row's weight (its row mask value)
     * @param wantLoss whether the loss is wanted
     * @param <V> one group of lanes
     * @return the row's loss, times {@code scale}
     */
    <V> double row(LaneMath<V> n, Object z, Object y, int target, Object gradient, Object scratch, int k, double scale,
                   boolean wantLoss);
}
