package org.dl4jlosses.internal;

/**
 * A {@link FloatKernel} for losses that are a mean of per-element terms:
 * {@code loss_row = 1/K sum_k w_k m_k l(z_k, y_k)} with column weights {@code w} and element mask
 * {@code m}. A subclass writes only {@code l} and {@code dl/dz} for each element of the row; the
 * weights, the mask and the 1/K are applied here, as {@link BaseLoss} does on the op path.
 */
public abstract class ElementKernel implements FloatKernel {
    private final float[] weights;

    /** {@code weights}: one per column, or null for none (already checked to fit the batch). */
    protected ElementKernel(double[] weights) {
        this.weights = Lanes.toFloat(weights);
    }

    /**
     * The scalar form for elements [from, to) of the row: writes each element's term to
     * {@code loss[k]} (when not null) and its derivative with respect to {@code z_k} to
     * {@code gradient[k]} (when not null). {@code labels} is the dense label row.
     */
    protected abstract void scalarElements(float[] z, float[] labels, float[] loss, float[] gradient, int from, int to);

    /**
     * The same with the Vector API, over the row's leading elements (called only when
     * {@link Lanes#VECTOR}); returns where the scalar form takes over (n when the vector body
     * covered the whole row).
     */
    protected abstract int vectorElements(float[] z, float[] labels, float[] loss, float[] gradient, int n);

    @Override
    public final double loss(FloatRow row) {
        int k = row.columns;
        float[] loss = row.wantLoss ? row.scratch : null;
        int done = Lanes.VECTOR ? vectorElements(row.z, row.labels, loss, row.gradient, k) : 0;
        scalarElements(row.z, row.labels, loss, row.gradient, done, k);
        float[] scale = null;
        if (weights != null || row.elementMask != null) {
            // s_k = w_k m_k / K, one factor per element.
            scale = row.scale;
            for (int c = 0; c < k; c++) {
                scale[c] = (weights == null ? 1f : weights[c]) * (row.elementMask == null ? 1f : row.elementMask[c]) / k;
            }
        }
        return Lanes.weighElements(loss, row.gradient, 1f / k, scale, k);
    }
}
