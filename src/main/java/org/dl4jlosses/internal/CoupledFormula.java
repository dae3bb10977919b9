package org.dl4jlosses.internal;

/**
 * A coupled loss's formula over its kept rows, written once over {@link LaneMath} for float32 and
 * float64: {@link CoupledPath} reads the kept rows of the activation's output into
 * {@link KeptRows} of the call's precision, and puts the per-row losses and gradient rows back in
 * place (zeros for masked rows), through the activation's {@code backprop} unless the formula
 * applies the activation itself ({@link #fusesActivation}). Products go to
 * {@link Blas}; the formula checks its own labels and throws {@link Checks#fail} for bad ones.
 */
public interface CoupledFormula {
    /**
     * Evaluates the formula over {@code rows}: each kept row's loss into {@code losses} (length
     * {@code rows.count()}, null when only the gradient is wanted), whose sum is the number of kept
     * rows times the reference value, and the derivative of that sum with respect to the kept rows
     * into {@code gradient} (row-major {@code count x columns} of the lanes' precision, every
     * element written; null when only the score is wanted).
     *
     * @param n the lanes of the call's precision
     * @param rows the kept rows
     * @param losses the per-row losses, or null
     * @param gradient the gradient rows, or null
     * @param <V> one group of lanes
     */
    <V> void evaluate(LaneMath<V> n, KeptRows rows, double[] losses, Object gradient);

    /**
     * Whether this formula applies the layer's activation itself: it then reads the pre-output z
     * and its gradient is with respect to z (the path neither applies the activation nor
     * backpropagates through it). False by default.
     *
     * @return whether the activation is fused into the formula
     */
    default boolean fusesActivation() {
        return false;
    }
}
