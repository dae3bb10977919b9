package org.dl4jlosses.internal;

/**
 * The formula of a loss that is a mean of per-element terms, {@code loss_row = 1/K sum_k w_k m_k
 * l(a_k, y_k)}, written once over {@link LaneMath} for every precision: the term {@code l} and its
 * derivative {@code dl/da}. {@link ElementPath} does everything around it (rows, labels, masks,
 * weights, the 1/K, the activation, threads).
 *
 * <p>An implementation is a small class with one constructor that takes its loss (reading the
 * options from it), and no other state: {@link Specialized} loads a copy of the class per precision.
 */
public interface ElementFormula {
    /** The terms {@code l(a, y)} of one group of lanes. */
    <V> V loss(LaneMath<V> n, V a, V y);

    /** Their derivatives {@code dl/da}. */
    <V> V gradient(LaneMath<V> n, V a, V y);
}
