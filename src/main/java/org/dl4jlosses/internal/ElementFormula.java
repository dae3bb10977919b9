package org.dl4jlosses.internal;

/**
 * The formula of a loss that is a mean of per-element terms, {@code loss_row = 1/K sum_k w_k m_k
 * l(a_k, y_k)}, written once over {@link LaneMath} for every precision: the term {@code l} and its
 * derivative {@code dl/da}. {@link ElementPath} does everything around it (rows, labels, masks,
 * weights, the 1/K, the activation, threads).
 *
 * <p>An implementation is a small class with one constructor that takes the options it needs (see
 * {@link FormulaSetup}), and no other state: {@link Specialized} loads a copy of the class per
 * precision and loss class.
 */
public interface ElementFormula {
    /**
     * The terms {@code l(a, y)} of one group of lanes.
     *
     * @param n the lanes
     * @param a the layer's outputs ({@code z} itself for {@link OnSigmoidLogits})
     * @param y the labels
     * @param c the loss's per-column option ({@link BaseLoss#columnOption}), 1 where it has none
     * @param <V> one group of lanes
     * @return the terms
     */
    <V> V loss(LaneMath<V> n, V a, V y, V c);

    /**
     * Their derivatives {@code dl/da} (or {@code dl/dz} for {@link OnSigmoidLogits}); arguments as for {@link #loss}.
     *
     * @param n the lanes
     * @param a the layer's outputs
     * @param y the labels
     * @param c the per-column option
     * @param <V> one group of lanes
     * @return the derivatives
     */
    <V> V gradient(LaneMath<V> n, V a, V y, V c);

    /**
     * 0 where {@code y} is a label this formula takes, NaN elsewhere. The default takes every
     * finite value ({@code y - y}); {@link ElementPath} names the first bad label it finds.
     *
     * @param n the lanes
     * @param y the labels
     * @param <V> one group of lanes
     * @return 0 or NaN in each lane
     */
    default <V> V labelCheck(LaneMath<V> n, V y) {
        return n.sub(y, y);
    }

    /**
     * A formula written on the logits {@code z} of a sigmoid layer: with a sigmoid activation it
     * receives {@code z} and returns {@code dl/dz}, and the activation is not run at all.
     */
    interface OnSigmoidLogits extends ElementFormula {
    }
}
